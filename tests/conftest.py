"""Shared pytest setup: the pure packages are importable without Odoo."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
