"""A corpus of bad files generated from the real ones in data/lct2024 (nothing committed).

Each case damages a real file the way Excel, 1C or a colleague does (truncations, byte
flips, bombs, renamed headers, numbers as text, absurd values, edited totals, CSV dialects,
invisible characters) and states what the importer must do: refuse the file with an
ImportFileError whose message says why, or import it with the damaged rows skipped or
warned about, never a traceback and never silent damage. Every parse is timed against a
generous bound (and the bombs' memory against one), so a quadratic regex or an unbounded
read fails here.
"""

import csv
import datetime
import functools
import io
import re
import time
import tracemalloc
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest

import importers
from importers import ImportFileError

from .conftest import DATA, xlsx_bytes

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="data/lct2024 is not available")

TIME_LIMIT = 60.0  # seconds per parse: ten times what the slowest case takes here
MEMORY_LIMIT = 200 * 1024 * 1024  # bytes traced while a bomb is refused

SHEETS = {
    "contracts_by_customer.xlsx": "Выгрузка",
    "kpgz_spgz_ste.xlsx": "Справочник",
    "stock_leftovers_105.xlsx": "Sheet1",
    "turnover_21_2022q1.xlsx": "Лист_1",
}
ZWSP, RLM, NBSP = "\u200b", "\u200f", "\u00a0"


# -- the real rows and clean conversions -------------------------------------------------
@functools.cache
def real_rows(name: str) -> tuple[tuple, ...]:
    workbook = openpyxl.load_workbook(DATA / name, read_only=True, data_only=True)
    try:
        return tuple(tuple(row) for row in workbook[SHEETS[name]].iter_rows(values_only=True))
    finally:
        workbook.close()


def rows_of(name: str) -> list[list]:
    """A fresh, mutable copy of a real sheet's rows."""
    return [list(row) for row in real_rows(name)]


def column(rows: list[list], header: str) -> int:
    return list(rows[0]).index(header)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(rows, delimiter=";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return out.getvalue()


@functools.cache
def clean(name: str):
    """The ParseResult of a real sheet written as a UTF-8 CSV (the baseline of the cases)."""
    return importers.parse(to_csv(real_rows(name)).encode(), "clean.csv")


def contract_lines(rows, *, paid: bool, at_least: int = 3) -> list[int]:
    """Row indexes of the multi-line contract with the most lines (paid or unpaid)."""
    number, paid_col = column(rows, "Реестровый номер в РК"), column(rows, "Оплачено, руб.")
    status = column(rows, "Статус контракта")
    groups: dict = {}
    for index, row in enumerate(rows[1:], 1):
        if row[number] and not str(row[status] or "").startswith("Расторгнут"):
            groups.setdefault(row[number], []).append(index)
    fits = [
        lines
        for lines in groups.values()
        if len(lines) >= at_least and bool(rows[lines[0]][paid_col] not in (None, "", 0)) == paid
    ]
    return max(fits, key=len)


def contract_total(result, contract) -> float:
    return round(sum(d.amount or 0 for d in result.demand if d.document == str(contract)), 2)


def skipped_reasons(result) -> dict[int, str]:
    return {s.row: str(s.reason) for s in result.skipped}


def warnings_text(result) -> str:
    return "\n".join(str(w) for w in result.warnings)


# -- cases -------------------------------------------------------------------------------
@dataclass
class Case:
    """``make()`` -> (content, filename); ``error``: regex of the refusal, else ``check``
    receives the ParseResult. ``kind`` is forced when given; ``memory`` traces the parse."""

    make: object
    error: str | None = None
    check: object = None
    kind: str | None = None
    memory: bool = False


CASES: dict[str, Case] = {}


def case(name, **options):
    def register(make):
        CASES[name] = Case(make=make, **options)
        return make

    return register


def csv_case(name, source, edit, delimiter=";", encoding="utf-8", **options):
    """A case whose file is the real sheet ``source`` edited by ``edit(rows)`` as CSV."""

    def make():
        rows = rows_of(source)
        edit(rows)
        return to_csv(rows, delimiter).encode(encoding), f"{name}.csv"

    CASES[name] = Case(make=make, **options)


C = "contracts_by_customer.xlsx"
K = "kpgz_spgz_ste.xlsx"
S = "stock_leftovers_105.xlsx"
T = "turnover_21_2022q1.xlsx"


# contracts: absurd numbers, codes, dates
def _paid_1e308(rows):
    rows[1][column(rows, "Оплачено, руб.")] = "1e308"


csv_case(
    "contract_paid_near_1e308",
    C,
    _paid_1e308,
    check=lambda r: (
        "beyond any plausible value" in skipped_reasons(r)[2]
        and len(r.demand) == len(clean(C).demand) - 1
    ),
)


def _prices_1e308(rows):
    for row in rows[1:6]:
        row[column(rows, "Цена ГК, руб.")] = "1.7976931348623157e+308"
        row[column(rows, "Оплачено, руб.")] = "1.7976931348623157e+308"


csv_case(
    "contract_prices_near_1e308_in_one_column",
    C,
    _prices_1e308,
    check=lambda r: all("beyond any plausible" in skipped_reasons(r)[n] for n in range(2, 7)),
)


def _kpgz_letter(rows):
    col = column(rows, "Конечный код КПГЗ")
    rows[3][col] = rows[3][col].replace("0", "O", 1)
    for row in rows[10:13]:
        row[col] = row[column(rows, "Конечное наименование КПГЗ")]


csv_case(
    "contract_kpgz_code_with_letters",
    C,
    _kpgz_letter,
    check=lambda r: (
        all("is not a KPGZ code" in skipped_reasons(r)[n] for n in (4, 11, 12, 13))
        and all(re.fullmatch(r"\d+(\.\d+)*", c.code) for c in r.categories)
    ),
)


def _odd_paid_cell(rows):
    lines = contract_lines(rows, paid=True)
    col = column(rows, "Оплачено, руб.")
    rows[lines[-1]][col] = "1 234,56"
    CASES["contract_one_odd_paid_cell"].contract = rows[lines[0]][
        column(rows, "Реестровый номер в РК")
    ]


csv_case(
    "contract_one_odd_paid_cell",
    C,
    _odd_paid_cell,
    check=lambda r: (
        (contract := CASES["contract_one_odd_paid_cell"].contract)
        and contract_total(r, contract) == contract_total(clean(C), contract)
        and f"Contract {contract}:" in warnings_text(r)
    ),
)


def _blank_price(rows):
    """Nothing paid on a multi-line contract, and its price blank on one line."""
    lines = contract_lines(rows, paid=True)
    for index in lines:
        rows[index][column(rows, "Оплачено, руб.")] = None
    rows[lines[1]][column(rows, "Цена ГК, руб.")] = None
    spec = CASES["contract_one_blank_price"]
    spec.contract = rows[lines[0]][column(rows, "Реестровый номер в РК")]
    spec.price = rows[lines[0]][column(rows, "Цена ГК, руб.")]


csv_case(
    "contract_one_blank_price",
    C,
    _blank_price,
    check=lambda r: (
        (spec := CASES["contract_one_blank_price"])
        and contract_total(r, spec.contract) == round(spec.price, 2)
        and f"Contract {spec.contract}:" in warnings_text(r)
    ),
)


def _rename(header, new):
    def edit(rows):
        rows[0][column(rows, header)] = new

    return edit


csv_case(
    "contract_status_header_with_star",
    C,
    _rename("Статус контракта", "Статус контракта*"),
    check=lambda r: (
        r.summary["terminated_rows"] == clean(C).summary["terminated_rows"] == 88
        and "статус контракта" not in warnings_text(r)
    ),
)
csv_case(
    "contract_paid_header_with_zero_width_space",
    C,
    _rename("Оплачено, руб.", f"Оплачено,{ZWSP} руб."),
    check=lambda r: [d.value_source for d in r.demand] == [d.value_source for d in clean(C).demand],
)
csv_case(
    "contract_dates_header_with_rlm_and_nbsp",
    C,
    _rename("Срок исполнения с", f"{RLM}Срок{NBSP}исполнения с "),
    check=lambda r: [d.date for d in r.demand] == [d.date for d in clean(C).demand],
)
csv_case(
    "contract_dates_header_renamed",
    C,
    _rename("Срок исполнения с", "Начало исполнения (план)"),
    check=lambda r: "'срок исполнения с'" in warnings_text(r),
)


def _absurd_dates(rows):
    col = column(rows, "Срок исполнения с")
    for index, value in zip((2, 3, 4), ("01.01.1900", "31.12.9999", "0001-01-01"), strict=True):
        rows[index][col] = value


csv_case(
    "contract_absurd_dates",
    C,
    _absurd_dates,
    check=lambda r: all("outside 1990-2100" in skipped_reasons(r)[n] for n in (3, 4, 5)),
)


def _negative_paid(rows):
    rows[1][column(rows, "Оплачено, руб.")] = -5


csv_case(
    "contract_negative_paid",
    C,
    _negative_paid,
    check=lambda r: (
        "negative paid amount (lines 2)" in warnings_text(r) and r.demand[0].value_source == "price"
    ),
)


def _ikz_scientific(rows):
    rows[2][column(rows, "ИКЗ")] = "2,12770E+35"


csv_case(
    "contract_ikz_in_scientific_notation",
    C,
    _ikz_scientific,
    check=lambda r: (
        next(d for d in r.demand if d.row == 3).ikz is None
        and "IKZ stored as a number" in warnings_text(r)
    ),
)


def _invisible(rows):
    name, number = column(rows, "Наименование СПГЗ"), column(rows, "Реестровый номер в РК")
    for index, row in enumerate(rows[1:40], 1):
        if row[name]:
            row[name] = f"{RLM}{row[name]}{ZWSP}\x07_x0007_"
        if row[number]:
            row[number] = f"{ZWSP}{row[number]}{RLM}" if index % 2 else f"{row[number]}\u2060"


csv_case(
    "contract_invisible_characters_in_names_and_numbers",
    C,
    _invisible,
    check=lambda r: (
        [(d.key, d.product_name, d.document) for d in r.demand]
        == [(d.key, d.product_name, d.document) for d in clean(C).demand]
    ),
)


def _numbers_as_text(rows):
    for col in (column(rows, "Цена ГК, руб."), column(rows, "Оплачено, руб.")):
        for row in rows[1:]:
            if isinstance(row[col], (int, float)):
                row[col] = f"{row[col]:,.2f}".replace(",", " ").replace(".", ",")


csv_case(
    "contract_numbers_as_russian_text",
    C,
    _numbers_as_text,
    check=lambda r: (
        r.summary["total_amount"] == clean(C).summary["total_amount"]
        and not any("Contract " in str(w) for w in r.warnings)
    ),
)


# CSV dialects and encodings
@case("csv_unbalanced_quote", error=r"unbalanced quote \(\"\) at line 21")
def _unbalanced_quote():
    lines = to_csv(real_rows(C)).split("\n")
    cells = lines[20].split(";")
    cells[1] = '"' + cells[1]
    lines[20] = ";".join(cells)
    return "\n".join(lines).encode(), "quote.csv"


@case(
    "csv_comma_delimiter_and_decimal_commas",
    error=r"comma both as the delimiter and as the decimal",
)
def _decimal_commas():
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = rows_of(C)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, float) and not value.is_integer():
                cells.append(f"{value:.2f}".replace(".", ","))
            else:
                cells.append(cell_text(value))
        writer.writerow(cells)
    # the decimal commas are written unquoted, as a careless export does
    text = re.sub(r'"(\d+),(\d\d)"', r"\1,\2", out.getvalue())
    return text.encode(), "commas.csv"


def _generic_rows(amount_format):
    rows = rows_of(C)
    date, name = column(rows, "Срок исполнения с"), column(rows, "Наименование СПГЗ")
    price = column(rows, "Цена ГК, руб.")
    out = [["Date", "Item name", "Qty", "Amount"]]
    for row in rows[1:200]:
        if row[date] and row[name] and isinstance(row[price], (int, float)):
            out.append([row[date], row[name].strip(), 1, amount_format(row[price])])
    return out


@case(
    "csv_english_thousands_separators",
    check=lambda r: (
        [d.amount for d in r.demand][:5]
        == [round(float(a), 2) for a in CASES["csv_english_thousands_separators"].amounts[:5]]
    ),
)
def _english_thousands():
    # "217,500" (whole rubles) as well as "1,234.56": the point-decimal file groups thousands
    rows = _generic_rows(lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")
    CASES["csv_english_thousands_separators"].amounts = [r[3].replace(",", "") for r in rows[1:]]
    return to_csv(rows, "\t").encode(), "english.csv"


@case("csv_cp1251_with_one_utf8_line", error=r"mixes encodings: lines 31 are in UTF-8")
def _mixed_encoding():
    lines = to_csv(real_rows(C)).split("\n")
    encoded = [line.encode("cp1251", errors="replace") for line in lines]
    encoded[30] = lines[30].encode("utf-8")
    return b"\n".join(encoded), "mixed.csv"


@case(
    "csv_utf16_with_bom",
    check=lambda r: [d.key for d in r.demand] == [d.key for d in clean(C).demand],
)
def _utf16():
    return to_csv(real_rows(C), "\t").encode("utf-16"), "unicode.txt"


@case("csv_first_header_starts_with_pk", check=lambda r: r.kind == "generic" and r.demand)
def _pk_header():
    rows = _generic_rows(lambda v: v)
    rows = [["PK-код" if i == 0 else f"PK{i}", *row] for i, row in enumerate(rows)]
    return to_csv(rows).encode(), "pk.csv"


def _generic_negative(rows_edit):
    def make():
        rows = _generic_rows(lambda v: v)
        rows_edit(rows)
        return to_csv(rows).encode(), "generic.csv"

    return make


def _negative_quantity(rows):
    rows[1][2] = -3


def _generic_dates(rows):
    rows[2][0] = "9999-12-31"
    rows[3][0] = "01.01.1900"


CASES["generic_negative_quantity"] = Case(
    make=_generic_negative(_negative_quantity),
    check=lambda r: "is negative" in skipped_reasons(r)[2],
)
CASES["generic_absurd_dates"] = Case(
    make=_generic_negative(_generic_dates),
    check=lambda r: all("outside 1990-2100" in skipped_reasons(r)[n] for n in (3, 4)),
)


# catalog
def _catalog_prices(rows):
    col = column(rows, "реф.цена")
    filled = [i for i, row in enumerate(rows[1:], 1) if row[col] not in (None, "", "NULL", "-")]
    rows[filled[0]][col] = 0
    rows[filled[1]][col] = -120.5
    rows[filled[2]][col] = 1e308
    CASES["catalog_absurd_reference_prices"].lines = [i + 1 for i in filled[:3]]


csv_case(
    "catalog_absurd_reference_prices",
    K,
    _catalog_prices,
    check=lambda r: (
        (lines := CASES["catalog_absurd_reference_prices"].lines)
        and f"zero or below (lines {lines[0]}, {lines[1]})" in warnings_text(r)
        and "beyond any plausible" in skipped_reasons(r)[lines[2]]
        and all(i.reference_price is None for i in r.catalog_items if i.row in lines[:2])
    ),
)


def _catalog_kpgz(rows):
    col = column(rows, "КПГЗ код")
    rows[5][col] = rows[5][col].replace("0", "O")
    rows[6][col] = "ЭЛЕКТРОЧАЙНИКИ БЫТОВЫЕ"


csv_case(
    "catalog_kpgz_code_with_letters",
    K,
    _catalog_kpgz,
    check=lambda r: all("is not a KPGZ code" in skipped_reasons(r)[n] for n in (6, 7)),
)
csv_case(
    "catalog_price_header_with_star",
    K,
    _rename("реф.цена", "Реф. цена *"),
    check=lambda r: r.summary["reference_prices"] == clean(K).summary["reference_prices"] > 0,
)


# stock listing (as a workbook: the real one is one)
def xlsx_case(name, source, edit, **options):
    def make():
        rows = rows_of(source)
        edit(rows)
        return xlsx_bytes({SHEETS[source]: rows}), f"{name}.xlsx"

    CASES[name] = Case(make=make, **options)


@functools.cache
def clean_xlsx(name):
    return importers.parse((DATA / name).read_bytes(), name)


def _stock_absurd(rows):
    qty, value = 5, 4  # 1Q2022 quantity and balance value
    rows[1][qty] = -2
    rows[2][value] = 1e308


xlsx_case(
    "stock_negative_and_huge",
    S,
    _stock_absurd,
    check=lambda r: (
        "negative value or quantity" in skipped_reasons(r)[2]
        and "beyond any plausible stock" in skipped_reasons(r)[3]
    ),
)


def _stock_headers(rows):
    rows[0][0] = f"Code1{ZWSP}"
    rows[0][2] = "code3 *"


xlsx_case(
    "stock_code_headers_with_invisible_characters",
    S,
    _stock_headers,
    check=lambda r: (
        [(s.account, s.sub_account, s.key) for s in r.stock_levels]
        == [(s.account, s.sub_account, s.key) for s in clean_xlsx(S).stock_levels]
    ),
)
xlsx_case(
    "stock_code_header_renamed",
    S,
    _rename("Code3", "Субсч."),
    check=lambda r: "'code3'" in warnings_text(r),
)


def _stock_year(rows):
    for col, header in enumerate(rows[0]):
        if str(header).startswith("4Q2022"):
            rows[0][col] = header.replace("4Q2022", "4Q1900")


xlsx_case(
    "stock_quarter_of_1900",
    S,
    _stock_year,
    check=lambda r: (
        "outside 1990-2100" in warnings_text(r) and all(s.date.year == 2022 for s in r.stock_levels)
    ),
)


# turnover sheets
def _find(rows, label, indicator="Сумма", start=0):
    for index in range(start, len(rows)):
        if rows[index][0] == label and rows[index][9] == indicator:
            return index
    raise LookupError(label)


def _leaf(rows):
    """Index of the first item's "Сумма" row (a name, not an account code or a holder)."""
    header = next(i for i, r in enumerate(rows) if r[0] == "Счет")
    for index in range(header, len(rows)):
        label = rows[index][0]
        if rows[index][9] == "Сумма" and label and not re.match(r"^\d", str(label)):
            return index
    raise LookupError("item")


def _invented_issue(rows):
    item = _leaf(rows) + 1  # its "Кол." row
    total = _find(rows, "Итого") + 1
    for index in (item, total):
        rows[index][15] = (rows[index][15] or 0) + 5  # credit turnover (issues), 18 columns


csv_case("turnover_invented_issue_total_adjusted", T, _invented_issue, error=r"do not reconcile")


def _swap_sides(rows):
    sides = next(i for i, r in enumerate(rows) if "Дебет" in r)
    rows[sides] = [
        "Кредит" if v == "Дебет" else "Дебет" if v == "Кредит" else v for v in rows[sides]
    ]


csv_case("turnover_debit_credit_swapped", T, _swap_sides, error=r"look swapped")


def _title(new):
    def edit(rows):
        rows[1][0] = new

    return edit


csv_case(
    "turnover_period_1900",
    T,
    _title("Оборотно-сальдовая ведомость по счету 21 за 1 квартал 1900 г."),
    error=r"outside 1990-2100",
)
csv_case(
    "turnover_title_of_30000_characters",
    T,
    _title("Оборотно-сальдовая ведомость по счету 21 за январь 2022" + " " * 30_000 + "x"),
    error=r"title at line 2 is 30\d\d\d characters long",
)


def _huge_cell(rows):
    rows[_leaf(rows)][10] = 1e308


csv_case("turnover_value_near_1e308", T, _huge_cell, error=r"beyond any plausible amount")


def _edited_total(rows):
    rows[_find(rows, "Итого")][16] += 100


csv_case("turnover_edited_total", T, _edited_total, error=r"differs from the sheet's 'Итого'")


def _group_headers(rows):
    header = next(i for i, r in enumerate(rows) if r[0] == "Счет")
    rows[header][16] = f"Сальдо на конец{NBSP}периода*"
    rows[header][10] = f"{ZWSP}Сальдо на начало периода"


csv_case(
    "turnover_group_headers_with_invisible_characters",
    T,
    _group_headers,
    check=lambda r: r.summary["closing_value"] == clean(T).summary["closing_value"],
)


def _russian_numbers(rows):
    for row in rows:
        for col in range(10, 18):
            if isinstance(row[col], float):
                row[col] = f"{row[col]:,.2f}".replace(",", "\u00a0").replace(".", ",")


csv_case(
    "turnover_numbers_as_russian_text",
    T,
    _russian_numbers,
    check=lambda r: r.summary["closing_value"] == 25962890.05,
)


# byte-level damage, wrong kinds and bombs
@case("xlsx_truncated", error=r"damaged or truncated")
def _truncated():
    content = (DATA / T).read_bytes()
    return content[: len(content) * 2 // 3], "cut.xlsx"


for seed in range(4):

    def _flipped(seed=seed):
        content = bytearray((DATA / S).read_bytes())
        step = len(content) // 7
        for offset in range(200 + seed * 97, len(content) - 100, step):
            content[offset] ^= 0x5A
        return bytes(content), "flipped.xlsx"

    CASES[f"xlsx_byte_flips_{seed}"] = Case(make=_flipped, error=r"\S")


@case("wrong_kind_forced", kind="turnover_sheet", error=r"is not a 1C turnover balance sheet")
def _wrong_kind():
    return (DATA / K).read_bytes(), "catalog.xlsx"


@case("xlsx_zip_bomb", error=r"unpacks to 1\d\d\.\d MB, more than the 100 MB", memory=True)
def _zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO((DATA / S).read_bytes())) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                if item.filename == "xl/sharedStrings.xml":
                    with target.open(item.filename, "w") as member:
                        chunk = b"A" * (1 << 20)
                        for _ in range(110):
                            member.write(chunk)
                else:
                    target.writestr(item, source.read(item.filename))
    return out.getvalue(), "bomb.xlsx"


@case("file_too_large", error=r"too large to import \(5\d\.\d MB; at most 50 MB\)", memory=True)
def _too_large():
    head = to_csv(real_rows(C)[:50]).encode()
    return head + b"\n" * (51 * 1024 * 1024), "huge.csv"


# line 4 of the text: the first contract's subject runs over two lines
@case("csv_cell_of_40000_characters", error=r"cell of 40\d\d\d characters at line 4")
def _long_csv_cell():
    rows = rows_of(C)[:10]
    rows[2][1] = "Стол " * 8000
    return to_csv(rows).encode(), "long.csv"


# openpyxl cuts the cell at Excel's 32,767 characters, still beyond the limit
@case("xlsx_cell_of_40000_characters", error=r"cell of 32767 characters at line 3")
def _long_xlsx_cell():
    rows = rows_of(C)[:10]
    rows[2][1] = "Стол " * 8000
    return xlsx_bytes({"Выгрузка": rows}), "long.xlsx"


@case("xlsx_cells_up_to_column_xfd", error=r"spans more than 20000000 cells")
def _wide_sheet():
    """A register whose every row has a cell in the last column (XFD): 1,300 rows of 16,384
    cells once read."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Выгрузка"
    for number, row in enumerate(rows_of(C)[:1300], 1):
        sheet.append(row)
        sheet.cell(row=number, column=16384, value=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), "wide.xlsx"


# -- the test ------------------------------------------------------------------------------
def _parse(content, filename, kind, memory):
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        return importers.parse(content, filename, kind=kind), None, time.perf_counter() - started
    except ImportFileError as error:
        return None, error, time.perf_counter() - started
    finally:
        if memory:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert peak < MEMORY_LIMIT, f"{peak / 1e6:.0f} MB traced"


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file(name):
    """Each generated corruption of a real file is refused with a clear ImportFileError (the
    expected reason in its message) or imported with the damaged rows skipped or warned
    about, within a bounded time (and memory for the bombs); never another exception."""
    spec = CASES[name]
    content, filename = spec.make()
    result, error, elapsed = _parse(content, filename, spec.kind, spec.memory)
    assert elapsed < TIME_LIMIT, f"{name} took {elapsed:.1f} s"
    if spec.error is not None:
        assert error is not None, f"{name} was imported: {result.summary}"
        assert re.search(spec.error, str(error)), str(error)
    else:
        assert error is None, f"{name} was refused: {error}"
        skipped, warned = f"{skipped_reasons(result)!r:.600}", warnings_text(result)[:600]
        assert spec.check(result), f"{name}: skipped {skipped}; warnings {warned}"
