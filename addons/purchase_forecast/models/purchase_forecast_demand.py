import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from odoo import api, fields, models
from odoo.fields import Domain

from ..forecast_engine.periods import period_index, period_range, period_start

# a period in stock for less than this share of its days is estimated as if it had been in
# stock for this share: one day of sales never becomes a month's demand times thirty
MIN_IN_STOCK_SHARE = 0.25


@dataclass
class DemandScope:
    """What demand history to read: whose, where, which products, how bucketed, how far back."""

    company: models.BaseModel
    products: models.BaseModel | None  # None: every product
    period: str
    date_from: dt.date  # first day of the oldest period
    date_to: dt.date  # first day of the current (incomplete) period: excluded
    source: str = "moves"  # moves | purchases
    measure: str = "quantity"  # quantity | amount
    warehouses: models.BaseModel | None = None


@dataclass
class DemandPanel:
    """Demand per product and period, oldest period first, as the engine takes it.

    NaN before a product's first appearance in the data (it did not exist yet) and in
    periods where it was out of stock and nothing went out: zero sales then are not zero
    demand. `stockout` marks those stockout periods. A period in stock only part of the time
    is *censored*: its sales are what the days in stock allowed, so its demand is estimated
    as sales / share of the days in stock; `censored` marks those periods.
    """

    product_ids: list[int]
    starts: list[dt.date]
    values: np.ndarray
    stockout: np.ndarray = field(default=None)
    censored: np.ndarray = field(default=None)

    def row(self, product_id: int) -> int:
        return self.product_ids.index(product_id)


class PurchaseForecastDemand(models.AbstractModel):
    """Builds demand history panels with a few grouped queries for a whole product scope."""

    _name = "purchase.forecast.demand"
    _description = "Demand History Builder"

    # ---------------------------------------------------------------- domains (hooks)

    @api.model
    def _product_domain(self, scope):
        if scope.products is None:
            return Domain.TRUE
        return Domain("product_id", "in", scope.products.ids)

    @api.model
    def _warehouse_location_domain(self, prefix, warehouses):
        """Locations of the scope: internal locations of the warehouses, or of the company."""
        if warehouses:
            return Domain(f"{prefix}.warehouse_id", "in", warehouses.ids)
        return Domain(f"{prefix}.usage", "=", "internal")

    @api.model
    def _demand_move_domain(self, scope):
        """Done moves that are demand: goods leaving the scope's stock for good.

        Unlike purchase_stock's suggest domain, only the move that actually leaves (its
        destination is outside the scope) counts, never an earlier step whose *final*
        location is the customer: with pick-pack-ship that domain counts a sale two or
        three times (odoo/odoo#247593). Returns, scrap and inventory adjustments are not
        demand; transfers between the scope's own warehouses are not either.
        """
        domain = self._product_domain(scope) & Domain(
            [
                ("state", "=", "done"),
                ("company_id", "=", scope.company.id),
                ("origin_returned_move_id", "=", False),
                ("location_dest_id.usage", "not in", ("inventory", "supplier")),
            ]
        )
        if scope.warehouses:
            return domain & Domain(
                [
                    ("location_id.warehouse_id", "in", scope.warehouses.ids),
                    "|",
                    ("location_dest_id.warehouse_id", "=", False),
                    ("location_dest_id.warehouse_id", "not in", scope.warehouses.ids),
                ]
            )
        return domain & Domain(
            [
                ("location_id.usage", "in", ("internal", "transit")),
                ("location_dest_id.usage", "in", ("customer", "production")),
            ]
        )

    @api.model
    def _scope_stock_move_domain(self, scope):
        """Done moves into or out of the scope's stock: where the product's life there shows."""
        return (
            self._product_domain(scope)
            & Domain([("state", "=", "done"), ("company_id", "=", scope.company.id)])
            & (
                self._warehouse_location_domain("location_id", scope.warehouses)
                | self._warehouse_location_domain("location_dest_id", scope.warehouses)
            )
        )

    @api.model
    def _stock_flow_domain(self, scope, direction):
        """Done moves into (`in`) or out of (`out`) the scope's stock, whatever the reason."""
        inside = "location_dest_id" if direction == "in" else "location_id"
        outside = "location_id" if direction == "in" else "location_dest_id"
        return (
            self._product_domain(scope)
            & Domain(
                [
                    ("state", "=", "done"),
                    ("company_id", "=", scope.company.id),
                    ("date", ">=", scope.date_from),
                ]
            )
            & (
                self._warehouse_location_domain(inside, scope.warehouses)
                & ~self._warehouse_location_domain(outside, scope.warehouses)
            )
        )

    # ---------------------------------------------------------------- bucketing helpers

    @api.model
    def _groupby_date(self, field_name, period):
        # weeks are bucketed from days: Odoo's own week grouping follows the user's language
        return f"{field_name}:{'day' if period == 'week' else period}"

    @api.model
    def _accumulate(self, matrix, rows, index, product_pos, period):
        """Add grouped (product, date, value) rows into matrix[product, period]."""
        for product_id, day, value in rows:
            if not day:
                continue
            column = index.get(period_start(day, period))
            position = product_pos.get(product_id)
            if column is not None and position is not None:
                matrix[position, column] += value

    @api.model
    def _move_quantities(self, domain, period):
        """(product id, date, quantity in the product's unit) of grouped done moves."""
        groups = (
            self.env["stock.move"]
            .sudo()
            ._read_group(
                domain,
                ["product_id", "product_uom", self._groupby_date("date", period)],
                ["quantity:sum"],
            )
        )
        rows = []
        for product, uom, day, quantity in groups:
            if uom != product.uom_id:
                quantity = uom._compute_quantity(quantity, product.uom_id, round=False)
            rows.append((product.id, day, quantity))
        return rows

    # ---------------------------------------------------------------- sources

    @api.model
    def _rows_from_moves(self, scope):
        domain = self._demand_move_domain(scope) & Domain(
            [("date", ">=", scope.date_from), ("date", "<", scope.date_to)]
        )
        rows = self._move_quantities(domain, scope.period)
        if scope.measure == "amount":
            prices = self._standard_prices(scope)
            rows = [(pid, day, qty * prices.get(pid, 0.0)) for pid, day, qty in rows]
        return rows

    @api.model
    def _standard_prices(self, scope):
        products = scope.products.with_company(scope.company)
        return {product.id: product.standard_price for product in products}

    @api.model
    def _rows_from_purchases(self, scope):
        """Confirmed purchases, in the product's unit and the company's currency."""
        domain = self._purchase_domain(scope) & Domain(
            [("date_approve", ">=", scope.date_from), ("date_approve", "<", scope.date_to)]
        )
        aggregate = "untaxed_total:sum" if scope.measure == "amount" else "qty_ordered:sum"
        groups = self._purchase_report()._read_group(
            domain,
            ["product_id", self._groupby_date("date_approve", scope.period)],
            [aggregate],
        )
        return [(product.id, day, value) for product, day, value in groups]

    @api.model
    def _purchase_report(self):
        """purchase.report is a view over order tables: flush pending order changes first."""
        self.env["purchase.order"].flush_model()
        self.env["purchase.order.line"].flush_model()
        return self.env["purchase.report"].sudo()

    @api.model
    def _purchase_domain(self, scope):
        domain = self._product_domain(scope) & Domain(
            [("state", "=", "purchase"), ("company_id", "=", scope.company.id)]
        )
        if scope.warehouses:
            domain &= Domain("picking_type_id.warehouse_id", "in", scope.warehouses.ids)
        return domain

    @api.model
    def _history_domain(self, scope):
        kind = "consumption" if scope.source == "moves" else "purchase"
        domain = self._product_domain(scope) & Domain(
            [("company_id", "=", scope.company.id), ("kind", "=", kind)]
        )
        # records without a warehouse (most imports) belong to the company's main warehouse:
        # they count there and company-wide, never in several warehouses at once
        if scope.warehouses:
            main = self.env["stock.warehouse"].search(
                [("company_id", "=", scope.company.id)], limit=1
            )
            located = Domain("warehouse_id", "in", scope.warehouses.ids)
            domain &= (
                located | Domain("warehouse_id", "=", False)
                if main in scope.warehouses
                else located
            )
        if scope.measure == "quantity":
            domain &= Domain("has_quantity", "=", True)
        return domain

    @api.model
    def _rows_from_history(self, scope):
        domain = self._history_domain(scope) & Domain(
            [("date", ">=", scope.date_from), ("date", "<", scope.date_to)]
        )
        aggregate = "amount:sum" if scope.measure == "amount" else "quantity:sum"
        groups = (
            self.env["purchase.forecast.history"]
            .sudo()
            ._read_group(
                domain, ["product_id", self._groupby_date("date", scope.period)], [aggregate]
            )
        )
        return [(product.id, day, value) for product, day, value in groups]

    @api.model
    def _first_seen(self, scope):
        """First date each product appears in the data, whatever the window: it existed then."""
        first = {}

        def keep(groups):
            for product, day in groups:
                if day:
                    day = day.date() if isinstance(day, dt.datetime) else day
                    first[product.id] = min(first.get(product.id, day), day)

        history = self._history_domain(scope)
        keep(
            self.env["purchase.forecast.history"]
            .sudo()
            ._read_group(history, ["product_id"], ["date:min"])
        )
        if scope.source == "moves":
            keep(
                self.env["stock.move"]
                .sudo()
                ._read_group(self._scope_stock_move_domain(scope), ["product_id"], ["date:min"])
            )
        else:
            keep(
                self._purchase_report()._read_group(
                    self._purchase_domain(scope), ["product_id"], ["date_approve:min"]
                )
            )
        return first

    # ---------------------------------------------------------------- stockouts

    @api.model
    def _in_stock_share(self, scope, products_pos, starts):
        """Share of each period's days (n, len(starts)) a storable product had stock: NaN where
        Odoo does not track it (not storable, purchases as the source, or before its first
        stock move: its stock was kept elsewhere then and says nothing about stockouts).

        Stock at the end of each day is rolled back from today's quantity on hand through the
        done moves in and out of the scope's stock; a day counts as in stock when stock was
        left at its end or something went out during it.
        """
        share = np.full((len(products_pos), len(starts)), np.nan)
        storable = [p for p in scope.products if p.is_storable]
        if scope.source != "moves" or not storable or not starts:
            return share
        today = fields.Date.context_today(self)
        days = (today - scope.date_from).days + 1
        flows = {direction: np.zeros((len(products_pos), days)) for direction in ("in", "out")}
        for direction, matrix in flows.items():
            domain = self._stock_flow_domain(scope, direction)
            for product_id, day, quantity in self._move_quantities(domain, "day"):
                offset = (_as_date(day) - scope.date_from).days
                if 0 <= offset < days:
                    matrix[products_pos[product_id], offset] += quantity
        net = flows["in"] - flows["out"]
        moved_after = np.cumsum(net[:, ::-1], axis=1)[:, ::-1] - net
        closing = self._on_hand(scope, storable, products_pos)[:, None] - moved_after
        stocked = (closing > 1e-9) | (flows["out"] > 1e-9)
        tracked = self._tracked_days(scope, storable, products_pos, days)
        ends = [*starts[1:], scope.date_to]
        for column, (start, end) in enumerate(zip(starts, ends, strict=True)):
            a, b = (start - scope.date_from).days, min((end - scope.date_from).days, days)
            seen = tracked[:, a:b].sum(axis=1)
            in_stock = (stocked[:, a:b] & tracked[:, a:b]).sum(axis=1)
            share[:, column] = np.where(seen > 0, in_stock / np.maximum(seen, 1), np.nan)
        return share

    @api.model
    def _on_hand(self, scope, storable, products_pos):
        """Today's quantity on hand per product in the scope's stock."""
        domain = Domain(
            [
                ("product_id", "in", [p.id for p in storable]),
                ("company_id", "=", scope.company.id),
            ]
        ) & self._warehouse_location_domain("location_id", scope.warehouses)
        on_hand = np.zeros(len(products_pos))
        for product, quantity in (
            self.env["stock.quant"].sudo()._read_group(domain, ["product_id"], ["quantity:sum"])
        ):
            on_hand[products_pos[product.id]] = quantity
        return on_hand

    @api.model
    def _tracked_days(self, scope, storable, products_pos, days):
        """(n, days): from each storable product's first stock move in Odoo on."""
        domain = self._scope_stock_move_domain(scope) & Domain(
            "product_id", "in", [p.id for p in storable]
        )
        tracked = np.zeros((len(products_pos), days), dtype=bool)
        for product, first in (
            self.env["stock.move"].sudo()._read_group(domain, ["product_id"], ["date:min"])
        ):
            offset = max((_as_date(first) - scope.date_from).days, 0)
            tracked[products_pos[product.id], offset:] = True
        return tracked

    @api.model
    def _imported_closing(self, scope, products_pos, starts):
        """Imported closing balances (1C turnover sheets, stock listings) at the end of each
        period, (n, len(starts)); NaN where none was imported."""
        closing = np.full((len(products_pos), len(starts)), np.nan)
        if scope.measure != "quantity" or scope.source != "moves" or not starts:
            return closing
        domain = self._product_domain(scope) & Domain(
            [
                ("company_id", "=", scope.company.id),
                ("has_quantity", "=", True),
                ("date", ">=", scope.date_from),
                ("date", "<", scope.date_to),
            ]
        )
        if scope.warehouses:
            domain &= Domain("warehouse_id", "in", scope.warehouses.ids) | Domain(
                "warehouse_id", "=", False
            )
        # a date's balance is the sum over its locations and accounts
        levels = (
            self.env["purchase.forecast.stock.level"]
            .sudo()
            ._read_group(domain, ["product_id", "date:day"], ["quantity:sum"], order="date:day")
        )
        index = period_index(starts)
        for product, day, quantity in levels:
            column = index.get(period_start(_as_date(day), scope.period))
            position = products_pos.get(product.id)
            if column is not None and position is not None:
                closing[position, column] = quantity  # the period's last balance closes it
        return closing

    @api.model
    def _censor(self, values, share, closing):
        """Stockouts and censored periods. From Odoo's stock (`share` of days in stock): a
        period with no day in stock and nothing sold is unknown demand (NaN); one in stock
        part of the time had its sales cut short, so its demand is sales / share (at most
        1 / MIN share). From imported balances where Odoo has no stock (`closing`): a period
        that closed at zero ran out during it, so its issues are censored (kept as they are,
        a lower bound: the days are unknown); one that also opened at zero with nothing
        issued is unknown demand."""
        known = ~np.isnan(share)
        stockout = known & (np.nan_to_num(share) <= 0) & (np.abs(values) <= 1e-9)
        censored = known & (np.nan_to_num(share, nan=1.0) < 1 - 1e-9) & (values > 1e-9)
        values[censored] /= np.maximum(share[censored], MIN_IN_STOCK_SHARE)
        empty = ~known & (np.abs(np.nan_to_num(closing, nan=1.0)) <= 1e-9)
        opened_empty = np.zeros_like(empty)
        opened_empty[:, 1:] = np.abs(np.nan_to_num(closing[:, :-1], nan=1.0)) <= 1e-9
        censored |= empty & (values > 1e-9)
        stockout |= empty & opened_empty & (np.abs(values) <= 1e-9)
        values[stockout] = np.nan
        return stockout, censored

    # ---------------------------------------------------------------- entry points

    @api.model
    def _build_panel(self, scope):
        """The demand panel of a scope: a few grouped queries, whatever the number of products."""
        starts = period_range(scope.date_from, scope.date_to, scope.period)
        product_ids = scope.products.ids
        products_pos = {pid: i for i, pid in enumerate(product_ids)}
        values = np.zeros((len(product_ids), len(starts)))
        index = period_index(starts)
        rows = self._rows_from_moves(scope) if scope.source == "moves" else []
        if scope.source == "purchases":
            rows = self._rows_from_purchases(scope)
        rows += self._rows_from_history(scope)
        self._accumulate(values, rows, index, products_pos, scope.period)
        share = self._in_stock_share(scope, products_pos, starts)
        closing = self._imported_closing(scope, products_pos, starts)
        stockout, censored = self._censor(values, share, closing)
        first_seen = self._first_seen(scope)
        for product_id, position in products_pos.items():
            first = first_seen.get(product_id)
            if first is None:
                values[position, :] = np.nan
                continue
            first_start = period_start(first, scope.period)
            leading = sum(1 for start in starts if start < first_start)
            values[position, :leading] = np.nan
        return DemandPanel(product_ids, starts, values, stockout, censored)

    @api.model
    def _products_with_demand(self, scope):
        """Products with any demand in the scope's window, in two or three grouped queries."""
        window = Domain([("date", ">=", scope.date_from), ("date", "<", scope.date_to)])
        found = set()
        if scope.source == "moves":
            domain = self._demand_move_domain(scope) & window
            groups = self.env["stock.move"].sudo()._read_group(domain, ["product_id"])
        else:
            domain = self._purchase_domain(scope) & Domain(
                [("date_approve", ">=", scope.date_from), ("date_approve", "<", scope.date_to)]
            )
            groups = self._purchase_report()._read_group(domain, ["product_id"])
        found.update(product.id for (product,) in groups)
        history = self._history_domain(scope) & window
        groups = self.env["purchase.forecast.history"].sudo()._read_group(history, ["product_id"])
        found.update(product.id for (product,) in groups)
        return self.env["product.product"].browse(sorted(found))

    @api.model
    def _actuals(self, scope):
        """Realised demand per (product id, period start) of a scope: for forecast vs actual."""
        values = defaultdict(float)
        rows = self._rows_from_moves(scope) if scope.source == "moves" else []
        if scope.source == "purchases":
            rows = self._rows_from_purchases(scope)
        for product_id, day, value in rows + self._rows_from_history(scope):
            if day:
                values[(product_id, period_start(day, scope.period))] += value
        return values


def _as_date(value):
    """A day grouped out of a datetime field: its date."""
    return value.date() if isinstance(value, dt.datetime) else value
