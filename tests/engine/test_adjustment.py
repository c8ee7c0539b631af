"""People's adjustments applied to the engine's forecast: shares of partial periods, the
order of combination, scaled quantiles, and simulated paths that follow the adjusted mean."""

import datetime as dt

import numpy as np
import pytest

from forecast_engine.adjustment import (
    Change,
    adjust_fitted,
    adjusted_mean,
    overlap_share,
    scale_quantiles,
)
from forecast_engine.panel import fit_forecast

AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)


def test_overlap_share_counts_days():
    """A change from 17 August covers 15 of August's 31 days; one ending before August none;
    one covering the quarter all of it."""
    assert overlap_share(
        AUG, SEP, Change(dt.date(2026, 8, 17), dt.date(2026, 12, 31), "percent", 10)
    ) == pytest.approx(15 / 31)
    assert (
        overlap_share(AUG, SEP, Change(dt.date(2026, 6, 1), dt.date(2026, 7, 31), "percent", 10))
        == 0.0
    )
    assert (
        overlap_share(AUG, SEP, Change(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "percent", 10))
        == 1.0
    )


def test_quantity_first_then_percentages_multiply():
    """Whatever the order they were made in, a new quantity of 50 and +10% and +20% give
    50 x 1.1 x 1.2 = 66; a -100% brings it to zero and never below."""
    month = (AUG, SEP)
    changes = [
        Change(AUG, dt.date(2026, 8, 31), "percent", 10, "a"),
        Change(AUG, dt.date(2026, 8, 31), "quantity", 50, "b"),
        Change(AUG, dt.date(2026, 8, 31), "percent", 20, "c"),
    ]
    value, notes = adjusted_mean(8.0, changes, *month)
    assert value == pytest.approx(66.0)
    assert notes == ["b", "a", "c"]
    value, _ = adjusted_mean(8.0, [Change(AUG, SEP, "percent", -100, "x")], *month)
    assert value == 0.0
    assert adjusted_mean(8.0, [Change(SEP, SEP, "percent", 50)], *month) == (8.0, [])


def test_quantiles_scale_with_the_mean():
    """The band moves with the mean (x 1.5 here); where the engine expected nothing the set
    quantity has no spread."""
    assert scale_quantiles([2.0, 4.0, 9.0], 4.0, 6.0) == pytest.approx([3.0, 6.0, 13.5])
    assert scale_quantiles([0.0, 0.0], 0.0, 7.0) == pytest.approx([7.0, 7.0])


def test_adjusted_panel_simulates_the_adjusted_mean():
    """Paths of the adjusted panel have the adjusted mean in every period, and their
    quantiles over any number of periods are the engine's scaled by the same factor; an item
    the engine expected nothing of simulates exactly the set demand."""
    rng = np.random.default_rng(3)
    Y = np.vstack([rng.poisson(10, 36).astype(float), np.zeros(36)])
    fitted = fit_forecast(Y, 6)
    final = fitted.mean.copy()
    final[0] *= 1.3
    final[1] = 4.0
    adjusted = adjust_fitted(fitted, final)
    before = fitted.simulate(np.arange(2))
    after = adjusted.simulate(np.arange(2))
    assert after[0].mean(axis=1) == pytest.approx(final[0])
    totals = (before[0, :3].sum(axis=0), after[0, :3].sum(axis=0))
    assert np.quantile(totals[1], 0.9) == pytest.approx(1.3 * np.quantile(totals[0], 0.9))
    assert after[1] == pytest.approx(np.full((6, after.shape[2]), 4.0))
    with pytest.raises(ValueError):
        adjust_fitted(fitted, final[:, :3])
