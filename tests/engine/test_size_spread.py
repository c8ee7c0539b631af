"""Demand sizes seen only a few times get the spread their class usually has."""

import numpy as np
import pytest

from forecast_engine import simulation
from forecast_engine.panel import fit_panel


def ratios_of(sizes):
    """Padded ratio table and counts for series given as lists of non-zero sizes."""
    width = max(len(s) for s in sizes)
    ratios = np.zeros((len(sizes), width))
    for i, s in enumerate(sizes):
        ratios[i, : len(s)] = s
    return ratios, np.array([len(s) for s in sizes])


def test_pooled_jitter_by_hand():
    """s*^2 = ((k - 1) s^2 + w s0^2) / (k - 1 + w) with s0 the median spread of the group's
    series with enough demands; the missing variance is added to the kernel's spread."""
    w = simulation.SIZE_SPREAD_PRIOR
    k_ref = simulation.SIZE_SPREAD_MIN_DEMANDS
    ref = [float(v) for v in np.geomspace(1, 8, k_ref)]  # well observed, dispersed sizes
    sizes = [ref, ref, [4.0], [3.0, 3.0, 3.3], [4.0], [0.5, 8.0, 1.0, 9.0]]
    ratios, counts = ratios_of(sizes)
    kernel = simulation.jitter_width(ratios, counts)
    jitter = kernel[:, 2] * 0.5
    groups = np.array(["lumpy", "lumpy", "lumpy", "lumpy", "", "lumpy"])
    out = simulation.pooled_jitter(jitter, kernel, ratios, counts, groups)

    s0 = kernel[0, 1]
    assert s0 > 0.5
    # the reference series already have that spread: unchanged
    assert out[:2] == pytest.approx(jitter[:2])
    # one demand: no spread of its own, gets the group's (k - 1 = 0 degrees of freedom)
    assert out[2] == pytest.approx(s0)
    # three alike sizes: shrunk towards s0 with 2 degrees of freedom against w
    s = kernel[3, 1]
    target = (2 * s**2 + w * s0**2) / (2 + w)
    assert out[3] == pytest.approx(np.sqrt(jitter[3] ** 2 + target - s**2))
    # not in a pooled group, or more dispersed than the group: left alone (never narrowed)
    assert out[4] == jitter[4] == 0.0
    assert kernel[5, 1] > s0
    assert out[5] == pytest.approx(jitter[5])


def test_group_without_well_observed_series_is_left_alone():
    ratios, counts = ratios_of([[4.0], [3.0, 5.0]])
    kernel = simulation.jitter_width(ratios, counts)
    jitter = kernel[:, 2].copy()
    out = simulation.pooled_jitter(jitter, kernel, ratios, counts, np.array(["lumpy"] * 2))
    assert out == pytest.approx(jitter)


def test_item_seen_twice_at_one_size_gets_its_class_spread():
    """Among intermittent items whose sizes vary, one bought twice, 10 units each time, is not
    simulated as 'always about 10': its simulated sizes spread like its class's do."""
    rng = np.random.default_rng(5)
    T = 36
    Y = (rng.random((40, T)) < 0.35) * (1 + rng.poisson(8, (40, T))).astype(float)
    rare = np.zeros(T)
    rare[[5, 20]] = 10.0
    Y = np.vstack([Y, rare])
    fitted = fit_panel(Y, 6)
    assert fitted.demand_class[-1] == fitted.demand_class[0] == "intermittent"
    # the spread of its simulated sizes (the smoothed bootstrap's log-normal kernel) is about
    # that of its class's sizes, not the near-zero spread of its own two alike ones
    reference = np.log(Y[:40][Y[:40] > 0]).std()
    assert fitted.jitter[-1] > 0.8 * reference
