import datetime as dt

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common_tour import TourCase

HISTORY_MONTHS = 24
HORIZON = 6


@tagged("post_install", "-at_install")
class TestTours(TourCase):
    """The buyer's journey in a real browser (Odoo tours in static/tests/tours/): three office
    and cleaning products with two years of monthly history up to last month, two vendors,
    and a published forecast run over them, on today's date (the browser's clock)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "forecast_nightly_run": False,
                "forecast_horizon": HORIZON,
                "forecast_period": "month",
                "purchase_plan_review_days": 30,
                "purchase_plan_approval_amount": 0.0,
            }
        )
        cls.buyer = new_test_user(
            cls.env,
            login="pf_tour_buyer",
            name="Tour Buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.office = cls.env["product.category"].create({"name": "PF Tour Office"})
        cls.cleaning = cls.env["product.category"].create({"name": "PF Tour Cleaning"})
        cls.paper_vendor = cls.env["res.partner"].create({"name": "PF Tour Paper Mill"})
        cls.toner_vendor = cls.env["res.partner"].create({"name": "PF Tour Toner Works"})
        cls.paper = cls._product("PF Tour Copy Paper", cls.office, cls.paper_vendor, 30.0)
        cls.toner = cls._product("PF Tour Toner", cls.office, cls.toner_vendor, 4.0)
        cls.cleaner = cls._product("PF Tour Floor Cleaner", cls.cleaning, cls.paper_vendor, 12.0)
        cls.products = cls.paper | cls.toner | cls.cleaner
        # last month's run, then today's, each published by a Forecast Manager: screens must
        # show each product's forecast once, today's
        publisher = new_test_user(
            cls.env,
            login="pf_tour_publisher",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        Run = cls.env["purchase.forecast.run"].with_user(publisher)
        cls.earlier_run = Run.create({"product_ids": cls.products.ids})
        cls.earlier_run.action_run()
        cls.earlier_run.action_publish()
        cls.forecast_run = Run.create({"product_ids": cls.products.ids})
        cls.forecast_run.action_run()
        cls.forecast_run.action_publish()

    @classmethod
    def _product(cls, name, category, vendor, monthly):
        """A storable product bought from `vendor` (30 days lead time) with HISTORY_MONTHS
        months of imported consumption around `monthly` (±10%, a three-month cycle)."""
        product = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "purchase_ok": True,
                "categ_id": category.id,
                "standard_price": 10.0,
                "seller_ids": [
                    Command.create({"partner_id": vendor.id, "price": 10.0, "delay": 30})
                ],
            }
        )
        this_month = fields.Date.today().replace(day=1)
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": this_month - relativedelta(months=age) + dt.timedelta(days=14),
                    "quantity": monthly + (age % 3 - 1) * monthly * 0.1,
                    "key": f"tour:{name}:{age}",
                }
                for age in range(1, HISTORY_MONTHS + 1)
            ]
        )
        return product

    def test_forecast_tour(self):
        """Tour 2: a Forecast User opens a product with history, sees the next month's forecast
        on the smart button, the explanation and the chart of 24 months of history and 6 of
        forecast on the "Demand Forecast" tab, follows the smart button to the product's
        forecast graph, then groups the forecast lines pivot by product category."""
        self.assertEqual(self.forecast_run.state, "done")
        self.assertEqual(self.forecast_run.line_count, 3 * HORIZON)
        paper_result = self.forecast_run.result_ids.filtered(lambda r: r.product_id == self.paper)
        self.assertEqual(paper_result.demand_class, "smooth")
        self.assertIn("per month", paper_result.explanation)
        self.assertNotIn("comb_", paper_result.explanation)
        self.assertFalse(any(self.earlier_run.line_ids.mapped("is_current")))
        self.assertTrue(all(self.forecast_run.line_ids.mapped("is_current")))
        self.start_tour("/odoo/purchase", "purchase_forecast_product_tour", login=self.buyer.login)

    def test_plan_tour(self):
        """Tour 3: a Forecast User creates a plan for office supplies from the menu, computes
        it, reads each line's reason, orders 444 reams of paper instead of the suggestion,
        creates the RFQs, finds 444 in the paper mill's draft RFQ, and updating the RFQs keeps
        one draft RFQ per vendor."""
        self.start_tour("/odoo/purchase", "purchase_forecast_plan_tour", login=self.buyer.login)
        plan = self.env["purchase.plan"].search([("user_id", "=", self.buyer.id)])
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.category_ids, self.office)
        self.assertEqual(plan.line_ids.product_id, self.paper | self.toner)
        self.assertEqual(plan.order_ids.partner_id, self.paper_vendor | self.toner_vendor)
        self.assertEqual(len(plan.order_ids), 2)
        self.assertEqual(set(plan.order_ids.mapped("state")), {"draft"})
        paper_rfq = plan.order_ids.filtered(lambda order: order.partner_id == self.paper_vendor)
        self.assertEqual(paper_rfq.order_line.product_id, self.paper)
        self.assertEqual(paper_rfq.order_line.product_qty, 444)
        toner_line = plan.line_ids.filtered(lambda line: line.product_id == self.toner)
        self.assertEqual(toner_line.quantity, toner_line.suggested_quantity)

    def test_adjust_tour(self):
        """Tour 5: a Forecast User adjusts the paper's published forecast by +50% for the next
        three months from its Demand Forecast tab, with a reason; a plan for office supplies
        then orders more paper than the same plan did before (the toner as before), and the
        paper line names the adjustment and its author."""
        before = self.env["purchase.plan"].create({"category_ids": [Command.set(self.office.ids)]})
        before.action_compute()
        ordered_before = {line.product_id: line.quantity for line in before.line_ids}
        self.start_tour("/odoo/purchase", "purchase_forecast_adjust_tour", login=self.buyer.login)
        adjustment = self.env["purchase.forecast.adjustment"].search(
            [("product_id", "=", self.paper.id)]
        )
        self.assertRecordValues(
            adjustment,
            [
                {
                    "kind": "percent",
                    "value": 50.0,
                    "reason": "New clinic opens",
                    "user_id": self.buyer.id,
                }
            ],
        )
        plan = self.env["purchase.plan"].search([("user_id", "=", self.buyer.id)])
        after = {line.product_id: line for line in plan.line_ids}
        self.assertGreater(after[self.paper].quantity, ordered_before[self.paper])
        self.assertEqual(after[self.toner].quantity, ordered_before[self.toner])
        self.assertIn("+50%: New clinic opens, by Tour Buyer", after[self.paper].short_reason)

    def test_settings_tour(self):
        """Tour 4: a Forecast Manager (no administrator or Purchase administrator rights) sets
        the default horizon to 18 months and the service level to 97.5% in the forecast
        settings, saves, and a new run started from the menu takes both and forecasts 18 months
        for every product with history."""
        self.company.forecast_horizon = 12
        self.assertEqual(self.company.forecast_service_level, 95.0)
        manager = new_test_user(
            self.env,
            login="pf_tour_manager",
            name="Tour Manager",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        self.start_tour("/odoo/purchase", "purchase_forecast_settings_tour", login=manager.login)
        self.assertEqual(self.company.forecast_horizon, 18)
        self.assertEqual(self.company.forecast_service_level, 97.5)
        run = self.env["purchase.forecast.run"].search([("user_id", "=", manager.id)])
        self.assertEqual(len(run), 1)
        self.assertEqual((run.state, run.horizon, run.service_level), ("done", 18, 97.5))
        self.assertEqual(run.result_ids.product_id, self.products)
        self.assertEqual(run.line_count, 3 * 18)
        self.assertTrue(run.published)
        self.assertTrue(all(run.line_ids.mapped("is_current")))
        self.assertFalse(any(self.forecast_run.line_ids.mapped("is_current")))


@tagged("post_install", "-at_install")
class TestImportTour(TourCase):
    """Tour 1 in a real browser: a Forecast Manager imports a contract register."""

    def test_import_tour(self):
        """A Forecast Manager opens Import File from the menu, uploads a contract register of
        four lines, sees 3 recognised and the terminated contract skipped in the preview,
        imports it and lands on its import log; the three lines are purchase history."""
        manager = new_test_user(
            self.env,
            login="pf_tour_importer",
            name="Tour Importer",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        self.start_tour("/odoo/purchase", "purchase_forecast_import_tour", login=manager.login)
        log = self.env["purchase.forecast.import.log"].search(
            [("filename", "=", "tour_register.csv")]
        )
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, manager)
        self.assertEqual(
            (log.kind, log.created_count, log.skipped_count), ("contract_register", 3, 1)
        )
        history = self.env["purchase.forecast.history"].search([("import_id", "=", log.id)])
        self.assertEqual(sorted(history.mapped("document_ref")), ["9100001", "9100002", "9100003"])
        self.assertEqual(set(history.mapped("kind")), {"purchase"})
        self.assertAlmostEqual(sum(history.mapped("amount")), 86040.13 + 1200.0 + 900.0)
