"""Calibration of the horizon-total distribution from a rolling-origin backtest of the panel.

The simulated paths (forecast_engine.simulation) give every series a distribution of its total
demand over the horizon. Their spread rests on assumptions (residuals independent from period to
period, a level that wanders as exponential smoothing says) that hold better for some kinds of
history than for others: trended series over long horizons get too narrow a spread, steady
spare parts too wide a one. The panel is therefore forecast once more from an earlier origin,
``window`` periods before its end, and the actual totals of those periods are compared with the
forecast distributions through their probability integral transform (PIT): for a calibrated
forecast the PIT is uniform. Per demand class, the empirical distribution G of the PITs
(randomised over the atoms of discrete totals, so computed in expectation) maps the simulated
distribution's levels to calibrated ones (Kuleshov, Fenner & Ermon 2018, "Accurate uncertainties
for deep learning using calibrated regression"; a conformal recalibration): the calibrated
q-quantile is the simulated quantile at level G^-1(q), and the calibrated CDF is G(F).
No normal shape is assumed; the map only reorders the series' own simulated totals.

G is shrunk towards the identity with PRIOR_WEIGHT series of weight, so a class with few
series in the panel keeps nearly its simulated quantiles.
"""

from dataclasses import dataclass

import numpy as np

# share of the backtests' correction applied (the rest stays as simulated): the backtests come
# from earlier origins with less history, whose forecasts miss by more than the final one's
# (measured on every panel, see docs/forecast-engine.md, leave-one-panel-out)
CORRECTION_SHARE = 0.5
# probability levels on which each class's map is tabulated
GRID = np.linspace(0.0, 1.0, 401)
# prior weight of the identity map, in series: a class of k series gets k / (k + PRIOR_WEIGHT)
# of its own backtest's correction
PRIOR_WEIGHT = 30.0
# the earlier origin lies this share of the history before its end at most (and never more
# than the horizon): the backtest needs a training part of its own
MAX_WINDOW_SHARE = 1.0 / 3.0
# backtest origins, one window apart, and the series each uses at most (a sample chosen by a
# hash of each series' values, so that the result does not depend on the order of the series)
ORIGINS = 3
MAX_SERIES = 1000
# an origin needs at least this many periods before it, and at least this share of the
# history: a backtest fitted on much less history than the forecast misjudges its spread
MIN_TRAIN = 4
MIN_TRAIN_SHARE = 0.5
# simulated paths per series in the backtests: the PITs are pooled over many series
N_PATHS = 200
# the simulated totals are continued by an exponential tail above this level, its scale
# matched between TAIL_BASE and TAIL_FROM (tail_parameters)
TAIL_FROM = 0.975
TAIL_BASE = 0.75


def window(n_periods: int, horizon: int) -> int:
    """Periods held out by the calibration backtest: the horizon, at most a third of the
    history; 0 (no calibration) for histories shorter than three periods."""
    return int(max(0, min(horizon, int(n_periods * MAX_WINDOW_SHARE))))


def expected_pit_cdf(below: np.ndarray, upto: np.ndarray, grid: np.ndarray = GRID) -> np.ndarray:
    """Mean over series of P(PIT <= p) for each p of ``grid``, the PIT randomised on atoms.

    A series whose actual total a has F(a-) = below and F(a) = upto has a PIT uniform on
    [below, upto]: P(PIT <= p) = clip((p - below) / (upto - below), 0, 1), or 1[below <= p]
    when there is no atom.
    """
    lo, hi = below[:, None], upto[:, None]
    width = hi - lo
    p = grid[None, :]
    share = np.where(
        width > 1e-12,
        np.clip((p - lo) / np.where(width > 1e-12, width, 1.0), 0.0, 1.0),
        (lo <= p).astype(float),
    )
    return share.mean(axis=0)


def sample_rows(Y: np.ndarray, usable: np.ndarray, limit: int = MAX_SERIES) -> np.ndarray:
    """Indices of at most ``limit`` usable series, those with the smallest hash of their values.

    The choice depends only on each series' own values (CRC-32 of its bytes), never on its
    position in the panel.
    """
    import zlib

    rows = np.flatnonzero(usable)
    if rows.size <= limit:
        return rows
    data = np.ascontiguousarray(np.nan_to_num(Y[rows], nan=-1.0))
    keys = np.array([zlib.crc32(data[i].tobytes()) for i in range(rows.size)], dtype=np.int64)
    order = np.lexsort((rows, keys))  # equal series: any of them, the result is the same
    return np.sort(rows[order[:limit]])


@dataclass
class Calibration:
    """Per-class maps of probability levels; ``row`` (n,) is each series' class index."""

    table: np.ndarray  # (C, len(GRID)) calibrated CDF G(p) of each class, non-decreasing
    row: np.ndarray  # (n,)

    @classmethod
    def identity(cls, n: int) -> "Calibration":
        return cls(GRID[None, :].copy(), np.zeros(n, dtype=int))

    @classmethod
    def fit(cls, below, upto, groups, all_groups) -> "Calibration":
        """Maps per group from the backtest PITs (below, upto) of series labelled ``groups``;
        ``all_groups`` (n,) labels the series the calibration will be applied to."""
        labels = list(dict.fromkeys(np.asarray(all_groups).tolist()))
        table = np.empty((len(labels), GRID.size))
        groups = np.asarray(groups)
        for j, label in enumerate(labels):
            sel = groups == label
            k = int(sel.sum())
            own = expected_pit_cdf(below[sel], upto[sel]) if k else GRID
            own = CORRECTION_SHARE * own + (1.0 - CORRECTION_SHARE) * GRID
            g = (k * own + PRIOR_WEIGHT * GRID) / (k + PRIOR_WEIGHT)
            g[0], g[-1] = 0.0, 1.0
            table[j] = np.maximum.accumulate(g)
        index = {label: j for j, label in enumerate(labels)}
        row = np.array([index[x] for x in np.asarray(all_groups).tolist()], dtype=int)
        return cls(table, row)

    def cdf(self, p: np.ndarray) -> np.ndarray:
        """Calibrated CDF values G(p) for simulated CDF values ``p`` (n,), one per series."""
        out = np.empty(len(p), dtype=float)
        for j in np.unique(self.row):
            sel = self.row == j
            out[sel] = np.interp(p[sel], GRID, self.table[j])
        return out

    def levels(self, q: float) -> np.ndarray:
        """Level of the simulated distribution at which each series' calibrated q-quantile sits:
        G^-1(q) (n,)."""
        out = np.empty(self.row.size, dtype=float)
        for j in np.unique(self.row):
            g = self.table[j]
            # the generalised inverse: the smallest p with G(p) >= q, interpolated on the grid
            # (G is made strictly increasing by a negligible tilt so that interp is defined)
            tilted = g + 1e-9 * GRID
            out[self.row == j] = np.interp(q + 1e-9 * q, tilted, GRID)
        return out


def tail_parameters(samples: np.ndarray):
    """Per row (Q(TAIL_FROM), scale b) of an exponential upper tail beyond the simulated one.

    A calibrated level can lie beyond what a few hundred paths resolve (a too-narrow simulated
    spread needs its 0.99-quantile where the 0.95 one was asked): above TAIL_FROM the
    distribution is continued as 1 - F(x) = (1 - TAIL_FROM) exp(-(x - Q(TAIL_FROM)) / b), b
    matched to the paths' quantiles at TAIL_BASE and TAIL_FROM, so both directions (quantile
    of a level, level of a value) agree and stay finite.
    """
    from .simulation import sample_quantiles

    base, top = sample_quantiles(samples, (TAIL_BASE, TAIL_FROM), axis=1)
    b = (top - base) / np.log((1.0 - TAIL_BASE) / (1.0 - TAIL_FROM))
    return top, np.maximum(b, 0.0)


def tail_cdf(values: np.ndarray, top: np.ndarray, b: np.ndarray, empirical: np.ndarray):
    """The CDF at ``values`` (n,): ``empirical`` below Q(TAIL_FROM), the exponential tail above."""
    above = (values > top) & (b > 0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        tail = 1.0 - (1.0 - TAIL_FROM) * np.exp(-(values - top) / np.where(b > 0, b, 1.0))
    return np.where(above, tail, empirical)


def row_quantiles(samples: np.ndarray, levels: np.ndarray, ordered=None) -> np.ndarray:
    """Per row, the sample quantile at its own level (n,), Hyndman and Fan's type 6.

    The same rule as simulation.sample_quantiles (rank q (n + 1)), with one level per row;
    levels above TAIL_FROM are read from the exponential tail (:func:`tail_parameters`).
    ``ordered``: the samples already sorted along each row, when the caller has them.
    """
    n, size = samples.shape
    if ordered is None:
        ordered = np.sort(samples, axis=1)
    pos = np.clip(levels * (size + 1) - 1.0, 0.0, size - 1.0)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, size - 1)
    w = pos - lo
    rows = np.arange(n)
    value = ordered[rows, lo] + w * (ordered[rows, hi] - ordered[rows, lo])
    high = levels > TAIL_FROM
    if high.any():
        top, b = tail_parameters(samples[high])
        level = np.minimum(levels[high], 1.0 - 1e-6)
        value[high] = top + b * np.log((1.0 - TAIL_FROM) / (1.0 - level))
    return value
