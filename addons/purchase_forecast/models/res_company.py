from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    forecast_period = fields.Selection(
        [("week", "Week"), ("month", "Month"), ("quarter", "Quarter")],
        default="month",
        required=True,
        help="Length of the periods demand history is bucketed into and forecast for.",
    )
    forecast_horizon = fields.Integer(
        default=12,
        help="How many periods ahead a forecast run predicts.",
    )
    forecast_history_months = fields.Integer(
        string="History Window (months)",
        default=36,
        help="How far back demand history is read.",
    )
    forecast_service_level = fields.Float(
        string="Target Service Level (%)",
        default=95.0,
        help="Share of demand to serve from stock; sets the forecast quantile used "
        "for safety stock.",
    )
    forecast_history_source = fields.Selection(
        [
            ("moves", "Stock moves (consumption and sales)"),
            ("purchases", "Confirmed purchases"),
        ],
        string="Demand History Source",
        default="moves",
        required=True,
        help="Where demand history is read from in Odoo. Imported history records "
        "are always added. Choose purchases when stock is not tracked in Odoo.",
    )
    forecast_nightly_run = fields.Boolean(
        string="Nightly Forecast Run",
        default=True,
        help="Run the forecast for every product with history each night.",
    )
    forecast_publish_manual = fields.Boolean(
        string="Publish Forecasts Manually",
        help="Nightly runs wait for a Forecast Manager to publish them instead of becoming "
        "the published forecast of their scope when they succeed.",
    )
    forecast_retention_days = fields.Integer(
        string="Keep Forecast Runs (days)",
        default=400,
        help="Forecast runs older than this are deleted by the nightly clean-up; "
        "the latest run of each scope is always kept.",
    )

    purchase_plan_review_days = fields.Integer(
        string="Review Period (days)",
        default=30,
        help="Days until the next purchase plan: each plan covers demand over the vendor's "
        "lead time plus this period.",
    )
    purchase_plan_approval_amount = fields.Monetary(
        string="Plan Approval Above",
        currency_field="currency_id",
        default=0.0,
        help="Purchase plans whose total exceeds this amount need a Forecast Manager's "
        "approval before their RFQs are created. 0 = no approval needed.",
    )
    purchase_plan_update_orderpoints = fields.Boolean(
        string="Forecast-based Reordering Rules",
        help="When a plan is computed, write its reorder point and order-up-to level into "
        "the products' reordering rules (min/max), so Odoo's own replenishment uses them.",
    )
    purchase_plan_delivery_conditions = fields.Char(
        string="Delivery Conditions",
        help="Delivery conditions written into procurement calculation exports.",
    )
    procurement_customer_ref = fields.Char(
        string="Procurement Customer ID",
        help="The organisation's customer id in the procurement portal (CustomerId of "
        "calculation exports).",
    )

    _forecast_horizon_positive = models.Constraint(
        "CHECK(forecast_horizon > 0 AND forecast_horizon <= 104)",
        "The forecast horizon must be between 1 and 104 periods.",
    )
    _forecast_history_months_positive = models.Constraint(
        "CHECK(forecast_history_months >= 3 AND forecast_history_months <= 240)",
        "The history window must be between 3 and 240 months.",
    )
    _forecast_service_level_range = models.Constraint(
        "CHECK(forecast_service_level >= 50 AND forecast_service_level < 100)",
        "The target service level must be at least 50% and below 100%.",
    )
    _purchase_plan_review_days_positive = models.Constraint(
        "CHECK(purchase_plan_review_days >= 1)",
        "The review period must be at least one day.",
    )
    _forecast_retention_days_positive = models.Constraint(
        "CHECK(forecast_retention_days >= 1)",
        "Forecast runs must be kept for at least one day.",
    )
