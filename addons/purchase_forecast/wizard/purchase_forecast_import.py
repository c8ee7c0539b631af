import base64
import binascii
import logging
import os
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import importers
from ..models.purchase_forecast_import_log import KIND_SELECTION

_logger = logging.getLogger(__name__)

MAPPED_FIELDS = importers.GENERIC_FIELDS
# files larger than this many bytes are imported by a queue job (setting)
DEFAULT_IMPORT_JOB_THRESHOLD = 5_000_000
# the real files the demo database is built from, in import order: the catalog first (its
# products are what the other files match), each account's turnover sheets newest first
# (the latest quarter sets on-hand stock once; older quarters only add their history)
DEMO_FILES = (
    "kpgz_spgz_ste.xlsx",
    "contracts_by_customer.xlsx",
    "turnover_101_2022q3.xlsx",
    "turnover_101_2022q2.xlsx",
    "turnover_101_2022q1.xlsx",
    "turnover_21_2022q3.xlsx",
    "turnover_21_2022q2.xlsx",
    "turnover_21_2022q1.xlsx",
)


def _mapped_column(label):
    """The file column chosen for one field of a generic file (among this wizard's columns)."""
    return fields.Many2one(
        "purchase.forecast.import.column", string=label, domain="[('wizard_id', '=', id)]"
    )


class PurchaseForecastImport(models.TransientModel):
    """Upload a procurement data file, check what it holds, import it.

    Integrators skip the preview: create({'file': <base64>, 'filename': ...}), then
    action_import() returns an action whose res_id is the import log."""

    _name = "purchase.forecast.import"
    _description = "Import Procurement Data"

    state = fields.Selection(
        [("upload", "File"), ("mapping", "Columns"), ("preview", "Preview")],
        default="upload",
        required=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    detected_kind = fields.Selection(
        KIND_SELECTION, compute="_compute_detection", store=True, string="Recognised As"
    )
    detection_text = fields.Text(compute="_compute_detection", store=True, string="Why")
    kind = fields.Selection(
        KIND_SELECTION,
        compute="_compute_kind",
        store=True,
        readonly=False,
        string="Import As",
        help="Recognised from the file's content; choose another kind to override.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        domain="[('company_id', '=', company_id)]",
        help="Where the file's stock is: its levels become on-hand quantities of this "
        "warehouse's stock location, and its consumption rows are recorded for it.",
    )
    apply_inventory = fields.Boolean(
        string="Set Stock as an Inventory Adjustment",
        help="Apply the imported stock at once. Otherwise it is entered as counted quantities "
        "to review and apply under Inventory → Physical Inventory.",
    )
    demand_kind = fields.Selection(
        [("consumption", "Consumption (goods issued or sold)"), ("purchase", "Purchases")],
        string="Rows Are",
        default="consumption",
        required=True,
    )

    uncertain_action = fields.Selection(
        [("link", "Link to the closest product"), ("create", "Create a separate product")],
        string="Names Only Similar",
        default="link",
        required=True,
        help="What to do with an item whose name only resembles an existing product (or fits "
        "two equally): either way it is listed for review with the closest product beside it.",
    )

    # column mapping of generic files
    column_ids = fields.One2many("purchase.forecast.import.column", "wizard_id")
    map_date_id = _mapped_column("Date Column")
    map_product_code_id = _mapped_column("Product Code Column")
    map_product_name_id = _mapped_column("Product Name Column")
    map_quantity_id = _mapped_column("Quantity Column")
    map_amount_id = _mapped_column("Amount Column")
    map_warehouse_id = _mapped_column("Warehouse Column")
    map_document_id = _mapped_column("Document Column")
    map_unit_id = _mapped_column("Unit Column")
    map_vendor_id = _mapped_column("Vendor Column")
    map_category_id = _mapped_column("Category Column")

    # preview
    preview = fields.Json(readonly=True)
    preview_html = fields.Html(readonly=True, sanitize=False)
    shows_stock_options = fields.Boolean(compute="_compute_shows_stock_options")

    # ------------------------------------------------------------------ computes

    def _content(self):
        """The uploaded bytes; a clear error when there are none or they are not base64."""
        self.ensure_one()
        data = self.with_context(bin_size=False).file
        if not data:
            raise UserError(self.env._("Choose a file to import."))
        try:
            return base64.b64decode(data, validate=False)
        except (binascii.Error, ValueError) as error:
            raise UserError(
                self.env._("The uploaded file could not be decoded (base64 expected).")
            ) from error

    @api.depends("file", "filename")
    def _compute_detection(self):
        Importer = self.env["purchase.forecast.importer"]
        for wizard in self:
            wizard.detected_kind = False
            wizard.detection_text = False
            if not wizard.with_context(bin_size=False).file:
                continue
            try:
                detection = importers.detect(wizard.filename or "", wizard._content())
            except importers.ImportFileError as error:
                wizard.detection_text = Importer._message(error.template, error.params)
            except UserError as error:
                wizard.detection_text = str(error)
            else:
                wizard.detected_kind = detection.kind
                wizard.detection_text = "\n".join(
                    Importer._message(m.template, m.params) for m in detection.evidence
                )

    @api.depends("company_id")
    def _compute_warehouse_id(self):
        for wizard in self:
            if wizard.warehouse_id.company_id != wizard.company_id:
                wizard.warehouse_id = self.env["stock.warehouse"].search(
                    [("company_id", "=", wizard.company_id.id)], limit=1
                )

    @api.depends("detected_kind")
    def _compute_kind(self):
        for wizard in self:
            wizard.kind = wizard.detected_kind

    @api.depends("kind")
    def _compute_shows_stock_options(self):
        for wizard in self:
            wizard.shows_stock_options = wizard.kind in (
                importers.TURNOVER_SHEET,
                importers.STOCK_LISTING,
            )

    # ------------------------------------------------------------------ checks

    def _check_can_import(self):
        """Only Forecast Managers import, and only into their own companies."""
        if self.env.is_superuser():
            return
        if not self.env.user.has_group("purchase_forecast.group_forecast_manager"):
            raise AccessError(self.env._("Only Forecast Managers can import procurement data."))
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You cannot import data into company %(company)s.",
                        company=wizard.company_id.name,
                    )
                )
            if wizard.warehouse_id and wizard.warehouse_id.company_id != wizard.company_id:
                raise UserError(
                    self.env._(
                        "Warehouse %(warehouse)s does not belong to company %(company)s.",
                        warehouse=wizard.warehouse_id.display_name,
                        company=wizard.company_id.name,
                    )
                )

    # ------------------------------------------------------------------ parsing

    def _mapping(self):
        """{field: header} chosen in the mapping step, None when nothing was chosen."""
        self.ensure_one()
        mapping = {}
        for name in MAPPED_FIELDS:
            column = self[f"map_{name}_id"]
            if column:
                mapping[name] = column.name
        return mapping or None

    def _parse(self):
        self.ensure_one()
        content = self._content()
        mapping = self._mapping() if self.kind == importers.GENERIC else None
        try:
            return importers.parse(
                content, self.filename or "", kind=self.kind or None, mapping=mapping
            )
        except importers.ImportFileError as error:
            raise UserError(
                self.env["purchase.forecast.importer"]._message(error.template, error.params)
            ) from error

    def _header_columns(self):
        """(header, sample values) of a generic file's header row."""
        self.ensure_one()
        try:
            return importers.header_columns(self._content(), self.filename or "")
        except importers.ImportFileError as error:
            raise UserError(
                self.env["purchase.forecast.importer"]._message(error.template, error.params)
            ) from error

    def _fill_columns(self):
        """Offer the file's columns and pre-select the ones guess_mapping recognises."""
        self.ensure_one()
        columns = self._header_columns()
        self.column_ids = [Command.clear()] + [
            Command.create({"sequence": index, "name": name, "sample": sample})
            for index, (name, sample) in enumerate(columns)
        ]
        guessed = importers.guess_mapping([name for name, _sample in columns])
        by_name = {column.name: column for column in self.column_ids}
        self.write(
            {
                f"map_{name}_id": by_name[guessed[name]].id if guessed.get(name) else False
                for name in MAPPED_FIELDS
            }
        )

    def _options(self, **values):
        self.ensure_one()
        return self.env["purchase.forecast.importer"]._options(
            self.company_id,
            self.warehouse_id,
            apply_inventory=self.apply_inventory,
            demand_kind=self.demand_kind if self.kind == importers.GENERIC else None,
            uncertain_action=self.uncertain_action,
            **values,
        )

    # ------------------------------------------------------------------ actions

    def _reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Import Procurement Data"),
        }

    def action_next(self):
        """Generic files go through the column mapping first, the others to the preview."""
        self._check_can_import()
        self.ensure_one()
        if self.kind == importers.GENERIC and self.state == "upload":
            self._fill_columns()
            self.state = "mapping"
            return self._reopen()
        return self.action_preview()

    def action_preview(self):
        """Parse the file and show what importing it would do; nothing is written."""
        self._check_can_import()
        self.ensure_one()
        result = self._parse()
        Importer = self.env["purchase.forecast.importer"].with_company(self.company_id)
        preview = Importer._preview(result, self._options())
        html = self.env["ir.qweb"]._render(
            "purchase_forecast.purchase_forecast_import_preview",
            {
                "preview": preview,
                "kind_label": dict(self._fields["kind"]._description_selection(self.env)).get(
                    result.kind
                ),
                "format_amount": lambda value: self.env["purchase.forecast.importer"]._format_value(
                    float(value or 0.0)
                ),
            },
        )
        self.write(
            {
                "preview": preview,
                "preview_html": html,
                "state": "preview",
                "kind": result.kind,
            }
        )
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        self.state = "upload"
        return self._reopen()

    def action_import(self):
        """Import the file in one go: everything or, on any error, nothing. Returns an action
        opening the import log (its id is the action's res_id)."""
        self._check_can_import()
        self.ensure_one()
        log = self._import_in_background() or self._do_import()
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.forecast.import.log",
            "res_id": log.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "name": self.env._("Import Log"),
        }

    def _import_in_background(self):
        """A file larger than the threshold setting is imported by a queue job: the upload is
        kept on a queued import log, which the job fills (or marks failed); None for a
        smaller file, imported in the request."""
        content = self._content()
        threshold = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("purchase_forecast.import_job_threshold", DEFAULT_IMPORT_JOB_THRESHOLD)
        )
        if len(content) <= threshold:
            return None
        if not self.kind:
            self._parse()  # raises the parser's own "not recognised" error
        Log = self.env["purchase.forecast.import.log"].sudo()
        log = Log.create(
            {
                "company_id": self.company_id.id,
                "user_id": self.env.uid,
                "filename": self.filename or "-",
                "kind": self.kind,
                "warehouse_id": self.warehouse_id.id,
                "apply_inventory": self.apply_inventory,
                "state": "queued",
            }
        )
        log.file_attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.filename or "upload",
                    "raw": content,
                    "res_model": log._name,
                    "res_id": log.id,
                }
            )
        )
        log.with_user(self.env.user).with_delay(
            description=self.env._("Import %(file)s", file=log.filename)
        )._job_import(
            self.kind,
            self._mapping() if self.kind == importers.GENERIC else None,
            self.demand_kind if self.kind == importers.GENERIC else None,
            self.uncertain_action,
        )
        return log

    def _do_import(self, result=None, date_shift_years=0):
        """Parse (unless given the parse) and write it inside a savepoint: a failure anywhere
        rolls back everything this import wrote, also inside a longer transaction."""
        self.ensure_one()
        if result is None:
            result = self._parse()
        options = self._options(date_shift_years=date_shift_years)
        Importer = self.env["purchase.forecast.importer"].with_company(self.company_id)
        with self.env.cr.savepoint():
            log = Importer._import(result, options)
        return log

    # ------------------------------------------------------------------ demo

    @api.model
    def _demo_data_dir(self):
        """data/lct2024 of the source tree, or the folder PF_DEMO_DATA names."""
        configured = os.environ.get("PF_DEMO_DATA")
        folders = [Path(configured)] if configured else []
        folders.append(Path(__file__).resolve().parents[1] / ".." / ".." / "data" / "lct2024")
        for folder in folders:
            if all((folder / name).is_file() for name in DEMO_FILES):
                return folder.resolve()
        return None

    @api.model
    def _demo_date_shift(self, latest, today):
        """Whole years that bring the latest quarter of the data into the last year, so that
        forecasts start right after it; seasons stay where they were."""
        years = today.year - latest.year
        if latest + relativedelta(years=years) > today:
            years -= 1
        return max(years, 0)

    @api.model
    def _load_demo(self):
        """Demo data: the real files of a Moscow state institution imported into a company of
        their own, then a quantity forecast, a value forecast and a purchase plan."""
        folder = self._demo_data_dir()
        if folder is None:
            _logger.warning(
                "Purchase Forecast demo: the real data files (data/lct2024) were not found; "
                "set PF_DEMO_DATA to their folder. The demo company stays empty."
            )
            return False
        started = time.monotonic()
        company = self.env.ref("purchase_forecast.demo_company")
        Warehouse = self.env["stock.warehouse"].sudo()
        warehouse = Warehouse.search([("company_id", "=", company.id)], limit=1)
        if not warehouse:
            warehouse = Warehouse.create(
                {"name": self.env._("Main Warehouse"), "code": "GKU", "company_id": company.id}
            )
        parsed = []
        for name in DEMO_FILES:
            content = (folder / name).read_bytes()
            parsed.append((name, content, importers.parse(content, name)))
        latest = max(
            result.summary["period_end"]
            for _name, _content, result in parsed
            if result.kind == importers.TURNOVER_SHEET
        )
        shift = self._demo_date_shift(latest, fields.Date.context_today(self))
        _logger.info(
            "Purchase Forecast demo: importing %s files from %s, dates moved by %s years",
            len(parsed),
            folder,
            shift,
        )
        for name, content, result in parsed:
            wizard = self.with_company(company).create(
                {
                    "company_id": company.id,
                    "file": base64.b64encode(content),
                    "filename": name,
                    "warehouse_id": warehouse.id,
                    "apply_inventory": True,
                    # many real names differ by a size or a colour only: keep them apart
                    "uncertain_action": "create",
                }
            )
            wizard._do_import(result=result, date_shift_years=shift)
        self._demo_forecasts(company, warehouse)
        _logger.info("Purchase Forecast demo loaded in %.1f s", time.monotonic() - started)
        return True

    @api.model
    def _demo_plan_products(self, run):
        """The goods the demo's plan covers: those the quantity forecast found demand for
        (the institution's issued goods, not the products other demo data shares between
        companies, nor items without any movement)."""
        results = self.env["purchase.forecast.result"].search(
            [
                ("run_id", "=", run.id),
                ("failed", "=", False),
                ("history_total", ">", 0),
                ("product_id.purchase_ok", "=", True),
                ("product_id.type", "=", "consu"),
            ]
        )
        return results.product_id

    @api.model
    def _demo_forecasts(self, company, warehouse):
        """A quantity forecast (1C issues), a value forecast (contracts), a purchase plan."""
        Run = self.env["purchase.forecast.run"].with_company(company)
        common = {"company_id": company.id, "period": "quarter", "horizon": 8}
        quantity_run = Run.create(
            {**common, "measure": "quantity", "history_source": "moves", "history_months": 60}
        )
        quantity_run.action_run()
        value_run = Run.create(
            {**common, "measure": "amount", "history_source": "purchases", "history_months": 60}
        )
        value_run.action_run()
        # the demo's forecasts are what its plan, products and bot read
        (quantity_run | value_run).filtered(lambda run: not run._publish_blocker()).action_publish()
        plan = (
            self.env["purchase.plan"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "warehouse_id": warehouse.id,
                    "forecast_run_id": quantity_run.id,
                    "product_ids": [Command.set(self._demo_plan_products(quantity_run).ids)],
                }
            )
        )
        plan.action_compute()
