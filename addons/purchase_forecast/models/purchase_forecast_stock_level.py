from odoo import api, fields, models


class PurchaseForecastStockLevel(models.Model):
    """Stock of a product at a location on a date, per accounting account, as an imported
    file stated it (1C turnover sheet closing balance with the period's opening balance,
    receipts and issues; stock listing)."""

    _name = "purchase.forecast.stock.level"
    _description = "Imported Stock Level"
    _order = "date desc, product_id, account"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    import_id = fields.Many2one(
        "purchase.forecast.import.log",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The import that last wrote this level.",
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade", check_company=True
    )
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    location_id = fields.Many2one(
        "stock.location", required=True, index=True, ondelete="cascade", check_company=True
    )
    account = fields.Char(
        help="Accounting account the stock is kept on (e.g. 101, 105, 21): files about the same "
        "account and date describe the same stock, so a later one replaces an earlier one.",
    )
    date = fields.Date(required=True, index=True)
    quantity = fields.Float(digits="Product Unit", aggregator="sum")
    has_quantity = fields.Boolean(
        default=True, help="Unset when the file gave a value but no quantity."
    )
    value = fields.Monetary(currency_field="currency_id", aggregator="sum")
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_start = fields.Date(
        help="First day of the period whose movements the file gave (1C turnover sheets); "
        "empty for a plain stock listing.",
    )
    has_movements = fields.Boolean(
        help="Set when the file gave the period's opening balance, receipts and issues "
        "(1C turnover sheets): the turnover statement reads them.",
    )
    opening_quantity = fields.Float(digits="Product Unit", aggregator="sum")
    opening_value = fields.Monetary(currency_field="currency_id", aggregator="sum")
    receipt_quantity = fields.Float(
        digits="Product Unit", aggregator="sum", help="Debit turnover of the period."
    )
    receipt_value = fields.Monetary(
        currency_field="currency_id", aggregator="sum", help="Debit turnover of the period."
    )
    issue_quantity = fields.Float(
        digits="Product Unit", aggregator="sum", help="Credit turnover of the period."
    )
    issue_value = fields.Monetary(
        currency_field="currency_id", aggregator="sum", help="Credit turnover of the period."
    )
    row_count = fields.Integer(
        string="Source Rows",
        help="How many rows of the file were added up into this level (assets of the same "
        "name, inventory cards).",
    )
    key = fields.Char(required=True, readonly=True)

    _key_unique = models.Constraint(
        "UNIQUE(company_id, key)",
        "There is already a stock level for this product, location, account and date.",
    )

    @api.model
    def _level_key(self, location, account, product, date):
        return f"{location.id}:{account or ''}:{product.id}:{date.isoformat()}"
