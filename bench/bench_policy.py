"""Replenishment benchmark: replay real and simulated demand, period by period.

Each policy starts from empty shelves, sees only the past, orders at every period (review = 1),
orders arrive after their lead time, unmet demand is back-ordered (and filled first when stock
arrives); measuring starts after a warm-up at least as long as the longest lead time. Printed per
panel and policy: fill rate (units served from stock at once / units demanded), average
inventory value (end-of-period on hand x unit cost), number of orders. Policies:

- forecast_engine: order_quantities at the target service level, given the unit costs, with
  the target over the whole panel (its default "plan" scope: stock goes where it serves the
  most demand per unit of money);
- forecast_engine, no unit costs: the same without the unit costs (every unit weighs alike);
- forecast_engine, every item: the same with every item at the target ("item" scope);
- normal-sigma (what OCA stock_orderpoint_safety_stock does): min = mu*L + z*sigma*sqrt(L),
  max = min + mu*cycle, order up to max when the position is at or below min;
- mean min/max (what Odoo users typically type): min = mu*L, max = min + mu*cycle.

mu and sigma are the mean and standard deviation of per-period demand over the last year seen
(OCA's default "Demand History Days" = 365); cycle = the review period (1). Our policy is also
run at lower service levels, to read off the inventory it needs for the normal-sigma policy's
fill rate (the issue's second target: the same fill rate with at least 20% less inventory); the
target between the two levels that bracket that fill rate is bisected a few times, so that the
reading comes from two close runs, not from a straight line across the frontier.
All policies round up to the pack multiple and to at least
the minimum order quantity. Panels: simulated weekly panels with known distributions (smooth,
intermittent, lumpy; lead times 1-16 weeks; MOQs and pack multiples on part of the items), the
intermittent one again with lead times of 7 and 16 weeks (those of the weekly data the policy is
judged on), and the real contract register (monthly, lead times 1-3 months).

Usage: python bench/bench_policy.py [--quick]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "addons" / "purchase_forecast"))

from docs_block import machine, write_block  # noqa: E402
from lct_panels import build_panels  # noqa: E402

from forecast_engine import order_quantities  # noqa: E402

DOC = HERE.parent / "docs" / "replenishment.md"
SERVICE = 0.95
# the frontier printed in the table
FRONTIER_LEVELS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
# halvings of the target between the two frontier levels whose fill rates bracket the normal-sigma
# policy's: the inventory at that fill rate is then read between two runs a sixteenth of a table
# step apart (0.3-0.6 points of target), not off a straight line across the convex frontier
BISECTIONS = 4
# the simulated panels, in the order they are printed, and their seeds
SEEDS = {"smooth": 100, "intermittent": 101, "lumpy": 102}
# weeks of a simulated panel: history before the replay, warm-up (at least the longest lead
# time), and the weeks measured
HISTORY_WEEKS, WARMUP_WEEKS, REPLAYED_WEEKS = 104, 16, 52
Z95 = 1.6448536269514722
# the RAF spare parts (data/panels/raf.csv.gz): monthly, real lead times and prices; items with a
# lead time of at most a year, the last months replayed after a warm-up year
PANELS = HERE.parent / "data" / "panels"
RAF_MAX_LEAD, RAF_WARMUP, RAF_REPLAYED = 12, 12, 36
RAF_TARGETS = (0.80, 0.90, 0.95, 0.98)
# the normal-sigma frontier: its safety factor z from 0 to 6
Z_FRONTIER = tuple(z / 2 for z in range(13))
# simulated minimums on RAF: items cheaper than this quantile of the prices come in packs
RAF_PACK_QUANTILE, RAF_PACK = 0.5, 10.0
# our policy: (service scope, given the unit costs?) - the target over the whole panel (the
# default) with and without the unit costs, and with every item at it
ENGINE_SCOPES = {
    "forecast_engine": ("plan", True),
    "forecast_engine, no unit costs": ("plan", False),
    "forecast_engine, every item": ("item", True),
}


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def simulated(kind: str, n: int, periods: int, seed: int):
    """Weekly demand (n, periods) of one kind, with lead times, MOQs, multiples and unit costs."""
    rng = np.random.default_rng(seed)
    drift = np.exp(np.cumsum(rng.normal(0, 0.02, (n, periods)), axis=1))
    if kind == "smooth":
        lam = rng.uniform(5, 50, (n, 1)) * drift
        Y = rng.poisson(lam).astype(float)
        mean = lam[:, 0]
    elif kind == "intermittent":
        p = rng.uniform(0.1, 0.5, (n, 1))
        lam = rng.uniform(0.5, 6, (n, 1))
        Y = (rng.random((n, periods)) < p) * (1 + rng.poisson(lam * drift))
        mean = (p * (1 + lam))[:, 0]
    else:  # lumpy
        p = rng.uniform(0.03, 0.3, (n, 1))
        mu = rng.uniform(2, 40, (n, 1))
        disp = rng.uniform(0.3, 1.0, (n, 1))
        size = 1 + rng.negative_binomial(disp, disp / (disp + mu * drift))
        Y = (rng.random((n, periods)) < p) * size
        mean = (p * (1 + mu))[:, 0]
    Y = Y.astype(float)
    lead = rng.integers(1, 17, n).astype(float)
    moq = np.where(rng.random(n) < 0.5, np.ceil(mean * rng.uniform(1, 8, n)), 0.0)
    multiple = np.where(rng.random(n) < 0.3, rng.choice([2.0, 5.0, 6.0, 10.0, 12.0], n), 0.0)
    cost = np.exp(rng.normal(3, 1, n))
    return Y, lead, moq, multiple, cost


def minmax_levels(history, lead, safety: bool, window: int, z: float = Z95):
    """(min, max) of the normal-sigma or mean-based min/max policy from the last ``window``."""
    recent = np.nan_to_num(history[:, -window:])
    mu = recent.mean(axis=1)
    sigma = recent.std(axis=1)
    low = mu * lead + (z * sigma * np.sqrt(lead) if safety else 0.0)
    return low, low + mu * 1.0


def periods_per_year(season: int) -> int:
    """OCA's default demand history of 365 days in periods: 12 months, else 52 weeks (the
    simulated weekly panels have no season)."""
    return 12 if season == 12 else 52


def round_order(need, moq, multiple):
    q = np.where(need > 0, np.maximum(need, moq), 0.0)
    packs = np.ceil(q / np.where(multiple > 0, multiple, 1.0) - 1e-9)
    return np.where(multiple > 0, packs * multiple, q)


def replay(policy, Y, start, warmup, lead, moq, multiple, cost, season, service=SERVICE, z=Z95):
    """Run one policy over periods start..end; measure from start + warmup on. ``z`` is the
    normal-sigma policy's safety factor."""
    n, T = Y.shape
    L = lead.astype(int)
    # every policy starts from empty shelves and builds its own stock during the warm-up (at
    # least the longest lead time): a common starting stock would be the same dead stock for
    # every policy on items not bought again (most of the real contracts' items), diluting
    # the differences between them
    on_hand = np.zeros(n)
    backlog = np.zeros(n)
    pipeline = np.zeros((n, T + int(L.max()) + 2))
    served = demanded = inventory = 0.0
    orders = 0
    seconds = 0.0
    for t in range(start, T):
        arrive = pipeline[:, t].copy()
        pipeline[:, t] = 0.0
        on_hand += arrive
        fill_back = np.minimum(on_hand, backlog)
        on_hand -= fill_back
        backlog -= fill_back
        position = on_hand - backlog + pipeline[:, t:].sum(axis=1)
        history = Y[:, :t]
        tick = time.perf_counter()
        if policy in ENGINE_SCOPES:
            advice = order_quantities(
                history,
                position,
                lead,
                1,
                moq,
                multiple,
                service,
                season_length=season,
                unit_cost=cost if ENGINE_SCOPES[policy][1] else None,
                service_scope=ENGINE_SCOPES[policy][0],
            )
            q = advice.quantity
        else:
            low, high = minmax_levels(
                history, lead, policy == "normal-sigma", periods_per_year(season), z
            )
            q = np.where(position < low, round_order(high - position, moq, multiple), 0.0)
        seconds += time.perf_counter() - tick
        pipeline[np.arange(n), t + L] += q
        # an order with lead time 0 is available at once
        now = L == 0
        on_hand[now] += pipeline[now, t]
        pipeline[now, t] = 0.0
        d = np.nan_to_num(Y[:, t])
        give = np.minimum(on_hand, d)
        on_hand -= give
        backlog += d - give
        if t >= start + warmup:
            served += give.sum()
            demanded += d.sum()
            inventory += (on_hand * cost).sum()
            orders += int((q > 0).sum())
    periods = T - start - warmup
    return {
        "fill": served / max(demanded, 1e-12),
        "inventory": inventory / periods,
        "orders": orders,
        "seconds": seconds,
    }


def report(title, results, frontier):
    base = results["normal-sigma"]
    print(f"\n#### {title}\n")
    print("| policy | fill rate | avg inventory value | vs normal-sigma | orders | s per call |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        rel = (
            f"{100 * (r['inventory'] / base['inventory'] - 1):+.1f}%" if base["inventory"] else "-"
        )
        per_call = r["seconds"] / max(r["calls"], 1)
        print(
            f"| {name} | {r['fill']:.3f} | {r['inventory']:,.0f} | {rel} | {r['orders']:,} "
            f"| {per_call:.2f} |"
        )
    # inventory our policy needs for normal-sigma's fill rate, between the two runs (at targets
    # found by bisection) whose fill rates are closest to it on either side
    target = base["fill"]
    pair = bracket(frontier, target)
    if pair is None or not base["inventory"]:
        fills = np.array(sorted(r["fill"] for _, r in frontier))
        print(f"\nnormal-sigma's fill rate {target:.3f} is outside our frontier {fills.round(3)}")
        serving = [p for p in frontier if p[1]["fill"] >= target]
        if serving and base["inventory"]:
            level, r = min(serving, key=lambda p: p[1]["inventory"])
            print(
                f"forecast_engine at {level:.0%} serves more ({r['fill']:.3f}) with "
                f"{100 * (r['inventory'] / base['inventory'] - 1):+.1f}% inventory vs normal-sigma"
            )
        return
    (lo_level, lo), (hi_level, hi) = pair
    span = hi["fill"] - lo["fill"]
    share = (target - lo["fill"]) / span if span > 0 else 0.0
    inv = lo["inventory"] + share * (hi["inventory"] - lo["inventory"])
    print(
        f"\nforecast_engine at normal-sigma's fill rate {target:.3f}: inventory {inv:,.0f} "
        f"({100 * (inv / base['inventory'] - 1):+.1f}% vs normal-sigma; read between targets "
        f"{lo_level:.2%} (fill {lo['fill']:.3f}) and {hi_level:.2%} (fill {hi['fill']:.3f}))"
    )


def bracket(frontier, fill):
    """The runs [(target, result)] with the highest fill rate at or below ``fill`` and the
    lowest at or above it, or None when ``fill`` is outside the frontier."""
    below = [p for p in frontier if p[1]["fill"] <= fill]
    above = [p for p in frontier if p[1]["fill"] >= fill]
    if not below or not above:
        return None
    return max(below, key=lambda p: p[1]["fill"]), min(above, key=lambda p: p[1]["fill"])


def bisect_target(frontier, fill, run) -> None:
    """Add to ``frontier`` [(target, result)] runs at targets halving the gap between the two
    whose fill rates bracket ``fill`` (``run(target)`` replays our policy at that target)."""
    for _ in range(BISECTIONS):
        pair = bracket(frontier, fill)
        if pair is None:
            return
        (lo, _), (hi, _) = pair
        if hi <= lo:  # a run at exactly that fill rate, or fill not monotone in the target
            return
        target = round((lo + hi) / 2, 6)
        frontier.append((target, run(target)))


def run_panel(title, Y, start, warmup, lead, moq, multiple, cost, season):
    def run(policy, level=SERVICE):
        r = replay(policy, Y, start, warmup, lead, moq, multiple, cost, season, level)
        r["calls"] = Y.shape[1] - start
        return r

    results = {policy: run(policy) for policy in (*ENGINE_SCOPES, "normal-sigma", "mean min/max")}
    frontier = [(SERVICE, results["forecast_engine"])]
    for level in FRONTIER_LEVELS:
        r = run("forecast_engine", level)
        results[f"forecast_engine at {level:.0%}"] = r
        frontier.append((level, r))
    bisect_target(frontier, results["normal-sigma"]["fill"], lambda lv: run("forecast_engine", lv))
    report(title, results, frontier)
    return results


def real_monthly():
    """The contract register as monthly demand per item, items with >= 2 demand months."""
    panel = build_panels()["monthly"]
    Y = panel.Y
    keep = (np.nan_to_num(Y[:, :48]) > 0).sum(axis=1) >= 2
    Y = Y[keep]
    rng = np.random.default_rng(5)
    n = Y.shape[0]
    lead = rng.integers(1, 4, n).astype(float)
    # no unit costs in the register: one unit (contract) is valued at the item's mean contract
    value = build_panels()["monthly_value"].Y[keep]
    cost = np.nansum(value, axis=1) / np.maximum(np.nansum(Y, axis=1), 1)
    return Y, lead, np.zeros(n), np.zeros(n), cost


def raf_panel(sample=None):
    """RAF spare parts: demand (n, 84 months), lead times in months and unit prices of the
    items with a price and a lead time of at most a year; ``sample`` items drawn at random."""
    with gzip.open(PANELS / "raf.csv.gz", "rt") as handle:
        rows = np.genfromtxt(handle, delimiter=",", skip_header=1)
    lead, price, Y = rows[:, 0], rows[:, 1], rows[:, 2:]
    keep = np.flatnonzero((lead <= RAF_MAX_LEAD) & (price > 0))
    if sample and sample < len(keep):
        keep = np.sort(np.random.default_rng(3).choice(keep, sample, replace=False))
    return Y[keep], lead[keep], price[keep]


def raf_minimums(price):
    """Simulated vendor minimums: dear items come as single units, cheap ones in packs."""
    cheap = price < np.quantile(price, RAF_PACK_QUANTILE)
    pack = np.where(cheap, RAF_PACK, 0.0)
    return pack, pack


def interpolate_stock(frontier, fill):
    """Stock value at ``fill`` read between the two runs of a frontier [(fill, stock)] that
    bracket it, or None outside the frontier."""
    points = sorted(frontier)
    for (f0, s0), (f1, s1) in zip(points, points[1:], strict=False):
        if f0 <= fill <= f1:
            share = (fill - f0) / (f1 - f0) if f1 > f0 else 0.0
            return s0 + share * (s1 - s0)
    return None


def calibration_report(title, ours, sigma, minmax):
    """Target vs realised fill of our policy, the normal-sigma frontier, and each side's stock
    at the fill rates the other reaches."""
    print(f"\n#### {title}\n")
    print("| policy | target | fill rate | miss (points) | avg stock value | orders |")
    print("|---|---|---|---|---|---|")
    for target, r in ours:
        print(
            f"| forecast_engine | {target:.0%} | {r['fill']:.3f} | "
            f"{100 * (r['fill'] - target):+.1f} | {r['inventory']:,.0f} | {r['orders']:,} |"
        )
    for z, r in sigma:
        print(
            f"| normal-sigma, z = {z:.1f} | - | {r['fill']:.3f} | - | {r['inventory']:,.0f} "
            f"| {r['orders']:,} |"
        )
    print(
        f"| mean min/max | - | {minmax['fill']:.3f} | - | {minmax['inventory']:,.0f} "
        f"| {minmax['orders']:,} |"
    )
    our_frontier = [(r["fill"], r["inventory"]) for _, r in ours]
    sigma_frontier = [(r["fill"], r["inventory"]) for _, r in sigma]
    print("\n| fill rate | forecast_engine stock | normal-sigma stock | ours vs normal-sigma |")
    print("|---|---|---|---|")
    fills = sorted({round(f, 3) for f, _ in our_frontier + sigma_frontier})
    for fill in fills:
        mine = interpolate_stock(our_frontier, fill)
        theirs = interpolate_stock(sigma_frontier, fill)
        if mine is None or theirs is None or not theirs:
            continue
        print(f"| {fill:.3f} | {mine:,.0f} | {theirs:,.0f} | {100 * (mine / theirs - 1):+.1f}% |")
    misses = [abs(r["fill"] - t) for t, r in ours]
    print(f"\nlargest miss of the target: {100 * max(misses):.1f} points")


def replay_raf(sample=None, minimums=False):
    """RAF replayed month by month with its real lead times and prices: our policy at each
    target of RAF_TARGETS, the normal-sigma frontier, the mean min/max rule."""
    Y, lead, cost = raf_panel(sample)
    n, T = Y.shape
    moq, multiple = raf_minimums(cost) if minimums else (np.zeros(n), np.zeros(n))
    start = T - RAF_REPLAYED - RAF_WARMUP
    args = (Y, start, RAF_WARMUP, lead, moq, multiple, cost, 12)
    ours = [(t, replay("forecast_engine", *args, service=t)) for t in RAF_TARGETS]
    sigma = [(z, replay("normal-sigma", *args, z=z)) for z in Z_FRONTIER]
    minmax = replay("mean min/max", *args)
    packs = (
        f"packs of {RAF_PACK:.0f} for the items cheaper than the median price"
        if minimums
        else "no minimums"
    )
    calibration_report(
        f"RAF spare parts, monthly: {n:,} items with lead times 0-{RAF_MAX_LEAD} months, "
        f"{RAF_REPLAYED} months replayed after a {RAF_WARMUP}-month warm-up, monthly review, "
        f"real prices, {packs}",
        ours,
        sigma,
        minmax,
    )


def speed(n=10_000, periods=104):
    Y, lead, moq, multiple, _ = simulated("intermittent", n, periods, 99)
    order_quantities(Y[:20], np.zeros(20), lead[:20])  # lazy imports
    runs = []
    for _ in range(3):  # best of 3 on a shared machine; CPU time printed too
        wall, cpu = time.perf_counter(), time.process_time()
        order_quantities(Y, np.zeros(n), lead, 1, moq, multiple, SERVICE)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    seconds, cpu = min(runs)
    print(
        f"\n#### Speed: order_quantities for {n:,} items x {periods} weeks of history, lead times"
        f" 1-16 weeks\n\n{seconds:.2f} s wall, {cpu:.2f} s CPU, one core "
        f"({1000 * seconds / n:.3f} ms per item)"
    )


def replay_simulated(kind, n, title, lead=None):
    """Replay one simulated weekly panel; ``lead`` (n,) replaces its own lead times."""
    total = HISTORY_WEEKS + WARMUP_WEEKS + REPLAYED_WEEKS
    Y, own_lead, moq, multiple, cost = simulated(kind, n, total, SEEDS[kind])
    lead = own_lead if lead is None else lead
    run_panel(title, Y, HISTORY_WEEKS, WARMUP_WEEKS, lead, moq, multiple, cost, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="300 items per simulated panel")
    parser.add_argument(
        "--raf-only", action="store_true", help="only the RAF replays (with and without minimums)"
    )
    parser.add_argument("--raf-sample", type=int, help="RAF items drawn at random (default all)")
    parser.add_argument("--docs", action="store_true", help="write the tables into " + DOC.name)
    args = parser.parse_args()
    one_core()
    recorder = Recorder(sys.stdout)
    sys.stdout = recorder
    try:
        replays(args)
    finally:
        sys.stdout = recorder.stream
    if args.docs:
        scope = "quick: 300 items per simulated panel, 500 RAF items" if args.quick else "full"
        write_block(DOC, "replay", [*recorder.lines, "", f"({machine()}; {scope}; `make bench`.)"])


class Recorder:
    """Standard output that also keeps what was printed, for --docs."""

    def __init__(self, stream):
        self.stream = stream
        self.text = []

    def write(self, text):
        self.text.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()

    @property
    def lines(self):
        return "".join(self.text).splitlines()


def replays(args):
    print("### Replenishment replay (one core)")
    raf_sample = args.raf_sample or (500 if args.quick else None)
    for minimums in (False, True):
        replay_raf(raf_sample, minimums)
    if args.raf_only:
        return
    print(f"\n#### Simulated and contract-register panels (target service {SERVICE:.0%})")
    n = 300 if args.quick else 1000
    for kind in SEEDS:
        replay_simulated(
            kind,
            n,
            f"Simulated weekly, {kind}: {n} items, {HISTORY_WEEKS} weeks of history, "
            f"{REPLAYED_WEEKS} weeks replayed after {WARMUP_WEEKS} warm-up weeks, lead times 1-16 "
            "weeks, MOQ on half the items",
        )
    # the lead times of the weekly data the policy is judged on (issue #8): the intermittent
    # items above, each with a lead time of 7 or 16 weeks
    replay_simulated(
        "intermittent",
        n,
        f"Simulated weekly, intermittent, lead times 7 and 16 weeks: the {n} intermittent items"
        " above, half of them with a lead time of 7 weeks, half with 16",
        np.where(np.random.default_rng(1).random(n) < 0.5, 7.0, 16.0),
    )
    Y, lead, moq, multiple, cost = real_monthly()
    run_panel(
        f"Real contracts, monthly: {Y.shape[0]} items with >= 2 demand months in 2018-2021, "
        "2022 replayed after 3 warm-up months (Oct-Dec 2021), lead times 1-3 months",
        Y,
        45,
        3,
        lead,
        moq,
        multiple,
        cost,
        12,
    )
    speed()


if __name__ == "__main__":
    main()
