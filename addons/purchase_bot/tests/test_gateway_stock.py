from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import PurchaseBotCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestGatewayStock(PurchaseBotCommon):
    """The bot's turnover statement (ОСВ) and stock at a date, answered for the linked
    buyer with their own rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.warehouse = warehouse
        stock = warehouse.lot_stock_id
        suppliers = cls.env.ref("stock.stock_location_suppliers")
        customers = cls.env.ref("stock.stock_location_customers")
        for source, destination, quantity, day in (
            (suppliers, stock, 40, "2026-01-15"),
            (stock, customers, 10, "2026-02-10"),
            (stock, customers, 5, "2026-05-05"),
        ):
            with freeze_time(f"{day} 12:00"):
                move = cls.env["stock.move"].create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                    }
                )
                move._action_confirm()
                move.quantity = quantity
                move.picked = True
                move._action_done()
        cls.clerk = new_test_user(
            cls.env, login="bot_clerk", groups="base.group_user,purchase.group_purchase_user"
        )
        cls.Link.create({"user_id": cls.clerk.id, "telegram_user_id": "4004"})

    def call(self, method, telegram_user_id="1001", **kwargs):
        with freeze_time(TODAY):
            return getattr(self.gateway, method)(telegram_user_id=telegram_user_id, **kwargs)

    def test_turnover_statement_of_the_last_four_quarters(self):
        """By default the last four quarters up to today: each quarter opens where the one
        before closed; the whole range opens at 0, receives 40, issues 15 and closes at 25
        (valued at the cost of 20)."""
        answer = self.call("turnover_statement", product_id=self.product.id)
        self.assertEqual((answer["date_from"], answer["date_to"]), ("2025-10-01", TODAY))
        self.assertEqual(answer["source"], "moves")
        self.assertEqual(
            [
                (r["label"], r["opening_quantity"], r["receipt_quantity"], r["issue_quantity"])
                for r in answer["rows"]
            ],
            [
                ("Q4 2025", 0, 0, 0),
                ("Q1 2026", 0, 40, 10),
                ("Q2 2026", 30, 0, 5),
                ("Q3 2026", 25, 0, 0),
            ],
        )
        self.assertEqual(
            answer["total"],
            {
                "opening_quantity": 0,
                "opening_value": 0,
                "receipt_quantity": 40,
                "receipt_value": 800,
                "issue_quantity": 15,
                "issue_value": 300,
                "closing_quantity": 25,
                "closing_value": 500,
            },
        )
        months = self.call(
            "turnover_statement",
            product_id=self.product.id,
            date_from="2026-02-01",
            date_to="2026-02-28",
            period="month",
        )
        (february,) = months["rows"]
        self.assertEqual(
            (
                february["opening_quantity"],
                february["issue_quantity"],
                february["closing_quantity"],
            ),
            (40, 10, 30),
        )

    def test_stock_at_a_date_and_period_ends(self):
        """On 31 March and at the two month ends before: 40 after the January receipt, 30
        after the February issue."""
        answer = self.call("stock_at_dates", product_id=self.product.id, date="2026-03-31", count=2)
        self.assertEqual(answer["dates"], ["2026-01-31", "2026-02-28", "2026-03-31"])
        (warehouse,) = answer["warehouses"]
        self.assertEqual(warehouse["name"], self.warehouse.name)
        self.assertEqual(warehouse["quantities"], [40, 30, 30])
        self.assertEqual(answer["total"], [40, 30, 30])
        today = self.call("stock_at_dates", product_id=self.product.id, period="quarter", count=1)
        self.assertEqual(today["dates"], ["2026-06-30", TODAY])
        self.assertEqual(today["total"], [25, 25])

    def test_refused_without_rights_and_for_bad_input(self):
        """A purchase clerk without forecasting rights is refused both; an unknown product,
        reversed dates, an unknown period and a future date are answered with clear
        errors."""
        for method in ("turnover_statement", "stock_at_dates"):
            answer = self.call(method, "4004", product_id=self.product.id)
            self.assertEqual(answer["error"]["code"], "access_denied", method)
            answer = self.call(method, product_id=999999)
            self.assertEqual(answer["error"]["code"], "not_found", method)
        answer = self.call(
            "turnover_statement",
            product_id=self.product.id,
            date_from="2026-05-01",
            date_to="2026-01-01",
        )
        self.assertEqual(answer["error"]["code"], "invalid")
        self.assertIn("after its end", answer["error"]["message"])
        answer = self.call("turnover_statement", product_id=self.product.id, period="week")
        self.assertEqual(answer["error"]["code"], "invalid")
        answer = self.call("stock_at_dates", product_id=self.product.id, date="2027-01-01")
        self.assertEqual(answer["error"]["code"], "invalid")
        self.assertIn("future", answer["error"]["message"])
        answer = self.call("stock_at_dates", product_id=self.product.id, count=500)
        self.assertEqual(answer["error"]["code"], "invalid")
