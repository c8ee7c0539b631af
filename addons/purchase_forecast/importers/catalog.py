"""KPGZ / SPGZ / STE catalog (kpgz_spgz_ste.xlsx): categories, products, catalog rows.

- Categories: every KPGZ code in the file plus all its parents derived from the dotted code
  ("01.20.01.03" -> "01.20.01" -> "01.20" -> "01"). A code's name is the KPGZ name of the file
  (written with the nicer casing of "конечную категорию справочника" when both say the same);
  parents the file never names have no name.
- Products: one per STE name and KPGZ code (key ``ste:<kpgz>:<name digest>``), with the
  characteristic names (``;``-separated in the file), the reference price (``реф.цена``), the
  SPGZ code and name when filled. STE have no code of their own in this file: ``code`` is None.
  When rows of one STE give different prices the first is kept and a warning says so.
- Catalog rows: one CatalogItem per row (links the STE to the contract it was bought under),
  key ``catalog:<contract>:<kpgz>:<name digest>`` (+ ``#n`` for repeats).
- ``NULL`` and ``-`` mean empty; rows holding nothing else (the file's trailing rows) are
  counted as empty and skipped silently.
- A reference price of zero or below is no price: the row is kept without it, with a warning;
  a price beyond any plausible value or a KPGZ code that is not dotted digits skips the row.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

from .common import (
    NUMBER_LIMIT,
    CategoryCollector,
    KeyMaker,
    Notes,
    ProductCollector,
    cell,
    digest,
    find_columns,
    is_kpgz_code,
    missing_columns,
    require_columns,
    trailing_unit,
)
from .messages import Message, _
from .records import CatalogItem, ParseResult, SkippedRow
from .values import OutOfRange, code_text, parse_number, text

KIND_LABEL = _("KPGZ / SPGZ / STE catalog")
COLUMNS = {
    "name": ("название сте", "наименование сте", "сте"),
    "characteristics": ("наименование характеристик", "характеристики"),
    "price": ("реф.цена", "реф. цена", "референтная цена"),
    "category_label": ("конечную категорию справочника", "конечная категория справочника"),
    "kpgz_code": ("кпгз код", "код кпгз"),
    "kpgz_name": ("кпгз", "наименование кпгз"),
    "spgz_code": ("спгз код", "код спгз"),
    "spgz_name": ("спгз", "наименование спгз"),
    "contract": ("реестровый номер в рк", "реестровый номер"),
}
REQUIRED = ("name", "kpgz_code")
OPTIONAL = tuple(name for name in COLUMNS if name not in REQUIRED)
EMPTY_MARKERS = {"null", "-", "—"}


def _clean(value):
    """NULL and "-" mean empty."""
    if isinstance(value, str) and value.strip().lower() in EMPTY_MARKERS:
        return None
    return value


def sniff(head: list[tuple], strict: bool = True) -> tuple[int, list[Message]] | None:
    """The catalog's header row; ``strict=False`` only needs the STE name column."""
    for index, row in enumerate(head, 1):
        columns, labels = find_columns(row, COLUMNS)
        if "name" in columns and (not strict or "kpgz_code" in columns):
            return index, [
                Message(
                    _("Line %(line)s has the catalog column '%(name)s'."),
                    {"line": index, "name": labels["name"]},
                )
            ]
    return None


def _same_name(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a.rstrip(". …").lower().replace("ё", "е") == b.rstrip(". …").lower().replace("ё", "е")


def parse(sheet, header_row: int, result: ParseResult) -> None:
    rows = sheet.rows
    columns, _labels = find_columns(rows[header_row - 1], COLUMNS)
    require_columns(columns, REQUIRED, COLUMNS, KIND_LABEL, header_row)
    absent = missing_columns(columns, OPTIONAL, COLUMNS, header_row)
    if absent:
        result.warnings.append(absent)
    notes = Notes()

    def skip(line: int, template: str, /, **params) -> None:
        result.skipped.append(SkippedRow(line, Message(template, params), sheet.name))

    keys = KeyMaker()
    products = ProductCollector()
    categories = CategoryCollector()
    prices: dict[str, set[float]] = {}
    empty = 0
    for line in range(header_row + 1, len(rows) + 1):
        row = tuple(_clean(v) for v in rows[line - 1])
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            empty += 1
            continue
        get = lambda name, row=row: cell(row, columns.get(name))
        name = text(get("name"))
        if not name:
            result.skipped.append(
                SkippedRow(
                    line, Message(_("Line %(line)s has no STE name."), {"line": line}), sheet.name
                )
            )
            continue
        try:
            price = parse_number(get("price"))
        except OutOfRange:
            skip(
                line,
                _(
                    "Line %(line)s: the reference price '%(value)s' is beyond any plausible "
                    "value (more than %(limit)s); the cell is damaged."
                ),
                line=line,
                value=text(get("price")),
                limit=NUMBER_LIMIT,
            )
            continue
        except ValueError:
            result.skipped.append(
                SkippedRow(
                    line,
                    Message(
                        _("Line %(line)s: the reference price '%(value)s' is not a number."),
                        {"line": line, "value": text(get("price"))},
                    ),
                    sheet.name,
                )
            )
            continue
        try:
            kpgz_code = code_text(get("kpgz_code"))
            spgz_code = code_text(get("spgz_code"))
            contract = code_text(get("contract"))
        except ValueError:
            result.skipped.append(
                SkippedRow(
                    line,
                    Message(
                        _("Line %(line)s: a code is stored as a number that lost digits."),
                        {"line": line},
                    ),
                    sheet.name,
                )
            )
            continue
        if not is_kpgz_code(kpgz_code):
            skip(
                line,
                _(
                    "Line %(line)s: '%(value)s' is not a KPGZ code (digits separated by points, "
                    "such as 01.20.01.03)."
                ),
                line=line,
                value=kpgz_code,
            )
            continue
        if price is not None and price <= 0:
            notes.add(
                _(
                    "%(count)s rows have a reference price of zero or below (lines %(lines)s); "
                    "they are imported without a price."
                ),
                line,
            )
            price = None
        kpgz_name = text(get("kpgz_name"))
        label = text(get("category_label"))
        category_name = label if _same_name(label, kpgz_name) else kpgz_name
        characteristics = tuple(
            dict.fromkeys(
                part.strip()
                for part in (text(get("characteristics")) or "").split(";")
                if part.strip()
            )
        )
        spgz_name = text(get("spgz_name"))
        product_key = f"ste:{kpgz_code or ''}:{digest(name)}"
        result.catalog_items.append(
            CatalogItem(
                name=name,
                characteristics=characteristics,
                reference_price=price,
                category_code=kpgz_code,
                category_name=category_name,
                spgz_code=spgz_code,
                spgz_name=spgz_name,
                contract=contract,
                product_key=product_key,
                key=keys(f"catalog:{contract or ''}:{kpgz_code or ''}:{digest(name)}"),
                row=line,
            )
        )
        products.add(
            product_key,
            line,
            code=None,
            name=name,
            unit=trailing_unit(spgz_name) or trailing_unit(name),
            category_code=kpgz_code,
            category_name=category_name,
            characteristics=characteristics,
            reference_price=price,
            spgz_code=spgz_code,
            spgz_name=spgz_name,
        )
        if price is not None:
            prices.setdefault(product_key, set()).add(round(price, 2))
        categories.add(kpgz_code, category_name)

    result.warnings.extend(notes.messages())
    conflicting = sum(1 for found in prices.values() if len(found) > 1)
    if conflicting:
        result.warnings.append(
            Message(
                _(
                    "%(count)s STE have different reference prices on different rows; the first "
                    "price in the file is kept."
                ),
                {"count": conflicting},
            )
        )
    result.products = products.values()
    result.categories = categories.categories()
    result.summary.update(
        {
            "rows_read": len(rows) - header_row,
            "empty_rows": empty,
            "rows_recognised": len(result.catalog_items),
            "rows_skipped": len(result.skipped),
            "catalog_items": len(result.catalog_items),
            "products": len(result.products),
            "categories": len(result.categories),
            "reference_prices": sum(1 for p in result.products if p.reference_price is not None),
        }
    )
