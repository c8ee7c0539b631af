import datetime as dt

import numpy as np
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.purchase_forecast.models.purchase_forecast_demand import (
    MIN_IN_STOCK_SHARE,
    DemandScope,
)

from .common import PurchaseForecastCommon

D = dt.date


@tagged("post_install", "-at_install")
class TestDemandHistory(PurchaseForecastCommon):
    """Monthly demand from January to June 2026, read on 10 July 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._product("Kettle")
        cls.intermittent = cls._product("Projector")
        cls.late = cls._product("Camera")
        cls.other_warehouse = cls.env["stock.warehouse"].create({"name": "Branch", "code": "BR"})

        p = cls.product
        cls._receive(p, 100, D(2026, 1, 5))
        cls._deliver(p, 10, D(2026, 1, 10))
        # pick-pack-ship: the pick's final destination is the customer, but only the ship leaves
        cls._move(p, cls.stock, cls.output, 7, D(2026, 2, 3), location_final_id=cls.customers.id)
        cls._move(p, cls.output, cls.customers, 7, D(2026, 2, 4))
        sale = cls._deliver(p, 5, D(2026, 3, 8))
        cls._move(p, cls.customers, cls.stock, 3, D(2026, 3, 20), origin_returned_move_id=sale.id)
        cls._move(p, cls.stock, cls.scrap, 4, D(2026, 3, 22))
        cls._move(p, cls.stock, cls.production, 6, D(2026, 4, 11))
        cls._move(p, cls.stock, cls.other_warehouse.lot_stock_id, 4, D(2026, 5, 6))
        cls._deliver(p, 8, D(2026, 6, 30))

        q = cls.intermittent
        cls._receive(q, 5, D(2026, 1, 2))
        cls._deliver(q, 5, D(2026, 1, 20))  # sold out until April
        cls._receive(q, 10, D(2026, 4, 3))
        cls._deliver(q, 4, D(2026, 4, 20))
        cls._deliver(q, 3, D(2026, 5, 20))  # 3 left on hand through June: a real zero

        cls._receive(cls.late, 5, D(2026, 3, 15))
        cls._deliver(cls.late, 2, D(2026, 4, 2))

    def _panel(self, products, **scope):
        values = {
            "company": self.company,
            "products": products,
            "period": "month",
            "date_from": D(2026, 1, 1),
            "date_to": D(2026, 7, 1),
            **scope,
        }
        with freeze_time("2026-07-10"):
            return self.env["purchase.forecast.demand"]._build_panel(DemandScope(**values))

    def _row(self, panel, product):
        return panel.values[panel.row(product.id)]

    def test_demand_excludes_returns_scrap_and_pick_steps(self):
        """Only goods leaving for customers or production count: a pick-pack-ship sale once,
        never the customer's return, the scrap, or the transfer to the branch warehouse."""
        panel = self._panel(self.product)
        self.assertEqual(panel.starts[0], D(2026, 1, 1))
        self.assertEqual(len(panel.starts), 6)
        np.testing.assert_allclose(self._row(panel, self.product), [10, 7, 5, 6, 0, 8])

    def test_warehouse_scope_counts_transfers_out(self):
        """Seen from the main warehouse, goods sent to the branch are demand; from the branch
        warehouse, the same transfer is not."""
        main = self._panel(self.product, warehouses=self.warehouse)
        np.testing.assert_allclose(self._row(main, self.product), [10, 7, 5, 6, 4, 8])
        branch = self._row(self._panel(self.product, warehouses=self.other_warehouse), self.product)
        # the branch had no stock before May (unknown demand) and nothing left it since
        self.assertTrue(np.isnan(branch[:4]).all())
        np.testing.assert_allclose(branch[4:], [0, 0])

    def test_stockout_months_are_unknown_not_zero(self):
        """Months with nothing on hand and nothing received are unknown demand (NaN), while a
        month with stock on the shelf and no sales is a real zero. January (in stock 19 of
        the 30 days from the first receipt: sold out on the 20th) and April (no stock on the
        1st and 2nd) sold what their days in stock allowed: their demand is sales / share."""
        panel = self._panel(self.intermittent)
        row = self._row(panel, self.intermittent)
        position = panel.row(self.intermittent.id)
        self.assertAlmostEqual(row[0], 5 / (19 / 30))
        self.assertTrue(np.isnan(row[1]) and np.isnan(row[2]))
        np.testing.assert_allclose(row[3:], [4 / (28 / 30), 3, 0])
        self.assertEqual(
            panel.stockout[position].tolist(), [False, True, True, False, False, False]
        )
        self.assertEqual(
            panel.censored[position].tolist(), [True, False, False, True, False, False]
        )

    def test_one_day_in_stock_is_not_a_month_of_demand(self):
        """Stock for one day of March (received and sold out on the 31st): the estimate is
        capped at four times the sales, not 31 times."""
        item = self._product("Projector lamp")
        self._receive(item, 1, D(2026, 1, 15))
        self._deliver(item, 1, D(2026, 1, 15))
        self._receive(item, 3, D(2026, 3, 31))
        self._deliver(item, 3, D(2026, 3, 31))
        row = self._row(self._panel(item), item)
        self.assertAlmostEqual(row[2], 3 / MIN_IN_STOCK_SHARE)
        self.assertTrue(np.isnan(row[1]))

    def test_imported_zero_closing_balance_censors_the_period(self):
        """A product Odoo keeps no stock of, with imported 1C balances: the month that closed
        at zero after issues is censored (its issues kept, flagged), the next one that opened
        and closed at zero with nothing issued is unknown demand; a month closing with stock
        is plain demand."""
        item = self._product("Imported gloves")
        self.env["purchase.forecast.history"].create(
            [
                {"product_id": item.id, "date": D(2026, m, 10), "quantity": q, "key": f"g{m}"}
                for m, q in ((1, 4.0), (2, 6.0), (4, 2.0), (5, 1.0), (6, 3.0))
            ]
        )
        self.env["purchase.forecast.stock.level"].create(
            [
                {
                    "product_id": item.id,
                    "location_id": self.stock.id,
                    "date": D(2026, m, 28),
                    "quantity": q,
                    "key": f"s{m}",
                }
                for m, q in ((1, 6.0), (2, 0.0), (3, 0.0), (4, 5.0), (5, 4.0), (6, 1.0))
            ]
        )
        panel = self._panel(item)
        row = self._row(panel, item)
        position = panel.row(item.id)
        self.assertEqual(row[1], 6.0)
        self.assertTrue(np.isnan(row[2]))
        np.testing.assert_allclose(row[3:], [2.0, 1.0, 3.0])
        self.assertEqual(
            panel.censored[position].tolist(), [False, True, False, False, False, False]
        )
        self.assertEqual(
            panel.stockout[position].tolist(), [False, False, True, False, False, False]
        )

    def test_item_not_existing_yet_is_leading_nan(self):
        """A product first seen in March has unknown demand before March, not zero demand."""
        row = self._row(self._panel(self.late), self.late)
        self.assertTrue(np.isnan(row[:2]).all())
        np.testing.assert_allclose(row[2:], [0, 2, 0, 0])

    def test_imported_consumption_is_added(self):
        """Imported consumption without a warehouse adds to Odoo's moves company-wide and in
        the main warehouse, not in the branch."""
        self.env["purchase.forecast.history"].create(
            {"product_id": self.product.id, "date": D(2026, 5, 12), "quantity": 2.5, "key": "x1"}
        )
        np.testing.assert_allclose(
            self._row(self._panel(self.product), self.product), [10, 7, 5, 6, 2.5, 8]
        )
        main = self._panel(self.product, warehouses=self.warehouse)
        self.assertEqual(self._row(main, self.product)[4], 6.5)
        branch = self._panel(self.product, warehouses=self.other_warehouse)
        self.assertEqual(np.nansum(self._row(branch, self.product)), 0.0)

    def test_value_measure_uses_cost(self):
        """In value mode, demand is quantity times the product's cost."""
        panel = self._panel(self.product, measure="amount")
        np.testing.assert_allclose(self._row(panel, self.product), [100, 70, 50, 60, 0, 80])

    def test_purchases_source_reads_confirmed_orders(self):
        """Organisations without stock tracking forecast what they buy: confirmed orders count
        in the month they were confirmed, drafts and cancelled orders do not."""
        product = self._product("Paper")
        for day, state in ((D(2026, 2, 10), "purchase"), (D(2026, 3, 10), "draft")):
            with freeze_time(dt.datetime.combine(day, dt.time(9))):
                order = self.env["purchase.order"].create(
                    {
                        "partner_id": self.vendor.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_qty": 12, "price_unit": 3}
                            )
                        ],
                    }
                )
                if state == "purchase":
                    order.button_confirm()
        panel = self._panel(product, source="purchases")
        np.testing.assert_allclose(self._row(panel, product)[1:], [12, 0, 0, 0, 0])
        amounts = self._panel(product, source="purchases", measure="amount")
        self.assertAlmostEqual(self._row(amounts, product)[1], 36.0)

    def test_queries_do_not_grow_with_products(self):
        """The panel of twenty products costs as many queries as that of two."""
        products = self.env["product.product"].concat(
            *(self._product(f"Bulk {i}") for i in range(20))
        )
        for product in products:
            self._deliver(product, 1, D(2026, 2, 2))

        def count(subset):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._panel(subset)
            return self.env.cr.sql_log_count - before

        count(products[:1])  # warm-up: the first call after invalidation reloads the user
        self.assertEqual(count(products), count(products[:2]))

    def test_products_with_demand(self):
        """A run without products takes every product with demand in its window."""
        scope = DemandScope(
            company=self.company,
            products=None,
            period="month",
            date_from=D(2026, 1, 1),
            date_to=D(2026, 7, 1),
        )
        found = self.env["purchase.forecast.demand"]._products_with_demand(scope)
        self.assertIn(self.product, found)
        self.assertIn(self.late, found)
        never_sold = self._product("Shelf warmer")
        self._receive(never_sold, 3, D(2026, 2, 1))
        self.assertNotIn(
            never_sold, self.env["purchase.forecast.demand"]._products_with_demand(scope)
        )
