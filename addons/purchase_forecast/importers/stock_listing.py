"""Stock listings per quarter (stock_leftovers_*.xlsx): closing balances per card/material.

Columns are found by their text: ``Code1``/``Code2``/``Code3`` (account, group,
sub-account), ``Name``, optionally ``Инвентарный номер``, and per quarter
``<q>Q<year>|остаток кон|<measure>`` with the measures балансовая стоимость (value),
количество (quantity), сумма амортизации, остаточная стоимость (residual value).

- One StockLevel per row and quarter whose closing columns are filled, dated at the quarter
  end. A quarter whose value or quantity is missing on a row while the other is present is
  skipped for that row with the reason; nothing is filled in.
- Mislabelled unit-price column (the 105 file): when a listing has no amortization column and
  on the rows with a quantity other than 1 the "балансовая стоимость" is the "остаточная
  стоимость" divided by the quantity (to the kopeck), that column is a unit price: the value
  is taken from "остаточная стоимость" and the unit price kept as ``unit_price``. This is
  decided from the numbers, not from the file name, and reported as a warning.
- Incomplete quarters (the 101 file's Q4): a sub-account that has rows in one quarter and none
  at all in the next is reported as a warning (its stock at that date is not in the file and
  is not invented).
- Account codes stored as numbers (101.3) are read with two decimals ("101.30").
- A negative value or quantity, or one beyond any plausible value, skips that quarter of the
  row with the reason; quarter columns of a year outside 1990..2100 are not read (warning).
- Key: ``stock:<account>:<inventory number>:<quarter end>``, or for rows without an
  inventory number ``stock:<account>:<sub-account>:<name digest>:<quarter end>``; repeats get
  ``#2``... in file order.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import datetime
import re
from collections import defaultdict

from .common import (
    NUMBER_LIMIT,
    KeyMaker,
    ProductCollector,
    cell,
    digest,
    find_columns,
    missing_columns,
    total,
    trailing_unit,
)
from .messages import ImportFileError, Message, _
from .records import ParseResult, SkippedRow, StockLevel
from .values import (
    MAX_YEAR,
    MIN_YEAR,
    OutOfRange,
    code_text,
    fmt_date,
    fmt_money,
    header_key,
    norm_header,
    parse_number,
    row_is_blank,
    text,
)

COLUMNS = {
    "account": ("code1", "счет"),
    "group": ("code2", "группа"),
    "sub_account": ("code3", "субсчет"),
    "name": ("name", "наименование", "номенклатура"),
    "inventory": ("инвентарный номер", "инв. номер", "инв. №"),
}
OPTIONAL = ("account", "group", "sub_account", "inventory")
_PERIOD_COLUMN = re.compile(r"^([1-4])\s?q\s?(\d{4})\s?\|\s?остаток кон\.?\s?\|(.+)$")
MEASURES = {
    header_key(label): kind
    for label, kind in (
        ("балансовая стоимость", "value"),
        ("количество", "qty"),
        ("кол-во", "qty"),
        ("остаточная стоимость", "residual"),
        ("сумма амортизации", "amortization"),
        ("дебет|сумма", "value"),
        ("дебет|кол-во", "qty"),
        ("дебет|количество", "qty"),
    )
}
UNIT_PRICE_SHARE = 0.9


def _period_columns(header: tuple) -> dict[datetime.date, dict[str, int]]:
    periods: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for col, value in enumerate(header):
        match = _PERIOD_COLUMN.match(norm_header(value).replace(" |", "|").replace("| ", "|"))
        if not match:
            continue
        quarter, year, measure = int(match.group(1)), int(match.group(2)), match.group(3)
        kind = MEASURES.get(header_key(measure))
        if kind is None or not MIN_YEAR <= year <= MAX_YEAR:
            continue
        month = 3 * quarter
        end = (
            datetime.date(year, 12, 31)
            if month == 12
            else datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        )
        periods[end].setdefault(kind, col)
    return dict(sorted(periods.items()))


def sniff(head: list[tuple]) -> tuple[int, list[Message]] | None:
    for index, row in enumerate(head, 1):
        periods = _period_columns(row)
        columns, _labels = find_columns(row, COLUMNS)
        if "name" in columns and any({"value", "qty"} <= set(p) for p in periods.values()):
            return index, [
                Message(
                    _(
                        "Line %(line)s has closing balance columns for %(count)s quarters "
                        '("<q>Q<year>|остаток кон|...").'
                    ),
                    {"line": index, "count": len(periods)},
                )
            ]
    return None


def _warn_years_out_of_range(header: tuple, result: ParseResult) -> None:
    """Quarter columns dated outside MIN_YEAR..MAX_YEAR ("1Q1900|...") are not read: say so."""
    labels = []
    for value in header:
        match = _PERIOD_COLUMN.match(norm_header(value).replace(" |", "|").replace("| ", "|"))
        if match and not MIN_YEAR <= int(match.group(2)) <= MAX_YEAR:
            labels.append(text(value))
    if labels:
        result.warnings.append(
            Message(
                _(
                    "The columns %(columns)s name a year outside %(first)s-%(last)s; they are "
                    "not imported."
                ),
                {
                    "columns": ", ".join(f"'{label}'" for label in labels),
                    "first": MIN_YEAR,
                    "last": MAX_YEAR,
                },
            )
        )


def _unit_price_layout(rows, header_row, periods) -> tuple[bool, int, int]:
    """Whether "балансовая стоимость" holds unit prices (see module docstring)."""
    if any("amortization" in p for p in periods.values()):
        return False, 0, 0
    candidates = matches = 0
    for row in rows[header_row:]:
        for cols in periods.values():
            if not {"value", "qty", "residual"} <= set(cols):
                continue
            try:
                value = parse_number(cell(row, cols["value"]))
                qty = parse_number(cell(row, cols["qty"]))
                residual = parse_number(cell(row, cols["residual"]))
            except ValueError:
                continue
            if None in (value, qty, residual) or qty <= 0 or qty == 1:
                continue
            candidates += 1
            if abs(round(residual / qty, 2) - value) <= 0.0051 and abs(value - residual) > 0.005:
                matches += 1
    return candidates >= 3 and matches >= UNIT_PRICE_SHARE * candidates, matches, candidates


def parse(sheet, header_row: int, result: ParseResult) -> None:
    rows = sheet.rows
    header = rows[header_row - 1]
    columns, _labels = find_columns(header, COLUMNS)
    periods = _period_columns(header)
    if "name" not in columns:
        raise ImportFileError(
            _(
                "This looks like a stock listing but its header (line %(line)s) has no 'Name' "
                "column."
            ),
            row=header_row,
            line=header_row,
        )
    absent = missing_columns(columns, OPTIONAL, COLUMNS, header_row)
    if absent:
        result.warnings.append(absent)
    _warn_years_out_of_range(header, result)
    incomplete = [end for end, cols in periods.items() if not {"value", "qty"} <= set(cols)]
    for end in incomplete:
        result.warnings.append(
            Message(
                _(
                    "The columns for the quarter ending %(date)s lack the value or the quantity; "
                    "that quarter is not imported."
                ),
                {"date": fmt_date(end)},
            )
        )
        del periods[end]
    if not periods:
        raise ImportFileError(
            _(
                "This looks like a stock listing but no quarter has both a value and a quantity "
                "column."
            )
        )
    unit_price, matches, candidates = _unit_price_layout(rows, header_row, periods)
    if unit_price:
        result.warnings.append(
            Message(
                _(
                    "The column 'балансовая стоимость' holds unit prices, not values: on "
                    "%(matches)s of %(candidates)s rows with several units it equals "
                    "'остаточная стоимость' divided by the quantity. Values are taken from "
                    "'остаточная стоимость'."
                ),
                {"matches": matches, "candidates": candidates},
            )
        )

    def skip(row_number: int, template: str, /, **params) -> None:
        result.skipped.append(SkippedRow(row_number, Message(template, params), sheet.name))

    keys = KeyMaker()
    products = ProductCollector()
    recognised = empty = 0
    present: dict[datetime.date, dict[str, list]] = {end: defaultdict(list) for end in periods}
    for line in range(header_row + 1, len(rows) + 1):
        row = rows[line - 1]
        if not row or row_is_blank(row):
            empty += 1
            continue
        name = text(cell(row, columns["name"]))
        try:
            account = code_text(cell(row, columns.get("account")))
            sub_account = code_text(cell(row, columns.get("sub_account")), decimals=2)
            inventory = code_text(cell(row, columns.get("inventory")))
        except ValueError:
            skip(
                line,
                _(
                    "Line %(line)s: an account or inventory number is stored as a number "
                    "that lost digits."
                ),
                line=line,
            )
            continue
        if not name:
            skip(line, _("Line %(line)s has no item name."), line=line)
            continue
        unit = trailing_unit(name)
        found = False
        for end, cols in periods.items():
            raw = {kind: cell(row, col) for kind, col in cols.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            try:
                numbers = {kind: parse_number(v) for kind, v in raw.items()}
            except OutOfRange:
                skip(
                    line,
                    _(
                        "Line %(line)s: the quarter ending %(date)s has a value beyond any "
                        "plausible stock (more than %(limit)s); the cell is damaged."
                    ),
                    line=line,
                    date=fmt_date(end),
                    limit=NUMBER_LIMIT,
                )
                continue
            except ValueError:
                skip(
                    line,
                    _(
                        "Line %(line)s: the quarter ending %(date)s has a value that is not "
                        "a number."
                    ),
                    line=line,
                    date=fmt_date(end),
                )
                continue
            if numbers.get("value") is None or numbers.get("qty") is None:
                skip(
                    line,
                    _(
                        "Line %(line)s: the quarter ending %(date)s has a value without a quantity "
                        "or a quantity without a value; it is not imported."
                    ),
                    line=line,
                    date=fmt_date(end),
                )
                continue
            if any(v is not None and v < 0 for v in numbers.values()):
                skip(
                    line,
                    _(
                        "Line %(line)s: the quarter ending %(date)s has a negative value or "
                        "quantity; stock cannot be below zero."
                    ),
                    line=line,
                    date=fmt_date(end),
                )
                continue
            if unit_price:
                value, price, residual = numbers.get("residual"), numbers["value"], None
                if value is None:
                    skip(
                        line,
                        _(
                            "Line %(line)s: the quarter ending %(date)s has no "
                            "'остаточная стоимость'."
                        ),
                        line=line,
                        date=fmt_date(end),
                    )
                    continue
            else:
                value, price, residual = numbers["value"], None, numbers.get("residual")
            identity = f"{inventory}" if inventory else f"{sub_account or ''}:{digest(name)}"
            result.stock_levels.append(
                StockLevel(
                    date=end,
                    product_code=None,
                    product_name=name,
                    account=account,
                    sub_account=sub_account,
                    quantity=numbers["qty"],
                    value=round(value, 2),
                    key=keys(f"stock:{account or ''}:{identity}:{end.isoformat()}"),
                    row=line,
                    inventory_number=inventory,
                    unit=unit,
                    unit_price=price,
                    residual_value=residual,
                )
            )
            present[end][sub_account].append(value)
            found = True
        if found:
            recognised += 1
            products.add(f"name:{digest(name)}", line, code=None, name=name, unit=unit)

    ends = [end for end in periods if present[end]]
    for end in periods:
        if not present[end]:
            result.warnings.append(
                Message(
                    _("The file has no closing balances for the quarter ending %(date)s."),
                    {"date": fmt_date(end)},
                )
            )
    for previous, current in zip(ends, ends[1:], strict=False):
        for sub_account, values in present[previous].items():
            if sub_account not in present[current]:
                result.warnings.append(
                    Message(
                        _(
                            "Sub-account %(sub_account)s has %(count)s rows (%(value)s) at "
                            "%(previous)s but none at %(date)s: that quarter looks incomplete in "
                            "the file; its stock for this sub-account at %(date)s is not "
                            "imported."
                        ),
                        {
                            "sub_account": sub_account,
                            "count": len(values),
                            "value": fmt_money(total(values)),
                            "previous": fmt_date(previous),
                            "date": fmt_date(current),
                        },
                    )
                )

    result.products = products.values()
    result.summary.update(
        {
            "rows_read": len(rows) - header_row,
            "empty_rows": empty,
            "rows_recognised": recognised,
            "rows_skipped": len({s.row for s in result.skipped}),
            "stock_levels": len(result.stock_levels),
            "products": len(result.products),
            "periods": [
                {
                    "date": end,
                    "rows": sum(len(v) for v in present[end].values()),
                    "value": total(s.value for s in result.stock_levels if s.date == end),
                    "quantity": total(
                        (s.quantity for s in result.stock_levels if s.date == end), 3
                    ),
                }
                for end in periods
            ],
        }
    )
    if keys.repeated:
        result.warnings.append(
            Message(
                _(
                    "%(count)s rows repeat the identity (inventory number or name) of another row "
                    "for the same quarter; they are kept apart by their order in the file."
                ),
                {"count": keys.repeated},
            )
        )
