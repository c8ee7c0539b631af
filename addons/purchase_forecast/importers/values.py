"""Cell value helpers: text, codes, numbers and dates read strictly, never guessed."""

from __future__ import annotations

import datetime
import math
import re

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\S*)?$")


def is_blank(value) -> bool:
    """True for None and strings holding only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(row) -> bool:
    return all(is_blank(v) for v in row)


def text(value) -> str | None:
    """A cell as clean text (whitespace collapsed), None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _SPACES.sub(" ", str(value)).strip() or None


def code_text(value, decimals: int | None = None) -> str | None:
    """A code (contract number, SPGZ id, inventory number, account) as text.

    Codes should be text cells; an integer cell is exact and kept as its digits. A float cell
    is only accepted when it is a short integral number, or an account code rendered with
    ``decimals`` digits after the point (Excel turns "101.30" into 101.3). A float of 15 digits
    or more has already lost digits in the file: ValueError.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 1e15:
            raise ValueError(value)
        if decimals is not None:
            return f"{value:.{decimals}f}"
        if value.is_integer():
            return str(int(value))
        raise ValueError(value)
    return text(value)


def parse_number(value) -> float | None:
    """A number from a cell: numeric cells as they are; text with a decimal comma or point and
    spaces as thousands separators ("1 234,56", "1234.56", "1,234.56"). None when blank;
    ValueError when the text is not a number (never guessed)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(value)
        return float(value)
    if not isinstance(value, str):
        raise ValueError(value)
    raw = _SPACES.sub("", value)
    if raw.startswith("\u2212"):  # typographic minus
        raw = "-" + raw[1:]
    if "," in raw and "." in raw:
        # both: the last one is the decimal separator, the other groups thousands
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    if not _NUMBER.match(raw):
        raise ValueError(value)
    result = float(raw)
    if not math.isfinite(result):
        raise ValueError(value)
    return result


def parse_numbers(get, names) -> tuple[dict, str | None]:
    """Parse the cells ``get(name)`` of several columns of one row as numbers.

    Returns ({name: number or None}, None), or (the numbers read so far, the first name whose
    cell is not a number) so that the caller can skip the row naming that column."""
    numbers = {}
    for name in names:
        try:
            numbers[name] = parse_number(get(name))
        except ValueError:
            return numbers, name
    return numbers, None


def parse_date(value) -> datetime.date | None:
    """A date from a cell: date cells, or text as dd.mm.yyyy or ISO yyyy-mm-dd (an optional
    time is ignored). None when blank; ValueError otherwise (numbers are not taken as Excel
    serial dates: that would be a guess)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    raw = value.strip()
    match = _DMY.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    raise ValueError(value)


def norm_header(value) -> str:
    """A header cell for comparison: lower case, ё as е, whitespace collapsed."""
    result = text(value)
    if result is None:
        return ""
    return result.lower().replace("ё", "е")


def money(value: float | None) -> float | None:
    """Round to kopecks."""
    return None if value is None else round(value + 0.0, 2)


class Shown(str):
    """A number or a date inside a message: its English text (what ``str()`` shows) and the
    value itself, so that Odoo can write it the way the user's language does."""

    def __new__(cls, text: str, value, digits: int | None = None):
        shown = super().__new__(cls, text)
        shown.value = value
        shown.digits = digits
        return shown


def fmt_money(value: float | None) -> str:
    """A money amount for messages: 41,712,447.58 in English (a :class:`Shown`)."""
    return "-" if value is None else Shown(f"{value:,.2f}", value, 2)


def fmt_qty(value: float | None) -> str:
    if value is None:
        return "-"
    return Shown(f"{value:,.3f}".rstrip("0").rstrip("."), value)


def fmt_date(day: datetime.date) -> str:
    """A date for messages: ISO in English (a :class:`Shown`)."""
    return Shown(day.isoformat(), day)
