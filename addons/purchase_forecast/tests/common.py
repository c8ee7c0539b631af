import datetime as dt

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def perform_all_jobs(trap, limit=100):
    """Perform the jobs trapped by queue_job's trap_jobs(), then the jobs they enqueued, until
    none is left (a chunk's retry, the run's finish)."""
    for _round in range(limit):
        if not trap.enqueued_jobs:
            return
        trap.perform_enqueued_jobs()
    raise AssertionError(f"jobs still enqueued after {limit} rounds")


class PurchaseForecastCommon(TransactionCase):
    """Shared setup: one user per forecasting role, a purchase user without one, a warehouse
    with its locations, and helpers that record stock moves on given dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.forecast_user = new_test_user(
            cls.env,
            login="pf_buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.forecast_manager = new_test_user(
            cls.env,
            login="pf_manager",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        cls.purchase_only_user = new_test_user(
            cls.env,
            login="pf_purchase_only",
            groups="base.group_user,purchase.group_purchase_user",
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        Location = cls.env["stock.location"]
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.production = Location.search(
            [("usage", "=", "production"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.scrap = Location.search(
            [("usage", "=", "inventory"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.output = Location.create(
            {
                "name": "Output",
                "usage": "internal",
                "location_id": cls.warehouse.view_location_id.id,
            }
        )
        cls.category = cls.env["product.category"].create({"name": "Forecast test goods"})
        cls.vendor = cls.env["res.partner"].create({"name": "Forecast Vendor"})

    @classmethod
    def _product(cls, name, **values):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "categ_id": cls.category.id,
                "standard_price": 10.0,
                "seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 10.0})],
                **values,
            }
        )

    @classmethod
    def _move(cls, product, source, destination, quantity, day, **values):
        """A done move of `quantity` from `source` to `destination` on `day` (a date)."""
        with freeze_time(dt.datetime.combine(day, dt.time(12, 0))):
            move = cls.env["stock.move"].create(
                {
                    "product_id": product.id,
                    "product_uom_qty": quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": cls.company.id,
                    **values,
                }
            )
            move._action_confirm()
            move.quantity = quantity
            move.picked = True
            move._action_done()
        return move

    @classmethod
    def _receive(cls, product, quantity, day):
        return cls._move(product, cls.suppliers, cls.stock, quantity, day)

    @classmethod
    def _deliver(cls, product, quantity, day):
        return cls._move(product, cls.stock, cls.customers, quantity, day)

    @classmethod
    def _publish_forecast(cls, products=None, day=None, **values):
        """A forecast run with the company's settings over `products` (every product with
        demand history when None), run and published by the Forecast Manager on `day`:
        what plans, the product tab and the bot read."""
        with freeze_time(day or dt.date.today()):
            Run = cls.env["purchase.forecast.run"].with_user(cls.forecast_manager)
            run = Run.create(
                {
                    **({"product_ids": [Command.set(products.ids)]} if products else {}),
                    **values,
                }
            )
            run.action_run()
            run.action_publish()
        return run.with_user(cls.env.user)
