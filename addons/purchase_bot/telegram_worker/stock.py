"""A product's turnover statement (ОСВ) with its chart and XLSX, and its stock at a date."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

from . import charts, exports, fmt
from .i18n import Money, _
from .products import plain_name
from .ui import BACK, CANCEL, MENU, Turn, to_int

# callback codes of the statement's periods -> the gateway's words
STATEMENT_PERIODS = {"m": "month", "q": "quarter", "y": "year"}
PERIOD_BUTTONS = {"m": _("Months"), "q": _("Quarters"), "y": _("Years")}
FIGURE_LABELS = {
    "opening": _("Opening balance"),
    "receipt": _("Receipts"),
    "issue": _("Issues"),
    "closing": _("Closing balance"),
}
STOCK_PERIOD_COUNT = 6


class StockScreens:
    """Conversation screens about a product's stock over time (a mixin of Conversation)."""

    # turnover statement
    @staticmethod
    def _statement_args(rest: str) -> tuple[int | None, str]:
        product_text, _sep, code = rest.partition(":")
        return to_int(product_text), code if code in STATEMENT_PERIODS else "q"

    async def turnover(self, turn: Turn, rest: str = "") -> None:
        product_id, code = self._statement_args(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(
            turn, "turnover_statement", product_id=product_id, period=STATEMENT_PERIODS[code]
        )
        await turn.answer()
        rows = answer.get("rows") or []
        back = [(BACK, f"p:{product_id}"), (MENU, "m")]
        if not rows:
            await turn.send(_("No stock movements of this product in that time."), [back])
            return
        png = await charts.render(self._turnover_chart, turn, answer)
        if png:
            await turn.photo(png)
        switch = [
            (label, f"tv:{product_id}:{key}")
            for key, label in PERIOD_BUTTONS.items()
            if key != code
        ]
        buttons = [
            switch,
            [(_("📄 Statement (XLSX)"), f"tvx:{product_id}:{code}")],
            back,
        ]
        await turn.send(self._turnover_text(turn, answer), buttons)

    def _turnover_text(self, turn: Turn, answer: dict) -> str:
        product = answer.get("product") or {}
        total = answer.get("total") or {}
        uom, currency = product.get("uom") or "", answer.get("currency") or ""
        name = plain_name(product.get("name") or "", product.get("code") or "")
        parts: list = [
            _("📒 Turnover statement: %(product)s", product=name),
            f"{turn.t(fmt.to_date(answer.get('date_from')))} – "
            f"{turn.t(fmt.to_date(answer.get('date_to')))}",
            "",
        ]
        for key, label in FIGURE_LABELS.items():
            parts.append(
                _(
                    "%(label)s: %(quantity)s %(uom)s (%(value)s)",
                    label=label,
                    quantity=total.get(f"{key}_quantity"),
                    uom=uom,
                    value=Money(total.get(f"{key}_value"), currency),
                )
            )
        if answer.get("source") == "sheet":
            parts += ["", _("From the imported 1C turnover sheets.")]
        return turn.lines(*parts)

    def _turnover_chart(self, turn: Turn, answer: dict) -> bytes | None:
        product = answer.get("product") or {}
        rows = answer.get("rows") or []
        uom = product.get("uom") or ""
        name = plain_name(product.get("name") or "", product.get("code") or "")
        labels = {
            "closing": turn.t(FIGURE_LABELS["closing"]),
            "issues": turn.t(FIGURE_LABELS["issue"]),
            "y": turn.t(_("Quantity, %(uom)s", uom=uom)) if uom else turn.t(_("Quantity")),
        }
        return charts.turnover_chart(
            [str(row.get("label") or "") for row in rows],
            [row.get("closing_quantity") or 0.0 for row in rows],
            [row.get("issue_quantity") or 0.0 for row in rows],
            turn.lang,
            turn.t(_("Stock and issues: %(product)s", product=name)),
            labels,
        )

    async def turnover_xlsx(self, turn: Turn, rest: str = "") -> None:
        product_id, code = self._statement_args(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(
            turn, "turnover_statement", product_id=product_id, period=STATEMENT_PERIODS[code]
        )
        rows = answer.get("rows") or []
        back = [[(BACK, f"tv:{product_id}:{code}"), (MENU, "m")]]
        if not rows:
            await turn.send(_("No stock movements of this product in that time."), back)
            return
        currency = answer.get("currency") or ""
        uom = (answer.get("product") or {}).get("uom") or ""
        columns = [exports.Column(turn.t(_("Period")), "label", "text", 22)]
        columns += [
            exports.Column(turn.t(_("From")), "date_start", "date", 12),
            exports.Column(turn.t(_("To")), "date_end", "date", 12),
        ]
        for key, label in FIGURE_LABELS.items():
            columns += [
                exports.Column(
                    turn.t(_("%(label)s, %(uom)s", label=label, uom=uom)),
                    f"{key}_quantity",
                    "quantity",
                    14,
                ),
                exports.Column(
                    turn.t(_("%(label)s, %(currency)s", label=label, currency=currency)),
                    f"{key}_value",
                    "money",
                    18,
                ),
            ]
        data = exports.xlsx(turn.t(_("Turnover")), columns, rows, turn.lang)
        await turn.answer()
        await turn.document(
            data,
            exports.safe_filename(f"turnover_{product_id}", "turnover", ".xlsx"),
            _(
                "Turnover statement %(start)s – %(end)s",
                start=fmt.to_date(answer.get("date_from")),
                end=fmt.to_date(answer.get("date_to")),
            ),
            back,
        )

    # stock at a date
    async def stock_dates(self, turn: Turn, rest: str = "", day=None) -> None:
        product_id = to_int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        kwargs = {"date": day.isoformat()} if day else {}
        answer = await self.call(
            turn,
            "stock_at_dates",
            product_id=product_id,
            period="month",
            count=STOCK_PERIOD_COUNT,
            **kwargs,
        )
        await turn.answer()
        rows = [
            [(_("📅 Another date"), f"skd:{product_id}")],
            [(BACK, f"p:{product_id}"), (MENU, "m")],
        ]
        await turn.send(self._stock_text(turn, answer), rows)

    def _stock_text(self, turn: Turn, answer: dict) -> str:
        product = answer.get("product") or {}
        uom = product.get("uom") or ""
        name = plain_name(product.get("name") or "", product.get("code") or "")
        dates = answer.get("dates") or []
        warehouses = answer.get("warehouses") or []
        totals = answer.get("total") or []
        parts: list = [_("📦 Stock of %(product)s by date:", product=name)]
        for index, day in enumerate(dates):
            parts.append(
                _(
                    "%(date)s: %(quantity)s %(uom)s",
                    date=fmt.to_date(day),
                    quantity=totals[index] if index < len(totals) else None,
                    uom=uom,
                )
            )
            if len(warehouses) > 1:
                for warehouse in warehouses:
                    quantities = warehouse.get("quantities") or []
                    quantity = quantities[index] if index < len(quantities) else None
                    parts.append(f"   • {warehouse.get('name', '')}: {turn.t(quantity)}")
        return turn.lines(*parts)

    async def stock_date_prompt(self, turn: Turn, rest: str = "") -> None:
        product_id = to_int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        turn.state["pending"] = {"kind": "stock_date", "product_id": product_id}
        await turn.show(
            _("Type the date, e.g. 31.03.2026 or 2026-03-31."),
            [[(CANCEL, f"sk:{product_id}")]],
        )

    async def stock_date_input(self, turn: Turn, pending: dict, text: str) -> None:
        product_id = pending.get("product_id")
        day = fmt.parse_date(text)
        if day is None:
            await turn.send(
                _("That is not a date. Type it like 31.03.2026 or 2026-03-31."),
                [[(CANCEL, f"sk:{product_id}")]],
            )
            return
        turn.state.pop("pending", None)
        await self.stock_dates(turn, str(product_id), day=day)
