"""Demand statistics and the Syntetos-Boylan classification, with hand-computed values."""

import numpy as np
import pytest

from forecast_engine import forecast_panel
from forecast_engine.series import classify, prepare, winsorise


def test_statistics_by_hand():
    """ADI = known periods / demand periods; CV² of sizes 2 and 6 is 0.25; mean size 4."""
    p = prepare([[0, 2, 0, 0, 6, 0, np.nan, 0]])
    assert p.n_periods[0] == 7
    assert p.adi[0] == pytest.approx(3.5)
    assert p.cv2[0] == pytest.approx(0.25)
    assert p.demand_size[0] == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("adi", "cv2", "expected"),
    [
        (1.0, 0.1, "smooth"),
        (1.32, 0.49, "smooth"),
        (1.2, 0.8, "erratic"),
        (3.0, 0.2, "intermittent"),
        (3.0, 0.9, "lumpy"),
    ],
)
def test_syntetos_boylan_cutoffs(adi, cv2, expected):
    """The four classes split at ADI 1.32 and CV² 0.49 (boundaries belong to the lower class)."""
    assert classify(np.array([24]), np.array([5]), np.array([adi]), np.array([cv2]))[0] == expected


def test_new_and_inactive():
    """Fewer than 4 known periods: new (with or without demand); no demand at all: inactive."""
    p = prepare([[np.nan] * 9 + [3, 0, 1], [0.0] * 12, [np.nan] * 10 + [0.0, 0.0]])
    assert p.demand_class.tolist() == ["new", "inactive", "new"]
    assert p.adi[1] == 0.0 and p.cv2[1] == 0.0 and p.demand_size[1] == 0.0


def test_forecast_reports_the_statistics():
    """forecast_panel returns the class, ADI, CV², demand size and usable history per series."""
    Y = np.array([[5.0, 6, 5, 7, 5, 6, 5, 6], [0, 3, 0, 0, 3, 0, 0, 3], [0.0] * 8])
    fc = forecast_panel(Y, 2)
    assert fc.demand_class.tolist() == ["smooth", "intermittent", "inactive"]
    assert fc.adi.tolist() == pytest.approx([1.0, 8 / 3, 0.0])
    assert fc.n_periods.tolist() == [8, 8, 8]
    assert fc.demand_size[1] == pytest.approx(3.0)


def test_returns_count_as_zero_demand():
    """A negative period (net returns) is a period without demand, not negative demand."""
    a = prepare([[4.0, -5, 4, 0, 4]])
    b = prepare([[4.0, 0, 4, 0, 4]])
    assert np.array_equal(a.Y, b.Y)
    assert a.adi[0] == pytest.approx(5 / 3)


def test_one_off_spike_is_winsorised_for_fitting():
    """Ten sizes of 10 and one of 1000: the spike is capped at 10 * e^2 for the point methods."""
    Y = np.array([[10.0] * 10 + [1000.0]])
    out = winsorise(Y, ~np.isnan(Y))
    assert out[0, -1] == pytest.approx(10 * np.exp(2.0))
    assert out[0, :-1].tolist() == [10.0] * 10


def test_few_demands_are_not_winsorised():
    """With fewer than six demands a large value is not known to be an outlier: kept."""
    Y = np.array([[10.0, 0, 10, 0, 500]])
    assert np.array_equal(winsorise(Y, ~np.isnan(Y)), Y)
