"""Simulated demand panels with known distributions, for the benchmarks.

Kinds (share of the panel): smooth Poisson / negative-binomial demand with slowly drifting level,
some trended, some seasonal (30%); erratic gamma-sized demand every period (10%); intermittent
Bernoulli x (1 + Poisson) demand (35%); lumpy Bernoulli x heavy-tailed sizes (20%); items that
appear late (leading NaN) or die out (5%). Deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np

KINDS = ("smooth", "erratic", "intermittent", "lumpy", "lifecycle")
SHARES = (0.30, 0.10, 0.35, 0.20, 0.05)


def simulate_panel(n: int, periods: int, season_length: int = 12, seed: int = 7):
    """(Y (n, periods), kind (n,)) with the kinds above."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(len(KINDS), size=n, p=SHARES)
    Y = np.zeros((n, periods))
    t = np.arange(periods)
    # slowly drifting level multiplier (log random walk), shared shape for all kinds
    drift = np.exp(np.cumsum(rng.normal(0, 0.04, (n, periods)), axis=1))
    for i in range(n):
        k = KINDS[kind[i]]
        if k in ("smooth", "lifecycle"):
            level = np.exp(rng.uniform(np.log(2), np.log(200)))
            shape = np.ones(periods)
            r = rng.random()
            if r < 0.33:
                shape *= np.maximum(1 + rng.uniform(-0.02, 0.03) * t, 0.2)
            elif r < 0.66:
                amp = rng.uniform(0.2, 0.5)
                shape *= 1 + amp * np.sin(
                    2 * np.pi * (t + rng.integers(season_length)) / season_length
                )
            lam = level * shape * drift[i]
            if rng.random() < 0.5:
                y = rng.poisson(lam)
            else:
                disp = rng.uniform(2, 10)
                y = rng.negative_binomial(disp, disp / (disp + lam))
            y = y.astype(float)
            if k == "lifecycle":
                if rng.random() < 0.5:
                    y[: rng.integers(periods // 4, periods // 2)] = np.nan  # appears late
                else:
                    y[rng.integers(periods // 2, periods - 6) :] = 0.0  # dies out
        elif k == "erratic":
            level = np.exp(rng.uniform(np.log(5), np.log(100)))
            cv = rng.uniform(0.8, 1.3)
            y = rng.gamma(1 / cv**2, level * cv**2 * drift[i])
        elif k == "intermittent":
            p = rng.uniform(0.1, 0.6)
            lam = rng.uniform(0.5, 5)
            y = (rng.random(periods) < p) * (1 + rng.poisson(lam * drift[i]))
        else:  # lumpy
            p = rng.uniform(0.05, 0.5)
            mu = rng.uniform(2, 50)
            disp = rng.uniform(0.3, 1.0)
            size = 1 + rng.negative_binomial(disp, disp / (disp + mu * drift[i]))
            y = (rng.random(periods) < p) * size
        Y[i] = y
    return Y, np.array(KINDS)[kind]
