from odoo import api, fields, models
from odoo.tools import SQL, format_date


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
                       within_band = CASE WHEN actual.value BETWEEN line.quantity_low
                                          AND line.quantity_high THEN 1 ELSE 0 END
                  FROM (VALUES %s) AS actual(id, value)
                 WHERE line.id = actual.id
                """,
                SQL(", ").join(SQL("(%s, %s::float)", line_id, value) for line_id, value in values),
            )
        )
        self.invalidate_recordset(
            ["actual_quantity", "actual_known", "abs_error", "signed_error", "within_band"]
        )

    @api.depends("product_id", "date")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for line in self:
            date = format_date(self.env, line.date)
            line.display_name = f"{line.product_id.display_name} · {date}"
