from odoo import api, fields, models
from odoo.exceptions import AccessError

CONFIG_FIELDS = (
    "forecast_period",
    "forecast_horizon",
    "forecast_history_months",
    "forecast_service_level",
    "forecast_history_source",
    "forecast_nightly_run",
    "forecast_publish_manual",
    "forecast_retention_days",
    "purchase_plan_review_days",
    "purchase_plan_approval_amount",
    "purchase_plan_update_orderpoints",
    "purchase_plan_delivery_conditions",
    "procurement_customer_ref",
)


class PurchaseForecastConfig(models.TransientModel):
    """The company's forecasting and planning settings, for Forecast Managers: Odoo's own
    settings page is for administrators only."""

    _name = "purchase.forecast.config"
    _description = "Forecast Settings"

    company_id = fields.Many2one("res.company", readonly=True, default=lambda s: s.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    forecast_period = fields.Selection(
        [("week", "Week"), ("month", "Month"), ("quarter", "Quarter")], required=True
    )
    forecast_horizon = fields.Integer(required=True)
    forecast_history_months = fields.Integer(string="History Window (months)", required=True)
    forecast_service_level = fields.Float(string="Target Service Level (%)", required=True)
    forecast_history_source = fields.Selection(
        [
            ("moves", "Stock moves (consumption and sales)"),
            ("purchases", "Confirmed purchases"),
        ],
        string="Demand History Source",
        required=True,
    )
    forecast_nightly_run = fields.Boolean(string="Nightly Forecast Run")
    forecast_publish_manual = fields.Boolean(string="Publish Forecasts Manually")
    forecast_retention_days = fields.Integer(string="Keep Forecast Runs (days)", required=True)
    purchase_plan_review_days = fields.Integer(string="Review Period (days)", required=True)
    purchase_plan_approval_amount = fields.Monetary(string="Plan Approval Above")
    purchase_plan_update_orderpoints = fields.Boolean(string="Forecast-based Reordering Rules")
    purchase_plan_delivery_conditions = fields.Char(string="Delivery Conditions")
    procurement_customer_ref = fields.Char(string="Procurement Customer ID")

    def _check_manager(self):
        if not self.env.user.has_group("purchase_forecast.group_forecast_manager"):
            raise AccessError(self.env._("Only Forecast Managers can change forecast settings."))

    def _check_own_company(self):
        """The settings written as superuser must be those of a company the user works in:
        `company_id` is readonly only in the view, JSON-2 can set any company."""
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot change the forecast settings of %(company)s.",
                    company=self.company_id.sudo().name,
                )
            )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env.company
        values.update({name: company[name] for name in CONFIG_FIELDS if name in fields_list})
        return values

    def action_save(self):
        """Write the settings to the company (the manager needs no right on companies)."""
        self.ensure_one()
        self._check_manager()
        self._check_own_company()
        self.company_id.sudo().write({name: self[name] for name in CONFIG_FIELDS})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Forecast settings saved for %(company)s.", company=self.company_id.name
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
