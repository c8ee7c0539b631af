from odoo import fields, models


class PurchaseForecastCharacteristic(models.Model):
    """A characteristic of a catalog item (e.g. volume: 1.7 l), as procurement documents
    list them."""

    _name = "purchase.forecast.characteristic"
    _description = "Catalog Item Characteristic"
    _order = "product_tmpl_id, sequence, id"

    product_tmpl_id = fields.Many2one(
        "product.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    value = fields.Char()
