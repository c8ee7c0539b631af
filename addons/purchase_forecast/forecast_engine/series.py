"""Demand panel preparation: cleaning, demand statistics and Syntetos-Boylan classification."""

from dataclasses import dataclass

import numpy as np

# Syntetos-Boylan-Croston cut-offs (Syntetos, Boylan & Croston 2005)
ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
# fewer usable periods than this: the item is "new" whatever its demand
MIN_HISTORY = 4
# winsorising of one-off spikes: at least this many demands, cap at median * exp(K * sigma)
SPIKE_MIN_DEMANDS = 6
SPIKE_K = 4.0
SPIKE_MIN_SIGMA = 0.5

CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "new", "inactive")


@dataclass
class Panel:
    """A cleaned demand panel and its per-series statistics.

    ``Y`` holds demand with NaN wherever it is unknown (before the item existed, or a period
    flagged as unknown); ``Yw`` is ``Y`` with one-off spikes winsorised, the input of the point
    forecasting methods; ``valid`` marks the known periods.
    """

    Y: np.ndarray
    Yw: np.ndarray
    valid: np.ndarray
    n_periods: np.ndarray
    n_demands: np.ndarray
    adi: np.ndarray
    cv2: np.ndarray
    demand_size: np.ndarray
    demand_class: np.ndarray
    last_demand_age: np.ndarray


def as_panel_array(Y) -> np.ndarray:
    """The input as a float (n_series, n_periods) array; one series may be given as 1-D."""
    arr = np.array(Y, dtype=float, copy=True)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError("Y must be a 2-D array (n_series, n_periods)")
    arr[~np.isfinite(arr)] = np.nan  # infinities are as unknown as NaN
    return arr


def winsorise(Y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Cap one-off spikes of non-zero demand sizes (a Hampel filter on log sizes).

    Sizes above ``median * exp(SPIKE_K * sigma)`` are capped, where sigma is the robust
    (1.4826 * MAD) spread of log sizes, floored at SPIKE_MIN_SIGMA so that a series whose sizes
    are nearly all equal keeps values up to e^2 = 7.4 times its median size. Only series with at
    least SPIKE_MIN_DEMANDS demands are touched: with fewer, a large value is not known to be an
    outlier.
    """
    positive = valid & (Y > 0)
    counts = positive.sum(axis=1)
    rows = np.flatnonzero(counts >= SPIKE_MIN_DEMANDS)
    if rows.size == 0:
        return Y.copy()
    logs = np.where(positive[rows], np.log(np.where(positive[rows], Y[rows], 1.0)), np.nan)
    k = counts[rows]
    med = _row_median(logs, k)
    mad = _row_median(np.abs(logs - med[:, None]), k)
    sigma = np.maximum(1.4826 * mad, SPIKE_MIN_SIGMA)
    cap = np.exp(med + SPIKE_K * sigma)
    out = Y.copy()
    out[rows] = np.where(positive[rows], np.minimum(Y[rows], cap[:, None]), Y[rows])
    return out


def _row_median(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median of each row's first ``count`` non-NaN values (NaN sort last): a fast nanmedian."""
    srt = np.sort(values, axis=1)
    rows = np.arange(values.shape[0])
    lo = np.maximum(count - 1, 0) // 2
    hi = count // 2
    return (srt[rows, lo] + srt[rows, np.maximum(hi, lo)]) / 2.0


def prepare(Y) -> Panel:
    """Clean a demand panel and compute the statistics the methods and the classification use.

    Negative demand (net returns exceeding sales in a period) counts as zero demand: returns
    are not negative need. NaN anywhere means "demand unknown" and is skipped, never read as 0.
    """
    Y = as_panel_array(Y)
    valid = ~np.isnan(Y)
    Y = np.where(valid, np.maximum(Y, 0.0), np.nan)
    n, T = Y.shape
    positive = valid & (Y > 0)
    n_periods = valid.sum(axis=1)
    n_demands = positive.sum(axis=1)
    sizes = np.where(positive, Y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        demand_size = np.where(n_demands > 0, sizes.sum(axis=1) / np.maximum(n_demands, 1), 0.0)
        dev = np.where(positive, Y - demand_size[:, None], 0.0)
        var = (dev**2).sum(axis=1) / np.maximum(n_demands, 1)
        cv2 = np.where(demand_size > 0, var / np.maximum(demand_size, 1e-300) ** 2, 0.0)
        adi = np.where(n_demands > 0, n_periods / np.maximum(n_demands, 1), 0.0)
    # periods (known or not) since the last demand; the whole history if there was none
    if T:
        last = np.where(positive.any(axis=1), T - 1 - np.argmax(positive[:, ::-1], axis=1), -1)
    else:
        last = np.full(n, -1)
    last_demand_age = np.where(last >= 0, T - 1 - last, n_periods).astype(float)
    demand_class = classify(n_periods, n_demands, adi, cv2)
    return Panel(
        Y=Y,
        Yw=winsorise(Y, valid),
        valid=valid,
        n_periods=n_periods.astype(float),
        n_demands=n_demands.astype(float),
        adi=adi,
        cv2=np.nan_to_num(cv2),
        demand_size=demand_size,
        demand_class=demand_class,
        last_demand_age=last_demand_age,
    )


def classify(n_periods, n_demands, adi, cv2) -> np.ndarray:
    """Syntetos-Boylan demand classes, plus ``new`` (short history) and ``inactive`` (no demand).

    smooth: ADI <= 1.32 and CV² <= 0.49; erratic: ADI <= 1.32, CV² > 0.49;
    intermittent: ADI > 1.32, CV² <= 0.49; lumpy: ADI > 1.32, CV² > 0.49.
    ``new``: fewer than MIN_HISTORY known periods. ``inactive``: no demand in the whole history.
    """
    n_periods = np.asarray(n_periods)
    frequent = np.asarray(adi) <= ADI_CUTOFF
    variable = np.asarray(cv2) > CV2_CUTOFF
    out = np.where(
        frequent,
        np.where(variable, "erratic", "smooth"),
        np.where(variable, "lumpy", "intermittent"),
    ).astype(object)
    out[np.asarray(n_demands) == 0] = "inactive"
    out[n_periods < MIN_HISTORY] = "new"
    return out
