"""The checks on bad input, one function at a time (the corpus in test_bad_files.py runs them
on damaged copies of the real files)."""

import datetime
import time

import pytest

import importers
from importers import ImportFileError
from importers.common import CategoryCollector, find_columns, total
from importers.contracts import line_values
from importers.values import (
    OutOfRange,
    code_text,
    header_key,
    parse_date,
    parse_number,
    text,
)


def test_invisible_characters_are_stripped_from_text():
    """Names and contract numbers lose zero-width spaces, direction marks, word joiners,
    control characters and escaped control characters, so a re-import finds the same keys."""
    assert text("\u200f Стол\u200b офисный\x07_x0007_ ") == "Стол офисный"
    assert code_text("\u200b0373200\u2060\u200e") == "0373200"


def test_code_in_scientific_notation_is_refused():
    """An IKZ that Excel turned into "2,12770E+35" has lost its digits: not a code."""
    for value in ("2,12770E+35", "2.1277e35", "-1E+05"):
        with pytest.raises(ValueError):
            code_text(value)
    assert code_text("212770135608677030100100070000000244") == (
        "212770135608677030100100070000000244"
    )


def test_numbers_beyond_any_plausible_value_are_out_of_range():
    """1e308 reads as a float but no file means it: OutOfRange, which callers report as a
    damaged cell instead of letting sums overflow."""
    for value in (1e308, "1e308", "-1.7976931348623157e+308", 2e13):
        with pytest.raises(OutOfRange):
            parse_number(value)
    assert parse_number("9 999 999 999 999,99") == pytest.approx(9999999999999.99)


def test_dates_outside_1990_2100_are_out_of_range():
    """Blank or damaged date cells (1900-01-01, 9999-12-31, 0001-01-01) are refused."""
    for value in (datetime.date(1900, 1, 1), "31.12.9999", "0001-01-01", "01.01.1989"):
        with pytest.raises(OutOfRange):
            parse_date(value)
    assert parse_date("01.01.1990") == datetime.date(1990, 1, 1)


def test_total_of_huge_values_is_an_import_error():
    """Sums that overflow a float (math.fsum's intermediate overflow) are an ImportFileError,
    never an OverflowError."""
    with pytest.raises(ImportFileError, match="too large to add up"):
        total([1.7e308, 1.7e308])


def test_categories_with_letters_in_codes_sort():
    """A KPGZ code with a letter ("01.2O") no longer breaks the numeric sort of codes."""
    collector = CategoryCollector()
    for code in ("01.20.01", "01.2O", "01.9", "01.10"):
        collector.add(code, None)
    assert [c.code for c in collector.categories()] == [
        "01",
        "01.9",
        "01.10",
        "01.20",
        "01.20.01",
        "01.2O",
    ]


@pytest.mark.parametrize(
    ("written", "alias"),
    [
        ("Статус контракта*", "статус контракта"),
        ("Оплачено,\u200b руб.", "оплачено, руб."),
        ("\u200fСрок\u00a0исполнения  с ", "срок исполнения с"),
        ("РЕФ. ЦЕНА", "реф.цена"),
        ("Code1\ufeff", "code1"),
    ],
)
def test_headers_match_ignoring_case_spaces_punctuation_and_invisible_characters(written, alias):
    """A header that differs from the expected one only by case, spaces, punctuation, a
    trailing star or invisible characters finds its column."""
    assert header_key(written) == header_key(alias)
    columns, labels = find_columns(("x", written), {"field": (alias,)})
    assert columns == {"field": 1}


def test_one_odd_line_does_not_multiply_a_contract_amount():
    """A 9-line contract of 1.33 M whose paid cell is retyped on one line ("1 234,56") is
    split once over the 9 lines (not 8 x 1.33 M) and the odd line is named."""
    lines = [{"paid": 1330000.0, "price": 1400000.0} for _ in range(9)]
    lines[4]["paid"] = 1234.56
    odd: list[int] = []
    values = line_values(lines, odd)
    assert round(sum(v for v, _source in values), 2) == 1330000.0
    assert {source for _v, source in values} == {"paid"}
    assert odd == [4]
    # a blank price on one line of an unpaid contract: the price once
    lines = [{"paid": None, "price": 900.0} for _ in range(3)]
    lines[1]["price"] = None
    odd = []
    assert round(sum(v for v, _s in line_values(lines, odd)), 2) == 900.0
    assert odd == [1]


def test_turnover_title_regexes_are_linear():
    """A title of 100,000 spaces after a month is searched in well under a second (the old
    pattern with two adjacent \\s* took minutes)."""
    title = "январь 2022" + " " * 100_000 + "x"
    started = time.perf_counter()
    importers.parse_period(title)
    importers.parse_period("01.01.2022" + " " * 100_000 + "x")
    assert time.perf_counter() - started < 5


def test_turnover_item_that_does_not_reconcile(make_xlsx, make_turnover):
    """An issue invented on one item with the sheet's totals adjusted to match: the item's
    closing no longer equals opening + receipts - issues, so the sheet is refused naming it."""
    rows, _value, _qty = make_turnover(levels=("Номенклатура",))
    item = next(i for i, r in enumerate(rows) if r[0] == "Клей ПВА, 750г, шт")
    for index in (item + 1, next(i for i, r in enumerate(rows) if r[0] == "Итого") + 1):
        rows[index][13] = (rows[index][13] or 0) + 5
    with pytest.raises(ImportFileError, match="quantities of 'Клей ПВА, 750г, шт'") as error:
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    assert error.value.row == item + 2


def test_turnover_negative_items_are_warned_and_swapped_sides_refused(make_xlsx, make_turnover):
    """One item closing below zero (consistent with the totals) is named in a warning; a
    sheet whose Дебет/Кредит labels are swapped (all stock negative) is refused."""
    subaccounts = {
        "105.34": [
            ("Клей ПВА, 750г, шт", 1000.0, 10, 500.0, 5, 300.0, 3),
            ("Скотч, шт", 0.0, 0, 0.0, 0, 50.0, 1),
        ]
    }
    rows, _value, _qty = make_turnover(subaccounts=subaccounts, levels=("Номенклатура",))
    result = importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")
    line = next(i for i, r in enumerate(rows, 1) if r[0] == "Скотч, шт")
    assert any(
        f"negative (credit) balance, which stock cannot have (lines {line})" in str(w)
        for w in result.warnings
    )

    rows, _value, _qty = make_turnover(levels=("Номенклатура",))
    sides = next(i for i, r in enumerate(rows) if "Дебет" in r)
    rows[sides] = [
        "Кредит" if v == "Дебет" else "Дебет" if v == "Кредит" else v for v in rows[sides]
    ]
    with pytest.raises(ImportFileError, match="look swapped"):
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")


def test_turnover_period_outside_1990_2100(make_xlsx, make_turnover):
    """A title naming "1 квартал 1900 г." is refused."""
    rows, _value, _qty = make_turnover(
        title="Оборотно-сальдовая ведомость по счету 105.00 за 1 квартал 1900 г."
    )
    with pytest.raises(ImportFileError, match="outside 1990-2100"):
        importers.parse(make_xlsx({"Лист_1": rows}), "osv.xlsx")


CSV_HEAD = "Дата;Наименование;Количество;Сумма\n"


def test_csv_starting_with_pk_is_a_csv():
    """A text file whose first header starts with "PK" is read as CSV, not refused as a
    damaged workbook."""
    content = b"PKG;date;name;qty\nA;2022-01-05;Chair;3\n"
    result = importers.parse(content, "pk.csv")
    assert [(d.product_name, d.quantity) for d in result.demand] == [("Chair", 3)]


def test_utf16_csv_with_bom():
    """Excel's "Unicode text" (UTF-16 with a BOM, tab-separated) is read."""
    content = "Дата\tНаименование\tКоличество\n05.01.2022\tСтул\t2\n".encode("utf-16")
    result = importers.parse(content, "unicode.txt")
    assert result.detection.encoding == "utf-16"
    assert [(d.product_name, d.quantity) for d in result.demand] == [("Стул", 2)]


def test_csv_unbalanced_quote_names_the_line():
    """One opening quote without its closing one would swallow the lines up to the next
    quote: refused naming the line, instead of one skipped row."""
    lines = [f"0{d}.01.2022;Бумага {d};{d};{d}0" for d in range(1, 9)]
    lines[2] = lines[2].replace("Бумага", '"Бумага')
    lines[6] = lines[6].replace("Бумага 7", 'Бумага "7"')
    content = (CSV_HEAD + "\n".join(lines) + "\n").encode()
    with pytest.raises(ImportFileError, match=r"unbalanced quote .* at line 4: lines 4 to 8"):
        importers.parse(content, "quote.csv")
    # a quoted cell over two lines (an address) is fine
    content = (CSV_HEAD + '05.01.2022;"Бумага\nА4";1;10\n06.01.2022;Стул;1;5\n').encode()
    assert len(importers.parse(content, "ok.csv").demand) == 2


def test_csv_comma_delimiter_with_decimal_commas():
    """With ',' as delimiter, unquoted decimal commas cut amounts in two: refused with the
    lines, not imported as their integer parts."""
    content = b"date,name,qty,amount\n2022-01-05,Chair,1,1234,56\n2022-01-06,Desk,2,100\n"
    with pytest.raises(ImportFileError, match=r"decimal separator: lines 2 have more cells"):
        importers.parse(content, "commas.csv")


def test_csv_thousands_separators_follow_the_file():
    """In a file writing decimals with a point, "1,234" is one thousand two hundred and
    thirty-four; in a file with decimal commas "1,5" stays one and a half."""
    content = b'date;name;qty;amount\n2022-01-05;Chair;1;"1,234"\n2022-01-06;Desk;2;12.50\n'
    assert [d.amount for d in importers.parse(content, "en.csv").demand] == [1234.0, 12.5]
    content = "Дата;Наименование;Количество;Сумма\n05.01.2022;Стул;1,5;12,50\n".encode()
    assert [d.quantity for d in importers.parse(content, "ru.csv").demand] == [1.5]


def test_csv_with_one_line_in_another_encoding():
    """A Windows-1251 file with one line saved as UTF-8 is refused naming that line, instead
    of importing garbled names."""
    content = CSV_HEAD.encode("cp1251") + "05.01.2022;Стул;1;10\n".encode("cp1251")
    content += "06.01.2022;Стол;1;10\n".encode()
    with pytest.raises(ImportFileError, match="lines 3 are in UTF-8"):
        importers.parse(content, "mixed.csv")


def test_file_size_and_cell_limits():
    """An upload beyond the size limit and a cell beyond the length limit are refused with
    the figures."""
    from importers import reader

    with pytest.raises(ImportFileError, match="too large to import"):
        importers.parse(b"a;b\n" * (reader.MAX_FILE_BYTES // 4 + 1), "big.csv")
    content = (CSV_HEAD + "05.01.2022;" + "x" * 32_001 + ";1;1\n").encode()
    with pytest.raises(ImportFileError, match="cell of 32001 characters at line 2"):
        importers.parse(content, "long.csv")


def test_generic_negative_quantity_is_skipped():
    """A negative quantity in a generic file is a return, not demand: skipped with the reason."""
    content = (CSV_HEAD + "05.01.2022;Стул;-2;10\n06.01.2022;Стул;1;5\n").encode()
    result = importers.parse(content, "d.csv")
    assert [d.row for d in result.demand] == [3]
    assert "'-2' in column 'Количество' is negative" in str(result.skipped[0])


def test_csv_in_no_known_encoding():
    """Bytes that are neither UTF-8 nor Windows-1251 (0x98 is undefined there) are refused
    with the encodings named."""
    content = CSV_HEAD.encode("cp1251") + b"05.01.2022;\x98\xff;1;10\n"
    with pytest.raises(ImportFileError, match="not encoded in UTF-8 or Windows-1251"):
        importers.parse(content, "odd.csv")
