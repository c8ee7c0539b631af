"""Calendar periods (ISO week, month, quarter): the time axis of demand series.

Weeks start on Monday whatever the user's language, so a forecast does not change with who
runs it.
"""

from __future__ import annotations

import datetime as dt

PERIODS = ("week", "month", "quarter")
# average days per period, to turn lead times in days into (fractional) periods
PERIOD_DAYS = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4}


def period_start(day: dt.date, period: str) -> dt.date:
    """First day of the period holding `day`."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    raise ValueError(f"unknown period {period!r}")


def add_periods(start: dt.date, period: str, count: int) -> dt.date:
    """The start of the period `count` periods after the one starting at `start`."""
    if period == "week":
        return start + dt.timedelta(weeks=count)
    months = count * (3 if period == "quarter" else 1)
    if period not in ("month", "quarter"):
        raise ValueError(f"unknown period {period!r}")
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_range(first: dt.date, end: dt.date, period: str) -> list[dt.date]:
    """Starts of the periods from the one holding `first` up to, excluding, the one at `end`."""
    current = period_start(first, period)
    stop = period_start(end, period)
    starts = []
    while current < stop:
        starts.append(current)
        current = add_periods(current, period, 1)
    return starts


def period_index(starts: list[dt.date]) -> dict[dt.date, int]:
    """Position of each period start in the grid, for bucketing dated values."""
    return {start: i for i, start in enumerate(starts)}
