from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    kpgz_code = fields.Char(
        string="KPGZ Code",
        index="btree_not_null",
        help="Code of this category in the KPGZ classifier (e.g. 01.20.01); imports find the "
        "category by it and build the hierarchy from the dotted code.",
    )

    def action_adjust_forecast(self):
        """A new event on this category's forecast (managers), in a dialog."""
        self.ensure_one()
        return self.env["purchase.forecast.adjustment"]._action_new(
            {"target": "category", "categ_id": self.id, "kind": "percent"}
        )

    _kpgz_code_unique = models.UniqueIndex(
        "(kpgz_code) WHERE kpgz_code IS NOT NULL",
        "Another product category already has this KPGZ code.",
    )
