"""Each forecasting method against values computed by hand on tiny series."""

import numpy as np
import pytest

from forecast_engine import methods as M


def test_naive_repeats_the_last_known_value(ctx):
    """Naive: the last known value at every horizon, skipping a trailing unknown period."""
    fit = M.naive(ctx([[1, 5, 0, 3], [1, 5, 3, np.nan]]))
    assert fit.path.tolist() == [[3, 3, 3], [3, 3, 3]]


def test_seasonal_naive_repeats_the_last_season(ctx):
    """Seasonal naive (m=4): the forecast replays the last four values in order."""
    fit = M.seasonal_naive(ctx([[1, 2, 3, 4, 5, 6, 7, 8]], horizon=6, season_length=4))
    assert fit.path.tolist() == [[5, 6, 7, 8, 5, 6]]


def test_historic_mean_skips_unknown_periods(ctx):
    """Historic mean of 1, 2, 3, (unknown), 6 is 3: the unknown period is not a zero."""
    fit = M.historic_mean(ctx([[1, 2, 3, np.nan, 6]]))
    assert fit.path[0, 0] == pytest.approx(3.0)


def test_recent_mean_averages_one_season(ctx):
    """Recent mean with quarterly seasons: the average of the last four periods."""
    fit = M.recent_mean(ctx([[1, 2, 3, 4, 5, 6]], season_length=4))
    assert fit.path[0, 0] == pytest.approx(4.5)


def test_ses_recursion_by_hand():
    """SES, alpha 0.5, level started at the first three values' mean (4): 6.375 after 2,4,6,8."""
    Y = np.array([[2.0, 4, 6, 8]])
    states, alpha, init = M.ses_fit(Y, ~np.isnan(Y), alphas=np.array([0.5]))
    assert init[0] == pytest.approx(4.0)
    assert states[0].tolist() == pytest.approx([3.0, 3.5, 4.75, 6.375])


def test_ses_skips_an_unknown_period():
    """SES keeps its level through an unknown period: 2, ?, 6, 8 gives 6.41667 (not a zero)."""
    Y = np.array([[2.0, np.nan, 6, 8]])
    states, _, init = M.ses_fit(Y, ~np.isnan(Y), alphas=np.array([0.5]))
    assert init[0] == pytest.approx(16 / 3)
    assert states[0, 1] == pytest.approx(states[0, 0])
    assert states[0, -1] == pytest.approx(6.416667, rel=1e-6)


def test_theta_follows_the_share_of_the_slope_that_fits_best(ctx):
    """Theta on the line y = 2t: SES follows the line exactly (weight 1), so the one-step error
    is 2 - 2c for a drift share c, least at the largest share, 0.9 (theta = 10): each step
    ahead adds 0.9 of the slope, 1.8 per period (the classical theta = 2 would add 1)."""
    fit = M.theta(ctx([np.arange(12) * 2.0], horizon=4))
    assert np.diff(fit.path[0]).tolist() == pytest.approx([1.8, 1.8, 1.8])


def test_theta_drift_share_by_hand():
    """Levels 9 and a drift of 2 before each period, actual 10: the share 0.5 forecasts 10
    exactly; with an actual of 9.7 the nearest share of the grid is 1/3 (9.667); the first
    THETA_SKIP - 1 forecasts (initial level) do not count, nor do unknown periods."""
    Y = np.array([[0.0, 99, 10, 10, 10], [0.0, 99, 9.7, np.nan, 9.7]])
    levels = np.full((2, 4), 9.0)
    drift = np.full((2, 4), 2.0)
    share = M._theta_drift_share(Y, ~np.isnan(Y), levels, drift)
    assert share.tolist() == pytest.approx([0.5, 1 / 3])


def test_ljung_box_by_hand():
    """1, 3, 2, 4: deviations -1.5, 0.5, -0.5, 1.5 (sum of squares 5), lag-1 autocorrelation
    -1.75 / 5 = -0.35, Q = 4 x 6 x 0.35² / 3 = 0.98; a constant series has none."""
    Y = np.array([[1.0, 3, 2, 4], [5.0, 5, 5, 5]])
    q = M.ljung_box(Y, ~np.isnan(Y), 1)
    assert q.tolist() == pytest.approx([0.98, 0.0])


def test_holt_damped_recursion_by_hand():
    """Damped Holt (alpha .5, beta .1, phi .9) from level 1, trend 1 over 2, 3: 3.64239 next."""
    Y = np.array([[2.0, 3.0]])
    a, b, p = (np.array([[v]]) for v in (0.5, 0.1, 0.9))
    _, L, B = M._holt_run(Y, ~np.isnan(Y), a, b, p, np.array([1.0]), np.array([1.0]), True)
    assert L[0].tolist() == pytest.approx([1.95, 2.8845])
    assert B[0].tolist() == pytest.approx([0.91, 0.8421])
    steps = M._damped_sum(np.array([0.9]), 2)
    assert (L[0, -1] + steps[0] * B[0, -1]).tolist() == pytest.approx([3.64239, 4.324491])


def test_holt_winters_recursion_by_hand():
    """Additive Holt-Winters (m=2, alpha .5, gamma .5) from level 10, seasons -1/+1 over 9, 12."""
    Y = np.array([[9.0, 12.0]])
    one = lambda v: np.array([[v]])
    _, L, B, S = M._hw_run(
        Y,
        ~np.isnan(Y),
        2,
        one(0.5),
        one(0.0),
        one(0.5),
        one(1.0),
        np.array([10.0]),
        np.array([0.0]),
        np.array([[-1.0, 1.0]]),
        record=True,
    )
    assert L[0].tolist() == pytest.approx([10.0, 10.5])
    assert S[0, -1].tolist() == pytest.approx([-1.0, 1.5])  # next two forecasts: 9.5, 12


def test_croston_and_sba_by_hand(ctx):
    """Croston (alpha .5) on 0,3,0,0,5,0 from size 4, interval 3: 4.25/2.75; SBA x0.75."""
    Y = np.array([[0.0, 3, 0, 0, 5, 0]])
    _, Z, P = M._croston_run(
        Y, ~np.isnan(Y), np.array([[0.5]]), np.array([4.0]), np.array([3.0]), True
    )
    assert Z[0, -1] == pytest.approx(4.25)
    assert P[0, -1] == pytest.approx(2.75)
    c = ctx([[0.0, 3, 0, 0, 5, 0]])
    z0, p0 = M._croston_init(c)
    assert (z0[0], p0[0]) == (4.0, 3.0)
    croston, sba = M.croston(c), M.sba(c)
    alpha = 1 - sba.path[0, 0] / croston.path[0, 0]
    assert np.isclose(M.CROSTON_ALPHAS, alpha * 2).any()  # SBA = Croston x (1 - alpha/2)


def test_tsb_by_hand():
    """TSB (alpha .5, beta .5) on 0,3,0,0,5,0 from size 4, probability 1/3: 4.25 x 55/192."""
    Y = np.array([[0.0, 3, 0, 0, 5, 0]])
    h = np.array([[0.5]])
    _, Z, PR = M._tsb_run(Y, ~np.isnan(Y), h, h, np.array([4.0]), np.array([1 / 3]), True)
    assert PR[0].tolist() == pytest.approx([1 / 6, 7 / 12, 7 / 24, 7 / 48, 55 / 96, 55 / 192])
    assert (Z[0, -1] * PR[0, -1]) == pytest.approx(4.25 * 55 / 192)


def test_tsb_fades_while_croston_stays_after_demand_stops(ctx):
    """After a long run without demand TSB's forecast decays; Croston's does not move."""
    c = ctx([[4.0, 0, 4, 0, 4, 0] + [0.0] * 20])
    assert M.tsb(c).path[0, 0] < 0.5 * M.croston(c).path[0, 0]


def test_adida_on_a_regular_two_period_pattern(ctx):
    """ADIDA on 0,2,0,2,...: buckets of 2 periods always hold 2, so the forecast is 1 a period."""
    fit = M.adida(ctx([[0.0, 2] * 6]))
    assert fit.path[0].tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_methods_give_backtest_forecasts_from_each_origin(ctx):
    """Rolling origins: naive's forecast from origin 2 is the value at period 2."""
    fit = M.naive(ctx([[1.0, 2, 3, 4, 5]], origins=(2, 3), bt_horizon=2))
    assert fit.origin[0, :, 0].tolist() == [3.0, 4.0]


def test_every_method_names_itself_in_its_docstring():
    """Each method's docstring says which method it is (house style)."""
    names = {
        "naive": "Naive",
        "seasonal_naive": "Seasonal naive",
        "historic_mean": "Historic mean",
        "recent_mean": "Recent mean",
        "ses": "exponential smoothing",
        "theta": "Theta",
        "holt_damped": "damped trend",
        "holt_winters": "Holt-Winters",
        "croston": "Croston",
        "sba": "Syntetos-Boylan",
        "tsb": "Teunter-Syntetos-Babai",
        "adida": "ADIDA",
        "imapa": "IMAPA",
    }
    for key, func in M.METHODS.items():
        assert names[key].lower() in func.__doc__.lower(), key
