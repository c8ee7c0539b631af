"""Stored forecast states: plans simulate a published run's model without refitting."""

import json

import numpy as np
import pytest

from forecast_engine import order_quantities
from forecast_engine.panel import fit_panel, forecast_panel, forecast_with_state
from forecast_engine.state import panel_from_states, state_horizon, state_rows


def mixed_panel(seed=5, T=40):
    """Seasonal, intermittent, erratic and new series, some with leading NaN."""
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    Y = np.vstack(
        [
            rng.poisson(6 + 3 * np.sin(2 * np.pi * t / 12) + 0.1 * t, (40, T)),
            rng.poisson(0.3, (40, T)) * rng.integers(1, 20, (40, T)),
            rng.gamma(2.0, 10.0, (40, T)),
            np.zeros((5, T)),
        ]
    ).astype(float)
    Y[:10, :25] = np.nan
    Y[-3:, :-2] = np.nan
    return Y


def stored(fitted):
    """The states as a run stores them: through JSON and back."""
    return json.loads(json.dumps(state_rows(fitted)))


def plan_arguments(n, seed=8):
    rng = np.random.default_rng(seed)
    return {
        "position": rng.uniform(-5, 60, n),
        "lead_time": rng.uniform(0.2, 4.0, n),
        "review": 1.0,
        "moq": rng.choice([0.0, 10.0, 25.0], n),
        "multiple": rng.choice([0.0, 1.0, 5.0], n),
        "service_level": 0.95,
        "lead_time_std": rng.uniform(0.0, 0.8, n),
        "unit_cost": rng.uniform(1, 100, n),
        "season_length": 12,
    }


ADVICE_FIELDS = (
    "quantity",
    "order_up_to",
    "reorder_point",
    "safety_stock",
    "expected_demand",
    "fill_rate",
    "stockout_risk",
    "method",
    "demand_class",
)


@pytest.mark.parametrize("scope", ["plan", "item"])
def test_advice_from_stored_state_equals_advice_from_history(scope):
    """A plan reading a run's stored states orders exactly what fitting the history would."""
    Y = mixed_panel()
    args = plan_arguments(len(Y))
    _forecast, full = forecast_with_state(Y, 3, season_length=12, state_horizon=24)
    rebuilt = panel_from_states(stored(full))
    direct = order_quantities(Y, service_scope=scope, **args)
    from_state = order_quantities(None, service_scope=scope, fitted=rebuilt, **args)
    for name in ADVICE_FIELDS:
        assert np.array_equal(getattr(direct, name), getattr(from_state, name)), name
    assert list(direct.reason) == list(from_state.reason)
    assert direct.reason_parts == from_state.reason_parts


def test_forecast_with_state_is_forecast_panel():
    """Fitting once at the state's longer horizon changes nothing of the run's forecast."""
    Y = mixed_panel(seed=11)
    qs = (0.1, 0.5, 0.9)
    plain = forecast_panel(Y, 6, season_length=12, quantiles=qs)
    forecast, full = forecast_with_state(Y, 6, season_length=12, quantiles=qs, state_horizon=24)
    assert full.mean.shape[1] == 24
    assert np.array_equal(plain.mean, forecast.mean)
    for q in qs:
        assert np.array_equal(plain.quantiles[q], forecast.quantiles[q])
        assert np.array_equal(plain.total_quantiles[q], forecast.total_quantiles[q])


def test_paths_of_a_subset_in_any_order_are_the_same():
    """A product's paths do not depend on which other stored states are simulated with it."""
    Y = mixed_panel(seed=2)
    states = stored(fit_panel(Y, 12, season_length=12))
    whole = panel_from_states(states).simulate(np.arange(len(states)))
    picked = [30, 3, 90, 61]
    part = panel_from_states([states[i] for i in picked]).simulate(np.arange(len(picked)))
    assert np.array_equal(whole[picked], part)


def test_state_is_compact_and_too_short_a_state_is_refused():
    """Only the ratios drawn from are stored; a lead time beyond the stored periods is refused."""
    Y = mixed_panel(seed=3)
    fitted = fit_panel(Y, 4)
    states = stored(fitted)
    assert all(len(s["ratios"]) == max(s["count"], 1) for s in states)
    assert {state_horizon(s) for s in states} == {4}
    with pytest.raises(ValueError, match="covers 4 periods"):
        panel_from_states(states, horizon=6)
    with pytest.raises(ValueError, match="covers 4 periods"):
        order_quantities(None, np.zeros(len(Y)), 6.0, fitted=panel_from_states(states))
    with pytest.raises(ValueError, match="version"):
        panel_from_states([{"v": 0}])
