"""Service across a set of items: where a unit of stock serves the most demand per unit of money.

A fill rate target given to a whole purchase plan (95% of all the units demanded are served
from stock) can be met in many ways. Giving every item the same 95% puts large safety stocks
on lumpy and slow items, where each extra unit of stock serves little, and as much on an
expensive item as on a cheap one. The classic system approach (Sherbrooke's marginal
allocation, also behind multi-item service optimisation in spare-parts planning) adds stock
where it removes the most expected shortage per unit of money, until the plan as a whole
reaches its target: fast, cheap items end up above the target, slow, lumpy or costly ones
below it, and the plan needs much less stock value for the same fill rate.

Each item's expected shortage per review cycle as a function of its order-up-to level comes
from its simulated demand paths (:func:`forecast_engine.policy.shortage_curves`). It is
evaluated at the item's own sample values from its floor upwards (the expected demand; for
the dearer half of the smooth items, where the curve turns convex, which may be below it:
see :func:`forecast_engine.policy.shortage_curves`), and the stock between two consecutive
values is a step whose "return" is the shortage it removes per unit of money. Steps are
taken in decreasing order of return over all items at once (a greedy marginal allocation;
exact where the shortage curve is convex, which it is above the floor for the usual demand
distributions; elsewhere an item's later steps are credited with no more than its earlier
ones, so its stock is still added in order).
"""

import numpy as np


def unit_weights(unit_cost, n: int) -> np.ndarray:
    """Money per unit of every item, as allocation weights with mean 1.

    ``None`` weighs every unit alike. Missing, zero or negative costs (a product whose cost
    nobody entered) take the median of the known costs: free stock would otherwise absorb
    the whole plan's target.
    """
    if unit_cost is None:
        return np.ones(n)
    cost = np.asarray(unit_cost, dtype=float).reshape(-1)
    if cost.shape != (n,):
        raise ValueError(f"unit_cost must be a number or an array of one value per item ({n})")
    known = np.isfinite(cost) & (cost > 0)
    fill = float(np.median(cost[known])) if known.any() else 1.0
    cost = np.where(known, cost, fill)
    return cost / cost.mean() if n else cost


def allocate(grid, short, cycle, target, weight):
    """Order-up-to levels reaching the fill rate target over all items at the least stock value.

    ``grid`` (n, K): candidate levels of each item, increasing, the first being its floor;
    ``short`` (n, K): expected shortage per cycle at those levels (non-increasing);
    ``cycle`` (n,): expected demand per cycle; ``target`` (n,): fill rate targets (the plan's
    target is their demand-weighted mean); ``weight`` (n,): money per unit.
    Returns (levels (n,), expected fill rate of each item (n,)).
    """
    n = grid.shape[0]
    if n == 0:
        return np.zeros(0), np.zeros(0)
    allowed = float(((1.0 - target) * cycle).sum())
    gain = np.maximum(short[:, :-1] - short[:, 1:], 0.0)
    step = np.maximum(grid[:, 1:] - grid[:, :-1], 0.0)
    cost = weight[:, None] * step
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, gain / cost, np.inf)
    # an item's stock is added from its floor upwards: a later step never ranks above an
    # earlier one of the same item
    ratio = np.minimum.accumulate(ratio, axis=1)
    need = float(short[:, 0].sum()) - allowed
    taken = np.zeros(gain.shape)
    if need > 0 and gain.size:
        flat_ratio = ratio.ravel()
        order = np.argsort(-flat_ratio, kind="stable")
        removed = np.cumsum(gain.ravel()[order])
        last = min(int(np.searchsorted(removed, need - 1e-12 * max(need, 1.0))), order.size - 1)
        flat = taken.reshape(-1)
        flat[order[:last]] = 1.0
        before = removed[last - 1] if last else 0.0
        g = gain.ravel()[order[last]]
        flat[order[last]] = np.clip((need - before) / g, 0.0, 1.0) if g > 0 else 1.0
    levels = grid[:, 0] + (taken * step).sum(axis=1)
    return levels, fill_rates(short[:, 0] - (taken * gain).sum(axis=1), cycle)


def item_levels(grid, short, cycle, target):
    """Every item at its own target: the lowest level on its shortage curve (linear between
    the grid points) whose expected fill rate reaches ``target``; the arguments are those of
    :func:`allocate`. Returns (levels (n,), fill rates (n,))."""
    n, K = grid.shape
    if n == 0:
        return np.zeros(0), np.zeros(0)
    allowed = (1.0 - target) * cycle
    ok = short <= allowed[:, None] + 1e-12 * np.maximum(cycle, 1.0)[:, None]
    first = np.where(ok.any(axis=1), np.argmax(ok, axis=1), K - 1)
    rows = np.arange(n)
    k = np.clip(first, 1, K - 1)
    s0, s1 = short[rows, k - 1], short[rows, k]
    c0, c1 = grid[rows, k - 1], grid[rows, k]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(s0 > s1, (s0 - allowed) / (s0 - s1), 1.0)
    w = np.where(first == 0, 0.0, np.clip(w, 0.0, 1.0))
    levels = np.where(first == 0, grid[:, 0], c0 + w * (c1 - c0))
    return levels, fill_rates(np.where(first == 0, short[:, 0], s0 + w * (s1 - s0)), cycle)


def fill_rates(short: np.ndarray, cycle: np.ndarray) -> np.ndarray:
    """Expected fill rate from the expected shortage per cycle (1 where there is no demand)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(cycle > 0, 1.0 - short / np.where(cycle > 0, cycle, 1.0), 1.0)
    return np.clip(fill, 0.0, 1.0)
