import datetime as dt
import io
import re

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_forecast.procurement_json import validate_calculation

from .common import PurchaseForecastCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestPurchasePlan(PurchaseForecastCommon):
    """Plans on imported monthly demand from July 2024 to June 2026, on 10 July 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_nightly_run": False, "purchase_plan_review_days": 30})
        cls.steady = cls._demand_product("Paper A4", 30.0, delay=30)
        cls.slow = cls._demand_product("Toner", 3.0, delay=10)
        cls.other_vendor = cls.env["res.partner"].create({"name": "Second Vendor"})

    @classmethod
    def _demand_product(cls, name, monthly, delay=14, swing=0.1, **values):
        product = cls._product(name, **values)
        product.seller_ids.write({"delay": delay, "price": 10.0})
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 12),
                    "quantity": monthly + (m % 3 - 1) * monthly * swing,
                    "key": f"{name}-{m}",
                }
                for m in range(24)
            ]
        )
        return product

    def _stock(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(product, self.stock, quantity)

    def _plan(self, products, user=None, **values):
        self._publish_forecast(products, TODAY)
        with freeze_time(TODAY):
            plan = (
                self.env["purchase.plan"]
                .with_user(user or self.forecast_user)
                .create({"product_ids": [Command.set(products.ids)], **values})
            )
            plan.action_compute()
        return plan

    def _line(self, plan, product):
        return plan.line_ids.filtered(lambda line: line.product_id == product)

    def test_order_covers_lead_time_and_review_with_reason(self):
        """About 30 a month, nothing on hand, 30 days lead + 30 days review: the plan orders
        roughly two months of demand (plus safety stock where that is needed for the 95%
        service), and says so in words."""
        plan = self._plan(self.steady)
        line = self._line(plan, self.steady)
        self.assertEqual(plan.state, "computed")
        self.assertEqual(line.vendor_id, self.vendor)
        self.assertAlmostEqual(line.lead_days, 30.0)
        self.assertAlmostEqual(line.expected_demand, 60.0, delta=12.0)
        self.assertGreaterEqual(line.safety_stock, 0)
        self.assertGreaterEqual(line.fill_rate, 95.0)
        self.assertGreaterEqual(line.quantity, line.expected_demand)
        self.assertEqual(line.quantity, line.suggested_quantity)
        self.assertAlmostEqual(line.subtotal, line.quantity * 10.0)
        self.assertEqual(line.quantity, round(line.quantity))  # whole units
        self.assertIn("0 on hand, 0 incoming", line.explanation)
        self.assertIn("30 days of lead time and 30 days of review", line.explanation)
        self.assertIn(line.engine_reason, line.explanation)

    def test_minimum_and_pack_rounding(self):
        """A vendor selling in boxes of 12 with a minimum of 5 boxes: the quantity is a whole
        number of boxes and at least 60 units, and the line says why; a product without a
        minimum in the same plan is unaffected."""
        box = self.env["uom.uom"].create(
            {
                "name": "Box of 12",
                "relative_factor": 12.0,
                "relative_uom_id": self.env.ref("uom.product_uom_unit").id,
            }
        )
        self.slow.seller_ids.write({"product_uom_id": box.id, "min_qty": 5.0})
        self.slow.seller_ids.price = 120.0  # per box: written after the unit, which resets it
        # with a product without minimum in the same plan: only the toner is re-chosen
        plan = self._plan(self.slow | self.steady)
        line = self._line(plan, self.slow)
        self.assertEqual(self._line(plan, self.steady).moq, 0.0)
        self.assertEqual((line.multiple, line.moq), (12.0, 60.0))
        self.assertGreaterEqual(line.quantity, 60.0)
        self.assertEqual(line.quantity % 12, 0)
        self.assertAlmostEqual(line.price_unit, 10.0)
        self.assertIn("minimum order", line.engine_reason)

    def test_ordered_goods_are_not_ordered_again(self):
        """A confirmed order whose receipt is late, and a draft RFQ, count as incoming: the
        plan orders nothing more."""
        with freeze_time("2026-05-01"):
            late = self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.steady.id,
                                "product_qty": 90,
                                "price_unit": 10,
                                "date_planned": "2026-05-15",
                            }
                        )
                    ],
                }
            )
            late.button_confirm()
        self.env["purchase.order"].create(
            {
                "partner_id": self.other_vendor.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.steady.id, "product_qty": 40, "price_unit": 10}
                    )
                ],
            }
        )
        line = self._line(self._plan(self.steady), self.steady)
        self.assertEqual(line.incoming, 130.0)
        self.assertEqual(line.quantity, 0.0)
        self.assertEqual(line.state, "no_need")

    def test_budget_keeps_most_urgent_lines(self):
        """Over budget, lines are kept in order of stockout risk and value while the budget
        lasts; the rest are deferred with the reason and cost nothing in the total."""
        self._stock(self.slow, 2.0)  # some stock: less urgent than the empty paper shelf
        unlimited = self._plan(self.steady | self.slow)
        paper, toner = self._line(unlimited, self.steady), self._line(unlimited, self.slow)
        self.assertGreater(paper.priority, toner.priority)
        budget = paper.subtotal + toner.subtotal / 2
        plan = self._plan(self.steady | self.slow, budget=budget)
        paper, toner = self._line(plan, self.steady), self._line(plan, self.slow)
        self.assertEqual((paper.state, toner.state), ("order", "deferred"))
        self.assertAlmostEqual(plan.amount_total, paper.subtotal)
        self.assertAlmostEqual(plan.amount_deferred, toner.subtotal)
        self.assertIn("budget", toner.deferred_reason)
        # the derivation makes the reason a sentence of its own: capital first
        self.assertIn(toner.deferred_reason[1:], toner.explanation)

    def test_learned_lead_time(self):
        """Four receipts that took about 45 days replace the vendor's stated 10 days, and
        their spread widens the safety stock; another vendor keeps its stated delay."""
        for month in (1, 2, 3, 4):
            with freeze_time(f"2026-0{month}-02 09:00"):
                order = self.env["purchase.order"].create(
                    {
                        "partner_id": self.vendor.id,
                        "order_line": [
                            Command.create(
                                {"product_id": self.slow.id, "product_qty": 3, "price_unit": 10}
                            )
                        ],
                    }
                )
                order.button_confirm()
            with freeze_time(dt.datetime(2026, month, 2, 9) + dt.timedelta(days=40 + 3 * month)):
                order.picking_ids.move_ids.quantity = 3
                order.picking_ids.move_ids.picked = True
                order.picking_ids.button_validate()
        self.steady.seller_ids.partner_id = self.other_vendor
        static = self._line(self._plan(self.steady), self.steady)
        line = self._line(self._plan(self.slow), self.slow)
        self.assertEqual(line.lead_receipts, 4)
        self.assertAlmostEqual(line.lead_days, 47.5, delta=0.5)
        self.assertGreater(line.lead_days_std, 2.0)
        self.assertIn("learnt from 4 receipts", line.explanation)
        self.assertEqual(static.lead_receipts, 0)

    def test_rfqs_per_vendor_are_updated_not_duplicated(self):
        """Create RFQs makes one draft per vendor from the lines to order; after the buyer edits
        a quantity and runs it again, the same draft carries the new quantity; a confirmed
        RFQ is never touched nor ordered again."""
        self.slow.seller_ids.partner_id = self.other_vendor
        plan = self._plan(self.steady | self.slow)
        plan.with_user(self.forecast_user).action_create_rfqs()
        self.assertEqual(plan.state, "done")
        self.assertEqual(len(plan.order_ids), 2)
        self.assertEqual(set(plan.order_ids.mapped("origin")), {plan.name})
        paper = self._line(plan, self.steady)
        paper.quantity = 77
        plan.with_user(self.forecast_user).action_create_rfqs()
        self.assertEqual(len(plan.order_ids), 2)
        paper_rfq = plan.order_ids.filtered(lambda o: o.partner_id == self.vendor)
        self.assertEqual(paper_rfq.order_line.product_qty, 77)
        paper_rfq.button_confirm()
        self._line(plan, self.steady).quantity = 500
        plan.with_user(self.forecast_user).action_create_rfqs()
        self.assertEqual(len(plan.order_ids), 2)
        self.assertEqual(paper_rfq.order_line.product_qty, 77)

    def test_approval_above_threshold(self):
        """Above the configured amount, RFQs wait for a Forecast Manager's approval: the buyer
        cannot approve, the manager can, then the RFQs are created."""
        self.company.purchase_plan_approval_amount = 100.0
        plan = self._plan(self.steady)
        self.assertTrue(plan.approval_required)
        buyer_plan = plan.with_user(self.forecast_user)
        with self.assertRaisesRegex(UserError, "approval"):
            buyer_plan.action_create_rfqs()
        buyer_plan.action_request_approval()
        self.assertEqual(plan.state, "to_approve")
        with self.assertRaises(AccessError):
            buyer_plan.action_approve()
        plan.with_user(self.forecast_manager).action_approve()
        self.assertEqual((plan.state, plan.approved_by_id), ("approved", self.forecast_manager))
        buyer_plan.action_create_rfqs()
        self.assertEqual(len(plan.order_ids), 1)

    def test_calculation_json_of_the_rfq(self):
        """The RFQ exports as the Moscow calculation: every field of the template, numbers as
        numbers, ISO dates, OKEI code of the unit, catalog ids and characteristics."""
        self.steady.product_tmpl_id.write(
            {
                "spgz_id": "1234567",
                "spgz_version_id": "7654321",
                "procurement_characteristic_ids": [
                    Command.create({"name": "Format", "value": "A4"})
                ],
            }
        )
        self.company.write(
            {
                "procurement_customer_ref": "C-42",
                "purchase_plan_delivery_conditions": "To the warehouse door",
            }
        )
        self.warehouse.partner_id.gar_id = "gar-0001"
        plan = self._plan(self.steady)
        plan.action_create_rfqs()
        with freeze_time(TODAY):
            document = plan.order_ids._procurement_calculation()
        validate_calculation(document)
        row = document["rows"][0]
        line = plan.order_ids.order_line
        self.assertEqual(document["CustomerId"], "C-42")
        self.assertEqual(
            (row["entityId"], row["id"], row["okei_code"]), ("1234567", "7654321", "796")
        )
        self.assertEqual(row["purchaseAmount"], line.product_qty)
        self.assertEqual(row["DeliverySchedule"]["deliveryAmount"], line.product_qty)
        self.assertAlmostEqual(row["nmc"], line.product_qty * line.price_unit)
        self.assertEqual(row["address"]["gar_id"], "gar-0001")
        self.assertEqual(row["DeliverySchedule"]["deliveryConditions"], "To the warehouse door")
        self.assertEqual(
            row["spgzCharacteristics"][0]["characteristicSpgzEnums"], [{"value": "A4"}]
        )
        self.assertIsInstance(row["DeliverySchedule"]["year"], int)

    def test_empty_create_covers_every_purchasable_product(self):
        """create({}) makes a plan of the current company with the settings' coverage and
        service level, the published forecast run, and every purchasable product."""
        run = self._publish_forecast(self.steady | self.slow, TODAY)
        with freeze_time(TODAY):
            plan = self.env["purchase.plan"].with_user(self.forecast_user).create({})
            plan.action_compute()
        self.assertEqual(plan.company_id, self.company)
        self.assertEqual(plan.warehouse_id, self.warehouse)
        self.assertEqual((plan.review_days, plan.service_level), (30, 95.0))
        self.assertEqual(plan.forecast_run_id, run)
        self.assertIn(self.steady, plan.line_ids.product_id)
        self.assertIn(self.slow, plan.line_ids.product_id)

    def test_reordering_rules_follow_the_plan(self):
        """With the setting on, computing a plan writes its levels into reordering rules."""
        self.company.purchase_plan_update_orderpoints = True
        line = self._line(self._plan(self.steady), self.steady)
        rule = self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.steady.id)])
        self.assertEqual(rule.trigger, "manual")
        self.assertAlmostEqual(rule.product_min_qty, line.reorder_point, places=0)
        self.assertAlmostEqual(rule.product_max_qty, line.order_up_to, places=0)
        # computing again updates that rule instead of adding a second one
        rule.write({"product_min_qty": 0.0, "product_max_qty": 0.0})
        plan = line.plan_id
        with freeze_time(TODAY):
            plan.action_compute()
        rules = self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.steady.id)])
        self.assertEqual(rules, rule)
        self.assertAlmostEqual(
            rule.product_max_qty, self._line(plan, self.steady).order_up_to, places=0
        )

    def test_service_across_the_plan_favours_cheap_products(self):
        """Two products with the same uneven demand (15, 30, 45 a month), one bought at 10 and
        one at 500. Across the plan (the default) the cheap one gets more stock and a higher
        expected service than the dear one; with every product at the target both get the
        plan's 95%, and the line explains its own expected service."""
        cheap = self._demand_product("Pens", 30.0, delay=30, swing=0.5)
        dear = self._demand_product("Printer Drum", 30.0, delay=30, swing=0.5)
        dear.seller_ids.price = 500.0
        products = cheap | dear
        across = self._plan(products, service_level=95.0)
        cheap_line, dear_line = self._line(across, cheap), self._line(across, dear)
        self.assertEqual(across.service_scope, "plan")
        self.assertGreater(cheap_line.fill_rate, 95.0)
        self.assertLess(dear_line.fill_rate, 95.0)
        self.assertGreater(
            cheap_line.order_up_to - cheap_line.expected_demand,
            dear_line.order_up_to - dear_line.expected_demand,
        )
        shown = re.search(r"(?:gets|for) ([\d.]+)% service", dear_line.explanation)
        self.assertAlmostEqual(float(shown[1]), dear_line.fill_rate, delta=0.06)
        each = self._plan(products, service_level=95.0, service_scope="item")
        for product in products:
            self.assertAlmostEqual(self._line(each, product).fill_rate, 95.0, delta=0.5)

    def test_vendor_without_valid_price_list_says_why(self):
        """When no price list of the vendor is valid today, the plan still names the vendor
        and says it fell back; without any vendor, it says to set one and the line needs a
        vendor (out of the RFQs); forced "to order" without a vendor, RFQs are refused."""
        self.steady.seller_ids.date_start = "2027-01-01"
        orphan = self._demand_product("Stapler", 5.0)
        orphan.seller_ids.unlink()
        plan = self._plan(self.steady | orphan)
        self.assertIn("no price list", self._line(plan, self.steady).vendor_reason)
        self.assertEqual(self._line(plan, self.steady).vendor_id, self.vendor)
        self.assertIn("no vendor", self._line(plan, orphan).vendor_reason)
        self.assertEqual(self._line(plan, orphan).state, "no_vendor")
        self._line(plan, orphan).write({"state": "order", "vendor_id": False})
        with self.assertRaisesRegex(UserError, "Stapler"):
            plan.action_create_rfqs()

    def test_xlsx_export(self):
        """The plan downloads as a spreadsheet whose quantities and prices are numbers."""
        plan = self._plan(self.steady)
        book = openpyxl.load_workbook(io.BytesIO(plan._export_xlsx()))
        sheet = book.active
        headers = [cell.value for cell in sheet[3]]
        self.assertEqual(headers[0], "Product")
        row = [cell.value for cell in sheet[4]]
        self.assertEqual(row[0], self.steady.display_name)
        self.assertIsInstance(row[headers.index("To Order")], (int, float))
        self.assertEqual(row[headers.index("To Order")], self._line(plan, self.steady).quantity)

    def test_plans_are_company_private(self):
        """A buyer of another company sees none of this company's plans."""
        plan = self._plan(self.steady)
        other = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="pf_plan_b",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        self.assertFalse(self.env["purchase.plan"].with_user(user_b).search([]))
        with self.assertRaises(AccessError):
            plan.with_user(user_b).read(["name"])

    def test_buyer_sees_own_remaining_budget(self):
        """A buyer sees their budget and the company's, not a colleague's; what remains is
        the budget minus their confirmed purchases of the period, which the plan shows."""
        Budget = self.env["purchase.budget"]
        mine = Budget.create(
            {
                "name": "Mine",
                "user_id": self.forecast_user.id,
                "date_from": "2026-07-01",
                "date_to": "2026-09-30",
                "amount": 1000.0,
            }
        )
        company = Budget.create(
            {
                "name": "Company",
                "date_from": "2026-07-01",
                "date_to": "2026-09-30",
                "amount": 9000.0,
            }
        )
        theirs = Budget.create(
            {
                "name": "Theirs",
                "user_id": self.forecast_manager.id,
                "date_from": "2026-07-01",
                "date_to": "2026-09-30",
                "amount": 500.0,
            }
        )
        with freeze_time("2026-07-05 10:00"):
            order = self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "user_id": self.forecast_user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.steady.id,
                                "product_qty": 10,
                                "price_unit": 25,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            order.button_confirm()
        visible = Budget.with_user(self.forecast_user).search([])
        self.assertEqual(visible, mine | company)
        self.assertNotIn(theirs, visible)
        self.assertAlmostEqual(mine.remaining, 750.0)
        plan = self._plan(self.steady)
        with freeze_time(TODAY):
            plan.invalidate_recordset(["budget_remaining"])
            self.assertAlmostEqual(plan.budget_remaining, 750.0)
