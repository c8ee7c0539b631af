import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..forecast_engine.periods import add_periods
from .purchase_forecast_result import BAND_HIGH, BAND_LOW


class PurchaseForecastLine(models.Model):
    """Expected demand of one product in one future period, with its uncertainty band."""

    _name = "purchase.forecast.line"
    _inherit = ["purchase.forecast.bulk.mixin"]
    _description = "Forecast Line"
    _order = "run_id desc, product_id, date"
    _rec_name = "product_id"

    run_id = fields.Many2one(
        "purchase.forecast.run", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True, string="Product Template"
    )
    categ_id = fields.Many2one(
        related="product_id.categ_id", store=True, index=True, string="Product Category"
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    period = fields.Selection(related="run_id.period")
    measure = fields.Selection(related="run_id.measure")
    date = fields.Date(string="Period Start", required=True, index=True, readonly=True)
    quantity = fields.Float(string="Expected", digits="Product Unit", readonly=True)
    quantity_low = fields.Float(
        string="Low (10%)",
        digits="Product Unit",
        readonly=True,
        aggregator="sum",
        help="9 periods out of 10 see at least this much.",
    )
    quantity_median = fields.Float(string="Median", digits="Product Unit", readonly=True)
    quantity_high = fields.Float(
        string="High (90%)",
        digits="Product Unit",
        readonly=True,
        help="9 periods out of 10 see at most this much.",
    )
    quantity_service = fields.Float(
        string="At Service Level",
        digits="Product Unit",
        readonly=True,
        help="Demand that the run's service level covers in this period.",
    )
    actual_quantity = fields.Float(string="Actual", digits="Product Unit", readonly=True)
    actual_known = fields.Boolean(readonly=True, index=True)
    abs_error = fields.Float(string="Absolute Error", digits="Product Unit", readonly=True)
    signed_error = fields.Float(string="Forecast − Actual", digits="Product Unit", readonly=True)
    within_band = fields.Integer(
        string="Inside Band", readonly=True, help="1 when the actual fell inside the 80% band."
    )
    # the engine's own forecast where people adjusted it (empty when they did not)
    adjusted = fields.Boolean(readonly=True, index=True)
    adjustment_note = fields.Char(
        string="Adjustment", readonly=True, help="The adjustments that changed this period."
    )
    adjustment_user_id = fields.Many2one(
        "res.users", string="Adjusted By", readonly=True, index=True
    )
    statistical_quantity = fields.Float(digits="Product Unit", readonly=True)
    statistical_low = fields.Float(digits="Product Unit", readonly=True)
    statistical_median = fields.Float(digits="Product Unit", readonly=True)
    statistical_high = fields.Float(digits="Product Unit", readonly=True)
    statistical_service = fields.Float(digits="Product Unit", readonly=True)
    statistical_value = fields.Float(
        string="Statistical",
        digits="Product Unit",
        compute="_compute_statistical_value",
        help="What the engine expected, before people's adjustments.",
    )
    statistical_abs_error = fields.Float(
        string="Statistical Error",
        digits="Product Unit",
        readonly=True,
        help="Absolute error of the engine's own forecast.",
    )
    statistical_signed_error = fields.Float(
        string="Statistical Bias", digits="Product Unit", readonly=True
    )
    value_added = fields.Float(
        digits="Product Unit",
        readonly=True,
        help="Forecast value added: how much smaller the error of the final (adjusted) "
        "forecast is than the engine's own; negative when the adjustment made it worse.",
    )
    is_current = fields.Boolean(
        string="Published Forecast",
        readonly=True,
        index=True,
        help="From the latest published run (of quantities or of values) that forecast the "
        "product: summing only these lines never counts a product twice.",
    )

    _run_product_date_idx = models.Index("(run_id, product_id, date)")

    def _set_actuals(self, actuals):
        """Record what really happened, {(product id, period start): quantity}, on these lines
        (their errors and whether the actual fell inside the band), in one statement: a
        nightly run scores tens of thousands of lines."""
        if not self:
            return
        self.flush_recordset(["quantity", "quantity_low", "quantity_high"])
        values = [
            (line.id, actuals.get((line.product_id.id, line.date), 0.0))
            for line in self.with_context(prefetch_fields=False)
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE purchase_forecast_line AS line
                   SET actual_quantity = actual.value,
                       actual_known = TRUE,
                       abs_error = abs(line.quantity - actual.value),
                       signed_error = line.quantity - actual.value,
                       statistical_abs_error = abs(%(statistical)s - actual.value),
                       statistical_signed_error = %(statistical)s - actual.value,
                       value_added = abs(%(statistical)s - actual.value)
                                     - abs(line.quantity - actual.value),
                       within_band = CASE WHEN actual.value BETWEEN line.quantity_low
                                          AND line.quantity_high THEN 1 ELSE 0 END
                  FROM (VALUES %(values)s) AS actual(id, value)
                 WHERE line.id = actual.id
                """,
                values=SQL(", ").join(
                    SQL("(%s, %s::float)", line_id, value) for line_id, value in values
                ),
                statistical=SQL(
                    "CASE WHEN line.adjusted THEN line.statistical_quantity ELSE line.quantity END"
                ),
            )
        )
        self.invalidate_recordset(
            [
                "actual_quantity",
                "actual_known",
                "abs_error",
                "signed_error",
                "within_band",
                "statistical_abs_error",
                "statistical_signed_error",
                "value_added",
            ]
        )

    def action_adjust(self):
        """Adjust the forecast of the selected periods of one product."""
        products = self.product_id
        if len(products) != 1:
            raise UserError(self.env._("Select the periods of one product to adjust."))
        ends = [add_periods(line.date, line.period, 1) for line in self]
        return self.env["purchase.forecast.adjustment"]._action_new(
            {
                "target": "product",
                "product_id": products.id,
                "date_from": min(self.mapped("date")),
                "date_to": max(ends) - datetime.timedelta(days=1),
                "company_id": self.company_id[:1].id,
            }
        )

    @api.depends("adjusted", "quantity", "statistical_quantity")
    def _compute_statistical_value(self):
        for line in self:
            line.statistical_value = line.statistical_quantity if line.adjusted else line.quantity

    @api.depends("product_id", "date")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for line in self:
            date = format_date(self.env, line.date)
            line.display_name = f"{line.product_id.display_name} · {date}"

    @api.model
    def _rows_from_forecast(self, run, product, forecast, index):
        """Per period of ``run``'s horizon, the values of one line of ``product``'s forecast
        (row ``index`` of the engine's forecast)."""
        service = round(run.service_level / 100.0, 4)
        fixed = {
            "run_id": run.id,
            "company_id": run.company_id.id,
            "product_id": product.id,
            "product_tmpl_id": product.product_tmpl_id.id,
            "categ_id": product.categ_id.id,
        }
        mean = forecast.mean[index]
        low = forecast.quantiles[BAND_LOW][index]
        median = forecast.quantiles[0.5][index]
        high = forecast.quantiles[BAND_HIGH][index]
        at_service = forecast.quantiles[service][index]
        return [
            {
                **fixed,
                "date": add_periods(run.date_start, run.period, step),
                "quantity": round(float(mean[step]), 6),
                "quantity_low": round(float(low[step]), 6),
                "quantity_median": round(float(median[step]), 6),
                "quantity_high": round(float(high[step]), 6),
                "quantity_service": round(float(at_service[step]), 6),
            }
            for step in range(run.horizon)
        ]
