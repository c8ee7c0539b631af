"""forecast_panel on awkward input: never a crash, never NaN or a negative number out."""

import numpy as np
import pytest

from forecast_engine import forecast_panel

QS = (0.5, 0.9, 0.95)


def assert_clean(fc, n, horizon):
    assert fc.mean.shape == (n, horizon)
    arrays = [fc.mean, fc.backtest_error, fc.adi, fc.cv2, fc.demand_size, fc.n_periods]
    arrays += [fc.quantiles[q] for q in QS] + [fc.total_quantiles[q] for q in QS]
    for arr in arrays:
        assert np.isfinite(arr).all()
        assert (arr >= 0).all()
    for q in QS:
        assert fc.quantiles[q].shape == (n, horizon)
        assert fc.total_quantiles[q].shape == (n,)
    assert fc.method.shape == fc.demand_class.shape == (n,)


def test_empty_panel():
    """No series at all: empty arrays of the right shapes."""
    fc = forecast_panel(np.zeros((0, 12)), 3)
    assert_clean(fc, 0, 3)


def test_no_periods():
    """Series without any period: forecast zero, class new."""
    fc = forecast_panel(np.zeros((2, 0)), 4)
    assert_clean(fc, 2, 4)
    assert fc.demand_class.tolist() == ["new", "new"]
    assert fc.mean.sum() == 0


def test_one_period():
    """One period of history: the forecast is that value (historic mean), class new."""
    fc = forecast_panel([[7.0], [0.0]], 2)
    assert_clean(fc, 2, 2)
    assert fc.mean[0].tolist() == pytest.approx([7.0, 7.0])
    assert fc.mean[1].tolist() == [0.0, 0.0]


def test_all_zeros_is_inactive():
    """Two years of zeros: inactive, zero forecast and quantiles, backtest error 0."""
    fc = forecast_panel(np.zeros((1, 24)), 6)
    assert_clean(fc, 1, 6)
    assert fc.demand_class[0] == "inactive"
    assert fc.method[0] == "zero"
    assert fc.total_quantiles[0.95][0] == 0.0
    assert fc.backtest_error[0] == 0.0


def test_all_unknown():
    """Nothing known at all (all NaN): new, zero forecast."""
    fc = forecast_panel(np.full((3, 10), np.nan), 2)
    assert_clean(fc, 3, 2)
    assert set(fc.demand_class) == {"new"}


def test_leading_nan_means_not_yet_existing():
    """A constant 5 appearing after 20 unknown periods is forecast at 5, with 10 periods known."""
    Y = np.array([[np.nan] * 20 + [5.0] * 10])
    fc = forecast_panel(Y, 3)
    assert_clean(fc, 1, 3)
    assert fc.n_periods[0] == 10
    assert fc.mean[0].tolist() == pytest.approx([5.0] * 3)


def test_interior_nan_is_unknown_not_zero():
    """Out-of-stock periods (NaN) inside a constant 10 leave the forecast at exactly 10."""
    Y = np.full((1, 24), 10.0)
    Y[0, 8:12] = np.nan
    Y[0, -1] = np.nan  # trailing unknown too
    fc = forecast_panel(Y, 4)
    assert_clean(fc, 1, 4)
    assert fc.mean[0].tolist() == pytest.approx([10.0] * 4)
    assert fc.n_periods[0] == 19
    assert fc.demand_class[0] == "smooth"


def test_interior_nan_differs_from_zero():
    """The same gap read as zeros would pull the forecast down: NaN must not."""
    rng = np.random.default_rng(1)
    Y = rng.poisson(20, (1, 36)).astype(float)
    gap, zeros = Y.copy(), Y.copy()
    gap[0, 28:34] = np.nan
    zeros[0, 28:34] = 0.0
    assert forecast_panel(gap, 1).mean[0, 0] > forecast_panel(zeros, 1).mean[0, 0] + 3


def test_infinite_values_are_unknown():
    """An infinite value is treated like NaN, not propagated."""
    Y = np.full((1, 12), 3.0)
    Y[0, 5] = np.inf
    fc = forecast_panel(Y, 2)
    assert_clean(fc, 1, 2)
    assert fc.mean[0, 0] == pytest.approx(3.0)


def test_huge_values_scale_exactly():
    """Demand in the 1e12 range: finite, and every output scales with the data."""
    rng = np.random.default_rng(2)
    Y = rng.poisson(5, (6, 30)).astype(float)
    Y[3] = (rng.random(30) < 0.3) * rng.integers(1, 9, 30)
    small, big = forecast_panel(Y, 6, season_length=12), forecast_panel(Y * 1e12, 6, 12)
    assert_clean(big, 6, 6)
    assert np.allclose(big.mean, small.mean * 1e12, rtol=1e-6)
    for q in QS:
        assert np.allclose(big.total_quantiles[q], small.total_quantiles[q] * 1e12, rtol=1e-6)
    assert big.method.tolist() == small.method.tolist()


@pytest.mark.parametrize("horizon", [1, 2, 3, 7, 12, 13, 26, 52])
def test_horizons_1_to_52(horizon):
    """Any horizon from 1 to 52 periods, on a mixed weekly panel with seasonality asked for."""
    rng = np.random.default_rng(horizon)
    Y = rng.poisson(8, (5, 110)).astype(float)
    Y[1] = (rng.random(110) < 0.2) * rng.integers(1, 30, 110)
    Y[2, :60] = np.nan
    Y[3] = 0.0
    fc = forecast_panel(Y, horizon, season_length=52)
    assert_clean(fc, 5, horizon)
    assert fc.total_quantiles[0.5][0] == pytest.approx(fc.mean[0].sum(), rel=0.15)


def test_one_dimensional_input_is_one_series():
    """A 1-D array is one series."""
    fc = forecast_panel([1.0, 2, 3, 2, 1, 2, 3], 2)
    assert_clean(fc, 1, 2)


def test_bad_arguments_are_refused():
    """Horizon below 1, season length below 1 or quantiles outside (0, 1) raise ValueError."""
    with pytest.raises(ValueError):
        forecast_panel([[1.0, 2]], 0)
    with pytest.raises(ValueError):
        forecast_panel([[1.0, 2]], 1, season_length=0)
    with pytest.raises(ValueError):
        forecast_panel([[1.0, 2]], 1, quantiles=(0.5, 1.0))


def test_no_quantiles_asked():
    """An empty quantile list gives empty quantile tables and the means as usual."""
    fc = forecast_panel(np.ones((2, 10)), 3, quantiles=())
    assert fc.quantiles == {} and fc.total_quantiles == {}
    assert np.allclose(fc.mean, 1.0)
