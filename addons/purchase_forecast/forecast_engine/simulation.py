"""Demand paths simulated around the point forecasts: the source of every quantile.

Each series' future is simulated as ``y_h = mean_h * L_{h-1} * e_h`` where

- ``mean_h`` is the chosen method's point forecast;
- ``e_h`` is drawn (bootstrap) from the series' own in-sample ratios of demand to its one-step
  forecast, normalised to mean 1 — zeros included, so an intermittent series keeps its zero
  periods and its real demand sizes, and no normal shape is ever assumed; for intermittent series
  the draw is smoothed (:func:`smoothed_ratios`), with the spread of sizes pooled within the
  class where a series has seen too few demands to show its own (:func:`pooled_jitter`);
- ``L`` is the uncertainty of the forecast level: it starts as a gamma factor with mean 1 and
  the variance of the level estimate (:func:`level_variance`) and then wanders as an
  exponentially smoothed level would, ``L_h = L_{h-1} * (1 + alpha * (e_h - 1))``, alpha being
  the smoothing weight simple exponential smoothing picks for a smooth series (how fast its
  level moves); an intermittent series' rate stays put (alpha = 0, Croston's assumption of a
  steady rate), its uncertainty is all in the starting factor.

Both factors have mean 1 and are independent at each step, so every path's expectation is the
point forecast; the simulated values are finally rescaled so that their sample mean equals it
exactly. Quantiles of any total over the horizon come from the sums of the same paths, so they
account for the dependence between periods instead of adding up per-period quantiles.

Random numbers are common to all series and fixed (seeded from constants only): they do not
depend on what else is in the panel or on earlier calls, and every call gives the same result.
"""

import numpy as np

N_PATHS = 400
SEED = 20240917
MAX_RATIOS = 104  # the most recent ratios kept per series
BLOCK_ELEMENTS = 1_000_000  # series x paths simulated at once (memory and cache bound)
# pooling of the spread of demand sizes (pooled_jitter): prior weight of the group's spread, in
# degrees of freedom, and the demands a series needs to inform that spread
SIZE_SPREAD_PRIOR = 10.0
SIZE_SPREAD_MIN_DEMANDS = 8


def uniforms(n_paths: int, horizon: int, stream: int = 1) -> np.ndarray:
    """Fixed uniforms (n_paths, horizon); column h does not depend on the horizon asked for."""
    cols = [np.random.default_rng([SEED, 1, stream, h]).random(n_paths) for h in range(horizon)]
    return np.stack(cols, axis=1) if cols else np.empty((n_paths, 0))


def normals(n_paths: int, stream: int) -> np.ndarray:
    """Fixed standard normals (n_paths,) for stream ``stream`` (0 = level, 1 = lead time)."""
    return np.random.default_rng([SEED, 2, stream]).standard_normal(n_paths)


def normals_2d(n_paths: int, horizon: int, stream: int) -> np.ndarray:
    """Fixed standard normals (n_paths, horizon); column h does not depend on the horizon."""
    cols = [
        np.random.default_rng([SEED, 3, stream, h]).standard_normal(n_paths) for h in range(horizon)
    ]
    return np.stack(cols, axis=1) if cols else np.empty((n_paths, 0))


def residual_ratios(Y, valid, fitted, start_skip=1):
    """Per series, its recent ratios demand / one-step forecast, normalised to mean 1.

    Returns (ratios (n, W) padded with zeros, counts (n,)). Periods whose forecast is not
    positive, and the first known period (forecast from the initial state), are skipped. A
    series with fewer than 3 usable ratios, or only zero ratios, falls back to its known values
    divided by their mean (demand taken as independent from period to period).
    """
    n = Y.shape[0]
    seen = np.cumsum(valid, axis=1)
    ok = valid & (seen > start_skip) & (fitted > 1e-12) & np.isfinite(fitted)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(ok, Y / np.where(ok, fitted, 1.0), 0.0)
    # keep the most recent MAX_RATIOS usable ratios
    rank_from_end = np.cumsum(ok[:, ::-1], axis=1)[:, ::-1]
    ok &= rank_from_end <= MAX_RATIOS
    total = np.where(ok, ratio, 0.0).sum(axis=1)
    count = ok.sum(axis=1)
    fallback = (count < 3) | (total <= 0)
    if fallback.any():
        vals = valid[fallback]
        rows_y = np.where(vals, Y[fallback], 0.0)
        rank = np.cumsum(vals[:, ::-1], axis=1)[:, ::-1]
        vals &= rank <= MAX_RATIOS
        mean = np.where(vals, rows_y, 0.0).sum(axis=1) / np.maximum(vals.sum(axis=1), 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio[fallback] = np.where(vals, rows_y / np.where(mean > 0, mean, 1.0)[:, None], 0.0)
        ok[fallback] = vals
        count[fallback] = vals.sum(axis=1)
        total[fallback] = np.where(vals, ratio[fallback], 0.0).sum(axis=1)
    width = max(int(count.max()) if n else 1, 1)
    # compact the usable ratios to the left, sorted (the order does not matter to a bootstrap)
    packed = np.where(ok, ratio, -1.0)
    packed = -np.sort(-packed, axis=1)[:, :width]
    packed = np.maximum(packed, 0.0)
    mean = np.where(count > 0, total / np.maximum(count, 1), 1.0)
    packed = packed / np.where(mean > 0, mean, 1.0)[:, None]
    return packed, count


def level_variance(ratios, counts, alpha, n_known, local_level):
    """Variance of the level-uncertainty factor (see the module docstring).

    var(e) times the weight the forecast level gives its newest observation: alpha for a
    local-level (smooth) series, whose level is re-estimated as it wanders, and the variance
    alpha / (2 - alpha) of a smoothed mean for intermittent series (Croston's assumption of a
    steady demand rate); never below var(e) / n for n known periods.
    """
    width = ratios.shape[1]
    used = np.arange(width)[None, :] < counts[:, None]
    dev = np.where(used, ratios - 1.0, 0.0)
    var = (dev * dev).sum(axis=1) / np.maximum(counts, 1)
    a = np.clip(alpha, 0.0, 1.0)
    weight = np.where(local_level, a, a / (2.0 - a))
    weight = np.maximum(weight, 1.0 / np.maximum(n_known, 1))
    return var * np.minimum(weight, 1.0)


def _sizes(ratios, counts):
    """(n, W) mask of each series' non-zero ratios among its ``counts`` usable ones (its sizes)."""
    return (np.arange(ratios.shape[1])[None, :] < counts[:, None]) & (ratios > 0)


def jitter_width(ratios, counts):
    """Smoothed-bootstrap kernel of each series: (mean, sd, width) of the log non-zero ratios.

    Width h = 1.06 * sd * k^(-1/5) (Silverman's rule) for k non-zero ratios. A plain bootstrap
    of few demand sizes never draws one above the largest seen, which makes lumpy demand look
    lighter-tailed than it is; the smoothed bootstrap (cf. Willemain, Smart & Schwarz 2004)
    spreads each draw around it. Series with fewer than 2 non-zero ratios get width 0.
    """
    used = _sizes(ratios, counts)
    k = used.sum(axis=1)
    logs = np.where(used, np.log(np.where(used, ratios, 1.0)), 0.0)
    mean = logs.sum(axis=1) / np.maximum(k, 1)
    var = (np.where(used, logs - mean[:, None], 0.0) ** 2).sum(axis=1) / np.maximum(k - 1, 1)
    sd = np.sqrt(var)
    h = np.where(k >= 2, 1.06 * sd * np.maximum(k, 1) ** -0.2, 0.0)
    return np.stack([mean, sd, h], axis=1)


def pooled_jitter(jitter, kernel, ratios, counts, groups):
    """Widen the size spread of series whose few demand sizes look more alike than their
    group's usually are (n,): the new spread of the smoothed bootstrap.

    The log sizes of a series with k demands have a sample spread s (``kernel[:, 1]``) that
    is too low on average for small k, and 0 for one demand (every draw is then that size):
    lumpy items seen a few times look lighter-tailed than they are. Within each group of
    series (``groups`` (n,) labels, e.g. demand classes; label "" = not pooled), s is shrunk
    towards the median spread s0 of the group's series with at least SIZE_SPREAD_MIN_DEMANDS
    demands (empirical Bayes on the variance: SIZE_SPREAD_PRIOR degrees of freedom of prior
    weight against the series' own k - 1):

        s*^2 = ((k - 1) s^2 + w s0^2) / (k - 1 + w)

    and where s* > s the missing variance s*^2 - s^2 is added to the draws' log-normal
    spread. Spreads are only ever widened; a group without enough well-observed series is
    left alone.
    """
    k = _sizes(ratios, counts).sum(axis=1)
    sd = kernel[:, 1]
    dof = np.maximum(k - 1, 0)
    out = jitter.copy()
    for label in np.unique(groups):
        if label == "":
            continue
        group = groups == label
        reference = group & (k >= SIZE_SPREAD_MIN_DEMANDS)
        if not reference.any():
            continue
        s0 = float(np.median(sd[reference]))
        target = (dof * sd**2 + SIZE_SPREAD_PRIOR * s0**2) / (dof + SIZE_SPREAD_PRIOR)
        missing = np.maximum(target - sd**2, 0.0)
        rows = group & (k >= 1)
        out[rows] = np.sqrt(jitter[rows] ** 2 + missing[rows])
    return out


def smoothed_ratios(ratios: np.ndarray, kernel: np.ndarray):
    """Ratios and spread for a variance-preserving smoothed bootstrap in log space.

    A smoothed draw is log e* = m + (log e - m + h z) / c with c = sqrt(1 + h^2 / s^2): the draws
    are spread by the kernel but shrunk back so that the log sizes keep their spread s (Efron &
    Tibshirani's smoothed bootstrap); zeros stay zeros. It factors into
    e* = [exp(m (1 - 1/c)) e^(1/c)] * exp((h / c) z): this returns the bracket for every ratio
    (n, W) and h / c (n,), so that a draw costs one exponential.
    """
    m, s, h = kernel[:, 0], kernel[:, 1], kernel[:, 2]
    c = np.sqrt(1.0 + np.where(s > 0, (h / np.where(s > 0, s, 1.0)) ** 2, 0.0))
    pos = ratios > 0
    logs = np.log(np.where(pos, ratios, 1.0))
    shrunk = np.where(pos, np.exp(m[:, None] * (1 - 1 / c[:, None]) + logs / c[:, None]), 0.0)
    return np.where((h > 0)[:, None], shrunk, ratios), np.where(h > 0, h / c, 0.0)


def gamma_factor(variance: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Gamma variates with mean 1 and the given variance (n,), from normals z (S,): (n, S).

    Wilson-Hilferty transform of common normals: (1 - v/9 + z*sqrt(v)/3)^3, floored at 0.
    """
    v = np.maximum(variance, 0.0)[:, None]
    x = np.maximum(1.0 - v / 9.0 + z[None, :] * np.sqrt(v) / 3.0, 0.0)
    return x * x * x  # a product is several times faster than a power


def iter_paths(mean, ratios, counts, alpha, level_var, alive, jitter, n_paths=N_PATHS):
    """Simulated demand of a block of series, one period at a time: yields (h, (n, n_paths)).

    See the module docstring. ``alive`` (n,): probability that the item still has demand; each
    path is wholly zero with probability 1 - alive (``mean`` already includes that factor).
    ``jitter`` (n,): the spread h / c of the smoothed bootstrap, with ``ratios`` already
    transformed by :func:`smoothed_ratios` (0 = plain bootstrap). Each period's values are
    rescaled so that their sample mean is exactly the point forecast. Streaming keeps memory
    at (n, n_paths) whatever the horizon.
    """
    n, H = mean.shape
    if n == 0 or H == 0:
        return
    z = normals(n_paths, 0)
    zj = normals_2d(n_paths, H, 3)
    # the smoothed bootstrap's spread only where there is one (intermittent series)
    spread = np.flatnonzero(jitter > 0)
    every = spread.size == n
    bj = jitter[spread, None]
    level = gamma_factor(level_var, z)  # (n, S)
    level = level * (uniforms(n_paths, 1, stream=2)[None, :, 0] < alive[:, None])
    width = ratios.shape[1]
    flat = ratios.ravel()
    base = (np.arange(n) * width)[:, None]
    a = alpha[:, None]
    wander = bool((alpha != 0).any())
    cnt = np.maximum(counts, 1)
    picks = _pick_table(n_paths, H, int(cnt.max()))
    for h in range(H):
        pick = picks[h][cnt - 1]
        pick += base
        e = np.take(flat, pick)  # (n, S)
        if every:
            e *= np.exp(bj * zj[None, :, h])
        elif spread.size:
            e[spread] *= np.exp(bj * zj[None, :, h])
        y = level * e
        if wander:
            # level *= 1 + alpha * (e - 1), in place
            e -= 1.0
            e *= a
            e += 1.0
            level *= e
        # exact means: the sample mean of every period equals the point forecast
        sample_mean = y.mean(axis=1)
        ok = sample_mean > 0
        y *= np.where(ok, mean[:, h] / np.where(ok, sample_mean, 1.0), 0.0)[:, None]
        yield h, y


def _pick_table(n_paths: int, horizon: int, max_count: int) -> np.ndarray:
    """Bootstrap draws by period (horizon, max_count, n_paths): row c - 1 of period h holds the
    index drawn among c values by each path, from the fixed uniforms of that period."""
    u = uniforms(n_paths, horizon).T[:, None, :]  # (H, 1, S)
    counts = np.arange(1, max_count + 1)[None, :, None]
    return np.minimum((u * counts).astype(np.int64), counts - 1)


def simulate_block(mean, ratios, counts, alpha, level_var, alive, jitter, n_paths=N_PATHS):
    """Simulated demand (n, H, n_paths) for a block of series (see :func:`iter_paths`)."""
    n, H = mean.shape
    out = np.zeros((n, H, n_paths))
    for h, y in iter_paths(mean, ratios, counts, alpha, level_var, alive, jitter, n_paths):
        out[:, h, :] = y
    return out


def block_rows(n: int, n_paths: int, horizon: int = 1) -> int:
    """How many series to simulate at once to stay within BLOCK_ELEMENTS (per period)."""
    return max(1, BLOCK_ELEMENTS // max(1, n_paths * max(horizon, 1)))


def sample_quantiles(samples: np.ndarray, qs, axis: int) -> list:
    """Sample quantiles along ``axis``: Hyndman and Fan's type 6 (numpy's "weibull" method).

    The q-quantile of n samples sits at rank q (n + 1), linearly interpolated between order
    statistics and clamped to the smallest and largest sample. A continuous quantity falls
    below that estimate with probability q on average (the k-th of n order statistics has
    expected distribution value k / (n + 1)); the usual rank 1 + q (n - 1) falls short by
    (2q - 1) / (n + 1) in probability, 0.2 points at q = 0.9 with 400 paths, which would
    show as missing coverage. Uses partial sorting (np.partition), much faster than a full
    sort for a few quantiles. The result is monotone in q because the order statistics are.
    """
    if not len(qs):
        return []
    size = samples.shape[axis]
    pos = [min(max(float(q) * (size + 1) - 1.0, 0.0), size - 1.0) for q in qs]
    kth = sorted(
        {int(np.floor(p)) for p in pos} | {min(int(np.floor(p)) + 1, size - 1) for p in pos}
    )
    # several order statistics: a full sort of a few hundred paths is faster than selecting
    # each of them (np.partition with many kth); one: a selection
    part = np.sort(samples, axis=axis) if len(kth) > 2 else np.partition(samples, kth, axis=axis)
    out = []
    for p in pos:
        lo = int(np.floor(p))
        hi = min(lo + 1, size - 1)
        w = p - lo
        a = np.take(part, lo, axis=axis)
        b = np.take(part, hi, axis=axis)
        out.append(a + w * (b - a))
    return out
