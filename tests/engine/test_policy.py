"""order_quantities: hand-computed cases, rounding, monotonicity, reasons for the plan line."""

import numpy as np
import pytest

from forecast_engine import order_quantities
from forecast_engine.allocation import item_levels
from forecast_engine.policy import _reason, shortage_curves

STEADY = np.full((1, 24), 5.0)  # exactly 5 a period: demand over any interval is known


def test_no_demand_orders_nothing():
    """Two years without demand and nothing back-ordered: no order, and the reason says so."""
    advice = order_quantities(np.zeros((1, 24)), [0.0], [2])
    assert advice.quantity[0] == 0.0
    assert advice.order_up_to[0] == 0.0
    assert "nothing to order" in advice.reason[0]


def test_backorders_without_demand_are_covered():
    """No demand expected but 3 units back-ordered (position -3): order exactly 3."""
    advice = order_quantities(np.zeros((1, 24)), [-3.0], [2])
    assert advice.quantity[0] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("lead_time", "review", "expected"),
    [(0, 1, 5.0), (2, 1, 15.0), (3, 2, 25.0), (0.5, 1, 7.5), (21 / 30, 1, 5 * (1 + 0.7))],
)
def test_steady_demand_by_hand(lead_time, review, expected):
    """Steady 5 a period: the order-up-to level is 5 x (lead time + review), fractions included,
    with no safety stock; from an empty position that is the quantity."""
    advice = order_quantities(STEADY, [0.0], [lead_time], review=review)
    assert advice.order_up_to[0] == pytest.approx(expected)
    assert advice.expected_demand[0] == pytest.approx(expected)
    assert advice.safety_stock[0] == pytest.approx(0.0, abs=1e-9)
    assert advice.quantity[0] == pytest.approx(expected)


def test_position_above_order_up_to_orders_nothing():
    """A position of 100 against an order-up-to level of 15: no order, and the reason says so."""
    advice = order_quantities(STEADY, [100.0], [2])
    assert advice.quantity[0] == 0.0
    assert "no order" in advice.reason[0]


def test_moq_and_multiple():
    """Need 15: MOQ 50 gives 50; multiple 12 gives 24; MOQ 50 with multiple 12 gives 60."""
    Y = np.repeat(STEADY, 4, axis=0)
    advice = order_quantities(
        Y, np.zeros(4), np.full(4, 2), moq=[0, 50, 0, 50], multiple=[0, 0, 12, 12]
    )
    assert advice.quantity.tolist() == pytest.approx([15.0, 50.0, 24.0, 60.0])
    assert "minimum order quantity" in advice.reason[1]
    assert "multiple of 12" in advice.reason[2]


def test_no_order_means_no_moq():
    """The minimum order quantity applies only when an order is placed."""
    advice = order_quantities(STEADY, [20.0], [2], moq=[50])
    assert advice.quantity[0] == 0.0


def intermittent(n=1, seed=9):
    rng = np.random.default_rng(seed)
    return ((rng.random((n, 104)) < 0.25) * rng.integers(1, 8, (n, 104))).astype(float)


def test_monotone_in_service_level():
    """Every item at its own target: a higher target never lowers the order-up-to level or the
    quantity, and each item's expected fill rate is its target."""
    Y = np.repeat(intermittent(), 5, axis=0)
    levels = [0.5, 0.8, 0.9, 0.95, 0.99]
    advice = order_quantities(
        Y, np.zeros(5), np.full(5, 4), service_level=levels, service_scope="item"
    )
    assert (np.diff(advice.order_up_to) > 0).all()
    assert (np.diff(advice.quantity) >= 0).all()
    assert advice.fill_rate[1:] == pytest.approx(levels[1:], abs=1e-6)


def test_plan_target_is_monotone_in_service_level():
    """A target across the plan: raising it never lowers any item's level."""
    Y = np.vstack([intermittent(3, seed=4), np.random.default_rng(4).poisson(6, (3, 104))])
    levels = [
        order_quantities(Y, np.zeros(6), np.full(6, 3), service_level=q).order_up_to
        for q in (0.6, 0.8, 0.9, 0.95, 0.99)
    ]
    assert (np.diff(np.array(levels), axis=0) >= -1e-9).all()
    assert (levels[-1] > levels[0]).all()


def mixed_panel(n=120, T=160, seed=21):
    """Half steady Poisson(10) items, half lumpy ones (a demand one period in five, sizes
    1 + negative binomial with mean 20), costs spread over two orders of magnitude."""
    rng = np.random.default_rng(seed)
    half = n // 2
    smooth = rng.poisson(10, (half, T))
    lumpy = (rng.random((n - half, T)) < 0.2) * (
        1 + rng.negative_binomial(0.5, 0.5 / 20.5, (n - half, T))
    )
    cost = np.exp(rng.normal(3, 1, n))
    return np.vstack([smooth, lumpy]).astype(float), cost


def replayed(Y, start, L, level):
    """Base-stock replay of each item's own future demand at its level: (units served from
    stock, units demanded) per item."""
    n, T = Y.shape
    served = np.zeros(n)
    demanded = np.zeros(n)
    for t in range(start, T - L - 1):
        short_before = np.maximum(Y[:, t : t + L].sum(axis=1) - level, 0.0)
        short_after = np.maximum(Y[:, t : t + L + 1].sum(axis=1) - level, 0.0)
        served += Y[:, t + L] - (short_after - short_before)
        demanded += Y[:, t + L]
    return served, demanded


def test_plan_target_needs_less_stock_value_for_the_same_fill_rate():
    """A 95% target across a plan of steady and lumpy items with unit costs: the plan as a
    whole serves about 95% of the demand from stock (replaying the items' real future), with
    clearly less stock value than giving every item 95%; costly and lumpy items get less than
    95%, cheap steady ones more."""
    Y, cost = mixed_panel()
    L, start = 2, 104
    common = {"position": np.zeros(len(Y)), "lead_time": np.full(len(Y), L), "unit_cost": cost}
    plan = order_quantities(Y[:, :start], service_scope="plan", **common)
    item = order_quantities(Y[:, :start], service_scope="item", **common)
    served, demanded = replayed(Y, start, L, plan.order_up_to)
    assert served.sum() / demanded.sum() == pytest.approx(0.95, abs=0.02)
    assert (plan.order_up_to * cost).sum() < 0.85 * (item.order_up_to * cost).sum()
    smooth = np.arange(len(Y)) < len(Y) // 2
    cheap = cost < np.median(cost)
    assert plan.fill_rate[smooth & cheap].mean() > 0.95 > plan.fill_rate[~smooth & ~cheap].mean()
    # lumpy items are never planned below their expected demand
    assert (plan.safety_stock[~smooth] >= -1e-9).all()


def test_costlier_twin_gets_less_stock():
    """Two items with the same demand, one ten times dearer: across the plan the cheap one
    gets the higher level; every item at the target gives both the same."""
    Y = np.repeat(intermittent(), 2, axis=0)
    args = (Y, np.zeros(2), np.full(2, 3))
    plan = order_quantities(*args, unit_cost=[1.0, 10.0])
    item = order_quantities(*args, unit_cost=[1.0, 10.0], service_scope="item")
    assert plan.order_up_to[0] > plan.order_up_to[1]
    assert plan.fill_rate[0] > plan.fill_rate[1]
    assert item.order_up_to[0] == pytest.approx(item.order_up_to[1])


def test_costly_smooth_item_may_stay_below_its_expected_demand():
    """Across a plan of ten steady items, one a hundred times dearer than the others is kept
    below its expected demand over lead time + review, and its reason says so; with every
    item at the target, or for intermittent items, no level is below the expected demand."""
    Y = np.random.default_rng(14).poisson(10, (10, 104)).astype(float)
    cost = [100.0] + [1.0] * 9
    args = (np.zeros(10), np.full(10, 8))
    plan = order_quantities(Y, *args, unit_cost=cost)
    assert plan.order_up_to[0] < plan.expected_demand[0]
    assert (plan.order_up_to[1:] > plan.expected_demand[1:]).all()
    assert "less" in plan.reason[0] and "across the plan this item gets" in plan.reason[0]
    ((_, params),) = plan.reason_parts[0]
    assert "safety" not in params  # no negative safety stock in the sentence or its values
    gap = plan.expected_demand[0] - plan.order_up_to[0]
    assert params["below"] == pytest.approx(gap, abs=0.01)
    assert "safety stock" in plan.reason[1]
    item = order_quantities(Y, *args, unit_cost=cost, service_scope="item")
    assert (item.safety_stock >= 0).all()
    sparse = order_quantities(np.repeat(intermittent(), 10, axis=0), *args, unit_cost=cost)
    assert (sparse.safety_stock >= 0).all()


def test_single_item_plan_is_the_item_target():
    """A plan of one item is that item's own target."""
    Y = intermittent()
    for q in (0.8, 0.95):
        plan = order_quantities(Y, [0.0], [4], service_level=q)
        item = order_quantities(Y, [0.0], [4], service_level=q, service_scope="item")
        assert plan.order_up_to[0] == pytest.approx(item.order_up_to[0], rel=1e-6)
        assert plan.fill_rate[0] == pytest.approx(q, abs=1e-6)


def test_missing_costs_take_the_median():
    """A product without a cost (0 or NaN) is neither free nor infinitely dear: it weighs as
    the median of the known costs."""
    Y = np.repeat(intermittent(), 3, axis=0)
    args = (Y, np.zeros(3), np.full(3, 3))
    known = order_quantities(*args, unit_cost=[5.0, 5.0, 5.0])
    missing = order_quantities(*args, unit_cost=[5.0, 0.0, np.nan])
    assert missing.order_up_to == pytest.approx(known.order_up_to)


def test_monotone_in_lead_time():
    """A clearly longer (fractional) lead time gives a higher order-up-to level. (Lead times
    closer than a period or two can swap by the Monte Carlo noise of 256 paths: a longer lead
    time's review period falls on other simulated periods.)"""
    Y = np.repeat(intermittent(), 5, axis=0)
    advice = order_quantities(Y, np.zeros(5), [0, 0.69, 3, 7, 14])
    assert (np.diff(advice.order_up_to) > 0).all()


def test_lead_time_spread_widens_the_level():
    """An uncertain lead time (spread 2 around 4 periods) needs more stock than a fixed one,
    even for perfectly steady demand."""
    Y = np.repeat(STEADY, 2, axis=0)
    advice = order_quantities(Y, np.zeros(2), [4, 4], lead_time_std=[0.0, 2.0])
    assert advice.order_up_to[0] == pytest.approx(25.0)
    assert advice.order_up_to[1] > 27.0


def test_never_negative_on_awkward_input():
    """Mixed and messy items, negative positions, zero lead times: quantities >= 0, no NaN."""
    rng = np.random.default_rng(10)
    Y = rng.poisson(3, (8, 30)).astype(float)
    Y[0] = 0
    Y[1, :25] = np.nan
    Y[2, 10:14] = np.nan
    Y[3, 5] = -4
    advice = order_quantities(
        Y, rng.normal(0, 20, 8), rng.uniform(0, 5, 8), review=[0, 1, 2, 1, 1, 3, 1, 1]
    )
    for arr in (advice.quantity, advice.order_up_to, advice.expected_demand):
        assert np.isfinite(arr).all()
        assert (arr >= 0).all()


def test_intermittent_item_gets_a_fill_rate_level():
    """An intermittent item (demand a quarter of the periods, sizes 1-7): the order-up-to level
    is above the expected demand, and replaying its own future demand meets the target fill
    rate (units served from stock) at about 95%."""
    rng = np.random.default_rng(11)
    n, T, L = 300, 150, 3
    Y = ((rng.random((n, T)) < 0.25) * rng.integers(1, 8, (n, T))).astype(float)
    advice = order_quantities(Y[:, :104], np.zeros(n), np.full(n, L))
    assert (advice.order_up_to > advice.expected_demand).all()
    # base-stock replay over the next 40 periods of each item, position kept at the level
    served, demanded = replayed(Y, 104, L, advice.order_up_to)
    assert served.sum() / demanded.sum() == pytest.approx(0.95, abs=0.025)


def test_item_level_solves_the_shortage_equation():
    """The level found gives the target fill rate on the sample it was solved on (shortage
    counted path by path, as a buyer's stock would run out)."""
    rng = np.random.default_rng(12)
    lead = rng.poisson(10, (3, 400)).astype(float)
    cover = lead + rng.poisson(5, (3, 400))
    targets = np.array([0.9, 0.95, 0.99])
    level, fill = item_levels(*shortage_curves(cover, lead, np.zeros(3)), targets)
    for i, t in enumerate(targets):
        short = np.maximum(cover[i] - level[i], 0).mean() - np.maximum(lead[i] - level[i], 0).mean()
        assert 1 - short / (cover[i] - lead[i]).mean() == pytest.approx(t, abs=1e-3)
    assert fill == pytest.approx(targets, abs=1e-9)


def test_minimum_order_quantity_lowers_the_level():
    """Stock brought in by a minimum order of 20 (four cycles of demand) serves demand too: the
    same fill rate needs a lower order-up-to level than ordering exactly the need, and
    replaying the items' future with that minimum still meets the 95% target, without the
    three points of excess service that counting the batch as nothing gives."""
    rng = np.random.default_rng(13)
    n, T, L = 200, 170, 2
    Y = rng.poisson(5, (n, T)).astype(float)
    plain = order_quantities(Y[:, :104], np.zeros(n), np.full(n, L), service_scope="item")
    batched = order_quantities(
        Y[:, :104], np.zeros(n), np.full(n, L), moq=np.full(n, 20.0), service_scope="item"
    )
    assert (batched.order_up_to < plain.order_up_to).all()
    assert (batched.order_up_to >= batched.expected_demand - 1e-9).all()
    # replay: order max(need, 20) whenever the position is below the level
    on_hand = np.full(n, 20.0)
    pipeline = np.zeros((n, T + L + 1))
    served = demanded = 0.0
    for t in range(104, T):
        on_hand += pipeline[:, t]
        position = on_hand + pipeline[:, t + 1 :].sum(axis=1)
        need = batched.order_up_to - position
        pipeline[:, t + L] += np.where(need > 0, np.maximum(need, 20.0), 0.0)
        give = np.minimum(np.maximum(on_hand, 0.0), Y[:, t])
        on_hand -= Y[:, t]
        if t >= 114:
            served += give.sum()
            demanded += Y[:, t].sum()
    assert 0.95 <= served / demanded <= 0.975


def test_reason_parts_render_to_the_reason():
    """Each reason is its (template, params) parts rendered; numbers live in the params only."""
    Y = np.vstack([STEADY, np.zeros((1, 24)), STEADY, intermittent()[:, :24]])
    advice = order_quantities(Y, [0, 0, 100, -2], [2, 1, 2, 1], moq=[20, 0, 0, 0])
    for i, parts in enumerate(advice.reason_parts):
        assert advice.reason[i] == "".join(template % params for template, params in parts)
        for template, params in parts:
            assert not any(ch.isdigit() for ch in template)
            assert all(isinstance(v, (int, float)) for v in params.values())
    assert advice.reason[0].startswith("Order 20, the minimum order quantity")


def test_invalid_arguments_are_refused():
    """Negative lead times, service levels outside (0, 1) or wrong lengths raise ValueError."""
    with pytest.raises(ValueError):
        order_quantities(STEADY, [0.0], [-1])
    with pytest.raises(ValueError):
        order_quantities(STEADY, [0.0], [1], service_level=1.0)
    with pytest.raises(ValueError):
        order_quantities(STEADY, [0.0, 1.0], [1])
    with pytest.raises(ValueError):
        order_quantities(STEADY, [np.nan], [1])
    with pytest.raises(ValueError):
        order_quantities(STEADY, [0.0], [1], service_scope="everything")
    with pytest.raises(ValueError):
        order_quantities(STEADY, [0.0], [1], unit_cost=[1.0, 2.0])


def test_whole_units_are_named_only_when_the_figures_do_not_add_up():
    """A level of 1.004 shows as "1": ordering 2 from nothing says it was rounded up to whole
    units (no "order 2 ... below the level 1" riddle); a level of exactly 2 needs no word;
    rounding to a pack of 12 always says so; no reason speaks of periods."""
    riddle = _reason(2.0, 0.0, 1.004, 0.66, 0.344, 0.33, 0.782, 0.0, 1.0)
    text = "".join(t % p for t, p in riddle)
    assert text.startswith("Order 2, rounded up to whole units: the stock position 0 is below")
    assert "order-up-to level 1 (" in text
    exact = _reason(2.0, 0.0, 2.0, 1.5, 0.5, 0.33, 0.9, 0.0, 1.0)
    assert "".join(t % p for t, p in exact).startswith("Order 2: the stock position 0")
    Y = np.full((2, 24), 10.3)
    advice = order_quantities(Y, [0.0, 0.0], [1.0, 1.0], multiple=[1.0, 12.0])
    assert advice.quantity[0] == np.ceil(advice.quantity[0])
    assert "multiple" not in advice.reason[0]
    assert advice.quantity[1] % 12 == 0
    assert "multiple of 12" in advice.reason[1]
    assert not any("period" in reason for reason in advice.reason)
