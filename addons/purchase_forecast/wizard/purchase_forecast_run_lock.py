from dateutil.relativedelta import relativedelta

from odoo import fields, models


class PurchaseForecastRunLock(models.TransientModel):
    """Lock a published forecast until a day: the dialog of the run's Lock button."""

    _name = "purchase.forecast.run.lock"
    _description = "Lock a Published Forecast"

    run_id = fields.Many2one("purchase.forecast.run", required=True, readonly=True)
    locked_until = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=1, day=31),
        help="Included: from the next day nightly runs may replace the forecast again.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.run_id.action_lock(self.locked_until)
        return {"type": "ir.actions.act_window_close"}
