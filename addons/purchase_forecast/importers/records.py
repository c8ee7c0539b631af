"""Typed records the parsers produce, and the result and detection objects around them."""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .messages import Message, _

CONTRACT_REGISTER = "contract_register"
TURNOVER_SHEET = "turnover_sheet"
STOCK_LISTING = "stock_listing"
CATALOG = "catalog"
GENERIC = "generic"
KINDS = (CONTRACT_REGISTER, TURNOVER_SHEET, STOCK_LISTING, CATALOG, GENERIC)

KIND_LABELS = {
    CONTRACT_REGISTER: _("Contract register"),
    TURNOVER_SHEET: _("1C turnover balance sheet"),
    STOCK_LISTING: _("Stock listing"),
    CATALOG: _("KPGZ / SPGZ / STE catalog"),
    GENERIC: _("Generic demand file"),
}


@dataclass
class DemandRecord:
    """One demand observation: what was bought or consumed, when, how much.

    Used for contract lines, generic rows and the credit turnover (issues) of 1C sheets.
    ``amount`` is in ``currency``; ``quantity`` is None when the source has none.
    """

    date: datetime.date
    product_code: str | None
    product_name: str | None
    quantity: float | None
    amount: float | None
    key: str
    row: int
    currency: str = "RUB"
    category_code: str | None = None
    category_name: str | None = None
    vendor: str | None = None
    vendor_inn: str | None = None
    document: str | None = None
    warehouse: str | None = None
    unit: str | None = None
    # how ``amount`` was obtained: "paid", "price" (contract value split over its lines),
    # "line" (the source's own line amount), "issue" (credit turnover), "file"
    value_source: str = "file"
    status: str | None = None
    ikz: str | None = None  # purchase identification code of a contract line (36 digits)


@dataclass
class StockLevel:
    """Stock of one item at the end of a period (closing balance), with the period's movements
    when the source has them (1C turnover sheets)."""

    date: datetime.date
    product_code: str | None
    product_name: str
    account: str | None
    sub_account: str | None
    quantity: float | None
    value: float | None
    key: str
    row: int
    period_start: datetime.date | None = None
    inventory_number: str | None = None
    unit: str | None = None
    unit_price: float | None = None
    residual_value: float | None = None
    responsible: str | None = None
    opening_quantity: float | None = None
    opening_value: float | None = None
    receipt_quantity: float | None = None
    receipt_value: float | None = None
    issue_quantity: float | None = None
    issue_value: float | None = None


@dataclass
class Category:
    """A KPGZ category; ``parent_code`` is derived from the dotted code ("01.20.01" -> "01.20").

    ``name`` is None for parents the file never names."""

    code: str
    name: str | None
    parent_code: str | None


@dataclass
class ProductInfo:
    """A catalog item or product the file mentions, for matching or creating products.

    ``key`` identifies the item across imports ("spgz:<code>", "ste:<kpgz>:<digest>",
    "name:<digest>"); ``code`` is the source's own product code (SPGZ id, generic code),
    None when the source has none (STE, 1C sheets). ``rows`` lists where it was seen."""

    key: str
    code: str | None
    name: str
    unit: str | None = None
    category_code: str | None = None
    category_name: str | None = None
    characteristics: tuple[str, ...] = ()
    reference_price: float | None = None
    spgz_code: str | None = None
    spgz_name: str | None = None
    rows: list[int] = field(default_factory=list)


@dataclass
class Vendor:
    """A supplier named by the file."""

    name: str
    inn: str | None = None


@dataclass
class CatalogItem:
    """One row of the KPGZ / SPGZ / STE catalog: an STE bought under a contract."""

    name: str
    characteristics: tuple[str, ...]
    reference_price: float | None
    category_code: str | None
    category_name: str | None
    spgz_code: str | None
    spgz_name: str | None
    contract: str | None
    product_key: str
    key: str
    row: int


@dataclass
class SkippedRow:
    """A source row left out, with the reason (a translatable message)."""

    row: int
    reason: Message
    sheet: str | None = None

    def __str__(self) -> str:
        return str(self.reason)


@dataclass
class Detection:
    """What kind of file this is and why: ``evidence`` lists what was recognised."""

    kind: str
    file_format: str  # "xlsx" or "csv"
    sheet: str | None
    header_row: int | None
    evidence: list[Message] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


SUMMARY_LABELS = {
    "rows_read": _("Rows read"),
    "rows_recognised": _("Rows recognised"),
    "rows_skipped": _("Rows skipped"),
    "empty_rows": _("Empty rows"),
    "demand_records": _("Demand records"),
    "stock_levels": _("Stock levels"),
    "catalog_items": _("Catalog rows"),
    "products": _("Products mentioned"),
    "categories": _("Categories"),
    "vendors": _("Vendors"),
    "contracts": _("Contracts"),
    "terminated_rows": _("Lines of terminated contracts"),
    "contracts_split": _("Contracts whose value was split over several lines"),
    "total_amount": _("Total amount"),
    "total_quantity": _("Total quantity"),
    "account": _("Account"),
    "period_start": _("Period start"),
    "period_end": _("Period end"),
    "items": _("Items"),
    "closing_value": _("Closing value imported"),
    "closing_quantity": _("Closing quantity imported"),
    "sheet_closing_value": _("Closing value in the sheet's total row"),
    "sheet_closing_quantity": _("Closing quantity in the sheet's total row"),
    "issue_value": _("Issued (credit turnover) value"),
    "issue_quantity": _("Issued (credit turnover) quantity"),
    "receipt_value": _("Received (debit turnover) value"),
    "opening_value": _("Opening value"),
    "periods": _("Periods"),
    "reference_prices": _("Items with a reference price"),
}


@dataclass
class ParseResult:
    """Everything parsed from one file; nothing is written anywhere.

    Which lists are filled depends on ``kind``: contract registers and generic files give
    ``demand``; turnover sheets give ``stock_levels`` and ``demand`` (issues); stock listings
    give ``stock_levels``; the catalog gives ``catalog_items`` and ``categories``. All kinds
    give ``products``. ``summary`` holds the preview numbers (labels in SUMMARY_LABELS).
    """

    kind: str
    filename: str
    file_hash: str
    detection: Detection
    demand: list[DemandRecord] = field(default_factory=list)
    stock_levels: list[StockLevel] = field(default_factory=list)
    catalog_items: list[CatalogItem] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    products: list[ProductInfo] = field(default_factory=list)
    vendors: list[Vendor] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def records(self) -> list[Any]:
        """All keyed records (demand, stock levels, catalog rows)."""
        return [*self.demand, *self.stock_levels, *self.catalog_items]
