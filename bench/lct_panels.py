"""Monthly and quarterly demand panels per catalog item (СПГЗ) from the LCT 2024 contract register.

Built here, inside bench/, on purpose: the benchmark must not depend on the Odoo importer.
Demand of a catalog item in a period = the number of distinct contracts for it signed in that
period (the register has no quantities; terminated contracts are not demand). The contract price
is repeated on every line of a multi-line contract, so the value panel splits it evenly over the
contract's distinct catalog items instead of summing it per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data" / "lct2024" / "contracts_by_customer.xlsx"
SHEET = "Выгрузка"
COL_ITEM = "ID СПГЗ"
COL_CONTRACT = "Реестровый номер в РК"
COL_STATUS = "Статус контракта"
COL_SIGNED = "Дата заключения"
COL_PRICE = "Цена ГК, руб."
TERMINATED = "Расторгнут"
FIRST_YEAR, LAST_YEAR = 2018, 2022


@dataclass
class Panel:
    """A demand panel: one row per item, oldest period first, NaN before the item's first demand."""

    name: str
    items: list[str]
    periods: list[str]
    Y: np.ndarray
    season_length: int


def _text(value) -> str:
    """A code as text: Excel stores numeric-looking codes as floats (30173402.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_contract_lines(path: Path = DATA) -> list[dict]:
    """Non-empty, non-terminated rows of the register: item, contract, signing date, price."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = workbook[SHEET].iter_rows(values_only=True)
    header = [_text(h) for h in next(rows)]
    col = {name: header.index(name) for name in (COL_ITEM, COL_CONTRACT, COL_STATUS, COL_SIGNED)}
    col[COL_PRICE] = header.index(COL_PRICE)
    lines = []
    for row in rows:
        if all(_text(v) == "" for v in row):
            continue  # ~700 completely empty rows are scattered through the sheet
        if _text(row[col[COL_STATUS]]) == TERMINATED:
            continue
        item, contract = _text(row[col[COL_ITEM]]), _text(row[col[COL_CONTRACT]])
        signed = _text(row[col[COL_SIGNED]])
        if not item or not contract or not signed:
            continue
        day, month, year = (int(part) for part in signed.split("."))
        price = row[col[COL_PRICE]]
        lines.append(
            {
                "item": item,
                "contract": contract,
                "signed": date(year, month, day),
                "price": float(price) if isinstance(price, (int, float)) else 0.0,
            }
        )
    workbook.close()
    return lines


def _period_index(day: date, months_per_period: int) -> int:
    return ((day.year - FIRST_YEAR) * 12 + day.month - 1) // months_per_period


def build_panels(lines: list[dict] | None = None) -> dict[str, Panel]:
    """Monthly and quarterly panels of contract counts, and a monthly panel of contract value."""
    lines = read_contract_lines() if lines is None else lines
    items = sorted({line["item"] for line in lines})
    row_of = {item: i for i, item in enumerate(items)}
    lines_per_contract: dict[str, set[str]] = {}
    for line in lines:
        lines_per_contract.setdefault(line["contract"], set()).add(line["item"])
    panels = {}
    for name, months, season in (("monthly", 1, 12), ("quarterly", 3, 4), ("monthly_value", 1, 12)):
        n_periods = (LAST_YEAR - FIRST_YEAR + 1) * 12 // months
        Y = np.zeros((len(items), n_periods))
        seen = set()
        for line in lines:
            key = (line["item"], line["contract"])
            if key in seen:
                continue  # one contract counts once per item, whatever its number of lines
            seen.add(key)
            t = _period_index(line["signed"], months)
            if name == "monthly_value":
                Y[row_of[line["item"]], t] += line["price"] / len(
                    lines_per_contract[line["contract"]]
                )
            else:
                Y[row_of[line["item"]], t] += 1.0
        # an item exists from its first demand on (the M5 convention): NaN before it
        first = np.argmax(Y > 0, axis=1)
        Y[np.arange(n_periods)[None, :] < first[:, None]] = np.nan
        if months == 1:
            periods = [f"{FIRST_YEAR + t // 12}-{t % 12 + 1:02d}" for t in range(n_periods)]
        else:
            periods = [f"{FIRST_YEAR + t // 4}-Q{t % 4 + 1}" for t in range(n_periods)]
        panels[name] = Panel(name, items, periods, Y, season)
    return panels


def holdout_split(panel: Panel, holdout: int, min_demands: int = 2):
    """Train/test split keeping items with at least ``min_demands`` demand periods in training.

    Items whose training part has fewer demand periods have no history to forecast from (and an
    undefined RMSSE scale); the benchmark states how many were kept.
    """
    train, test = panel.Y[:, :-holdout], panel.Y[:, -holdout:]
    keep = (np.nan_to_num(train) > 0).sum(axis=1) >= min_demands
    return (
        train[keep],
        np.nan_to_num(test[keep]),
        [i for i, k in zip(panel.items, keep, strict=True) if k],
    )


if __name__ == "__main__":
    for panel in build_panels().values():
        train, test, kept = holdout_split(panel, 6 if panel.name != "quarterly" else 2)
        print(panel.name, panel.Y.shape, "kept", len(kept), "test demand", test.sum())
