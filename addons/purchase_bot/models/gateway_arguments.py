# pylint: disable=prefer-env-translation
# (each function gets the caller's translator, env._, as `_`)
"""The gateway's edge: every argument the worker sends is checked for type, range and length
here, before it reaches the ORM, so bad input answers `invalid` instead of a traceback; dates
go back out as ISO text (iso_date).

Each function takes the caller's translator (`env._`) as `_` for its message and raises
GatewayRefusal("invalid", message).
"""
# `_` here is the caller's env._ (named so that Odoo's extractor finds the texts)
# pylint: disable=prefer-env-translation

import datetime as dt
import math

MAX_RECORD_ID = 2**31 - 1  # PostgreSQL integer
MAX_QUANTITY = 1e9
MAX_PRICE = 1e12
MAX_REQUEST_ID = 64
MAX_TELEGRAM_ID = 20  # Telegram ids are integers below 2**52
MIN_YEAR, MAX_YEAR = 1990, 2100


class GatewayRefusal(Exception):
    """An expected refusal, answered as {"error": {"code", "message"}}."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _invalid(message):
    return GatewayRefusal("invalid", message)


def _number(value):
    """A finite float from a JSON number or its text, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def record_id(value, _):
    """A positive database id (an int or its digits)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value <= MAX_RECORD_ID:
        raise _invalid(_("That is not a valid record id."))
    return value


def limit(value, default, maximum, _):
    """How many rows to return: `default` when empty, else a whole number from 1 to
    `maximum` (larger numbers are cut to `maximum`)."""
    if value in (None, "", 0, False):
        return default
    number = _number(value)
    if number is None or number != int(number) or number < 1:
        raise _invalid(_("The number of rows must be a whole number of at least 1."))
    return min(int(number), maximum)


def quantity(value, _):
    """A positive, finite quantity of at most a billion."""
    number = _number(value)
    if number is None or number <= 0:
        raise _invalid(_("The quantity must be positive."))
    if number > MAX_QUANTITY:
        raise _invalid(_("The quantity is too large."))
    return number


def price(value, _):
    """A price of zero or more, finite and sensible."""
    number = _number(value)
    if number is None or not 0 <= number <= MAX_PRICE:
        raise _invalid(_("The price must be a number of zero or more."))
    return number


def day(value, _):
    """A date from ISO text (YYYY-MM-DD), between 1990 and 2100."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str) and len(value) <= 32:
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            value = None
    if not isinstance(value, dt.date) or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _invalid(_("The date must be written as YYYY-MM-DD."))
    return value


def request_id(value, _):
    """The worker's idempotency key: text of at most 64 characters, or nothing."""
    if value in (None, "", False):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _invalid(_("The request id must be a short text."))
    value = str(value)
    if len(value) > MAX_REQUEST_ID:
        raise _invalid(_("The request id is longer than %(max)s characters.", max=MAX_REQUEST_ID))
    return value


def telegram_id(value, _):
    """A Telegram user id: its digits (an int or text)."""
    if isinstance(value, bool):
        value = None
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    digits = text[1:] if text.startswith("-") else text
    if not digits.isdigit() or len(text) > MAX_TELEGRAM_ID:
        raise _invalid(_("That is not a Telegram user id."))
    return text


def text(value, maximum, _):
    """Free text cut to `maximum` characters (anything else is refused)."""
    if value in (None, False):
        return ""
    if not isinstance(value, str):
        raise _invalid(_("Send text."))
    return value[:maximum]


def choice(value, allowed, _):
    """One of the `allowed` words, or nothing."""
    if value in (None, "", False):
        return None
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(_("Choose one of: %(choices)s.", choices=", ".join(allowed)))
    return value


def whole_number(value, minimum, maximum, _):
    """A whole number from `minimum` to `maximum` (an int or its digits)."""
    number = _number(value)
    if number is None or number != int(number) or not minimum <= number <= maximum:
        raise _invalid(
            _(
                "Give a whole number from %(minimum)s to %(maximum)s.",
                minimum=minimum,
                maximum=maximum,
            )
        )
    return int(number)


def iso_date(value):
    """A date or datetime as ``YYYY-MM-DD`` for the worker, None when empty."""
    if not value:
        return None
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
