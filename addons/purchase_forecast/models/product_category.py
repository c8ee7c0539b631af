from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    kpgz_code = fields.Char(
        string="KPGZ Code",
        index="btree_not_null",
        help="Code of this category in the KPGZ classifier (e.g. 01.20.01); imports find the "
        "category by it and build the hierarchy from the dotted code.",
    )

    _kpgz_code_unique = models.UniqueIndex(
        "(kpgz_code) WHERE kpgz_code IS NOT NULL",
        "Another product category already has this KPGZ code.",
    )
