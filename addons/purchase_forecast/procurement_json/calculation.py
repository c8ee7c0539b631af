"""Rows of a Moscow procurement calculation and their validation.

The document: ``{"id", "lotEntityId", "CustomerId", "rows": [...]}``; each row describes one
catalog item (SPGZ) bought with one delivery: ``DeliverySchedule`` (``dates.start_date``,
``dates.end_date``, ``deliveryAmount``, ``deliveryConditions``, ``year``), ``address``
(``gar_id``, ``text``), ``entityId`` (persistent SPGZ id), ``id`` (SPGZ version id), ``nmc``
(initial maximum price = quantity x price, RUB), ``okei_code`` (unit in the OKEI classifier),
``purchaseAmount`` (quantity) and ``spgzCharacteristics``. Unknown texts are empty strings,
never guesses; numbers are JSON numbers and dates ISO ``YYYY-MM-DD`` whatever the language.
"""

from __future__ import annotations

import datetime as dt
import re

TOP_FIELDS = ("id", "lotEntityId", "CustomerId", "rows")
ROW_FIELDS = (
    "DeliverySchedule",
    "address",
    "entityId",
    "id",
    "nmc",
    "okei_code",
    "purchaseAmount",
    "spgzCharacteristics",
)
CHARACTERISTIC_FIELDS = (
    "characteristicName",
    "characteristicSpgzEnums",
    "conditionTypeId",
    "kpgzCharacteristicId",
    "okei_id",
    "selectType",
    "typeId",
    "value1",
    "value2",
)
OKEI = re.compile(r"^\d{3,4}$")


class CalculationError(ValueError):
    """The document does not follow the calculation format; the message says where."""


def characteristic(name: str, value: str) -> dict:
    """A characteristic of the purchased item, as the template lists them."""
    return {
        "characteristicName": name,
        "characteristicSpgzEnums": [{"value": value}] if value else [],
        "conditionTypeId": "",
        "kpgzCharacteristicId": "",
        "okei_id": "",
        "selectType": "",
        "typeId": "",
        "value1": "",
        "value2": "",
    }


def row(
    *,
    quantity: float,
    price: float,
    start: dt.date,
    end: dt.date,
    okei_code: str,
    entity_id: str = "",
    version_id: str = "",
    conditions: str = "",
    gar_id: str = "",
    address: str = "",
    characteristics: list[dict] | None = None,
) -> dict:
    """One row: one item bought in one delivery of `quantity` between `start` and `end`."""
    return {
        "DeliverySchedule": {
            "dates": {"start_date": start.isoformat(), "end_date": end.isoformat()},
            "deliveryAmount": _number(quantity),
            "deliveryConditions": conditions or "",
            "year": end.year,
        },
        "address": {"gar_id": gar_id or "", "text": address or ""},
        "entityId": entity_id or "",
        "id": version_id or "",
        "nmc": round(quantity * price, 2),
        "okei_code": okei_code,
        "purchaseAmount": _number(quantity),
        "spgzCharacteristics": characteristics or [],
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CalculationError(message)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_date(value) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def validate_calculation(document: dict) -> None:
    """Raise CalculationError unless `document` follows the calculation format exactly."""
    _require(isinstance(document, dict), "the calculation must be an object")
    _require(
        tuple(sorted(document)) == tuple(sorted(TOP_FIELDS)),
        f"the calculation must have exactly the fields {', '.join(TOP_FIELDS)}",
    )
    for key in ("id", "lotEntityId", "CustomerId"):
        _require(isinstance(document[key], str), f"'{key}' must be text")
    _require(isinstance(document["rows"], list) and document["rows"], "'rows' must not be empty")
    for index, item in enumerate(document["rows"], start=1):
        where = f"row {index}"
        _require(isinstance(item, dict), f"{where} must be an object")
        _require(
            tuple(sorted(item)) == tuple(sorted(ROW_FIELDS)),
            f"{where} must have exactly the fields {', '.join(ROW_FIELDS)}",
        )
        schedule = item["DeliverySchedule"]
        _require(isinstance(schedule, dict), f"{where}: DeliverySchedule must be an object")
        dates = schedule.get("dates")
        dates = dates if isinstance(dates, dict) else {}
        _require(
            _is_date(dates.get("start_date")) and _is_date(dates.get("end_date")),
            f"{where}: delivery dates must be YYYY-MM-DD dates",
        )
        _require(
            dates["start_date"] <= dates["end_date"],
            f"{where}: the delivery cannot end before it starts",
        )
        _require(
            _is_number(schedule.get("deliveryAmount")) and schedule["deliveryAmount"] > 0,
            f"{where}: deliveryAmount must be a positive number",
        )
        _require(
            isinstance(schedule.get("year"), int)
            and schedule["year"] == int(dates["end_date"][:4]),
            f"{where}: year must be the delivery's year",
        )
        _require(
            isinstance(schedule.get("deliveryConditions"), str),
            f"{where}: deliveryConditions must be text",
        )
        address = item["address"]
        _require(
            isinstance(address, dict)
            and set(address) == {"gar_id", "text"}
            and all(isinstance(v, str) for v in address.values()),
            f"{where}: address must hold gar_id and text",
        )
        for key in ("entityId", "id"):
            _require(isinstance(item[key], str), f"{where}: '{key}' must be text")
        _require(_is_number(item["nmc"]) and item["nmc"] >= 0, f"{where}: nmc must be a number")
        _require(
            _is_number(item["purchaseAmount"]) and item["purchaseAmount"] > 0,
            f"{where}: purchaseAmount must be a positive number",
        )
        _require(
            item["purchaseAmount"] == schedule["deliveryAmount"],
            f"{where}: the deliveries must add up to the purchased amount",
        )
        _require(
            isinstance(item["okei_code"], str) and OKEI.match(item["okei_code"]),
            f"{where}: okei_code must be an OKEI code such as 796",
        )
        _require(
            isinstance(item["spgzCharacteristics"], list),
            f"{where}: spgzCharacteristics must be a list",
        )
        for feature in item["spgzCharacteristics"]:
            _require(
                isinstance(feature, dict)
                and tuple(sorted(feature)) == tuple(sorted(CHARACTERISTIC_FIELDS)),
                f"{where}: each characteristic must have the template's fields",
            )
