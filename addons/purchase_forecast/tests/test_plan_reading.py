import datetime as dt

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PurchaseForecastCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestPlanReading(PurchaseForecastCommon):
    """What a buyer reads on a plan: its summary, its scope, each line's short reason and
    derivation, and the lines that need a vendor. Monthly demand from July 2024 to June
    2026, planned on 10 July 2026 with 30 days of coverage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_nightly_run": False, "purchase_plan_review_days": 30})
        cls.paper = cls._demand_product("Paper A4", 30.0, delay=30)
        cls.toner = cls._demand_product("Toner", 3.0, delay=10)
        cls.stapler = cls._demand_product("Stapler", 5.0)
        cls.stapler.seller_ids.unlink()

    @classmethod
    def _demand_product(cls, name, monthly, delay=14):
        product = cls._product(name)
        product.seller_ids.write({"delay": delay, "price": 10.0})
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 12),
                    "quantity": monthly + (m % 3 - 1) * monthly * 0.1,
                    "key": f"{name}-{m}",
                }
                for m in range(24)
            ]
        )
        return product

    def _plan(self, products, **values):
        self._publish_forecast(products, TODAY)
        with freeze_time(TODAY):
            plan = (
                self.env["purchase.plan"]
                .with_user(self.forecast_user)
                .create({"product_ids": [Command.set(products.ids)], **values})
            )
            plan.action_compute()
        return plan

    def _line(self, plan, product):
        return plan.line_ids.filtered(lambda line: line.product_id == product)

    def test_short_reason_then_derivation(self):
        """A paper line reads in one sentence ("Order 65: about 62 needed in the next 60
        days, none in stock"); its derivation counts days, not periods, and is sentences
        without ".;"; a line with enough stock says nothing is to be ordered and why."""
        plan = self._plan(self.paper | self.toner)
        paper = self._line(plan, self.paper)
        self.assertEqual(
            paper.short_reason,
            f"Order {round(paper.quantity)}: about {round(paper.expected_demand)} needed in "
            "the next 60 days, none in stock",
        )
        why = paper.explanation
        self.assertTrue(why.startswith("0 on hand, 0 incoming. Demand over 30 days of lead "), why)
        self.assertIn("30 days of review", why)
        self.assertIn(paper.engine_reason, why)
        for riddle in (".;", "period", ". .", "; Order"):
            self.assertNotIn(riddle, why)
        self.assertTrue(why.endswith("."))
        self.env["stock.quant"]._update_available_quantity(self.toner, self.stock, 500.0)
        with freeze_time(TODAY):
            plan.action_compute()
        toner = self._line(plan, self.toner)
        self.assertEqual(toner.state, "no_need")
        self.assertRegex(
            toner.short_reason,
            r"^Nothing to order: about \d+ needed in the next 40 days, 500 in stock or on order$",
        )

    def test_line_without_vendor_needs_one(self):
        """A product to order without any vendor is "Needs a Vendor", not "To Order": RFQs are
        created for the rest without it; once the buyer sets a vendor it goes to order and
        into the next RFQ; removing the vendor of a line to order makes it need one again."""
        plan = self._plan(self.paper | self.stapler)
        stapler = self._line(plan, self.stapler)
        self.assertGreater(stapler.quantity, 0)
        self.assertEqual(stapler.state, "no_vendor")
        self.assertIn("No vendor on this product", stapler.explanation)
        self.assertEqual((plan.order_line_count, plan.no_vendor_line_count), (1, 1))
        self.assertEqual(plan.amount_total, self._line(plan, self.paper).subtotal)
        plan.action_create_rfqs()
        self.assertEqual(plan.order_ids.order_line.product_id, self.paper)
        stapler.vendor_id = self.vendor
        self.assertEqual(stapler.state, "order")
        plan.action_create_rfqs()
        self.assertEqual(plan.order_ids.order_line.product_id, self.paper | self.stapler)
        paper = self._line(plan, self.paper)
        paper.vendor_id = False
        self.assertEqual(paper.state, "no_vendor")
        paper.action_defer()
        paper.action_include()
        self.assertEqual(paper.state, "no_vendor")
        search = self.env["purchase.plan.line"].get_views([(False, "search")])
        self.assertIn('name="needs_vendor"', search["views"]["search"]["arch"])

    def test_summary_at_the_top(self):
        """Over budget with a product without vendor, the summary counts one line to order,
        one deferred by the budget, one needing a vendor, one vendor, the value to order and
        the plan's expected service (deferred and vendorless lines served by their stock
        only); each count opens its lines filtered."""
        self.env["stock.quant"]._update_available_quantity(self.toner, self.stock, 2.0)
        unlimited = self._plan(self.paper | self.toner)
        budget = self._line(unlimited, self.paper).subtotal + 1.0
        plan = self._plan(self.paper | self.toner | self.stapler, budget=budget)
        paper = self._line(plan, self.paper)
        toner = self._line(plan, self.toner)
        self.assertEqual(toner.state, "deferred")
        self.assertRecordValues(
            plan,
            [
                {
                    "order_line_count": 1,
                    "deferred_line_count": 1,
                    "no_vendor_line_count": 1,
                    "vendor_count": 1,
                    "amount_total": paper.subtotal,
                }
            ],
        )
        demand = sum(plan.line_ids.mapped("expected_demand"))
        served = paper.expected_demand * paper.fill_rate / 100 + min(2.0, toner.expected_demand)
        # shown with one decimal
        self.assertAlmostEqual(plan.expected_service, 100 * served / demand, delta=0.05)
        self.assertLess(plan.expected_service, paper.fill_rate)
        action = plan.with_context(plan_line_filter="needs_vendor").action_open_lines()
        self.assertEqual(action["context"].get("search_default_needs_vendor"), 1)
        action = plan.with_context(
            plan_line_filter="state", plan_line_group="x"
        ).action_open_lines()
        self.assertEqual(action["context"], {"default_plan_id": plan.id})
        arch = plan.get_views([(False, "form")])["views"]["form"]["arch"]
        for field in ("order_line_count", "deferred_line_count", "no_vendor_line_count"):
            self.assertIn(f'name="{field}"', arch)

    def test_empty_scope_reads_all_products(self):
        """A plan with no product chosen says "All purchasable products" instead of listing
        them as tags once computed; chosen products or categories are counted or named."""
        Plan = self.env["purchase.plan"].with_user(self.forecast_user)
        self.assertEqual(Plan.create({}).scope_description, "All purchasable products")
        chosen = Plan.create({"product_ids": [Command.set((self.paper | self.toner).ids)]})
        self.assertEqual(chosen.scope_description, "2 chosen products")
        by_category = Plan.create({"category_ids": [Command.set(self.category.ids)]})
        self.assertEqual(
            by_category.scope_description, "All purchasable products of the chosen categories"
        )
        arch = Plan.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertRegex(arch, r'name="product_ids"[^>]*invisible="state != \'draft\'"')
        self.assertIn('name="scope_description"', arch)

    def test_lines_come_by_priority(self):
        """The plan's lines are listed most urgent first (stockout risk x value class)."""
        self.env["stock.quant"]._update_available_quantity(self.toner, self.stock, 2.0)
        plan = self._plan(self.toner | self.paper | self.stapler)
        lines = self.env["purchase.plan.line"].search([("plan_id", "=", plan.id)])
        priorities = lines.mapped("priority")
        self.assertEqual(priorities, sorted(priorities, reverse=True))
        self.assertGreater(priorities[0], priorities[-1])
        arch = lines.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('default_order="priority desc', arch)

    def test_waiting_plan_keeps_its_vendorless_lines(self):
        """While a plan waits for approval, giving a vendor to a line that needs one is
        refused like any other change: the approver sees what was sent."""
        self.company.purchase_plan_approval_amount = 1.0
        plan = self._plan(self.paper | self.stapler)
        plan.action_request_approval()
        stapler = self._line(plan, self.stapler)
        with self.assertRaisesRegex(UserError, "approval"):
            stapler.vendor_id = self.vendor
        self.assertEqual(stapler.state, "no_vendor")

    def test_demo_plan_covers_goods_with_demand(self):
        """The demo's plan covers the products its quantity forecast found demand for, not
        the products that never moved (which would fill it with "nothing to order")."""
        idle = self._product("Idle Chair")
        with freeze_time(TODAY):
            run = self.env["purchase.forecast.run"].create(
                {"product_ids": [Command.set((self.paper | self.toner | idle).ids)]}
            )
            run.with_user(self.forecast_manager).action_run()
        self.assertEqual(len(run.result_ids), 3)
        products = self.env["purchase.forecast.import"]._demo_plan_products(run)
        self.assertEqual(products, self.paper | self.toner)
