"""1C turnover balance sheets (оборотно-сальдовая ведомость по счету ...), any account/period.

Everything is found by its text, never by position: the title gives the account and the
period; the column header row holds "Сальдо на начало периода", "Обороты за период",
"Сальдо на конец периода" with "Дебет"/"Кредит" under each (16- and 18-column layouts
alike); the "Показатели" column says which row is the "Сумма" (value) row and which the
"Кол." (quantity) row that must follow it; the rows under the "Счет" header name the
analytic levels (e.g. "Основные средства", "ЦМО").

The body is read as a tree without relying on indentation or outline levels (lost in CSV or
re-saved files): account rows (codes under the sheet's account) set the sub-account; each
row of an upper analytic level is followed by the rows of the next level, which add up to
it. The item level is the analytic level whose header names items ("Основные средства",
"Номенклатура", "Материалы"...), otherwise the first one.

Output: one StockLevel per item at the period end (closing balance; opening, receipts =
debit turnover and issues = credit turnover kept alongside), one DemandRecord per item with
a credit turnover (issued = consumed), dated at the period END like the stock level (the
quarter's issues are only known once it closes; the two then reconcile: closing = opening +
receipts - issues). The imported totals are reconciled with the sheet's own "Итого" row:
any difference is an ImportFileError giving both numbers.

Checks per row as well: every row's closing balance must equal its opening balance plus the
debit turnover minus the credit turnover (values to the kopeck, quantities to 0.001), or the
file is refused naming the row; a sheet whose items mostly close on the credit side
(negative stock) has its "Дебет"/"Кредит" columns swapped or is no stock account and is
refused; the few items that close negative are named in a warning. A period outside
1990..2100, a title longer than ``MAX_TITLE_CHARS`` and amounts beyond any plausible value
are refused.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field

from .common import NUMBER_LIMIT, KeyMaker, ProductCollector, digest, listed, total, trailing_unit
from .messages import ImportFileError, Message, _
from .records import DemandRecord, ParseResult, StockLevel
from .values import (
    MAX_YEAR,
    MIN_YEAR,
    OutOfRange,
    fmt_money,
    fmt_qty,
    header_key,
    norm_header,
    parse_number,
    row_is_blank,
    text,
)

TITLE_WORDS = "оборотно-сальдовая ведомость"
GROUPS = {
    "opening": ("сальдо на начало периода", "сальдо на начало", "остаток на начало периода"),
    "turnover": ("обороты за период", "обороты", "оборот за период"),
    "closing": ("сальдо на конец периода", "сальдо на конец", "остаток на конец периода"),
}
SIDES = {"дебет": "debit", "кредит": "credit"}
GROUP_KEYS = {group: {header_key(a) for a in aliases} for group, aliases in GROUPS.items()}
SUM_ROW = "сумма"
QTY_ROW = "кол"
TOTAL_ROW = "итого"
MAX_TITLE_CHARS = 1000
MEASURES = [(g, s) for g in ("opening", "turnover", "closing") for s in ("debit", "credit")]
ITEM_LEVEL_WORDS = (
    "основн",
    "номенклатур",
    "материал",
    "товар",
    "имуществ",
    "нематериальн",
    "объект",
    "инвентар",
    "продукц",
)
VALUE_TOLERANCE = 0.005
QTY_TOLERANCE = 0.0005

MONTHS = (
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма[йяе]",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
)
_MONTH = "(" + "|".join(MONTHS) + r")[а-я]*"
_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})"
# one optional "г." between spaces written as "\s*(?:г\.?\s*)?", never "\s*(?:г\.?)?\s*":
# two adjacent \s* make a long run of spaces quadratic to search
_PERIOD_RANGE = re.compile(_DATE + r"\s*(?:г\.?\s*)?(?:-|–|—|по)\s*" + _DATE)
_MONTH_RANGE = re.compile(
    _MONTH + r"\s+(\d{4})\s*(?:г\.?\s*)?(?:-|–|—)\s*" + _MONTH + r"\s+(\d{4})"
)
_QUARTER = re.compile(r"\b([1-4]|i{1,3}|iv)\s*(?:-?й\s*)?кв(?:артал)?\.?\s*(\d{4})")
_HALF = re.compile(r"\b([12])\s*(?:-?е\s*)?полугоди[ея]\s*(\d{4})")
_NINE_MONTHS = re.compile(r"\b9\s*месяц[а-я]*\s*(\d{4})")
_ONE_MONTH = re.compile(r"(?:^|\s)" + _MONTH + r"\s+(\d{4})")
_YEAR = re.compile(r"\bза\s+(\d{4})\s*(?:г\.?|год)")
_ACCOUNT = re.compile(r"по\s+сч[её]ту\s+(\d+(?:\.\d+)*)")
_CODE = re.compile(r"^\d+(?:\.\d+)*$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_number(word: str) -> int:
    for index, stem in enumerate(MONTHS, 1):
        if re.match(stem, word):
            return index
    raise ValueError(word)


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def _year(value: str) -> int:
    year = int(value)
    return 2000 + year if year < 100 else year


def parse_period(title: str) -> tuple[datetime.date, datetime.date] | None:
    """(first day, last day) of the period a 1C report title names, or None.

    Understands "за 1 квартал 2022 г.", "за IV квартал 2022 г.", "за 1 полугодие 2022 г.",
    "за 9 месяцев 2022 г.", "за Январь 2022 г.", "Январь 2022 г. - Март 2022 г.",
    "за 2022 г.", "с 01.01.2022 по 31.03.2022" and "01.01.2022 - 31.03.2022"."""
    low = title.lower().replace("ё", "е")
    match = _PERIOD_RANGE.search(low)
    if match:
        d1, m1, y1, d2, m2, y2 = match.groups()
        try:
            start = datetime.date(_year(y1), int(m1), int(d1))
            end = datetime.date(_year(y2), int(m2), int(d2))
        except ValueError:
            return None
        return (start, end) if start <= end else None
    match = _MONTH_RANGE.search(low)
    if match:
        month1, year1, month2, year2 = match.groups()
        start = datetime.date(int(year1), _month_number(month1), 1)
        end = _month_end(int(year2), _month_number(month2))
        return (start, end) if start <= end else None
    match = _QUARTER.search(low)
    if match:
        raw, year = match.groups()
        quarter = int(raw) if raw.isdigit() else _ROMAN[raw]
        start = datetime.date(int(year), 3 * quarter - 2, 1)
        return start, _month_end(int(year), 3 * quarter)
    match = _HALF.search(low)
    if match:
        half, year = int(match.group(1)), int(match.group(2))
        return datetime.date(year, 6 * half - 5, 1), _month_end(year, 6 * half)
    match = _NINE_MONTHS.search(low)
    if match:
        year = int(match.group(1))
        return datetime.date(year, 1, 1), datetime.date(year, 9, 30)
    match = _ONE_MONTH.search(low)
    if match:
        month, year = _month_number(match.group(1)), int(match.group(2))
        return datetime.date(year, month, 1), _month_end(year, month)
    match = _YEAR.search(low)
    if match:
        year = int(match.group(1))
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return None


def sniff(head: list[tuple]) -> tuple[int, list[Message]] | None:
    for index, row in enumerate(head, 1):
        for value in row:
            if isinstance(value, str) and TITLE_WORDS in norm_header(value):
                return index, [
                    Message(
                        _("Line %(line)s is a 1C report title: '%(title)s'."),
                        {"line": index, "title": text(value)},
                    )
                ]
    for index, row in enumerate(head, 1):
        headers = {header_key(v) for v in row}
        if all(keys & headers for keys in GROUP_KEYS.values()):
            return index, [
                Message(
                    _(
                        "Line %(line)s has the opening, turnover and closing balance columns "
                        "of a turnover sheet."
                    ),
                    {"line": index},
                )
            ]
    return None


@dataclass
class _Entry:
    """A "Сумма" row and its "Кол." row: 6 values and 6 quantities."""

    name: str | None
    row: int
    values: list[float]
    quantities: list[float] | None

    def vector(self) -> list[float]:
        return self.values + (self.quantities or [0.0] * 6)


@dataclass
class _Node:
    entry: _Entry
    level: int
    children: list[_Node] = field(default_factory=list)


class _Layout:
    """Where things are: title, column header, label/indicator columns, measure columns."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows
        self.title, self.title_row = self._title()
        account = _ACCOUNT.search(self.title.lower().replace("ё", "е"))
        self.account = account.group(1) if account else None
        # the period follows the account: "по счету 10.01.01 за ..." must not read as a date
        self.period = parse_period(self.title[account.end() :] if account else self.title)
        if self.period is not None and not all(
            MIN_YEAR <= day.year <= MAX_YEAR for day in self.period
        ):
            raise ImportFileError(
                _(
                    "The turnover sheet's period %(start)s - %(end)s (title '%(title)s', line "
                    "%(line)s) is outside %(first)s-%(last)s: the title is damaged."
                ),
                row=self.title_row,
                start=self.period[0].isoformat(),
                end=self.period[1].isoformat(),
                title=self.title,
                line=self.title_row,
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
        if self.period is None:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but its title does not say which period it "
                    "covers: '%(title)s' (line %(line)s)."
                ),
                row=self.title_row,
                title=self.title,
                line=self.title_row,
            )
        self._columns()

    def _title(self) -> tuple[str, int]:
        for index, row in enumerate(self.rows[:40], 1):
            for value in row:
                if isinstance(value, str) and "ведомость" in value.lower():
                    if len(value) > MAX_TITLE_CHARS:
                        raise ImportFileError(
                            _(
                                "The turnover sheet's title at line %(line)s is %(length)s "
                                "characters long (at most %(limit)s): the cell is damaged."
                            ),
                            row=index,
                            line=index,
                            length=len(value),
                            limit=MAX_TITLE_CHARS,
                        )
                    return text(value), index
        raise ImportFileError(
            _(
                "This looks like a turnover sheet but it has no title naming the account and the "
                'period ("Оборотно-сальдовая ведомость по счету ... за ...").'
            )
        )

    def _columns(self) -> None:
        for index in range(self.title_row, min(len(self.rows), self.title_row + 40)):
            row = self.rows[index]
            headers = [header_key(v) for v in row]
            starts = {}
            for group, keys in GROUP_KEYS.items():
                for col, header in enumerate(headers):
                    if header in keys:
                        starts[group] = col
                        break
            if len(starts) == 3:
                self.header_row = index + 1
                break
        else:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but it has no header row with "
                    "'Сальдо на начало периода', 'Обороты за период' and "
                    "'Сальдо на конец периода'."
                )
            )
        header = [header_key(v) for v in self.rows[self.header_row - 1]]
        self.label_col = header.index("счет") if "счет" in header else 0
        self.indicator_col = header.index("показатели") if "показатели" in header else None
        sides_row = self.rows[self.header_row] if self.header_row < len(self.rows) else ()
        ordered = sorted(starts.items(), key=lambda item: item[1])
        self.measure_cols: dict[tuple[str, str], int] = {}
        for col, value in enumerate(sides_row):
            side = SIDES.get(header_key(value))
            if side is None:
                continue
            group = None
            for name, start in ordered:
                if start <= col:
                    group = name
            if group and (group, side) not in self.measure_cols:
                self.measure_cols[(group, side)] = col
        if ("closing", "debit") not in self.measure_cols:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but the 'Дебет' column under "
                    "'Сальдо на конец периода' (line %(line)s) is missing."
                ),
                row=self.header_row + 1,
                line=self.header_row + 1,
            )
        self.measure_labels = {
            key: f"{text(self.rows[self.header_row - 1][starts[key[0]]])} / {text(sides_row[col])}"
            for key, col in self.measure_cols.items()
        }


def _numbers(layout: _Layout, row: tuple, line: int) -> list[float]:
    result = []
    for measure in MEASURES:
        col = layout.measure_cols.get(measure)
        value = row[col] if col is not None and col < len(row) else None
        try:
            number = parse_number(value)
        except OutOfRange:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but line %(line)s has '%(value)s' in column "
                    "'%(column)s', beyond any plausible amount (more than %(limit)s): the cell is "
                    "damaged."
                ),
                row=line,
                line=line,
                value=text(value),
                column=layout.measure_labels[measure],
                limit=NUMBER_LIMIT,
            ) from None
        except ValueError:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but line %(line)s has '%(value)s' in column "
                    "'%(column)s', which is not a number."
                ),
                row=line,
                line=line,
                value=text(value),
                column=layout.measure_labels[measure],
            ) from None
        result.append(number or 0.0)
    return result


def _is_number(value) -> bool:
    try:
        return parse_number(value) is not None
    except ValueError:
        return False


def _cell(row: tuple, col: int | None):
    return row[col] if col is not None and col < len(row) else None


def _read_body(layout: _Layout) -> tuple[list[str], list[_Entry], _Entry, int]:
    """Analytic level names, body entries, the "Итого" entry and the body's first line."""
    rows = layout.rows
    # the analytic levels are named under "Счет" until the first amount row
    levels: list[str] = []
    line = layout.header_row + 1
    while line <= len(rows):
        row = rows[line - 1]
        indicator = header_key(_cell(row, layout.indicator_col))
        if layout.indicator_col is not None and indicator in (SUM_ROW, QTY_ROW):
            break
        if layout.indicator_col is None and any(
            _is_number(_cell(row, c)) for c in layout.measure_cols.values()
        ):
            break
        label = text(_cell(row, layout.label_col))
        if label and line > layout.header_row:
            levels.append(label)
        line += 1
    body_start = line
    entries: list[_Entry] = []
    totals = None
    has_qty: bool | None = None
    while line <= len(rows):
        row = rows[line - 1]
        if not row or row_is_blank(row):
            line += 1
            continue
        label = text(_cell(row, layout.label_col))
        indicator = header_key(_cell(row, layout.indicator_col))
        if layout.indicator_col is not None and indicator == QTY_ROW:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but the 'Кол.' row at line %(line)s follows "
                    "no 'Сумма' row."
                ),
                row=line,
                line=line,
            )
        if layout.indicator_col is not None and indicator != SUM_ROW:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but line %(line)s ('%(text)s') is neither a "
                    "'Сумма' nor a 'Кол.' row."
                ),
                row=line,
                line=line,
                text=label or text(next((v for v in row if not row_is_blank((v,))), "")),
            )
        values = _numbers(layout, row, line)
        quantities = None
        following = rows[line] if line < len(rows) else ()
        next_is_qty = (
            layout.indicator_col is not None
            and header_key(_cell(following, layout.indicator_col)) == QTY_ROW
        )
        if has_qty is None:
            has_qty = next_is_qty
        if next_is_qty:
            if not has_qty:
                raise ImportFileError(
                    _(
                        "This looks like a turnover sheet but line %(line)s is a 'Кол.' row while "
                        "the rows before it have none."
                    ),
                    row=line + 1,
                    line=line + 1,
                )
            quantities = _numbers(layout, following, line + 1)
        elif has_qty:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but the 'Кол.' row for item '%(item)s' at "
                    "line %(line)s is missing."
                ),
                row=line + 1,
                item=label,
                line=line + 1,
            )
        entry = _Entry(label, line, values, quantities)
        line += 2 if next_is_qty else 1
        if label and header_key(label) == TOTAL_ROW:
            totals = entry
            break
        if not label:
            raise ImportFileError(
                _(
                    "This looks like a turnover sheet but the amounts at line %(line)s have no "
                    "item or account name."
                ),
                row=entry.row,
                line=entry.row,
            )
        entries.append(entry)
    if totals is None:
        raise ImportFileError(
            _(
                "This looks like a turnover sheet but it has no 'Итого' (total) row: the file may "
                "be truncated."
            )
        )
    return levels, entries, totals, body_start


def _close(a: list[float], b: list[float]) -> bool:
    return all(
        abs(x - y) < (VALUE_TOLERANCE if i < 6 else QTY_TOLERANCE)
        for i, (x, y) in enumerate(zip(a, b, strict=True))
    )


def _item_level(levels: list[str]) -> int:
    for index, name in enumerate(levels, 1):
        low = name.lower()
        if any(word in low for word in ITEM_LEVEL_WORDS):
            return index
    return 1


def _is_account(entry: _Entry, root: str | None) -> bool:
    name = entry.name or ""
    if not _CODE.match(name):
        return False
    return root is None or name.split(".")[0] == root


def _build_tree(entries: list[_Entry], depth: int, root: str | None):
    """[(sub-account code, [top-level nodes])] from the entries (see module docstring)."""
    position = 0
    sections: list[tuple[str | None, list[_Node]]] = []

    def node(level: int) -> _Node:
        nonlocal position
        entry = entries[position]
        position += 1
        current = _Node(entry, level)
        if level == depth:
            return current
        sums = [0.0] * 12
        target = entry.vector()
        while not current.children or not _close(sums, target):
            if position >= len(entries) or _is_account(entries[position], root):
                raise ImportFileError(
                    _(
                        "This looks like a turnover sheet but the rows under '%(item)s' (line "
                        "%(line)s) do not add up to it."
                    ),
                    row=entry.row,
                    item=entry.name,
                    line=entry.row,
                )
            child = node(level + 1)
            current.children.append(child)
            sums = [s + v for s, v in zip(sums, child.entry.vector(), strict=True)]
        return current

    sub_account = None
    while position < len(entries):
        entry = entries[position]
        if _is_account(entry, root):
            sub_account = entry.name
            sections.append((sub_account, []))
            position += 1
            continue
        if not sections:
            sections.append((None, []))
        sections[-1][1].append(node(1))
    return sections


def _single_names(node: _Node) -> list[str]:
    """Names down a chain of single children (e.g. the one ЦМО holding an item)."""
    names = []
    while len(node.children) == 1:
        node = node.children[0]
        names.append(node.entry.name)
    return names


def _signed(debit: float, credit: float) -> float:
    return round(debit - credit, 2)


def _check_movements(layout: _Layout, entries: list[_Entry]) -> None:
    """Every row: closing = opening + debit turnover - credit turnover (signed debit - credit),
    values to the kopeck and quantities to 0.001; ImportFileError naming the first row that
    does not reconcile."""
    if not all((group, "debit") in layout.measure_cols for group in GROUPS):
        return
    for entry in entries:
        for vector, tolerance, is_qty in (
            (entry.values, VALUE_TOLERANCE, False),
            (entry.quantities, QTY_TOLERANCE, True),
        ):
            if vector is None:
                continue
            opening_d, opening_c, receipts, issues, closing_d, closing_c = vector
            expected = opening_d - opening_c + receipts - issues
            closing = closing_d - closing_c
            if math.fabs(expected - closing) <= tolerance:
                continue
            shown = fmt_qty if is_qty else fmt_money
            template = (
                _(
                    "The quantities of '%(item)s' (line %(line)s) do not reconcile: opening "
                    "%(opening)s + receipts %(receipts)s - issues %(issues)s = %(expected)s, but "
                    "the closing balance is %(closing)s. The sheet is inconsistent or damaged; "
                    "nothing was imported."
                )
                if is_qty
                else _(
                    "The values of '%(item)s' (line %(line)s) do not reconcile: opening "
                    "%(opening)s + receipts %(receipts)s - issues %(issues)s = %(expected)s, but "
                    "the closing balance is %(closing)s. The sheet is inconsistent or damaged; "
                    "nothing was imported."
                )
            )
            line = entry.row + 1 if is_qty else entry.row
            raise ImportFileError(
                template,
                row=line,
                item=entry.name,
                line=line,
                opening=shown(opening_d - opening_c),
                receipts=shown(receipts),
                issues=shown(issues),
                expected=shown(expected),
                closing=shown(closing),
            )


def _check_signs(stock_levels: list[StockLevel], result: ParseResult) -> None:
    """Stock closes on the debit side: a sheet whose items mostly close on the credit side
    (negative) has its Дебет/Кредит columns swapped; a few negative items are warned about."""

    def negative(level: StockLevel) -> bool:
        return (level.value or 0) < -VALUE_TOLERANCE or (level.quantity or 0) < -QTY_TOLERANCE

    def positive(level: StockLevel) -> bool:
        return (level.value or 0) > VALUE_TOLERANCE or (level.quantity or 0) > QTY_TOLERANCE

    below = [level.row for level in stock_levels if negative(level)]
    above = sum(1 for level in stock_levels if positive(level))
    if below and len(below) > above:
        raise ImportFileError(
            _(
                "%(count)s of %(items)s items close with a negative (credit) balance: the 'Дебет' "
                "and 'Кредит' columns look swapped, or this is not a stock account. Nothing was "
                "imported."
            ),
            count=len(below),
            items=len(stock_levels),
        )
    if below:
        result.warnings.append(
            Message(
                _(
                    "%(count)s items close with a negative (credit) balance, which stock cannot "
                    "have (lines %(lines)s); check them in 1C."
                ),
                {"count": len(below), "lines": listed(below)},
            )
        )


def parse(sheet, header_row: int, result: ParseResult) -> None:
    rows = sheet.rows
    layout = _Layout(rows)
    levels, entries, totals, _body_start = _read_body(layout)
    _check_movements(layout, entries)
    if not levels:
        raise ImportFileError(
            _(
                "This turnover sheet has no analytics (items) under its accounts: there is "
                "nothing per item to import."
            )
        )
    root_account = layout.account or next(
        (e.name for e in entries if _CODE.match(e.name or "")), None
    )
    root = root_account.split(".")[0] if root_account else None
    sections = _build_tree(entries, len(levels), root)
    item_level = _item_level(levels)
    if not any(word in levels[item_level - 1].lower() for word in ITEM_LEVEL_WORDS):
        result.warnings.append(
            Message(
                _(
                    "The sheet does not say which analytic level holds the items; the first one, "
                    "'%(level)s', is taken as items."
                ),
                {"level": levels[item_level - 1]},
            )
        )
    start, end = layout.period
    has_qty = any(e.quantities is not None for e in entries) or totals.quantities is not None
    document = f"{root_account or ''} {start:%d.%m.%Y}-{end:%d.%m.%Y}".strip()

    items: list[tuple[str | None, list[str], _Node]] = []

    def walk(node: _Node, ancestors: list[str], sub: str | None) -> None:
        if node.level == item_level:
            items.append((sub, ancestors, node))
            return
        for child in node.children:
            walk(child, [*ancestors, node.entry.name], sub)

    for sub, nodes in sections:
        for top in nodes:
            walk(top, [], sub)

    stock_keys, demand_keys = KeyMaker(), KeyMaker()
    products = ProductCollector()
    sums = [0.0] * 12
    for sub, ancestors, node in items:
        entry = node.entry
        v = entry.values
        q = entry.quantities
        sums = [s + x for s, x in zip(sums, entry.vector(), strict=True)]
        name = entry.name
        holder = [*ancestors, *_single_names(node)]
        identity = digest(" / ".join([*ancestors, name]))
        base = f"{root_account}:{end.isoformat()}:{sub or ''}:{identity}"
        unit = trailing_unit(name)
        result.stock_levels.append(
            StockLevel(
                date=end,
                product_code=None,
                product_name=name,
                account=root_account,
                sub_account=sub,
                quantity=round(q[4] - q[5], 3) if q else None,
                value=_signed(v[4], v[5]),
                key=stock_keys(f"turnover:{base}"),
                row=entry.row,
                period_start=start,
                unit=unit,
                responsible=" / ".join(holder) or None,
                opening_quantity=round(q[0] - q[1], 3) if q else None,
                opening_value=_signed(v[0], v[1]),
                receipt_quantity=q[2] if q else None,
                receipt_value=round(v[2], 2),
                issue_quantity=q[3] if q else None,
                issue_value=round(v[3], 2),
            )
        )
        if v[3] > 0 or (q and q[3] > 0):
            result.demand.append(
                DemandRecord(
                    date=end,
                    product_code=None,
                    product_name=name,
                    quantity=q[3] if q else None,
                    amount=round(v[3], 2),
                    key=demand_keys(f"turnover-issue:{base}"),
                    row=entry.row,
                    document=document,
                    unit=unit,
                    value_source="issue",
                )
            )
        products.add(f"name:{digest(name)}", entry.row, code=None, name=name, unit=unit)

    expected = totals.vector()
    for index, measure in enumerate(MEASURES):
        if measure not in layout.measure_cols:
            continue
        for offset, is_qty in ((0, False), (6, True)):
            if is_qty and not has_qty:
                continue
            imported, sheet_total = sums[index + offset], expected[index + offset]
            tolerance = QTY_TOLERANCE if is_qty else VALUE_TOLERANCE
            if math.fabs(imported - sheet_total) >= tolerance:
                if is_qty:
                    template = _(
                        "The imported quantity in column '%(column)s' (%(imported)s) differs "
                        "from the sheet's 'Итого' row (%(expected)s): the sheet is inconsistent "
                        "or damaged; nothing was imported."
                    )
                else:
                    template = _(
                        "The imported value in column '%(column)s' (%(imported)s) differs from "
                        "the sheet's 'Итого' row (%(expected)s): the sheet is inconsistent or "
                        "damaged; nothing was imported."
                    )
                raise ImportFileError(
                    template,
                    row=totals.row,
                    column=layout.measure_labels[measure],
                    imported=fmt_qty(imported) if is_qty else fmt_money(imported),
                    expected=fmt_qty(sheet_total) if is_qty else fmt_money(sheet_total),
                )

    _check_signs(result.stock_levels, result)
    result.products = products.values()
    closing_value = total(s.value for s in result.stock_levels)
    result.summary.update(
        {
            "account": root_account,
            "period_start": start,
            "period_end": end,
            "rows_read": len(rows),
            "items": len(result.stock_levels),
            "rows_recognised": len(result.stock_levels),
            "rows_skipped": 0,
            "stock_levels": len(result.stock_levels),
            "demand_records": len(result.demand),
            "products": len(result.products),
            "closing_value": closing_value,
            "sheet_closing_value": _signed(expected[4], expected[5]),
            "closing_quantity": total((s.quantity for s in result.stock_levels), 3)
            if has_qty
            else None,
            "sheet_closing_quantity": round(expected[10] - expected[11], 3) if has_qty else None,
            "opening_value": _signed(expected[0], expected[1]),
            "receipt_value": round(sums[2], 2),
            "issue_value": total(d.amount for d in result.demand),
            "issue_quantity": total((d.quantity for d in result.demand), 3) if has_qty else None,
            "total_amount": total(d.amount for d in result.demand),
        }
    )
    if stock_keys.repeated:
        result.warnings.append(
            Message(
                _(
                    "%(count)s items have the same name as another item of the same sub-account "
                    "(separate assets without an inventory number in the sheet); they are kept "
                    "apart by their order in the sheet."
                ),
                {"count": stock_keys.repeated},
            )
        )
