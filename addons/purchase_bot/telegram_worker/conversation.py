"""The conversation: menus, screens and pending inputs. Every action is a gateway call made
for the Telegram user who sent the update; Odoo decides what that user may see and do, so
callback data only carries ids and nonces and is never trusted for authorisation."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import asyncio
import logging
import re
import time

from telegram import Bot, Message, MessageEntity, Update

from . import fmt
from .analytics import AnalyticsScreens
from .approvals import ApprovalScreens
from .config import Recognizer
from .gateway import GatewayClient, GatewayError, GatewayUnavailable
from .i18n import Translations, _
from .logsafe import redact
from .products import ProductScreens
from .rfqs import RfqScreens
from .state import StateStore
from .stock import StockScreens
from .ui import BACK, CANCEL, MENU, Turn

_logger = logging.getLogger(__name__)

LINK_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_VOICE_BYTES = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
RECOGNIZER_TIMEOUT = 120.0

LINK_HELP = _(
    "To use this assistant, connect your Odoo account:\n"
    "1. Open Odoo and click your avatar (top right) → Preferences.\n"
    "2. Click “Connect Telegram”.\n"
    "3. Open the link it shows (or scan its QR code) on this device.\n"
    "The link works once, for 10 minutes. I never ask for your password."
)
# gateway methods that change something: each carries the update's request id
WRITE_METHODS = frozenset(
    {
        "add_rfq_line",
        "update_rfq_line",
        "remove_rfq_line",
        "cancel_rfq",
        "decide_approval",
        "digest_to_rfqs",
        "plan_create_rfqs",
        "report_problem",
    }
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


class Conversation(ProductScreens, StockScreens, AnalyticsScreens, RfqScreens, ApprovalScreens):
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
            "tv": self.turnover,
            "tvx": self.turnover_xlsx,
            "sk": self.stock_dates,
            "skd": self.stock_date_prompt,
            "an": self.analytics_menu,
            "ac": self.analytics_chart,
            "at": self.analytics_top,
            "r": self.rfq_list,
            "o": self.rfq_show,
            "oa": self.rfq_add_prompt,
            "oap": self.rfq_add_product,
            "ar": lambda turn, rest="": self.add_existing(turn, rest, "replace"),
            "aa": lambda turn, rest="": self.add_existing(turn, rest, "add"),
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
            "dg": self.digest_order,
            "b": self.budget,
            "h": self.help,
            "rp": self.report_prompt,
        }

    async def call(self, turn: Turn, method: str, **kwargs) -> dict:
        if method in WRITE_METHODS:
            kwargs.setdefault("request_id", turn.request_id)
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
        elif kind == "stock_date":
            await self.stock_date_input(turn, pending, text)
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
