from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import float_round, formatLang

from .purchase_forecast_result import ABC_SELECTION

ABC_WEIGHT = {"A": 3.0, "B": 2.0, "C": 1.0}
# the context value the plan's workflow methods run with; no JSON-2 call can send it
WORKFLOW = object()


def _sentence(text):
    """A part of the derivation as a sentence: capital first, full stop last."""
    text = text.strip().rstrip(".;")
    return f"{text[:1].upper()}{text[1:]}." if text else ""


class PurchasePlanLine(models.Model):
    """One product of a purchase plan: its stock, its demand over the lead time, the order
    the engine suggests, and the words that explain it."""

    _name = "purchase.plan.line"
    _inherit = ["purchase.forecast.bulk.mixin"]
    _description = "Purchase Plan Line"
    _order = "plan_id, priority desc, subtotal desc, id"
    _rec_name = "product_id"

    plan_id = fields.Many2one("purchase.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Category")
    state = fields.Selection(
        [
            ("order", "To Order"),
            ("no_vendor", "Needs a Vendor"),
            ("deferred", "Deferred"),
            ("no_need", "Nothing to Order"),
            ("no_forecast", "No Published Forecast"),
        ],
        default="order",
        help="Needs a Vendor: the product should be ordered but has no vendor; it goes into "
        "no RFQ until one is set. No Published Forecast: the published forecast does not "
        "cover the product (or not its whole lead time and review); the plan orders nothing.",
        required=True,
        index=True,
    )

    # vendor
    vendor_id = fields.Many2one("res.partner")
    supplierinfo_id = fields.Many2one("product.supplierinfo", string="Vendor Price List")
    vendor_reason = fields.Char(readonly=True)
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True)
    moq = fields.Float(string="Minimum Order", digits="Product Unit", readonly=True)
    multiple = fields.Float(
        string="Pack",
        digits="Product Unit",
        readonly=True,
        help="Orders are whole multiples of this: the vendor's pack, or 1 for counted goods.",
    )

    # stock and demand
    on_hand = fields.Float(digits="Product Unit", readonly=True)
    incoming = fields.Float(
        digits="Product Unit", readonly=True, help="Confirmed receipts and open RFQs, late or not."
    )
    outgoing = fields.Float(
        digits="Product Unit", readonly=True, help="Confirmed deliveries not yet done."
    )
    backorder = fields.Float(
        string="Owed",
        digits="Product Unit",
        readonly=True,
        help="Deliveries already due and not done.",
    )
    lead_days = fields.Float(string="Lead Time (days)", digits=(16, 1), readonly=True)
    lead_days_std = fields.Float(string="Lead Time Spread (days)", digits=(16, 1), readonly=True)
    lead_receipts = fields.Integer(
        readonly=True, help="Past receipts the lead time was learnt from; 0 = vendor's delay."
    )
    expected_demand = fields.Float(digits="Product Unit", readonly=True)
    safety_stock = fields.Float(digits="Product Unit", readonly=True)
    fill_rate = fields.Float(
        string="Expected Service (%)",
        digits=(16, 1),
        readonly=True,
        help="Share of this product's demand expected to be served from stock at its "
        "order-up-to level. With a service target across the plan it differs from product "
        "to product.",
    )
    reorder_point = fields.Float(digits="Product Unit", readonly=True)
    order_up_to = fields.Float(string="Order-up-to Level", digits="Product Unit", readonly=True)
    suggested_quantity = fields.Float(digits="Product Unit", readonly=True)
    quantity = fields.Float(string="To Order", digits="Product Unit")
    abc_class = fields.Selection(ABC_SELECTION, string="ABC", readonly=True)
    stockout_risk = fields.Float(
        readonly=True, help="Probability that demand over the lead time exceeds the position."
    )
    priority = fields.Float(
        compute="_compute_priority", store=True, help="Stockout risk times value class (ABC)."
    )

    # why
    engine_reason = fields.Char(readonly=True)
    engine_reason_parts = fields.Json(readonly=True)
    deferred_reason = fields.Char(readonly=True)
    adjustment_note = fields.Char(
        string="Forecast Adjusted",
        readonly=True,
        help="People's adjustments of the forecast that this line's demand includes.",
    )
    short_reason = fields.Char(
        compute="_compute_explanation",
        string="Reason",
        help="The line in one sentence; the form shows how it was worked out.",
    )
    explanation = fields.Text(compute="_compute_explanation", string="How it was worked out")

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["purchase.plan"].browse({v.get("plan_id") for v in vals_list} - {None})
        plans.exists()._check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.plan_id._check_lines_editable()
        result = super().write(vals)
        if "vendor_id" in vals and "state" not in vals:
            for state, lines in self._states_following_vendor().items():
                if lines:
                    super(PurchasePlanLine, lines).write({"state": state})
        return result

    def _states_following_vendor(self):
        """A vendor set on a line that needs one makes it orderable; a line to order whose
        vendor is removed needs one again (it must never reach an RFQ without one)."""
        return {
            "order": self.filtered(lambda ln: ln.state == "no_vendor" and ln.vendor_id),
            "no_vendor": self.filtered(lambda ln: ln.state == "order" and not ln.vendor_id),
        }

    def unlink(self):
        self.plan_id._check_lines_editable()
        return super().unlink()

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price_unit

    @api.depends("stockout_risk", "abc_class")
    def _compute_priority(self):
        for line in self:
            line.priority = line.stockout_risk * ABC_WEIGHT[line.abc_class or "C"]

    @api.onchange("vendor_id")
    def _onchange_vendor_id(self):
        if not self.vendor_id or not self.product_id:
            return
        seller = self.product_id._select_seller(
            partner_id=self.vendor_id, quantity=self.quantity or 1.0
        )
        self.supplierinfo_id = seller
        if seller:
            self.price_unit = seller.price_discounted

    # ------------------------------------------------------------------ explanation

    @api.depends(
        "state",
        "quantity",
        "on_hand",
        "incoming",
        "backorder",
        "lead_days",
        "expected_demand",
        "safety_stock",
        "engine_reason_parts",
        "vendor_reason",
        "deferred_reason",
        "adjustment_note",
        "lead_receipts",
        "plan_id.review_days",
    )
    @api.depends_context("lang")
    def _compute_explanation(self):
        for line in self:
            line.short_reason = line._short_reason()
            if line.adjustment_note:
                line.short_reason += f" ({line.adjustment_note})"
            line.explanation = " ".join(_sentence(part) for part in line._explanation_parts())

    def _about(self, value):
        """A rough quantity for the short reason: whole pieces for counted goods (at least 1
        when there is any), one decimal otherwise."""
        if value <= 0:
            return formatLang(self.env, 0, digits=0)
        if self.product_uom_id._purchase_forecast_is_count_unit():
            return formatLang(self.env, max(1, round(value)), digits=0)
        return self._number(max(round(value, 1), 0.1))

    def _engine_sentence(self):
        """The engine's parts of the reason, translated, as one sentence."""
        num = self._number
        return "".join(
            self.env._(
                template,
                **{  # noqa: E8502 - the engine marks these texts with _()
                    key: num(value) if isinstance(value, (int, float)) else value
                    for key, value in (params or {}).items()
                },
            )
            for template, params in self.engine_reason_parts or []
        )

    def _short_reason(self):
        """E.g. 'Order 2: about 1 needed in the next 30 days, none in stock'."""
        if self.state == "no_forecast":
            return self._engine_sentence()
        days = max(1, round(self.lead_days + self.plan_id.review_days))
        position = self.on_hand + self.incoming - self.backorder
        if position <= 0:
            stock = self.env._("none in stock")
        else:
            stock = self.env._("%(position)s in stock or on order", position=self._number(position))
        if self.expected_demand <= 0 and self.quantity <= 0:
            return self.env._(
                "Nothing to order: no demand expected in the next %(days)s days", days=days
            )
        if self.quantity <= 0:
            return self.env._(
                "Nothing to order: about %(need)s needed in the next %(days)s days, %(stock)s",
                need=self._about(self.expected_demand),
                days=days,
                stock=stock,
            )
        if self.expected_demand <= 0:
            return self.env._(
                "Order %(quantity)s: no demand expected, but %(owed)s owed to deliveries",
                quantity=self._number(self.quantity),
                owed=self._number(self.backorder),
            )
        return self.env._(
            "Order %(quantity)s: about %(need)s needed in the next %(days)s days, %(stock)s",
            quantity=self._number(self.quantity),
            need=self._about(self.expected_demand),
            days=days,
            stock=stock,
        )

    def _number(self, value):
        """A quantity in the user's format, with no more decimals than it has (at most 2)."""
        digits = next((d for d in (0, 1) if abs(round(value, d) - value) < 1e-9), 2)
        return formatLang(self.env, value, digits=digits)

    def _explanation_parts(self):
        """The derivation, one sentence per part, e.g. '12 on hand, 0 incoming', 'demand over
        21 days of lead time and 30 days of review: 18 expected', then the engine's sentence
        ('Order 20, rounded up to a multiple of 10: ...'), the vendor and the budget."""
        num = self._number
        parts = [
            self.env._(
                "%(on_hand)s on hand, %(incoming)s incoming",
                on_hand=num(self.on_hand),
                incoming=num(self.incoming),
            )
        ]
        if self.backorder:
            parts.append(self.env._("%(owed)s owed to deliveries", owed=num(self.backorder)))
        parts.append(
            self.env._(
                "demand over %(lead)s days of lead time and %(review)s days of review: "
                "%(expected)s expected",
                lead=formatLang(self.env, self.lead_days, digits=0),
                review=self.plan_id.review_days,
                expected=num(self.expected_demand),
            )
        )
        if self.lead_receipts:
            parts.append(
                self.env._(
                    "lead time learnt from %(count)s receipts: %(days)s ± %(spread)s days",
                    count=self.lead_receipts,
                    days=formatLang(self.env, self.lead_days, digits=0),
                    spread=formatLang(self.env, self.lead_days_std, digits=0),
                )
            )
        # the engine's parts make one sentence together
        engine = self._engine_sentence()
        if engine:
            parts.append(engine)
        if self.adjustment_note:
            parts.append(
                self.env._("Forecast adjusted: %(adjustments)s", adjustments=self.adjustment_note)
            )
        if self.vendor_reason:
            parts.append(self.vendor_reason)
        if self.state == "deferred" and self.deferred_reason:
            parts.append(self.deferred_reason)
        return parts

    # ------------------------------------------------------------------ actions

    def action_defer(self):
        self.filtered(lambda ln: ln.state in ("order", "no_vendor")).write({"state": "deferred"})
        return True

    def action_include(self):
        """Order the line again; without a vendor it waits for one."""
        lines = self.filtered(lambda ln: ln.state not in ("order", "no_vendor") and ln.quantity > 0)
        lines.filtered("vendor_id").write({"state": "order", "deferred_reason": False})
        lines.filtered(lambda ln: not ln.vendor_id).write(
            {"state": "no_vendor", "deferred_reason": False}
        )
        return True

    # ------------------------------------------------------------------ RFQ lines

    def _sync_order_lines(self, order):
        """Make `order` hold exactly these plan lines: update a product's line, add the
        missing ones, remove the plan's lines for products it no longer orders."""
        plan = self.plan_id
        existing = {
            line.product_id: line for line in order.order_line if line.purchase_plan_id == plan
        }
        to_create = []
        for line in self:
            values = line._order_line_values(order)
            order_line = existing.pop(line.product_id, None)
            if order_line:
                order_line.write(values)
            else:
                to_create.append({**values, "order_id": order.id, "product_id": line.product_id.id})
        if to_create:
            self.env["purchase.order.line"].create(to_create)
        for stale in existing.values():
            stale.unlink()

    def _order_line_values(self, order):
        values = {
            "product_qty": self.quantity,
            "product_uom_id": self.product_id.uom_id.id,
            "purchase_plan_id": self.plan_id.id,
            "date_planned": fields.Datetime.now() + relativedelta(days=round(self.lead_days)),
        }
        price = self.company_id.currency_id._convert(
            self.price_unit, order.currency_id, self.company_id, fields.Date.context_today(self)
        )
        values["price_unit"] = price
        return values

    # ------------------------------------------------------------------ reordering rules

    def _update_orderpoints(self):
        """Write each line's reorder point and order-up-to level into the product's reordering
        rule of the plan's warehouse (created as manual when missing)."""
        Orderpoint = self.env["stock.warehouse.orderpoint"].sudo()
        lines = self.filtered(lambda ln: ln.product_id.is_storable)
        if not lines:
            return
        # one search for the rules of every line, not one per product
        existing = {}
        for rule in Orderpoint.search(
            [
                ("product_id", "in", lines.product_id.ids),
                ("location_id", "in", lines.plan_id.warehouse_id.lot_stock_id.ids),
            ],
            order="id desc",
        ):
            existing[rule.product_id, rule.warehouse_id, rule.location_id] = rule
        to_create = {}
        for line in lines:
            warehouse = line.plan_id.warehouse_id
            rounding = line.product_id.uom_id.rounding
            minimum = float_round(line.reorder_point, precision_rounding=rounding)
            maximum = float_round(
                max(line.order_up_to, line.reorder_point), precision_rounding=rounding
            )
            values = {"product_min_qty": minimum, "product_max_qty": maximum}
            key = (line.product_id, warehouse, warehouse.lot_stock_id)
            if rule := existing.get(key):
                rule.write(values)
            else:
                to_create[key] = {
                    **values,
                    "product_id": line.product_id.id,
                    "warehouse_id": warehouse.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "company_id": line.company_id.id,
                    "trigger": "manual",
                }
        Orderpoint.create(list(to_create.values()))

    # ------------------------------------------------------------------ values from a plan

    @api.model
    def _facts_values(self, plan, product, stock, vendor, lead):
        """What every line states whatever it orders: product, vendor, stock, lead time."""
        return {
            "plan_id": plan.id,
            "company_id": plan.company_id.id,
            "categ_id": product.categ_id.id,
            "product_id": product.id,
            "vendor_id": vendor["partner"].id,
            "supplierinfo_id": vendor["seller"].id,
            "vendor_reason": vendor["reason"],
            "on_hand": stock["on_hand"],
            "incoming": stock["incoming"],
            "outgoing": stock["outgoing"],
            "backorder": stock["backorder"],
            "lead_days": lead["days"],
            "lead_days_std": lead["std"],
            "lead_receipts": lead["receipts"],
        }

    @api.model
    def _no_forecast_values(self, plan, product, stock, vendor, lead, reason):
        """A line that orders nothing because the published forecast cannot tell the demand."""
        template, params = reason
        return {
            **self._facts_values(plan, product, stock, vendor, lead),
            "moq": vendor["moq"] or 0.0,
            "multiple": vendor["multiple"] or 0.0,
            "price_unit": vendor["price"],
            "quantity": 0.0,
            "suggested_quantity": 0.0,
            "subtotal": 0.0,
            "priority": 0.0,
            "engine_reason": template % params,
            "engine_reason_parts": [[template, params]],
            "state": "no_forecast",
        }

    @api.model
    def _values_from_advice(
        self, plan, product, i, advice, stock, vendor, lead, abc, risk, notes=()
    ):
        """A line ordering what the engine advised for row ``i``, with its stored figures."""
        quantity = float(advice.quantity[i])
        price = vendor["price"]
        return {
            **self._facts_values(plan, product, stock, vendor, lead),
            "expected_demand": float(advice.expected_demand[i]),
            "safety_stock": float(advice.safety_stock[i]),
            "fill_rate": 100.0 * float(advice.fill_rate[i]),
            "reorder_point": float(advice.reorder_point[i]),
            "order_up_to": float(advice.order_up_to[i]),
            "suggested_quantity": quantity,
            "quantity": quantity,
            "moq": vendor["moq"] or 0.0,
            "multiple": vendor["multiple"] or 0.0,
            "price_unit": price,
            "abc_class": abc,
            "stockout_risk": risk,
            # stored computations, done here as the rows are bulk-inserted
            "subtotal": quantity * price,
            "priority": risk * ABC_WEIGHT[abc or "C"],
            "engine_reason": advice.reason[i],
            "engine_reason_parts": [list(part) for part in advice.reason_parts[i]],
            "adjustment_note": "; ".join(notes) or False,
            "state": self._initial_state(quantity, vendor["partner"]),
        }

    @api.model
    def _initial_state(self, quantity, partner):
        """To order, waiting for a vendor, or nothing to order."""
        if quantity <= 0:
            return "no_need"
        return "order" if partner else "no_vendor"
