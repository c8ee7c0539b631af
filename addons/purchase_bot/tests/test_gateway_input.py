from odoo import Command
from odoo.tests import tagged

from .common import PurchaseBotCommon


@tagged("post_install", "-at_install")
class TestGatewayInput(PurchaseBotCommon):
    """Whatever a broken or hostile worker sends, the gateway answers the documented
    `invalid` (never a traceback, never HTTP 500) and writes nothing."""

    def setUp(self):
        super().setUp()
        self.order = (
            self.env["purchase.order"]
            .with_user(self.buyer)
            .create(
                {
                    "partner_id": self.vendor.id,
                    "user_id": self.buyer.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_qty": 2})
                    ],
                }
            )
        )
        self.line = self.order.order_line

    def assertInvalid(self, method, **kwargs):
        kwargs.setdefault("telegram_user_id", "1001")
        answer = getattr(self.gateway, method)(**kwargs)
        self.assertEqual(answer.get("error", {}).get("code"), "invalid", (method, kwargs, answer))
        self.assertTrue(answer["error"]["message"])

    def test_bad_numbers_are_invalid(self):
        """Quantities "nan", 1e309, "inf", -3, "abc" and a price of "nan" are refused; the
        draft line keeps its quantity and no line is added."""
        for quantity in ("nan", "1e309", float("inf"), "inf", -3, "abc", [1], 1e12):
            self.assertInvalid("add_rfq_line", product_id=self.product.id, quantity=quantity)
            self.assertInvalid("update_rfq_line", line_id=self.line.id, quantity=quantity)
        for price in ("nan", -1, "1e309"):
            self.assertInvalid("update_rfq_line", line_id=self.line.id, price_unit=price)
        self.assertEqual(self.order.order_line.product_qty, 2)
        self.assertFalse(
            self.env["purchase.order"].search(
                [("user_id", "=", self.buyer.id), ("id", "!=", self.order.id)]
            )
        )

    def test_bad_ids_limits_and_dates_are_invalid(self):
        """Ids "abc", -1, 2**40 and True, limits "abc" and -5, dates "not-a-date" and
        "0001-01-01" answer invalid."""
        for product_id in ("abc", -1, 2**40, True, None, {"id": 1}):
            self.assertInvalid("product_card", product_id=product_id)
        for limit in ("abc", -5, 1.5, "nan"):
            self.assertInvalid("search_products", query="kettle", limit=limit)
            self.assertInvalid("top_purchases", limit=limit)
        for day in ("not-a-date", "0001-01-01", "9999-12-31", 12):
            self.assertInvalid("top_purchases", date_from=day)
            self.assertInvalid("purchase_analytics", date_from=day)
            self.assertInvalid("update_rfq_line", line_id=self.line.id, date_planned=day)
        answer = self.gateway.outbox_fetch(limit="abc")
        self.assertEqual(answer["error"]["code"], "invalid")
        answer = self.gateway.outbox_ack(message_id="abc", delivered=True)
        self.assertEqual(answer["error"]["code"], "invalid")

    def test_huge_texts_are_refused_or_cut(self):
        """A 6,000-character request id is refused (it would overflow the unique index), a
        20,000-character query is cut, a Telegram id that is no number is invalid."""
        self.assertInvalid(
            "add_rfq_line", product_id=self.product.id, quantity=1, request_id="r" * 6000
        )
        self.assertEqual(self.order.order_line.product_qty, 2)
        answer = self.gateway.search_products("1001", query="kettle " * 3000)
        self.assertIn("products", answer)
        self.assertInvalid("get_profile", telegram_user_id="x" * 6000)
        self.assertInvalid("get_profile", telegram_user_id={"id": 1})
        self.assertInvalid("search_products", query={"q": "kettle"})

    def test_valid_values_still_work(self):
        """Numbers as text ("3", "2.5") and a short request id are accepted as before."""
        answer = self.gateway.update_rfq_line(
            "1001",
            line_id=str(self.line.id),
            quantity="3",
            price_unit="2.5",
            date_planned="2026-09-01",
            request_id="req-1",
        )
        self.assertNotIn("error", answer)
        self.assertEqual((self.line.product_qty, self.line.price_unit), (3.0, 2.5))
