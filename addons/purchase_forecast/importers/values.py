"""Cell value helpers: text, codes, numbers and dates read strictly, never guessed."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
# control characters as openpyxl writes them into XML text ("_x0007_")
_ESCAPED_CONTROL = re.compile(r"_x00[01][0-9a-fA-F]_")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
_NON_ALNUM = re.compile(r"[\W_]+")

# a value beyond any amount or quantity a procurement file holds (10 trillion): a damaged
# cell, refused rather than added up (sums of such values overflow a float)
MAX_ABS_NUMBER = 1e13
# dates a procurement file can mean; 1900-01-01 or 9999-12-31 are blank or damaged cells
MIN_YEAR = 1990
MAX_YEAR = 2100
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\S*)?$")


def is_blank(value) -> bool:
    """True for None and strings holding only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(row) -> bool:
    return all(is_blank(v) for v in row)


def strip_invisible(value: str) -> str:
    """Text without invisible characters: format characters (zero-width space, left-to-right
    and right-to-left marks, BOM, soft hyphen), control characters other than whitespace, and
    the escaped control characters ("_x0007_") that spreadsheets leave in text."""
    value = _ESCAPED_CONTROL.sub("", value)
    if value.isascii() and value.isprintable():
        return value
    return "".join(
        ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co")
    )


class OutOfRange(ValueError):
    """A number or date that reads well but cannot be meant (1e308, the year 9999)."""


def text(value) -> str | None:
    """A cell as clean text (whitespace collapsed, invisible characters removed), None when
    blank."""
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
    return _SPACES.sub(" ", strip_invisible(str(value))).strip() or None


def code_text(value, decimals: int | None = None) -> str | None:
    """A code (contract number, SPGZ id, inventory number, account) as text.

    Codes should be text cells; an integer cell is exact and kept as its digits. A float cell
    is only accepted when it is a short integral number, or an account code rendered with
    ``decimals`` digits after the point (Excel turns "101.30" into 101.3). A float of 15 digits
    or more has already lost digits in the file, and so has a text in scientific notation
    ("2,12770E+35", what Excel shows for a long code typed as a number): ValueError.
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
    result = text(value)
    if result is not None and _SCIENTIFIC.match(result):
        raise ValueError(value)
    return result


def parse_number(value) -> float | None:
    """A number from a cell: numeric cells as they are; text with a decimal comma or point and
    spaces as thousands separators ("1 234,56", "1234.56", "1,234.56"). None when blank;
    ValueError when the text is not a number (never guessed); OutOfRange (a ValueError) when
    it is beyond ``MAX_ABS_NUMBER``."""
    result = _read_number(value)
    if result is not None and abs(result) > MAX_ABS_NUMBER:
        raise OutOfRange(value)
    return result


def _read_number(value) -> float | None:
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
    raw = _SPACES.sub("", strip_invisible(value))
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


def parse_numbers(get, names) -> tuple[dict, str | None, ValueError | None]:
    """Parse the cells ``get(name)`` of several columns of one row as numbers.

    Returns ({name: number or None}, None, None), or (the numbers read so far, the first name
    whose cell is not a number, the error: OutOfRange for a number beyond any plausible value)
    so that the caller can skip the row naming that column."""
    numbers = {}
    for name in names:
        try:
            numbers[name] = parse_number(get(name))
        except ValueError as error:
            return numbers, name, error
    return numbers, None, None


def parse_date(value) -> datetime.date | None:
    """A date from a cell: date cells, or text as dd.mm.yyyy or ISO yyyy-mm-dd (an optional
    time is ignored). None when blank; ValueError otherwise (numbers are not taken as Excel
    serial dates: that would be a guess); OutOfRange (a ValueError) for a year outside
    ``MIN_YEAR``..``MAX_YEAR``."""
    result = _read_date(value)
    if result is not None and not MIN_YEAR <= result.year <= MAX_YEAR:
        raise OutOfRange(value)
    return result


def _read_date(value) -> datetime.date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    raw = strip_invisible(value).strip()
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
    """A header cell for comparison: compatibility forms unified (NFKC), invisible characters
    removed, lower case, ё as е, whitespace collapsed."""
    result = text(value)
    if result is None:
        return ""
    return unicodedata.normalize("NFKC", result).lower().replace("ё", "е")


def header_key(value) -> str:
    """A header as compared with the expected column names: :func:`norm_header` with every
    space and punctuation mark removed, so that "Оплачено, руб.*", "оплачено руб" and
    "Оплачено,\u200bруб." all find the column "Оплачено, руб."."""
    return _NON_ALNUM.sub("", norm_header(value))


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
