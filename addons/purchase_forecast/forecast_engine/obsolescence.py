"""Probability that an intermittent item is still alive after its current run without demand."""

import numpy as np
from scipy.special import betaln

# candidate per-period discontinuation hazards; the panel's is chosen by maximum likelihood
HAZARDS = np.r_[0.0, np.geomspace(1e-4, 0.3, 15)]


def _gap_terms(Y: np.ndarray, valid: np.ndarray):
    """Per series: has demand, index of the last demand, known periods up to it, demands, and
    known periods since it (the gap)."""
    n_series, T = Y.shape
    positive = valid & (Y > 0)
    has = positive.any(axis=1)
    last = np.where(has, T - 1 - np.argmax(positive[:, ::-1], axis=1), 0)
    known_cum = np.cumsum(valid, axis=1)
    n_before = np.where(has, known_cum[np.arange(n_series), last], 0)
    k = positive.sum(axis=1)
    gap = np.where(has, known_cum[:, -1] - n_before, 0)
    return has, last, n_before, k, gap


def _alive_dead(a, b, gap, hazards):
    """(alive, dead) likelihood terms (rows, len(hazards)) of the change-point model."""
    g_max = int(gap.max()) if gap.size else 0
    j = np.arange(g_max + 1)
    # log E[(1 - p)^j] = log B(a, b + j) - log B(a, b), p ~ Beta(a, b)
    log_empty = betaln(a[:, None], b[:, None] + j[None, :]) - betaln(a, b)[:, None]
    rows = np.arange(gap.size)
    log_surv = np.log1p(-np.minimum(hazards, 1 - 1e-12))  # (G,)
    alive = np.exp(log_empty[rows, gap][:, None] + gap[:, None] * log_surv[None, :])
    # died in the (j+1)-th empty period, j = 0..gap-1: d (1-d)^j E[(1-p)^j]
    before_gap = j[None, :] < gap[:, None]
    dead = np.empty_like(alive)
    for i, (d, ls) in enumerate(zip(hazards, log_surv, strict=True)):
        terms = np.exp(log_empty + j[None, :] * ls)
        dead[:, i] = d * np.where(before_gap, terms, 0.0).sum(axis=1)
    return alive, dead


def rate_after_gap(Y: np.ndarray, valid: np.ndarray):
    """Per series: (index of the last period with demand, factor for the demand rate since).

    Given that the item is alive, the g known periods without demand since its last demand
    still say its rate is lower than it looked then: under the model of
    :func:`alive_probability` the posterior mean rate moves from (k + 1/2) / (n + 1) to
    (k + 1/2) / (n + g + 1), a factor (n + 1) / (n + g + 1). Series without demand, or whose
    last period had demand, get the factor 1 (and index 0 without demand).
    """
    has, last, n_before, _, gap = _gap_terms(Y, valid)
    factor = (n_before + 1.0) / (n_before + gap + 1.0)
    return last, np.where(has, factor, 1.0)


def alive_probability(Y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """P(the item still has demand) given the periods without demand since its last demand.

    A change-point ("buy till you die") model. While alive, each known period has a demand
    with probability p, p ~ Beta(k + 1/2, n - k + 1/2) from the k demands in the n known periods
    up to the last demand (Jeffreys prior); each period the item may be discontinued with hazard
    d. After g known periods without demand,

        alive: (1 - d)^g E[(1 - p)^g]               (the beta-binomial chance of g empty periods)
        dead:  sum_{j<g} d (1 - d)^j E[(1 - p)^j]   (discontinued in the (j+1)-th of them)

    and P(alive) = alive / (alive + dead). The hazard d is common to the panel and estimated by
    maximum likelihood over all its series (empirical Bayes; each series also contributes its
    survival (1 - d)^n up to its last demand): a panel of steady items gets d near 0 and keeps
    every forecast, a catalog where items are regularly replaced learns how fast that happens.
    Series without demand get 0; series whose last period had demand get 1.
    """
    has, _, n_before, k, gap = _gap_terms(Y, valid)
    out = np.where(has, 1.0, 0.0)
    rows = np.flatnonzero(has)
    if rows.size == 0 or not (gap[rows] > 0).any():
        return out
    a = k[rows] + 0.5
    b = np.maximum(n_before[rows] - k[rows], 0) + 0.5
    g = gap[rows]
    alive, dead = _alive_dead(a, b, g, HAZARDS)
    survive = n_before[rows][:, None] * np.log1p(-np.minimum(HAZARDS, 1 - 1e-12))[None, :]
    loglik = (np.log(np.maximum(alive + dead, 1e-300)) + survive).sum(axis=0)
    best = int(np.argmax(loglik))
    prob = alive[:, best] / np.maximum(alive[:, best] + dead[:, best], 1e-300)
    out[rows] = np.where(g > 0, prob, 1.0)
    return out
