"""The fitted model of each series as a small JSON-ready dict, and back: what a run stores so
that plans, the product card and the digest simulate its demand paths without refitting.

A stored state holds exactly what :func:`forecast_engine.simulation.iter_paths` reads for the
series: its point forecasts per period, its bootstrap ratios (only the ``counts`` it draws
from), the level's smoothing weight and variance, the smoothed-bootstrap spread and the
probability that the item is still alive, plus its method and demand class. The random
numbers are common to all series and fixed, and every period h depends only on h, so the
paths simulated from a rebuilt state are exactly those of the fit it was taken from (floats
are kept whole: Python's shortest round-trip repr, no rounding, since a rounded state would
give other paths).
"""

import numpy as np

from . import simulation
from .panel import FittedPanel

STATE_VERSION = 1
KEYS = ("v", "method", "class", "mean", "ratios", "count", "alpha", "level_var", "jitter", "alive")


def _floats(values) -> list:
    return [float(x) for x in values]


def state_rows(fitted: FittedPanel) -> list:
    """One dict per series of ``fitted``: its stored state (see the module docstring).

    Returns:
        list of dicts with ``v`` (format version), ``method``, ``class``, ``mean`` (one value
        per period of ``fitted``'s horizon), ``ratios`` (the ones drawn from, at least one),
        ``count`` (how many of them the bootstrap draws from), ``alpha``, ``level_var``,
        ``jitter`` and ``alive``.
    """
    rows = []
    for i in range(fitted.mean.shape[0]):
        used = max(int(fitted.counts[i]), 1)
        rows.append(
            {
                "v": STATE_VERSION,
                "method": str(fitted.method[i]),
                "class": str(fitted.demand_class[i]),
                "mean": _floats(fitted.mean[i]),
                "ratios": _floats(fitted.ratios[i, :used]),
                "count": int(fitted.counts[i]),
                "alpha": float(fitted.alpha[i]),
                "level_var": float(fitted.level_var[i]),
                "jitter": float(fitted.jitter[i]),
                "alive": float(fitted.alive[i]),
            }
        )
    return rows


def check_state(state) -> None:
    """Raise ValueError unless ``state`` is a stored state this engine can simulate."""
    if not isinstance(state, dict) or state.get("v") != STATE_VERSION:
        raise ValueError(f"not a forecast state of version {STATE_VERSION}")
    missing = [key for key in KEYS if key not in state]
    if missing:
        raise ValueError(f"forecast state lacks {', '.join(missing)}")
    if not state["mean"] or not state["ratios"]:
        raise ValueError("forecast state has no periods or no ratios")


def state_horizon(state) -> int:
    """Periods a stored state simulates."""
    return len(state["mean"])


def panel_from_states(states, horizon=None) -> FittedPanel:
    """A FittedPanel of the stored states (one series each), over ``horizon`` periods.

    Args:
        states: stored states (:func:`state_rows`), in the order of the series wanted.
        horizon: periods to simulate; None = the shortest state's. A state shorter than
            ``horizon`` is refused (ValueError): nothing is invented beyond what was stored.

    Returns:
        FittedPanel ready for ``simulate``/``iter_paths`` and ``order_quantities(fitted=...)``;
        it carries no history (``panel`` is None) and no calibration.
    """
    for state in states:
        check_state(state)
    n = len(states)
    lengths = [state_horizon(s) for s in states]
    H = min(lengths) if horizon is None and n else int(horizon or 0)
    if n and min(lengths) < H:
        raise ValueError(f"a forecast state covers {min(lengths)} periods, {H} are needed")
    width = max([len(s["ratios"]) for s in states] or [1])
    mean = np.zeros((n, H))
    ratios = np.zeros((n, width))
    for i, state in enumerate(states):
        mean[i] = state["mean"][:H]
        ratios[i, : len(state["ratios"])] = state["ratios"]

    def column(key, dtype=float):
        return np.array([s[key] for s in states], dtype=dtype)

    return FittedPanel(
        mean=mean,
        ratios=ratios,
        counts=column("count", np.int64),
        alpha=column("alpha"),
        level_var=column("level_var"),
        jitter=column("jitter"),
        method=column("method", str) if n else np.zeros(0, dtype=str),
        demand_class=column("class", str) if n else np.zeros(0, dtype=str),
        backtest_error=np.ones(n),
        seasonal=np.zeros(n, dtype=bool),
        alive=column("alive"),
        panel=None,
    )


def cover_totals(state, covers, quantiles=(0.1, 0.9), n_paths=simulation.N_PATHS) -> list:
    """Expected demand and quantiles of one stored series' total over each cover, in periods.

    Args:
        state: a stored state (:func:`state_rows`).
        covers: periods from now, may be fractional (1.5 = the first period and half the
            second: demand is spread evenly within a period, as order_quantities reads it).
        quantiles: levels of the totals' sample quantiles (type 6, simulation.sample_quantiles).

    Returns:
        Per cover, None when it reaches beyond the stored periods, else
        ``{"mean": float, "quantiles": {q: float}}`` from the simulated paths (the mean is
        the stored point forecasts' sum over the cover).
    """
    covers = [float(c) for c in covers]
    fitted = panel_from_states([state])
    H = fitted.mean.shape[1]
    sums = np.zeros((len(covers), n_paths))
    weights = np.array(covers)[:, None]
    for h, y in fitted.iter_paths(np.arange(1), n_paths):
        sums += np.clip(weights - h, 0.0, 1.0) * y[0][None, :]
    out = []
    for k, cover in enumerate(covers):
        if cover > H + 1e-9:
            out.append(None)
            continue
        values = simulation.sample_quantiles(sums[k], tuple(quantiles), axis=0)
        out.append(
            {
                "mean": float(sums[k].mean()),
                "quantiles": {q: float(v) for q, v in zip(quantiles, values, strict=True)},
            }
        )
    return out
