import datetime as dt

from freezegun import freeze_time

from odoo.tests import tagged

from .common import PurchaseBotCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestChatOrdering(PurchaseBotCommon):
    """Ordering from chat never doubles an order: the suggestion is the plan policy's
    quantity now, and a product already on the draft asks to replace or add."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # two years of 4-6 kettles a month, nothing in stock
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": cls.product.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 10),
                    "quantity": 4.0 + m % 3,
                    "key": f"kettle-{m}",
                }
                for m in range(24)
            ]
        )
        with freeze_time(TODAY):
            run = cls.env["purchase.forecast.run"].create({"product_ids": cls.product.ids})
            run.action_run()
            run.action_publish()
        cls.other_link = cls.Link.create(
            {"user_id": cls.other_buyer.id, "telegram_user_id": "2002"}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )

    def call(self, method, telegram_user_id="1001", **kwargs):
        with freeze_time(TODAY):
            return getattr(self.gateway, method)(telegram_user_id=telegram_user_id, **kwargs)

    def _plan(self, user):
        with freeze_time(TODAY):
            plan = (
                self.env["purchase.plan"]
                .with_user(user)
                .create({"user_id": user.id, "product_ids": [(6, 0, self.product.ids)]})
            )
            plan.action_compute()
        return plan.sudo()

    def _drafts_quantity(self):
        """Kettles on every open RFQ of the company."""
        lines = self.env["purchase.order.line"].search(
            [("product_id", "=", self.product.id), ("state", "in", ("draft", "sent"))]
        )
        return sum(lines.mapped("product_qty"))

    def test_suggestion_is_the_plans_quantity_and_counts_open_orders(self):
        """Without a quantity, the chat adds what a plan computed now would order (not 1, not
        next month's forecast); with 2 kettles already on another buyer's RFQ, the
        suggestion is 2 fewer, as the plan's would be."""
        # the plans are cancelled once read: the chat must compute, not copy a plan's line
        plan = self._plan(self.buyer)
        expected = plan.line_ids.quantity
        plan.action_cancel()
        self.assertGreater(expected, 2)
        answer = self.call("add_rfq_line", product_id=self.product.id)
        self.assertEqual(answer["status"], "created")
        self.assertEqual(answer["order"]["lines"][0]["quantity"], expected)
        self.assertEqual(answer["quantity"], expected)
        order = self.env["purchase.order"].browse(answer["order"]["id"])
        order.button_cancel()
        self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "user_id": self.other_buyer.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_qty": 2})],
            }
        )
        plan = self._plan(self.buyer)
        self.assertEqual(plan.line_ids.quantity, expected - 2)
        plan.action_cancel()
        again = self.call("add_rfq_line", product_id=self.product.id)
        self.assertEqual(again["status"], "created")
        self.assertEqual(again["quantity"], expected - 2)

    def test_pressing_add_twice_orders_nothing_twice(self):
        """The product again on the same draft: the answer says the line exists (nothing
        written) with what replacing or adding would give; "add" then adds nothing, however
        often it is pressed, because the draft already covers the need; "replace" keeps the
        policy's quantity; a typed quantity is added on "add"."""
        first = self.call("add_rfq_line", product_id=self.product.id)
        quantity = first["quantity"]
        exists = self.call("add_rfq_line", product_id=self.product.id)
        self.assertEqual(
            {k: exists[k] for k in ("status", "line_id", "quantity", "add_quantity")},
            {
                "status": "exists",
                "line_id": first["line_id"],
                "quantity": quantity,
                "add_quantity": 0,
            },
        )
        self.assertEqual(exists["replace_quantity"], quantity)
        for request_id in ("press-1", "press-2"):
            added = self.call(
                "add_rfq_line", product_id=self.product.id, mode="add", request_id=request_id
            )
            self.assertEqual(added["status"], "covered")
            self.assertEqual(self._drafts_quantity(), quantity)
        replaced = self.call("add_rfq_line", product_id=self.product.id, mode="replace")
        self.assertEqual((replaced["status"], replaced["quantity"]), ("replaced", quantity))
        self.assertEqual(self._drafts_quantity(), quantity)
        typed = self.call("add_rfq_line", product_id=self.product.id, quantity=2, mode="add")
        self.assertEqual(typed["status"], "added")
        self.assertEqual(self._drafts_quantity(), quantity + 2)
        set_to = self.call("add_rfq_line", product_id=self.product.id, quantity=3, mode="replace")
        self.assertEqual(set_to["order"]["lines"][0]["quantity"], 3)
        bad = self.call("add_rfq_line", product_id=self.product.id, mode="double")
        self.assertEqual(bad["error"]["code"], "invalid")

    def test_adding_after_the_plans_rfqs_orders_nothing_twice(self):
        """Once the plan's RFQs exist, adding the product from chat finds it on the plan's
        draft (the buyer's) and "add" adds nothing; another buyer, whose own draft is
        empty, is told the open orders cover it and no RFQ is created."""
        plan = self._plan(self.buyer)
        with freeze_time(TODAY):
            plan.with_user(self.buyer).action_create_rfqs()
        planned = plan.line_ids.quantity
        self.assertEqual(self._drafts_quantity(), planned)
        exists = self.call("add_rfq_line", product_id=self.product.id)
        self.assertEqual(exists["status"], "exists")
        self.assertEqual(exists["order"]["id"], plan.order_ids.id)
        added = self.call("add_rfq_line", product_id=self.product.id, mode="add")
        self.assertEqual(added["status"], "covered")
        orders_before = self.env["purchase.order"].search_count([])
        other = self.call("add_rfq_line", "2002", product_id=self.product.id)
        self.assertEqual(other["status"], "covered")
        self.assertIsNone(other["order"])
        self.assertIn("Nothing to order now", other["message"])
        self.assertEqual(self.env["purchase.order"].search_count([]), orders_before)
        self.assertEqual(self._drafts_quantity(), planned)

    def test_card_suggests_what_adding_would_order_now(self):
        """The card's "Suggested order" is the plan policy's quantity now, the one "Add to my
        RFQ" would put on the draft, with the vendor and the plan line's short reason; an old
        plan's line (here 999 kettles, long superseded) plays no part, and 2 kettles already
        on a colleague's RFQ lower it by 2."""
        plan = self._plan(self.buyer)
        expected = plan.line_ids.quantity
        plan.line_ids.write({"quantity": 999})
        card = self.call("product_card", product_id=self.product.id)["product"]
        self.assertEqual(card["suggestion"]["quantity"], expected)
        self.assertEqual(card["suggestion"]["vendor"], self.vendor.display_name)
        self.assertIn("needed in the next", card["suggestion"]["reason"])
        plan.action_cancel()
        self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "user_id": self.other_buyer.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_qty": 2})],
            }
        )
        card = self.call("product_card", product_id=self.product.id)["product"]
        self.assertEqual(card["suggestion"]["quantity"], expected - 2)
        added = self.call("add_rfq_line", product_id=self.product.id)
        self.assertEqual(added["quantity"], card["suggestion"]["quantity"])
