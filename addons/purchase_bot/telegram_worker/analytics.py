"""Purchase analytics: purchases by period as a chart, the top purchases as XLSX."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import datetime as dt

from . import charts, exports, fmt
from .i18n import Money, _
from .ui import BACK, MENU, Turn

GRANULARITIES = {"y": "year", "q": "quarter", "m": "month"}
MEASURES = {"c": "count", "a": "amount"}
# Odoo's extractor takes a "(" right after a _() call for another _() call: keep keys
# of these tables plain strings, never tuples, or "y" and "m" end up in the .pot
ANALYTICS_TITLES = {
    "y:c": _("Purchases by year: number of orders"),
    "y:a": _("Purchases by year: amount"),
    "q:c": _("Purchases by quarter: number of orders"),
    "q:a": _("Purchases by quarter: amount"),
    "m:c": _("Purchases by month: number of orders"),
    "m:a": _("Purchases by month: amount"),
}


class AnalyticsScreens:
    """Conversation screens about analytics (a mixin of :class:`Conversation`)."""

    # analytics
    async def analytics_menu(self, turn: Turn) -> None:
        rows = [
            [(_("By year: orders"), "ac:y:c"), (_("By year: amount"), "ac:y:a")],
            [(_("By quarter: orders"), "ac:q:c"), (_("By quarter: amount"), "ac:q:a")],
            [(_("By month: orders"), "ac:m:c"), (_("By month: amount"), "ac:m:a")],
            [(_("🏆 Top 20 purchases (XLSX)"), "at")],
            [(BACK, "m")],
        ]
        await turn.show(_("Purchase analytics: what would you like to see?"), rows)

    async def analytics_chart(self, turn: Turn, rest: str = "") -> None:
        granularity, _sep, measure = rest.partition(":")
        if granularity not in GRANULARITIES or measure not in MEASURES:
            await self.analytics_menu(turn)
            return
        today = dt.date.today()
        date_from = {
            "m": dt.date(today.year - 2, today.month, 1),
            "q": dt.date(today.year - 5, 1, 1),
            "y": None,
        }[granularity]
        answer = await self.call(
            turn,
            "purchase_analytics",
            granularity=GRANULARITIES[granularity],
            measure=MEASURES[measure],
            date_from=date_from.isoformat() if date_from else None,
        )
        rows = answer.get("rows") or []
        back = [[(BACK, "an"), (MENU, "m")]]
        if not rows:
            await turn.show(_("No confirmed purchases in this period."), back)
            return
        currency = answer.get("currency") or ""
        key = "count" if measure == "c" else "amount"
        labels = [str(row.get("label") or fmt.date(row.get("period"), turn.lang)) for row in rows]
        values = [float(row.get(key) or 0) for row in rows]
        title = turn.t(ANALYTICS_TITLES[f"{granularity}:{measure}"])
        ylabel = (
            turn.t(_("Orders"))
            if measure == "c"
            else turn.t(_("Amount, %(currency)s", currency=currency))
        )
        await turn.answer()
        png = await charts.render(charts.bar_chart, labels, values, turn.lang, title, ylabel)
        total = sum(values)
        caption = turn.lines(
            title,
            _("Total: %(total)s", total=Money(total, currency) if measure == "a" else int(total)),
        )
        if png:
            await turn.photo(png, caption, back)
            return
        # no chart: the numbers themselves
        shown = [Money(v, currency) if measure == "a" else int(v) for v in values]
        table = [f"{label}: {turn.t(value)}" for label, value in zip(labels, shown, strict=True)]
        await turn.show(turn.lines(caption, "", *table), back)

    async def analytics_top(self, turn: Turn) -> None:
        answer = await self.call(turn, "top_purchases", limit=20)
        rows = answer.get("rows") or []
        back = [[(BACK, "an"), (MENU, "m")]]
        if not rows:
            await turn.show(_("No confirmed purchases in this period."), back)
            return
        currency = answer.get("currency") or ""
        columns = [
            exports.Column(turn.t(_("Date")), "date", "date", 12),
            exports.Column(turn.t(_("Order")), "order", "text", 14),
            exports.Column(turn.t(_("Vendor")), "vendor", "text", 32),
            exports.Column(turn.t(_("Product")), "product", "text", 40),
            exports.Column(turn.t(_("Quantity")), "quantity", "quantity", 12),
            exports.Column(
                turn.t(_("Amount, %(currency)s", currency=currency)), "amount", "money", 18
            ),
        ]
        data = exports.xlsx(turn.t(_("Top purchases")), columns, rows, turn.lang)
        await turn.answer()
        await turn.document(
            data,
            "top_purchases.xlsx",
            _("Top %(count)s purchases by amount", count=len(rows)),
            back,
        )
