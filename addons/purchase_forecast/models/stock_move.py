from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    forecast_import_id = fields.Many2one(
        "purchase.forecast.import.log",
        string="Stock Import",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The file import whose stock levels this inventory adjustment applied.",
    )
