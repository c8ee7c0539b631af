from odoo import fields, models


class PurchaseForecastStockDateLine(models.TransientModel):
    """On hand of the wizard's product in one warehouse at the end of one day."""

    _name = "purchase.forecast.stock.date.line"
    _description = "Stock at a Date Line"
    _order = "warehouse_id, date"

    wizard_id = fields.Many2one(
        "purchase.forecast.stock.date", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="wizard_id.company_id", store=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    quantity = fields.Float(string="On Hand", digits="Product Unit", readonly=True)
    uom_id = fields.Many2one(related="wizard_id.product_id.uom_id", string="Unit")
    source = fields.Selection(
        [("moves", "Stock moves"), ("import", "Imported stock"), ("none", "Unknown")],
        readonly=True,
        help="Stock moves: today's quantity on hand rolled back through the moves made since. "
        "Imported stock: the latest imported level on or before the date (before Odoo tracked "
        "the product). Unknown: neither.",
    )
    is_chosen_date = fields.Boolean(readonly=True)
