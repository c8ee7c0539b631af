"""Generic demand files (CSV or XLSX): date, product code or name, quantity, amount, warehouse.

The columns come from a mapping ``{field: header text}`` (FIELDS), guessed from English and
Russian header names by :func:`guess_mapping` or given by the user. Each data row becomes a
DemandRecord; a row whose date, quantity or amount cannot be read is skipped with the reason,
never guessed. Numbers accept a decimal comma or point and spaces as thousands separators;
dates dd.mm.yyyy or ISO yyyy-mm-dd (or date cells) between 1990 and 2100. A negative
quantity or amount is not demand (a return or a correction): the row is skipped with the
reason. Mapped headers are found ignoring case, spaces, punctuation and invisible
characters. Key: ``generic:<date>:<code or name
digest>:<warehouse>:<document>`` (+ ``#n`` for repeats in file order), so that re-importing a
corrected file updates rows instead of duplicating them.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import re

from .common import (
    KeyMaker,
    ProductCollector,
    cell,
    digest,
    number_reason,
    total,
    trailing_unit,
)
from .messages import ImportFileError, Message, _
from .records import DemandRecord, ParseResult, SkippedRow, Vendor
from .values import (
    MAX_YEAR,
    MIN_YEAR,
    OutOfRange,
    code_text,
    header_key,
    norm_header,
    parse_date,
    parse_numbers,
    row_is_blank,
    text,
)

FIELDS = (
    "date",
    "product_code",
    "product_name",
    "quantity",
    "amount",
    "warehouse",
    "document",
    "unit",
    "vendor",
    "category",
)
ALIASES = {
    "date": (
        "дата",
        "date",
        "дата документа",
        "дата операции",
        "дата отгрузки",
        "дата поставки",
        "дата заказа",
        "дата продажи",
        "день",
        "период",
        "day",
        "order date",
        "posting date",
        "ship date",
        "period",
    ),
    "product_code": (
        "код",
        "артикул",
        "code",
        "sku",
        "код товара",
        "код номенклатуры",
        "код продукта",
        "item code",
        "product code",
        "internal reference",
        "default code",
        "part number",
        "item number",
        "арт",
    ),
    "product_name": (
        "наименование",
        "название",
        "номенклатура",
        "товар",
        "продукт",
        "наименование товара",
        "наименование номенклатуры",
        "материал",
        "name",
        "product",
        "item",
        "product name",
        "item name",
        "description",
        "article",
    ),
    "quantity": (
        "количество",
        "кол-во",
        "кол",
        "колво",
        "qty",
        "quantity",
        "units",
        "count",
        "расход",
        "отпущено",
    ),
    "amount": (
        "сумма",
        "стоимость",
        "сумма руб",
        "сумма с ндс",
        "сумма без ндс",
        "amount",
        "total",
        "value",
        "sum",
        "cost",
        "revenue",
        "сумма, руб.",
    ),
    "warehouse": ("склад", "warehouse", "location", "место хранения", "подразделение", "store"),
    "document": (
        "документ",
        "номер документа",
        "document",
        "doc",
        "reference",
        "номер",
        "заказ",
        "номер заказа",
        "order",
        "invoice",
        "накладная",
    ),
    "unit": ("ед. изм.", "ед.изм.", "единица измерения", "ед", "ед. изм", "uom", "unit"),
    "vendor": ("поставщик", "vendor", "supplier", "контрагент"),
    "category": ("категория", "группа", "category", "product category"),
}
REQUIRED_ANY = (("date",), ("product_code", "product_name"), ("quantity", "amount"))
_WORDS = re.compile(r"[^\w%]+")


def _words(value: str) -> str:
    return " ".join(_WORDS.sub(" ", value).split())


_ALIAS_WORDS = {field: {_words(a) for a in aliases} for field, aliases in ALIASES.items()}


def guess_mapping(headers) -> dict[str, str]:
    """Guess ``{field: header}`` from header texts (English or Russian).

    An exact alias ("Кол-во", "Qty") wins over a header that starts with an alias ("Сумма,
    руб.", "Количество, шт"); each header serves one field, each field one header (the
    leftmost). Fields not found are absent."""
    labels = [(text(h) or "") for h in headers]
    normalised = [_words(norm_header(h)) for h in headers]
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for exact in (True, False):
        for field_name in FIELDS:
            if field_name in mapping:
                continue
            for index, header in enumerate(normalised):
                if index in used or not header:
                    continue
                aliases = _ALIAS_WORDS[field_name]
                if exact:
                    hit = header in aliases
                else:
                    hit = any(header.startswith(alias + " ") for alias in aliases)
                if hit:
                    mapping[field_name] = labels[index]
                    used.add(index)
                    break
    return mapping


def mapping_is_usable(mapping: dict[str, str]) -> bool:
    return all(any(f in mapping for f in group) for group in REQUIRED_ANY)


def sniff(head: list[tuple]) -> tuple[int, list[Message]] | None:
    for index, row in enumerate(head, 1):
        mapping = guess_mapping(row)
        if mapping_is_usable(mapping):
            return index, [
                Message(
                    _("Line %(line)s has the columns %(columns)s."),
                    {"line": index, "columns": ", ".join(f"'{v}'" for v in mapping.values())},
                )
            ]
    return None


def _resolve(header: tuple, mapping: dict[str, str], row_number: int) -> dict[str, int]:
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise ImportFileError(
            _("The column mapping names unknown fields: %(fields)s."),
            fields=", ".join(sorted(unknown)),
        )
    normalised = [header_key(h) for h in header]
    columns = {}
    for field_name, label in mapping.items():
        if label is None or label == "":
            continue
        wanted = header_key(label)
        if wanted not in normalised:
            raise ImportFileError(
                _(
                    "The column '%(column)s' mapped to %(field)s is not in the header (line "
                    "%(line)s)."
                ),
                row=row_number,
                column=label,
                field=field_name,
                line=row_number,
            )
        columns[field_name] = normalised.index(wanted)
    for group in REQUIRED_ANY:
        if not any(f in columns for f in group):
            raise ImportFileError(
                _("The column mapping must give a column for %(fields)s."),
                fields=" or ".join(group),
            )
    return columns


def find_header(rows: list[tuple], mapping: dict[str, str]) -> int | None:
    """The first row among the first 40 holding every mapped header."""
    wanted = {header_key(v) for v in mapping.values() if v}
    for index, row in enumerate(rows[:40], 1):
        if wanted <= {header_key(v) for v in row}:
            return index
    return None


def parse(sheet, header_row: int, result: ParseResult, mapping: dict[str, str]) -> None:
    rows = sheet.rows
    columns = _resolve(rows[header_row - 1], mapping, header_row)

    def skip(row_number: int, template: str, /, **params) -> None:
        result.skipped.append(SkippedRow(row_number, Message(template, params), sheet.name))

    keys = KeyMaker()
    products = ProductCollector()
    vendors: dict[str, Vendor] = {}
    empty = 0
    for line in range(header_row + 1, len(rows) + 1):
        row = rows[line - 1]
        if not row or row_is_blank(row):
            empty += 1
            continue
        get = lambda name, row=row: cell(row, columns.get(name))
        try:
            date = parse_date(get("date"))
        except OutOfRange:
            skip(
                line,
                _(
                    "Line %(line)s: the date '%(value)s' is outside %(first)s-%(last)s; the cell "
                    "is blank or damaged."
                ),
                line=line,
                value=text(get("date")),
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
            continue
        except (ValueError, OverflowError):
            skip(
                line,
                _("Line %(line)s: '%(value)s' is not a date (dd.mm.yyyy or yyyy-mm-dd)."),
                line=line,
                value=text(get("date")),
            )
            continue
        if date is None:
            skip(line, _("Line %(line)s has no date."), line=line)
            continue
        try:
            code = code_text(get("product_code"))
        except ValueError:
            skip(
                line,
                _("Line %(line)s: the product code is stored as a number that lost digits."),
                line=line,
            )
            continue
        name = text(get("product_name"))
        if not code and not name:
            skip(line, _("Line %(line)s names no product (neither code nor name)."), line=line)
            continue
        numbers, bad, error = parse_numbers(get, ("quantity", "amount"))
        if bad:
            template, extra = number_reason(error)
            skip(
                line,
                template,
                line=line,
                value=text(get(bad)),
                column=mapping[bad],
                **extra,
            )
            continue
        negative = next((f for f in ("quantity", "amount") if (numbers[f] or 0) < 0), None)
        if negative:
            skip(
                line,
                _(
                    "Line %(line)s: '%(value)s' in column '%(column)s' is negative: a return or "
                    "a correction is not demand."
                ),
                line=line,
                value=text(get(negative)),
                column=mapping[negative],
            )
            continue
        if numbers["quantity"] is None and numbers["amount"] is None:
            skip(line, _("Line %(line)s has neither a quantity nor an amount."), line=line)
            continue
        warehouse = text(get("warehouse"))
        document = text(get("document"))
        vendor = text(get("vendor"))
        unit = text(get("unit")) or trailing_unit(name)
        product = code or digest(name)
        key = keys(f"generic:{date.isoformat()}:{product}:{warehouse or ''}:{document or ''}")
        result.demand.append(
            DemandRecord(
                date=date,
                product_code=code,
                product_name=name,
                quantity=numbers["quantity"],
                amount=None if numbers["amount"] is None else round(numbers["amount"], 2),
                key=key,
                row=line,
                category_name=text(get("category")),
                vendor=vendor,
                document=document,
                warehouse=warehouse,
                unit=unit,
            )
        )
        products.add(
            f"code:{code}" if code else f"name:{digest(name)}",
            line,
            code=code,
            name=name or code,
            unit=unit,
            category_name=text(get("category")),
        )
        if vendor:
            vendors.setdefault(vendor.lower(), Vendor(name=vendor))

    result.products = products.values()
    result.vendors = list(vendors.values())
    result.summary.update(
        {
            "rows_read": len(rows) - header_row,
            "empty_rows": empty,
            "rows_recognised": len(result.demand),
            "rows_skipped": len(result.skipped),
            "demand_records": len(result.demand),
            "products": len(result.products),
            "vendors": len(result.vendors),
            "total_amount": total(d.amount for d in result.demand),
            "total_quantity": total((d.quantity for d in result.demand), 3),
        }
    )
    if keys.repeated:
        result.warnings.append(
            Message(
                _(
                    "%(count)s rows repeat the date, product, warehouse and document of another "
                    "row; they are kept, told apart by their order in the file."
                ),
                {"count": keys.repeated},
            )
        )


def header_columns(content: bytes, filename: str) -> list[tuple[str, str]]:
    """The columns a person maps by hand in a generic file: (header, up to three sample
    values) for each named column of its header row (the detected one, or the first row
    with two filled cells)."""
    from .api import detect
    from .reader import Source

    try:
        detection = detect(filename, content)
    except ImportFileError:
        detection = None
    with Source(content, filename) as source:
        sheet = source.sheets[0]
        if detection is not None:
            sheet = next((s for s in source.sheets if s.name == detection.sheet), sheet)
        head = sheet.head()
    header_row = detection.header_row if detection and detection.header_row else None
    if header_row is None:
        header_row = next(
            (i for i, row in enumerate(head, 1) if sum(1 for v in row if text(v)) >= 2), None
        )
    if header_row is None:
        raise ImportFileError(_("No header row was found in %(file)s."), file=filename or "-")
    header = head[header_row - 1]
    samples = [row for row in head[header_row:] if row and not row_is_blank(row)][:3]
    columns = []
    for index, value in enumerate(header):
        label = text(value)
        if not label:
            continue
        found = [text(row[index]) for row in samples if index < len(row) and text(row[index])]
        columns.append((label, ", ".join(found)[:80]))
    return columns
