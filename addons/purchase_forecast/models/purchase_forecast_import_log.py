from odoo import api, fields, models

from ..importers import KIND_LABELS, KINDS

KIND_SELECTION = [(kind, KIND_LABELS[kind]) for kind in KINDS]


class PurchaseForecastImportLog(models.Model):
    """One import of a procurement data file: who, when, which file, what it wrote."""

    _name = "purchase.forecast.import.log"
    _description = "Procurement Data Import"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "filename"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Imported By", readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(
        string="Imported On", required=True, readonly=True, default=fields.Datetime.now
    )
    filename = fields.Char(string="File", required=True, readonly=True)
    file_hash = fields.Char(
        string="SHA-256", readonly=True, index=True, help="Fingerprint of the file's content."
    )
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True, check_company=True)
    apply_inventory = fields.Boolean(string="Inventory Applied", readonly=True)
    date_shift_years = fields.Integer(
        string="Dates Moved (years)",
        readonly=True,
        help="Demo data only: the file's dates were moved forward by this many whole years.",
    )

    # counts
    created_count = fields.Integer(
        string="Records Created", readonly=True, help="History records and stock levels created."
    )
    updated_count = fields.Integer(
        string="Records Updated",
        readonly=True,
        help="History records and stock levels that existed and were changed by this file.",
    )
    unchanged_count = fields.Integer(
        string="Records Unchanged",
        readonly=True,
        help="Records this file names that were already imported with the same values.",
    )
    removed_count = fields.Integer(
        string="Stock Levels Removed",
        readonly=True,
        help="Stock levels of the same account and date that the new file no longer lists.",
    )
    skipped_count = fields.Integer(string="Rows Skipped", readonly=True)
    product_created_count = fields.Integer(string="Products Created", readonly=True)
    product_matched_count = fields.Integer(string="Products Matched", readonly=True)
    product_linked_count = fields.Integer(
        string="Products Linked Before",
        readonly=True,
        help="Items an earlier import had already linked to a product.",
    )
    product_updated_count = fields.Integer(
        string="Products Completed",
        readonly=True,
        help="Existing products whose missing catalog codes, price or characteristics were "
        "filled in from the file.",
    )
    uncertain_count = fields.Integer(string="Matches to Review", readonly=True)
    category_created_count = fields.Integer(string="Categories Created", readonly=True)
    vendor_created_count = fields.Integer(string="Vendors Created", readonly=True)
    vendor_matched_count = fields.Integer(string="Vendors Matched", readonly=True)
    quant_count = fields.Integer(
        string="On-hand Quantities Set",
        readonly=True,
        help="Products whose on-hand quantity (counted or applied) the file changed.",
    )

    # what was read
    summary = fields.Json(
        string="Summary Data", readonly=True, help="The parser's summary numbers, as JSON."
    )
    summary_text = fields.Text(string="Summary", readonly=True)
    warning_text = fields.Text(string="Warnings", readonly=True)
    skipped_text = fields.Text(string="Skipped Rows", readonly=True)

    # reconciliation (turnover sheets)
    account = fields.Char(readonly=True)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    closing_value = fields.Monetary(
        string="Closing Value Imported", readonly=True, currency_field="currency_id"
    )
    sheet_closing_value = fields.Monetary(
        string="Closing Value in the Sheet", readonly=True, currency_field="currency_id"
    )
    closing_quantity = fields.Float(string="Closing Quantity Imported", readonly=True)
    sheet_closing_quantity = fields.Float(string="Closing Quantity in the Sheet", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # what was written
    history_ids = fields.One2many("purchase.forecast.history", "import_id")
    stock_level_ids = fields.One2many(
        "purchase.forecast.stock.level", "import_id", string="Stock Levels"
    )
    product_link_ids = fields.One2many(
        "purchase.forecast.product.link", "import_id", string="Product Links"
    )
    move_ids = fields.One2many("stock.move", "forecast_import_id", string="Inventory Moves")
    history_count = fields.Integer(compute="_compute_counts")
    stock_level_count = fields.Integer(compute="_compute_counts")
    product_link_count = fields.Integer(compute="_compute_counts")
    move_count = fields.Integer(compute="_compute_counts")

    @api.depends("history_ids", "stock_level_ids", "product_link_ids", "move_ids")
    def _compute_counts(self):
        for model, field_name, target in (
            ("purchase.forecast.history", "import_id", "history_count"),
            ("purchase.forecast.stock.level", "import_id", "stock_level_count"),
            ("purchase.forecast.product.link", "import_id", "product_link_count"),
            ("stock.move", "forecast_import_id", "move_count"),
        ):
            counts = dict(
                self.env[model]._read_group(
                    [(field_name, "in", self.ids)], [field_name], ["__count"]
                )
            )
            for log in self:
                log[target] = counts.get(log, 0)

    @api.depends("filename", "date")
    def _compute_display_name(self):
        for log in self:
            when = fields.Datetime.context_timestamp(log, log.date) if log.date else None
            log.display_name = (
                f"{log.filename} ({when:%Y-%m-%d %H:%M})" if when else (log.filename or "")
            )

    def _open(self, model, field_name, name, views="list,form", extra_domain=None):
        self.ensure_one()
        domain = [(field_name, "=", self.id), *(extra_domain or [])]
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": views,
            "domain": domain,
            "context": {"create": False},
        }

    def action_open_history(self):
        return self._open("purchase.forecast.history", "import_id", self.env._("Imported History"))

    def action_open_stock_levels(self):
        return self._open(
            "purchase.forecast.stock.level", "import_id", self.env._("Imported Stock Levels")
        )

    def action_open_product_links(self):
        return self._open(
            "purchase.forecast.product.link", "import_id", self.env._("Imported Products")
        )

    def action_open_products(self):
        self.ensure_one()
        products = self.product_link_ids.filtered(
            lambda link: link.match_method == "created"
        ).product_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Products Created"),
            "res_model": "product.product",
            "view_mode": "list,form",
            "domain": [("id", "in", products.ids)],
            "context": {"create": False},
        }

    def action_open_moves(self):
        return self._open("stock.move", "forecast_import_id", self.env._("Inventory Moves"))
