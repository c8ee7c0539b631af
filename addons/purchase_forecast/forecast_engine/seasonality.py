"""Seasonality: detection by an F-test on ratios to the moving average, and seasonal indices."""

import numpy as np

# significance level of the test; 1% keeps false detections rare across thousands of items
SIGNIFICANCE = 0.01
# seasonal indices are floored here (then renormalised): a season never seen to sell is not
# taken to sell nothing for ever
MIN_INDEX = 0.1
# seasonal indices come from the last this many seasons: a season's shape drifts over the
# years (Tourism, 25 years of months: RMSSE 0.967 with all the history, 0.912 with the last
# 8 seasons); chosen leave-one-panel-out, see docs/forecast-engine.md
INDEX_SEASONS = 8


def _ratios(Y: np.ndarray, valid: np.ndarray, m: int) -> np.ndarray:
    """Ratio of each value to the centred moving average of one season around it (2xm if m even).

    NaN where the window is not wholly known or its average is not positive.
    """
    n, T = Y.shape
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    half = weights.size // 2
    y = np.where(valid, Y, 0.0)
    v = valid.astype(float)
    cma = np.full((n, T), np.nan)
    for t in range(half, T - half):
        win = slice(t - half, t + half + 1)
        cover = (v[:, win] * weights).sum(axis=1)
        cma[:, t] = np.where(cover > 1 - 1e-9, (y[:, win] * weights).sum(axis=1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid & (cma > 0), Y / cma, np.nan)


def _position_stats(ratio: np.ndarray, m: int):
    """Per series and season position: count, sum and sum of squares of the ratios."""
    n = ratio.shape[0]
    cnt = np.zeros((n, m))
    tot = np.zeros((n, m))
    sq = np.zeros((n, m))
    for pos in range(m):
        cols = ratio[:, pos::m]
        ok = ~np.isnan(cols)
        cnt[:, pos] = ok.sum(axis=1)
        tot[:, pos] = np.where(ok, cols, 0.0).sum(axis=1)
        sq[:, pos] = np.where(ok, cols * cols, 0.0).sum(axis=1)
    return cnt, tot, sq


def detect(Y: np.ndarray, valid: np.ndarray, m: int) -> np.ndarray:
    """Series with significant seasonality and at least two seasons of history.

    One-way analysis of variance of the ratios to the centred moving average by season
    position (the classical decomposition's detrended values): seasonal when the F statistic
    exceeds its 1 - SIGNIFICANCE quantile and every position has at least one ratio.
    """
    from scipy.stats import f as f_dist

    n, T = Y.shape
    out = np.zeros(n, dtype=bool)
    if m < 2 or T < 2 * m:
        return out
    enough = valid.sum(axis=1) >= 2 * m
    if not enough.any():
        return out
    rows = np.flatnonzero(enough)
    cnt, tot, sq = _position_stats(_ratios(Y[rows], valid[rows], m), m)
    N = cnt.sum(axis=1)
    grand = tot.sum(axis=1) / np.maximum(N, 1)
    means = tot / np.maximum(cnt, 1)
    between = (cnt * (means - grand[:, None]) ** 2).sum(axis=1)
    within = (sq - cnt * means * means).sum(axis=1)
    df1, df2 = m - 1, N - m
    ok = (cnt.min(axis=1) >= 1) & (df2 >= 1) & (within > 1e-12 * np.maximum(between, 1e-300))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = (between / df1) / (within / np.maximum(df2, 1))
    crit = f_dist.ppf(1.0 - SIGNIFICANCE, df1, np.maximum(df2, 1))
    out[rows] = ok & (stat > crit)
    return out


def indices(Y: np.ndarray, valid: np.ndarray, m: int) -> np.ndarray:
    """Multiplicative seasonal indices (n, m) by classical decomposition (ratio to moving average).

    Each season position's index is the mean of its ratios to the centred moving average over
    the last INDEX_SEASONS seasons; the indices are normalised to average 1 and floored at
    MIN_INDEX. Positions without any ratio get 1. Column j of the result is the season
    position j (period t has position t mod m).
    """
    T = Y.shape[1]
    start = max(0, T - INDEX_SEASONS * m)
    recent = _position_stats(_ratios(Y[:, start:], valid[:, start:], m), m)
    # position j of the recent window is position (start + j) mod m of the whole history
    order = np.argsort((start + np.arange(m)) % m)
    cnt, tot = recent[0][:, order], recent[1][:, order]
    idx = np.where(cnt > 0, tot / np.maximum(cnt, 1), 1.0)
    idx = np.maximum(idx, 1e-12)
    idx /= idx.mean(axis=1, keepdims=True)
    idx = np.maximum(idx, MIN_INDEX)
    return idx / idx.mean(axis=1, keepdims=True)
