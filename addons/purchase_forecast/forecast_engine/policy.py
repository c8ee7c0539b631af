"""order_quantities: how much to order now, from the simulated demand over lead time + review."""

# The engine has no Odoo environment: _() only marks messages for Odoo's extractor, and the
# Odoo layer translates them with self.env._(template, **params) when it shows them.
# pylint: disable=prefer-env-translation

import math
from dataclasses import dataclass

import numpy as np

from . import allocation, simulation
from .panel import fit_panel
from .translate import _

# lead times sampled from their spread are capped at mean + this many standard deviations
LEAD_TIME_MAX_SIGMAS = 6.0
SERVICE_SCOPES = ("plan", "item")
# simulated demand paths per item: fewer than forecast_panel's (a fill rate integrates the
# whole tail, so it is less sensitive to the number of paths than a single quantile)
N_PATHS = 256
# where the position after ordering is read in its batch range (midpoints of quarters)
BATCH_POINTS = (0.125, 0.375, 0.625, 0.875)
# across a plan, items of these classes that cost more than the plan's median may be planned
# below their expected demand (a smooth item's demand over lead time + review is unimodal, its
# shortage curve regular); the lower part of an intermittent item's distribution is an atom
# at zero and gaps, and measured on replays it gains nothing there
BELOW_MEAN_CLASSES = ("smooth", "erratic")


@dataclass
class OrderAdvice:
    """What order_quantities returns, one value per item.

    - ``quantity``: what to order now (>= 0), rounded up to ``multiple`` and at least ``moq``
      whenever an order is placed.
    - ``order_up_to``: the target inventory position (on hand + on order - backorders).
    - ``reorder_point``: order when the position is below it; equal to ``order_up_to`` (a
      periodic-review order-up-to policy: every review tops the position up).
    - ``safety_stock``: ``order_up_to - expected_demand``; >= 0 except, with the ``"plan"``
      scope, for smooth items dearer than the plan's median (see ``BELOW_MEAN_CLASSES``).
    - ``expected_demand``: expected demand over lead time + review.
    - ``fill_rate``: the share of the item's demand expected to be served from stock at its
      order-up-to level (with the ``"plan"`` scope it differs from item to item).
    - ``reason``: one short English sentence per item, the words the purchase plan shows.
    - ``reason_parts``: per item, a list of (template, params) pairs; ``template % params``
      rendered and joined gives ``reason``; Odoo translates with ``env._(template, **params)``.
    - ``service_level``, ``lead_time``, ``review``: the inputs as used, broadcast to (n,).
    - ``method``, ``demand_class``: the forecast behind the quantity.
    - ``stockout_risk``: the probability that demand over the lead time exceeds the stock
      position (the share of the simulated paths on which it does).
    """

    quantity: np.ndarray
    order_up_to: np.ndarray
    reorder_point: np.ndarray
    safety_stock: np.ndarray
    expected_demand: np.ndarray
    fill_rate: np.ndarray
    reason: np.ndarray
    reason_parts: list
    service_level: np.ndarray
    lead_time: np.ndarray
    review: np.ndarray
    method: np.ndarray
    demand_class: np.ndarray
    stockout_risk: np.ndarray = None


def _vector(value, n: int, name: str, default=None, minimum=None) -> np.ndarray:
    if value is None:
        value = default
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a number or an array of one value per item ({n})")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    if minimum is not None and (arr < minimum).any():
        raise ValueError(f"{name} must be at least {minimum}")
    return arr


def _lead_times(lead_time, lead_time_std, n_paths):
    """Per item and path, the lead time (n, S), or (n, 1) when no item has a spread.

    With a spread s > 0 around a mean L > 0 the lead time is log-normal with that mean and
    standard deviation; with L = 0 it is s * |z| (a half-normal). Samples use fixed normals
    common to all items and are capped at L + 6 s.
    """
    n = lead_time.size
    if not (lead_time_std > 0).any():
        return lead_time[:, None].copy()
    z = simulation.normals(n_paths, 1)[None, :]
    L = lead_time[:, None]
    s = lead_time_std[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        sig2 = np.log1p(np.where(L > 0, (s / np.where(L > 0, L, 1.0)) ** 2, 0.0))
    lognormal = L * np.exp(np.sqrt(sig2) * z - sig2 / 2.0)
    sampled = np.where(L > 0, lognormal, s * np.abs(z))
    sampled = np.minimum(sampled, L + LEAD_TIME_MAX_SIGMAS * s)
    return np.where(s > 0, sampled, np.broadcast_to(L, (n, n_paths)))


def periods_needed(lead_time, review=1, lead_time_std=None, n_paths=N_PATHS) -> np.ndarray:
    """Per item, the periods of demand order_quantities simulates for it (n,) ints.

    Args:
        lead_time, review, lead_time_std: as for :func:`order_quantities`.

    Returns:
        The whole periods its lead time + review reaches, the lead time sampled from its
        spread as order_quantities samples it (up to mean + LEAD_TIME_MAX_SIGMAS spreads): a
        stored forecast state (forecast_engine.state) must cover at least this many.
    """
    lead = np.asarray(lead_time, dtype=float).reshape(-1)
    n = lead.size
    rev = _vector(review, n, "review", minimum=0.0)
    spread = _vector(lead_time_std, n, "lead_time_std", default=0.0, minimum=0.0)
    if not n:
        return np.zeros(0, dtype=int)
    reach = _lead_times(lead, spread, n_paths).max(axis=1) + np.maximum(rev, 1e-3)
    return np.maximum(1, np.ceil(reach - 1e-9)).astype(int)


def _expected_excess(sorted_x: np.ndarray, suffix: np.ndarray, count_le: np.ndarray, c):
    """E[(X - c)^+] from a sorted sample, its suffix sums and #{X <= c} (vectorised per row)."""
    S = sorted_x.shape[1]
    upper = np.take_along_axis(suffix, count_le, axis=1)  # sum of X above c
    return (upper - (S - count_le) * c) / S


def _suffix_sums(sorted_x: np.ndarray) -> np.ndarray:
    """Per row, the sums of the sorted values from each position to the end (then 0)."""
    tail = np.cumsum(sorted_x[:, ::-1], axis=1)[:, ::-1]
    return np.concatenate([tail, np.zeros((sorted_x.shape[0], 1))], axis=1)


class _Samples:
    """Sorted demand samples over lead time + review and over the lead time alone, per item,
    with what the expected shortage at any level needs (suffix sums)."""

    def __init__(self, d_cover: np.ndarray, d_lead: np.ndarray):
        self.cover = np.sort(d_cover, axis=1)
        self.lead = np.sort(d_lead, axis=1)
        self.suffix_cover = _suffix_sums(self.cover)
        self.suffix_lead = _suffix_sums(self.lead)
        self.cycle = (d_cover - d_lead).mean(axis=1)

    def shortage(self, levels: np.ndarray, rows=slice(None)) -> np.ndarray:
        """Expected demand short in one review cycle at each level (len(rows), K)
        (Hadley-Whitin): E(D_{L+R} - s)^+ - E(D_L - s)^+."""
        cover, lead = self.cover[rows], self.lead[rows]
        le_c = _count_le(cover, levels)
        le_l = _count_le(lead, levels)
        return _expected_excess(cover, self.suffix_cover[rows], le_c, levels) - _expected_excess(
            lead, self.suffix_lead[rows], le_l, levels
        )

    def curve(self, floor: np.ndarray, excess: np.ndarray, rows=None):
        """Candidate levels (len(rows), S + 1) from ``floor`` up (the floor, then the sample of
        demand over lead time + review raised to it) and the expected shortage at each; where
        an order can leave the position up to ``excess`` above the level, the shortage is its
        average over that range. ``rows``: the items (all by default)."""
        rows = np.arange(len(self.cover)) if rows is None else rows
        grid = np.concatenate([floor[:, None], np.maximum(self.cover[rows], floor[:, None])], 1)
        short = self.shortage(grid, rows)
        batched = np.flatnonzero(excess > 0)
        if batched.size:
            spread = excess[batched, None]
            short[batched] = sum(
                self.shortage(grid[batched] + u * spread, rows[batched]) for u in BATCH_POINTS
            ) / len(BATCH_POINTS)
        return grid, short


def batch_excess(moq: np.ndarray, multiple: np.ndarray, cycle: np.ndarray) -> np.ndarray:
    """How far above the order-up-to level an order can leave the stock position (n,).

    An order tops the position up to the level but is at least the minimum order quantity
    (rounded up to the pack) and a whole number of packs: with a minimum Q above the demand of
    a review cycle the position after ordering runs through [level, level + Q - cycle] as the
    batch is used up, and pack rounding adds up to a pack.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        packs = np.where(multiple > 0, np.ceil(moq / np.where(multiple > 0, multiple, 1) - 1e-9), 0)
    smallest = np.where(multiple > 0, packs * multiple, moq)
    return np.maximum(np.maximum(smallest - cycle, multiple), 0.0)


def shortage_curves(d_cover, d_lead, floor, moq=None, multiple=None, convex_from=None):
    """Candidate levels (n, S + 1) from ``floor`` up (the floor, then the sample of demand over
    lead time + review, raised to the floor), the expected shortage per cycle at each level
    and the expected demand per cycle (n,).

    The shortage is read off the paths (Hadley-Whitin, see :class:`_Samples`). Where an order
    can leave the position above the level (a minimum order quantity or pack,
    :func:`batch_excess`), the position after ordering is spread evenly over that range and
    the shortage is its average there (the classic (R, s, nQ) argument): the batch is stock
    that serves demand too, so the level it needs is lower. Items marked in ``convex_from``
    (n,) bool start lower when their curve turns convex below the floor (:func:`_convex_start`).
    """
    sample = _Samples(d_cover, d_lead)
    n = len(floor)
    moq = np.zeros(n) if moq is None else np.asarray(moq, dtype=float)
    multiple = np.zeros(n) if multiple is None else np.asarray(multiple, dtype=float)
    excess = batch_excess(moq, multiple, sample.cycle)
    if convex_from is not None and convex_from.any():
        rows = np.flatnonzero(convex_from)
        floor = floor.copy()
        start = _convex_start(*sample.curve(np.zeros(rows.size), excess[rows], rows))
        floor[rows] = np.minimum(floor[rows], start)
    grid, short = sample.curve(floor, excess)
    return grid, short, sample.cycle


def _convex_start(grid: np.ndarray, short: np.ndarray) -> np.ndarray:
    """Per item, the level from which its expected shortage (a curve from level 0 up) falls
    ever more slowly (n,).

    Below the demand of the lead time the shortage falls slowly (the stock runs out before the
    cycle starts whatever the level), fastest around the demand of lead time + review, then
    ever more slowly: the curve is convex from the end of its steepest step on, which is where
    a marginal allocation may start (:mod:`forecast_engine.allocation`). For perfectly known
    demand that is the demand over lead time + review itself.
    """
    step = np.diff(grid, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(step > 1e-12, -np.diff(short, axis=1) / step, 0.0)
    k = np.argmax(slope, axis=1)
    return grid[np.arange(len(grid)), k + 1]


def _count_le(sorted_x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """#{x <= v} per row, for sorted rows x and values v (n, V)."""
    out = np.empty(values.shape, dtype=np.int64)
    for i in range(sorted_x.shape[0]):
        out[i] = np.searchsorted(sorted_x[i], values[i], side="right")
    return out


def _fmt(x: float):
    """A number for a message: rounded, integral values without decimals (still a number)."""
    r = round(float(x), 2)
    return int(r) if r == int(r) else r


# the sentences of the plan line: plus a safety stock, or below the expected demand (named
# constants, not _() calls inside the dict: Odoo's extractor took the dict's tuple keys for
# messages too). They speak of "the lead time and review", never of periods: the plan says
# how many days those are.
NO_ORDER = _(
    "The stock position %(position)s covers the order-up-to level %(target)s "
    "(%(expected)s expected over the lead time and review plus %(safety)s safety stock "
    "for %(service)s%% service): no order."
)

NO_ORDER_BELOW = _(
    "The stock position %(position)s covers the order-up-to level %(target)s "
    "(%(expected)s expected over the lead time and review less %(below)s: across the plan "
    "this item gets %(service)s%% service): no order."
)

MOQ = _(
    "Order %(quantity)s, the minimum order quantity: the stock position %(position)s "
    "is below the order-up-to level %(target)s (%(expected)s expected over the lead time "
    "and review plus %(safety)s safety stock for %(service)s%% service)."
)

MOQ_BELOW = _(
    "Order %(quantity)s, the minimum order quantity: the stock position %(position)s "
    "is below the order-up-to level %(target)s (%(expected)s expected over the lead time "
    "and review less %(below)s: across the plan this item gets %(service)s%% service)."
)

MULTIPLE = _(
    "Order %(quantity)s, rounded up to a multiple of %(multiple)s: the stock position "
    "%(position)s is below the order-up-to level %(target)s (%(expected)s expected over "
    "the lead time and review plus %(safety)s safety stock for %(service)s%% service)."
)

MULTIPLE_BELOW = _(
    "Order %(quantity)s, rounded up to a multiple of %(multiple)s: the stock position "
    "%(position)s is below the order-up-to level %(target)s (%(expected)s expected over "
    "the lead time and review less %(below)s: across the plan this item gets "
    "%(service)s%% service)."
)

WHOLE = _(
    "Order %(quantity)s, rounded up to whole units: the stock position %(position)s is "
    "below the order-up-to level %(target)s (%(expected)s expected over the lead time and "
    "review plus %(safety)s safety stock for %(service)s%% service)."
)

WHOLE_BELOW = _(
    "Order %(quantity)s, rounded up to whole units: the stock position %(position)s is "
    "below the order-up-to level %(target)s (%(expected)s expected over the lead time and "
    "review less %(below)s: across the plan this item gets %(service)s%% service)."
)

ORDER = _(
    "Order %(quantity)s: the stock position %(position)s is below the order-up-to level "
    "%(target)s (%(expected)s expected over the lead time and review plus %(safety)s "
    "safety stock for %(service)s%% service)."
)

ORDER_BELOW = _(
    "Order %(quantity)s: the stock position %(position)s is below the order-up-to level "
    "%(target)s (%(expected)s expected over the lead time and review less %(below)s: "
    "across the plan this item gets %(service)s%% service)."
)

REASONS = {
    ("no_order", False): NO_ORDER,
    ("no_order", True): NO_ORDER_BELOW,
    ("moq", False): MOQ,
    ("moq", True): MOQ_BELOW,
    ("multiple", False): MULTIPLE,
    ("multiple", True): MULTIPLE_BELOW,
    ("whole", False): WHOLE,
    ("whole", True): WHOLE_BELOW,
    ("order", False): ORDER,
    ("order", True): ORDER_BELOW,
}


def _reason(quantity, position, target, expected, safety, cover, service, moq, multiple):
    """(template, params) pairs explaining one item's advice (see OrderAdvice.reason_parts)."""
    pct = _fmt(round(100.0 * service, 1))
    if expected <= 0 and quantity <= 0:
        return [
            (
                _("No demand expected over the lead time and review: nothing to order."),
                {"cover": _fmt(cover)},
            )
        ]
    if expected <= 0:
        return [
            (
                _(
                    "No demand expected, but the stock position is %(position)s: "
                    "order %(quantity)s to bring it back to zero."
                ),
                {"position": _fmt(position), "quantity": _fmt(quantity)},
            )
        ]
    params = {
        "quantity": _fmt(quantity),
        "position": _fmt(position),
        "target": _fmt(target),
        "expected": _fmt(expected),
        "safety": _fmt(safety),
        "cover": _fmt(cover),
        "service": pct,
    }
    # across a plan a costly item may be planned below its expected demand: the sentence
    # then says by how much instead of a (negative) safety stock
    below = safety < 0
    if below:
        del params["safety"]
        params["below"] = _fmt(-safety)
    base = target - position
    raised_moq = moq > 0 and quantity >= moq - 1e-9 and base < moq - 1e-9
    # packs and fractional steps are always named
    rounded = multiple > 0 and multiple != 1 and not raised_moq and quantity > base + 1e-9
    # whole units only when the figures shown would not add up: a level of 1.004 reads "1",
    # and "order 2 to reach level 1" needs the rounding named
    whole = multiple == 1 and not raised_moq and quantity > _fmt(base) + 1e-9
    if quantity <= 0:
        case = "no_order"
    elif raised_moq:
        case = "moq"
        params["moq"] = _fmt(moq)
    elif rounded:
        case = "multiple"
        params["multiple"] = _fmt(multiple)
    elif whole:
        case = "whole"
    else:
        case = "order"
    return [(REASONS[case, below], params)]


def order_quantities(
    Y,
    position,
    lead_time,
    review=1,
    moq=None,
    multiple=None,
    service_level=0.95,
    season_length=1,
    lead_time_std=None,
    unit_cost=None,
    service_scope="plan",
    fitted=None,
) -> OrderAdvice:
    """How much of each item to order now (periodic-review order-up-to policy).

    ``Y``: demand history as for :func:`forecast_panel` (n_series, n_periods), up to now.
    ``position`` (n,): on hand + on order - backorders. ``lead_time`` (n,) or a number, in
    periods, may be fractional (21 days with monthly periods = 0.69). ``review`` (number or
    (n,)): periods until the next chance to order. ``moq``, ``multiple`` (n,), a number or None.
    ``service_level`` (number or (n,)): the target fill rate, the share of demand served from
    stock. ``lead_time_std`` (n,), a number or None: spread of the supplier's real lead time in
    periods; it widens the demand distribution by sampling lead times path by path.
    ``unit_cost`` (n,), a number or None: money per unit (None: every unit weighs the same).
    ``service_scope``: ``"plan"`` (default): the target is the fill rate of all the items of
    the call together (their demand-weighted mean target), reached with the least stock value
    (:mod:`forecast_engine.allocation`): cheap, fast items get more than the target, slow,
    lumpy or costly ones less; ``"item"``: every item reaches its own target.
    ``fitted``: an already fitted panel (forecast_engine.state.panel_from_states, or
    forecast_with_state's) to simulate instead of fitting ``Y`` (then ignored, may be None):
    the advice is exactly that of the history it was fitted on. It must cover the longest
    lead time + review (ValueError otherwise).

    The rule: the engine simulates demand paths (forecast_engine.simulation); the demand over
    lead time + review and over the lead time alone are read off each path at the item's own
    (possibly sampled, fractional) lead time. An item's expected fill rate at an order-up-to
    level comes from those paths (:func:`shortage_curves`, with minimum order quantities and
    packs counted as stock that serves demand too); the level is at least the expected
    demand over lead time + review (no negative safety stock; across a plan, smooth items
    dearer than the plan's median may start lower, where their shortage curve turns convex:
    :func:`_convex_start`). This treats intermittent items properly (their demand
    distribution has an atom at zero and a long tail; no normal assumption anywhere); an item
    without demand orders nothing beyond its backorders. The quantity tops the position up to
    that level when it is below it, then is raised to ``moq`` and rounded up to ``multiple``.
    Deterministic.
    """
    if fitted is None:
        Y = np.asarray(Y, dtype=float)
        if Y.ndim == 1:
            Y = Y[None, :]
        n = Y.shape[0]
    else:
        n = fitted.mean.shape[0]
    if service_scope not in SERVICE_SCOPES:
        raise ValueError(f"service_scope must be one of {', '.join(SERVICE_SCOPES)}")
    position = _vector(position, n, "position")
    lead = _vector(lead_time, n, "lead_time", minimum=0.0)
    rev = _vector(review, n, "review", minimum=0.0)
    moq_v = _vector(moq, n, "moq", default=0.0, minimum=0.0)
    mult_v = _vector(multiple, n, "multiple", default=0.0, minimum=0.0)
    sl = _vector(service_level, n, "service_level")
    if ((sl <= 0) | (sl >= 1)).any():
        raise ValueError("service_level must be strictly between 0 and 1")
    lt_std = _vector(lead_time_std, n, "lead_time_std", default=0.0, minimum=0.0)
    weight = allocation.unit_weights(unit_cost, n)
    S = N_PATHS
    leads = _lead_times(lead, lt_std, S) if n else np.zeros((0, 1))
    # a review of 0 (continuous review) still needs a cycle to measure the fill rate over
    cycle = np.maximum(rev, 1e-3)
    H = max(1, math.ceil(float((leads + cycle[:, None]).max()) - 1e-9)) if n else 1
    if fitted is None:
        fitted = fit_panel(Y, H, season_length)
    elif fitted.mean.shape[1] < H:
        raise ValueError(
            f"the fitted forecast covers {fitted.mean.shape[1]} periods; the lead time and "
            f"review need {H}"
        )
    else:
        fitted = fitted.truncated(H)
    expected = np.zeros(n)
    risk = np.zeros(n)
    curves = []
    # only the dearer half of a plan may pay for the rest by staying below its expected
    # demand: a plan of one item, or of items that cost the same, never does
    dear = weight > np.median(weight) if n else np.zeros(0, dtype=bool)
    convex_from = (
        dear & np.isin(fitted.demand_class, BELOW_MEAN_CLASSES) if service_scope == "plan" else None
    )
    step = simulation.block_rows(n, S)
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        d_cover, d_lead = _demand_samples(fitted, rows, leads[rows], cycle[rows], S)
        expected[rows] = d_cover.mean(axis=1)
        risk[rows] = (d_lead > position[rows, None] + 1e-9).mean(axis=1)
        # every item's levels start at its expected demand: no negative safety stock (with
        # perfectly known demand a fill-rate target alone would plan a share of it short),
        # except that across a plan a costly smooth item may stay below it
        curves.append(
            shortage_curves(
                d_cover,
                d_lead,
                expected[rows],
                moq_v[rows],
                mult_v[rows],
                None if convex_from is None else convex_from[rows],
            )
        )
    if n:
        grid, short, per_cycle = (np.concatenate(part) for part in zip(*curves, strict=True))
        if service_scope == "plan":
            target, fill = allocation.allocate(grid, short, per_cycle, sl, weight)
        else:
            target, fill = allocation.item_levels(grid, short, per_cycle, sl)
    else:
        target, fill = np.zeros(0), np.zeros(0)
    target = np.maximum(target, 0.0)
    need = np.maximum(target - position, 0.0)
    quantity = np.where(need > 0, np.maximum(need, moq_v), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        packs = np.ceil(quantity / np.where(mult_v > 0, mult_v, 1.0) - 1e-9)
    quantity = np.where(mult_v > 0, packs * mult_v, quantity)
    quantity = np.maximum(quantity, 0.0)
    safety = target - expected
    cover = lead + rev
    parts = [
        _reason(
            quantity[i],
            position[i],
            target[i],
            expected[i],
            safety[i],
            cover[i],
            fill[i],
            moq_v[i],
            mult_v[i],
        )
        for i in range(n)
    ]
    reason = np.array(["".join(t % p for t, p in item) for item in parts], dtype=object)
    return OrderAdvice(
        quantity=quantity,
        order_up_to=target,
        reorder_point=target.copy(),
        safety_stock=safety,
        expected_demand=expected,
        fill_rate=fill,
        reason=reason,
        reason_parts=parts,
        service_level=sl,
        lead_time=lead,
        review=rev,
        method=fitted.method,
        demand_class=fitted.demand_class,
        stockout_risk=risk,
    )


def _demand_samples(fitted, rows, until_lead, cycle, n_paths):
    """Demand over lead time + review and over the lead time alone (len(rows), n_paths), path
    by path, at each item's own (sampled, fractional) lead time: demand is spread evenly
    within a period."""
    until_cover = until_lead + cycle[:, None]
    d_lead = np.zeros((rows.size, n_paths))
    d_cover = np.zeros((rows.size, n_paths))
    for h, y in fitted.iter_paths(rows, n_paths):
        d_lead += np.clip(until_lead - h, 0.0, 1.0) * y
        d_cover += np.clip(until_cover - h, 0.0, 1.0) * y
    return d_cover, d_lead
