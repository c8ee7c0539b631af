"""Accuracy and calibration measures of the benchmark (M5-style scaled errors)."""

from __future__ import annotations

import numpy as np


def naive_scales(train: np.ndarray):
    """Per series: mean squared and mean absolute one-step change over known training periods."""
    valid = ~np.isnan(train)
    pair = valid[:, 1:] & valid[:, :-1]
    diff = np.where(pair, np.diff(np.nan_to_num(train), axis=1), 0.0)
    count = np.maximum(pair.sum(axis=1), 1)
    return (diff**2).sum(axis=1) / count, np.abs(diff).sum(axis=1) / count


def pinball(actual: np.ndarray, quantile: np.ndarray, q: float) -> np.ndarray:
    diff = actual - quantile
    return np.maximum(q * diff, (q - 1) * diff)


def score(train, test, mean, per_q=None, total_q=None, total_cdf=None):
    """Mean over series of RMSSE, MASE, scaled pinball loss and total-horizon coverage.

    ``per_q``: {q: (n, h)} per-period quantiles; ``total_q``: {q: (n,)} quantiles of the
    horizon total; ``total_cdf``: optional (F(a-), F(a)) of the predictive distribution at the
    actual total, for coverage with ties split (for a discrete actual equal to the quantile).
    """
    mse_scale, mae_scale = naive_scales(train)
    out = {
        "RMSSE": float(np.mean(np.sqrt(((mean - test) ** 2).mean(axis=1) / mse_scale))),
        "MASE": float(np.mean(np.abs(mean - test).mean(axis=1) / mae_scale)),
    }
    for q, Q in (per_q or {}).items():
        out[f"SPL{round(q * 100)}"] = float(np.mean(pinball(test, Q, q).mean(axis=1) / mae_scale))
    total = test.sum(axis=1)
    for q, Q in (total_q or {}).items():
        out[f"cov{round(q * 100)}"] = float(np.mean(total <= Q + 1e-9 * np.maximum(1, Q)))
    if total_cdf is not None:
        below, upto = total_cdf
        for q in total_q or {}:
            width = upto - below
            share = np.where(
                width > 0, np.clip((q - below) / np.where(width > 0, width, 1), 0, 1), upto <= q
            )
            out[f"tie{round(q * 100)}"] = float(np.mean(share))
    return out
