"""Pure-Python parsers for procurement data files; never imports odoo.

Inside Odoo: ``odoo.addons.purchase_forecast.importers``; with ``addons/purchase_forecast`` on
``sys.path``: ``importers``. Entry points: detect(), parse(), guess_mapping(),
normalize_name(), match_products().
"""

from .api import detect, parse
from .generic import FIELDS as GENERIC_FIELDS
from .generic import guess_mapping
from .matching import Match, match_products, normalize_name
from .messages import ImportFileError, Message, _
from .records import (
    CATALOG,
    CONTRACT_REGISTER,
    GENERIC,
    KIND_LABELS,
    KINDS,
    STOCK_LISTING,
    SUMMARY_LABELS,
    TURNOVER_SHEET,
    CatalogItem,
    Category,
    DemandRecord,
    Detection,
    ParseResult,
    ProductInfo,
    SkippedRow,
    StockLevel,
    Vendor,
)
from .turnover import parse_period

__all__ = [
    "CATALOG",
    "CONTRACT_REGISTER",
    "GENERIC",
    "GENERIC_FIELDS",
    "KINDS",
    "KIND_LABELS",
    "STOCK_LISTING",
    "SUMMARY_LABELS",
    "TURNOVER_SHEET",
    "CatalogItem",
    "Category",
    "DemandRecord",
    "Detection",
    "ImportFileError",
    "Match",
    "Message",
    "ParseResult",
    "ProductInfo",
    "SkippedRow",
    "StockLevel",
    "Vendor",
    "_",
    "detect",
    "guess_mapping",
    "match_products",
    "normalize_name",
    "parse",
    "parse_period",
]
