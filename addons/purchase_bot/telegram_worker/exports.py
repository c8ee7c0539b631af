"""Documents sent to users: XLSX tables (numbers as numbers, dates as dates, headers in the
user's language) and the Moscow calculation JSON."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import fmt

QUANTITY_FORMAT = "#,##0.###"
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    """One column: its (translated) header, the row key and its kind."""

    header: str
    key: str
    kind: str = "text"  # text, date, quantity, money
    width: int = 14


def xlsx(sheet_title: str, columns: list[Column], rows: list[dict], lang: str) -> bytes:
    """An XLSX workbook with one sheet: a bold frozen header row, then ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", sheet_title)[:31] or "Sheet"
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_format = fmt.xlsx_date_format(lang)
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column.key)
            if column.kind == "date":
                value = fmt.to_date(value)
            elif column.kind in ("quantity", "money") and value is not None:
                value = float(value)
            values.append(value)
        sheet.append(values)
        for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
            if column.kind == "date":
                cell.number_format = date_format
            elif column.kind == "quantity":
                cell.number_format = QUANTITY_FORMAT
            elif column.kind == "money":
                cell.number_format = MONEY_FORMAT
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_document(document) -> bytes:
    """The Moscow calculation JSON as Odoo built it: a fixed machine format in any language."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def safe_filename(name: str, default: str, suffix: str) -> str:
    """A file name Telegram clients can save anywhere (no paths, no control characters)."""
    name = re.sub(r"[^\w.\- ]+", "_", str(name or "")).strip(" ._") or default
    if not name.lower().endswith(suffix):
        name += suffix
    return name[:120]
