from odoo import fields, models


class UomUom(models.Model):
    _inherit = "uom.uom"

    okei_code = fields.Char(
        string="OKEI Code",
        help="Code of the unit in the Russian classifier of units of measure (OKEI), e.g. "
        "796 for pieces, 166 for kilograms; used in procurement exports.",
    )
