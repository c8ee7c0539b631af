"""One turn of the conversation: the update being answered, the user's language and state,
and the ways to answer (send, edit in place, photo, document, callback toast)."""
# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import hashlib
import logging

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.error import BadRequest, TelegramError

from .i18n import Translations, _
from .logsafe import redact

_logger = logging.getLogger(__name__)

SEARCH_LIMIT = 8
LIST_LIMIT = 30

BACK = _("⬅ Back")
MENU = _("🏠 Menu")
CANCEL = _("✖ Cancel")


def to_int(value: str) -> int | None:
    """An id from callback data: ASCII digits only, else None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
LABEL_LIMIT = 60
CALLBACK_LIMIT = 64
KEPT_BUTTON_KEYS = 100
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Turn:
    """What a handler needs to answer one update of one user in a private chat."""

    def __init__(
        self,
        update: Update,
        bot: Bot,
        translations: Translations,
        user_id: str,
        lang: str,
        state: dict,
    ):
        self.update = update
        self.bot = bot
        self.translations = translations
        self.user_id = user_id
        self.chat_id = update.effective_chat.id
        self.lang = lang
        self.state = state
        self.profile: dict | None = None
        self.query = update.callback_query
        self._answered = False

    @property
    def request_id(self) -> str:
        """The idempotency key of a write made for this update: the same update delivered
        again (even to another worker, or after the handled ids were lost) carries the same
        key, and Odoo answers it without doing the work twice. Callback query ids are
        unique; a message is unique by chat and message id (update ids are not: Telegram
        may restart them after a week without updates)."""
        if self.query is not None:
            return f"cb:{self.query.id}"[:64]
        message = self.update.effective_message
        message_id = message.message_id if message is not None else self.update.update_id
        return f"m:{self.chat_id}:{message_id}"[:64]

    def t(self, text) -> str:
        """``text`` (a marked text, an Odoo string, a number, a date…) in the user's language."""
        return self.translations.render(text, self.lang)

    def lines(self, *parts) -> str:
        return "\n".join(self.t(part) for part in parts if part is not None)

    # keyboards
    def _callback_data(self, data: str) -> str:
        """``data`` itself, or a short key kept in the user's state when it is too long."""
        if len(data.encode()) <= CALLBACK_LIMIT:
            return data
        key = hashlib.sha256(data.encode()).hexdigest()[:16]
        keys = self.state.setdefault("buttons", {})
        keys.pop(key, None)
        keys[key] = data
        while len(keys) > KEPT_BUTTON_KEYS:
            keys.pop(next(iter(keys)))
        return f"k:{key}"

    def markup(self, rows) -> InlineKeyboardMarkup | None:
        """Rows of ``(label, callback data)``; labels are translated and clipped."""
        if not rows:
            return None
        keyboard = [
            [
                InlineKeyboardButton(
                    clip(self.t(label), LABEL_LIMIT), callback_data=self._callback_data(data)
                )
                for label, data in row
            ]
            for row in rows
            if row
        ]
        return InlineKeyboardMarkup(keyboard)

    # answers
    async def send(self, text, rows=None) -> Message:
        return await self.bot.send_message(
            chat_id=self.chat_id,
            text=clip(self.t(text), TEXT_LIMIT),
            reply_markup=self.markup(rows),
            link_preview_options=NO_PREVIEW,
        )

    async def show(self, text, rows=None) -> None:
        """Replace the message whose button was pressed, or send a new message."""
        message = self.query.message if self.query else None
        if isinstance(message, Message) and message.text is not None:
            try:
                await self.bot.edit_message_text(
                    chat_id=self.chat_id,
                    message_id=message.message_id,
                    text=clip(self.t(text), TEXT_LIMIT),
                    reply_markup=self.markup(rows),
                    link_preview_options=NO_PREVIEW,
                )
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                _logger.info("Could not edit message %s: %s", message.message_id, redact(exc))
        await self.send(text, rows)

    async def photo(self, png: bytes, caption=None, rows=None) -> Message:
        return await self.bot.send_photo(
            chat_id=self.chat_id,
            photo=InputFile(png, filename="chart.png"),
            caption=clip(self.t(caption), CAPTION_LIMIT) if caption is not None else None,
            reply_markup=self.markup(rows),
        )

    async def document(self, data: bytes, filename: str, caption=None, rows=None) -> Message:
        return await self.bot.send_document(
            chat_id=self.chat_id,
            document=InputFile(data, filename=filename),
            caption=clip(self.t(caption), CAPTION_LIMIT) if caption is not None else None,
            reply_markup=self.markup(rows),
        )

    async def answer(self, text=None) -> None:
        """Answer the pressed button (once): a short toast, or just stop the spinner."""
        if not self.query or self._answered:
            return
        self._answered = True
        try:
            await self.query.answer(text=clip(self.t(text), 200) if text is not None else None)
        except TelegramError as exc:  # a query older than 15 minutes cannot be answered
            _logger.info("Could not answer a button press: %s", redact(exc))
