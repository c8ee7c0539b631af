"""The conversation: menus, screens and pending inputs. Every action is a gateway call made
for the Telegram user who sent the update; Odoo decides what that user may see and do, so
callback data only carries ids and nonces and is never trusted for authorisation."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time

from telegram import Bot, Message, MessageEntity, Update

from . import charts, exports, fmt
from .config import Recognizer
from .gateway import GatewayClient, GatewayError, GatewayUnavailable
from .i18n import Money, Translations, _
from .logsafe import redact
from .state import StateStore
from .ui import Turn

_logger = logging.getLogger(__name__)

LINK_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_QUERY = 100
MAX_VOICE_BYTES = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
RECOGNIZER_TIMEOUT = 120.0
SEARCH_LIMIT = 8
LIST_LIMIT = 30

BACK = _("⬅ Back")
MENU = _("🏠 Menu")
CANCEL = _("✖ Cancel")

DEMAND_CLASSES = {
    "smooth": _("regular"),
    "erratic": _("regular, uneven quantities"),
    "intermittent": _("occasional"),
    "lumpy": _("occasional, uneven quantities"),
    "new": _("new product, short history"),
    "inactive": _("no recent demand"),
}
ORDER_STATES = {
    "draft": _("draft"),
    "sent": _("sent to the vendor"),
    "to approve": _("waiting for approval"),
    "purchase": _("confirmed"),
    "done": _("locked"),
    "cancel": _("cancelled"),
}
PERIODS = {"week": _("Weeks"), "month": _("Months"), "quarter": _("Quarters")}
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
FORECAST_HORIZONS = {
    "month": _("next month"),
    "quarter": _("next quarter"),
    "year": _("next year"),
}
APPROVAL_KINDS = {"r": "rfq", "p": "plan"}
APPROVAL_LABELS = {"rfq": _("RFQ"), "plan": _("Purchase plan")}

LINK_HELP = _(
    "To use this assistant, connect your Odoo account:\n"
    "1. Open Odoo and click your avatar (top right) → Preferences.\n"
    "2. Click “Connect Telegram”.\n"
    "3. Open the link it shows (or scan its QR code) on this device.\n"
    "The link works once, for 10 minutes. I never ask for your password."
)
ODOO_DOWN = _("Odoo is not available right now. Please try again later.")


def command_of(message: Message | None) -> tuple[str | None, str]:
    """``("start", "payload")`` for ``/start payload`` (also ``/start@bot``), else (None, "")."""
    if message is None or not message.text or not message.entities:
        return None, ""
    first = message.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None, ""
    name = message.text[1 : first.length].split("@", 1)[0].lower()
    return name, message.text[first.length :].strip()


def _int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


class Conversation:
    """Routes one update of a private chat to the screen or action it asks for."""

    def __init__(
        self,
        gateway: GatewayClient,
        translations: Translations,
        store: StateStore,
        recognizer: Recognizer | None = None,
        profile_ttl: float = 300.0,
        clock=time.monotonic,
    ):
        self.gateway = gateway
        self.translations = translations
        self.store = store
        self.recognizer = recognizer
        self.profile_ttl = profile_ttl
        self.clock = clock
        self._profiles: dict[str, tuple[float, dict | None]] = {}
        self._routes = {
            "m": self.main_menu,
            "s": self.search_prompt,
            "sr": self.search_results,
            "p": self.product_card,
            "px": self.product_purchases,
            "pa": self.product_add,
            "an": self.analytics_menu,
            "ac": self.analytics_chart,
            "at": self.analytics_top,
            "r": self.rfq_list,
            "o": self.rfq_show,
            "oa": self.rfq_add_prompt,
            "oap": self.rfq_add_product,
            "oj": self.rfq_export,
            "oc": self.rfq_cancel_confirm,
            "ocy": self.rfq_cancel,
            "l": self.line_show,
            "lq": lambda turn, rest="": self.line_prompt(turn, rest, "qty"),
            "lp": lambda turn, rest="": self.line_prompt(turn, rest, "price"),
            "ld": lambda turn, rest="": self.line_prompt(turn, rest, "date"),
            "lr": self.line_remove,
            "ap": self.approvals,
            "ad": self.approval_decide,
            "pl": self.plans,
            "pc": self.plan_confirm,
            "pcy": self.plan_create,
            "b": self.budget,
            "h": self.help,
            "rp": self.report_prompt,
        }

    async def call(self, turn: Turn, method: str, **kwargs) -> dict:
        return await self.gateway.call(method, telegram_user_id=turn.user_id, **kwargs)

    # profile
    async def profile(self, user_id: str) -> dict | None:
        """The linked Odoo user's profile (cached a few minutes), None when not linked."""
        cached = self._profiles.get(user_id)
        if cached and cached[0] > self.clock():
            return cached[1]
        try:
            profile = (await self.gateway.call("get_profile", telegram_user_id=user_id))["user"]
        except GatewayError as exc:
            if exc.code != "not_linked":
                raise
            profile = None
        except (KeyError, TypeError):
            raise GatewayUnavailable("get_profile") from None
        self._profiles[user_id] = (self.clock() + self.profile_ttl, profile)
        return profile

    def forget(self, user_id: str) -> None:
        self._profiles.pop(user_id, None)

    # entry point
    async def handle(self, update: Update, bot: Bot) -> None:
        """Answer one update of a private chat (the caller checked chat type and rate)."""
        user = update.effective_user
        user_id = str(user.id)
        telegram_lang = "ru_RU" if (user.language_code or "").lower().startswith("ru") else "en_US"
        turn = Turn(
            update, bot, self.translations, user_id, telegram_lang, self.store.user(user_id)
        )
        message = update.message
        command, argument = command_of(message)
        try:
            if command == "start" and argument:
                await self.link(turn, argument)
                return
            if command == "logout":
                await self.logout(turn)
                return
            profile = await self.profile(user_id)
            if profile is None:
                await turn.answer()
                await turn.send(LINK_HELP)
                return
            turn.profile = profile
            turn.lang = profile.get("lang") or telegram_lang
            if command:
                await self.command(turn, command, argument)
            elif turn.query:
                await self.button(turn, turn.query.data or "")
            elif message and (message.voice or message.audio):
                await self.voice(turn, message)
            elif message and message.text:
                await self.text(turn, message.text)
            else:
                await turn.send(
                    _(
                        "I understand text and voice messages. "
                        "Type a product name or open the menu."
                    ),
                    [[(MENU, "m")]],
                )
        except GatewayUnavailable:
            await turn.answer()
            await turn.send(ODOO_DOWN, [[(MENU, "m")]])
        except GatewayError as exc:
            await turn.answer()
            if exc.code == "not_linked":
                self.forget(user_id)
                turn.state.clear()
                await turn.send(turn.lines(exc.message, "", LINK_HELP))
            else:
                await turn.send(exc.message, [[(MENU, "m")]])
        finally:
            await turn.answer()
            self.store.save_user(user_id)

    async def command(self, turn: Turn, command: str, argument: str) -> None:
        turn.state.pop("pending", None)
        if command in ("start", "menu"):
            await self.main_menu(turn, greet=command == "start")
        elif command == "help":
            await self.help(turn)
        elif command == "cancel":
            await self.main_menu(turn, note=_("Cancelled."))
        elif command == "search" and argument:
            await self.search(turn, argument)
        elif command == "search":
            await self.search_prompt(turn)
        else:
            await turn.send(_("Unknown command. Send /help to see what I can do."), [[(MENU, "m")]])

    async def button(self, turn: Turn, data: str) -> None:
        if data.startswith("k:"):
            data = turn.state.get("buttons", {}).get(data[2:], "")
        name, _sep, rest = data.partition(":")
        route = self._routes.get(name)
        if route is None:
            await turn.answer(_("This button has expired."))
            await self.main_menu(turn)
            return
        # pressing any button abandons a pending input, except the one that asks for it
        turn.state.pop("pending", None)
        await route(turn, *([rest] if rest else []))

    async def text(self, turn: Turn, text: str) -> None:
        pending = turn.state.get("pending")
        if not pending:
            await self.search(turn, text)
            return
        kind = pending.get("kind")
        if kind == "search":
            turn.state.pop("pending", None)
            await self.search(turn, text)
        elif kind == "add":
            await self.search(turn, text, order_id=pending.get("order_id"))
        elif kind == "report":
            await self.report(turn, text)
        elif kind in ("qty", "price", "date"):
            await self.line_input(turn, pending, text)
        else:
            turn.state.pop("pending", None)
            await self.search(turn, text)

    # linking
    async def link(self, turn: Turn, token: str) -> None:
        user = turn.update.effective_user
        if not LINK_TOKEN.match(token):
            await turn.send(turn.lines(_("This link is not valid."), "", LINK_HELP))
            return
        try:
            answer = await self.gateway.call(
                "link_account",
                token=token,
                telegram_user_id=turn.user_id,
                telegram_username=user.username or "",
                chat_type=turn.update.effective_chat.type,
            )
        except GatewayError as exc:
            if exc.code in ("token_invalid", "token_expired"):
                hint = _("Make a new link in Odoo: Preferences → Connect Telegram.")
                await turn.send(turn.lines(exc.message, "", hint))
            else:
                await turn.send(exc.message)
            return
        profile = answer.get("user") or {}
        self._profiles[turn.user_id] = (self.clock() + self.profile_ttl, profile)
        turn.state.clear()
        turn.profile = profile
        turn.lang = profile.get("lang") or turn.lang
        note = _(
            "Connected: you are %(name)s (%(company)s) in Odoo.",
            name=profile.get("name") or "",
            company=profile.get("company") or "",
        )
        await self.main_menu(turn, note=note)

    async def logout(self, turn: Turn) -> None:
        answer = await self.gateway.call("unlink_account", telegram_user_id=turn.user_id)
        self.forget(turn.user_id)
        self.store.forget_user(turn.user_id)
        turn.state.clear()
        if answer.get("unlinked"):
            await turn.send(
                _(
                    "Disconnected: this Telegram account is no longer linked to Odoo. "
                    "To connect again, open Odoo → Preferences → Connect Telegram."
                )
            )
        else:
            await turn.send(_("This Telegram account is not linked to Odoo."))

    # main menu, help
    async def main_menu(self, turn: Turn, greet: bool = False, note=None) -> None:
        rows = [
            [(_("🔎 Find a product"), "s"), (_("📊 Analytics"), "an")],
            [(_("🛒 My RFQs"), "r"), (_("✅ Approvals"), "ap")],
            [(_("📋 Plans"), "pl"), (_("💰 Budget"), "b")],
            [(_("❓ Help"), "h"), (_("✉ Report a problem"), "rp")],
        ]
        name = (turn.profile or {}).get("name") or ""
        title = (
            _("Hello, %(name)s! What would you like to do?", name=name)
            if greet
            else _("What would you like to do? You can also type a product name right away.")
        )
        await turn.show(turn.lines(note, "" if note else None, title), rows)

    async def help(self, turn: Turn) -> None:
        text = _(
            "I help you purchase the right quantity at the right time.\n"
            "• Type a product name or code (or send a voice message) to see its stock, "
            "forecast and suggested order.\n"
            "• My RFQs: your draft requests for quotation; add products, change quantities, "
            "prices and dates, export the JSON for the Moscow calculation.\n"
            "• Approvals: RFQs and plans waiting for your decision.\n"
            "• Plans: products at risk of running out, turned into RFQs in one step.\n"
            "• Analytics and Budget: purchases by period, top purchases, remaining budget.\n"
            "Commands: /menu, /search <text>, /cancel, /help, /logout (disconnect this account)."
        )
        await turn.show(text, [[(BACK, "m")]])

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
            {"id": p["id"], "name": p.get("name") or "", "code": p.get("code") or ""}
            for p in products
            if isinstance(p.get("id"), int)
        ]
        if order_id:
            await self._search_answer(turn, query, results, order_id)
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
    async def _draw(draw, *args) -> bytes | None:
        """Render a chart off the event loop; a chart that fails is logged and left out."""
        try:
            return await asyncio.to_thread(draw, *args)
        except Exception as exc:  # a bad series must not cost the user the numbers
            _logger.warning("Chart not drawn: %s: %s", type(exc).__name__, redact(exc))
            return None

    @staticmethod
    def _product_label(product: dict) -> str:
        code = product.get("code")
        return f"{product.get('name', '')} · {code}" if code else product.get("name", "")

    async def product_card(self, turn: Turn, rest: str = "") -> None:
        product_id = _int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(turn, "product_card", product_id=product_id)
        card = answer.get("product") or {}
        series = answer.get("series") or {}
        await turn.answer()
        png = await self._draw(self._product_chart, turn, card, series)
        if png:
            await turn.photo(png)
        back = "sr" if turn.state.get("search") else "m"
        rows = [
            [(_("📄 Last purchases (XLSX)"), f"px:{product_id}")],
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
        title = turn.t(_("Demand and forecast: %(product)s", product=card.get("name") or ""))
        return charts.product_chart(series, turn.lang, title, labels)

    def _card_text(self, turn: Turn, card: dict) -> str:
        uom = card.get("uom") or ""
        code = card.get("code")
        parts: list = [f"📦 {card.get('name', '')}" + (f" [{code}]" if code else "")]
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
        product_id = _int(rest)
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
        product_id = _int(rest)
        if product_id is None:
            await self.main_menu(turn)
            return
        answer = await self.call(turn, "add_rfq_line", product_id=product_id, quantity=None)
        await self._order_after_add(turn, answer.get("order") or {}, product_id)

    async def _order_after_add(self, turn: Turn, order: dict, product_id: int) -> None:
        added = [line for line in order.get("lines") or [] if line.get("product_id") == product_id]
        note = None
        if added:
            line = added[-1]
            note = _(
                "Added %(quantity)s %(uom)s of %(product)s to %(order)s (suggested quantity). "
                "Tap the line to change it.",
                quantity=line.get("quantity"),
                uom=line.get("uom") or "",
                product=line.get("product") or "",
                order=order.get("name") or "",
            )
        await self._order_screen(turn, order, note)

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
        png = await self._draw(charts.bar_chart, labels, values, turn.lang, title, ylabel)
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

    # RFQs
    async def rfq_list(self, turn: Turn, note=None) -> None:
        orders = (await self.call(turn, "list_rfqs")).get("orders") or []
        rows = [
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
        rows.append([(BACK, "m")])
        text = (
            _("Your RFQs:")
            if orders
            else _("You have no draft RFQs. Add a product from its card or from a plan.")
        )
        await turn.show(turn.lines(note, "" if note else None, text), rows)

    async def rfq_show(self, turn: Turn, rest: str = "") -> None:
        order_id = _int(rest)
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
        order_id = _int(rest)
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
        order_id, product_id = _int(order_text), _int(product_text)
        if order_id is None or product_id is None:
            await self.rfq_list(turn)
            return
        answer = await self.call(
            turn, "add_rfq_line", product_id=product_id, quantity=None, order_id=order_id
        )
        await self._order_after_add(turn, answer.get("order") or {}, product_id)

    async def rfq_export(self, turn: Turn, rest: str = "") -> None:
        order_id = _int(rest)
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
        order_id = _int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        await turn.show(
            _("Cancel this RFQ? This cannot be undone from Telegram."),
            [[(_("Yes, cancel it"), f"ocy:{order_id}"), (_("No"), f"o:{order_id}")]],
        )

    async def rfq_cancel(self, turn: Turn, rest: str = "") -> None:
        order_id = _int(rest)
        if order_id is None:
            await self.rfq_list(turn)
            return
        order = (await self.call(turn, "cancel_rfq", order_id=order_id)).get("order") or {}
        await self.rfq_list(turn, note=_("%(order)s is cancelled.", order=order.get("name") or ""))

    # RFQ lines
    def _line_ids(self, rest: str) -> tuple[int | None, int | None]:
        order_text, _sep, line_text = rest.partition(":")
        return _int(order_text), _int(line_text)

    async def _order_line(self, turn: Turn, order_id: int, line_id: int):
        order = (await self.call(turn, "get_rfq", order_id=order_id)).get("order") or {}
        line = next((x for x in order.get("lines") or [] if x.get("id") == line_id), None)
        return order, line

    async def line_show(self, turn: Turn, rest: str = "", note=None) -> None:
        order_id, line_id = self._line_ids(rest)
        if order_id is None or line_id is None:
            await self.rfq_list(turn)
            return
        order, line = await self._order_line(turn, order_id, line_id)
        if line is None:
            await self._order_screen(turn, order, _("This line is no longer in the RFQ."))
            return
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
        order_id, line_id = self._line_ids(rest)
        if order_id is None or line_id is None:
            await self.rfq_list(turn)
            return
        order, line = await self._order_line(turn, order_id, line_id)
        if line is None:
            await self._order_screen(turn, order, _("This line is no longer in the RFQ."))
            return
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
        record_id = _int(record_text)
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
        plan_id = _int(rest)
        if plan_id is None:
            await self.plans(turn)
            return
        await turn.show(
            _("Create or update draft RFQs from this plan's suggestions?"),
            [[(_("Yes, create RFQs"), f"pcy:{plan_id}"), (_("No"), "pl")]],
        )

    async def plan_create(self, turn: Turn, rest: str = "") -> None:
        plan_id = _int(rest)
        if plan_id is None:
            await self.plans(turn)
            return
        orders = (await self.call(turn, "plan_create_rfqs", plan_id=plan_id)).get("orders") or []
        rows = [
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
        rows.append([(BACK, "pl"), (MENU, "m")])
        text = (
            _("Draft RFQs created or updated: %(count)s.", count=len(orders))
            if orders
            else _("The plan suggested nothing to order.")
        )
        await turn.show(text, rows)

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

    # problems
    async def report_prompt(self, turn: Turn) -> None:
        turn.state["pending"] = {"kind": "report"}
        await turn.show(
            _("Describe the problem in one message; it goes to the purchasing team in Odoo."),
            [[(CANCEL, "m")]],
        )

    async def report(self, turn: Turn, text: str) -> None:
        turn.state.pop("pending", None)
        await self.call(turn, "report_problem", text=text[:4000])
        await self.main_menu(
            turn, note=_("Thank you! Your report was sent to the purchasing team.")
        )

    # voice
    async def voice(self, turn: Turn, message: Message) -> None:
        if self.recognizer is None:
            await turn.send(
                _(
                    "Voice messages are not enabled on this bot. "
                    "Please type the product name or code."
                ),
                [[(MENU, "m")]],
            )
            return
        media = message.voice or message.audio
        if media.file_size and media.file_size > MAX_VOICE_BYTES:
            await turn.send(_("This voice message is too long. Please keep it short."))
            return
        telegram_file = await turn.bot.get_file(media.file_id)
        audio = bytes(await telegram_file.download_as_bytearray())
        language = fmt.base_lang(turn.lang)
        try:
            text = await asyncio.wait_for(
                asyncio.to_thread(self.recognizer, audio, language), RECOGNIZER_TIMEOUT
            )
        except Exception as exc:  # a plug-in may fail in any way: the chat must go on
            _logger.warning("Speech recogniser failed: %s: %s", type(exc).__name__, redact(exc))
            text = ""
        text = " ".join(str(text or "").split())
        if not text:
            await turn.send(
                _("I could not make out any words. Please try again or type the product name."),
                [[(MENU, "m")]],
            )
            return
        await turn.send(_("🎤 “%(text)s”", text=text))
        pending = turn.state.get("pending") or {}
        if pending.get("kind") == "add":
            await self.search(turn, text, order_id=pending.get("order_id"))
        else:
            turn.state.pop("pending", None)
            await self.search(turn, text)
