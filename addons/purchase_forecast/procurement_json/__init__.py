"""The Moscow procurement calculation JSON ("расчёт"): build and validate (pure Python)."""

from .calculation import CalculationError, characteristic, row, validate_calculation

__all__ = ["CalculationError", "characteristic", "row", "validate_calculation"]
