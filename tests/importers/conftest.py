"""Shared fixtures for the importer tests: real files and builders of synthetic workbooks."""

import functools
import io
from pathlib import Path

import openpyxl
import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "lct2024"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@functools.cache
def _real(name: str) -> bytes:
    return (DATA / name).read_bytes()


@functools.cache
def _parsed(name: str):
    import importers

    return importers.parse(_real(name), name)


@pytest.fixture
def real_bytes():
    """Bytes of a real file from data/lct2024 (read once per session)."""
    return _real


@pytest.fixture
def real_parsed():
    """ParseResult of a real file (parsed once per session; do not mutate it)."""
    return _parsed


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def make_xlsx():
    """Build an .xlsx in memory: make_xlsx({"Sheet": [[...], ...]}) -> bytes."""
    return xlsx_bytes


def turnover_rows(
    title="Оборотно-сальдовая ведомость по счету 105.00 за 4 квартал 2022 г.",
    account="105.00",
    subaccounts=None,
    levels=("Материальные запасы", "ЦМО"),
    wide=False,
    holder="Петров П. П. -",
):
    """Rows of a 1C turnover sheet like the real ones.

    ``subaccounts``: {code: [(name, opening_value, opening_qty, in_value, in_qty, out_value,
    out_qty), ...]}; closing = opening + in - out. ``wide`` gives the 18-column layout.
    Returns (rows, expected closing value, expected closing quantity)."""
    subaccounts = subaccounts or {
        "105.34": [
            ("Клей ПВА, 750г, шт", 1000.0, 10, 500.0, 5, 300.0, 3),
            ("Бумага офисная А4, пач", 5700.0, 20, 0, 0, 2850.0, 10),
        ],
        "105.36": [
            ("Бумага офисная А4, пач", 2850.0, 10, 2850.0, 10, 0, 0),
            ("Бумага офисная А4, пач", 285.0, 1, 0, 0, 0, 0),
        ],
    }
    width = 18 if wide else 16
    cols = [10, 13, 14, 15, 16, 17] if wide else [10, 11, 12, 13, 14, 15]
    groups = [10, 14, 16] if wide else [10, 12, 14]

    def blank():
        return [None] * width

    def line(label, values, indicator="Сумма", extra=None):
        row = blank()
        row[0] = label
        row[9] = indicator
        for col, value in zip(cols, values, strict=True):
            row[col] = value if value else None
        if extra:
            row[4] = extra
        return row

    rows = []
    org = blank()
    org[0] = 'ГКУ "ТЕСТ"'
    rows.append(org)
    head = blank()
    head[0] = title
    rows.append(head)
    rows.append(blank())
    unit = blank()
    unit[0] = "Единица измерения: рубль (код по ОКЕИ 383)"
    rows.append(unit)
    rows.append(blank())
    header = blank()
    header[0] = "Счет"
    header[9] = "Показатели"
    for col, text in zip(
        groups,
        ("Сальдо на начало периода", "Обороты за период", "Сальдо на конец периода"),
        strict=True,
    ):
        header[col] = text
    rows.append(header)
    sides = blank()
    sides[0] = levels[0]
    for col, side in zip(cols, ("Дебет", "Кредит") * 3, strict=True):
        sides[col] = side
    rows.append(sides)
    for level in levels[1:]:
        row = blank()
        row[0] = level
        rows.append(row)

    def amounts(items):
        o = sum(i[1] for i in items)
        oq = sum(i[2] for i in items)
        d = sum(i[3] for i in items)
        dq = sum(i[4] for i in items)
        c = sum(i[5] for i in items)
        cq = sum(i[6] for i in items)
        return [o, 0, d, c, o + d - c, 0], [oq, 0, dq, cq, oq + dq - cq, 0]

    every = [item for items in subaccounts.values() for item in items]
    value, qty = amounts(every)
    rows.append(line(account, value))
    rows.append(line(None, qty, "Кол."))
    for code, items in subaccounts.items():
        value, qty = amounts(items)
        rows.append(line(code, value))
        rows.append(line(None, qty, "Кол."))
        for item in items:
            value, qty = amounts([item])
            rows.append(line(item[0], value))
            rows.append(line(None, qty, "Кол."))
            for _level in levels[1:]:
                rows.append(line(holder, value, extra="02-0000000017"))
                rows.append(line(None, qty, "Кол."))
    value, qty = amounts(every)
    rows.append(line("Итого", value))
    rows.append(line(None, qty, "Кол."))
    rows.append(blank())
    sign = blank()
    sign[0] = "Главный бухгалтер"
    rows.append(sign)
    return rows, value[4], qty[4]


@pytest.fixture
def make_turnover():
    """turnover_rows(...) -> (rows, closing value, closing quantity); see its docstring."""
    return turnover_rows
