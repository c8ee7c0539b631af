"""Numbers and dates in the user's language (ru: 1 234,50 and 31.12.2025; en: 1,234.50 and
2025-12-31), and parsing of what users type."""

from __future__ import annotations

import datetime as dt
import math
import re

NBSP = "\u00a0"  # a no-break space keeps "1 234" on one line in Telegram
# language -> (thousands separator, decimal separator, date format, xlsx date format)
_STYLES = {
    "ru": (NBSP, ",", "%d.%m.%Y", "DD.MM.YYYY"),
    "en": (",", ".", "%Y-%m-%d", "YYYY-MM-DD"),
}


def base_lang(lang: str | None) -> str:
    """``ru_RU`` -> ``ru``; unknown or empty -> ``en``."""
    return (lang or "en").replace("-", "_").split("_")[0].lower() or "en"


def _style(lang: str | None):
    return _STYLES.get(base_lang(lang), _STYLES["en"])


def number(value: float | int | None, lang: str | None, digits: int | None = None) -> str:
    """Group thousands; ``digits`` fixed decimals, or None for up to 2 without trailing zeros."""
    if value is None:
        return "—"
    value = float(value)
    if not math.isfinite(value):
        return "—"
    thousands, decimal, _date, _xlsx = _style(lang)
    text = f"{abs(value):,.{2 if digits is None else digits}f}"
    if digits is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    integer, _sep, fraction = text.partition(".")
    integer = integer.replace(",", thousands)
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return sign + integer + (decimal + fraction if fraction else "")


def money(value: float | int | None, lang: str | None, currency: str | None = None) -> str:
    text = number(value, lang, digits=2)
    return f"{text}{NBSP}{currency}" if currency and value is not None else text


def to_date(value: dt.date | str | None) -> dt.date | None:
    """An ISO date (``2025-12-31``, also with a time part) as a date; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def date(value: dt.date | str | None, lang: str | None) -> str:
    day = to_date(value)
    if day is None:
        return "—" if not value else str(value)
    return day.strftime(_style(lang)[2])


def xlsx_date_format(lang: str | None) -> str:
    return _style(lang)[3]


def parse_number(text: str, lang: str | None) -> float | None:
    """What a user typed as a quantity or price: ``1 234,5``, ``1,234.5``, ``12.5``, ``12,5``."""
    raw = re.sub(r"[\s\u00a0\u202f']", "", text or "")
    if not re.fullmatch(r"[+]?[\d.,]*\d[\d.,]*", raw):
        return None
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif "," in raw:
        grouped = re.fullmatch(r"\d{1,3}(,\d{3})+", raw)
        raw = raw.replace(",", "") if grouped and base_lang(lang) != "ru" else raw.replace(",", ".")
    if raw.count(".") > 1:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_date(text: str) -> dt.date | None:
    """``31.12.2025``, ``31/12/2025`` or ``2025-12-31`` (two-digit years are 20xx)."""
    raw = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})", raw)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
