"""Approvals with nonces, purchase plans at stockout risk, and the budget."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

from . import fmt
from .gateway import GatewayError
from .i18n import Money, _
from .rfqs import rfq_buttons
from .ui import BACK, LIST_LIMIT, MENU, SEARCH_LIMIT, Turn, to_int

APPROVAL_KINDS = {"r": "rfq", "p": "plan"}
APPROVAL_LABELS = {"rfq": _("RFQ"), "plan": _("Purchase plan")}


class ApprovalScreens:
    """Conversation screens about approvals, plans and budget (a mixin of :class:`Conversation`)."""

    # approvals
    async def approvals(self, turn: Turn, note=None) -> None:
        items = (await self.call(turn, "list_approvals")).get("items") or []
        parts: list = [note, "" if note else None]
        rows = []
        if items:
            parts.append(_("Waiting for your approval:"))
        else:
            parts.append(_("Nothing is waiting for your approval."))
        codes = {value: key for key, value in APPROVAL_KINDS.items()}
        for index, item in enumerate(items[:LIST_LIMIT], start=1):
            kind = codes.get(item.get("kind"))
            if kind is None or not isinstance(item.get("id"), int):
                continue
            parts.append(
                _(
                    "%(index)s. %(kind)s %(name)s — %(amount)s, requested by %(who)s",
                    index=index,
                    kind=APPROVAL_LABELS[item["kind"]],
                    name=item.get("name") or "",
                    amount=Money(item.get("amount"), item.get("currency")),
                    who=item.get("requested_by") or "",
                )
            )
            tail = f"{kind}:{item['id']}:{item.get('nonce') or ''}"
            name = item.get("name") or ""
            rows.append(
                [
                    (_("✅ Approve %(name)s", name=name), f"ad:a:{tail}"),
                    (_("❌ Reject %(name)s", name=name), f"ad:r:{tail}"),
                ]
            )
        rows.append([(BACK, "m")])
        await turn.show(turn.lines(*parts), rows)

    async def approval_decide(self, turn: Turn, rest: str = "") -> None:
        fields = rest.split(":", 3)
        if len(fields) != 4 or fields[0] not in ("a", "r") or fields[1] not in APPROVAL_KINDS:
            await self.approvals(turn)
            return
        decision, kind, record_text, nonce = fields
        record_id = to_int(record_text)
        if record_id is None:
            await self.approvals(turn)
            return
        try:
            answer = await self.call(
                turn,
                "decide_approval",
                kind=APPROVAL_KINDS[kind],
                record_id=record_id,
                decision="approve" if decision == "a" else "reject",
                nonce=nonce,
            )
        except GatewayError as exc:
            if exc.code not in ("stale", "access_denied", "not_found", "invalid"):
                raise
            await turn.answer(exc.message)
            await self.approvals(turn, note=exc.message)
            return
        name = answer.get("name") or ""
        status = answer.get("status")
        note = {
            "approved": _("%(name)s is approved.", name=name),
            "rejected": _("%(name)s is rejected.", name=name),
        }.get(status, _("%(name)s was already decided: nothing changed.", name=name))
        await turn.answer(note)
        await self.approvals(turn, note=note)

    # plans, budget
    async def plans(self, turn: Turn) -> None:
        answer = await self.call(turn, "list_plan_risks", limit=20)
        plan, lines = answer.get("plan"), answer.get("lines") or []
        rows = []
        if not plan:
            parts: list = [_("There is no purchase plan yet.")]
        elif not lines:
            parts = [
                _("Plan %(plan)s: no product is at risk of running out.", plan=plan.get("name"))
            ]
        else:
            parts = [_("Plan %(plan)s: products at risk of running out", plan=plan.get("name"))]
            for index, line in enumerate(lines, start=1):
                parts.append(
                    _(
                        "%(index)s. %(product)s — on hand %(on_hand)s, order %(quantity)s "
                        "from %(vendor)s (priority %(priority)s)",
                        index=index,
                        product=line.get("product") or "",
                        on_hand=line.get("on_hand"),
                        quantity=line.get("quantity"),
                        vendor=line.get("vendor") or "—",
                        priority=line.get("priority"),
                    )
                )
                if line.get("reason"):
                    parts.append(f"   {line['reason']}")
            rows.extend(
                [(f"📦 {line.get('product') or ''}", f"p:{line['product_id']}")]
                for line in lines[:SEARCH_LIMIT]
                if isinstance(line.get("product_id"), int)
            )
            if isinstance(plan.get("id"), int):
                rows.append([(_("🛒 Turn into RFQs"), f"pc:{plan['id']}")])
        rows.append([(BACK, "m")])
        await turn.show(turn.lines(*parts), rows)

    async def plan_confirm(self, turn: Turn, rest: str = "") -> None:
        plan_id = to_int(rest)
        if plan_id is None:
            await self.plans(turn)
            return
        await turn.show(
            _("Create or update draft RFQs from this plan's suggestions?"),
            [[(_("Yes, create RFQs"), f"pcy:{plan_id}"), (_("No"), "pl")]],
        )

    async def plan_create(self, turn: Turn, rest: str = "") -> None:
        plan_id = to_int(rest)
        if plan_id is None:
            await self.plans(turn)
            return
        orders = (await self.call(turn, "plan_create_rfqs", plan_id=plan_id)).get("orders") or []
        rows = rfq_buttons(turn, orders)
        rows.append([(BACK, "pl"), (MENU, "m")])
        text = (
            _("Draft RFQs created or updated: %(count)s.", count=len(orders))
            if orders
            else _("The plan suggested nothing to order.")
        )
        await turn.show(text, rows)

    async def digest_order(self, turn: Turn, rest: str = "") -> None:
        """The daily digest's button: its products at risk go on the user's draft RFQs
        (Odoo skips those already on a draft or covered by now). Answered in a new message,
        so the digest stays readable."""
        message_id = to_int(rest)
        if message_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(turn, "digest_to_rfqs", message_id=message_id)
        parts: list = []
        for item in answer.get("added") or []:
            parts.append(
                _(
                    "• %(product)s: %(quantity)s on %(order)s",
                    product=item.get("product") or "",
                    quantity=item.get("quantity"),
                    order=item.get("order") or "",
                )
            )
        for item in answer.get("skipped") or []:
            parts.append(
                _(
                    "• %(product)s: not added, %(reason)s",
                    product=item.get("product") or "",
                    reason=item.get("reason") or "",
                )
            )
        title = (
            _("Put on your RFQs:") if answer.get("added") else _("Nothing was added to your RFQs.")
        )
        rows = rfq_buttons(turn, answer.get("orders") or [])
        rows.append([(MENU, "m")])
        await turn.answer()
        await turn.send(turn.lines(title, *parts), rows)

    async def budget(self, turn: Turn) -> None:
        answer = await self.call(turn, "budget_status")
        currency = answer.get("currency")
        period = answer.get("period") or {}
        start, end = fmt.to_date(period.get("start")), fmt.to_date(period.get("end"))
        committed = Money(answer.get("committed"), currency)
        if answer.get("budget") is None:
            text = turn.lines(
                _("No purchase budget is set for %(start)s – %(end)s.", start=start, end=end),
                _("Committed: %(amount)s", amount=committed),
            )
        else:
            text = turn.lines(
                _("💰 Purchase budget for %(start)s – %(end)s", start=start, end=end),
                _("Budget: %(amount)s", amount=Money(answer.get("budget"), currency)),
                _("Committed: %(amount)s", amount=committed),
                _("Remaining: %(amount)s", amount=Money(answer.get("remaining"), currency)),
            )
        await turn.show(text, [[(BACK, "m")]])
