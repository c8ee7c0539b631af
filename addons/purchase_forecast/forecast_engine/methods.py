"""Forecasting methods, each vectorised over a whole panel of series.

Every method takes a :class:`Context` (the cleaned panel, the horizon, the backtest origins) and
returns a :class:`MethodFit` holding, for every series at once:

- ``path`` (n, H): the forecast from the end of the history;
- ``origin`` (n, K, Hb or 1): the forecasts made at the K rolling-origin backtest origins;
- ``fitted`` (n, T): one-step-ahead in-sample forecasts (what the method predicted for each
  period before seeing it), used for the residuals of the uncertainty simulation;
- ``alpha`` (n,): how much one new observation moves the forecast level (1 for the naive
  forecast, about 0 for the historic mean); the simulation uses it to let the level wander.

Missing periods (NaN) are skipped by every recursion: the state is carried forward (with its
trend, for trended methods) exactly as if the missing value had been equal to its forecast.
Initial states are whole-history averages, a cheap stand-in for the optimised initial states of
state-space ETS. Smoothing parameters are chosen per series from a small grid by in-sample
one-step squared error, all grid points at once.
"""

from dataclasses import dataclass

import numpy as np

SES_ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0])
CROSTON_ALPHAS = np.array([0.05, 0.1, 0.2, 0.3])
TSB_ALPHAS = np.array([0.05, 0.15, 0.3])  # demand size
TSB_BETAS = np.array([0.02, 0.05, 0.1, 0.2, 0.3])  # demand probability


@dataclass
class Context:
    """What every method needs: the panel, the forecast horizon and the backtest layout."""

    Y: np.ndarray  # (n, T) demand to fit (winsorised), NaN = unknown
    valid: np.ndarray  # (n, T) known periods
    horizon: int  # H: periods to forecast from the end
    origins: np.ndarray  # (K,) index of the last period seen at each backtest origin
    bt_horizon: int  # Hb: periods forecast from each backtest origin
    season_length: int = 1

    @property
    def n(self) -> int:
        return self.Y.shape[0]

    @property
    def T(self) -> int:
        return self.Y.shape[1]

    def subset(self, rows: np.ndarray) -> "Context":
        return Context(
            self.Y[rows],
            self.valid[rows],
            self.horizon,
            self.origins,
            self.bt_horizon,
            self.season_length,
        )


@dataclass
class MethodFit:
    """A method's forecasts for a panel (see the module docstring)."""

    name: str
    path: np.ndarray
    origin: np.ndarray
    fitted: np.ndarray
    alpha: np.ndarray


# ---------------------------------------------------------------- helpers


def _nanmean_rows(Y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    count = valid.sum(axis=1)
    total = np.where(valid, Y, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


INIT_PERIODS = 3


def _head_mean(Y: np.ndarray, valid: np.ndarray, k: int = INIT_PERIODS) -> np.ndarray:
    """Mean of each series' first k known values: the initial level of the smoothing methods.

    Only the start of the history is used, so that the in-sample error that picks the smoothing
    weight is not flattered by an initial level that already knows the whole series.
    """
    head = valid & (np.cumsum(valid, axis=1) <= k)
    return _nanmean_rows(Y, head)


def _flat(ctx: Context, states: np.ndarray, name: str, fitted, alpha) -> MethodFit:
    """A method whose forecast is flat: the state after the last period, at every horizon."""
    path = np.repeat(states[:, -1:], ctx.horizon, axis=1)
    origin = states[:, ctx.origins][:, :, None]
    return MethodFit(name, path, origin, fitted, alpha)


def _shift_fitted(states: np.ndarray, first: np.ndarray) -> np.ndarray:
    """One-step forecasts from flat states: the state after t-1 forecasts t; ``first`` for t=0."""
    fitted = np.empty_like(states)
    fitted[:, 0] = first
    fitted[:, 1:] = states[:, :-1]
    return fitted


def _stack_origins(per_origin: list, n: int, ctx: Context) -> np.ndarray:
    """Forecasts from each backtest origin stacked as (n, K, Hb); K may be 0."""
    if not per_origin:
        return np.zeros((n, 0, ctx.bt_horizon))
    return np.stack(per_origin, axis=1)


def _pick(sse: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per series, the grid value of least squared error (ties: the first, i.e. smoothest)."""
    return grid[np.argmin(sse, axis=1)]


def _ols_trend(Y: np.ndarray, valid: np.ndarray):
    """Least-squares line through each series' known values: (level at t=0, slope per period)."""
    t = np.arange(Y.shape[1], dtype=float)[None, :]
    w = valid.astype(float)
    y = np.where(valid, Y, 0.0)
    s0 = w.sum(axis=1)
    s1 = (w * t).sum(axis=1)
    s2 = (w * t * t).sum(axis=1)
    sy = y.sum(axis=1)
    sty = (y * t).sum(axis=1)
    den = s0 * s2 - s1 * s1
    slope = np.where(den > 0, (s0 * sty - s1 * sy) / np.where(den > 0, den, 1.0), 0.0)
    intercept = np.where(s0 > 0, (sy - slope * s1) / np.maximum(s0, 1), 0.0)
    return intercept, slope


def trend_tstat(Y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """t statistic of the least-squares slope through each series' known values (n,).

    slope / its standard error, sqrt(s^2 / sum (t - mean t)^2) with s^2 the residual variance
    (n - 2 degrees of freedom). Serial correlation is ignored, which inflates |t| for series
    whose level wanders: the test is a guard against trends that are noise (short, flat
    histories), not a proof of a trend. 0 with fewer than three known values.
    """
    t = np.arange(Y.shape[1], dtype=float)[None, :]
    w = valid.astype(float)
    intercept, slope = _ols_trend(Y, valid)
    resid = np.where(valid, Y - intercept[:, None] - slope[:, None] * t, 0.0)
    count = w.sum(axis=1)
    s2 = (resid * resid).sum(axis=1) / np.maximum(count - 2, 1)
    t_mean = (w * t).sum(axis=1) / np.maximum(count, 1)
    sxx = (w * (t - t_mean[:, None]) ** 2).sum(axis=1)
    se = np.sqrt(s2 / np.where(sxx > 0, sxx, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.where(se > 0, slope / np.where(se > 0, se, 1.0), np.where(slope != 0, np.inf, 0))
    return np.where(count >= 3, stat, 0.0)


def ljung_box(Y: np.ndarray, valid: np.ndarray, lags: int) -> np.ndarray:
    """Ljung-Box statistic of each series' deviations from its mean over lags 1..``lags`` (n,).

    Q = N (N + 2) sum_k r_k^2 / (N - k), r_k the lag-k autocorrelation of the known values'
    deviations (unknown periods count as no deviation), N the known periods. A level that
    wanders shows as autocorrelated deviations; noise around a steady level does not. 0 for a
    constant series or one with no more known values than lags.
    """
    count = valid.sum(axis=1).astype(float)
    mean = np.where(valid, Y, 0.0).sum(axis=1) / np.maximum(count, 1)
    dev = np.where(valid, Y - mean[:, None], 0.0)
    var = (dev * dev).sum(axis=1)
    q = np.zeros(Y.shape[0])
    for k in range(1, lags + 1):
        r = (dev[:, k:] * dev[:, :-k]).sum(axis=1) / np.where(var > 0, var, 1.0)
        q += r * r / np.maximum(count - k, 1)
    q *= count * (count + 2)
    return np.where((var > 0) & (count > lags), q, 0.0)


# ---------------------------------------------------------------- simple benchmarks


def naive(ctx: Context) -> MethodFit:
    """Naive forecast: the last known value, at every horizon (random walk)."""
    states = np.empty_like(ctx.Y)
    last = np.where(ctx.valid[:, 0], ctx.Y[:, 0], 0.0)
    for t in range(ctx.T):
        last = np.where(ctx.valid[:, t], ctx.Y[:, t], last)
        states[:, t] = last
    fitted = _shift_fitted(states, np.nan)
    return _flat(ctx, states, "naive", fitted, np.ones(ctx.n))


def seasonal_naive(ctx: Context) -> MethodFit:
    """Seasonal naive forecast: the last known value of the same season (period m earlier).

    Before a full season of history (or while a season's value is unknown) it falls back to the
    last known value.
    """
    m = max(int(ctx.season_length), 1)
    n, T = ctx.Y.shape
    season = np.full((n, m), np.nan)  # last known value per season position
    last = np.full(n, np.nan)
    # keep the season table as seen after each period, for the backtest origins
    tables = {}
    origin_set = set(ctx.origins.tolist())
    fitted = np.full((n, T), np.nan)
    for t in range(T):
        pos = t % m
        guess = np.where(np.isnan(season[:, pos]), last, season[:, pos])
        fitted[:, t] = guess
        v = ctx.valid[:, t]
        season[:, pos] = np.where(v, ctx.Y[:, t], season[:, pos])
        last = np.where(v, ctx.Y[:, t], last)
        if t in origin_set:
            tables[t] = (season.copy(), last.copy())
    tables[T - 1] = (season, last)

    def forecast(t_end: int, steps: int) -> np.ndarray:
        table, last_value = tables[t_end]
        pos = (t_end + 1 + np.arange(steps)) % m
        out = table[:, pos]
        return np.nan_to_num(np.where(np.isnan(out), last_value[:, None], out))

    path = forecast(T - 1, ctx.horizon)
    origin = _stack_origins([forecast(int(o), ctx.bt_horizon) for o in ctx.origins], n, ctx)
    return MethodFit("seasonal_naive", path, origin, fitted, np.ones(n))


def historic_mean(ctx: Context) -> MethodFit:
    """Historic mean: the average of every known period so far."""
    y = np.where(ctx.valid, ctx.Y, 0.0)
    count = np.cumsum(ctx.valid, axis=1)
    states = np.cumsum(y, axis=1) / np.maximum(count, 1)
    fitted = _shift_fitted(states, np.nan)
    fitted[count == 0] = np.nan
    n_known = np.maximum(count[:, -1], 1)
    return _flat(ctx, states, "historic_mean", fitted, 1.0 / n_known)


def recent_window(season_length: int) -> int:
    """Window of the recent mean: one season for quarterly/monthly seasons, else 6 or 13."""
    m = int(season_length)
    if 4 <= m <= 13:
        return m
    return 13 if m > 13 else 6


def recent_mean(ctx: Context) -> MethodFit:
    """Recent mean (moving average): the average of the known values in the last w periods.

    w is one season (4 quarters, 12 months), 13 periods for weekly data, 6 otherwise. When the
    whole window is unknown, the last computed average is kept.
    """
    w = recent_window(ctx.season_length)
    y = np.where(ctx.valid, ctx.Y, 0.0)
    cs = np.cumsum(np.pad(y, ((0, 0), (1, 0))), axis=1)
    cc = np.cumsum(np.pad(ctx.valid.astype(float), ((0, 0), (1, 0))), axis=1)
    lo = np.maximum(np.arange(ctx.T) + 1 - w, 0)
    sums = cs[:, 1:] - cs[:, lo]
    counts = cc[:, 1:] - cc[:, lo]
    states = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    # carry the last average through windows with nothing known
    idx = np.where(counts > 0, np.arange(ctx.T)[None, :], 0)
    idx = np.maximum.accumulate(idx, axis=1)
    states = np.take_along_axis(states, idx, axis=1)
    states = np.nan_to_num(states)
    fitted = _shift_fitted(states, np.nan)
    fitted[np.cumsum(ctx.valid, axis=1) == 0] = np.nan
    return _flat(ctx, states, "recent_mean", fitted, np.full(ctx.n, 1.0 / w))


# ---------------------------------------------------------------- exponential smoothing


def _ses_run(Y, valid, alpha, init, record=False):
    """Simple exponential smoothing over the panel; ``alpha`` (n, G) or (G,) broadcasts."""
    n, T = Y.shape
    level = np.broadcast_to(init[:, None], np.broadcast(init[:, None], alpha).shape).copy()
    sse = np.zeros_like(level)
    states = np.empty((n, T)) if record else None
    for t in range(T):
        err = np.where(valid[:, t, None], Y[:, t, None] - level, 0.0)
        sse += err * err
        level += alpha * err
        if record:
            states[:, t] = level[:, 0]
    return sse, states


def ses_fit(Y, valid, alphas=SES_ALPHAS):
    """SES with per-series alpha from ``alphas``: (states (n,T), alpha (n,), init (n,))."""
    init = _head_mean(Y, valid)
    sse, _ = _ses_run(Y, valid, alphas[None, :], init)
    alpha = _pick(sse, alphas)
    _, states = _ses_run(Y, valid, alpha[:, None], init, record=True)
    return states, alpha, init


def ses(ctx: Context) -> MethodFit:
    """Simple exponential smoothing (Brown): level += alpha * (y - level); flat forecast."""
    states, alpha, init = ses_fit(ctx.Y, ctx.valid)
    fitted = _shift_fitted(states, init)
    return _flat(ctx, states, "ses", fitted, alpha)


# the shares of the trend line's slope the Theta forecast may follow, c = 1 - 1/theta for
# theta 1.5, 2 (the classical method), 3, 5 and 10; chosen leave-one-panel-out, see
# docs/forecast-engine.md
THETA_DRIFTS = (1 / 3, 0.5, 2 / 3, 0.8, 0.9)
# the first periods' one-step errors are the initial level's, not the drift's
THETA_SKIP = 3


def _theta_drift_share(Y, valid, levels, drift) -> np.ndarray:
    """Per series, the share c of THETA_DRIFTS whose one-step forecasts levels + c * drift
    (for periods 1..T-1) have the least squared error (ties: the smaller share)."""
    known = valid[:, 1:].copy()
    known[:, : THETA_SKIP - 1] = False
    actual = np.where(known, Y[:, 1:], 0.0)
    grid = np.asarray(THETA_DRIFTS, dtype=float)
    sse = np.empty((Y.shape[0], grid.size))
    for j, c in enumerate(grid):
        err = np.where(known, actual - levels - c * drift, 0.0)
        sse[:, j] = (err * err).sum(axis=1)
    return _pick(np.nan_to_num(sse, nan=np.inf), grid)


def theta(ctx: Context) -> MethodFit:
    """Optimised Theta method (Assimakopoulos & Nikolopoulos 2000, as shown by Hyndman &
    Billah 2003; theta chosen per series as in Fiorucci et al. 2016's OTM).

    SES plus a share c = 1 - 1/theta of the slope b of the least-squares trend line:
    f(h) = level + c * b * (h - 1 + (1 - (1 - alpha)^n) / alpha), n = known periods so far.
    The classical method is theta = 2 (half the slope); c is chosen per series from
    THETA_DRIFTS by the one-step error over the history. The slope is re-estimated at every
    backtest origin from the data seen there.
    """
    states, alpha, init = ses_fit(ctx.Y, ctx.valid)
    n, T = ctx.Y.shape
    t = np.arange(T, dtype=float)[None, :]
    w = ctx.valid.astype(float)
    y = np.where(ctx.valid, ctx.Y, 0.0)
    s0, s1, s2 = (np.cumsum(w * t**k, axis=1) for k in range(3))
    sy, sty = np.cumsum(y, axis=1), np.cumsum(y * t, axis=1)
    den = s0 * s2 - s1 * s1
    slope = np.where(den > 1e-12, (s0 * sty - s1 * sy) / np.where(den > 1e-12, den, 1.0), 0.0)
    a = alpha[:, None]
    drift_base = (1.0 - (1.0 - a) ** s0) / a  # (n, T)

    # one-step fitted: forecast for t made after t-1 (h = 1)
    drift = slope[:, :-1] * drift_base[:, :-1]
    c = _theta_drift_share(ctx.Y, ctx.valid, states[:, :-1], drift)[:, None]
    fitted = np.empty((n, T))
    fitted[:, 0] = init
    fitted[:, 1:] = states[:, :-1] + c * drift
    hs = np.arange(ctx.horizon, dtype=float)[None, :]
    path = states[:, -1:] + c * slope[:, -1:] * (hs + drift_base[:, -1:])
    hb = np.arange(ctx.bt_horizon, dtype=float)[None, None, :]
    o = ctx.origins
    origin = states[:, o, None] + c[:, :, None] * slope[:, o, None] * (hb + drift_base[:, o, None])
    return MethodFit("theta", np.maximum(path, 0), np.maximum(origin, 0), fitted, alpha)


HOLT_ALPHAS = np.array([0.05, 0.1, 0.2, 0.4, 0.7])
# the trend's weight as a fraction of alpha, from a nearly fixed slope (0.01) to a nimble one
# (0.4), and the damping: a finer grid of these two (not of alpha) brought the damped trend
# closest to AutoETS on the trended panels (M1 quarterly RMSSE 3.039 to 2.981, see
# docs/forecast-engine.md)
HOLT_BETAS = (0.01, 0.05, 0.1, 0.2, 0.4)
HOLT_PHIS = (0.8, 0.9, 0.95, 0.98)


def _grid(*axes):
    """Every combination of the given parameter values, as flat arrays (one per axis)."""
    mesh = np.meshgrid(*(np.asarray(a, dtype=float) for a in axes), indexing="ij")
    return [m.ravel() for m in mesh]


def _holt_run(Y, valid, alpha, beta, phi, l0, b0, record=False):
    """Additive damped-trend Holt in error-correction form; parameters broadcast as (n, G)."""
    n, T = Y.shape
    shape = np.broadcast(l0[:, None], alpha, beta, phi).shape
    level = np.broadcast_to(l0[:, None], shape).copy()
    trend = np.broadcast_to(b0[:, None], shape).copy()
    sse = np.zeros(shape)
    if record:
        L = np.empty((n, T))
        B = np.empty((n, T))
    for t in range(T):
        damped = phi * trend
        err = np.where(valid[:, t, None], Y[:, t, None] - level - damped, 0.0)
        sse += err * err
        level = level + damped + alpha * err
        trend = damped + beta * err
        if record:
            L[:, t] = level[:, 0]
            B[:, t] = trend[:, 0]
    return (sse, L, B) if record else (sse, None, None)


def _damped_sum(phi: np.ndarray, steps: int) -> np.ndarray:
    """phi + phi^2 + ... + phi^h for h = 1..steps, per series: (n, steps)."""
    return np.cumsum(phi[:, None] ** np.arange(1, steps + 1)[None, :], axis=1)


def holt_damped(ctx: Context) -> MethodFit:
    """Holt's linear method with damped trend (Gardner & McKenzie 1985).

    level = level + phi*trend + alpha*e; trend = phi*trend + beta*e;
    f(h) = level + (phi + ... + phi^h) * trend. (alpha, beta, phi) per series from a grid.
    Initial level and trend come from the least-squares line through the first six known values.
    """
    head = ctx.valid & (np.cumsum(ctx.valid, axis=1) <= 2 * INIT_PERIODS)
    intercept, slope = _ols_trend(ctx.Y, head)
    first = np.argmax(ctx.valid, axis=1)
    l0 = intercept + slope * (first - 1)
    a, bf, p = _grid(HOLT_ALPHAS, HOLT_BETAS, HOLT_PHIS)
    sse, _, _ = _holt_run(ctx.Y, ctx.valid, a[None], (a * bf)[None], p[None], l0, slope)
    best = np.argmin(sse, axis=1)
    alpha, beta, phi = a[best], (a * bf)[best], p[best]
    _, L, B = _holt_run(
        ctx.Y, ctx.valid, alpha[:, None], beta[:, None], phi[:, None], l0, slope, record=True
    )
    fitted = np.empty_like(L)
    fitted[:, 0] = l0 + phi * slope
    fitted[:, 1:] = L[:, :-1] + phi[:, None] * B[:, :-1]
    path = L[:, -1:] + _damped_sum(phi, ctx.horizon) * B[:, -1:]
    o = ctx.origins
    origin = L[:, o, None] + _damped_sum(phi, ctx.bt_horizon)[:, None, :] * B[:, o, None]
    return MethodFit("holt_damped", np.maximum(path, 0), np.maximum(origin, 0), fitted, alpha)


HW_ALPHAS = np.array([0.05, 0.2, 0.5])
HW_BETAS = np.array([0.0, 0.1])  # as a fraction of alpha
HW_GAMMAS = np.array([0.05, 0.2])  # as a fraction of (1 - alpha)
HW_PHIS = np.array([0.9, 0.98])


def _hw_run(Y, valid, m, alpha, beta, gamma, phi, l0, b0, s0, record=False):
    """Additive Holt-Winters with damped trend; parameters broadcast as (n, G)."""
    n, T = Y.shape
    shape = np.broadcast(l0[:, None], alpha).shape
    level = np.broadcast_to(l0[:, None], shape).copy()
    trend = np.broadcast_to(b0[:, None], shape).copy()
    season = np.broadcast_to(s0[:, None, :], (*shape, m)).copy()
    sse = np.zeros(shape)
    if record:
        L, B = np.empty((n, T)), np.empty((n, T))
        S = np.empty((n, T, m))
    for t in range(T):
        pos = t % m
        damped = phi * trend
        err = np.where(valid[:, t, None], Y[:, t, None] - level - damped - season[..., pos], 0.0)
        sse += err * err
        level = level + damped + alpha * err
        trend = damped + beta * err
        season[..., pos] += gamma * err
        if record:
            L[:, t], B[:, t], S[:, t] = level[:, 0], trend[:, 0], season[:, 0]
    return (sse, L, B, S) if record else (sse, None, None, None)


def holt_winters(ctx: Context) -> MethodFit:
    """Holt-Winters additive seasonality with damped trend (Holt 1957, Winters 1960).

    y = level + phi*trend + season[t mod m] + e, each state corrected by its share of e;
    (alpha, beta, gamma, phi) per series from a grid. Initial level, trend and seasonal terms
    come from the first two seasons: the least-squares line through them and each season
    position's average deviation from it.
    """
    m = int(ctx.season_length)
    n, T = ctx.Y.shape
    head = ctx.valid & (np.cumsum(ctx.valid, axis=1) <= 2 * m)
    intercept, slope = _ols_trend(ctx.Y, head)
    t_idx = np.arange(T)[None, :]
    resid = np.where(head, ctx.Y - (intercept[:, None] + slope[:, None] * t_idx), 0.0)
    s0 = np.zeros((n, m))
    for pos in range(m):
        cols = np.arange(pos, T, m)
        cnt = head[:, cols].sum(axis=1)
        s0[:, pos] = np.where(cnt > 0, resid[:, cols].sum(axis=1) / np.maximum(cnt, 1), 0.0)
    s0 -= s0.mean(axis=1, keepdims=True)
    l0 = intercept - slope
    a, bf, gf, p = _grid(HW_ALPHAS, HW_BETAS, HW_GAMMAS, HW_PHIS)
    b, g = a * bf, (1 - a) * gf
    sse, *_ = _hw_run(ctx.Y, ctx.valid, m, a[None], b[None], g[None], p[None], l0, slope, s0)
    best = np.argmin(sse, axis=1)
    pars = [x[best][:, None] for x in (a, b, g, p)]
    _, L, B, S = _hw_run(ctx.Y, ctx.valid, m, *pars, l0, slope, s0, record=True)
    phi = p[best]
    fitted = np.empty((n, T))
    fitted[:, 0] = l0 + phi * slope + s0[:, 0]
    nxt = np.arange(1, T) % m
    fitted[:, 1:] = L[:, :-1] + phi[:, None] * B[:, :-1] + S[:, np.arange(T - 1), nxt]

    def forecast(t_end, steps):
        pos = (t_end + 1 + np.arange(steps)) % m
        return L[:, t_end, None] + _damped_sum(phi, steps) * B[:, t_end, None] + S[:, t_end][:, pos]

    path = forecast(T - 1, ctx.horizon)
    origin = _stack_origins([forecast(int(o), ctx.bt_horizon) for o in ctx.origins], n, ctx)
    return MethodFit("holt_winters", np.maximum(path, 0), np.maximum(origin, 0), fitted, a[best])


# ---------------------------------------------------------------- intermittent demand


def _croston_run(Y, valid, alpha, z0, p0, record=False):
    """Croston's recursions: demand size z and inter-demand interval p, updated on demands."""
    n, T = Y.shape
    shape = np.broadcast(z0[:, None], alpha).shape
    z = np.broadcast_to(z0[:, None], shape).copy()
    p = np.broadcast_to(p0[:, None], shape).copy()
    q = np.zeros(n)  # periods since the last demand
    sse = np.zeros(shape)
    Z = np.empty((n, T)) if record else None
    P = np.empty((n, T)) if record else None
    for t in range(T):
        v = valid[:, t]
        y = Y[:, t]
        err = np.where(v[:, None], y[:, None] - z / p, 0.0)
        sse += err * err
        q = q + v
        d = (v & (y > 0))[:, None]
        z = np.where(d, z + alpha * (y[:, None] - z), z)
        p = np.where(d, p + alpha * (q[:, None] - p), p)
        q = np.where(d[:, 0], 0.0, q)
        if record:
            Z[:, t], P[:, t] = z[:, 0], p[:, 0]
    return sse, Z, P


def _croston_init(ctx: Context):
    positive = ctx.valid & (ctx.Y > 0)
    k = positive.sum(axis=1)
    z0 = np.where(k > 0, np.where(positive, ctx.Y, 0.0).sum(axis=1) / np.maximum(k, 1), 0.0)
    p0 = np.where(k > 0, ctx.valid.sum(axis=1) / np.maximum(k, 1), 1.0)
    return z0, np.maximum(p0, 1.0)


def croston_and_sba(ctx: Context):
    """Croston's method and its SBA correction from one fit: (croston fit, sba fit)."""
    z0, p0 = _croston_init(ctx)
    sse, _, _ = _croston_run(ctx.Y, ctx.valid, CROSTON_ALPHAS[None], z0, p0)
    alpha = _pick(sse, CROSTON_ALPHAS)
    _, Z, P = _croston_run(ctx.Y, ctx.valid, alpha[:, None], z0, p0, record=True)
    fits = []
    for name, factor in (("croston", np.ones_like(alpha)), ("sba", 1.0 - alpha / 2.0)):
        states = factor[:, None] * Z / P
        fitted = _shift_fitted(states, factor * z0 / p0)
        # the level moves only on demands, by alpha of the gap: about alpha / p per period
        fits.append(_flat(ctx, states, name, fitted, alpha / np.maximum(p0, 1.0)))
    return fits[0], fits[1]


def croston(ctx: Context) -> MethodFit:
    """Croston's method (Croston 1972): smooth demand sizes and intervals separately.

    On a demand: z += alpha*(y - z), p += alpha*(q - p) (q = periods since the last demand);
    forecast z / p per period. alpha (shared) per series from a grid.
    """
    return croston_and_sba(ctx)[0]


def sba(ctx: Context) -> MethodFit:
    """Syntetos-Boylan Approximation: Croston's forecast times (1 - alpha/2) to remove its bias."""
    return croston_and_sba(ctx)[1]


def _tsb_run(Y, valid, alpha, beta, z0, pr0, record=False):
    n, T = Y.shape
    shape = np.broadcast(z0[:, None], alpha, beta).shape
    z = np.broadcast_to(z0[:, None], shape).copy()
    pr = np.broadcast_to(pr0[:, None], shape).copy()
    sse = np.zeros(shape)
    Z = np.empty((n, T)) if record else None
    PR = np.empty((n, T)) if record else None
    for t in range(T):
        v = valid[:, t][:, None]
        y = Y[:, t][:, None]
        err = np.where(v, y - z * pr, 0.0)
        sse += err * err
        d = v & (y > 0)
        pr = np.where(v, pr + beta * (d - pr), pr)
        z = np.where(d, z + alpha * (y - z), z)
        if record:
            Z[:, t], PR[:, t] = z[:, 0], pr[:, 0]
    return sse, Z, PR


def tsb(ctx: Context) -> MethodFit:
    """Teunter-Syntetos-Babai (2011): smooth the demand probability every period.

    Each known period: prob += beta*(1[y>0] - prob); on a demand: size += alpha*(y - size);
    forecast prob * size. Unlike Croston the forecast decays while no demand comes, so items
    that stopped selling fade out. (alpha, beta) per series from a grid.
    """
    z0, p0 = _croston_init(ctx)
    pr0 = 1.0 / p0
    a, b = _grid(TSB_ALPHAS, TSB_BETAS)
    sse, _, _ = _tsb_run(ctx.Y, ctx.valid, a[None], b[None], z0, pr0)
    best = np.argmin(sse, axis=1)
    alpha, beta = a[best], b[best]
    _, Z, PR = _tsb_run(ctx.Y, ctx.valid, alpha[:, None], beta[:, None], z0, pr0, record=True)
    states = Z * PR
    fitted = _shift_fitted(states, z0 * pr0)
    return _flat(ctx, states, "tsb", fitted, np.maximum(beta, alpha * pr0))


ADIDA_MAX_BUCKET = 12
# smoothing weights for bucket sums: the usual 0.1-0.3 range for intermittent demand
AGGREGATED_ALPHAS = np.array([0.1, 0.15, 0.2, 0.25, 0.3])


def _buckets(ctx: Context) -> np.ndarray:
    """Aggregation level per series: its mean interval between demands, rounded, 1..12.

    Intervals are counted in known periods from the start of the history to the last demand
    (the run without demand since then is not an interval yet).
    """
    positive = ctx.valid & (ctx.Y > 0)
    k_dem = positive.sum(axis=1)
    known = np.cumsum(ctx.valid, axis=1)
    last = ctx.T - 1 - np.argmax(positive[:, ::-1], axis=1) if ctx.T else np.zeros(ctx.n, int)
    span = known[np.arange(ctx.n), last] if ctx.T else np.zeros(ctx.n)
    interval = np.where(k_dem > 0, span / np.maximum(k_dem, 1), 1.0)
    return np.clip(np.rint(interval), 1, max(1, min(ADIDA_MAX_BUCKET, ctx.T // 2))).astype(int)


def _aggregated_ses(ctx: Context, rows: np.ndarray, k: int, cs, cc):
    """SES on k-period bucket sums ending at each period, for the given rows.

    Returns per-period (states, one-step fitted, alpha per period) for those rows. SES runs on
    every stride-k sub-series of bucket sums at once: the level at t follows the level at t-k
    (the previous non-overlapping bucket of the same phase), so the forecast made at any origin
    uses buckets aligned to that origin.
    """
    T = ctx.T
    lo = np.maximum(np.arange(T) + 1 - k, 0)
    sums = cs[rows, 1:] - cs[rows][:, lo]
    cnt = cc[rows, 1:] - cc[rows][:, lo]
    ok = cnt > 0
    ok[:, : k - 1] = False  # incomplete first buckets
    agg = np.where(ok, sums * k / np.maximum(cnt, 1), np.nan)  # bucket ending at t
    init = _bucket_init(agg, ok, k, AGG_INIT_BUCKETS)
    grid = AGGREGATED_ALPHAS
    sse = np.zeros((rows.size, grid.size))
    hist = [np.broadcast_to(init[:, None], (rows.size, grid.size)).copy()] * k
    for t in range(T):
        prev = hist[t % k]
        err = np.where(ok[:, t, None], agg[:, t, None] - prev, 0.0)
        if (T - 1 - t) % k == 0:  # score the phase that ends at the series' last period
            sse += err * err
        hist[t % k] = prev + grid[None, :] * err
    alpha = _pick(sse, grid)
    a = alpha[:, None]
    hist1 = [init[:, None]] * k
    lv = np.empty((rows.size, T))
    for t in range(T):
        prev = hist1[t % k]
        err = np.where(ok[:, t, None], agg[:, t, None] - prev, 0.0)
        hist1[t % k] = prev + a * err
        lv[:, t] = hist1[t % k][:, 0]
    return lv / k, _shift_fitted(lv / k, init / k), alpha / k


AGG_INIT_BUCKETS = 3


def _bucket_init(agg, ok, k, n_buckets):
    """Mean of each series' first ``n_buckets`` complete buckets (of the phase ending last)."""
    T = agg.shape[1]
    phase = (T - 1 - np.arange(T)) % k == 0
    use = ok & phase[None, :]
    use &= np.cumsum(use, axis=1) <= n_buckets
    return _nanmean_rows(np.nan_to_num(agg), use)


def _cumulative(ctx: Context):
    y = np.where(ctx.valid, ctx.Y, 0.0)
    cs = np.cumsum(np.pad(y, ((0, 0), (1, 0))), axis=1)
    cc = np.cumsum(np.pad(ctx.valid.astype(float), ((0, 0), (1, 0))), axis=1)
    return cs, cc


def adida(ctx: Context) -> MethodFit:
    """ADIDA temporal aggregation (Nikolopoulos et al. 2011).

    Demand is summed into non-overlapping buckets of k periods (k = the series' mean interval
    between demands, rounded, at most 12), ending at the forecast origin; SES (alpha 0.1-0.3)
    forecasts the next bucket, and its forecast is spread evenly over the k periods. Buckets
    with unknown periods are scaled up from their known periods; wholly unknown buckets are
    skipped. SES starts from the mean of the first three buckets.
    """
    n, T = ctx.Y.shape
    bucket = _buckets(ctx)
    states, fitted, alpha = np.zeros((n, T)), np.zeros((n, T)), np.zeros(n)
    cs, cc = _cumulative(ctx)
    for k in np.unique(bucket):
        rows = np.flatnonzero(bucket == k)
        states[rows], fitted[rows], alpha[rows] = _aggregated_ses(ctx, rows, int(k), cs, cc)
    return _flat(ctx, states, "adida", fitted, alpha)


def imapa(ctx: Context) -> MethodFit:
    """IMAPA, multiple temporal aggregation (Petropoulos & Kourentzes 2015).

    The average of the per-period ADIDA forecasts at every aggregation level from 1 to the
    series' mean interval between demands (rounded, at most 12): no single bucket size has to
    be right, and the levels' errors partly cancel.
    """
    n, T = ctx.Y.shape
    bucket = _buckets(ctx)
    states, fitted, alpha = np.zeros((n, T)), np.zeros((n, T)), np.zeros(n)
    cs, cc = _cumulative(ctx)
    for k in range(1, int(bucket.max()) + 1 if n else 1):
        rows = np.flatnonzero(bucket >= k)
        st, fi, al = _aggregated_ses(ctx, rows, k, cs, cc)
        states[rows] += st
        fitted[rows] += fi
        alpha[rows] += al
    states /= bucket[:, None]
    fitted /= bucket[:, None]
    alpha /= bucket
    return _flat(ctx, states, "imapa", fitted, alpha)


METHODS = {
    "naive": naive,
    "seasonal_naive": seasonal_naive,
    "historic_mean": historic_mean,
    "recent_mean": recent_mean,
    "ses": ses,
    "theta": theta,
    "holt_damped": holt_damped,
    "holt_winters": holt_winters,
    "croston": croston,
    "sba": sba,
    "tsb": tsb,
    "adida": adida,
    "imapa": imapa,
}
