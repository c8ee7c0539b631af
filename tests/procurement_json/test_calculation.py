"""The Moscow procurement calculation ("расчёт"): rows are built as the template says, and
validation refuses every departure from it with a message that says where."""

import copy
import datetime as dt
import json

import pytest
from procurement_json import CalculationError, characteristic, row, validate_calculation


def document(**row_values):
    values = {
        "quantity": 12,
        "price": 250.5,
        "start": dt.date(2026, 9, 1),
        "end": dt.date(2026, 9, 30),
        "okei_code": "796",
        "entity_id": "SPGZ-1",
        "version_id": "SPGZ-1-v2",
        "characteristics": [characteristic("Format", "A4")],
        **row_values,
    }
    return {"id": "calc-1", "lotEntityId": "", "CustomerId": "7701", "rows": [row(**values)]}


def test_row_follows_the_template():
    """Numbers are JSON numbers (12 stays an integer, nmc = quantity x price), dates ISO, the
    year is the delivery's, unknown texts empty strings; a characteristic lists its value."""
    item = row(
        quantity=12,
        price=250.5,
        start=dt.date(2026, 12, 20),
        end=dt.date(2027, 1, 15),
        okei_code="796",
    )
    assert item["purchaseAmount"] == 12 and isinstance(item["purchaseAmount"], int)
    assert item["nmc"] == 3006.0
    assert item["DeliverySchedule"] == {
        "dates": {"start_date": "2026-12-20", "end_date": "2027-01-15"},
        "deliveryAmount": 12,
        "deliveryConditions": "",
        "year": 2027,
    }
    assert item["address"] == {"gar_id": "", "text": ""}
    assert (item["entityId"], item["id"], item["spgzCharacteristics"]) == ("", "", [])
    assert (
        row(
            quantity=2.5,
            price=1,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 1, 2),
            okei_code="166",
        )["purchaseAmount"]
        == 2.5
    )
    assert characteristic("Format", "A4")["characteristicSpgzEnums"] == [{"value": "A4"}]
    assert characteristic("Colour", "")["characteristicSpgzEnums"] == []


def test_a_built_document_is_valid_and_json():
    """What row() builds passes validation and survives a JSON round trip unchanged."""
    built = document()
    validate_calculation(built)
    assert json.loads(json.dumps(built, ensure_ascii=False)) == built


def _broken(change):
    broken = copy.deepcopy(document())
    change(broken)
    return broken


CASES = {
    "not an object": (lambda d: d.clear(), "exactly the fields"),
    "extra top field": (lambda d: d.update(extra=1), "exactly the fields"),
    "number as id": (lambda d: d.update(id=5), "'id' must be text"),
    "no rows": (lambda d: d.update(rows=[]), "'rows' must not be empty"),
    "row not an object": (lambda d: d["rows"].__setitem__(0, "x"), "row 1 must be an object"),
    "missing row field": (lambda d: d["rows"][0].pop("nmc"), "row 1 must have exactly"),
    "schedule not an object": (
        lambda d: d["rows"][0].update(DeliverySchedule="soon"),
        "row 1: DeliverySchedule must be an object",
    ),
    "dates not an object": (
        lambda d: d["rows"][0]["DeliverySchedule"].update(dates="2026-09-01"),
        "delivery dates must be YYYY-MM-DD",
    ),
    "Russian date": (
        lambda d: d["rows"][0]["DeliverySchedule"]["dates"].update(start_date="01.09.2026"),
        "delivery dates must be YYYY-MM-DD",
    ),
    "ends before it starts": (
        lambda d: d["rows"][0]["DeliverySchedule"]["dates"].update(end_date="2026-08-01"),
        "cannot end before it starts",
    ),
    "quantity as text": (
        lambda d: d["rows"][0]["DeliverySchedule"].update(deliveryAmount="12"),
        "deliveryAmount must be a positive number",
    ),
    "wrong year": (
        lambda d: d["rows"][0]["DeliverySchedule"].update(year=2025),
        "year must be the delivery's year",
    ),
    "deliveries do not add up": (
        lambda d: d["rows"][0].update(purchaseAmount=13),
        "must add up to the purchased amount",
    ),
    "true is no number": (
        lambda d: d["rows"][0].update(nmc=True),
        "nmc must be a number",
    ),
    "unit name instead of OKEI code": (
        lambda d: d["rows"][0].update(okei_code="шт"),
        "okei_code must be an OKEI code",
    ),
    "address without gar_id": (
        lambda d: d["rows"][0].update(address={"text": "Moscow"}),
        "address must hold gar_id and text",
    ),
    "characteristic missing fields": (
        lambda d: d["rows"][0].update(spgzCharacteristics=[{"characteristicName": "Format"}]),
        "each characteristic must have the template's fields",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_departures_are_refused_with_where(case):
    """Each departure from the template raises CalculationError naming what is wrong."""
    change, message = CASES[case]
    with pytest.raises(CalculationError, match=message):
        validate_calculation(_broken(change))


def test_non_object_documents_are_refused():
    """A list or a text is refused as a CalculationError, not a TypeError."""
    for value in ([], "calc", None):
        with pytest.raises(CalculationError, match="must be an object"):
            validate_calculation(value)
