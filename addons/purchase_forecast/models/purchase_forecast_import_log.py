import base64
import logging

import psycopg2

from odoo import api, fields, models

from .. import importers
from ..importers import KIND_LABELS, KINDS

_logger = logging.getLogger(__name__)

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
    # large files are imported by a queue job: the log exists from the upload on
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Imported"), ("failed", "Failed")],
        default="done",
        required=True,
        readonly=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    progress = fields.Float(
        compute="_compute_progress",
        string="Progress (%)",
        help="0 while the file waits for its background job, 100 once it is imported or failed "
        "(an import is one job: all of the file or nothing).",
    )
    file_attachment_id = fields.Many2one(
        "ir.attachment", string="Uploaded File", readonly=True, ondelete="set null"
    )
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
    @api.depends("state")
    def _compute_progress(self):
        for log in self:
            log.progress = 0.0 if log.state == "queued" else 100.0

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
        # named apart: Odoo's extractor takes the domain's tuple below for another _() call
        name = self.env._("Products Created")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "product.product",
            "view_mode": "list,form",
            "domain": [("id", "in", products.ids)],
            "context": {"create": False},
        }

    def action_open_moves(self):
        return self._open("stock.move", "forecast_import_id", self.env._("Inventory Moves"))

    # ------------------------------------------------------------------ background import

    def _job_import(self, kind, mapping, demand_kind, uncertain_action):
        """Queue job: import the uploaded file of this queued log, atomically (everything or
        nothing but the log saying why), then tell the user who uploaded it."""
        self.ensure_one()
        if self.state != "queued":
            return "nothing to do: the file was imported already"
        Importer = self.env["purchase.forecast.importer"].with_company(self.company_id)
        content = base64.b64decode(self.file_attachment_id.with_context(bin_size=False).datas)
        try:
            with self.env.cr.savepoint():
                result = importers.parse(content, self.filename, kind=kind, mapping=mapping)
                options = Importer._options(
                    self.company_id,
                    self.warehouse_id,
                    apply_inventory=self.apply_inventory,
                    demand_kind=demand_kind,
                    uncertain_action=uncertain_action,
                )
                Importer._import(result, options, log=self)
                self.sudo().state = "done"
        except psycopg2.OperationalError:
            raise  # a concurrency error: queue_job retries the job
        except Exception as exc:  # the import wrote nothing; the log says why
            self.env.invalidate_all()
            if isinstance(exc, importers.ImportFileError):
                message = Importer._message(exc.template, exc.params)
            else:
                message = str(exc) or repr(exc)
            _logger.warning("Background import of %s failed: %s", self.filename, message)
            self.sudo().write({"state": "failed", "error": message})
        self.file_attachment_id.sudo().unlink()
        self._notify_import_over()
        return self.state

    def _notify_import_over(self):
        """A notification for the user who uploaded the file, if they are online."""
        if self.state == "done":
            kind, title = "success", self.env._("Import finished")
            message = self.env._("%(file)s is imported.", file=self.filename)
        else:
            kind, title = "danger", self.env._("Import failed")
            message = self.env._(
                "%(file)s was not imported: %(error)s", file=self.filename, error=self.error
            )
        self.user_id._bus_send(
            "simple_notification",
            {"type": kind, "title": title, "message": message, "sticky": kind == "danger"},
        )
