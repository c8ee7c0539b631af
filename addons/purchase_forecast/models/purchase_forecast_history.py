from odoo import api, fields, models


class PurchaseForecastHistory(models.Model):
    """A demand record imported from outside Odoo: a contract line, a 1C issue, a CSV row."""

    _name = "purchase.forecast.history"
    _description = "Imported Demand History"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade", check_company=True
    )
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Category")
    date = fields.Date(required=True, index=True)
    kind = fields.Selection(
        [("consumption", "Consumption"), ("purchase", "Purchase")],
        required=True,
        default="consumption",
        help="Consumption: goods issued or sold (counts as demand when the history source is "
        "stock moves). Purchase: goods bought, e.g. a contract line (counts when the history "
        "source is confirmed purchases, and in purchase analytics).",
    )
    quantity = fields.Float(digits="Product Unit")
    has_quantity = fields.Boolean(
        default=True,
        help="Unset when the source only knows a value (contract registers carry no "
        "quantities): such records count in value forecasts and analytics only.",
    )
    amount = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_id = fields.Many2one("stock.warehouse", index="btree_not_null", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Vendor", index="btree_not_null")
    document_ref = fields.Char(
        string="Document", help="Where the record comes from, e.g. a contract registry number."
    )
    source = fields.Char(help="File or system the record was imported from.")
    key = fields.Char(
        required=True,
        help="Identity of the record in its source; importing the same source twice updates "
        "the record instead of adding another.",
    )
    import_id = fields.Many2one(
        "purchase.forecast.import.log",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The file import that last wrote this record.",
    )

    _key_unique = models.Constraint(
        "UNIQUE(company_id, key)",
        "This history record was already imported.",
    )
    _history_product_date_idx = models.Index("(company_id, product_id, date)")

    @api.depends("product_id", "date", "document_ref")
    def _compute_display_name(self):
        for record in self:
            parts = [record.product_id.display_name, str(record.date or "")]
            if record.document_ref:
                parts.append(record.document_ref)
            record.display_name = " · ".join(filter(None, parts))
