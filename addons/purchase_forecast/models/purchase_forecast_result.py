import numpy as np

from odoo import api, fields, models
from odoo.tools import formatLang

from ..forecast_engine.labels import METHOD_LABELS

DEMAND_CLASSES = [
    ("smooth", "Smooth"),
    ("erratic", "Erratic"),
    ("intermittent", "Intermittent"),
    ("lumpy", "Lumpy"),
    ("new", "New"),
    ("inactive", "Inactive"),
]
BAND_LOW, BAND_HIGH = 0.1, 0.9  # the band users see around a forecast: 80% of outcomes
ABC_SELECTION = [("A", "A"), ("B", "B"), ("C", "C")]
ABC_SHARES = (("A", 0.80), ("B", 0.95))  # cumulative share of history value
XYZ_LIMITS = (("X", 0.5), ("Y", 1.0))  # coefficient of variation of period demand


class PurchaseForecastResult(models.Model):
    """What a run learnt about one product: its demand pattern, method, accuracy and totals."""

    _name = "purchase.forecast.result"
    _description = "Forecast Result per Product"
    _order = "run_id desc, history_value desc, id"
    _rec_name = "product_id"

    run_id = fields.Many2one(
        "purchase.forecast.run", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    period = fields.Selection(related="run_id.period")
    measure = fields.Selection(related="run_id.measure")
    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True, string="Product Template"
    )
    categ_id = fields.Many2one(
        related="product_id.categ_id", store=True, index=True, string="Product Category"
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    failed = fields.Boolean(readonly=True, index=True)
    error = fields.Text(readonly=True)

    method = fields.Selection(
        [(key, label) for key, label in METHOD_LABELS.items()],
        readonly=True,
        help="Forecasting method the engine chose.",
    )
    demand_class = fields.Selection(DEMAND_CLASSES, readonly=True, index=True)
    backtest_error = fields.Float(
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Error of the chosen method when replaying the past, relative to the naive "
        "forecast (1.0 = as good as repeating the last value; lower is better).",
    )
    adi = fields.Float(
        string="Average Interval",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Average number of periods between two periods with demand.",
    )
    cv2 = fields.Float(string="CV²", readonly=True, digits=(16, 2), aggregator="avg")
    demand_size = fields.Float(
        string="Average Demand Size", readonly=True, digits="Product Unit", aggregator="avg"
    )
    history_periods = fields.Integer(readonly=True, aggregator="avg")
    history_total = fields.Float(readonly=True, digits="Product Unit")
    history_value = fields.Float(
        readonly=True, digits=(16, 2), help="Value of the demand history, for ABC ranking."
    )
    history_json = fields.Json(readonly=True)
    forecast_state = fields.Json(
        readonly=True,
        prefetch=False,
        help="The fitted model of the product (forecast_engine.state): plans, the product card "
        "and the digest simulate its demand from it instead of fitting again.",
    )
    variability = fields.Float(
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Coefficient of variation of demand per period.",
    )
    abc_class = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C")],
        string="ABC",
        readonly=True,
        index=True,
        help="A: the products making 80% of the demand value, B: the next 15%, C: the rest.",
    )
    xyz_class = fields.Selection(
        [("X", "X"), ("Y", "Y"), ("Z", "Z")],
        string="XYZ",
        compute="_compute_xyz_class",
        store=True,
        index=True,
        help="X: steady demand (variation below 0.5), Y: variable (below 1.0), Z: erratic.",
    )
    stockout_periods = fields.Integer(
        readonly=True, help="Periods with no stock at all, excluded from the history."
    )
    censored_periods = fields.Integer(
        string="Periods Partly Without Stock",
        readonly=True,
        help="Periods in stock only part of the time: their demand is estimated from the "
        "days in stock (sales / share of the days).",
    )
    stockout = fields.Boolean(compute="_compute_stockout", store=True, index=True)
    total_mean = fields.Float(string="Expected over Horizon", readonly=True, digits="Product Unit")
    total_low = fields.Float(string="Low over Horizon", readonly=True, digits="Product Unit")
    total_median = fields.Float(readonly=True, digits="Product Unit")
    total_high = fields.Float(string="High over Horizon", readonly=True, digits="Product Unit")
    total_service = fields.Float(
        string="At Service Level over Horizon", readonly=True, digits="Product Unit"
    )
    explanation = fields.Char(compute="_compute_explanation")

    _run_product_idx = models.Index("(run_id, product_id)")

    def _demand_over_days(self, spans, quantiles=(0.1, 0.9)):
        """{name: {"mean", "low", "high"} or None} of this product's demand over each span of
        days from the start of the run's first period, simulated from the stored model
        (no fitting); None where the span reaches beyond what the run stores."""
        from ..forecast_engine.periods import PERIOD_DAYS
        from ..forecast_engine.state import cover_totals

        self.ensure_one()
        if not self.forecast_state:
            return dict.fromkeys(spans)
        days = PERIOD_DAYS[self.period]
        names = list(spans)
        # as the forecast lines and plans read it: with people's adjustments
        states, _notes = self.run_id._adjusted_states(self.product_id)
        totals = cover_totals(
            states[self.product_id.id], [spans[name] / days for name in names], quantiles
        )
        low, high = quantiles
        return {
            name: None
            if total is None
            else {
                "mean": round(total["mean"], 3),
                "low": round(total["quantiles"][low], 3),
                "high": round(total["quantiles"][high], 3),
            }
            for name, total in zip(names, totals, strict=True)
        }

    @api.depends("variability", "failed")
    def _compute_xyz_class(self):
        for result in self:
            result.xyz_class = False
            if result.failed:
                continue
            result.xyz_class = next(
                (label for label, limit in XYZ_LIMITS if result.variability < limit), "Z"
            )

    @api.depends("stockout_periods")
    def _compute_stockout(self):
        for result in self:
            result.stockout = result.stockout_periods > 0

    def _assign_abc(self):
        """Rank these results by history value: A makes 80% of it, B the next 15%, C the rest."""
        ranked = self.filtered(lambda r: not r.failed).sorted("history_value", reverse=True)
        total = sum(ranked.mapped("history_value"))
        running = 0.0
        by_class = {"A": [], "B": [], "C": []}
        for result in ranked:
            share_before = running / total if total else 1.0
            running += result.history_value
            label = next((name for name, limit in ABC_SHARES if share_before < limit), "C")
            by_class[label].append(result.id)
        for label, ids in by_class.items():
            self.browse(ids).write({"abc_class": label})

    def _period_words(self, count):
        singular, plural = {
            "week": (self.env._("week"), self.env._("weeks")),
            "month": (self.env._("month"), self.env._("months")),
            "quarter": (self.env._("quarter"), self.env._("quarters")),
        }[self.period or "month"]
        return singular if round(count, 1) == 1 else plural

    def _per_period(self):
        """'per month': a rate, worded whole (languages decline the period after 'per')."""
        return {
            "week": self.env._("per week"),
            "month": self.env._("per month"),
            "quarter": self.env._("per quarter"),
        }[self.period or "month"]

    def _method_label(self):
        labels = {
            "naive": self.env._("the last value"),
            "seasonal_naive": self.env._("the same period last season"),
            "mean": self.env._("the historic mean"),
            "historic_mean": self.env._("the historic mean"),
            "recent_mean": self.env._("the recent mean"),
            "ses": self.env._("simple exponential smoothing"),
            "holt": self.env._("Holt's damped trend"),
            "holt_damped": self.env._("Holt's damped trend"),
            "holt_winters": self.env._("Holt-Winters seasonal smoothing"),
            "ets": self.env._("seasonal exponential smoothing (ETS)"),
            "theta": self.env._("the Theta method"),
            "croston": self.env._("Croston's method"),
            "sba": self.env._("Croston's method with the SBA correction"),
            "tsb": self.env._("TSB"),
            "adida": self.env._("temporal aggregation (ADIDA)"),
            "imapa": self.env._("multiple temporal aggregation (IMAPA)"),
            "comb_smooth": self.env._("a combination of Theta and damped trend"),
            "comb_erratic": self.env._(
                "a combination of exponential smoothing and the historic mean"
            ),
            "comb_intermittent": self.env._("a combination of SBA, TSB and the historic mean"),
            "zero": self.env._("no demand"),
        }
        method = (self.method or "").lower()
        return labels.get(method, self.method or "")

    @api.depends("demand_class", "adi", "demand_size", "method", "backtest_error", "failed")
    @api.depends_context("lang")
    def _compute_explanation(self):
        for result in self:
            result.explanation = result._explain()

    def _explain(self):
        """The forecast in plain words, e.g. 'intermittent: about one order every 3 months of
        ~12 units; forecast by TSB; backtest error 0.8 of the naive forecast'."""
        if self.failed:
            return self.env._("Not forecast: %(error)s", error=self.error or "")
        uom = self.uom_id.name if self.measure == "quantity" else self.company_id.currency_id.name
        size = formatLang(self.env, self.demand_size, digits=1)
        klass = dict(self._fields["demand_class"]._description_selection(self.env)).get(
            self.demand_class, ""
        )
        if self.demand_class in ("intermittent", "lumpy"):
            interval = formatLang(self.env, self.adi, digits=1)
            pattern = self.env._(
                "%(klass)s: about one order every %(interval)s %(unit)s of ~%(size)s %(uom)s",
                klass=klass,
                interval=interval,
                unit=self._period_words(self.adi),
                size=size,
                uom=uom,
            )
        elif self.demand_class == "new":
            pattern = self.env._(
                "%(klass)s: only %(count)s %(unit)s of history",
                klass=klass,
                count=self.history_periods,
                unit=self._period_words(self.history_periods),
            )
        elif self.demand_class == "inactive":
            pattern = self.env._("%(klass)s: no recent demand", klass=klass)
        else:
            pattern = self.env._(
                "%(klass)s: about %(size)s %(uom)s %(per_period)s",
                klass=klass,
                size=size,
                uom=uom,
                per_period=self._per_period(),
            )
        parts = [pattern, self.env._("forecast by %(method)s", method=self._method_label())]
        # new and inactive items have no backtest to speak of (the engine reports 1.0 / 0.0)
        if self.backtest_error and self.demand_class not in ("new", "inactive"):
            parts.append(
                self.env._(
                    "backtest error %(error)s of the naive forecast",
                    error=formatLang(self.env, self.backtest_error, digits=2),
                )
            )
        if self.stockout_periods:
            parts.append(
                self.env._(
                    "%(count)s %(unit)s without stock left out of the history",
                    count=self.stockout_periods,
                    unit=self._period_words(self.stockout_periods),
                )
            )
        if self.censored_periods:
            parts.append(
                self.env._(
                    "%(count)s %(unit)s partly without stock estimated from the days in stock",
                    count=self.censored_periods,
                    unit=self._period_words(self.censored_periods),
                )
            )
        return "; ".join(parts)

    # ------------------------------------------------------------------ from the engine

    @api.model
    def _history_of(self, panel, row):
        """The history the run saw, for the product's graph (null = unknown or not yet sold)."""
        values = panel.values[row]
        return {
            "dates": [str(start) for start in panel.starts],
            "values": [None if np.isnan(v) else round(float(v), 4) for v in values],
            "stockout": [
                str(start)
                for start, out in zip(panel.starts, panel.stockout[row], strict=True)
                if out
            ],
            "censored": [
                str(start)
                for start, cut in zip(panel.starts, panel.censored[row], strict=True)
                if cut
            ],
        }

    @api.model
    def _values_from_forecast(self, run, product_id, history, stockout, forecast, index, price):
        """A result's values from the engine's forecast of one product (row ``index``) and
        the history the run saw."""
        known = history[~np.isnan(history)]
        total_history = float(known.sum()) if known.size else 0.0
        value = total_history * price if run.measure == "quantity" else total_history
        mean = float(known.mean()) if known.size else 0.0
        std = float(known.std()) if known.size > 1 else 0.0
        service = round(run.service_level / 100.0, 4)
        return {
            "run_id": run.id,
            "product_id": product_id,
            "method": str(forecast.method[index]),
            "demand_class": str(forecast.demand_class[index]),
            "backtest_error": float(forecast.backtest_error[index]),
            "adi": float(forecast.adi[index]),
            "cv2": float(forecast.cv2[index]),
            "demand_size": float(forecast.demand_size[index]),
            "history_periods": int(forecast.n_periods[index]),
            "history_total": total_history,
            "history_value": value,
            "variability": std / mean if mean > 0 else 0.0,
            "stockout_periods": int(stockout.sum()),
            "total_mean": float(forecast.mean[index].sum()),
            "total_low": float(forecast.total_quantiles[BAND_LOW][index]),
            "total_median": float(forecast.total_quantiles[0.5][index]),
            "total_high": float(forecast.total_quantiles[BAND_HIGH][index]),
            "total_service": float(forecast.total_quantiles[service][index]),
        }
