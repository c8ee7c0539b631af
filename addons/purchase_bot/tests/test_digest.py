from freezegun import freeze_time

from odoo.tests import tagged

from .common import PurchaseBotCommon

MORNING = "2026-07-10 05:00"


@tagged("post_install", "-at_install")
class TestDigestRisk(PurchaseBotCommon):
    """The daily digest lists what is really at risk now: the risk recomputed from the
    current stock position and the published forecast run, above the company's threshold, most
    urgent first, with a button that puts them on RFQs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Outbox = cls.env["purchase.bot.outbox"]
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        # the kettle (common setup): 10 a month, nothing in stock, 30 days to deliver
        cls.product.seller_ids.delay = 30
        cls._history(cls.product, [10.0, 11.0, 9.0] * 8)
        # 9 once a quarter, nothing in stock, 60 days to deliver: intermittent
        cls.rare = cls._product("Sterile drape", [9.0, 0.0, 0.0] * 8, delay=60)
        # the same demand as the kettle, but 500 in stock
        cls.stocked = cls._product("Gauze roll", [10.0, 11.0, 9.0] * 8, delay=30, stock=500)
        with freeze_time(MORNING):
            cls.forecast_run = cls.env["purchase.forecast.run"].create(
                {"product_ids": [(6, 0, (cls.product | cls.rare | cls.stocked).ids)]}
            )
            cls.forecast_run.action_run()
            cls.forecast_run.action_publish()

    @classmethod
    def _product(cls, name, demand, delay, stock=0.0):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "standard_price": 5.0,
                "seller_ids": [(0, 0, {"partner_id": cls.vendor.id, "price": 6.0, "delay": delay})],
            }
        )
        cls._history(product, demand)
        if stock:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, stock
            )
        return product

    @classmethod
    def _history(cls, product, demand):
        """Monthly demand from July 2024 to June 2026."""
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": f"{2024 + (6 + m) // 12}-{(6 + m) % 12 + 1:02d}-10",
                    "quantity": quantity,
                    "key": f"{product.id}-{m}",
                }
                for m, quantity in enumerate(demand)
            ]
        )

    def _digest(self):
        with freeze_time(MORNING):
            self.Outbox._cron_daily_digest()
        return self.Outbox.search([("kind", "=", "digest"), ("user_id", "=", self.buyer.id)])

    def test_risks_above_the_threshold_most_urgent_first(self):
        """At the default 20%: the kettle (regular demand, empty shelf, certain to run out)
        comes first, then the intermittent drape (empty shelf: likely to be asked for within
        its 60 days); the well-stocked gauze is absent although a stale plan line still
        says it is at full risk. Raised to 90%, only the kettle remains."""
        self._plan_at_risk(self.buyer, product_id=self.stocked.id)
        with freeze_time(MORNING):
            risks = self.Outbox._digest_risks(self.env.company)
        by_product = {row["product_id"]: row["stockout_risk"] for row in risks}
        self.assertEqual(list(by_product), [self.product.id, self.rare.id])
        self.assertGreater(by_product[self.product.id], 0.9)
        self.assertTrue(0.2 < by_product[self.rare.id] < 0.9, by_product)
        digest = self._digest()
        self.assertEqual(len(digest), 1)
        text = digest.text
        self.assertIn("Likely to run out within the lead time (risk above 20%)", text)
        self.assertLess(text.index("Electric kettle"), text.index("Sterile drape"))
        self.assertRegex(text, r"Electric kettle: \d+% risk, 0 on hand, 0 incoming, order \d+")
        self.assertNotIn("Gauze roll", text)
        self.assertEqual(digest.product_ids, self.product | self.rare)

        digest.unlink()
        self.env.company.purchase_bot_digest_risk = 90.0
        later = self._digest()
        self.assertIn("Electric kettle", later.text)
        self.assertNotIn("Sterile drape", later.text)

    def test_nothing_at_risk_sends_nothing(self):
        """With the kettle and the drape ordered (open RFQs count as incoming), nothing is
        at risk any more: no digest is queued for a buyer with nothing to approve."""
        for product in (self.product, self.rare):
            self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_qty": 200})],
                }
            )
        with freeze_time(MORNING):
            self.assertEqual(self.Outbox._digest_risks(self.env.company), [])
        self.assertFalse(self._digest())

    def test_button_puts_them_on_an_rfq_once(self):
        """The digest carries a button; pressed, the products at risk land on the buyer's
        draft RFQ with the plan policy's quantities; pressed again (a new update), nothing is
        added twice; another user's digest cannot be pressed."""
        digest = self._digest()
        fetched = self.gateway.outbox_fetch()["messages"]
        message = next(m for m in fetched if m["id"] == digest.id)
        self.assertEqual(message["buttons"], [[["🛒 Put them on my RFQs", f"dg:{digest.id}"]]])
        with freeze_time(MORNING):
            # each product as the chat would add it: its own policy quantity
            expected = {
                product.id: self.env["purchase.plan"]._policy_advice(product, self.warehouse)[
                    product.id
                ]["quantity"]
                for product in (self.product, self.rare)
            }
            answer = self.gateway.digest_to_rfqs(
                telegram_user_id="1001", message_id=digest.id, request_id="cb:1"
            )
        self.assertEqual(len(answer["orders"]), 1)
        order = self.env["purchase.order"].browse(answer["orders"][0]["id"])
        self.assertEqual(
            {line.product_id.id: line.product_qty for line in order.order_line},
            expected,
        )
        self.assertEqual(answer["skipped"], [])
        with freeze_time(MORNING):
            again = self.gateway.digest_to_rfqs(
                telegram_user_id="1001", message_id=digest.id, request_id="cb:2"
            )
        self.assertEqual(again["added"], [])
        self.assertEqual(len(again["skipped"]), 2)
        self.assertEqual(len(order.order_line), 2)
        other = self.gateway.digest_to_rfqs(telegram_user_id="3003", message_id=digest.id)
        self.assertEqual(other["error"]["code"], "not_found")
