"""Contract register: one record per line, value counted once per contract, terminated out."""

import datetime
from collections import defaultdict

import pytest

import importers
from importers import ImportFileError
from importers.contracts import line_values

HEADER = [
    "ID СПГЗ",
    "Наименование СПГЗ",
    "Реестровый номер в РК",
    "ИКЗ",
    "Статус контракта",
    "Цена ГК, руб.",
    "Оплачено, руб.",
    "Конечный код КПГЗ",
    "Конечное наименование КПГЗ",
    "Дата заключения",
    "Срок исполнения с",
]


def register(*lines):
    return [HEADER, *[list(line) for line in lines]]


@pytest.mark.slow
def test_real_register_counts_and_exclusions(real_parsed):
    """The real export: 3,699 rows of which 705 empty (skipped silently) and 88 lines of
    terminated contracts (skipped with a reason): 2,906 demand records over 1,633 contracts."""
    result = real_parsed("contracts_by_customer.xlsx")
    assert result.kind == "contract_register"
    summary = result.summary
    assert summary["rows_read"] == 3699
    assert summary["empty_rows"] == 705
    assert summary["terminated_rows"] == 88
    assert len(result.skipped) == 88
    assert all("terminated" in str(s) for s in result.skipped)
    assert len(result.demand) == 2906 == summary["demand_records"]
    assert summary["contracts"] == 1633
    assert not any(d.status == "Расторгнут" for d in result.demand)
    assert result.vendors == []  # this export names no supplier
    assert all(d.quantity is None for d in result.demand)


@pytest.mark.slow
def test_real_register_value_counted_once_per_contract(real_parsed, real_bytes):
    """Per contract, the values of its lines add up to its paid amount (or price when nothing
    was paid) once — never the price repeated per line (138.7 bn in the raw sum)."""
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(
        io.BytesIO(real_bytes("contracts_by_customer.xlsx")), read_only=True
    ).worksheets[0]
    contract_value = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[2] is None or row[9] == "Расторгнут":
            continue
        paid = row[13] if isinstance(row[13], (int, float)) and row[13] > 0 else None
        contract_value[str(row[2])] = paid if paid is not None else row[11]
    result = real_parsed("contracts_by_customer.xlsx")
    sums = defaultdict(float)
    for record in result.demand:
        sums[record.document] += record.amount
    assert set(sums) == set(contract_value)
    for contract, value in contract_value.items():
        assert sums[contract] == pytest.approx(value, abs=0.005), contract
    assert result.summary["total_amount"] == pytest.approx(sum(contract_value.values()), abs=0.01)
    assert result.summary["total_amount"] < 80.5e9
    # a four-line contract paid 99,099,999.99: each line carries a quarter of it, once
    lines = [d for d in result.demand if d.document == "3967298"]
    assert len(lines) == 4
    assert sorted(d.amount for d in lines) == [24_774_999.99, *[24_775_000.0] * 3]
    assert {d.value_source for d in lines} == {"paid"}


@pytest.mark.slow
def test_real_register_codes_dates_keys(real_parsed, real_bytes):
    """Codes stay text (36-digit ИКЗ intact, KPGZ with leading zeros), dates come from the
    execution start, keys are unique — the one SPGZ listed twice in a contract under two KPGZ
    codes is told apart by its KPGZ code — and identical when parsed again."""
    result = real_parsed("contracts_by_customer.xlsx")
    first = result.demand[0]
    assert first.date == datetime.date(2019, 9, 9)  # Срок исполнения с, not signed 06.09.2019
    assert first.product_code == "30173402"
    assert first.category_code == "03.10.01.01"
    ikz = [d.ikz for d in result.demand if d.ikz]
    assert "212770135608677030100100070000000244" in ikz
    assert all(len(code) == 36 and code.isdigit() for code in ikz)
    keys = [d.key for d in result.demand]
    assert len(keys) == len(set(keys))
    assert "contract:3462173:41236551:01.16.07.02.01" in keys
    assert "contract:3462173:41236551:01.16.03.02" in keys
    assert "contract:1379213-17:10027848:01.16.01" in keys
    again = importers.parse(real_bytes("contracts_by_customer.xlsx"), "again.xlsx")
    assert [d.key for d in again.demand] == keys
    assert result.file_hash == again.file_hash
    # categories carry the derived parents
    codes = {c.code: c for c in result.categories}
    assert codes["03.10.01.01"].name == "УСЛУГИ ЧАСТНОЙ ОХРАНЫ (ВЫСТАВЛЕНИЕ ПОСТА ОХРАНЫ)"
    assert codes["03.10.01.01"].parent_code == "03.10.01"
    assert codes["03"].parent_code is None


def test_price_split_once_when_nothing_paid(make_xlsx):
    """Three lines of a contract priced 100.00 with nothing paid: 33.34 + 33.33 + 33.33 = 100.00,
    not 300.00."""
    content = make_xlsx(
        {
            "Выгрузка": register(
                [1, "Стол", "77", "", "Исполнение", 100, "", "01.16.03", "СТОЛЫ", "01.02.2021", ""],
                [
                    2,
                    "Стул",
                    "77",
                    "",
                    "Исполнение",
                    100,
                    "",
                    "01.16.01",
                    "СТУЛЬЯ",
                    "01.02.2021",
                    "",
                ],
                [3, "Шкаф", "77", "", "Исполнение", 100, "", "01.16.07", "ШКАФЫ", "01.02.2021", ""],
            )
        }
    )
    result = importers.parse(content, "register.xlsx")
    assert [d.amount for d in result.demand] == [33.34, 33.33, 33.33]
    assert {d.value_source for d in result.demand} == {"price"}
    # empty execution start: the signing date is used
    assert {d.date for d in result.demand} == {datetime.date(2021, 2, 1)}
    assert result.summary["contracts_split"] == 1


def test_terminated_and_empty_rows(make_xlsx):
    """A terminated contract is skipped with its number in the reason; an empty row is only
    counted."""
    content = make_xlsx(
        {
            "Выгрузка": register(
                [
                    1,
                    "Стол",
                    "77",
                    "",
                    "Исполнен",
                    50,
                    50,
                    "01.16",
                    "МЕБЕЛЬ",
                    "01.02.2021",
                    "05.02.2021",
                ],
                [None] * len(HEADER),
                [2, "Стул", "78", "", "Расторгнут", 70, "", "01.16", "МЕБЕЛЬ", "01.02.2021", ""],
            )
        }
    )
    result = importers.parse(content, "register.xlsx")
    assert [d.document for d in result.demand] == ["77"]
    assert result.demand[0].date == datetime.date(2021, 2, 5)
    assert result.summary["empty_rows"] == 1
    assert len(result.skipped) == 1
    skipped = result.skipped[0]
    assert skipped.row == 4
    assert skipped.reason.params == {"contract": "78", "status": "Расторгнут"}
    assert str(skipped) == "Contract 78 is terminated (Расторгнут): not demand."


def test_bad_date_and_number_are_skipped_with_reason(make_xlsx):
    """Unreadable dates or prices skip the line with a reason naming the value; nothing is
    guessed."""
    content = make_xlsx(
        {
            "Выгрузка": register(
                [1, "Стол", "77", "", "Исполнен", 50, 50, "01.16", "М", "31.02.2021", "весной"],
                [2, "Стул", "78", "", "Исполнен", "дорого", "", "01.16", "М", "01.02.2021", ""],
            )
        }
    )
    result = importers.parse(content, "register.xlsx")
    assert result.demand == []
    reasons = {s.row: s.reason.params for s in result.skipped}
    assert reasons[2]["value"] == "весной"
    assert reasons[3] == {"line": 3, "value": "дорого", "column": "цена гк, руб."}


def test_vendors_and_quantities_when_present(make_xlsx):
    """A register with supplier and quantity columns gives vendors (name, INN as text) and
    quantities."""
    header = [*HEADER, "Поставщик", "ИНН поставщика", "Количество"]
    content = make_xlsx(
        {
            "Выгрузка": [
                header,
                [
                    1,
                    "Стол",
                    "77",
                    "",
                    "Исполнен",
                    50,
                    50,
                    "01.16",
                    "М",
                    "",
                    "05.02.2021",
                    'ООО "Мебель"',
                    "7701234567",
                    2,
                ],
                [
                    2,
                    "Стул",
                    "78",
                    "",
                    "Исполнен",
                    70,
                    70,
                    "01.16",
                    "М",
                    "",
                    "05.03.2021",
                    'ООО "Мебель"',
                    "7701234567",
                    "3,5",
                ],
            ]
        }
    )
    result = importers.parse(content, "register.xlsx")
    assert [(v.name, v.inn) for v in result.vendors] == [('ООО "Мебель"', "7701234567")]
    assert [d.quantity for d in result.demand] == [2, 3.5]
    assert result.demand[0].vendor_inn == "7701234567"


def test_missing_required_column_is_named(make_xlsx):
    """A register without its price column is refused naming the column."""
    header = [h for h in HEADER if h != "Цена ГК, руб."]
    content = make_xlsx({"Выгрузка": [header, [1, "Стол", "77", "", "Исполнен"]]})
    with pytest.raises(ImportFileError) as error:
        importers.parse(content, "register.xlsx", kind="contract_register")
    assert error.value.params["column"] == "цена гк, руб."
    assert "has no column 'цена гк, руб.'" in str(error.value)


@pytest.mark.parametrize(
    ("paid", "price", "expected"),
    [
        # contract-level paid repeated on both lines: split once
        ([90.0, 90.0], [100.0, 100.0], [(45.0, "paid"), (45.0, "paid")]),
        # nothing paid: the price, once
        ([None, None], [100.0, 100.0], [(50.0, "price"), (50.0, "price")]),
        ([0.0, 0.0], [99.99, 99.99], [(50.0, "price"), (49.99, "price")]),
        # lines carry their own amounts
        ([30.0, 60.0], [100.0, 100.0], [(30.0, "line"), (60.0, "line")]),
        ([None, None], [40.0, 60.0], [(40.0, "line"), (60.0, "line")]),
        # one line paid on its own, the other shares what is left of the price
        ([30.0, None], [100.0, 100.0], [(30.0, "line"), (70.0, "price")]),
    ],
)
def test_line_values_rules(paid, price, expected):
    """The value rule per contract: paid before price, contract-level figures once."""
    lines = [{"paid": p, "price": q} for p, q in zip(paid, price, strict=True)]
    assert line_values(lines) == expected
