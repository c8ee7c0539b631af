import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, float_round

from ..forecast_engine import adjustment as engine
from ..forecast_engine.periods import add_periods

TARGETS = [("product", "Product"), ("category", "Product Category"), ("vendor", "Vendor")]
KINDS = [("percent", "Change by %"), ("quantity", "New quantity per period")]
QUANTILE_COLUMNS = ("quantity_low", "quantity_median", "quantity_high", "quantity_service")
STATISTICAL = {"quantity": "statistical_quantity"} | {
    column: f"statistical_{column.removeprefix('quantity_')}" for column in QUANTILE_COLUMNS
}


class PurchaseForecastAdjustment(models.Model):
    """A person's change to the forecast of a product, a category or a vendor's products for
    some periods ("new clinic from March: +30% on medical consumables for 6 months").

    Adjustments are kept apart from the runs: every run of the company applies the active ones
    to its periods still ahead, so they survive the next run; periods that have begun keep the
    forecast they had, which is what Forecast vs Actual scores.
    """

    _name = "purchase.forecast.adjustment"
    _inherit = ["mail.thread"]
    _description = "Forecast Adjustment"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Adjusted By",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    target = fields.Selection(TARGETS, required=True, default="product", tracking=True)
    product_id = fields.Many2one("product.product", check_company=True, index=True, tracking=True)
    categ_id = fields.Many2one("product.category", string="Product Category", tracking=True)
    partner_id = fields.Many2one("res.partner", string="Vendor", check_company=True, tracking=True)
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    kind = fields.Selection(KINDS, string="Change", required=True, default="percent", tracking=True)
    value = fields.Float(
        required=True,
        digits=(16, 2),
        tracking=True,
        help="The percentage (+30 = 30% more, -50 = half) or the new expected quantity per period.",
    )
    reason = fields.Char(required=True, tracking=True)
    line_count = fields.Integer(string="Periods Adjusted", compute="_compute_effect")
    forecast_before = fields.Float(
        string="Statistical Forecast",
        compute="_compute_effect",
        digits="Product Unit",
        help="What the current forecast expected over these periods before any adjustment.",
    )
    forecast_after = fields.Float(
        string="Adjusted Forecast",
        compute="_compute_effect",
        digits="Product Unit",
        help="What the current forecast expects over these periods with the adjustments.",
    )

    _value_sensible = models.Constraint(
        "CHECK ((kind != 'quantity' OR value >= 0) AND (kind != 'percent' OR value >= -100))",
        "A quantity cannot be negative, and a forecast cannot fall by more than 100%.",
    )

    @api.depends("kind", "value", "reason")
    def _compute_name(self):
        for adjustment in self:
            adjustment.name = adjustment._change_label()

    def _change_label(self):
        self.ensure_one()
        if self.kind == "quantity":
            change = f"= {float_round(self.value, 2):g}"
        else:
            change = f"{self.value:+g}%"
        return f"{change}: {self.reason or ''}".strip()

    def _note(self):
        """How a plan line or a forecast line names this adjustment."""
        return self.env._("%(change)s, by %(author)s", change=self.name, author=self.user_id.name)

    # ------------------------------------------------------------------ checks

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for adjustment in self:
            if adjustment.date_to < adjustment.date_from:
                raise ValidationError(self.env._("An adjustment must end after it starts."))

    @api.constrains("target", "product_id", "categ_id", "partner_id", "kind")
    def _check_target(self):
        for adjustment in self:
            needed = {
                "product": adjustment.product_id,
                "category": adjustment.categ_id,
                "vendor": adjustment.partner_id,
            }[adjustment.target]
            if not needed:
                raise ValidationError(
                    self.env._("Choose the product, category or vendor the adjustment is for.")
                )
            if adjustment.kind == "quantity" and adjustment.target != "product":
                raise ValidationError(
                    self.env._(
                        "A new quantity is set per product; adjust a category or a vendor "
                        "by a percentage."
                    )
                )

    def _check_rights(self, vals):
        """A Forecast User adjusts products under their own name; a Forecast Manager may also
        adjust a whole category or vendor and edit anybody's adjustments."""
        if self.env.is_superuser() or self.env.user.has_group(
            "purchase_forecast.group_forecast_manager"
        ):
            return
        if not self.env.user.has_group("purchase_forecast.group_forecast_user"):
            raise AccessError(self.env._("Only forecast users may adjust forecasts."))
        if vals.get("target", "product") != "product":
            raise AccessError(
                self.env._("Only a Forecast Manager may adjust a whole category or vendor.")
            )
        if vals.get("user_id", self.env.uid) != self.env.uid:
            raise AccessError(self.env._("You can only adjust forecasts under your own name."))

    def _check_ahead(self):
        today = fields.Date.context_today(self)
        for adjustment in self:
            if adjustment.active and adjustment.date_to < today:
                raise ValidationError(
                    self.env._(
                        "The periods of this adjustment are over: only forecasts of periods "
                        "still ahead can be adjusted."
                    )
                )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_rights(vals)
        adjustments = super().create(vals_list)
        adjustments._check_ahead()
        adjustments._reapply_own()
        for adjustment in adjustments:
            adjustment.message_post(body=adjustment._effect_message())
        return adjustments

    def write(self, vals):
        if vals.keys() - {"message_main_attachment_id"}:
            for adjustment in self:
                adjustment._check_rights(
                    {"target": adjustment.target, "user_id": adjustment.user_id.id, **vals}
                )
        effect = bool(vals.keys() & set(self._effect_fields()))
        before = self._covered() if effect else {}
        result = super().write(vals)
        if effect:
            self._check_ahead()
            self._reapply_own(before)
        return result

    def unlink(self):
        for adjustment in self:
            adjustment._check_rights({"target": adjustment.target})
        before = self._covered()
        result = super().unlink()
        self.browse()._reapply_own(before)
        return result

    @api.model
    def _effect_fields(self):
        return (
            "active",
            "target",
            "product_id",
            "categ_id",
            "partner_id",
            "date_from",
            "date_to",
            "kind",
            "value",
            "reason",
            "user_id",
            "company_id",
        )

    @api.model
    def _action_new(self, defaults):
        """The form of a new adjustment in a dialog, filled with `defaults`."""
        if not self.env.user.has_group("purchase_forecast.group_forecast_user"):
            raise AccessError(self.env._("Only forecast users may adjust forecasts."))
        today = fields.Date.context_today(self)
        start = add_periods(today, "month", 1)
        context = {
            "default_date_from": start,
            "default_date_to": add_periods(start, "month", 3) - dt.timedelta(days=1),
        }
        context.update({f"default_{name}": value for name, value in defaults.items()})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Forecast"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    # ------------------------------------------------------------------ what it covers

    def _product_domain(self):
        self.ensure_one()
        if self.target == "product":
            return Domain("id", "=", self.product_id.id)
        if self.target == "category":
            return Domain("categ_id", "child_of", self.categ_id.id)
        return Domain("product_tmpl_id.seller_ids.partner_id", "=", self.partner_id.id)

    def _covered(self):
        """{company: products} these adjustments cover."""
        covered = {}
        for adjustment in self:
            company = adjustment.company_id
            covered[company] = covered.get(company, self.env["product.product"]) | (
                adjustment._products()
            )
        return covered

    def _reapply_own(self, before=None):
        """Bring the forecast lines of the products these adjustments cover now, and of
        those they covered `before` a change, up to date."""
        covered = dict(before or {})
        for company, products in self._covered().items():
            covered[company] = covered.get(company, products) | products
        for company, products in covered.items():
            self._reapply(products, company)

    def _products(self):
        """The products these adjustments cover (archived ones too: their lines still count)."""
        Product = self.env["product.product"].with_context(active_test=False)
        products = Product
        for adjustment in self:
            products |= Product.search(adjustment._product_domain())
        return products

    def _change(self):
        self.ensure_one()
        return engine.Change(self.date_from, self.date_to, self.kind, self.value, self._note())

    @api.depends("date_from", "date_to", "product_id", "categ_id", "partner_id", "target")
    def _compute_effect(self):
        for adjustment in self:
            if not (adjustment.id and adjustment.date_from and adjustment.date_to):
                adjustment.line_count = 0
                adjustment.forecast_before = adjustment.forecast_after = 0.0
                continue
            lines = adjustment._current_lines()
            adjustment.line_count = len(lines)
            adjustment.forecast_before = sum(
                line.statistical_quantity if line.adjusted else line.quantity for line in lines
            )
            adjustment.forecast_after = sum(lines.mapped("quantity"))

    def _current_lines_domain(self):
        """The current forecast's lines whose periods meet this adjustment's range."""
        self.ensure_one()
        products = self._products()
        domain = Domain(
            [
                ("company_id", "=", self.company_id.id),
                ("is_current", "=", True),
                ("product_id", "in", products.ids),
                ("date", "<=", self.date_to),
                # no period is longer than a quarter: the rest is filtered by overlap
                ("date", ">", self.date_from - dt.timedelta(days=93)),
            ]
        )
        if self.kind == "quantity":
            domain &= Domain("measure", "=", "quantity")
        return domain

    def _current_lines(self):
        self.ensure_one()
        change = self._change()
        return (
            self.env["purchase.forecast.line"]
            .search(self._current_lines_domain())
            .filtered(
                lambda line: (
                    engine.overlap_share(line.date, add_periods(line.date, line.period, 1), change)
                    > 0
                )
            )
        )

    def _effect_message(self):
        self.ensure_one()
        return self.env._(
            "Current forecast over %(count)s periods: %(before)s → %(after)s.",
            count=self.line_count,
            before=f"{self.forecast_before:g}",
            after=f"{self.forecast_after:g}",
        )

    # ------------------------------------------------------------------ applying

    @api.model
    def _active_changes(self, company):
        """{product id: [engine Change]} of the company's active adjustments, oldest first,
        and their measures ({adjustment kind: measures it applies to})."""
        adjustments = self.search(
            [("company_id", "=", company.id), ("active", "=", True)], order="create_date, id"
        )
        changes = {}
        for adjustment in adjustments:
            change = adjustment._change()
            for product in adjustment._products():
                changes.setdefault(product.id, []).append((adjustment, change))
        return changes

    @api.model
    def _reapply(self, products, company, run=None):
        """Recompute, from the statistical forecast and the active adjustments, the lines of
        `products` (of `run`, else of every run of `company`) whose periods are still ahead.
        Private: called on every change of an adjustment and when a run finishes."""
        if not products:
            return
        changes = self._active_changes(company)
        rows = self._future_lines(company, products, run)
        updates = [self._line_update(row, changes.get(row["product_id"], [])) for row in rows]
        self._write_lines([update for update in updates if update])

    @api.model
    def _apply_to_run(self, run):
        """A finished run's periods ahead get the company's active adjustments."""
        adjustments = self.search([("company_id", "=", run.company_id.id), ("active", "=", True)])
        self._reapply(adjustments._products(), run.company_id, run)

    @api.model
    def _future_lines(self, company, products, run):
        today = fields.Date.context_today(self)
        run_filter = SQL("AND line.run_id = %s", run.id) if run else SQL()
        columns = SQL(", ").join(
            SQL("line.%s", SQL.identifier(name)) for name in ("quantity", *QUANTILE_COLUMNS)
        )
        stats = SQL(", ").join(
            SQL("line.%s", SQL.identifier(name)) for name in STATISTICAL.values()
        )
        self.env["purchase.forecast.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT line.id, line.product_id, line.date, line.adjusted, run.period,
                       run.measure, %(columns)s, %(stats)s
                  FROM purchase_forecast_line AS line
                  JOIN purchase_forecast_run AS run ON run.id = line.run_id
                 WHERE line.company_id = %(company)s
                   AND line.product_id IN %(products)s
                   AND line.date >= %(today)s
                   %(run_filter)s
                """,
                columns=columns,
                stats=stats,
                company=company.id,
                products=tuple(products.ids),
                today=today,
                run_filter=run_filter,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _line_update(self, row, changes):
        """The values a line gets, or None when it is already right (not adjusted, nothing
        applies)."""
        stat = {
            name: row[STATISTICAL[name]] if row["adjusted"] else row[name]
            for name in ("quantity", *QUANTILE_COLUMNS)
        }
        applicable = [
            (adjustment, change)
            for adjustment, change in changes
            if change.kind == "percent" or row["measure"] == "quantity"
        ]
        start = row["date"]
        end = add_periods(start, row["period"], 1)
        final, notes = engine.adjusted_mean(
            stat["quantity"], [change for _adj, change in applicable], start, end
        )
        if not notes:
            return None if not row["adjusted"] else {"id": row["id"], "adjusted": False, **stat}
        scaled = engine.scale_quantiles(
            [stat[name] for name in QUANTILE_COLUMNS], stat["quantity"], final
        )
        touched = [
            adjustment
            for adjustment, change in applicable
            if engine.overlap_share(start, end, change) > 0
        ]
        return {
            "id": row["id"],
            "adjusted": True,
            "quantity": final,
            **dict(zip(QUANTILE_COLUMNS, (float(v) for v in scaled), strict=True)),
            "stat": stat,
            "note": "; ".join(notes),
            "user_id": touched[-1].user_id.id,
        }

    @api.model
    def _write_lines(self, updates):
        if not updates:
            return
        names = ("quantity", *QUANTILE_COLUMNS)
        values = []
        for update in updates:
            adjusted = update["adjusted"]
            stat = update.get("stat", {})
            values.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, %s::float, %s::float, %s::float, %s::float,"
                    " %s::float, %s, %s::int)",
                    update["id"],
                    *(round(float(update[name]), 6) for name in names),
                    *(round(float(stat[name]), 6) if adjusted else None for name in names),
                    update.get("note") if adjusted else None,
                    update.get("user_id") if adjusted else None,
                )
            )
        self.env.cr.execute(
            SQL(
                """
                UPDATE purchase_forecast_line AS line
                   SET quantity = v.quantity,
                       quantity_low = v.low,
                       quantity_median = v.median,
                       quantity_high = v.high,
                       quantity_service = v.service,
                       statistical_quantity = v.s_quantity,
                       statistical_low = v.s_low,
                       statistical_median = v.s_median,
                       statistical_high = v.s_high,
                       statistical_service = v.s_service,
                       adjusted = v.s_quantity IS NOT NULL,
                       adjustment_note = v.note,
                       adjustment_user_id = v.user_id
                  FROM (VALUES %s) AS v(id, quantity, low, median, high, service,
                                        s_quantity, s_low, s_median, s_high, s_service,
                                        note, user_id)
                 WHERE line.id = v.id
                """,
                SQL(", ").join(values),
            )
        )
        self.env["purchase.forecast.line"].invalidate_model()

    # ------------------------------------------------------------------ what plans read

    @api.model
    def _adjust_states(self, run, states):
        """The stored forecast states {product id: state} of `run` with the company's active
        adjustments applied to their periods ahead, and {product id: [notes]} of the products
        they changed. What plans and the product card simulate, so they read the forecast
        the forecast lines show."""
        changes = self._active_changes(run.company_id)
        adjusted, notes = dict(states), {}
        today = fields.Date.context_today(self)
        for product_id, state in states.items():
            applicable = [
                change
                for _adjustment, change in changes.get(product_id, [])
                if change.kind == "percent" or run.measure == "quantity"
            ]
            if not applicable:
                continue
            final, touched = list(state["mean"]), []
            for h, value in enumerate(state["mean"]):
                start = add_periods(run.date_start, run.period, h)
                if start < today:
                    continue
                end = add_periods(start, run.period, 1)
                final[h], period_notes = engine.adjusted_mean(value, applicable, start, end)
                touched.extend(note for note in period_notes if note not in touched)
            if touched:
                adjusted[product_id] = engine.adjust_state(state, final)
                notes[product_id] = touched
        return adjusted, notes
