"""Pure-Python parsers for procurement data files; never imports odoo.

Inside Odoo: ``odoo.addons.purchase_forecast.importers``; with ``addons/purchase_forecast`` on
``sys.path``: ``importers``. Entry points: detect(), parse(), guess_mapping(),
normalize_name(), match_products().
"""

from .api import detect, parse
from .catalog import KIND_LABEL as _CATALOG_LABEL
from .contracts import KIND_LABEL as _CONTRACT_LABEL
from .generic import FIELDS as GENERIC_FIELDS
from .generic import guess_mapping, header_columns
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
from .values import Shown

# every label a parser message may carry as a parameter: the writer shows it translated
MESSAGE_LABELS = frozenset({*KIND_LABELS.values(), _CATALOG_LABEL, _CONTRACT_LABEL})

__all__ = [
    "Shown",
    "CATALOG",
    "CONTRACT_REGISTER",
    "GENERIC",
    "GENERIC_FIELDS",
    "KINDS",
    "KIND_LABELS",
    "MESSAGE_LABELS",
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
    "header_columns",
    "match_products",
    "normalize_name",
    "parse",
    "parse_period",
]
