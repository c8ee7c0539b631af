import hashlib
import json
import logging
import secrets

import numpy as np
import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import formatLang

from odoo.addons.queue_job.delay import chain

from ..forecast_engine.periods import PERIOD_DAYS
from ..forecast_engine.translate import _
from ..report.purchase_plan_xlsx import plan_workbook
from .purchase_plan_line import WORKFLOW

_logger = logging.getLogger(__name__)

# written only by the workflow's methods (action_request_approval, action_approve, ...)
WORKFLOW_FIELDS = frozenset(
    {"state", "approved_by_id", "approved_at", "approval_nonce", "approval_hash"}
    | {"compute_state", "compute_total", "compute_done", "compute_error"}
)

# the line filters the plan's summary buttons open (purchase_plan_line_view_search)
LINE_FILTERS = ("to_order", "deferred", "needs_vendor", "no_forecast")

# why a plan line orders nothing without a forecast (rendered with env._ like the engine's)
# pylint: disable=prefer-env-translation
NO_PUBLISHED_FORECAST = _(
    "No published forecast for this warehouse or the company: publish a forecast run to plan "
    "this product."
)
NOT_IN_PUBLISHED_FORECAST = _(
    "The published forecast %(run)s does not cover this product: forecast it to plan it."
)
BEYOND_PUBLISHED_FORECAST = _(
    "The lead time and review need %(needed)s periods of demand; the published forecast "
    "%(run)s stores %(stored)s: forecast it with a longer horizon to plan this product."
)

# learned lead times need this many receipts, per product and vendor or per vendor
# plans over more products than this are computed by queue jobs (setting)
DEFAULT_JOB_THRESHOLD = 5000


class PurchasePlan(models.Model):
    """What to order, from whom and how much: forecast demand over lead time and review
    period against stock and orders, within a budget, ready to become RFQs per vendor."""

    _name = "purchase.plan"
    _description = "Purchase Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Buyer",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "Computed"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("done", "RFQs Created"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    vendor_ids = fields.Many2many("res.partner")
    category_ids = fields.Many2many("product.category", string="Product Categories")
    product_ids = fields.Many2many("product.product", check_company=True)
    forecast_run_id = fields.Many2one(
        "purchase.forecast.run",
        string="Published Forecast",
        check_company=True,
        readonly=True,
        copy=False,
        help="The published forecast the plan reads its demand from, set when it is computed: "
        "the one published for the plan's warehouse, else the company-wide one. Lead times "
        "and coverage are counted in its periods.",
    )
    forecast_period = fields.Selection(related="forecast_run_id.period", string="Forecast Period")
    no_forecast_line_count = fields.Integer(
        compute="_compute_totals", string="Products without Forecast"
    )
    review_days = fields.Integer(
        string="Coverage (days)",
        default=lambda self: self.env.company.purchase_plan_review_days,
        help="Days until the next plan: orders cover demand over the lead time plus this.",
    )
    service_level = fields.Float(
        string="Service Level (%)", default=lambda self: self.env.company.forecast_service_level
    )
    service_scope = fields.Selection(
        [("plan", "Across the plan"), ("item", "Every product")],
        string="Service Target",
        required=True,
        default="plan",
        help="Across the plan: the service level is the share of all the plan's demand served "
        "from stock, reached with the least stock value (cheap, fast products get more, slow "
        "or costly ones less). Every product: each product reaches the service level itself, "
        "which needs more stock.",
    )
    budget = fields.Monetary(
        help="Cap on the plan's total; the least important lines beyond it are deferred. "
        "0 = no cap."
    )
    budget_remaining = fields.Monetary(
        compute="_compute_budget_remaining",
        string="Buyer's Remaining Budget",
        help="The buyer's budget for the current period minus confirmed purchases.",
    )
    computed_at = fields.Datetime(readonly=True, copy=False)
    # computing in the background (large plans): a chain of queue jobs, one per chunk
    compute_state = fields.Selection(
        [("running", "Computing"), ("failed", "Computing Failed")],
        readonly=True,
        copy=False,
        help="Set while queue jobs compute the plan, or when they failed.",
    )
    compute_total = fields.Integer(string="Products to Compute", readonly=True, copy=False)
    compute_done = fields.Integer(string="Products Computed", readonly=True, copy=False)
    compute_progress = fields.Float(string="Computed (%)", compute="_compute_compute_progress")
    compute_error = fields.Text(readonly=True, copy=False)
    line_ids = fields.One2many("purchase.plan.line", "plan_id", string="Lines", copy=False)
    line_count = fields.Integer(compute="_compute_totals")
    order_line_count = fields.Integer(compute="_compute_totals", string="Lines to Order")
    deferred_line_count = fields.Integer(compute="_compute_totals", string="Deferred Lines")
    no_vendor_line_count = fields.Integer(
        compute="_compute_totals", string="Lines Needing a Vendor"
    )
    vendor_count = fields.Integer(
        compute="_compute_totals", string="Vendors", help="Vendors of the lines to order."
    )
    expected_service = fields.Float(
        compute="_compute_totals",
        string="Expected Service (%)",
        digits=(16, 1),
        help="Share of the plan's expected demand served from stock once the lines to order "
        "arrive: the lines' expected service weighted by their expected demand; deferred "
        "lines and lines without a vendor count as not ordered (their stock only).",
    )
    amount_total = fields.Monetary(compute="_compute_totals", string="To Order")
    amount_deferred = fields.Monetary(compute="_compute_totals", string="Deferred")
    scope_description = fields.Char(
        compute="_compute_scope_description",
        string="Products",
        help="What the plan covers; no product chosen means all purchasable products.",
    )
    order_ids = fields.Many2many(
        "purchase.order",
        "purchase_plan_order_rel",
        "plan_id",
        "order_id",
        string="RFQs",
        copy=False,
        readonly=True,
        check_company=True,
    )
    order_count = fields.Integer(compute="_compute_order_count")
    approval_required = fields.Boolean(compute="_compute_approval_required")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)
    approval_nonce = fields.Char(readonly=True, copy=False, groups="base.group_system")
    approval_hash = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Digest of the lines as they were when approval was requested.",
    )

    _review_days_positive = models.Constraint(
        "CHECK(review_days >= 1)", "The coverage must be at least one day."
    )
    _service_level_range = models.Constraint(
        "CHECK(service_level >= 50 AND service_level < 100)",
        "The service level must be at least 50% and below 100%.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_workflow_fields(vals, creating=True)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("purchase.plan") or "/"
        plans = super().create(vals_list)
        for plan in plans.filtered(lambda p: not p.forecast_run_id):
            plan.forecast_run_id = plan._published_run()
        return plans

    def write(self, vals):
        self._check_workflow_fields(vals)
        return super().write(vals)

    def _check_workflow_fields(self, vals, creating=False):
        """State and approval fields move only through the workflow's methods: JSON-2 writes
        fields without the views' readonly, so a buyer could approve their own plan."""
        if self.env.context.get("purchase_plan_workflow") is WORKFLOW:
            return
        touched = WORKFLOW_FIELDS & set(vals)
        if creating and vals.get("state", "draft") == "draft":
            touched -= {"state"}
        if touched:
            raise AccessError(
                self.env._(
                    "The status and approval of a purchase plan change only through its "
                    "buttons (%(fields)s).",
                    fields=", ".join(sorted(touched)),
                )
            )

    def _workflow(self):
        """This recordset, allowed to write the workflow's fields."""
        return self.with_context(purchase_plan_workflow=WORKFLOW)

    def _is_frozen(self):
        """Waiting for approval or approved: the lines are what the approver sees or saw."""
        self.ensure_one()
        return self.state in ("to_approve", "approved") or bool(
            self.state == "done" and self.approved_by_id
        )

    def _check_lines_editable(self):
        """Lines of a plan waiting for approval or approved stay as the approver saw them."""
        if self.env.context.get("purchase_plan_workflow") is WORKFLOW:
            return
        frozen = self.filtered(lambda plan: plan._is_frozen())
        if frozen:
            raise UserError(
                self.env._(
                    "Plan %(name)s is waiting for approval or approved: its lines can no "
                    "longer change. Reject it (or cancel it) to edit them.",
                    name=frozen[0].name,
                )
            )

    def _approval_content_hash(self):
        """Digest of what an approver approves: each line's product, vendor, quantity, price
        and state, and the plan's company and warehouse."""
        self.ensure_one()
        lines = sorted(
            (ln.product_id.id, ln.vendor_id.id, ln.quantity, ln.price_unit, ln.state)
            for ln in self.line_ids
        )
        content = [self.company_id.id, self.warehouse_id.id, lines]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()

    def _approval_token(self):
        """The nonce an approval button carries: bound to the plan's content, so a plan
        changed after the request can no longer be approved with the old message."""
        self.ensure_one()
        nonce = self.sudo().approval_nonce or ""
        if not nonce:
            return ""
        return hashlib.sha256(f"{nonce}:{self._approval_content_hash()}".encode()).hexdigest()[:32]

    def _approval_still_valid(self):
        self.ensure_one()
        return bool(self.approved_by_id) and (
            self.sudo().approval_hash == self._approval_content_hash()
        )

    def _published_run(self):
        """The published quantity forecast the plan reads: its warehouse's, else the
        company's."""
        return self.env["purchase.forecast.run"]._published_for(self.company_id, self.warehouse_id)

    @api.depends(
        "line_ids.subtotal",
        "line_ids.state",
        "line_ids.vendor_id",
        "line_ids.fill_rate",
        "line_ids.expected_demand",
    )
    def _compute_totals(self):
        for plan in self:
            lines = plan.line_ids
            by_state = lines.grouped("state")
            to_order = by_state.get("order", lines.browse())
            deferred = by_state.get("deferred", lines.browse())
            plan.line_count = len(lines)
            plan.order_line_count = len(to_order)
            plan.no_forecast_line_count = len(by_state.get("no_forecast", []))
            plan.deferred_line_count = len(deferred)
            plan.no_vendor_line_count = len(by_state.get("no_vendor", ()))
            plan.vendor_count = len(to_order.vendor_id)
            plan.amount_total = sum(to_order.mapped("subtotal"))
            plan.amount_deferred = sum(deferred.mapped("subtotal"))
            plan.expected_service = plan._expected_service()

    def _expected_service(self):
        """Demand-weighted fill rate of the plan as it stands (see expected_service)."""
        served = demand = 0.0
        for line in self.line_ids:
            if line.expected_demand <= 0:
                continue
            demand += line.expected_demand
            if line.state in ("order", "no_need"):
                served += line.expected_demand * line.fill_rate / 100.0
            else:
                # not ordered: only what is in stock or on order serves demand
                position = max(line.on_hand + line.incoming - line.backorder, 0.0)
                served += min(position, line.expected_demand)
        return 100.0 * served / demand if demand else 0.0

    @api.depends("product_ids", "category_ids", "vendor_ids")
    @api.depends_context("lang")
    def _compute_scope_description(self):
        for plan in self:
            plan.scope_description = plan._describe_scope()

    def _describe_scope(self):
        """'All purchasable products', or how many chosen products / categories / vendors."""
        if self.product_ids:
            return self.env._("%(count)s chosen products", count=len(self.product_ids))
        if self.category_ids and self.vendor_ids:
            return self.env._("All purchasable products of the chosen categories and vendors")
        if self.category_ids:
            return self.env._("All purchasable products of the chosen categories")
        if self.vendor_ids:
            return self.env._("All purchasable products of the chosen vendors")
        return self.env._("All purchasable products")

    def _compute_order_count(self):
        for plan in self:
            plan.order_count = len(plan.order_ids)

    @api.depends("amount_total", "company_id.purchase_plan_approval_amount")
    def _compute_approval_required(self):
        for plan in self:
            limit = plan.company_id.purchase_plan_approval_amount
            plan.approval_required = bool(limit) and plan.amount_total > limit

    @api.depends("user_id", "company_id")
    @api.depends_context("uid")
    def _compute_budget_remaining(self):
        is_manager = self.env.user.has_group("purchase_forecast.group_forecast_manager")
        for plan in self:
            # the budget is read as superuser: a buyer sees only their own
            if plan.user_id != self.env.user and not is_manager:
                plan.budget_remaining = 0.0
                continue
            budget = self.env["purchase.budget"]._current_for(plan.user_id, plan.company_id)
            plan.budget_remaining = budget.remaining if budget else 0.0

    # ------------------------------------------------------------------ scope

    def _scope_products(self):
        """Purchasable goods of the company, narrowed by the plan's vendors and categories."""
        self.ensure_one()
        if self.product_ids:
            return self.product_ids
        domain = Domain(
            [
                ("purchase_ok", "=", True),
                ("type", "=", "consu"),
                ("company_id", "in", [False, self.company_id.id]),
            ]
        )
        if self.category_ids:
            domain &= Domain("categ_id", "child_of", self.category_ids.ids)
        if self.vendor_ids:
            domain &= Domain(
                "seller_ids.partner_id", "child_of", self.vendor_ids.commercial_partner_id.ids
            )
        return self.env["product.product"].search(domain, order="id")

    def _forecast_period(self):
        return self.forecast_run_id.period or self.company_id.forecast_period

    # ------------------------------------------------------------------ compute

    def action_compute(self):
        """Fill the plan with a line per product that needs ordering, and explain each."""
        for plan in self:
            if plan.state not in ("draft", "computed"):
                raise UserError(
                    self.env._("Plan %(name)s can no longer be recomputed.", name=plan.name)
                )
            plan.forecast_run_id = plan._published_run()
            if plan._compute_in_background():
                continue
            plan.line_ids.unlink()
            products = plan._scope_products()
            batch = plan._compute_batch_size()
            for start in range(0, len(products), batch):
                plan._compute_batch(products[start : start + batch])
            plan._finish_compute()
        return True

    def _finish_compute(self):
        """Once every line is in: priorities, budget, the computed state, reordering rules."""
        self.ensure_one()
        self.invalidate_recordset(["line_ids"])
        self._assign_priorities()
        self._apply_budget()
        self._workflow().write({"state": "computed", "computed_at": fields.Datetime.now()})
        if self.company_id.purchase_plan_update_orderpoints:
            self.line_ids._update_orderpoints()

    def _compute_batch_size(self):
        param = self.env["ir.config_parameter"].sudo().get_param("purchase_forecast.batch_size")
        return max(int(param or 2000), 1)

    # ------------------------------------------------------------------ background compute

    @api.depends("compute_total", "compute_done")
    def _compute_compute_progress(self):
        for plan in self:
            total = plan.compute_total
            plan.compute_progress = 100.0 * plan.compute_done / total if total else 0.0

    def _compute_in_background(self):
        """A plan over more products than the threshold setting is computed by a chain of
        queue jobs, one per chunk of products, and a last one that finishes it; the request
        returns at once. False for a smaller plan, computed in the request."""
        self.ensure_one()
        if self.compute_state == "running":
            raise UserError(
                self.env._("Plan %(name)s is being computed in the background.", name=self.name)
            )
        threshold = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("purchase_forecast.plan_job_threshold", DEFAULT_JOB_THRESHOLD)
        )
        products = self._scope_products()
        if len(products) <= threshold:
            return False
        self.line_ids.unlink()
        self._workflow().write(
            {
                "state": "draft",
                "computed_at": False,
                "compute_state": "running",
                "compute_total": len(products),
                "compute_done": 0,
                "compute_error": False,
            }
        )
        size = self._compute_batch_size()
        chunks = [products[start : start + size] for start in range(0, len(products), size)]
        description = self.env._("Compute purchase plan %(name)s", name=self.name)
        chain(
            *(
                self.delayable(description=description)._job_compute_chunk(chunk.ids)
                for chunk in chunks
            ),
            self.delayable(description=description)._job_finish_compute(),
        ).delay()
        return True

    def _job_compute_chunk(self, product_ids):
        """Queue job: the lines of these products, unless they are in already (a job performed
        again does nothing twice). A failure stops the computation and is reported."""
        self.ensure_one()
        if self.compute_state != "running":
            return "nothing to do: the plan is not being computed"
        done = set(self.line_ids.product_id.ids)
        products = self.env["product.product"].browse(
            [pid for pid in product_ids if pid not in done]
        )
        try:
            with self.env.cr.savepoint():
                if products:
                    self._compute_batch(products.exists())
                self._workflow().compute_done += len(products)
        except psycopg2.OperationalError:
            raise  # a concurrency error: queue_job retries the job
        except Exception as exc:  # reported on the plan and to its buyer
            self.env.invalidate_all()
            _logger.warning("Purchase plan %s: computing failed: %s", self.name, exc)
            self._workflow().write(
                {"compute_state": "failed", "compute_error": str(exc) or repr(exc)}
            )
            self._notify_compute_over()
        return f"{len(products)} products computed"

    def _job_finish_compute(self):
        """Queue job: finish the plan computed by the chunk jobs before it, tell its buyer."""
        self.ensure_one()
        if self.compute_state != "running":
            return "nothing to do: the plan is not being computed"
        self._finish_compute()
        self._workflow().compute_state = False
        self._notify_compute_over()
        return "computed"

    def _notify_compute_over(self):
        """A message on the plan for its buyer (an Odoo notification in their inbox)."""
        if self.compute_state == "failed":
            body = self.env._(
                "Computing the plan failed: %(error)s. Compute it again once the cause is fixed.",
                error=self.compute_error,
            )
        else:
            body = self.env._(
                "The plan is computed: %(count)s lines, %(amount)s to order.",
                count=self.line_count,
                amount=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
            )
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _compute_batch(self, products):
        self.env["purchase.plan.line"]._bulk_insert(self._policy_rows(products))

    def _policy_rows(self, products):
        """The plan's line values for these products, not stored, from the published
        forecast's stored models (no fitting). Two passes: the quantity needed picks the
        vendor, whose minimum, pack and lead time then shape the final quantity. A product the
        published forecast does not cover, or whose lead time and review reach beyond what it
        stores, gets a line saying so and orders nothing."""
        period = self._forecast_period()
        states, adjusted = self.forecast_run_id._adjusted_states(products)
        stock = self._stock_position(products)
        vendors = self._choose_vendors(products, dict.fromkeys(products.ids, 1.0))
        missing = {pid: self._no_forecast_reason() for pid in products.ids if pid not in states}
        missing.update(self._beyond_forecast(products, states, vendors, missing, period))
        # only a vendor minimum above one unit can make the quantity change the vendor: those
        # products get a first estimate of their need and a second choice
        subset = products.filtered(
            lambda p: p.id not in missing and any(s.min_qty > 1 for s in p.seller_ids)
        )
        if subset:
            first, _lead = self._advise(states, subset, stock, vendors, period, with_terms=False)
            needed = dict(zip(subset.ids, np.maximum(first.quantity, 1.0).tolist(), strict=True))
            vendors.update(self._choose_vendors(subset, needed))
            missing.update(self._beyond_forecast(subset, states, vendors, missing, period))
        forecast = products.filtered(lambda p: p.id not in missing)
        lead = self._lead_times(products, vendors)
        Line = self.env["purchase.plan.line"]
        rows = []
        if forecast:
            advice, lead = self._advise(states, forecast, stock, vendors, period, with_terms=True)
            abc = self._abc_classes(forecast)
            rows = [
                Line._values_from_advice(
                    self,
                    product,
                    i,
                    advice,
                    stock[product.id],
                    vendors[product.id],
                    lead[product.id],
                    abc.get(product.id),
                    float(advice.stockout_risk[i]),
                    adjusted.get(product.id, []),
                )
                for i, product in enumerate(forecast)
            ]
        lead.update(self._lead_times(products - forecast, vendors))
        rows.extend(
            Line._no_forecast_values(
                self,
                product,
                stock[product.id],
                vendors[product.id],
                lead[product.id],
                missing[product.id],
            )
            for product in products
            if product.id in missing
        )
        return rows

    def _no_forecast_reason(self):
        """(template, params) of a product the published forecast does not cover."""
        run = self.forecast_run_id
        if not run:
            return (NO_PUBLISHED_FORECAST, {})
        return (NOT_IN_PUBLISHED_FORECAST, {"run": run.name})

    def _beyond_forecast(self, products, states, vendors, missing, period):
        """{product id: reason} of the products whose lead time and review need more periods
        than the published forecast stores for them."""
        from ..forecast_engine.policy import periods_needed
        from ..forecast_engine.state import state_horizon

        todo = products.filtered(lambda p: p.id not in missing)
        if not todo:
            return {}
        lead = self._lead_times(todo, vendors)
        days = PERIOD_DAYS[period]
        needed = periods_needed(
            np.array([lead[i]["days"] for i in todo.ids]) / days,
            np.full(len(todo), self.review_days / days),
            np.array([lead[i]["std"] for i in todo.ids]) / days,
        )
        beyond = {}
        for product, count in zip(todo, needed.tolist(), strict=True):
            stored = state_horizon(states[product.id])
            if count > stored:
                beyond[product.id] = (
                    BEYOND_PUBLISHED_FORECAST,
                    {"needed": count, "stored": stored, "run": self.forecast_run_id.name},
                )
        return beyond

    @api.model
    def _policy_advice(self, products, warehouse, excluded_orders=None):
        """What a plan with the company's defaults would order of `products` now, in the
        warehouse: {product id: line values (quantity, vendor, stock position, risk, why)},
        from the published forecast.

        Every open RFQ and receipt counts in the stock position except `excluded_orders`
        (as a plan leaves out its own RFQs). Nothing is stored.
        """
        plan = self._advice_plan(products, warehouse, excluded_orders)
        return {values["product_id"]: values for values in plan._policy_rows(products)}

    @api.model
    def _policy_advice_lines(self, products, warehouse, excluded_orders=None):
        """The same advice as unsaved lines of that unsaved plan, so that what is shown of
        it (vendor, the short reason) reads as a plan's line does: {product id: line}."""
        plan = self._advice_plan(products, warehouse, excluded_orders)
        Line = self.env["purchase.plan.line"]
        return {values["product_id"]: Line.new(values) for values in plan._policy_rows(products)}

    @api.model
    def _advice_plan(self, products, warehouse, excluded_orders):
        """An unsaved plan with the company's defaults over `products` in `warehouse`,
        reading the published forecast."""
        fields_wanted = ["review_days", "service_level", "service_scope"]
        Plan = self.with_company(warehouse.company_id)
        plan = Plan.new(
            {
                **Plan.default_get(fields_wanted),
                "company_id": warehouse.company_id.id,
                "warehouse_id": warehouse.id,
                "product_ids": [Command.set(products.ids)],
                "order_ids": [Command.set(excluded_orders.ids if excluded_orders else [])],
            }
        )
        plan.forecast_run_id = plan._published_run()
        return plan

    def _advise(self, states, products, stock, vendors, period, with_terms):
        """The engine's order advice for these products (order_quantities over the published
        forecast's stored models: no fitting), and the lead times it was given."""
        from ..forecast_engine import order_quantities
        from ..forecast_engine.state import panel_from_states

        lead = self._lead_times(products, vendors)
        days = PERIOD_DAYS[period]
        ids = products.ids
        terms = {
            "moq": np.array([vendors[i]["moq"] or 0.0 for i in ids]),
            "multiple": np.array([vendors[i]["multiple"] or 0.0 for i in ids]),
        }
        advice = order_quantities(
            None,
            np.array([stock[i]["position"] for i in ids]),
            np.array([lead[i]["days"] for i in ids]) / days,
            review=np.full(len(ids), self.review_days / days),
            moq=terms["moq"] if with_terms else None,
            multiple=terms["multiple"] if with_terms else None,
            service_level=self.service_level / 100.0,
            lead_time_std=np.array([lead[i]["std"] for i in ids]) / days,
            unit_cost=np.array([vendors[i]["price"] or 0.0 for i in ids]),
            service_scope=self.service_scope,
            fitted=panel_from_states([states[i] for i in ids]),
        )
        return advice, lead

    def _stock_position(self, products):
        """On hand, incoming, outgoing, backorder and position per product in the plan's
        warehouse; the plan's own RFQs are not counted against itself."""
        return products._purchase_forecast_stock_position(
            self.warehouse_id, self.company_id, self.order_ids
        )

    def _choose_vendors(self, products, needed):
        """Per product the vendor to order from (among the plan's vendors when it names
        some), its price, minimum and pack, and why."""
        return products._purchase_forecast_vendors(
            needed, self.company_id, self.vendor_ids.commercial_partner_id
        )

    def _lead_times(self, products, vendors):
        """Lead time in days per product, learned from past receipts or the vendor's delay."""
        return products._purchase_forecast_lead_times(vendors, self.company_id)

    def _abc_classes(self, products):
        if not self.forecast_run_id:
            return {}
        results = self.env["purchase.forecast.result"].search_read(
            [("run_id", "=", self.forecast_run_id.id), ("product_id", "in", products.ids)],
            ["product_id", "abc_class"],
        )
        return {r["product_id"][0]: r["abc_class"] for r in results}

    def _assign_priorities(self):
        """Class the products the forecast run did not (ABC by the value of their expected
        demand in this plan); priorities follow (stockout risk x value weight)."""
        unclassed = self.line_ids.filtered(lambda ln: not ln.abc_class).sorted(
            lambda ln: ln.expected_demand * ln.price_unit, reverse=True
        )
        total = sum(ln.expected_demand * ln.price_unit for ln in unclassed)
        running = 0.0
        classes = {"A": [], "B": [], "C": []}
        for line in unclassed:
            share_before = running / total if total else 1.0
            running += line.expected_demand * line.price_unit
            label = "A" if share_before < 0.8 else "B" if share_before < 0.95 else "C"
            classes[label].append(line.id)
        for label, ids in classes.items():
            self.env["purchase.plan.line"].browse(ids).abc_class = label

    def _apply_budget(self):
        """Over budget, keep the most important lines and defer the rest, saying why."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda ln: ln.state == "order")
        if not self.budget or sum(lines.mapped("subtotal")) <= self.budget:
            return
        spent = 0.0
        ranked = lines.sorted(lambda ln: (-ln.priority, -ln.stockout_risk, ln.subtotal, ln.id))
        for rank, line in enumerate(ranked, start=1):
            if spent + line.subtotal <= self.budget + 1e-6:
                spent += line.subtotal
                continue
            line.write(
                {
                    "state": "deferred",
                    "deferred_reason": self.env._(
                        "deferred: the plan's budget of %(budget)s is used by more urgent "
                        "lines (priority rank %(rank)s)",
                        budget=formatLang(self.env, self.budget, currency_obj=self.currency_id),
                        rank=rank,
                    ),
                }
            )

    # ------------------------------------------------------------------ approval

    def _check_manager(self):
        if not self.env.user.has_group("purchase_forecast.group_forecast_manager"):
            raise AccessError(self.env._("Only Forecast Managers can approve purchase plans."))

    def action_request_approval(self):
        for plan in self:
            if plan.state not in ("computed", "done") or plan._is_frozen():
                raise UserError(self.env._("Only computed plans can be sent for approval."))
            plan.sudo()._workflow().write(
                {
                    "approval_nonce": secrets.token_urlsafe(16),
                    "approval_hash": plan._approval_content_hash(),
                }
            )
            plan._workflow().state = "to_approve"
            plan._notify_approvers()
        return True

    def _notify_approvers(self):
        group = self.env.ref("purchase_forecast.group_forecast_manager")
        # the buyer may not read other users' companies: the approvers are looked up as
        # superuser, the activities are still scheduled as the buyer
        managers = group.sudo().all_user_ids.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        for manager in managers[:10]:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Approve purchase plan %(name)s", name=self.name),
            )

    def action_approve(self):
        self._check_manager()
        for plan in self:
            if plan.state == "approved":
                continue
            if plan.state != "to_approve":
                raise UserError(
                    self.env._("Plan %(name)s is not waiting for approval.", name=plan.name)
                )
            if plan.sudo().approval_hash != plan._approval_content_hash():
                raise UserError(
                    self.env._(
                        "Plan %(name)s changed after its approval was requested: reject it "
                        "and have it sent again.",
                        name=plan.name,
                    )
                )
            plan._workflow().write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_at": fields.Datetime.now(),
                }
            )
            plan.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_reject(self):
        self._check_manager()
        for plan in self:
            if plan.state != "to_approve":
                continue
            plan._workflow().state = "computed"
            plan.activity_unlink(["mail.mail_activity_data_todo"])
            plan.message_post(
                body=self.env._("Plan rejected by %(user)s.", user=self.env.user.name)
            )
        return True

    def action_cancel(self):
        self._workflow().write({"state": "cancel"})
        return True

    def action_reset_to_draft(self):
        self.filtered(lambda p: p.state in ("computed", "cancel"))._workflow().write(
            {"state": "draft"}
        )
        return True

    # ------------------------------------------------------------------ RFQs

    def action_create_rfqs(self):
        """One draft RFQ per vendor from the lines to order; run again, it updates the same
        drafts instead of adding new ones and never touches confirmed orders."""
        for plan in self:
            if plan.state not in ("computed", "approved", "done"):
                raise UserError(self.env._("Compute the plan before creating RFQs."))
            if plan.approval_required and not plan._approval_still_valid():
                raise UserError(
                    self.env._(
                        "Plan %(name)s totals %(amount)s, above the %(limit)s that needs a "
                        "Forecast Manager's approval: request approval first.",
                        name=plan.name,
                        amount=formatLang(
                            self.env, plan.amount_total, currency_obj=plan.currency_id
                        ),
                        limit=formatLang(
                            self.env,
                            plan.company_id.purchase_plan_approval_amount,
                            currency_obj=plan.currency_id,
                        ),
                    )
                )
            plan._sync_rfqs()
            plan._workflow().state = "done"
        return self.action_open_rfqs() if len(self) == 1 else True

    def _sync_rfqs(self):
        """The plan's draft RFQs brought in line with its lines to order."""
        self.ensure_one()
        self.env["purchase.order"]._purchase_plan_sync(self)

    def action_open_rfqs(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("id", "in", self.order_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_forecast_missing(self):
        """A forecast run, published when it is done, covering the products of the published
        run and this plan's products without a forecast, with a horizon long enough for their
        lead time and coverage. Forecast Managers only (it runs and publishes a forecast)."""
        self.ensure_one()
        Run = self.env["purchase.forecast.run"]
        Run._check_forecast_manager()
        lines = self.line_ids.filtered(lambda line: line.state == "no_forecast")
        if not lines:
            raise UserError(self.env._("Every product of the plan has a published forecast."))
        published = self.forecast_run_id
        period = self._forecast_period()
        days = PERIOD_DAYS[period]
        reach = max(
            (line.lead_days + 6 * line.lead_days_std + self.review_days) / days for line in lines
        )
        horizon = published.horizon or self.company_id.forecast_horizon
        products = published.result_ids.filtered(lambda r: not r.failed).product_id
        run = Run.create(
            {
                "company_id": self.company_id.id,
                "warehouse_ids": [Command.set(published.warehouse_ids.ids)],
                "product_ids": [Command.set((products | lines.product_id).ids)],
                "period": period,
                "horizon": min(104, max(horizon, int(np.ceil(reach - 1e-9)))),
                "auto_publish": True,
                **(
                    {
                        "history_months": published.history_months,
                        "history_source": published.history_source,
                        "service_level": published.service_level,
                    }
                    if published
                    else {}
                ),
            }
        )
        run.action_run()
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.forecast.run",
            "view_mode": "form",
            "res_id": run.id,
        }

    def action_open_lines(self):
        """The plan's lines on a page of their own; a summary button passes the filter it
        stands for (plan_line_filter in the context: to_order, deferred, needs_vendor) and
        plan_line_group='vendor' groups them by vendor."""
        self.ensure_one()
        context = {"default_plan_id": self.id}
        wanted = self.env.context.get("plan_line_filter")
        if wanted in LINE_FILTERS:
            context[f"search_default_{wanted}"] = 1
        if self.env.context.get("plan_line_group") == "vendor":
            context["search_default_group_vendor"] = 1
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lines of %(plan)s", plan=self.name),
            "res_model": "purchase.plan.line",
            "view_mode": "list,form",
            "domain": [("plan_id", "=", self.id)],
            "context": context,
        }

    # ------------------------------------------------------------------ export

    def action_export_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/purchase_forecast/plan/{self.id}/xlsx",
            "target": "self",
        }

    def _export_xlsx(self):
        """The plan as a spreadsheet (report/purchase_plan_xlsx.py)."""
        self.ensure_one()
        return plan_workbook(self)
