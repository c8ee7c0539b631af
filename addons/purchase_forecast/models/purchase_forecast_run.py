import datetime as dt
import hashlib
import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_date, format_datetime, formatLang

from odoo.addons.queue_job.exception import RetryableJobError

from ..forecast_engine.periods import period_start
from .purchase_forecast_demand import DemandScope
from .purchase_forecast_result import BAND_HIGH, BAND_LOW, DEMAND_CLASSES

_logger = logging.getLogger(__name__)

SEASON_LENGTH = {"week": 52, "month": 12, "quarter": 4}
DEFAULT_BATCH_SIZE = 2000  # products per chunk (one job, one engine call)
# a chunk pending this long gets its job enqueued again by the cron (a no-op while it waits)
STALE_AFTER = dt.timedelta(hours=2)
BUSY_RETRY_SECONDS = 300  # a queued run whose scope is busy tries to start again after this
# nightly runs repeat each other within a forecast period: the repeats are kept this long
REPEAT_KEPT = dt.timedelta(days=2)
PERIOD_SELECTION = [("week", "Week"), ("month", "Month"), ("quarter", "Quarter")]
SOURCE_SELECTION = [
    ("moves", "Stock moves (consumption and sales)"),
    ("purchases", "Confirmed purchases"),
]
# demand classes without a backtest: too little history, or no demand to forecast
UNSCORED = ("new", "inactive")
# periods of demand a run stores the fitted model of (at least its horizon): what plans
# simulate over lead time + review without fitting again (about two years)
STATE_PERIODS = {"week": 104, "month": 24, "quarter": 8}
MEASURE_SELECTION = [("quantity", "Quantity"), ("amount", "Amount")]


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PurchaseForecastRun(models.Model):
    """One forecast of a product scope, kept so that later runs can compare it to reality."""

    _name = "purchase.forecast.run"
    _description = "Forecast Run"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    scheduled = fields.Boolean(readonly=True, copy=False, help="Created by the nightly run.")

    # scope
    warehouse_ids = fields.Many2many("stock.warehouse", check_company=True)
    category_ids = fields.Many2many("product.category", string="Product Categories")
    product_ids = fields.Many2many("product.product", check_company=True)
    vendor_id = fields.Many2one("res.partner", help="Only products this vendor supplies.")
    period = fields.Selection(
        PERIOD_SELECTION, required=True, default=lambda s: s._default("period")
    )
    horizon = fields.Integer(required=True, default=lambda self: self._default("horizon"))
    history_months = fields.Integer(
        string="History Window (months)",
        required=True,
        default=lambda self: self._default("history_months"),
    )
    service_level = fields.Float(
        string="Service Level (%)",
        required=True,
        default=lambda self: self._default("service_level"),
    )
    history_source = fields.Selection(
        SOURCE_SELECTION, required=True, default=lambda self: self._default("history_source")
    )
    measure = fields.Selection(
        MEASURE_SELECTION,
        required=True,
        default="quantity",
        help="Forecast quantities (for purchase plans) or values in the company's currency "
        "(for budgets, and for history that has values only, like contract registers).",
    )
    scope_key = fields.Char(compute="_compute_scope_key", store=True, index=True)

    # timeline
    history_start = fields.Date(readonly=True, copy=False)
    date_start = fields.Date(
        string="First Forecast Period",
        readonly=True,
        copy=False,
        help="Start of the period the forecast begins with: the current one when the run started.",
    )
    started_at = fields.Datetime(readonly=True, copy=False)
    finished_at = fields.Datetime(readonly=True, copy=False)
    duration = fields.Float(string="Duration (s)", readonly=True, copy=False, digits=(16, 1))

    # results
    line_ids = fields.One2many("purchase.forecast.line", "run_id", string="Forecast Lines")
    result_ids = fields.One2many("purchase.forecast.result", "run_id", string="Product Results")
    failed_result_ids = fields.One2many(
        "purchase.forecast.result",
        "run_id",
        domain=[("failed", "=", True)],
        string="Failed Products",
    )
    product_count = fields.Integer(string="Products Forecast", readonly=True, copy=False)
    error_count = fields.Integer(string="Products Failed", readonly=True, copy=False)
    line_count = fields.Integer(compute="_compute_line_count")
    error_message = fields.Text(readonly=True, copy=False)

    # background jobs: one chunk of products per job
    chunk_ids = fields.One2many("purchase.forecast.run.chunk", "run_id", string="Chunks")
    failed_chunk_ids = fields.One2many(
        "purchase.forecast.run.chunk",
        "run_id",
        domain=[("state", "=", "failed")],
        string="Failed Chunks",
    )
    chunk_count = fields.Integer(string="Number of Chunks", compute="_compute_progress")
    chunk_done_count = fields.Integer(string="Chunks Done", compute="_compute_progress")
    chunk_failed_count = fields.Integer(string="Chunks Failed", compute="_compute_progress")
    products_total = fields.Integer(string="Products in Scope", compute="_compute_progress")
    products_done = fields.Integer(compute="_compute_progress")
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")

    # publishing: the forecast everybody reads for its scope (company, warehouses, measure)
    auto_publish = fields.Boolean(
        string="Publish When Done",
        copy=False,
        help="Publish the run as soon as it finishes without failures (nightly runs do, unless "
        "the company publishes manually), unless the published forecast is locked.",
    )
    published = fields.Boolean(readonly=True, copy=False, index=True, tracking=True)
    published_date = fields.Datetime(readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    publish_key = fields.Char(
        compute="_compute_publish_key",
        store=True,
        index=True,
        help="What a published run stands for: its warehouses and measure (with its company).",
    )
    locked_until = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Until this day the published forecast stays published: nightly runs do not "
        "replace it and no other run of its scope can be published (a budget round).",
    )
    locked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    is_locked = fields.Boolean(compute="_compute_is_locked", string="Locked")
    state_periods = fields.Integer(
        string="Periods Stored",
        readonly=True,
        copy=False,
        help="Periods of demand the run stores the fitted model of, per product: plans read "
        "their lead time and review from it (it covers at least the horizon).",
    )

    # accuracy, once actuals are known
    actual_line_count = fields.Integer(readonly=True, copy=False)
    mean_abs_error = fields.Float(string="Mean Absolute Error", readonly=True, copy=False)
    bias = fields.Float(
        readonly=True, copy=False, help="Average forecast minus actual: positive = over-forecast."
    )
    band_coverage = fields.Float(
        string="Band Coverage (%)",
        readonly=True,
        copy=False,
        help="Share of periods whose actual fell inside the forecast's 80% band.",
    )

    # quality, read from the results and the scope's scored runs
    quality_table = fields.Html(
        compute="_compute_quality",
        string="Quality by Demand Class",
        sanitize=False,
        help="Per demand class: how many products, their share of the run, and the mean "
        "backtest error of their chosen methods (1.0 = as good as repeating the last value).",
    )
    backtest_error_avg = fields.Float(
        compute="_compute_quality",
        string="Mean Backtest Error",
        digits=(16, 2),
        help="Mean over the forecast products with enough history of the chosen method's "
        "backtest error, relative to the naive forecast (lower is better; below 1.0 beats "
        "repeating the last value).",
    )
    scored_run_id = fields.Many2one(
        "purchase.forecast.run",
        compute="_compute_quality",
        string="Last Scored Run",
        help="The latest run of the same scope whose forecast could already be compared with "
        "what really happened (Forecast vs Actual).",
    )
    scored_band_coverage = fields.Float(
        compute="_compute_quality", string="Its Band Coverage (%)", digits=(16, 1)
    )
    scored_mean_abs_error = fields.Float(
        compute="_compute_quality", string="Its Mean Absolute Error", digits=(16, 2)
    )
    scored_bias = fields.Float(compute="_compute_quality", string="Its Bias", digits=(16, 2))
    scored_line_count = fields.Integer(compute="_compute_quality", string="Periods Compared")

    _horizon_range = models.Constraint(
        "CHECK(horizon > 0 AND horizon <= 104)",
        "The forecast horizon must be between 1 and 104 periods.",
    )
    _history_range = models.Constraint(
        "CHECK(history_months >= 3 AND history_months <= 240)",
        "The history window must be between 3 and 240 months.",
    )
    _service_level_range = models.Constraint(
        "CHECK(service_level >= 50 AND service_level < 100)",
        "The service level must be at least 50% and below 100%.",
    )
    # two runs of one scope never overlap, even when started at the same instant
    _one_running_per_scope = models.UniqueIndex(
        "(company_id, scope_key) WHERE state = 'running'",
        "A forecast run of this scope is already running.",
    )

    _one_published_per_scope = models.UniqueIndex(
        "(company_id, publish_key) WHERE published",
        "Another forecast run of this scope is already published.",
    )

    # ------------------------------------------------------------------ defaults

    @api.model
    def _default(self, name):
        company = self.env["res.company"].browse(
            self.env.context.get("default_company_id") or self.env.company.id
        )
        return company[f"forecast_{name}"]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("purchase.forecast.run") or "/"
        return super().create(vals_list)

    @api.depends(
        "company_id",
        "warehouse_ids",
        "category_ids",
        "product_ids",
        "vendor_id",
        "period",
        "history_source",
        "measure",
    )
    def _compute_scope_key(self):
        for run in self:
            parts = [
                run.company_id.id,
                sorted(run.warehouse_ids.ids),
                sorted(run.category_ids.ids),
                sorted(run.product_ids.ids),
                run.vendor_id.id,
                run.period,
                run.history_source,
                run.measure,
            ]
            run.scope_key = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    @api.depends("company_id", "warehouse_ids", "measure")
    def _compute_publish_key(self):
        for run in self:
            warehouses = ",".join(str(i) for i in sorted(run.warehouse_ids.ids)) or "all"
            run.publish_key = f"{run.measure}:{warehouses}"

    @api.depends("locked_until")
    def _compute_is_locked(self):
        today = fields.Date.context_today(self)
        for run in self:
            run.is_locked = bool(run.locked_until and run.locked_until >= today)

    def _compute_line_count(self):
        counts = dict(
            self.env["purchase.forecast.line"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        for run in self:
            run.line_count = counts.get(run, 0)

    @api.depends("result_ids.demand_class", "result_ids.backtest_error", "state", "scope_key")
    @api.depends_context("lang")
    def _compute_quality(self):
        for run in self:
            rows = run._quality_by_class()
            products = sum(count for _klass, count, _error in rows)
            scored = [(count, error) for klass, count, error in rows if klass not in UNSCORED]
            scored_products = sum(count for count, _error in scored)
            run.backtest_error_avg = (
                sum(count * error for count, error in scored) / scored_products
                if scored_products
                else 0.0
            )
            run.quality_table = run._quality_html(rows, products) if rows else False
            scored = run._last_scored_run()
            run.scored_run_id = scored
            run.scored_band_coverage = scored.band_coverage
            run.scored_mean_abs_error = scored.mean_abs_error
            run.scored_bias = scored.bias
            run.scored_line_count = scored.actual_line_count

    def _quality_by_class(self):
        """(demand class, products, mean backtest error) of the products forecast, by class."""
        if not self.id:
            return []
        groups = self.env["purchase.forecast.result"]._read_group(
            [("run_id", "=", self.id), ("failed", "=", False)],
            ["demand_class"],
            ["__count", "backtest_error:avg"],
        )
        order = [key for key, _label in DEMAND_CLASSES]
        return sorted(
            ((klass or "new", count, error or 0.0) for klass, count, error in groups),
            key=lambda row: order.index(row[0]) if row[0] in order else len(order),
        )

    def _quality_html(self, rows, products):
        labels = dict(
            self.env["purchase.forecast.result"]
            ._fields["demand_class"]
            ._description_selection(self.env)
        )
        head = Markup(
            '<table class="table table-sm o_purchase_forecast_quality"><thead><tr>'
            "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("Demand Class"),
            self.env._("Products"),
            self.env._("Share"),
            self.env._("Backtest Error"),
        )
        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s%%</td>"
                "<td class='text-end'>%s</td></tr>"
            )
            % (
                labels.get(klass, klass),
                formatLang(self.env, count, digits=0),
                formatLang(self.env, 100.0 * count / products, digits=0),
                # new and inactive products have no backtest to score
                formatLang(self.env, error, digits=2) if klass not in UNSCORED else "—",
            )
            for klass, count, error in rows
        )
        return head + body + Markup("</tbody></table>")

    def _last_scored_run(self):
        """The latest run of this scope (this one included) already compared with actuals."""
        if not self.scope_key:
            return self.browse()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("scope_key", "=", self.scope_key),
                ("state", "=", "done"),
                ("actual_line_count", ">", 0),
            ],
            order="date_start desc, id desc",
            limit=1,
        )

    def _compute_progress(self):
        groups = self.env["purchase.forecast.run.chunk"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count", "product_count:sum"]
        )
        stats = {}
        for run, state, count, products in groups:
            stats.setdefault(run.id, {})[state] = (count, products)
        for run in self:
            by_state = stats.get(run.id, {})
            chunks = sum(count for count, _products in by_state.values())
            products = sum(products for _count, products in by_state.values())
            over = [by_state.get(state, (0, 0)) for state in ("done", "failed")]
            run.chunk_count = chunks
            run.chunk_done_count = by_state.get("done", (0, 0))[0]
            run.chunk_failed_count = by_state.get("failed", (0, 0))[0]
            run.products_total = products
            run.products_done = by_state.get("done", (0, 0))[1]
            run.progress = 100.0 * sum(p for _c, p in over) / products if products else 0.0

    # ------------------------------------------------------------------ scope

    def _demand_scope(self, products=None):
        self.ensure_one()
        return DemandScope(
            company=self.company_id,
            products=products,
            period=self.period,
            date_from=self.history_start,
            date_to=self.date_start,
            source=self.history_source,
            measure=self.measure,
            warehouses=self.warehouse_ids or None,
        )

    def _scope_products(self):
        """Products to forecast: the chosen ones, else every product with demand history,
        narrowed by categories and vendor."""
        self.ensure_one()
        if self.product_ids:
            products = self.product_ids
        else:
            products = self.env["purchase.forecast.demand"]._products_with_demand(
                self._demand_scope()
            )
        domain = Domain("company_id", "in", [False, self.company_id.id])
        if self.category_ids:
            domain &= Domain("categ_id", "child_of", self.category_ids.ids)
        if self.vendor_id:
            domain &= Domain(
                "seller_ids.partner_id", "child_of", self.vendor_id.commercial_partner_id.id
            )
        return products.filtered_domain(domain) if products else products

    # ------------------------------------------------------------------ actions

    def _check_can_run(self):
        if not self.env.user.has_group("purchase_forecast.group_forecast_manager"):
            raise UserError(self.env._("Only Forecast Managers can run forecasts."))
        self.check_access("write")

    def action_run(self):
        """Run the forecast: a scope that fits in one chunk is forecast now, in this
        transaction (integrators and small scopes); a larger one is split into chunks, each
        forecast by a queue job, and the run finishes when its last chunk is done."""
        self._check_can_run()
        for run in self:
            run._start()
            if len(run.chunk_ids) > 1:
                run.chunk_ids._enqueue()
            else:
                run._run_chunks_now()
        return True

    def action_queue(self):
        """Run the forecast in the background: a queue job starts it and enqueues its chunks."""
        self._check_can_run()
        for run in self:
            if run.state not in ("draft", "failed"):
                raise UserError(self.env._("Only draft or failed runs can be started."))
        self.write({"state": "queued"})
        for run in self:
            run.with_delay(
                identity_key=f"purchase.forecast.run:{run.id}:start",
                description=self.env._("Start forecast %(run)s", run=run.name),
            )._job_start()
        return True

    def action_rerun(self):
        """A new run with the same scope: finished runs are kept as they were."""
        self._check_can_run()
        new_runs = self.copy()
        new_runs.action_run()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "res_id": new_runs[:1].id,
        }

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "purchase_forecast.purchase_forecast_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"search_default_group_product": 0}
        return action

    def action_open_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "purchase_forecast.purchase_forecast_result_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ processing

    def _start(self):
        self.ensure_one()
        if self.state not in ("draft", "queued", "failed"):
            raise UserError(self.env._("Run %(name)s has already been started.", name=self.name))
        running = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("scope_key", "=", self.scope_key),
                ("state", "=", "running"),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if running:
            raise UserError(
                self.env._(
                    "Forecast run %(name)s of the same scope is still running; "
                    "wait for it to finish.",
                    name=running.name,
                )
            )
        today = fields.Date.context_today(self)
        date_start = period_start(today, self.period)
        history_start = period_start(
            date_start - relativedelta(months=self.history_months), self.period
        )
        self.result_ids.unlink()
        self.line_ids.unlink()
        self.chunk_ids.unlink()
        self.write(
            {
                "state": "running",
                "state_periods": self._state_periods(),
                "started_at": fields.Datetime.now(),
                "finished_at": False,
                "date_start": date_start,
                "history_start": history_start,
                "product_count": 0,
                "error_count": 0,
                "error_message": False,
            }
        )
        self._create_chunks()
        self.env.flush_all()

    def _create_chunks(self):
        """Split the scope into chunks of the configured size, in product order."""
        products = self._scope_products().sorted("id")
        self.env["purchase.forecast.run.chunk"].create(
            [
                {
                    "run_id": self.id,
                    "sequence": number,
                    "product_ids": [Command.set(chunk.ids)],
                    "product_count": len(chunk),
                }
                for number, chunk in enumerate(_chunks(products, self._batch_size()), start=1)
            ]
        )

    def _run_chunks_now(self):
        """Forecast every chunk in this transaction, then finish; an error is raised."""
        self.ensure_one()
        for chunk in self.chunk_ids:
            chunk._forecast()
        self._finish()

    def _batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param("purchase_forecast.batch_size")
        return max(int(value or DEFAULT_BATCH_SIZE), 1)

    def _engine_quantiles(self):
        levels = {BAND_LOW, 0.5, BAND_HIGH, round(self.service_level / 100.0, 4)}
        return tuple(sorted(levels))

    def _forecast_batch(self, products):
        """Build the batch's history, forecast it in one engine call, store lines and results."""
        from ..forecast_engine import forecast_with_state
        from ..forecast_engine.state import state_rows

        panel = self.env["purchase.forecast.demand"]._build_panel(self._demand_scope(products))
        options = {
            "season_length": SEASON_LENGTH[self.period],
            "quantiles": self._engine_quantiles(),
            "state_horizon": self._state_periods(),
        }
        errors = {}
        try:
            forecast, fitted = forecast_with_state(panel.values, self.horizon, **options)
            states = state_rows(fitted)
            outcomes = [(row, forecast, row, states[row]) for row in range(len(panel.product_ids))]
        except Exception:
            outcomes = []
            for row, product_id in enumerate(panel.product_ids):
                try:
                    single, fitted = forecast_with_state(
                        panel.values[row : row + 1], self.horizon, **options
                    )
                    outcomes.append((row, single, 0, state_rows(fitted)[0]))
                except Exception as exc:
                    errors[product_id] = str(exc) or exc.__class__.__name__
        self._store_batch(panel, outcomes, errors)

    def _state_periods(self):
        return max(self.horizon, STATE_PERIODS[self.period])

    def _store_batch(self, panel, outcomes, errors):
        Result = self.env["purchase.forecast.result"]
        Line = self.env["purchase.forecast.line"]
        result_vals, line_rows = [], []
        products = self.env["product.product"].browse(panel.product_ids)
        prices = {p.id: p.standard_price for p in products.with_company(self.company_id)}
        products_by_id = {p.id: p for p in products}
        for row, forecast, index, state in outcomes:
            product_id = panel.product_ids[row]
            history = panel.values[row]
            values = Result._values_from_forecast(
                self,
                product_id,
                history,
                panel.stockout[row],
                forecast,
                index,
                prices.get(product_id, 0.0),
            )
            values["history_json"] = Result._history_of(panel, row)
            values["censored_periods"] = int(panel.censored[row].sum())
            values["forecast_state"] = state
            result_vals.append(values)
            line_rows.extend(
                Line._rows_from_forecast(self, products_by_id[product_id], forecast, index)
            )
        for product_id, message in errors.items():
            _logger.warning(
                "Forecast run %s: product %s failed: %s", self.name, product_id, message
            )
            result_vals.append(
                {"run_id": self.id, "product_id": product_id, "error": message, "failed": True}
            )
        Result.create(result_vals)
        Line._bulk_insert(line_rows)
        # what the batch created is in the database: dropping it from the cache keeps memory
        # flat however many products the run covers
        self.env.flush_all()
        self.env.invalidate_all()

    def _finish(self):
        """Counts, ABC classes, the lines made current and earlier runs scored: once every
        chunk is over (again after failed chunks were retried)."""
        self.ensure_one()
        self.env.flush_all()
        self.result_ids._assign_abc()
        counts = dict(
            self.env["purchase.forecast.result"]._read_group(
                [("run_id", "=", self.id)], ["failed"], ["__count"]
            )
        )
        failed_chunks = self.chunk_ids.filtered(lambda chunk: chunk.state == "failed")
        finished = fields.Datetime.now()
        self.write(
            {
                "state": "done",
                "finished_at": finished,
                "duration": (finished - self.started_at).total_seconds(),
                "product_count": counts.get(False, 0),
                "error_count": counts.get(True, 0) + sum(failed_chunks.mapped("product_count")),
                "error_message": self._failed_chunks_message(failed_chunks),
            }
        )
        self.env["purchase.forecast.adjustment"]._apply_to_run(self)
        self._update_actuals_of_earlier_runs()
        if self.auto_publish:
            self._auto_publish()

    def _failed_chunks_message(self, chunks):
        if not chunks:
            return False
        return "\n".join(
            self.env._(
                "Chunk %(number)s (%(count)s products) failed after %(attempts)s attempts: "
                "%(error)s",
                number=chunk.sequence,
                count=chunk.product_count,
                attempts=chunk.attempts,
                error=chunk.error,
            )
            for chunk in chunks
        )

    # ------------------------------------------------------------------ queue jobs

    def _job_start(self):
        """Queue job: start a queued run and enqueue its chunks; a busy scope waits."""
        self.ensure_one()
        if self.state != "queued":
            return "nothing to do: the run is no longer queued"
        try:
            self._start()
        except UserError as exc:
            raise RetryableJobError(
                str(exc), seconds=BUSY_RETRY_SECONDS, ignore_retry=True
            ) from exc
        self.chunk_ids._enqueue()
        return f"{len(self.chunk_ids)} chunks enqueued"

    def _enqueue_finish(self):
        """Ask for the run to be finished, in a job of its own: its transaction starts after
        the chunk's, so it sees every chunk committed before it. One per chunk, without an
        identity key: a finish job still waiting may already have looked at the chunks."""
        for run in self:
            run.with_delay(
                description=self.env._("Finish forecast %(run)s", run=run.name),
            )._job_finish()

    def _job_finish(self):
        """Queue job: finish the run when none of its chunks is pending. The run's row is
        locked, so two of these jobs never finish one run twice at once."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT id FROM purchase_forecast_run WHERE id = %s FOR UPDATE", self.id)
        )
        self.invalidate_recordset()
        if self.state != "running":
            return "nothing to do: the run is not running"
        pending = self.chunk_ids.filtered(lambda chunk: chunk.state == "pending")
        if pending:
            return f"{len(pending)} chunks still pending"
        self._finish()
        return "finished"

    def _check_can_resume(self):
        """Failed chunks of a finished run can be forecast again while it is still the latest
        run of its scope and no other run of the scope is running."""
        self.ensure_one()
        newer = self.search_count(
            [
                ("company_id", "=", self.company_id.id),
                ("scope_key", "=", self.scope_key),
                ("id", "!=", self.id),
                "|",
                ("state", "=", "running"),
                "&",
                ("state", "=", "done"),
                ("id", ">", self.id),
            ],
            limit=1,
        )
        if newer:
            raise UserError(
                self.env._(
                    "A later run of this scope exists or is running: run %(name)s again instead.",
                    name=self.name,
                )
            )

    # ------------------------------------------------------------------ publishing

    def _check_forecast_manager(self):
        """Publishing and locking are for Forecast Managers: JSON-2 calls these methods
        without checking the model's access rights."""
        if not self.env.user.has_group("purchase_forecast.group_forecast_manager"):
            raise AccessError(
                self.env._("Only Forecast Managers can publish, lock or unlock forecasts.")
            )
        self.check_access("write")

    def _published_of_scope(self):
        """The published run of this run's scope (possibly this one), or an empty recordset."""
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("publish_key", "=", self.publish_key),
                ("published", "=", True),
            ],
            limit=1,
        )

    def _publish_blocker(self):
        """Why this run cannot be published now, or False."""
        self.ensure_one()
        if self.state != "done":
            return self.env._(
                "Run %(name)s is not finished: only a finished run can be published.",
                name=self.name,
            )
        if self.error_count or self.chunk_ids.filtered(lambda chunk: chunk.state == "failed"):
            return self.env._(
                "Run %(name)s is partial (%(count)s products failed): run it again and publish "
                "a run without failures.",
                name=self.name,
                count=self.error_count,
            )
        current = self._published_of_scope()
        if current and current != self and current.is_locked:
            return self.env._(
                "The published forecast of this scope (%(run)s) is locked until %(date)s by "
                "%(user)s: unlock it before publishing another run.",
                run=current.name,
                date=format_date(self.env, current.locked_until),
                user=current.locked_by_id.name or "",
            )
        return False

    def action_publish(self):
        """Make these finished runs the forecast of their scope: the product tab, the
        Forecast analysis, plans and the bot read them. The scope's previously published run
        is unpublished in the same transaction."""
        self._check_forecast_manager()
        for run in self:
            blocker = run._publish_blocker()
            if blocker:
                raise UserError(blocker)
            run._publish()
        return True

    def _auto_publish(self):
        """Publish a run that asked for it when it finished (nightly runs), or say on the run
        why it was not."""
        self.ensure_one()
        blocker = self._publish_blocker()
        if blocker:
            self.message_post(
                body=self.env._("Not published: %(reason)s", reason=blocker),
            )
            return False
        self._publish()
        return True

    def _publish(self):
        self.ensure_one()
        previous = self._published_of_scope()
        if previous == self:
            return
        # the previous run goes first: the unique index allows one published run per scope
        previous.write({"published": False, "locked_until": False, "locked_by_id": False})
        previous.flush_recordset(["published"])
        self.write(
            {
                "published": True,
                "published_date": fields.Datetime.now(),
                "published_by_id": self.env.user.id,
            }
        )
        self.flush_recordset(["published"])
        self._make_lines_current(previous)
        if previous:
            body = self.env._(
                "Published by %(user)s, replacing %(previous)s.",
                user=self.env.user.name,
                previous=previous.name,
            )
            previous.message_post(
                body=self.env._("Replaced by the published run %(run)s.", run=self.name)
            )
        else:
            body = self.env._("Published by %(user)s.", user=self.env.user.name)
        self.message_post(body=body)

    def action_open_lock(self):
        """The dialog that locks the published forecast until a date."""
        self._check_forecast_manager()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lock the Published Forecast"),
            "res_model": "purchase.forecast.run.lock",
            "view_mode": "form",
            "target": "new",
            "context": {"default_run_id": self.id},
        }

    def action_lock(self, locked_until):
        """Keep this published forecast until `locked_until` (a date, included): nightly runs
        do not replace it and no other run of its scope can be published."""
        self._check_forecast_manager()
        day = fields.Date.to_date(locked_until) if locked_until else False
        if not day or day < fields.Date.context_today(self):
            raise UserError(self.env._("Lock the forecast until today or a later day."))
        for run in self:
            if not run.published:
                raise UserError(
                    self.env._(
                        "Run %(name)s is not published: only the published forecast can be locked.",
                        name=run.name,
                    )
                )
        self.write({"locked_until": day, "locked_by_id": self.env.user.id})
        for run in self:
            run.message_post(
                body=self.env._(
                    "Locked until %(date)s by %(user)s.",
                    date=format_date(self.env, day),
                    user=self.env.user.name,
                )
            )
        return True

    def action_unlock(self):
        """Release the lock: the next nightly run of the scope replaces the forecast again.
        Logged on the run (who and when)."""
        self._check_forecast_manager()
        for run in self.filtered("locked_until"):
            until = run.locked_until
            run.write({"locked_until": False, "locked_by_id": False})
            run.message_post(
                body=self.env._(
                    "Unlocked by %(user)s on %(when)s (it was locked until %(date)s).",
                    user=self.env.user.name,
                    when=format_datetime(self.env, fields.Datetime.now()),
                    date=format_date(self.env, until),
                )
            )
        return True

    def _adjusted_states(self, products):
        """The stored states of these products with people's adjustments applied, and the
        notes naming the adjustments per product: ({product id: state}, {product id: [..]})."""
        states = self._forecast_states(products)
        if not states:
            return states, {}
        return self.env["purchase.forecast.adjustment"]._adjust_states(self, states)

    def _forecast_states(self, products):
        """{product id: stored forecast state} of these products in this run (none failed)."""
        if not self:
            return {}
        self.ensure_one()
        results = self.env["purchase.forecast.result"].search_fetch(
            [
                ("run_id", "=", self.id),
                ("product_id", "in", products.ids),
                ("failed", "=", False),
                ("forecast_state", "!=", False),
            ],
            ["product_id", "forecast_state"],
        )
        return {result.product_id.id: result.forecast_state for result in results}

    @api.model
    def _published_for(self, company, warehouse=None, measure="quantity"):
        """The published run a reader of `warehouse` uses: the one published for that
        warehouse alone, else the company-wide one (no warehouse), else none."""
        keys = [f"{measure}:{warehouse.id}"] if warehouse else []
        keys.append(f"{measure}:all")
        runs = self.search(
            [
                ("company_id", "=", company.id),
                ("published", "=", True),
                ("publish_key", "in", keys),
            ]
        )
        by_key = {run.publish_key: run for run in runs}
        return next((by_key[key] for key in keys if key in by_key), self.browse())

    def _make_lines_current(self, previous=None):
        """This run's lines replace the products' earlier forecasts of the same measure.

        Two statements: through the ORM, reading and writing a large run's lines (120,000
        for 10,000 products) cost more than the forecast.
        """
        self.ensure_one()
        self.env["purchase.forecast.line"].flush_model(["is_current"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE purchase_forecast_line AS line
                   SET is_current = FALSE
                  FROM purchase_forecast_run AS run
                 WHERE run.id = line.run_id
                   AND run.measure = %(measure)s
                   AND line.company_id = %(company)s
                   AND line.is_current
                   AND line.run_id != %(run)s
                   AND (line.run_id = %(previous)s OR line.product_id IN (
                       SELECT product_id FROM purchase_forecast_line WHERE run_id = %(run)s))
                """,
                measure=self.measure,
                company=self.company_id.id,
                run=self.id,
                previous=previous.id if previous else 0,
            )
        )
        self.env.cr.execute(
            SQL("UPDATE purchase_forecast_line SET is_current = TRUE WHERE run_id = %s", self.id)
        )
        self.env["purchase.forecast.line"].invalidate_model(["is_current"])

    # ------------------------------------------------------------------ accuracy

    def _update_actuals_of_earlier_runs(self):
        """Now that this run knows the latest history, score earlier runs of the scope."""
        earlier = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("scope_key", "=", self.scope_key),
                ("state", "=", "done"),
                ("id", "!=", self.id),
                ("date_start", "<", self.date_start),
            ]
        )
        earlier._update_actuals(self.date_start)

    def _update_actuals(self, until):
        """Fill in what really happened in the periods of these runs that ended before `until`."""
        Line = self.env["purchase.forecast.line"]
        for run in self:
            lines = Line.search(
                [("run_id", "=", run.id), ("date", "<", until), ("actual_known", "=", False)]
            )
            if not lines:
                continue
            scope = run._demand_scope(lines.product_id)
            scope.date_from, scope.date_to = min(lines.mapped("date")), until
            lines._set_actuals(self.env["purchase.forecast.demand"]._actuals(scope))
            run._compute_accuracy()

    def _compute_accuracy(self):
        self.ensure_one()
        [(count, error_sum, bias_sum, inside)] = self.env["purchase.forecast.line"]._read_group(
            [("run_id", "=", self.id), ("actual_known", "=", True)],
            [],
            ["__count", "abs_error:sum", "signed_error:sum", "within_band:sum"],
        )
        self.write(
            {
                "actual_line_count": count,
                "mean_abs_error": error_sum / count if count else 0.0,
                "bias": bias_sum / count if count else 0.0,
                "band_coverage": 100.0 * inside / count if count else 0.0,
            }
        )

    # ------------------------------------------------------------------ scheduled actions

    def _lock_for_processing(self):
        """Rows this worker may process now: skip runs another transaction holds."""
        if not self:
            return self
        self.env.cr.execute(
            SQL(
                "SELECT id FROM purchase_forecast_run WHERE id IN %s FOR UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _cron_process_runs(self):
        """Scheduled action: create the nightly runs when due, start queued runs (their chunks
        go to the job queue), enqueue again the chunks of running runs left pending too long,
        and clean up old runs. The forecasting itself happens in the jobs."""
        self._create_nightly_runs()
        for run in self.search([("state", "=", "queued")], order="id"):
            run = run._lock_for_processing()
            if not run:
                continue
            try:
                run._start()
            except UserError as exc:
                # its scope is busy: leave it queued for the next pass
                _logger.info("Forecast run %s waits: %s", run.name, exc)
                continue
            run.chunk_ids._enqueue()
        self._requeue_stale_chunks()
        self._cleanup_old_runs()

    @api.model
    def _requeue_stale_chunks(self):
        """Chunks of running runs pending for hours: their job may be lost (a database restored,
        a job deleted by hand). Enqueuing them again is harmless: a chunk whose job still
        waits gets no second job, and a job finding its chunk done does nothing."""
        stale = fields.Datetime.now() - STALE_AFTER
        chunks = self.env["purchase.forecast.run.chunk"].search(
            [
                ("state", "=", "pending"),
                ("run_id.state", "=", "running"),
                ("write_date", "<", stale),
            ]
        )
        chunks._enqueue()

    @api.model
    def _create_nightly_runs(self):
        """One scheduled run per company a day, for companies that want nightly forecasts."""
        today = fields.Date.context_today(self)
        midnight = fields.Datetime.to_datetime(today)
        for company in self.env["res.company"].search([("forecast_nightly_run", "=", True)]):
            exists = self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("scheduled", "=", True),
                    ("create_date", ">=", midnight),
                ],
                limit=1,
            )
            if not exists:
                self.with_company(company).with_context(default_company_id=company.id).create(
                    {
                        "company_id": company.id,
                        "scheduled": True,
                        "state": "queued",
                        "auto_publish": not company.forecast_publish_manual,
                    }
                )

    @api.model
    def _cleanup_old_runs(self):
        """Delete runs past each company's retention, and the repeats of nightly runs.

        Per scope and forecast period (date_start), the first finished run is the snapshot
        whose accuracy is measured later and the latest is the current forecast: both are kept
        until the retention ends (the scope's latest run always). The runs in between repeat
        them day after day and go after two days.
        """
        now = fields.Datetime.now()
        for (company,) in self._read_group([], ["company_id"]):
            runs = self.search(
                [("company_id", "=", company.id), ("state", "in", ("done", "failed"))],
                order="finished_at, id",
            )
            retention = now - dt.timedelta(days=company.forecast_retention_days)
            latest_of_scope = {
                run.scope_key: run for run in runs.filtered(lambda r: r.state == "done")
            }
            kept = set()
            for _key, group in runs.grouped(lambda r: (r.scope_key, r.date_start)).items():
                done = group.filtered(lambda r: r.state == "done")
                kept.update((done[:1] | done[-1:]).ids)
            # the published runs are what everybody reads: kept whatever their age
            current = set(latest_of_scope.values()) | set(runs.filtered("published"))
            old = self.browse()
            for run in runs - self.browse().union(*current):
                finished = run.finished_at or now
                if finished < retention or (run.id not in kept and finished < now - REPEAT_KEPT):
                    old |= run
            old.unlink()
