"""forecast_panel: point forecasts, method selection and quantiles for a whole panel at once."""

import sys
from dataclasses import dataclass, field, replace

import numpy as np

from . import calibration, obsolescence, seasonality, simulation
from . import methods as M
from .series import prepare

# a rolling-origin backtest needs at least this many known periods before an origin
MIN_TRAIN = 3
# backtest horizon: a third of the history, at most a year of months; it does not depend on
# the horizon asked for, so the method chosen for a series is the same whatever the horizon
MAX_BT_HORIZON = 12
# a challenger replaces the class default only when its backtest error is this much lower:
# picking the best backtest score outright overfits (see docs/forecast-engine.md)
SWITCH_MARGIN = 0.4
# ... and only when the backtest saw at least this many periods with demand: otherwise every
# method is judged on zeros alone and the lowest forecast would always win
SWITCH_MIN_DEMANDS = 2
# classes whose forecasts are multiplied by the probability that the item is still alive
OBSOLESCENCE_CLASSES = ("intermittent", "lumpy")
# classes within which the spread of demand sizes is pooled across the panel
# (simulation.pooled_jitter): the spread of sizes is what their demand distribution hinges on
POOLED_SIZE_CLASSES = ("intermittent", "lumpy")
# methods whose forecast is a level that runs on through periods without demand (and, but for
# Croston and SBA, decays in them): theirs restarts from the last demand, see
# _rate_since_last_demand
LEVEL_METHODS = ("comb_intermittent", "croston", "sba", "tsb", "adida", "imapa")

# smooth and erratic series get the trended combination (SES + Theta + damped Holt) when the
# least-squares slope of their seasonally adjusted history has |t| above this, else the level
# combination (SES + the historic mean): a trend that is not clearly there is noise the trends
# of Theta and Holt would follow (short spare-parts histories), and the erratic class's CV² is
# inflated by real trends and seasons (M1, Tourism); chosen leave-one-panel-out, see
# docs/forecast-engine.md
TREND_T = 4.0
# ... and among those without a trend, the level combination only where simple exponential
# smoothing finds the level steady (its smoothing weight at most this): where the level
# wanders (a random walk, M1) the mean of all the history is no estimate of it, and SES alone
# is the default
LEVEL_ALPHA = 0.2
# ... but a series that SES finds wandering (weight above LEVEL_ALPHA) while its deviations
# from its mean show no autocorrelation (Ljung-Box over the first CALM_LAGS lags, not
# significant at this level) has a steady level after all: SES's weight fitted to a few noisy
# periods is itself noise (short spare-parts histories), and the mean of all its history is
# the best estimate (the historic mean's strength there); not for seasonal series, whose
# adjusted history keeps their combinations; chosen leave-one-panel-out, see
# docs/forecast-engine.md
CALM_SIGNIFICANCE = 0.05
CALM_LAGS = 3
# single trend methods compete with the default only where a trend was detected (TREND_T),
# as seasonal methods only where seasonality was: on a series the trend test finds flat, a
# backtest won by damped Holt is a few lucky periods (AUTO: 49 such items, RMSSE 0.98 against
# the historic mean's 0.87 on them)
TREND_ONLY = ("holt_damped",)
NOT_FOR_INTERMITTENT = ("naive", "recent_mean")
SMOOTH_COMBO = ("theta", "holt_damped")
# the level combination, for smooth and erratic series without a clear trend (TREND_T):
# erratic demand (some demand nearly every period, in sizes that vary a lot) hides its level
# in the noise, and the trends of Theta and damped Holt follow that noise: SES keeps up with a
# moving level, the mean of all the history steadies it (measured by bench/bench_forecast.py)
ERRATIC_COMBO = ("ses", "historic_mean")
# the historic mean anchors the intermittent combination: a steady item's rate is best
# estimated from all its history, and SBA and TSB, which follow every demand, keep it
# adaptive; IMAPA's aggregated buckets added noise and, restarted right after a demand, a
# bias (measured on the replays of bench/bench_policy.py)
INTERMITTENT_COMBO = ("sba", "tsb", "historic_mean")
SEASONAL_ADJUSTED = ("ses", "theta", "holt_damped")
DEFAULTS = {
    "smooth": "comb_smooth",
    "erratic": "comb_erratic",
    "intermittent": "comb_intermittent",
    "lumpy": "comb_intermittent",
    "new": "historic_mean",
    "inactive": "zero",
}
CHALLENGERS = (
    "naive",
    "seasonal_naive",
    "historic_mean",
    "recent_mean",
    "ses",
    "theta",
    "holt_damped",
    "holt_winters",
    "croston",
    "sba",
    "tsb",
    "adida",
    "imapa",
    "comb_smooth",
    "comb_erratic",
    "comb_intermittent",
)


@dataclass
class Forecast:
    """What forecast_panel returns; every array has one row (or value) per series.

    - ``mean`` (n, horizon): expected demand per period.
    - ``quantiles[q]`` (n, horizon): per-period quantiles.
    - ``total_quantiles[q]`` (n,): quantiles of the total demand over the whole horizon (from
      the sums of simulated paths, not sums of per-period quantiles).
    - ``method`` (n,): the method chosen (see ``forecast_engine.METHOD_LABELS``).
    - ``demand_class`` (n,): smooth / erratic / intermittent / lumpy (Syntetos-Boylan), or
      new (fewer than 4 known periods) / inactive (no demand in the whole history).
    - ``backtest_error`` (n,): root mean squared error of the chosen method over the
      rolling-origin backtest, divided by the root mean squared error of the one-step naive
      forecast over the history (RMSSE): 1.0 = as good as the naive forecast, lower is better.
      Items with no backtest origin (history too short) get 1.0; inactive items 0.0.
    - ``adi`` (n,): average inter-demand interval in periods (known periods / periods with
      demand); 0.0 when there was no demand at all. For new items the statistics below are
      those of their short history.
    - ``cv2`` (n,): squared coefficient of variation of the non-zero demand sizes; 0.0 with
      fewer than two demands.
    - ``demand_size`` (n,): mean non-zero demand size; 0.0 when there was no demand.
    - ``n_periods`` (n,): periods of usable (known) history.
    - ``seasonal`` (n,): whether seasonality was detected and used.
    """

    mean: np.ndarray
    quantiles: dict
    total_quantiles: dict
    method: np.ndarray
    demand_class: np.ndarray
    backtest_error: np.ndarray
    adi: np.ndarray
    cv2: np.ndarray
    demand_size: np.ndarray
    n_periods: np.ndarray
    seasonal: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class FittedPanel:
    """The chosen model of every series, ready to simulate any horizon (internal)."""

    mean: np.ndarray  # (n, H)
    ratios: np.ndarray
    counts: np.ndarray
    alpha: np.ndarray
    level_var: np.ndarray
    jitter: np.ndarray
    method: np.ndarray
    demand_class: np.ndarray
    backtest_error: np.ndarray
    seasonal: np.ndarray
    alive: np.ndarray
    panel: object
    # calibration.Calibration of the horizon totals (fit_forecast), None = as simulated
    calibration: object = None

    def simulate(self, rows: np.ndarray, n_paths: int = simulation.N_PATHS) -> np.ndarray:
        """Simulated demand paths (len(rows), H, n_paths) for the given series."""
        return simulation.simulate_block(*self._block(rows), n_paths)

    def iter_paths(self, rows: np.ndarray, n_paths: int = simulation.N_PATHS):
        """Simulated demand of the given series period by period: (h, (len(rows), n_paths))."""
        return simulation.iter_paths(*self._block(rows), n_paths)

    @property
    def horizon(self) -> int:
        """Periods of ``mean``: how far the stored state simulates."""
        return int(self.mean.shape[1])

    def truncated(self, horizon: int) -> "FittedPanel":
        """The same model over its first ``horizon`` periods: every method's path and every
        simulated period h depend only on h, so the paths are those of a fit at that horizon."""
        return replace(self, mean=self.mean[:, : int(horizon)])

    def _block(self, rows):
        return (
            self.mean[rows],
            self.ratios[rows],
            self.counts[rows],
            self.alpha[rows],
            self.level_var[rows],
            self.alive[rows],
            self.jitter[rows],
        )


def _backtest_layout(T: int):
    hb = max(1, min(T // 3, MAX_BT_HORIZON))
    first = max(MIN_TRAIN - 1, T - 1 - hb)
    origins = np.arange(first, T - 1)
    return origins, hb


def _actuals(Y: np.ndarray, valid: np.ndarray, origins: np.ndarray, hb: int):
    """(n, K, Hb) actual demand after each origin, NaN where unknown, past the end or too early."""
    n, T = Y.shape
    out = np.full((n, origins.size, hb), np.nan)
    seen = np.cumsum(valid, axis=1)
    for k, o in enumerate(origins):
        stop = min(T, o + 1 + hb)
        block = np.where(valid[:, o + 1 : stop], Y[:, o + 1 : stop], np.nan)
        block[seen[:, o] < MIN_TRAIN] = np.nan
        out[:, k, : stop - o - 1] = block
    return out


def _naive_scale(Y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Mean squared one-step change between consecutive known periods (RMSSE denominator)."""
    pair = valid[:, 1:] & valid[:, :-1]
    diff = np.where(pair, Y[:, 1:] - np.where(pair, Y[:, :-1], 0.0), 0.0)
    count = pair.sum(axis=1)
    mse = (diff * diff).sum(axis=1) / np.maximum(count, 1)
    level = np.where(valid, Y, 0.0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
    # a constant series has no naive error: scale by its level instead, so that errors still show
    fallback = np.maximum(level * level, 1e-12)
    return np.where(mse > 0, mse, fallback)


def _combine(name: str, fits: list) -> M.MethodFit:
    hb = max(f.origin.shape[2] for f in fits)
    origin = sum(np.broadcast_to(f.origin, (*f.origin.shape[:2], hb)) for f in fits) / len(fits)
    return M.MethodFit(
        name,
        sum(f.path for f in fits) / len(fits),
        origin,
        sum(f.fitted for f in fits) / len(fits),
        sum(f.alpha for f in fits) / len(fits),
    )


def _embed(fit: M.MethodFit, rows: np.ndarray, into: M.MethodFit) -> M.MethodFit:
    """``into`` with the given rows replaced by ``fit`` (seasonal variants of a method)."""
    hb = max(fit.origin.shape[2], into.origin.shape[2])
    origin = np.broadcast_to(into.origin, (*into.origin.shape[:2], hb)).copy()
    origin[rows] = np.broadcast_to(fit.origin, (rows.size, fit.origin.shape[1], hb))
    path, fitted, alpha = into.path.copy(), into.fitted.copy(), into.alpha.copy()
    path[rows], fitted[rows], alpha[rows] = fit.path, fit.fitted, fit.alpha
    return M.MethodFit(into.name, path, origin, fitted, alpha)


def _seasonal_adjusted(ctx: M.Context, rows: np.ndarray, index: np.ndarray, name: str):
    """A non-seasonal method run on seasonally adjusted data, then reseasonalised."""
    sub = ctx.subset(rows)
    T, m = ctx.T, ctx.season_length
    pos_t = np.arange(T) % m
    sub.Y = sub.Y / index[:, pos_t]
    fit = M.METHODS[name](sub)
    path = fit.path * index[:, (T + np.arange(ctx.horizon)) % m]
    hb = ctx.bt_horizon
    pos_o = (ctx.origins[:, None] + 1 + np.arange(hb)[None, :]) % m  # (K, Hb)
    origin = np.broadcast_to(fit.origin, (rows.size, ctx.origins.size, hb)) * index[:, pos_o]
    fitted = fit.fitted * index[:, pos_t]
    return M.MethodFit(name, path, origin, fitted, fit.alpha)


def _erratic_combination(ctx: M.Context, fits: dict, rows: np.ndarray, index) -> M.MethodFit:
    """ERRATIC_COMBO, its historic mean seasonally adjusted where seasonality was detected.

    Only here: a seasonal historic mean made other classes' forecasts worse (KPGZ RMSSE
    0.388 to 0.398), where the other members of their combinations are not adjusted.
    """
    members = {name: fits[name] for name in ERRATIC_COMBO}
    if rows.size:
        seasonal_mean = _seasonal_adjusted(ctx, rows, index, "historic_mean")
        members["historic_mean"] = _embed(seasonal_mean, rows, members["historic_mean"])
    return _combine("comb_erratic", list(members.values()))


def _adjusted(prep, rows, index, m) -> np.ndarray:
    """The cleaned history, seasonally adjusted where seasonality was detected (``rows``)."""
    adjusted = prep.Yw.copy()
    if rows.size:
        adjusted[rows] = prep.Yw[rows] / index[:, np.arange(prep.Yw.shape[1]) % m]
    return adjusted


def _trended(adjusted, valid) -> np.ndarray:
    """Series whose seasonally adjusted history has a significant trend (|t| > TREND_T)."""
    return np.abs(M.trend_tstat(adjusted, valid)) > TREND_T


def _calm(adjusted, valid) -> np.ndarray:
    """Series whose deviations from their mean show no autocorrelation (CALM_SIGNIFICANCE)."""
    from scipy.stats import chi2

    if CALM_SIGNIFICANCE <= 0:
        return np.zeros(adjusted.shape[0], dtype=bool)
    critical = chi2.ppf(1.0 - CALM_SIGNIFICANCE, CALM_LAGS)
    return M.ljung_box(adjusted, valid, CALM_LAGS) <= critical


def _errors(fit: M.MethodFit, actual: np.ndarray, scale: np.ndarray, known=None) -> np.ndarray:
    """RMSSE of a method over the backtest (NaN where the series has no backtest point).

    ``known``: (actual with NaN as 0, the mask of known actuals, their count per series), the
    same for every method of a panel (see :func:`_backtest_actuals`).
    """
    if known is None or not np.isfinite(fit.origin).all():
        err = np.maximum(fit.origin, 0.0) - actual
        ok = ~np.isnan(err)
        sse = np.where(ok, err, 0.0)
        count = ok.sum(axis=(1, 2))
    else:
        filled, mask, count = known
        sse = np.maximum(fit.origin, 0.0) - filled
        sse *= mask
    mse = (sse * sse).sum(axis=(1, 2)) / np.maximum(count, 1)
    return np.where(count > 0, np.sqrt(mse / scale), np.nan)


def _backtest_actuals(actual: np.ndarray):
    """What :func:`_errors` needs of the backtest actuals once per panel."""
    mask = ~np.isnan(actual)
    return np.where(mask, actual, 0.0), mask, mask.sum(axis=(1, 2))


def fit_panel(Y, horizon: int, season_length: int = 1) -> FittedPanel:
    """Fit every method, pick one per series and prepare its simulation (internal)."""
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError("horizon must be at least 1 period")
    m = int(season_length)
    if m < 1:
        raise ValueError("season_length must be at least 1")
    prep = prepare(Y)
    n, T = prep.Y.shape
    H = horizon
    if n == 0 or T == 0 or not prep.valid.any():
        return _trivial(prep, H)
    origins, hb = _backtest_layout(T)
    ctx = M.Context(prep.Yw, prep.valid, H, origins, hb, m)
    skip = ("holt_winters", "croston", "sba")
    fits = {name: M.METHODS[name](ctx) for name in M.METHODS if name not in skip}
    fits["croston"], fits["sba"] = M.croston_and_sba(ctx)
    seasonal = seasonality.detect(prep.Yw, prep.valid, m)
    rows = np.flatnonzero(seasonal)
    index = None
    if rows.size:
        index = seasonality.indices(prep.Yw[rows], prep.valid[rows], m)
        for name in SEASONAL_ADJUSTED:
            fits[name] = _embed(_seasonal_adjusted(ctx, rows, index, name), rows, fits[name])
        fits["holt_winters"] = _embed(M.holt_winters(ctx.subset(rows)), rows, fits["naive"])
    fits["comb_smooth"] = _combine("comb_smooth", [fits[k] for k in SMOOTH_COMBO])
    fits["comb_erratic"] = _erratic_combination(ctx, fits, rows, index)
    fits["comb_intermittent"] = _combine("comb_intermittent", [fits[k] for k in INTERMITTENT_COMBO])

    actual = _actuals(prep.Y, prep.valid, origins, hb) if origins.size else None
    scale = _naive_scale(prep.Y, prep.valid)
    names = [c for c in CHALLENGERS if c in fits]
    if actual is not None:
        known = _backtest_actuals(actual)
        err = np.stack([_errors(fits[c], actual, scale, known) for c in names], axis=1)
    else:
        err = np.full((n, len(names)), np.nan)
    # seasonal-only methods compete only where seasonality was detected, TREND_ONLY ones only
    # where a trend was; the last value and a
    # short moving average are no forecasts for intermittent demand (they are zero after every
    # quiet spell): fading out is left to the obsolescence model
    sparse = np.isin(prep.demand_class, ("intermittent", "lumpy"))
    adjusted = _adjusted(prep, rows, index, m)
    trended = _trended(adjusted, prep.valid)
    for j, c in enumerate(names):
        if c in ("seasonal_naive", "holt_winters"):
            err[~seasonal, j] = np.nan
        if c in TREND_ONLY:
            err[~trended, j] = np.nan
        if c in NOT_FOR_INTERMITTENT:
            err[sparse, j] = np.nan

    cls = prep.demand_class
    default_name = np.array([DEFAULTS[c] for c in cls], dtype=object)
    frequent = np.isin(cls, ("smooth", "erratic"))
    default_name[frequent & trended] = "comb_smooth"
    stationary = fits["ses"].alpha <= LEVEL_ALPHA
    default_name[frequent & ~trended & stationary] = "comb_erratic"
    default_name[frequent & ~trended & ~stationary] = "ses"
    calm = _calm(adjusted, prep.valid) & ~seasonal
    default_name[frequent & ~trended & calm & ~stationary] = "historic_mean"
    chosen = default_name.copy()
    col = {c: j for j, c in enumerate(names)}
    default_err = np.full(n, np.nan)
    for name in set(default_name) - {"zero"}:
        sel = default_name == name
        default_err[sel] = err[sel, col[name]]
    has = ~np.isnan(err)
    best_j = np.argmin(np.where(has, err, np.inf), axis=1)
    best_err = np.where(has.any(axis=1), err[np.arange(n), best_j], np.nan)
    bt_demands = (prep.valid & (prep.Y > 0))[:, origins[0] + 1 :].sum(axis=1) if origins.size else 0
    switch = (
        np.isin(cls, ("smooth", "erratic", "intermittent", "lumpy"))
        & (bt_demands >= SWITCH_MIN_DEMANDS)
        & ~np.isnan(default_err)
        & (best_err < (1.0 - SWITCH_MARGIN) * default_err)
    )
    chosen[switch] = np.array(names, dtype=object)[best_j[switch]]

    mean = np.zeros((n, H))
    fitted = np.zeros((n, T))
    alpha = np.zeros(n)
    bt = np.ones(n)
    for name in set(chosen) - {"zero"}:
        sel = chosen == name
        f = fits[name]
        mean[sel], fitted[sel], alpha[sel] = f.path[sel], f.fitted[sel], f.alpha[sel]
        e = err[sel, col[name]]
        bt[sel] = np.where(np.isnan(e), 1.0, e)
    inactive = chosen == "zero"
    bt[inactive] = 0.0
    mean = np.maximum(np.nan_to_num(mean), 0.0)
    fitted = np.where(np.isfinite(fitted), np.maximum(fitted, 0.0), 0.0)
    ratios, counts = simulation.residual_ratios(prep.Y, prep.valid, fitted)
    # a smooth series' level wanders as fast as simple exponential smoothing measures (its
    # smoothing weight); an intermittent series keeps a steady but uncertain rate (Croston's
    # assumption): its level uncertainty uses its own method's weight, and it does not wander
    local_level = np.isin(cls, ("smooth", "erratic"))
    alpha = np.where(local_level & (chosen != "historic_mean"), fits["ses"].alpha, alpha)
    wander = np.where(local_level, alpha, 0.0)
    level_var = simulation.level_variance(ratios, counts, alpha, prep.n_periods, local_level)
    # intermittent series: smoothed bootstrap of their few demand sizes
    kernel = simulation.jitter_width(ratios, counts)
    kernel[local_level] = 0.0
    ratios, jitter = simulation.smoothed_ratios(ratios, kernel)
    # ... whose spread is pooled within each class: few sizes understate it
    pooled = np.where(np.isin(cls, POOLED_SIZE_CLASSES), cls, "")
    jitter = simulation.pooled_jitter(jitter, kernel, ratios, counts, pooled)
    mean[inactive] = 0.0
    alive = np.ones(n)
    obsolete = np.isin(cls, OBSOLESCENCE_CLASSES)
    if obsolete.any():
        alive[obsolete] = obsolescence.alive_probability(prep.Y[obsolete], prep.valid[obsolete])
        _rate_since_last_demand(mean, fitted, prep, obsolete & np.isin(chosen, LEVEL_METHODS))
    alive[inactive] = 0.0
    mean *= alive[:, None]
    return FittedPanel(
        mean=mean,
        ratios=ratios,
        counts=counts,
        alpha=wander,
        level_var=level_var,
        jitter=jitter,
        method=chosen.astype(str),
        demand_class=cls.astype(str),
        backtest_error=bt,
        seasonal=seasonal,
        alive=alive,
        panel=prep,
    )


def _rate_since_last_demand(mean, fitted, prep, rows) -> None:
    """Forecast the rate of quiet intermittent items once from the gap, not twice.

    The periods without demand since an item's last demand are the evidence the obsolescence
    model weighs (the item may be gone); TSB and the aggregated methods also lower their level
    in every such period, much faster than that evidence warrants for an item that is still
    alive ((1 - beta)^g against (n + 1) / (n + g + 1)), and Croston and SBA ignore it. The
    rate given the item is alive is therefore the method's level right after the last demand
    times the posterior factor of obsolescence.rate_after_gap; the alive probability then
    applies on top. Changes ``mean`` in place for the rows selected by ``rows`` (bool, (n,)).
    """
    idx = np.flatnonzero(rows)
    if idx.size == 0:
        return
    last, factor = obsolescence.rate_after_gap(prep.Y[idx], prep.valid[idx])
    quiet = factor < 1.0
    idx, last, factor = idx[quiet], last[quiet], factor[quiet]
    # fitted[t + 1] is the level the method held right after period t (for the aggregated
    # methods, that of the buckets ending at t)
    mean[idx] = (fitted[idx, last + 1] * factor)[:, None]


def _trivial(prep, H) -> FittedPanel:
    """No known value anywhere: every series is new, forecast zero."""
    n = prep.Y.shape[0]
    return FittedPanel(
        mean=np.zeros((n, H)),
        ratios=np.zeros((n, 1)),
        counts=np.zeros(n, dtype=int),
        alpha=np.zeros(n),
        level_var=np.zeros(n),
        jitter=np.zeros(n),
        method=np.array(["zero"] * n, dtype=str).reshape(n),
        demand_class=prep.demand_class.astype(str).reshape(n),
        backtest_error=np.ones(n),
        seasonal=np.zeros(n, dtype=bool),
        alive=np.zeros(n),
        panel=prep,
    )


def forecast_panel(Y, horizon, season_length=1, quantiles=(0.5, 0.9, 0.95)) -> Forecast:
    """Forecast every series of a demand panel, with quantiles per period and over the horizon.

    ``Y``: float array (n_series, n_periods), oldest period first; 0 = no demand; NaN = demand
    unknown: leading NaN = the item did not exist yet, interior or trailing NaN = a period whose
    demand is unknown (e.g. out of stock), skipped by fitting and backtests, never read as 0.
    Negative values (net returns) count as zero demand. ``horizon``: periods to forecast (>= 1).
    ``season_length``: periods per season (12 monthly, 4 quarterly, 52 weekly; 1 = none).

    Every series is classified (Syntetos-Boylan ADI/CV² or new/inactive), fitted with every
    applicable method, backtested from rolling origins, and given its class default (a
    combination; for smooth and erratic series the trended one, Theta + damped Holt, when the
    slope of the seasonally adjusted history has |t| > TREND_T, else SES + the historic mean
    where SES finds the level steady (weight <= LEVEL_ALPHA), else SES) unless a single
    method's backtest error is at least 40% lower. Forecasts of
    intermittent and lumpy items quiet since their last demand restart from their level then,
    lowered by the posterior factor of the silence, and are multiplied by the probability that
    the item is still alive (forecast_engine.obsolescence; its discontinuation hazard is
    estimated across the whole panel, so those items' forecasts depend a little on the panel
    they come in). Quantiles come from simulated demand paths (forecast_engine.simulation); the
    size spread of intermittent and lumpy items with few demands is pooled within their class
    across the panel (simulation.pooled_jitter), so their quantiles depend a little on it too.
    The quantiles of the horizon totals are calibrated per demand class from backtests of the
    same panel at earlier origins (forecast_engine.calibration: the simulated totals' levels
    are remapped so that past totals would have been covered as often as nominal).
    Deterministic: same input, same output, whatever the order of the series; no clock, no I/O,
    no global state. See :class:`Forecast` for the fields.
    """
    qs = _check_quantiles(quantiles)
    return _forecast_of(fit_forecast(Y, horizon, season_length), qs)


def forecast_with_state(Y, horizon, season_length=1, quantiles=(0.5, 0.9, 0.95), state_horizon=0):
    """forecast_panel, and the fitted model over ``max(horizon, state_horizon)`` periods.

    Args:
        Y, horizon, season_length, quantiles: as for :func:`forecast_panel`.
        state_horizon: periods the returned model must simulate (a plan's lead time +
            review may reach beyond the forecast's horizon).

    Returns:
        (Forecast, FittedPanel): the forecast is exactly forecast_panel's (the model is fitted
        once at the longer horizon and truncated, see :meth:`FittedPanel.truncated`); the
        fitted panel is what :mod:`forecast_engine.state` stores and
        ``order_quantities(fitted=...)`` simulates.
    """
    qs = _check_quantiles(quantiles)
    horizon = int(horizon)
    full = fit_panel(Y, max(horizon, int(state_horizon or 0)), season_length)
    head = full.truncated(horizon)
    head.calibration = _calibrate(head, season_length)
    return _forecast_of(head, qs), full


def _check_quantiles(quantiles) -> tuple:
    qs = tuple(float(q) for q in quantiles)
    if any(not 0.0 < q < 1.0 for q in qs):
        raise ValueError("quantiles must be strictly between 0 and 1")
    return qs


def _forecast_of(fitted: FittedPanel, qs) -> Forecast:
    """Per-period and horizon-total quantiles of a calibrated fitted panel."""
    n, H = fitted.mean.shape
    levels = {q: fitted.calibration.levels(q) for q in qs}
    q_per = {q: np.zeros((n, H)) for q in qs}
    q_tot = {q: np.zeros(n) for q in qs}
    step = simulation.block_rows(n, simulation.N_PATHS)
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        total = np.zeros((rows.size, simulation.N_PATHS))
        for h, y in fitted.iter_paths(rows):
            total += y
            for q, value in zip(qs, simulation.sample_quantiles(y, qs, axis=1), strict=True):
                q_per[q][rows, h] = value
        ordered = np.sort(total, axis=1)
        for q in qs:
            q_tot[q][rows] = calibration.row_quantiles(total, levels[q][rows], ordered)
    _make_monotone(q_per, qs)
    _make_monotone(q_tot, qs)
    prep = fitted.panel
    return Forecast(
        mean=fitted.mean,
        quantiles=q_per,
        total_quantiles=q_tot,
        method=fitted.method,
        demand_class=fitted.demand_class,
        backtest_error=fitted.backtest_error,
        adi=prep.adi,
        cv2=prep.cv2,
        demand_size=prep.demand_size,
        n_periods=prep.n_periods,
        seasonal=fitted.seasonal,
    )


def _make_monotone(table: dict, qs) -> None:
    """Guard against rounding: quantiles never decrease in q and are never negative."""
    running = None
    for q in sorted(qs):
        arr = np.maximum(np.nan_to_num(table[q]), 0.0)
        running = arr if running is None else np.maximum(running, arr)
        table[q] = running


def fit_forecast(Y, horizon, season_length=1) -> FittedPanel:
    """fit_panel plus the calibration of its horizon totals: what forecast_panel draws from.

    The calibration backtest (forecast_engine.calibration) forecasts the panel again from
    ``calibration.window`` periods before its end and compares the actual totals of those
    periods with their simulated distributions, per demand class. Series whose window is not
    wholly known, or that had no known period before it, take no part in it.
    """
    fitted = fit_panel(Y, horizon, season_length)
    fitted.calibration = _calibrate(fitted, season_length)
    return fitted


def _calibrate(fitted: FittedPanel, season_length: int):
    """The calibration of the horizon totals from backtests at calibration.ORIGINS earlier
    origins, one window apart (each from at most calibration.MAX_SERIES series)."""
    prep = fitted.panel
    n, T = prep.Y.shape
    hc = calibration.window(T, fitted.mean.shape[1])
    below, upto, groups = [], [], []
    for k in range(1, calibration.ORIGINS + 1):
        end = T - k * hc
        if hc < 1 or end < max(calibration.MIN_TRAIN, T * calibration.MIN_TRAIN_SHARE):
            break
        usable = prep.valid[:, end : end + hc].all(axis=1) & prep.valid[:, :end].any(axis=1)
        rows = calibration.sample_rows(prep.Y, usable)
        if rows.size == 0:
            continue
        back = fit_panel(prep.Y[rows, :end], hc, season_length)
        actual = prep.Y[rows, end : end + hc].sum(axis=1)
        b, u = simulated_total_cdf(back, actual, calibration.N_PATHS)
        below.append(b)
        upto.append(u)
        groups.append(fitted.demand_class[rows])
    if not below:
        return calibration.Calibration.identity(n)
    return calibration.Calibration.fit(
        np.concatenate(below), np.concatenate(upto), np.concatenate(groups), fitted.demand_class
    )


def total_cdf(fitted: FittedPanel, totals) -> tuple:
    """(F(a-), F(a)) of each series' forecast distribution of its horizon total at ``totals``.

    What a randomised probability integral transform needs to judge coverage where totals are
    discrete (an actual total on an atom of the forecast counts by the share of the atom below
    the quantile). With a calibration (fit_forecast), the calibrated distribution's.
    """
    below, upto = simulated_total_cdf(fitted, totals)
    if fitted.calibration is not None:
        below = fitted.calibration.cdf(below)
        upto = fitted.calibration.cdf(upto)
    return below, upto


def simulated_total_cdf(fitted: FittedPanel, totals, n_paths=simulation.N_PATHS) -> tuple:
    """(F(a-), F(a)) of the simulated horizon totals (uncalibrated) at ``totals`` (n,),
    continued by calibration's exponential tail above its TAIL_FROM level."""
    totals = np.asarray(totals, dtype=float)
    n = totals.size
    below, upto = np.zeros(n), np.zeros(n)
    step = simulation.block_rows(n, n_paths)
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        sums = np.zeros((rows.size, n_paths))
        for _, y in fitted.iter_paths(rows, n_paths):
            sums += y
        a = totals[rows, None]
        tol = 1e-9 * np.maximum(1, np.abs(a))
        top, b = calibration.tail_parameters(sums)
        below[rows] = calibration.tail_cdf(a[:, 0], top, b, (sums < a - tol).mean(axis=1))
        upto[rows] = calibration.tail_cdf(a[:, 0], top, b, (sums <= a + tol).mean(axis=1))
    return below, upto


# the defaults chosen on the benchmark panels, with the values they were chosen from and the
# criterion (bench/bench_forecast.py --lopo scores them leave-one-panel-out)
TUNED_DEFAULTS = (
    (
        "smooth and erratic series: the trended combination above this |t| of the slope",
        sys.modules[__name__],
        "TREND_T",
        (0.0, 2.0, 3.0, 4.0, 6.0, float("inf")),
        "RMSSE ratio",
    ),
    (
        "smooth and erratic series without a trend: the level combination up to this SES weight",
        sys.modules[__name__],
        "LEVEL_ALPHA",
        (0.0, 0.1, 0.2, 0.3, 0.5, 1.0),
        "RMSSE ratio",
    ),
    (
        "the trended combination",
        sys.modules[__name__],
        "SMOOTH_COMBO",
        (("ses", "theta", "holt_damped"), ("theta", "holt_damped"), ("theta",)),
        "RMSSE ratio",
    ),
    (
        "smooth and erratic series without a trend that SES finds wandering: the historic"
        " mean alone when their deviations show no autocorrelation at this level (0: never)",
        sys.modules[__name__],
        "CALM_SIGNIFICANCE",
        (0.0, 0.01, 0.05, 0.1, 0.2),
        "RMSSE ratio",
    ),
    (
        "single trend methods compete only where a trend was found",
        sys.modules[__name__],
        "TREND_ONLY",
        ((), ("holt_damped",), ("holt_damped", "theta")),
        "RMSSE ratio",
    ),
    (
        "Theta: the shares of the slope it may follow (0.5 alone: the classical method)",
        M,
        "THETA_DRIFTS",
        (
            (0.5,),
            (1 / 3, 0.5, 2 / 3),
            (1 / 3, 0.5, 2 / 3, 0.8, 0.9),
            (0.0, 1 / 3, 0.5, 2 / 3, 0.8, 0.9),
        ),
        "RMSSE ratio",
    ),
    (
        "seasonal indices from the last this many seasons",
        seasonality,
        "INDEX_SEASONS",
        (4, 6, 8, 12, 1000),
        "RMSSE ratio",
    ),
    (
        "damped Holt: the grid of trend weights, as fractions of alpha",
        M,
        "HOLT_BETAS",
        ((0.05, 0.2), (0.01, 0.05, 0.1, 0.2, 0.4)),
        "RMSSE ratio",
    ),
    (
        "damped Holt: the grid of damping factors",
        M,
        "HOLT_PHIS",
        ((0.8, 0.9, 0.98), (0.8, 0.9, 0.95, 0.98)),
        "RMSSE ratio",
    ),
    (
        "share of the backtest correction applied to the total quantiles",
        calibration,
        "CORRECTION_SHARE",
        (0.0, 0.25, 0.5, 0.75, 1.0),
        "coverage error",
    ),
)
