"""1C turnover balance sheets: real quarters reconcile, unseen layouts work, damage is named."""

import datetime

import pytest

import importers
from importers import ImportFileError, parse_period

# closing debit totals of the real sheets ("Итого" row), from data/lct2024/README.md
REAL_CLOSING = {
    "turnover_101_2022q1.xlsx": (41_712_447.58, 2991, "101.00", datetime.date(2022, 3, 31)),
    "turnover_101_2022q2.xlsx": (46_000_432.86, 3175, "101.00", datetime.date(2022, 6, 30)),
    "turnover_101_2022q3.xlsx": (46_910_925.86, 3194, "101.00", datetime.date(2022, 9, 30)),
    "turnover_21_2022q1.xlsx": (25_962_890.05, 5458, "21", datetime.date(2022, 3, 31)),
    "turnover_21_2022q2.xlsx": (28_909_072.98, 6033, "21", datetime.date(2022, 6, 30)),
    "turnover_21_2022q3.xlsx": (28_961_273.41, 6043, "21", datetime.date(2022, 9, 30)),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REAL_CLOSING))
def test_real_sheet_reconciles_with_known_closing_total(name, real_parsed):
    """Each real quarter's imported closing value equals the known closing debit total and the
    sheet's own "Итого" row; account and period come from the title."""
    expected_value, expected_qty, account, period_end = REAL_CLOSING[name]
    result = real_parsed(name)
    assert result.kind == "turnover_sheet"
    summary = result.summary
    assert summary["closing_value"] == pytest.approx(expected_value, abs=0.005)
    assert summary["sheet_closing_value"] == pytest.approx(expected_value, abs=0.005)
    assert summary["closing_quantity"] == expected_qty
    assert summary["sheet_closing_quantity"] == expected_qty
    assert summary["account"] == account
    assert summary["period_end"] == period_end
    assert round(sum(s.value for s in result.stock_levels), 2) == pytest.approx(expected_value)
    assert all(s.date == period_end for s in result.stock_levels)


@pytest.mark.slow
def test_real_sheet_items_issues_and_keys(real_parsed, real_bytes):
    """101 Q1: 1910 asset rows (not the ЦМО rows under them), 22 issued units worth 89,370.00
    as demand at the quarter end, keys unique and identical when the file is parsed again."""
    result = real_parsed("turnover_101_2022q1.xlsx")
    assert len(result.stock_levels) == 1910
    assert not any(s.product_name.startswith("Кузнецов") for s in result.stock_levels)
    assert {s.responsible for s in result.stock_levels} == {"Кузнецов М. С. -"}
    assert {s.sub_account for s in result.stock_levels} == {"101.34", "101.36", "101.38"}
    assert len(result.demand) == 22
    assert sum(d.quantity for d in result.demand) == 22
    assert round(sum(d.amount for d in result.demand), 2) == 89_370.00
    assert all(d.date == datetime.date(2022, 3, 31) for d in result.demand)
    keys = [r.key for r in result.records]
    assert len(keys) == len(set(keys))
    again = importers.parse(real_bytes("turnover_101_2022q1.xlsx"), "copy.xlsx")
    assert [r.key for r in again.records] == keys
    # a camera with its opening, receipt and closing figures
    dosimeter = next(s for s in result.stock_levels if s.product_name.startswith("Дозиметр"))
    assert dosimeter.receipt_value == 41_551.2
    assert dosimeter.value == 41_551.2
    assert dosimeter.quantity == 1


@pytest.mark.slow
def test_eighteen_column_layout_is_read_by_header_text(real_parsed):
    """21 Q1 has 18 columns (opening debit spans three cells) and a second sheet: the turnover
    sheet is found, the extra sheet is reported and columns are found by their text."""
    result = real_parsed("turnover_21_2022q1.xlsx")
    assert result.detection.sheet == "Лист_1"
    assert "Лист2" in " ".join(str(m) for m in result.detection.evidence)
    assert result.summary["opening_value"] == 25_873_520.05
    assert result.summary["receipt_value"] == 89_370.0


def test_unseen_quarter_and_account_with_one_level(make_xlsx, make_turnover):
    """A Q4 sheet for account 105 with one analytic level ("Номенклатура") parses: period from
    the title, stock per item, issues as demand, totals reconciled."""
    rows, value, qty = make_turnover(levels=("Номенклатура",))
    result = importers.parse(make_xlsx({"TDSheet": rows}), "osv.xlsx")
    assert result.kind == "turnover_sheet"
    assert result.summary["period_start"] == datetime.date(2022, 10, 1)
    assert result.summary["period_end"] == datetime.date(2022, 12, 31)
    assert result.summary["account"] == "105.00"
    assert result.summary["closing_value"] == value == result.summary["sheet_closing_value"]
    assert result.summary["closing_quantity"] == qty
    assert [s.product_name for s in result.stock_levels] == [
        "Клей ПВА, 750г, шт",
        "Бумага офисная А4, пач",
        "Бумага офисная А4, пач",
        "Бумага офисная А4, пач",
    ]
    glue = result.stock_levels[0]
    assert (glue.opening_quantity, glue.receipt_quantity, glue.issue_quantity) == (10, 5, 3)
    assert (glue.quantity, glue.value, glue.unit) == (12, 1200.0, "шт")
    issued = {(d.product_name, d.quantity, d.amount) for d in result.demand}
    assert issued == {("Клей ПВА, 750г, шт", 3, 300.0), ("Бумага офисная А4, пач", 10, 2850.0)}


def test_wide_layout_two_levels_and_repeated_names(make_xlsx, make_turnover):
    """The 18-column layout with an item level and a ЦМО level: ЦМО rows are not items; two
    items with the same name in one sub-account get distinct, stable keys (#2)."""
    rows, value, _qty = make_turnover(wide=True)
    content = make_xlsx({"Лист_1": rows})
    result = importers.parse(content, "osv.xlsx")
    assert len(result.stock_levels) == 4
    assert result.summary["closing_value"] == value
    keys = [s.key for s in result.stock_levels]
    assert len(set(keys)) == 4
    assert keys[3] == keys[2] + "#2"
    assert keys == [s.key for s in importers.parse(content, "again.xlsx").stock_levels]
    assert result.warnings  # the repeated names are reported


def test_missing_quantity_row_is_named(make_xlsx, make_turnover):
    """Deleting the "Кол." row of one item gives the error the issue asks for, naming the item
    and the line where the row should be."""
    rows, _value, _qty = make_turnover()
    index = next(i for i, r in enumerate(rows) if r[0] == "Клей ПВА, 750г, шт")
    del rows[index + 1]
    with pytest.raises(ImportFileError) as error:
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    line = index + 2
    assert str(error.value) == (
        "This looks like a turnover sheet but the 'Кол.' row for item 'Клей ПВА, 750г, шт' at "
        f"line {line} is missing."
    )
    assert error.value.params == {"item": "Клей ПВА, 750г, шт", "line": line}
    assert error.value.row == line


def test_total_mismatch_refuses_the_sheet_with_both_numbers(make_xlsx, make_turnover):
    """A sheet whose "Итого" closing value disagrees with its items is refused, and the error
    gives the imported and the sheet's figure."""
    rows, value, _qty = make_turnover(levels=("Номенклатура",))
    total_row = next(r for r in rows if r[0] == "Итого")
    total_row[14] = value + 100
    with pytest.raises(ImportFileError) as error:
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    assert error.value.params["imported"] == f"{value:,.2f}"
    assert error.value.params["expected"] == f"{value + 100:,.2f}"
    assert "Сальдо на конец периода / Дебет" in str(error.value)


def test_truncated_sheet_without_total_row(make_xlsx, make_turnover):
    """A sheet cut before its "Итого" row is refused as possibly truncated."""
    rows, _value, _qty = make_turnover()
    cut = next(i for i, r in enumerate(rows) if r[0] == "Итого")
    with pytest.raises(ImportFileError, match="no 'Итого'"):
        importers.parse(make_xlsx({"Лист_1": rows[:cut]}), "osv.xlsx")


def test_rows_that_do_not_add_up_are_reported(make_xlsx, make_turnover):
    """When an item's ЦМО row is missing, its children cannot add up: the error names the
    item and its line instead of mixing items up."""
    rows, _value, _qty = make_turnover(
        subaccounts={
            "105.34": [
                ("Клей", 100.0, 1, 0, 0, 0, 0),
                ("Скотч", 50.0, 1, 0, 0, 0, 0),
            ]
        }
    )
    index = next(i for i, r in enumerate(rows) if r[0] == "Клей")
    del rows[index + 2 : index + 4]  # the ЦМО row and its Кол. row
    with pytest.raises(ImportFileError) as error:
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    assert error.value.params == {"item": "Клей", "line": index + 1}


def test_title_without_period_is_an_error(make_xlsx, make_turnover):
    """A title that names no period cannot date the stock: clear error quoting the title."""
    rows, _value, _qty = make_turnover(title="Оборотно-сальдовая ведомость по счету 105.00")
    with pytest.raises(ImportFileError, match="does not say which period"):
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")


def test_not_a_number_in_amount_column(make_xlsx, make_turnover):
    """Text in an amount cell is an error naming the line and the column, not a traceback."""
    rows, _value, _qty = make_turnover()
    index = next(i for i, r in enumerate(rows) if r[0] == "Клей ПВА, 750г, шт")
    rows[index][10] = "много"
    with pytest.raises(ImportFileError) as error:
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    assert error.value.params["line"] == index + 1
    assert error.value.params["column"] == "Сальдо на начало периода / Дебет"


def test_csv_export_of_a_turnover_sheet(make_turnover):
    """The same sheet saved as CSV (no formatting, numbers as text with decimal commas) gives
    the same totals: nothing depends on indentation."""
    rows, value, qty = make_turnover()
    lines = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append(f"{v:.2f}".replace(".", ","))
            else:
                cells.append("" if v is None else str(v))
        lines.append(";".join(cells))
    content = "\n".join(lines).encode("cp1251")
    result = importers.parse(content, "osv.csv")
    assert result.kind == "turnover_sheet"
    assert result.summary["closing_value"] == value
    assert result.summary["closing_quantity"] == qty


def test_sheet_without_quantities(make_xlsx, make_turnover):
    """A sheet kept in value only (no "Показатели" column, no "Кол." rows) imports values with
    no quantity and still reconciles."""
    rows, value, _qty = make_turnover(levels=("Номенклатура",))
    rows = [row for row in rows if row[9] != "Кол."]
    for row in rows:
        row[9] = None
    result = importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    assert result.summary["closing_value"] == value
    assert result.summary["closing_quantity"] is None
    assert {s.quantity for s in result.stock_levels} == {None}
    assert len(result.stock_levels) == 4


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("за 1 квартал 2022 г.", (2022, 1, 1), (2022, 3, 31)),
        ("за 4 квартал 2022 г.", (2022, 10, 1), (2022, 12, 31)),
        ("за IV квартал 2021 г.", (2021, 10, 1), (2021, 12, 31)),
        ("за 2 полугодие 2022 г.", (2022, 7, 1), (2022, 12, 31)),
        ("за 9 месяцев 2022 г.", (2022, 1, 1), (2022, 9, 30)),
        ("за Февраль 2024 г.", (2024, 2, 1), (2024, 2, 29)),
        ("за Январь 2022 г. - Март 2022 г.", (2022, 1, 1), (2022, 3, 31)),
        ("за 2022 г.", (2022, 1, 1), (2022, 12, 31)),
        ("за период с 01.04.2022 по 30.06.2022", (2022, 4, 1), (2022, 6, 30)),
        ("01.07.2022 - 15.08.2022", (2022, 7, 1), (2022, 8, 15)),
    ],
)
def test_period_from_title(title, start, end):
    """Periods 1C writes in report titles give their first and last day."""
    text = f"Оборотно-сальдовая ведомость по счету 101.00 {title}"
    assert parse_period(text) == (datetime.date(*start), datetime.date(*end))


def test_period_absent_from_title():
    """A title without a period gives None (the parser turns it into an error)."""
    assert parse_period("Оборотно-сальдовая ведомость по счету 101.00") is None
