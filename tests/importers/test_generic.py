"""Generic CSV/XLSX demand files: mapping guessed or given, encodings, number and date formats."""

import datetime

import pytest

import importers
from importers import ImportFileError, guess_mapping


def test_guess_mapping_russian_and_english():
    """Russian and English headers map to the same fields; "Сумма, руб." still is the amount;
    unknown headers are left out."""
    assert guess_mapping(["Дата", "Артикул", "Наименование", "Кол-во", "Сумма, руб.", "Склад"]) == {
        "date": "Дата",
        "product_code": "Артикул",
        "product_name": "Наименование",
        "quantity": "Кол-во",
        "amount": "Сумма, руб.",
        "warehouse": "Склад",
    }
    assert guess_mapping(["date", "SKU", "Product", "Qty", "Amount", "Warehouse", "Notes"]) == {
        "date": "date",
        "product_code": "SKU",
        "product_name": "Product",
        "quantity": "Qty",
        "amount": "Amount",
        "warehouse": "Warehouse",
    }
    assert guess_mapping(["Комментарий", "Автор"]) == {}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ";"), ("cp1251", ";"), ("utf-8", "\t"), ("cp1251", ",")],
)
def test_csv_encodings_and_delimiters(encoding, delimiter):
    """The same rows read from UTF-8 (with or without BOM) and Windows-1251 files separated by
    semicolons, tabs or commas."""
    rows = [
        ["Дата", "Код", "Наименование", "Количество", "Сумма", "Склад"],
        ["05.01.2022", "A-1", "Бумага офисная А4", "10", "1 234,50", "Основной"],
        ["2022-02-07", "B-2", "Клей ПВА", "2,5", "99.90", ""],
    ]
    if delimiter == ",":
        rows = [[f'"{c}"' if "," in c else c for c in row] for row in rows]
    content = "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)
    result = importers.parse(content, "demand.csv")
    assert result.kind == "generic"
    assert result.detection.delimiter == delimiter
    assert [(d.date, d.product_code, d.quantity, d.amount, d.warehouse) for d in result.demand] == [
        (datetime.date(2022, 1, 5), "A-1", 10, 1234.5, "Основной"),
        (datetime.date(2022, 2, 7), "B-2", 2.5, 99.9, None),
    ]
    assert result.demand[0].product_name == "Бумага офисная А4"
    assert result.summary["total_amount"] == 1334.4


def test_unparseable_rows_are_skipped_with_reasons():
    """Bad dates and numbers skip the row with the reason; a row without a product or without
    quantity and amount too; good rows stay."""
    content = (
        "Дата;Наименование;Количество;Сумма\n"
        "05.01.2022;Бумага;10;100\n"
        "31.02.2022;Бумага;1;10\n"
        "01/02/2022;Бумага;1;10\n"
        "06.01.2022;Бумага;десять;10\n"
        "06.01.2022;;1;10\n"
        "07.01.2022;Бумага;;\n"
        "08.01.2022;Бумага;1.234.5;10\n"
    ).encode()
    result = importers.parse(content, "demand.csv")
    assert [d.row for d in result.demand] == [2]
    reasons = {s.row: str(s) for s in result.skipped}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "'31.02.2022' is not a date" in reasons[3]
    assert "'01/02/2022' is not a date" in reasons[4]
    assert "'десять'" in reasons[5]
    assert "names no product" in reasons[6]
    assert "neither a quantity nor an amount" in reasons[7]
    assert "'1.234.5'" in reasons[8]


def test_explicit_mapping_for_unguessable_headers(make_xlsx):
    """Headers no guess recognises are imported with a mapping given by the user; date cells
    and numeric cells of an XLSX are used as they are."""
    content = make_xlsx(
        {
            "Лист1": [
                ["Отчёт о расходе"],
                ["Когда", "Что", "Сколько", "Куда"],
                [datetime.datetime(2023, 3, 1), "Перчатки", 12, "Цех 1"],
            ]
        }
    )
    with pytest.raises(ImportFileError, match="was not recognised"):
        importers.parse(content, "expense.xlsx")
    mapping = {"date": "Когда", "product_name": "Что", "quantity": "Сколько", "warehouse": "Куда"}
    result = importers.parse(content, "expense.xlsx", mapping=mapping)
    assert result.kind == "generic"
    assert result.detection.header_row == 2
    (record,) = result.demand
    assert (record.date, record.product_name, record.quantity, record.amount, record.warehouse) == (
        datetime.date(2023, 3, 1),
        "Перчатки",
        12,
        None,
        "Цех 1",
    )
    with pytest.raises(ImportFileError, match="must give a column for quantity or amount"):
        importers.parse(content, "expense.xlsx", mapping={"date": "Когда", "product_name": "Что"})


def test_repeated_rows_get_distinct_stable_keys():
    """Two identical rows (same date, product, warehouse) are both kept with keys ...#2, and the
    keys are the same when the file is parsed again."""
    content = b"date,code,qty\n2022-01-05,A1,1\n2022-01-05,A1,1\n2022-01-06,A1,2\n"
    first = importers.parse(content, "d.csv")
    keys = [d.key for d in first.demand]
    assert keys == [
        "generic:2022-01-05:A1::",
        "generic:2022-01-05:A1::#2",
        "generic:2022-01-06:A1::",
    ]
    assert [d.key for d in importers.parse(content, "d.csv").demand] == keys
    assert first.warnings
