"""Stock listings per quarter: levels per card, the 105 unit-price column, incomplete Q4."""

import datetime

import pytest

import importers

QUARTER_ENDS = [datetime.date(2022, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]


def periods(result):
    return {p["date"]: p for p in result.summary["periods"]}


@pytest.mark.slow
def test_listing_101_matches_turnover_totals_and_reports_incomplete_q4(real_parsed):
    """101: Q1-Q3 closing values equal the turnover sheets' totals; Q4 lacks sub-account 101.34
    entirely, which is reported and not invented; keys are unique per card and quarter."""
    result = real_parsed("stock_leftovers_101.xlsx")
    assert result.kind == "stock_listing"
    by_date = periods(result)
    assert by_date[QUARTER_ENDS[0]]["value"] == 41_712_447.58
    assert by_date[QUARTER_ENDS[1]]["value"] == 46_000_432.86
    assert by_date[QUARTER_ENDS[2]]["value"] == 46_910_925.86
    assert by_date[QUARTER_ENDS[0]]["quantity"] == 2991
    q4 = [s for s in result.stock_levels if s.date == QUARTER_ENDS[3]]
    assert not any(s.sub_account == "101.34" for s in q4)
    assert any("101.34" in str(w) and "2022-12-31" in str(w) for w in result.warnings)
    assert {s.sub_account for s in result.stock_levels} == {"101.34", "101.36", "101.38"}
    keys = [s.key for s in result.stock_levels]
    assert len(keys) == len(set(keys))
    first = result.stock_levels[0]
    assert first.key == "stock:101:11013402000163:2022-03-31"
    assert first.inventory_number == "11013402000163"
    assert first.residual_value == 0


@pytest.mark.slow
def test_listing_105_value_is_price_times_quantity(real_parsed):
    """105: the 'балансовая стоимость' column is a unit price; values come from
    'остаточная стоимость' (price x quantity) and the price is kept as unit_price."""
    result = real_parsed("stock_leftovers_105.xlsx")
    glue = result.stock_levels[0]
    assert glue.product_name == "Клей Момент Столяр Экспресс,750г,"
    assert (glue.quantity, glue.unit_price, glue.value) == (2, 410.4, 820.8)
    assert any("unit prices" in str(w) for w in result.warnings)
    assert periods(result)[QUARTER_ENDS[0]]["value"] == 1_836_623.01
    keys = [s.key for s in result.stock_levels]
    assert len(keys) == len(set(keys))


@pytest.mark.slow
def test_listing_21_card_split_over_two_rows(real_parsed):
    """21: a card appears on two rows (inventory number once as a number, once as text; Q4 on
    one row, Q1-Q3 on the other): one level per quarter, same inventory number text."""
    result = real_parsed("stock_leftovers_21.xlsx")
    card = [s for s in result.stock_levels if s.inventory_number == "11013404000341"]
    assert sorted(s.date for s in card) == QUARTER_ENDS
    assert periods(result)[QUARTER_ENDS[2]]["value"] == 28_961_273.41
    keys = [s.key for s in result.stock_levels]
    assert len(keys) == len(set(keys))


def listing(*rows, measures=("балансовая стоимость", "количество", "остаточная стоимость")):
    header = ["Code1", "Code2", "Code3", "Name", "Инвентарный номер"]
    for quarter in (1, 2):
        header += [f"{quarter}Q2023|остаток кон|{m}" for m in measures]
    return [header, *rows]


def test_half_filled_quarter_is_skipped_not_invented(make_xlsx):
    """A row with a value but no quantity for a quarter is skipped for that quarter with the
    reason; its other quarter is kept; account codes stored as numbers read as 101.30/101.34."""
    content = make_xlsx(
        {"Sheet1": listing([101, 101.3, 101.34, "Стол", 1001, 500, 1, 500, 500, None, 500])}
    )
    result = importers.parse(content, "stock.xlsx")
    assert [(s.date, s.value) for s in result.stock_levels] == [(datetime.date(2023, 3, 31), 500)]
    level = result.stock_levels[0]
    assert (level.account, level.sub_account, level.inventory_number) == ("101", "101.34", "1001")
    assert [(s.row, s.reason.params["date"]) for s in result.skipped] == [(2, "2023-06-30")]


def test_ordinary_listing_keeps_balance_value(make_xlsx):
    """Without the unit-price pattern (value != residual / quantity), 'балансовая стоимость' is
    the value: no reinterpretation."""
    content = make_xlsx(
        {
            "Sheet1": listing(
                [21, 21.3, 21.36, "Стул", 1, 3000, 3, 3000, None, None, None],
                [21, 21.3, 21.36, "Стол", 2, 8000, 4, 8000, None, None, None],
                [21, 21.3, 21.36, "Шкаф", 3, 9000, 2, 9000, None, None, None],
            )
        }
    )
    result = importers.parse(content, "stock.xlsx")
    assert [s.value for s in result.stock_levels] == [3000, 8000, 9000]
    assert all(s.unit_price is None for s in result.stock_levels)
    # the empty second quarter is reported once, nothing else
    assert [str(w) for w in result.warnings] == [
        "The file has no closing balances for the quarter ending 2023-06-30."
    ]
