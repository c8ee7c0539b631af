"""The faster paths of the simulation and the backtest give what the plain formulas give."""

import numpy as np
import pytest

from forecast_engine import methods as M
from forecast_engine import panel, simulation


@pytest.mark.parametrize("qs", [(0.9,), (0.5, 0.9, 0.95), (0.05, 0.5, 0.75, 0.975)])
def test_sample_quantiles_are_type_6_whether_sorted_or_selected(qs):
    """Several quantile levels are read from one full sort, a single one from a selection:
    both are Hyndman and Fan's type 6 (numpy's "weibull"), on values with many ties (zeros)."""
    rng = np.random.default_rng(3)
    samples = rng.gamma(0.7, 5.0, size=(50, 400)) * (rng.random((50, 400)) < 0.6)
    got = simulation.sample_quantiles(samples, qs, axis=1)
    for q, value in zip(qs, got, strict=True):
        assert value == pytest.approx(np.quantile(samples, q, axis=1, method="weibull"))


def test_pick_table_draws_floor_of_u_times_count():
    """Row c - 1 of period h holds floor(u * c) for the fixed uniforms u of period h: with
    u = 0.999 among 3 values the draw is index 2, never 3, and with one value always 0."""
    table = simulation._pick_table(400, 3, 5)
    u = simulation.uniforms(400, 3)
    for h in range(3):
        for c in range(1, 6):
            assert np.array_equal(table[h, c - 1], np.floor(u[:, h] * c).astype(int))
    assert table[:, 0].max() == 0
    assert table[:, 4].max() == 4


def test_backtest_errors_with_shared_actuals_equal_the_plain_ones():
    """Backtest RMSSE from the actuals prepared once per panel equals the one computed from
    scratch, with unknown actuals (NaN) and, for one method, unknown forecasts too; a series
    whose actuals are all unknown gets NaN either way."""
    rng = np.random.default_rng(9)
    actual = rng.poisson(4.0, size=(6, 5, 4)).astype(float)
    actual[rng.random(actual.shape) < 0.3] = np.nan
    actual[5] = np.nan
    scale = rng.uniform(1, 3, 6)
    known = panel._backtest_actuals(actual)
    flat = M.MethodFit("x", None, rng.uniform(0, 8, (6, 5, 1)), None, None)
    holed = M.MethodFit("y", None, flat.origin.repeat(4, axis=2), None, None)
    holed.origin[0, 0, 0] = np.nan
    for fit in (flat, holed):
        fast = panel._errors(fit, actual, scale, known)
        plain = panel._errors(fit, actual, scale)
        assert np.isnan(fast[5]) and np.isnan(plain[5])
        assert fast[:5] == pytest.approx(plain[:5], rel=1e-12)


def test_gamma_factor_is_the_wilson_hilferty_cube():
    """(1 - v/9 + z sqrt(v)/3)^3, floored at 0: v = 0.09, z = 1 gives 1.09^3 = 1.295029; a
    very negative z gives 0."""
    g = simulation.gamma_factor(np.array([0.09]), np.array([1.0, -40.0]))
    assert g[0, 0] == pytest.approx(1.09**3, rel=1e-12)
    assert g[0, 1] == 0.0
