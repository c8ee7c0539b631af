from odoo import api, fields, models


class PurchaseForecastTurnoverLine(models.TransientModel):
    """One product over one period of a turnover statement."""

    _name = "purchase.forecast.turnover.line"
    _description = "Turnover Statement Line"
    _order = "product_id, date_start"
    _rec_name = "product_id"

    wizard_id = fields.Many2one(
        "purchase.forecast.turnover", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="wizard_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    category_id = fields.Many2one(related="product_id.categ_id", store=True, string="Category")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(string="From", required=True, readonly=True)
    date_end = fields.Date(string="To", required=True, readonly=True)
    period_label = fields.Char(string="Period", compute="_compute_period_label", store=True)
    source = fields.Selection(
        [("moves", "Stock moves"), ("sheet", "1C turnover sheet")],
        required=True,
        readonly=True,
        help="Stock moves: Odoo's done moves into and out of the stock. 1C turnover sheet: "
        "the imported sheets' opening balances, debit and credit turnovers.",
    )
    opening_quantity = fields.Float(digits="Product Unit", aggregator="sum", readonly=True)
    opening_value = fields.Monetary(aggregator="sum", readonly=True)
    receipt_quantity = fields.Float(
        string="Receipts", digits="Product Unit", aggregator="sum", readonly=True
    )
    receipt_value = fields.Monetary(string="Receipts Value", aggregator="sum", readonly=True)
    issue_quantity = fields.Float(
        string="Issues", digits="Product Unit", aggregator="sum", readonly=True
    )
    issue_value = fields.Monetary(string="Issues Value", aggregator="sum", readonly=True)
    closing_quantity = fields.Float(digits="Product Unit", aggregator="sum", readonly=True)
    closing_value = fields.Monetary(aggregator="sum", readonly=True)

    @api.depends("date_start", "date_end")
    def _compute_period_label(self):
        for line in self:
            line.period_label = (
                f"{line.date_start:%d.%m.%Y} – {line.date_end:%d.%m.%Y}"
                if line.date_start and line.date_end
                else False
            )
