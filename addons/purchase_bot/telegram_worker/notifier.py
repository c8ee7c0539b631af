"""Delivery of Odoo's outbox: fetch claimed messages, send each to its Telegram user, ack.

Retries are Odoo's job (``outbox_ack`` with ``delivered=False`` schedules one). Within one run
of the worker a message is sent at most once: an id offered again after a lost ack is only
acknowledged again."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from .gateway import GatewayClient, GatewayError, GatewayUnavailable
from .logsafe import redact
from .ui import CALLBACK_LIMIT, LABEL_LIMIT, NO_PREVIEW, TEXT_LIMIT, clip

_logger = logging.getLogger(__name__)


class Notifier:
    """Sends Odoo's notifications; ``run`` polls the outbox every ``interval`` seconds."""

    def __init__(self, gateway: GatewayClient, bot: Bot, batch: int = 50):
        self.gateway = gateway
        self.bot = bot
        self.batch = batch
        self.sent: set[int] = set()
        self._unacked: dict[int, tuple[bool, str | None]] = {}

    async def run_once(self) -> int:
        """One delivery round; the number of messages sent."""
        for message_id, (delivered, error) in list(self._unacked.items()):
            await self._ack(message_id, delivered, error)
        answer = await self.gateway.call("outbox_fetch", limit=self.batch)
        count = 0
        for message in answer.get("messages") or []:
            message_id = message.get("id")
            if not isinstance(message_id, int):
                _logger.warning("Outbox message without an id skipped")
                continue
            if message_id in self.sent:
                # sent earlier in this run, its ack was lost: acknowledge, never resend
                await self._ack(message_id, True, None)
                continue
            delivered, error = await self._send(message)
            if delivered:
                self.sent.add(message_id)
                count += 1
            await self._ack(message_id, delivered, error)
        return count

    async def _send(self, message: dict) -> tuple[bool, str | None]:
        chat = str(message.get("telegram_user_id") or "")
        text = str(message.get("text") or "").strip()
        if not chat.lstrip("-").isdigit() or not text:
            return False, "message without a Telegram user id or text"
        try:
            await self.bot.send_message(
                chat_id=int(chat),
                text=clip(text, TEXT_LIMIT),
                link_preview_options=NO_PREVIEW,
                reply_markup=_keyboard(message.get("buttons")),
            )
        except TelegramError as exc:
            error = redact(str(exc) or type(exc).__name__)
            _logger.info("Outbox message %s not delivered: %s", message.get("id"), error)
            return False, error[:500]
        return True, None

    async def _ack(self, message_id: int, delivered: bool, error: str | None) -> None:
        try:
            await self.gateway.call(
                "outbox_ack", message_id=message_id, delivered=delivered, error=error
            )
        except GatewayUnavailable:
            self._unacked[message_id] = (delivered, error)  # acknowledged next round
            return
        except GatewayError as exc:
            _logger.warning("Outbox ack of %s refused: %s", message_id, exc.code)
        self._unacked.pop(message_id, None)

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except GatewayUnavailable:
                _logger.debug("Outbox round skipped: Odoo unavailable (next round retries)")
            except GatewayError as exc:
                _logger.warning("Outbox fetch refused: %s", exc.code)
            except Exception as exc:  # the delivery loop must outlive one bad round
                _logger.exception("Outbox delivery failed: %s", redact(exc))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)


def _keyboard(rows) -> InlineKeyboardMarkup | None:
    """Odoo's rows of ``[label, callback data]`` (labels already in the user's language);
    anything malformed is left out rather than failing the delivery."""
    keyboard = []
    for row in rows if isinstance(rows, list) else []:
        buttons = (
            [
                InlineKeyboardButton(clip(label, LABEL_LIMIT), callback_data=data)
                for label, data in (b for b in row if isinstance(b, list) and len(b) == 2)
                if isinstance(label, str)
                and label
                and isinstance(data, str)
                and 0 < len(data.encode()) <= CALLBACK_LIMIT
            ]
            if isinstance(row, list)
            else []
        )
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None
