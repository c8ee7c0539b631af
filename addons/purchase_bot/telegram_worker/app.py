"""The worker: a python-telegram-bot Application with one update handler that de-duplicates,
keeps to private chats, rate-limits per user and hands the update to the conversation; plus
the outbox delivery loop."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from .config import Config
from .conversation import Conversation, command_of
from .gateway import GatewayClient
from .i18n import Translations, _
from .logsafe import install_redaction, quiet_http_loggers, redact
from .notifier import Notifier
from .ratelimit import RateLimiter
from .state import StateStore

_logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
OUTBOX_STOP_GRACE = 15.0
GROUP_REFUSAL = _("I only work in private chats: please write to me directly.")
RATE_LIMITED = _("Too many requests: please wait a minute and try again.")


class Worker:
    """Everything the process runs; ``run`` serves until ``stop`` is set."""

    def __init__(self, config: Config):
        install_redaction(*config.secrets)
        quiet_http_loggers()
        self.config = config
        self.store = StateStore(config.state_dir)
        self.translations = Translations(config.i18n_dir)
        self.gateway = GatewayClient(
            config.odoo_url,
            config.odoo_db,
            config.odoo_api_key,
            timeout=config.odoo_timeout,
        )
        self.limiter = RateLimiter(config.rate_limit, config.rate_window)
        self.conversation = Conversation(
            self.gateway,
            self.translations,
            self.store,
            recognizer=config.speech_recognizer,
            profile_ttl=config.profile_ttl,
        )
        self._locks: dict[str, asyncio.Lock] = {}
        # the last update ids in the order their handling finished (for monitoring and tests)
        self.processed: deque[int] = deque(maxlen=1000)
        self.on_processed: Callable[[int], None] | None = None
        self._requests = (
            HTTPXRequest(connection_pool_size=16, read_timeout=20.0, media_write_timeout=60.0),
            HTTPXRequest(connection_pool_size=1, read_timeout=10.0),
        )
        api = config.telegram_api_url
        self.application: Application = (
            ApplicationBuilder()
            .token(config.bot_token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            .concurrent_updates(16)
            .job_queue(None)
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self.on_update))
        self.application.add_error_handler(self.on_error)
        self.notifier = Notifier(self.gateway, self.application.bot, config.outbox_batch)

    # updates
    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            if not self.store.mark_seen(update.update_id):
                _logger.info("Update %s was already handled: skipped", update.update_id)
                return
            await self._dispatch(update, context)
        finally:
            self.processed.append(update.update_id)
            if self.on_processed:
                self.on_processed(update.update_id)

    async def _dispatch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or user.is_bot or chat is None:
            return
        lang = "ru_RU" if (user.language_code or "").lower().startswith("ru") else "en_US"
        if chat.type != "private":
            await self._refuse_group(update, context, lang)
            return
        verdict = self.limiter.check(str(user.id))
        if verdict != "allowed":
            _logger.info("Rate limit: update %s of user %s dropped", update.update_id, user.id)
            if verdict == "refuse_notice":
                await self._tell(update, context, RATE_LIMITED, lang)
            elif update.callback_query:
                with contextlib.suppress(TelegramError):
                    await update.callback_query.answer()
            return
        lock = self._locks.setdefault(str(user.id), asyncio.Lock())
        async with lock:
            await self.conversation.handle(update, context.bot)

    async def _refuse_group(self, update, context, lang: str) -> None:
        """In groups: a short refusal to commands and buttons, silence for the chatter."""
        command, _argument = command_of(update.message)
        if command and "@" in update.message.text.split(maxsplit=1)[0]:
            addressee = update.message.text.split(maxsplit=1)[0].split("@", 1)[1]
            if addressee.lower() != (context.bot.username or "").lower():
                return  # /command@another_bot: not for us
        if command or update.callback_query:
            await self._tell(update, context, GROUP_REFUSAL, lang)

    async def _tell(self, update: Update, context, text, lang: str) -> None:
        rendered = self.translations.render(text, lang)
        if update.callback_query:
            await update.callback_query.answer(text=rendered)
        else:
            await context.bot.send_message(chat_id=update.effective_chat.id, text=rendered)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = getattr(update, "update_id", None)
        _logger.error(
            "Error while handling update %s: %s: %s",
            update_id,
            type(error).__name__,
            redact(error),
            exc_info=error if not isinstance(error, TelegramError) else None,
        )
        if isinstance(update, Update) and update.effective_chat and update.effective_user:
            if update.effective_chat.type == "private":
                text = _("Something went wrong. Please try again or open /menu.")
                with contextlib.suppress(TelegramError):
                    await context.bot.send_message(
                        chat_id=update.effective_chat.id,
                        text=self.translations.render(text, "en_US"),
                    )

    # running
    def _polling_error(self, exc: TelegramError) -> None:
        _logger.warning("Polling Telegram failed: %s: %s", type(exc).__name__, redact(exc))

    async def run(self, stop: asyncio.Event, on_ready: Callable[[], None] | None = None) -> int:
        """Poll Telegram and deliver the outbox until ``stop`` is set; the exit status."""
        app = self.application
        try:
            await app.initialize()
        except InvalidToken:
            _logger.error(
                "Telegram rejected the bot token (TELEGRAM_BOT_TOKEN): check it with @BotFather"
            )
            await self._close()
            return 1
        except TelegramError as exc:
            _logger.error(
                "Cannot reach the Telegram Bot API at %s: %s",
                self.config.telegram_api_url,
                redact(exc),
            )
            await self._close()
            return 1
        outbox = None
        try:
            await app.start()
            try:
                await app.updater.start_polling(
                    timeout=int(self.config.poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                    error_callback=self._polling_error,
                )
            except TelegramError as exc:
                _logger.error("Cannot start polling Telegram: %s", redact(exc))
                return 1
            if self.config.outbox_interval > 0:
                outbox = asyncio.create_task(
                    self.notifier.run(stop, self.config.outbox_interval), name="outbox"
                )
            _logger.info(
                "Worker started as @%s; Odoo gateway at %s, database %s",
                app.bot.username,
                self.config.odoo_url,
                self.config.odoo_db,
            )
            if on_ready:
                on_ready()
            await stop.wait()
        finally:
            _logger.info("Worker stopping")
            if outbox:
                # let a delivery round in progress finish its acks (it stops after it):
                # a message sent but not acknowledged would be offered again next run
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(outbox, OUTBOX_STOP_GRACE)
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
            await self._close()
        return 0

    async def _close(self) -> None:
        await self.gateway.aclose()
        for request in self._requests:
            with contextlib.suppress(Exception):
                await request.shutdown()
