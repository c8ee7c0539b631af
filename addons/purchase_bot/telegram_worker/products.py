"""Product search, the product card (chart, forecast, suggestion) and its last purchases."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

from . import charts, exports
from .i18n import _
from .ui import BACK, CANCEL, MENU, SEARCH_LIMIT, Turn, to_int

MAX_QUERY = 100

DEMAND_CLASSES = {
    "smooth": _("regular"),
    "erratic": _("regular, uneven quantities"),
    "intermittent": _("occasional"),
    "lumpy": _("occasional, uneven quantities"),
    "new": _("new product, short history"),
    "inactive": _("no recent demand"),
}
PERIODS = {"week": _("Weeks"), "month": _("Months"), "quarter": _("Quarters")}
FORECAST_HORIZONS = {
    "month": _("next month"),
    "quarter": _("next quarter"),
    "year": _("next year"),
}


def plain_name(name: str, code: str) -> str:
    """The product's name without its internal reference: Odoo's display name reads
    "[BAR-A4] Bar paper A4", and the worker shows the code on its own."""
    prefix = f"[{code}] "
    return name[len(prefix) :] if code and name.startswith(prefix) else name


class ProductScreens:
    """Conversation screens about products (a mixin of :class:`Conversation`)."""

    # product search and card
    async def search_prompt(self, turn: Turn) -> None:
        turn.state["pending"] = {"kind": "search"}
        await turn.show(
            _("Type a product name or code, or send a voice message."), [[(CANCEL, "m")]]
        )

    async def search(self, turn: Turn, text: str, order_id: int | None = None) -> None:
        query = " ".join(text.split())[:MAX_QUERY]
        back = f"o:{order_id}" if order_id else "m"
        if len(query) < 2:
            await turn.send(_("Type at least two characters."), [[(BACK, back)]])
            return
        products = (await self.call(turn, "search_products", query=query, limit=SEARCH_LIMIT)).get(
            "products"
        ) or []
        results = [
            {
                "id": p["id"],
                "name": plain_name(p.get("name") or "", p.get("code") or ""),
                "code": p.get("code") or "",
            }
            for p in products
            if isinstance(p.get("id"), int)
        ]
        if order_id:
            await self._search_answer(turn, query, results, order_id)
            return
        if len(results) == 1:
            # one match is the answer: its card, with Back to the menu (no list of one)
            turn.state.pop("search", None)
            await self.product_card(turn, str(results[0]["id"]))
            return
        turn.state["search"] = {"query": query, "results": results}
        await self._search_answer(turn, query, results, None)

    async def _search_answer(self, turn, query, results, order_id) -> None:
        back = f"o:{order_id}" if order_id else "m"
        if not results:
            await turn.send(
                _("Nothing found for “%(query)s”. Try another name or a code.", query=query),
                [[(BACK, back)]],
            )
            return
        prefix = f"oap:{order_id}:" if order_id else "p:"
        rows = [[(self._product_label(p), f"{prefix}{p['id']}")] for p in results]
        rows.append([(BACK, back)])
        title = (
            _("Which product should I add?")
            if order_id
            else _("Found for “%(query)s”:", query=query)
        )
        await turn.send(title, rows)

    async def search_results(self, turn: Turn) -> None:
        search = turn.state.get("search")
        if not search:
            await self.main_menu(turn)
            return
        results = search.get("results") or []
        if not results:
            await self.main_menu(turn)
            return
        rows = [[(self._product_label(p), f"p:{p['id']}")] for p in results]
        rows.append([(BACK, "m")])
        await turn.show(_("Found for “%(query)s”:", query=search.get("query", "")), rows)

    @staticmethod
    def _product_label(product: dict) -> str:
        code = product.get("code")
        return f"{product.get('name', '')} · {code}" if code else product.get("name", "")

    async def product_card(self, turn: Turn, rest: str = "") -> None:
        product_id = to_int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(turn, "product_card", product_id=product_id)
        card = answer.get("product") or {}
        series = answer.get("series") or {}
        await turn.answer()
        png = await charts.render(self._product_chart, turn, card, series)
        if png:
            await turn.photo(png)
        back = "sr" if turn.state.get("search") else "m"
        rows = [
            [(_("📄 Last purchases (XLSX)"), f"px:{product_id}")],
            [(_("📒 Turnover"), f"tv:{product_id}"), (_("📦 Stock by date"), f"sk:{product_id}")],
            [(_("➕ Add to my RFQ"), f"pa:{product_id}")],
            [(BACK, back), (MENU, "m")],
        ]
        await turn.send(self._card_text(turn, card), rows)

    def _product_chart(self, turn: Turn, card: dict, series: dict) -> bytes | None:
        uom = card.get("uom") or ""
        level = series.get("band_level")
        labels = {
            "history": turn.t(_("Actual demand")),
            "forecast": turn.t(_("Forecast")),
            "band": turn.t(_("Forecast range (%(level)s%%)", level=round(level * 100)))
            if isinstance(level, (int, float))
            else turn.t(_("Forecast range")),
            "x": turn.t(PERIODS.get(series.get("period"), _("Period"))),
            "y": turn.t(_("Quantity, %(uom)s", uom=uom)) if uom else turn.t(_("Quantity")),
        }
        name = plain_name(card.get("name") or "", card.get("code") or "")
        title = turn.t(_("Demand and forecast: %(product)s", product=name))
        return charts.product_chart(series, turn.lang, title, labels)

    def _card_text(self, turn: Turn, card: dict) -> str:
        uom = card.get("uom") or ""
        code = card.get("code")
        name = plain_name(card.get("name") or "", code or "")
        parts: list = [f"📦 {name}" + (f" [{code}]" if code else "")]
        parts.append(
            _("On hand: %(quantity)s %(uom)s", quantity=card.get("on_hand_total"), uom=uom)
        )
        for row in card.get("on_hand") or []:
            parts.append(f"   • {row.get('warehouse', '')}: {turn.t(row.get('quantity'))}")
        parts.append(
            _("Incoming: %(quantity)s %(uom)s", quantity=card.get("incoming") or 0, uom=uom)
        )
        demand = card.get("demand_class")
        if demand:
            parts.append(_("Demand: %(kind)s", kind=DEMAND_CLASSES.get(demand, demand)))
        if card.get("explanation"):
            parts.append(card["explanation"])
        forecast = card.get("forecast")
        parts.append("")
        if forecast:
            parts.append(_("Forecast of demand (expected, range):"))
            for key, label in FORECAST_HORIZONS.items():
                value = forecast.get(key) or {}
                parts.append(
                    _(
                        "• %(period)s: %(mean)s %(uom)s (%(low)s–%(high)s)",
                        period=label,
                        mean=value.get("mean"),
                        uom=uom,
                        low=value.get("low"),
                        high=value.get("high"),
                    )
                )
        else:
            parts.append(_("No forecast yet for this product."))
        suggestion = card.get("suggestion")
        parts.append("")
        if suggestion:
            if suggestion.get("vendor"):
                parts.append(
                    _(
                        "Suggested order: %(quantity)s %(uom)s from %(vendor)s",
                        quantity=suggestion.get("quantity"),
                        uom=uom,
                        vendor=suggestion["vendor"],
                    )
                )
            else:
                parts.append(
                    _(
                        "Suggested order: %(quantity)s %(uom)s",
                        quantity=suggestion.get("quantity"),
                        uom=uom,
                    )
                )
            if suggestion.get("reason"):
                parts.append(suggestion["reason"])
        else:
            parts.append(_("No order suggested now."))
        return turn.lines(*parts)

    async def product_purchases(self, turn: Turn, rest: str = "") -> None:
        product_id = to_int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(turn, "last_purchases", product_id=product_id, limit=50)
        rows = answer.get("purchases") or []
        back = [[(BACK, f"p:{product_id}"), (MENU, "m")]]
        if not rows:
            await turn.send(_("No purchases of this product yet."), back)
            return
        currency = answer.get("currency") or ""
        columns = [
            exports.Column(turn.t(_("Date")), "date", "date", 12),
            exports.Column(turn.t(_("Order")), "order", "text", 14),
            exports.Column(turn.t(_("Vendor")), "vendor", "text", 32),
            exports.Column(turn.t(_("Quantity")), "quantity", "quantity", 12),
            exports.Column(turn.t(_("Unit")), "uom", "text", 10),
            exports.Column(
                turn.t(_("Unit price, %(currency)s", currency=currency)), "price_unit", "money", 16
            ),
            exports.Column(
                turn.t(_("Amount, %(currency)s", currency=currency)), "amount", "money", 18
            ),
        ]
        data = exports.xlsx(turn.t(_("Purchases")), columns, rows, turn.lang)
        await turn.answer()
        await turn.document(
            data,
            exports.safe_filename(f"purchases_{product_id}", "purchases", ".xlsx"),
            _("Last %(count)s purchases", count=len(rows)),
            back,
        )

    async def product_add(self, turn: Turn, rest: str = "") -> None:
        product_id = to_int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(turn, "add_rfq_line", product_id=product_id, quantity=None)
        await self._order_after_add(turn, answer, product_id)

    async def add_existing(self, turn: Turn, rest: str, mode: str) -> None:
        """The buyer's answer to "already on the RFQ": replace its quantity or add to it
        (each press is computed anew by Odoo, so pressing twice orders nothing twice)."""
        order_text, _sep, product_text = rest.partition(":")
        order_id, product_id = to_int(order_text), to_int(product_text)
        if order_id is None or product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(
            turn,
            "add_rfq_line",
            product_id=product_id,
            quantity=None,
            order_id=order_id,
            mode=mode,
        )
        await self._order_after_add(turn, answer, product_id)

    async def _order_after_add(self, turn: Turn, answer: dict, product_id: int) -> None:
        order = answer.get("order") or {}
        status = answer.get("status")
        if status == "exists":
            await self._ask_replace_or_add(turn, answer, product_id)
            return
        if status == "covered":
            rows = (
                [[(BACK, f"o:{order['id']}"), (MENU, "m")]] if order.get("id") else [[(MENU, "m")]]
            )
            await turn.send(answer.get("message") or _("Nothing to order now."), rows)
            return
        line = next(
            (ln for ln in order.get("lines") or [] if ln.get("id") == answer.get("line_id")),
            None,
        )
        note = None
        if line:
            quantity, uom = line.get("quantity"), line.get("uom") or ""
            product, name = line.get("product") or "", order.get("name") or ""
            if status == "replaced":
                note = _(
                    "%(product)s on %(order)s is now %(quantity)s %(uom)s.",
                    product=product,
                    order=name,
                    quantity=quantity,
                    uom=uom,
                )
            elif status == "added":
                note = _(
                    "Added %(added)s: %(product)s on %(order)s is now %(quantity)s %(uom)s.",
                    added=answer.get("quantity"),
                    product=product,
                    order=name,
                    quantity=quantity,
                    uom=uom,
                )
            else:
                note = _(
                    "Added %(quantity)s %(uom)s of %(product)s to %(order)s (suggested "
                    "quantity). Tap the line to change it.",
                    quantity=quantity,
                    uom=uom,
                    product=product,
                    order=name,
                )
        await self._order_screen(turn, order, note)

    async def _ask_replace_or_add(self, turn: Turn, answer: dict, product_id: int) -> None:
        order = answer.get("order") or {}
        order_id = order.get("id")
        line = next(
            (ln for ln in order.get("lines") or [] if ln.get("id") == answer.get("line_id")), {}
        )
        uom = answer.get("uom") or line.get("uom") or ""
        text = _(
            "%(product)s is already on %(order)s: %(quantity)s %(uom)s. Replace that quantity "
            "with the suggested %(replace)s %(uom)s, or add %(add)s %(uom)s to it?",
            product=line.get("product") or "",
            order=order.get("name") or "",
            quantity=answer.get("quantity"),
            uom=uom,
            replace=answer.get("replace_quantity"),
            add=answer.get("add_quantity"),
        )
        rows = [
            [
                (
                    _("Replace: %(quantity)s", quantity=answer.get("replace_quantity")),
                    f"ar:{order_id}:{product_id}",
                ),
                (
                    _("Add: +%(quantity)s", quantity=answer.get("add_quantity")),
                    f"aa:{order_id}:{product_id}",
                ),
            ],
            [(BACK, f"o:{order_id}"), (MENU, "m")],
        ]
        await turn.show(text, rows)
