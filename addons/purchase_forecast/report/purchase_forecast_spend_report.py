from odoo import fields, models
from odoo.tools import SQL


class PurchaseForecastSpendReport(models.Model):
    """Purchase history for analytics: confirmed Odoo purchases and imported purchase records
    (e.g. contract registers) side by side, in the company's currency."""

    _name = "purchase.forecast.spend.report"
    _description = "Purchase History Analysis"
    _auto = False
    _order = "date desc, amount desc"
    _rec_name = "document"
    _depends = {
        "purchase.order": [
            "state",
            "date_approve",
            "company_id",
            "partner_id",
            "user_id",
            "name",
            "currency_rate",
        ],
        "purchase.order.line": [
            "order_id",
            "product_id",
            "product_qty",
            "product_uom_id",
            "price_subtotal",
            "display_type",
        ],
        "purchase.forecast.history": [
            "date",
            "company_id",
            "product_id",
            "partner_id",
            "document_ref",
            "key",
            "has_quantity",
            "quantity",
            "amount",
            "kind",
        ],
    }

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Vendor", readonly=True)
    user_id = fields.Many2one("res.users", string="Buyer", readonly=True)
    document = fields.Char(readonly=True)
    order_id = fields.Many2one("purchase.order", string="Purchase Order", readonly=True)
    document_count = fields.Integer(
        string="Orders",
        readonly=True,
        aggregator="count_distinct",
        help="Number of distinct orders or contracts.",
    )
    quantity = fields.Float(digits="Product Unit", readonly=True)
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    source = fields.Selection([("odoo", "Odoo purchase"), ("import", "Imported")], readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id AS id,
                   (po.date_approve AT TIME ZONE 'UTC')::date AS date,
                   po.company_id,
                   c.currency_id,
                   l.product_id,
                   p.product_tmpl_id,
                   t.categ_id,
                   po.partner_id,
                   po.user_id,
                   po.name AS document,
                   po.id AS order_id,
                   po.id AS document_count,
                   l.product_qty * COALESCE(line_uom.factor, 1)
                       / COALESCE(NULLIF(product_uom.factor, 0), 1) AS quantity,
                   l.price_subtotal / COALESCE(NULLIF(po.currency_rate, 0), 1) AS amount,
                   'odoo' AS source
              FROM purchase_order_line l
              JOIN purchase_order po ON po.id = l.order_id
              JOIN res_company c ON c.id = po.company_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN uom_uom line_uom ON line_uom.id = l.product_uom_id
              LEFT JOIN uom_uom product_uom ON product_uom.id = t.uom_id
             WHERE po.state = 'purchase' AND l.display_type IS NULL
            UNION ALL
            SELECT -h.id AS id,
                   h.date,
                   h.company_id,
                   c.currency_id,
                   h.product_id,
                   p.product_tmpl_id,
                   t.categ_id,
                   h.partner_id,
                   NULL AS user_id,
                   h.document_ref AS document,
                   NULL AS order_id,
                   -abs(hashtext(COALESCE(h.document_ref, h.key))) AS document_count,
                   CASE WHEN h.has_quantity THEN h.quantity ELSE 0 END AS quantity,
                   h.amount,
                   'import' AS source
              FROM purchase_forecast_history h
              JOIN res_company c ON c.id = h.company_id
              JOIN product_product p ON p.id = h.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
             WHERE h.kind = 'purchase'
            """
        )
