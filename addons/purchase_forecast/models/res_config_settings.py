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
    forecast_publish_manual = fields.Boolean(
        related="company_id.forecast_publish_manual", readonly=False
    )
    forecast_retention_days = fields.Integer(
        related="company_id.forecast_retention_days", readonly=False
    )
    forecast_chunk_size = fields.Integer(
        string="Products per Job",
        config_parameter="purchase_forecast.batch_size",
        default=2000,
        help="A forecast run over more products is split into chunks of this many, each "
        "forecast by a background job; a run that fits in one chunk runs at once.",
    )
    purchase_plan_review_days = fields.Integer(
        related="company_id.purchase_plan_review_days", readonly=False
    )
    purchase_plan_job_threshold = fields.Integer(
        string="Plans in the Background Above",
        config_parameter="purchase_forecast.plan_job_threshold",
        default=5000,
        help="A plan over more products than this is computed by background jobs; you are "
        "notified when it is ready. Smaller plans are computed at once.",
    )
    forecast_import_job_threshold = fields.Integer(
        string="Imports in the Background Above (bytes)",
        config_parameter="purchase_forecast.import_job_threshold",
        default=5000000,
        help="A file larger than this is imported by a background job; you are notified "
        "when it is done. Smaller files are imported at once.",
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
