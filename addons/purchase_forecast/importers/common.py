"""Helpers shared by the parsers: keys, header lookup, categories, products, summaries."""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable

from .messages import ImportFileError, Message, _
from .records import Category, ProductInfo
from .values import MAX_ABS_NUMBER, OutOfRange, header_key, text

KPGZ_CODE = re.compile(r"^\d+(?:\.\d+)*$")
MAX_LISTED = 10

_KEY_TEXT = re.compile(r"\s+")

# units of measure as 1C and the supplier portal write them at the end of a name
# ("Клей МОМЕНТ Супер Гель, шт"), mapped to a canonical short name
UNIT_ALIASES = {
    "шт": "шт",
    "шт.": "шт",
    "штука": "шт",
    "штук": "шт",
    "упак": "упак",
    "упак.": "упак",
    "уп": "упак",
    "уп.": "упак",
    "упаковка": "упак",
    "пар": "пар",
    "пара": "пар",
    "рул": "рул",
    "рул.": "рул",
    "рулон": "рул",
    "компл": "компл",
    "компл.": "компл",
    "комплект": "компл",
    "к-т": "компл",
    "кг": "кг",
    "г": "г",
    "л": "л",
    "мл": "мл",
    "м": "м",
    "м2": "м2",
    "м3": "м3",
    "пач": "пач",
    "пач.": "пач",
    "пачка": "пач",
    "бут": "бут",
    "лист": "лист",
    "набор": "набор",
    "ед": "ед",
    "ед.": "ед",
    "усл. ед": "усл. ед",
}
_TRAILING_UNIT = re.compile(r",\s*([а-яё][а-яё0-9.\- ]{0,8})\s*$", re.IGNORECASE)


def key_text(value: str) -> str:
    """Text as it enters a key: lower case, ё as е, whitespace collapsed (stable on purpose:
    keys must not change when the fuzzy matcher's normalisation evolves)."""
    return _KEY_TEXT.sub(" ", value.lower().replace("ё", "е")).strip()


def digest(value: str) -> str:
    """A short stable fingerprint of a name for keys."""
    return hashlib.sha1(key_text(value).encode("utf-8")).hexdigest()[:12]  # noqa: S324


class KeyMaker:
    """Hands out keys; a base seen again gets "#2", "#3"... in file order.

    Used only where the source truly repeats an identity (same contract line, same asset
    name under the same sub-account): the occurrence number is stable for the same file."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.repeated = 0

    def __call__(self, base: str) -> str:
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        if count == 1:
            return base
        self.repeated += 1
        return f"{base}#{count}"


def trailing_unit(name: str | None) -> str | None:
    """The unit a name ends with after a comma ("…, шт" -> "шт"), when it is a known unit."""
    if not name:
        return None
    match = _TRAILING_UNIT.search(name)
    if not match:
        return None
    return UNIT_ALIASES.get(match.group(1).strip().lower())


def find_columns(
    header: tuple, spec: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], dict[str, str]]:
    """Map fields to column indexes by header text: an alias matches a header that differs
    only in case, spaces, punctuation, a trailing "*" or invisible characters (see
    :func:`values.header_key`).

    Returns (field -> index, field -> header text as written)."""
    keys = [header_key(cell) for cell in header]
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    for field_name, aliases in spec.items():
        for alias in aliases:
            wanted = header_key(alias)
            if wanted and wanted in keys:
                index = keys.index(wanted)
                columns[field_name] = index
                labels[field_name] = text(header[index]) or alias
                break
    return columns, labels


def missing_columns(
    columns: dict[str, int], optional: Iterable[str], spec, row: int
) -> Message | None:
    """A warning naming the optional columns a header lacks (their data is not imported)."""
    missing = [spec[name][0] for name in optional if name not in columns]
    if not missing:
        return None
    return Message(
        _(
            "The header (line %(line)s) has no column %(columns)s: that information is not "
            "imported. If the file has it under another name, rename the column and import "
            "again."
        ),
        {"line": row, "columns": ", ".join(f"'{name}'" for name in missing)},
    )


def require_columns(
    columns: dict[str, int], required: Iterable[str], spec, kind_label: str, row: int
) -> None:
    for field_name in required:
        if field_name not in columns:
            raise ImportFileError(
                _(
                    "This looks like a %(kind)s but its header (line %(line)s) has no column "
                    "'%(column)s'."
                ),
                row=row,
                kind=kind_label,
                line=row,
                column=spec[field_name][0],
            )


def cell(row: tuple, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def kpgz_parent(code: str) -> str | None:
    parts = code.split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 else None


class CategoryCollector:
    """KPGZ categories seen in a file, with every parent derived from the dotted code."""

    def __init__(self):
        self.names: dict[str, str | None] = {}

    def add(self, code: str | None, name: str | None) -> None:
        if not code:
            return
        if name or code not in self.names:
            self.names[code] = name or self.names.get(code)
        parent = kpgz_parent(code)
        while parent and parent not in self.names:
            self.names[parent] = None
            parent = kpgz_parent(parent)

    def categories(self) -> list[Category]:
        return [
            Category(code=code, name=self.names[code], parent_code=kpgz_parent(code))
            for code in sorted(self.names, key=_code_order)
        ]


def _code_order(code: str) -> list[tuple[int, int, str]]:
    """Dotted codes in numeric order ("01.9" before "01.10"); a part that is not a number
    sorts after the numbers instead of failing the comparison."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]


def is_kpgz_code(code: str | None) -> bool:
    """Whether a KPGZ code is digits separated by points ("01.20.01.03")."""
    return code is None or bool(KPGZ_CODE.match(code))


class Notes:
    """Rows that share one problem, reported as one warning naming the first lines.

    ``add(template, line)``: the template has ``%(count)s`` and ``%(lines)s``."""

    def __init__(self):
        self.lines: dict[str, list[int]] = {}

    def add(self, template: str, line: int) -> None:
        self.lines.setdefault(template, []).append(line)

    def messages(self) -> list[Message]:
        return [
            Message(template, {"count": len(lines), "lines": listed(lines)})
            for template, lines in self.lines.items()
        ]


def listed(numbers) -> str:
    """The first line numbers of a list for a message: "4, 9, 12 …"."""
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    return shown + (" …" if len(numbers) > MAX_LISTED else "")


def number_reason(error: ValueError | None) -> tuple[str, dict]:
    """The skip reason for a cell that is not a number, or one beyond any plausible value:
    (template with ``line``, ``value`` and ``column``, extra parameters)."""
    if isinstance(error, OutOfRange):
        return _(
            "Line %(line)s: '%(value)s' in column '%(column)s' is beyond any plausible value "
            "(more than %(limit)s); the cell is damaged."
        ), {"limit": NUMBER_LIMIT}
    return _("Line %(line)s: '%(value)s' in column '%(column)s' is not a number."), {}


NUMBER_LIMIT = f"{MAX_ABS_NUMBER:,.0f}"


class ProductCollector:
    """Products mentioned by a file, one per key, first-seen values kept, rows recorded."""

    def __init__(self):
        self.products: dict[str, ProductInfo] = {}

    def add(self, key: str, row: int, **values) -> ProductInfo:
        product = self.products.get(key)
        if product is None:
            product = ProductInfo(key=key, **values)
            self.products[key] = product
        else:
            for name, value in values.items():
                if getattr(product, name) in (None, ()) and value not in (None, ()):
                    setattr(product, name, value)
        product.rows.append(row)
        return product

    def values(self) -> list[ProductInfo]:
        return list(self.products.values())


def product_key(code: str | None, name: str | None, prefix: str = "code") -> str:
    if code:
        return f"{prefix}:{code}"
    return f"name:{digest(name or '')}"


def total(values: Iterable[float | None], digits: int = 2) -> float:
    """Exact-as-possible sum (math.fsum) rounded to ``digits``.

    Values reach here bounded by ``MAX_ABS_NUMBER``; a sum that still overflows a float is an
    ImportFileError, never an OverflowError."""
    try:
        result = math.fsum(v for v in values if v is not None)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise ImportFileError(
            _("The numbers of this file are too large to add up; the file is damaged.")
        )
    return round(result, digits)
