from odoo import api, fields, models


class PurchaseForecastLine(models.Model):
    """Expected demand of one product in one future period, with its uncertainty band."""

    _name = "purchase.forecast.line"
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
        string="Current Forecast",
        readonly=True,
        index=True,
        help="From the latest finished run (of quantities or of values) that forecast the "
        "product: summing only current lines never counts a product twice.",
    )

    _run_product_date_idx = models.Index("(run_id, product_id, date)")

    def _set_actual(self, actual):
        self.ensure_one()
        self.write(
            {
                "actual_quantity": actual,
                "actual_known": True,
                "abs_error": abs(self.quantity - actual),
                "signed_error": self.quantity - actual,
                "within_band": int(self.quantity_low <= actual <= self.quantity_high),
            }
        )

    @api.depends("product_id", "date")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.product_id.display_name} · {line.date or ''}"
