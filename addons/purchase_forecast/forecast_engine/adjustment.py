"""People's changes to the engine's forecast, applied consistently (pure, no Odoo).

A change covers a date range and either sets a new expected quantity per period or moves the
forecast by a percentage. A period only partly inside the range gets the change in proportion
to the days it shares with it. Changes of one period combine in a fixed order: the quantities
set (the latest one counts), then every percentage, multiplied. The distribution moves with
the mean: every quantile is scaled by the same ratio, so the band keeps its shape and never
goes below zero; where the engine expected nothing, the set quantity has no spread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

KINDS = ("quantity", "percent")


@dataclasses.dataclass(frozen=True)
class Change:
    """One adjustment as the engine sees it: ``date_to`` is inclusive, ``value`` is a quantity
    per period or a percentage (+30 = 30% more), ``note`` explains it to people."""

    date_from: dt.date
    date_to: dt.date
    kind: str
    value: float
    note: str = ""


def overlap_share(start: dt.date, end: dt.date, change: Change) -> float:
    """Share of the days of the period [start, end) that lie inside the change's range."""
    days = (end - start).days
    if days <= 0:
        return 0.0
    first = max(start, change.date_from)
    last = min(end, change.date_to + dt.timedelta(days=1))
    return max(0.0, (last - first).days / days)


def adjusted_mean(statistical: float, changes, start: dt.date, end: dt.date):
    """The expected demand of the period [start, end) after `changes`, and the notes of the
    changes that touched it (in the order they were applied)."""
    value = max(float(statistical), 0.0)
    notes = []
    ordered = [c for c in changes if c.kind == "quantity"] + [
        c for c in changes if c.kind == "percent"
    ]
    for change in ordered:
        share = overlap_share(start, end, change)
        if share <= 0:
            continue
        if change.kind == "quantity":
            value += share * (max(change.value, 0.0) - value)
        else:
            value *= max(1.0 + share * change.value / 100.0, 0.0)
        notes.append(change.note)
    return value, notes


def scale_quantiles(quantiles, statistical: float, final: float):
    """Quantiles of the adjusted period: the statistical ones scaled by final / statistical
    (none below zero); all equal to `final` when the engine expected nothing."""
    values = np.maximum(np.asarray(quantiles, dtype=float), 0.0)
    if statistical > 0:
        return values * (final / statistical)
    return np.full(values.shape, max(final, 0.0))


def adjust_fitted(fitted, final_mean: np.ndarray):
    """A copy of an engine FittedPanel whose expected demand per period is `final_mean`
    (n, H); simulated paths are rescaled to it period by period, so every quantile of any
    lead-time total moves with the mean. Rows the engine expected nothing of but that now
    expect demand simulate exactly that demand (no spread is known for them)."""
    final_mean = np.maximum(np.asarray(final_mean, dtype=float), 0.0)
    if final_mean.shape != fitted.mean.shape:
        raise ValueError("final_mean must have the fitted panel's shape")
    revived = (fitted.mean.sum(axis=1) <= 0) & (final_mean.sum(axis=1) > 0)
    ratios = fitted.ratios.copy()
    counts = fitted.counts.copy()
    alpha = fitted.alpha.copy()
    level_var = fitted.level_var.copy()
    jitter = fitted.jitter.copy()
    alive = fitted.alive.copy()
    if revived.any():
        ratios[revived] = 0.0
        ratios[revived, 0] = 1.0
        counts[revived] = 1
        alpha[revived] = 0.0
        level_var[revived] = 0.0
        jitter[revived] = 0.0
        alive[revived] = 1.0
    return dataclasses.replace(
        fitted,
        mean=final_mean,
        ratios=ratios,
        counts=counts,
        alpha=alpha,
        level_var=level_var,
        jitter=jitter,
        alive=alive,
    )


def adjust_state(state: dict, final_mean) -> dict:
    """A copy of a stored forecast state (forecast_engine.state) whose expected demand per
    period is `final_mean`: the paths it simulates are rescaled to it period by period, as
    :func:`adjust_fitted` does for a fitted panel."""
    final = [max(float(x), 0.0) for x in final_mean]
    if len(final) != len(state["mean"]):
        raise ValueError("final_mean must have one value per stored period")
    adjusted = {**state, "mean": final}
    if sum(state["mean"]) <= 0 < sum(final):
        adjusted.update(
            {
                "ratios": [1.0],
                "count": 1,
                "alpha": 0.0,
                "level_var": 0.0,
                "jitter": 0.0,
                "alive": 1.0,
            }
        )
    return adjusted
