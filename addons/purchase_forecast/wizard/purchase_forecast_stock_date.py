import datetime as dt

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

STOCK_PERIODS = ("month", "quarter", "year")
MAX_PERIOD_COUNT = 36


def period_ends(day, period, count):
    """The last days of the `count` calendar periods before the one holding `day`, oldest
    first, then `day` itself."""
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    start = day.replace(day=1, month=(day.month - 1) // months * months + 1)
    ends = [
        start - relativedelta(months=months * (step - 1)) - dt.timedelta(days=1)
        for step in range(count, 0, -1)
    ]
    return [*ends, day]


class PurchaseForecastStockDate(models.TransientModel):
    """On hand of a product at a chosen date and at the end of each of the periods before
    it, per warehouse."""

    _name = "purchase.forecast.stock.date"
    _description = "Stock at a Date"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, domain="[('type', '=', 'consu')]"
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    period = fields.Selection(
        [("month", "Months"), ("quarter", "Quarters"), ("year", "Years")],
        required=True,
        default="month",
    )
    period_count = fields.Integer(
        string="Periods", required=True, default=6, help="How many period ends before the date."
    )
    line_ids = fields.One2many("purchase.forecast.stock.date.line", "wizard_id", readonly=True)

    @api.model
    def _stock_table(self, company, product, day, period, count):
        """[{warehouse, date, quantity, source}] of the product at `day` and at the end of
        each of the `count` periods before, per warehouse of the company."""
        if not self.env.user.has_group("purchase_forecast.group_forecast_user"):
            raise AccessError(self.env._("Only forecasting users may read stock by date."))
        if period not in STOCK_PERIODS:
            raise UserError(self.env._("Choose months, quarters or years."))
        if not 1 <= count <= MAX_PERIOD_COUNT:
            raise UserError(self.env._("Choose from 1 to %(max)s periods.", max=MAX_PERIOD_COUNT))
        if day > fields.Date.context_today(self):
            raise UserError(
                self.env._("%(day)s is in the future: stock is known up to today.", day=day)
            )
        if company not in self.env.user.company_ids:
            raise AccessError(self.env._("You have no access to company %s.", company.name))
        product.check_access("read")
        warehouses = self.env["stock.warehouse"].search([("company_id", "=", company.id)])
        days = period_ends(day, period, count)
        stock = product._stock_at_dates(company, days, warehouses)
        return [
            {
                "warehouse_id": warehouse.id,
                "date": when,
                "quantity": stock[(product.id, warehouse.id, when)][0],
                "source": stock[(product.id, warehouse.id, when)][1],
                "is_chosen_date": when == day,
            }
            for warehouse in warehouses
            for when in days
        ]

    def action_compute(self):
        """Fill the table and show it in the same window."""
        self.ensure_one()
        rows = self._stock_table(
            self.company_id, self.product_id, self.date, self.period, self.period_count
        )
        self.line_ids.unlink()
        self.env["purchase.forecast.stock.date.line"].create(
            [{**row, "wizard_id": self.id} for row in rows]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock at a Date"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
