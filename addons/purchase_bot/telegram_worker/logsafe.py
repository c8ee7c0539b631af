"""Logging that never shows the bot token or the Odoo API key.

The bot token sits in every Bot API URL (httpx logs those at INFO), in PTB's DEBUG line
"Set Bot API URL" and in the text of ``InvalidToken``. Records are redacted when they are
created, so every handler (console, file, pytest's capture) sees the redacted text.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback

MASK = "[REDACTED]"
# any Telegram bot token, also one that is not ours (e.g. pasted into an error text)
_TOKEN_PATTERN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")  # also inside "/bot<token>/"
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: object) -> str:
    """``text`` as a string with every known secret and token-looking string masked."""
    value = str(text)
    for secret in sorted(_secrets, key=len, reverse=True):
        value = value.replace(secret, MASK)
    return _TOKEN_PATTERN.sub(MASK, value)


def _needs_redaction(text: str) -> bool:
    return any(secret in text for secret in _secrets) or bool(_TOKEN_PATTERN.search(text))


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to the handler to complain
        message = str(record.msg)
    if _needs_redaction(message):
        record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if _needs_redaction(text):
            # formatters use exc_text when set; drop exc_info so nobody re-formats it
            record.exc_text, record.exc_info = redact(text), None
    if record.stack_info and _needs_redaction(record.stack_info):
        record.stack_info = redact(record.stack_info)


def install_redaction(*secrets: str) -> None:
    """Mask ``secrets`` in every log record from now on (idempotent)."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s)
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def quiet_http_loggers() -> None:
    """httpx logs every request URL, bot token included, at INFO."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_logging(level: str, *secrets: str) -> None:
    """Console logging for the worker process, with secrets masked."""
    install_redaction(*secrets)
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet_http_loggers()
