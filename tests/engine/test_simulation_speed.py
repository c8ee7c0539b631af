"""The faster simulation paths give exactly what the plain formulas give."""

import numpy as np
import pytest

from forecast_engine import simulation


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
