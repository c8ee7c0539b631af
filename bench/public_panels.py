"""The public benchmark panels of data/panels (spare parts, M1, Tourism) as train/test arrays.

Each file holds one series per line, oldest period first, an empty value before the series
existed; ``panels.json`` gives each panel's holdout and season length (see data/panels/README.md).
"""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent / "data" / "panels"
# panels whose series are mostly intermittent (spare parts): their statsforecast yardsticks are
# the intermittent-demand methods; the others get AutoTheta and AutoETS as well
INTERMITTENT = ("auto", "raf")


@dataclass
class PublicPanel:
    """One public panel, split into its training part and its holdout."""

    name: str
    source: str
    train: np.ndarray
    test: np.ndarray
    holdout: int
    season_length: int
    intermittent: bool


def _value(cell: str) -> float:
    return float(cell) if cell.strip() else np.nan


def read_matrix(path: Path, skip_columns: int = 0, header: bool = False) -> np.ndarray:
    """The panel file as (n_series, n_periods) floats, NaN where a value is empty."""
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    if header:
        rows = rows[1:]
    return np.array([[_value(c) for c in row[skip_columns:]] for row in rows], dtype=float)


def load(name: str) -> PublicPanel:
    meta = json.loads((ROOT / "panels.json").read_text())[name]
    skip = 2 if "columns" in meta else 0
    Y = read_matrix(ROOT / meta["file"], skip_columns=skip, header=bool(skip))
    h = int(meta["holdout"])
    return PublicPanel(
        name=name,
        source=meta["source"],
        train=Y[:, :-h],
        test=Y[:, -h:],
        holdout=h,
        season_length=int(meta["season"]),
        intermittent=name in INTERMITTENT,
    )


def names() -> list[str]:
    return list(json.loads((ROOT / "panels.json").read_text()))
