from odoo import fields, models


class PurchaseForecastProductLink(models.Model):
    """How an item named by imported files (a catalog position, a name in a 1C sheet) was
    linked to an Odoo product: by code, by name, or by creating the product.

    Later imports reuse the link instead of matching again, so the same file always lands on
    the same products. Changing a link's product moves the item's history and stock levels
    the next time a file naming it is imported."""

    _name = "purchase.forecast.product.link"
    _description = "Imported Product Link"
    _order = "uncertain desc, id desc"
    _check_company_auto = True
    _rec_name = "source_name"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    key = fields.Char(
        required=True,
        readonly=True,
        help="Identity of the item in the files, e.g. spgz:<SPGZ id> or name:<name digest>.",
    )
    source_name = fields.Char(string="Name in File", readonly=True)
    source_code = fields.Char(string="Code in File", readonly=True)
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade", check_company=True
    )
    import_id = fields.Many2one(
        "purchase.forecast.import.log",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The import that made this link.",
    )
    match_method = fields.Selection(
        [("code", "By code"), ("name", "By name"), ("created", "Product created")],
        string="Linked",
        required=True,
        readonly=True,
    )
    score = fields.Float(readonly=True, digits=(5, 1), help="Name similarity, 0-100.")
    candidate_id = fields.Many2one(
        "product.product",
        string="Closest Product",
        readonly=True,
        ondelete="set null",
        check_company=True,
        help="The existing product whose name came closest, for a match to review.",
    )
    uncertain = fields.Boolean(
        string="To Review",
        readonly=True,
        index=True,
        help="The name was only similar, or several products fit equally well: check the "
        "product, change it if it is wrong, then confirm.",
    )

    _key_unique = models.Constraint(
        "UNIQUE(company_id, key)", "This item of the imported files is already linked."
    )

    def action_confirm(self):
        """The buyer checked the product: the link is no longer listed for review."""
        self.write({"uncertain": False})
        return True

    def action_use_candidate(self):
        """Link the item to its closest product after all; its history and stock move there
        the next time a file naming it is imported."""
        for link in self.filtered("candidate_id"):
            link.write({"product_id": link.candidate_id.id, "uncertain": False})
        return True
