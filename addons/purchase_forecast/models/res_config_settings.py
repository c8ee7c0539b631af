from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    forecast_period = fields.Selection(related="company_id.forecast_period", readonly=False)
    forecast_horizon = fields.Integer(related="company_id.forecast_horizon", readonly=False)
    forecast_history_months = fields.Integer(
        related="company_id.forecast_history_months", readonly=False
    )
    forecast_service_level = fields.Float(
        related="company_id.forecast_service_level", readonly=False
    )
    forecast_history_source = fields.Selection(
        related="company_id.forecast_history_source", readonly=False
    )
    forecast_nightly_run = fields.Boolean(related="company_id.forecast_nightly_run", readonly=False)
    forecast_retention_days = fields.Integer(
        related="company_id.forecast_retention_days", readonly=False
    )
    purchase_plan_review_days = fields.Integer(
        related="company_id.purchase_plan_review_days", readonly=False
    )
    purchase_plan_approval_amount = fields.Monetary(
        related="company_id.purchase_plan_approval_amount",
        currency_field="company_currency_id",
        readonly=False,
    )
    purchase_plan_update_orderpoints = fields.Boolean(
        related="company_id.purchase_plan_update_orderpoints", readonly=False
    )
    purchase_plan_delivery_conditions = fields.Char(
        related="company_id.purchase_plan_delivery_conditions", readonly=False
    )
    procurement_customer_ref = fields.Char(
        related="company_id.procurement_customer_ref", readonly=False
    )
