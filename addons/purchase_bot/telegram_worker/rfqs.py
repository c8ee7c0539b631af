"""The user's RFQs: list, open, add a product, edit or remove a line, export, cancel."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import datetime as dt

from . import exports, fmt
from .i18n import Money, _
from .ui import BACK, CANCEL, LIST_LIMIT, MENU, Turn, to_int

ORDER_STATES = {
    "draft": _("draft"),
    "sent": _("sent to the vendor"),
    "to approve": _("waiting for approval"),
    "purchase": _("confirmed"),
    "done": _("locked"),
    "cancel": _("cancelled"),
}


def rfq_buttons(turn: Turn, orders: list) -> list:
    """One button row per RFQ (name · vendor · total) opening it, at most LIST_LIMIT."""
    return [
        [
            (
                f"{o.get('name', '')} · {o.get('vendor') or ''} · "
                + turn.t(Money(o.get("amount_total"), o.get("currency"))),
                f"o:{o['id']}",
            )
        ]
        for o in orders[:LIST_LIMIT]
        if isinstance(o.get("id"), int)
    ]


class RfqScreens:
    """Conversation screens about RFQs (a mixin of :class:`Conversation`)."""

    # RFQs
    async def rfq_list(self, turn: Turn, note=None) -> None:
        orders = (await self.call(turn, "list_rfqs")).get("orders") or []
        rows = rfq_buttons(turn, orders)
        rows.append([(BACK, "m")])
        text = (
            _("Your RFQs:")
            if orders
            else _("You have no draft RFQs. Add a product from its card or from a plan.")
        )
        await turn.show(turn.lines(note, "" if note else None, text), rows)

    async def rfq_show(self, turn: Turn, rest: str = "") -> None:
        order_id = to_int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        order = (await self.call(turn, "get_rfq", order_id=order_id)).get("order") or {}
        await self._order_screen(turn, order)

    async def _order_screen(self, turn: Turn, order: dict, note=None) -> None:
        order_id = order.get("id")
        currency = order.get("currency")
        state = order.get("state")
        parts: list = [
            note,
            "" if note else None,
            _(
                "🛒 %(order)s — %(vendor)s",
                order=order.get("name") or "",
                vendor=order.get("vendor") or "",
            ),
            _(
                "Status: %(state)s · date: %(date)s",
                state=ORDER_STATES.get(state, state or ""),
                date=fmt.to_date(order.get("date_order")),
            ),
        ]
        lines = order.get("lines") or []
        for index, line in enumerate(lines[:LIST_LIMIT], start=1):
            parts.append(
                _(
                    "%(index)s. %(product)s — %(quantity)s %(uom)s × %(price)s = %(subtotal)s, "
                    "delivery %(date)s",
                    index=index,
                    product=line.get("product") or "",
                    quantity=line.get("quantity"),
                    uom=line.get("uom") or "",
                    price=Money(line.get("price_unit")),
                    subtotal=Money(line.get("subtotal"), currency),
                    date=fmt.to_date(line.get("date_planned")),
                )
            )
        if not lines:
            parts.append(_("No lines yet."))
        parts.append(_("Total: %(total)s", total=Money(order.get("amount_total"), currency)))
        rows = []
        if order.get("can_edit"):
            rows.extend(
                [(f"✏ {index}. {line.get('product') or ''}", f"l:{order_id}:{line['id']}")]
                for index, line in enumerate(lines[:LIST_LIMIT], start=1)
                if isinstance(line.get("id"), int)
            )
            rows.append([(_("➕ Add a product"), f"oa:{order_id}")])
        rows.append([(_("📄 JSON for the Moscow calculation"), f"oj:{order_id}")])
        if order.get("can_edit"):
            rows.append([(_("✖ Cancel this RFQ"), f"oc:{order_id}")])
        rows.append([(BACK, "r"), (MENU, "m")])
        await turn.show(turn.lines(*parts), rows)

    async def rfq_add_prompt(self, turn: Turn, rest: str = "") -> None:
        order_id = to_int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        turn.state["pending"] = {"kind": "add", "order_id": order_id}
        await turn.show(
            _("Type the name or code of the product to add (or send a voice message)."),
            [[(CANCEL, f"o:{order_id}")]],
        )

    async def rfq_add_product(self, turn: Turn, rest: str = "") -> None:
        order_text, _sep, product_text = rest.partition(":")
        order_id, product_id = to_int(order_text), to_int(product_text)
        if order_id is None or product_id is None:
            await self.rfq_list(turn)
            return
        answer = await self.call(
            turn, "add_rfq_line", product_id=product_id, quantity=None, order_id=order_id
        )
        await self._order_after_add(turn, answer, product_id)

    async def rfq_export(self, turn: Turn, rest: str = "") -> None:
        order_id = to_int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        answer = await self.call(turn, "export_rfq_json", order_id=order_id)
        data = exports.json_document(answer.get("document") or {})
        filename = exports.safe_filename(answer.get("filename"), f"rfq_{order_id}", ".json")
        await turn.answer()
        await turn.document(
            data,
            filename,
            _("JSON for the Moscow calculation"),
            [[(BACK, f"o:{order_id}"), (MENU, "m")]],
        )

    async def rfq_cancel_confirm(self, turn: Turn, rest: str = "") -> None:
        order_id = to_int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        await turn.show(
            _("Cancel this RFQ? This cannot be undone from Telegram."),
            [[(_("Yes, cancel it"), f"ocy:{order_id}"), (_("No"), f"o:{order_id}")]],
        )

    async def rfq_cancel(self, turn: Turn, rest: str = "") -> None:
        order_id = to_int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        order = (await self.call(turn, "cancel_rfq", order_id=order_id)).get("order") or {}
        await self.rfq_list(turn, note=_("%(order)s is cancelled.", order=order.get("name") or ""))

    # RFQ lines
    def _line_ids(self, rest: str) -> tuple[int | None, int | None]:
        order_text, _sep, line_text = rest.partition(":")
        return to_int(order_text), to_int(line_text)

    async def _order_line(self, turn: Turn, order_id: int, line_id: int):
        order = (await self.call(turn, "get_rfq", order_id=order_id)).get("order") or {}
        line = next((x for x in order.get("lines") or [] if x.get("id") == line_id), None)
        return order, line

    async def _line_or_back(self, turn: Turn, rest: str):
        """(order_id, line_id, order, line) of the callback's RFQ line, or None after showing
        the RFQ list (unreadable ids) or the RFQ (the line is gone)."""
        order_id, line_id = self._line_ids(rest)
        if order_id is None or line_id is None:
            await self.rfq_list(turn)
            return None
        order, line = await self._order_line(turn, order_id, line_id)
        if line is None:
            await self._order_screen(turn, order, _("This line is no longer in the RFQ."))
            return None
        return order_id, line_id, order, line

    async def line_show(self, turn: Turn, rest: str = "", note=None) -> None:
        found = await self._line_or_back(turn, rest)
        if found is None:
            return
        order_id, line_id, order, line = found
        uom = line.get("uom") or ""
        text = turn.lines(
            note,
            "" if note else None,
            line.get("product") or "",
            _("Quantity: %(quantity)s %(uom)s", quantity=line.get("quantity"), uom=uom),
            _("Unit price: %(price)s", price=Money(line.get("price_unit"), order.get("currency"))),
            _("Delivery date: %(date)s", date=fmt.to_date(line.get("date_planned"))),
        )
        ids = f"{order_id}:{line_id}"
        rows = [
            [(_("Quantity"), f"lq:{ids}"), (_("Price"), f"lp:{ids}"), (_("Date"), f"ld:{ids}")],
            [(_("🗑 Remove the line"), f"lr:{ids}")],
            [(BACK, f"o:{order_id}"), (MENU, "m")],
        ]
        await turn.show(text, rows)

    async def line_prompt(self, turn: Turn, rest: str, kind: str) -> None:
        found = await self._line_or_back(turn, rest)
        if found is None:
            return
        order_id, line_id, order, line = found
        turn.state["pending"] = {"kind": kind, "order_id": order_id, "line_id": line_id}
        product, uom = line.get("product") or "", line.get("uom") or ""
        if kind == "qty":
            text = _(
                "Type the new quantity of %(product)s (now %(quantity)s %(uom)s).",
                product=product,
                quantity=line.get("quantity"),
                uom=uom,
            )
        elif kind == "price":
            text = _(
                "Type the new unit price of %(product)s (now %(price)s).",
                product=product,
                price=Money(line.get("price_unit"), order.get("currency")),
            )
        else:
            text = _(
                "Type the delivery date of %(product)s, e.g. %(example)s (now %(date)s).",
                product=product,
                example=dt.date.today() + dt.timedelta(days=14),
                date=fmt.to_date(line.get("date_planned")),
            )
        await turn.show(text, [[(CANCEL, f"l:{order_id}:{line_id}")]])

    async def line_input(self, turn: Turn, pending: dict, text: str) -> None:
        kind, order_id, line_id = pending["kind"], pending.get("order_id"), pending.get("line_id")
        cancel = [[(CANCEL, f"l:{order_id}:{line_id}")]]
        values: dict = {}
        if kind in ("qty", "price"):
            number = fmt.parse_number(text, turn.lang)
            if number is None or number < 0 or (kind == "qty" and number == 0):
                await turn.send(
                    _("That is not a number I can use. Type it like 12 or 12,5.")
                    if kind == "qty" or number is None
                    else _("The price cannot be negative."),
                    cancel,
                )
                return
            values["quantity" if kind == "qty" else "price_unit"] = number
        else:
            day = fmt.parse_date(text)
            if day is None:
                await turn.send(
                    _(
                        "That is not a date I can read. Type it like %(example)s.",
                        example=dt.date.today(),
                    ),
                    cancel,
                )
                return
            values["date_planned"] = day.isoformat()
        turn.state.pop("pending", None)
        order = (await self.call(turn, "update_rfq_line", line_id=line_id, **values)).get(
            "order"
        ) or {}
        await self._order_screen(turn, order, _("Saved."))

    async def line_remove(self, turn: Turn, rest: str = "") -> None:
        order_id, line_id = self._line_ids(rest)
        if order_id is None or line_id is None:
            await self.rfq_list(turn)
            return
        order = (await self.call(turn, "remove_rfq_line", line_id=line_id)).get("order") or {}
        await self._order_screen(turn, order, _("The line is removed."))
