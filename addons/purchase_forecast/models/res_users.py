from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    forecast_role = fields.Selection(
        [("none", "None"), ("user", "Forecast User"), ("manager", "Forecast Manager")],
        compute="_compute_forecast_role",
        string="Forecasting Role",
    )

    @api.depends("group_ids")
    def _compute_forecast_role(self):
        for user in self:
            if user.has_group("purchase_forecast.group_forecast_manager"):
                user.forecast_role = "manager"
            elif user.has_group("purchase_forecast.group_forecast_user"):
                user.forecast_role = "user"
            else:
                user.forecast_role = "none"
