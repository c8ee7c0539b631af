"""The obsolescence model: is a quiet item still alive, and at what rate if it is."""

from types import SimpleNamespace

import numpy as np

from forecast_engine import forecast_panel
from forecast_engine.obsolescence import alive_probability, rate_after_gap
from forecast_engine.panel import _rate_since_last_demand


def known(Y):
    Y = np.array(Y, dtype=float, ndmin=2)
    return Y, ~np.isnan(Y)


def test_rate_after_gap_by_hand():
    """k demands in the n known periods up to the last one, then g empty: (n + 1) / (n + g + 1)."""
    Y, valid = known(
        [
            [0, 3, 0, 3, 0, 0, 0],  # n = 4, g = 3
            [np.nan, 3, 0, 3, np.nan, 0, 0],  # n = 3, g = 2: unknown periods are not empty ones
            [0, 3, 0, 0, 0, 0, 3],  # demand in the last period: no gap
            [0, 0, 0, 0, 0, 0, 0],  # never any demand
        ]
    )
    last, factor = rate_after_gap(Y, valid)
    assert last.tolist() == [3, 3, 6, 0]
    np.testing.assert_allclose(factor, [5 / 8, 4 / 6, 1.0, 1.0])


def test_alive_probability_falls_with_the_gap():
    """Demand in the last period: alive; the longer the silence, the less likely it still sells."""
    rng = np.random.default_rng(5)
    Y = (rng.random((40, 36)) < 0.5) * 4.0
    Y[:, -1] = 4.0
    Y[:20, -12:] = 0.0  # half of the panel stopped a year ago: the panel learns a hazard
    Y[20:23] = np.tile([4.0, 0.0], 18)
    Y[20, -3:], Y[21, -6:], Y[22, -9:] = 0.0, 0.0, 0.0
    alive = alive_probability(*known(Y))
    assert (alive[23:] == 1.0).all()
    assert 1.0 > alive[20] > alive[21] > alive[22] > alive[0]


def test_a_panel_of_steady_items_keeps_its_quiet_ones_alive():
    """The hazard comes from the panel: where nothing ever stopped, a short silence is noise."""
    rng = np.random.default_rng(5)
    steady = (rng.random((40, 36)) < 0.5) * 4.0
    steady[:, -1] = 4.0
    steady[0, -4:] = 0.0
    churning = steady.copy()
    churning[1:20, -12:] = 0.0
    assert alive_probability(*known(steady))[0] > 0.95
    assert alive_probability(*known(churning))[0] < alive_probability(*known(steady))[0] - 0.1


def test_quiet_items_restart_from_their_level_at_the_last_demand():
    """The method's level right after the last demand, times the posterior factor; other rows,
    rows not selected and items whose last period had demand keep their forecast."""
    Y, valid = known([[0, 3, 0, 3, 0, 0, 0], [0, 3, 0, 0, 0, 0, 3], [0, 3, 0, 3, 0, 0, 0]])
    fitted = np.array(
        [
            [0.0, 0.0, 1.0, 1.2, 1.5, 1.1, 0.8],  # fitted[t + 1]: the level right after t
            [0.0, 0.0, 1.0, 0.9, 0.7, 0.5, 0.4],
            [0.0, 0.0, 1.0, 1.2, 1.5, 1.1, 0.8],
        ]
    )
    mean = np.array([[0.6, 0.6], [1.3, 1.3], [0.6, 0.6]])
    _rate_since_last_demand(
        mean, fitted, SimpleNamespace(Y=Y, valid=valid), np.array([1, 1, 0], bool)
    )
    np.testing.assert_allclose(mean, [[1.5 * 5 / 8] * 2, [1.3, 1.3], [0.6, 0.6]])


def test_silence_lowers_a_forecast_by_the_evidence_not_by_a_decay():
    """Stationary intermittent items never discontinued: those quiet for 5+ periods are
    forecast closer to what they then sell than TSB's per-period decay would have them."""
    rng = np.random.default_rng(2)
    Y = (rng.random((600, 48)) < 0.25) * (1.0 + rng.poisson(3, (600, 48)))
    train, test = Y[:, :36], Y[:, 36:]
    fc = forecast_panel(train, 12)
    last = 35 - np.argmax(train[:, ::-1] > 0, axis=1)
    quiet = 35 - last >= 5
    assert quiet.sum() > 100
    assert test[quiet].sum() / fc.mean[quiet].sum() < 1.2
