"""Calibration of the horizon totals from backtests at earlier origins (engine.calibration)."""

import numpy as np
import pytest

from forecast_engine import calibration as C
from forecast_engine import forecast_panel, simulation
from forecast_engine.panel import fit_forecast, fit_panel, simulated_total_cdf, total_cdf


def trended_seasonal(n, T, seed):
    """Poisson demand around a trended, seasonal (period 12) level that also drifts."""
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    level = rng.uniform(50, 200, (n, 1))
    slope = rng.uniform(-0.003, 0.01, (n, 1)) * level
    amp = rng.uniform(0.1, 0.4, (n, 1))
    phase = rng.integers(0, 12, (n, 1))
    walk = np.cumsum(rng.normal(0, 0.02, (n, T)), axis=1)
    mu = (level + slope * t) * (1 + amp * np.sin(2 * np.pi * (t + phase) / 12)) * np.exp(walk)
    return rng.poisson(np.maximum(mu, 0.1)).astype(float)


def test_expected_pit_cdf_by_hand():
    """Two series: one with its actual total above every path (F(a-) = F(a) = 1 is not hit
    below p = 1), one on an atom from 0.2 to 0.6. At p = 0.4 the first counts 0 and the second
    (0.4 - 0.2) / 0.4 = 0.5: mean 0.25; at p = 0.1 nothing; at p = 1 both."""
    below = np.array([1.0, 0.2])
    upto = np.array([1.0, 0.6])
    got = C.expected_pit_cdf(below, upto, np.array([0.1, 0.4, 1.0]))
    assert got.tolist() == pytest.approx([0.0, 0.25, 1.0])


def test_uniform_pits_leave_the_levels_alone():
    """Backtest PITs spread evenly over (0, 1), as a calibrated forecast gives: every level
    maps to itself (within the grid's resolution)."""
    u = (np.arange(1000) + 0.5) / 1000
    cal = C.Calibration.fit(u, u, np.array(["smooth"] * 1000), np.array(["smooth"] * 3))
    for q in (0.5, 0.9, 0.95):
        assert cal.levels(q) == pytest.approx([q] * 3, abs=0.003)


def test_too_narrow_forecasts_get_higher_levels():
    """A third of the backtest totals fell above the simulated 0.95-quantile: the calibrated
    0.90-quantile is read above the 0.95 level; a class without backtest keeps its levels."""
    u = np.r_[np.linspace(0.01, 0.9, 200), np.full(100, 0.99)]
    groups = np.array(["smooth"] * 300)
    cal = C.Calibration.fit(u, u, groups, np.array(["smooth", "lumpy"]))
    levels = cal.levels(0.9)
    assert levels[0] > 0.95
    assert levels[1] == pytest.approx(0.9, abs=0.003)


def test_row_quantiles_agree_with_sample_quantiles():
    """Per-row levels give the same quantiles as simulation.sample_quantiles at one level,
    and above TAIL_FROM the tail rises with the level and starts at the TAIL_FROM quantile."""
    rng = np.random.default_rng(0)
    samples = rng.gamma(2.0, 10.0, (5, 400))
    for q in (0.5, 0.9, 0.95):
        expected = simulation.sample_quantiles(samples, (q,), axis=1)[0]
        assert C.row_quantiles(samples, np.full(5, q)) == pytest.approx(expected)
    top = simulation.sample_quantiles(samples, (C.TAIL_FROM,), axis=1)[0]
    higher = C.row_quantiles(samples, np.full(5, 0.99))
    assert (higher > top).all()
    assert C.row_quantiles(samples, np.full(5, C.TAIL_FROM + 1e-9)) == pytest.approx(top)


def test_tail_cdf_inverts_row_quantiles():
    """The exponential tail's CDF at the 0.99 tail quantile is 0.99: both directions agree."""
    rng = np.random.default_rng(1)
    samples = rng.gamma(2.0, 10.0, (4, 400))
    top, b = C.tail_parameters(samples)
    value = C.row_quantiles(samples, np.full(4, 0.99))
    assert C.tail_cdf(value, top, b, np.zeros(4)) == pytest.approx([0.99] * 4)


def test_sample_rows_ignore_the_order_of_the_series():
    """The calibration sample is the same set of series whatever their order in the panel."""
    rng = np.random.default_rng(2)
    Y = rng.poisson(5, (50, 12)).astype(float)
    usable = np.ones(50, dtype=bool)
    rows = C.sample_rows(Y, usable, limit=10)
    perm = rng.permutation(50)
    rows_perm = C.sample_rows(Y[perm], usable, limit=10)
    assert sorted(map(tuple, Y[rows])) == sorted(map(tuple, Y[perm][rows_perm]))


def test_calibration_improves_long_horizon_coverage_of_trended_seasonal_series():
    """400 trended, seasonal, drifting Poisson series, 60 months of history, 24 months ahead:
    the simulated totals alone cover the 0.90 / 0.95 levels too rarely; calibrated from the
    backtests, the coverage is nearer nominal and within 4 points of it."""
    Y = trended_seasonal(400, 84, seed=11)
    train, test = Y[:, :60], Y[:, 60:]
    total = test.sum(axis=1)
    raw_below, raw_upto = simulated_total_cdf(fit_panel(train, 24, 12), total)
    fc = forecast_panel(train, 24, season_length=12, quantiles=(0.9, 0.95))
    for q in (0.9, 0.95):
        raw = float((raw_upto <= q).mean())
        calibrated = float((total <= fc.total_quantiles[q]).mean())
        assert abs(calibrated - q) < abs(raw - q)
        assert abs(calibrated - q) < 0.04


def test_total_cdf_is_the_calibrated_one():
    """total_cdf of a calibrated fit at the calibrated 0.9-quantile is 0.9 for continuous
    totals: the benchmark's coverage and the quantiles describe one distribution."""
    Y = trended_seasonal(60, 48, seed=12)
    fitted = fit_forecast(Y, 12, 12)
    fc = forecast_panel(Y, 12, season_length=12, quantiles=(0.9,))
    below, upto = total_cdf(fitted, fc.total_quantiles[0.9])
    assert np.median(upto) == pytest.approx(0.9, abs=0.01)


def test_forecast_is_deterministic_and_order_free():
    """Twice the same panel: the same quantiles; the panel reversed: the same quantiles per
    series (the calibration sample and maps do not depend on the order)."""
    Y = trended_seasonal(80, 48, seed=13)
    a = forecast_panel(Y, 12, season_length=12)
    b = forecast_panel(Y, 12, season_length=12)
    c = forecast_panel(Y[::-1], 12, season_length=12)
    for q in a.total_quantiles:
        assert np.array_equal(a.total_quantiles[q], b.total_quantiles[q])
        assert np.allclose(a.total_quantiles[q], c.total_quantiles[q][::-1])
