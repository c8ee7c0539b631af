import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tests import new_test_user, tagged

from .common import PurchaseBotCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestGateway(PurchaseBotCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        with freeze_time("2026-05-20 10:00"):
            cls.confirmed = cls._order(cls.buyer, 6, confirm=True)
        # the published forecast the card, suggestions and plans read
        with freeze_time(TODAY):
            cls.forecast_run = cls.env["purchase.forecast.run"].create(
                {"product_ids": cls.product.ids, "horizon": 12, "period": "month"}
            )
            cls.forecast_run.action_run()
            cls.forecast_run.action_publish()

    @classmethod
    def _order(cls, user, quantity, confirm=False):
        order = (
            cls.env["purchase.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": cls.vendor.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_qty": quantity})
                    ],
                }
            )
        )
        if confirm:
            order.button_confirm()
        return order.sudo()

    def call(self, method, telegram_user_id="1001", **kwargs):
        with freeze_time(TODAY):
            return getattr(self.gateway, method)(telegram_user_id=telegram_user_id, **kwargs)

    def approve(self, telegram_user_id, kind, record, nonce):
        """Press an approve button of an approval request from Telegram."""
        return self.call(
            "decide_approval",
            telegram_user_id,
            kind=kind,
            record_id=record.id,
            decision="approve",
            nonce=nonce,
        )

    # ------------------------------------------------------------------ access

    def test_only_the_bot_user_may_call(self):
        """A buyer's own key cannot use the gateway, even for their own account."""
        with self.assertRaises(AccessError):
            self.env["purchase.bot.gateway"].with_user(self.buyer).get_profile("1001")

    def test_unlinked_and_inactive_users_are_refused(self):
        """An unknown Telegram account, and the account of a deactivated user, get not_linked."""
        self.assertEqual(self.call("get_profile", "999")["error"]["code"], "not_linked")
        self.buyer.active = False
        self.assertEqual(self.call("list_rfqs")["error"]["code"], "not_linked")

    def test_ping_and_profile(self):
        """The worker checks its key, then reads who the buyer is, in their language."""
        self.assertTrue(self.gateway.gateway_ping()["ok"])
        user = self.call("get_profile")["user"]
        self.assertEqual(user["id"], self.buyer.id)
        self.assertTrue(user["roles"]["forecast_user"])
        self.assertFalse(user["can_approve"])
        self.assertTrue(self.call("get_profile", "3003")["user"]["can_approve"])

    # ------------------------------------------------------------------ products

    def test_search_tolerates_typos(self):
        """Search finds by code, by name and despite a typo; too short a query is refused.
        The name comes without Odoo's "[KTL-17]" prefix, the code apart: the bot shows it
        once."""
        for query in ("KTL-17", "kettle", "electrik ketle"):
            products = self.call("search_products", query=query)["products"]
            self.assertEqual(products[0]["id"], self.product.id, query)
            self.assertEqual(
                (products[0]["name"], products[0]["code"]), ("Electric kettle", "KTL-17")
            )
        self.assertEqual(self.call("search_products", query="k")["error"]["code"], "invalid")

    def test_typo_search_reads_a_shortlist(self):
        """Among 1,500 other products a Russian name is found despite two typos, and the
        fuzzy ranking reads only the few names the trigram index shortlists, never the
        catalog."""
        self.env["product.product"].create(
            [{"name": f"Bulk item {i:04d}", "type": "consu"} for i in range(1500)]
        )
        gloves = self.env["product.product"].create(
            {"name": "Перчатки нитриловые смотровые", "type": "consu"}
        )
        Product = type(self.env["product.product"])
        read = Product.search_read
        domains = []

        def spy(records, domain=None, *args, **kwargs):
            domains.append(domain)
            return read(records, domain, *args, **kwargs)

        with patch.object(Product, "search_read", spy):
            products = self.call("search_products", query="пирчатки нетриловые")["products"]
        self.assertEqual(products[0]["id"], gloves.id)
        [shortlist] = [
            leaf.value
            for domain in domains
            for leaf in Domain(domain).iter_conditions()
            if leaf.field_expr == "id"
        ]
        self.assertLess(len(shortlist), 50)

    def test_product_card(self):
        """The card shows stock, the forecast for the next month, quarter and year with
        bands, the chart series and the last purchases."""
        answer = self.call("product_card", product_id=self.product.id)
        card = answer["product"]
        self.assertEqual((card["name"], card["code"]), ("Electric kettle", "KTL-17"))
        self.assertEqual(card["incoming"], 6.0)
        for name, months in (("month", 1), ("quarter", 3), ("year", 12)):
            band = card["forecast"][name]
            self.assertLessEqual(band["low"], band["mean"] + 1e-6)
            self.assertLessEqual(band["mean"], band["high"] + 1e-6)
            self.assertAlmostEqual(band["mean"], 5.0 * months, delta=2.0 * months)
        self.assertEqual(len(answer["series"]["forecast"]), 12)
        self.assertEqual(answer["series"]["history"][-1]["date"], "2026-06-01")
        self.assertEqual(answer["last_purchases"][0]["order"], self.confirmed.name)
        self.assertEqual(self.call("product_card", product_id=999999)["error"]["code"], "not_found")

    def test_product_card_without_published_forecast(self):
        """A product no published forecast covers: the card shows its history and says there
        is no forecast (the worker's "No forecast yet"), nothing is fitted on the fly."""
        self.forecast_run.published = False
        answer = self.call("product_card", product_id=self.product.id)
        self.assertIsNone(answer["product"]["forecast"])
        self.assertIsNone(answer["product"]["demand_class"])
        self.assertEqual(answer["series"]["forecast"], [])
        self.assertEqual(answer["series"]["history"][-1]["date"], "2026-06-01")

    def test_purchases_analytics_and_top(self):
        """Analytics count distinct orders and sum amounts per period; top lists by value."""
        rows = self.call("purchase_analytics", granularity="month", measure="amount")["rows"]
        may = next(row for row in rows if row["period"] == "2026-05-01")
        self.assertEqual(may["count"], 1)
        self.assertAlmostEqual(may["amount"], 150.0)
        top = self.call("top_purchases", limit=5)["rows"]
        self.assertEqual(top[0]["order"], self.confirmed.name)
        bad = self.call("purchase_analytics", granularity="decade", measure="amount")
        self.assertEqual(bad["error"]["code"], "invalid")

    # ------------------------------------------------------------------ RFQs

    def test_rfq_lifecycle(self):
        """A buyer adds a product (the vendor's draft RFQ is created), adds it again (told
        the line exists, then adds to it), edits it, exports the calculation JSON, removes it
        and cancels."""
        first = self.call("add_rfq_line", product_id=self.product.id, quantity=3)
        order_id, line_id = first["order"]["id"], first["line_id"]
        self.assertEqual(first["order"]["vendor"], self.vendor.display_name)
        self.assertTrue(first["order"]["can_edit"])
        exists = self.call("add_rfq_line", product_id=self.product.id, quantity=2)
        self.assertEqual((exists["status"], exists["quantity"]), ("exists", 3))
        second = self.call("add_rfq_line", product_id=self.product.id, quantity=2, mode="add")
        self.assertEqual((second["order"]["id"], second["line_id"]), (order_id, line_id))
        self.assertEqual(second["order"]["lines"][0]["quantity"], 5)
        updated = self.call(
            "update_rfq_line", line_id=line_id, quantity=8, price_unit=30, date_planned="2026-08-01"
        )
        line = updated["order"]["lines"][0]
        self.assertEqual(
            (line["quantity"], line["price_unit"], line["date_planned"]), (8, 30, "2026-08-01")
        )
        exported = self.call("export_rfq_json", order_id=order_id)
        self.assertNotIn("error", exported, exported.get("error"))
        document = exported["document"]
        self.assertEqual(document["rows"][0]["purchaseAmount"], 8)
        self.assertEqual(document["rows"][0]["nmc"], 240.0)
        self.assertEqual([o["id"] for o in self.call("list_rfqs")["orders"]], [order_id])
        self.assertEqual(self.call("get_rfq", order_id=order_id)["order"]["id"], order_id)
        removed = self.call("remove_rfq_line", line_id=line_id)
        self.assertEqual(removed["order"]["lines"], [])
        self.assertEqual(self.call("cancel_rfq", order_id=order_id)["order"]["state"], "cancel")
        locked = self.call(
            "add_rfq_line", product_id=self.product.id, quantity=1, order_id=order_id
        )
        self.assertEqual(locked["error"]["code"], "invalid")

    def test_other_companys_rfq_is_out_of_reach(self):
        """What Odoo does not let a buyer see or change, the bot does not either: an RFQ of
        another company."""
        other = self.env["res.company"].create({"name": "Other Co"})
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "company_id": other.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_qty": 2})],
            }
        )
        for answer in (
            self.call("update_rfq_line", line_id=order.order_line.id, quantity=9),
            self.call("get_rfq", order_id=order.id),
        ):
            self.assertEqual(answer["error"]["code"], "access_denied")
        self.assertEqual(order.order_line.product_qty, 2)

    def test_retried_write_is_answered_once(self):
        """The same request id twice adds one line: a worker retry after a timeout is safe."""
        first = self.call("add_rfq_line", product_id=self.product.id, quantity=2, request_id="77")
        again = self.call("add_rfq_line", product_id=self.product.id, quantity=2, request_id="77")
        self.assertEqual(first, again)
        order = self.env["purchase.order"].browse(first["order"]["id"])
        self.assertEqual(order.order_line.product_qty, 2)

    # ------------------------------------------------------------------ approvals

    def _plan_waiting(self):
        plan = self.env["purchase.plan"].create({"user_id": self.buyer.id})
        plan._workflow().state = "computed"
        self.env.company.purchase_plan_approval_amount = 1.0
        plan.action_request_approval()
        return plan

    def test_manager_approves_plan_once(self):
        """The manager sees the plan waiting and approves it with the button's nonce; the
        same button again says already decided."""
        plan = self._plan_waiting()
        items = self.call("list_approvals", "3003")["items"]
        item = next(i for i in items if i["kind"] == "plan" and i["id"] == plan.id)
        self.assertLessEqual(len(item["nonce"]), 32)
        answer = self.approve("3003", "plan", plan, item["nonce"])
        self.assertEqual(answer["status"], "approved")
        self.assertEqual(plan.state, "approved")
        again = self.approve("3003", "plan", plan, item["nonce"])
        self.assertEqual(again["status"], "already_decided")

    def test_buyer_cannot_approve_and_forged_nonce_is_stale(self):
        """A buyer pressing a forged approve button is refused by Odoo's rights; a wrong nonce
        is stale. The plan stays waiting."""
        plan = self._plan_waiting()
        self.assertFalse([i for i in self.call("list_approvals")["items"] if i["kind"] == "plan"])
        nonce = plan._approval_token()
        denied = self.approve("1001", "plan", plan, nonce)
        self.assertEqual(denied["error"]["code"], "access_denied")
        stale = self.approve("3003", "plan", plan, "forged")
        self.assertEqual(stale["error"]["code"], "stale")
        self.assertEqual(plan.state, "to_approve")

    def test_plan_changed_after_the_message_is_stale(self):
        """The approval message carries a nonce bound to the plan's lines: once a line
        changes (here behind the workflow's back), the old button is stale and the plan
        stays waiting; the message of the new request approves."""
        plan = self._plan_waiting()
        item = next(i for i in self.call("list_approvals", "3003")["items"] if i["id"] == plan.id)
        plan._workflow().line_ids = [
            Command.create({"product_id": self.product.id, "quantity": 1000, "state": "order"})
        ]
        stale = self.approve("3003", "plan", plan, item["nonce"])
        self.assertEqual(stale["error"]["code"], "stale")
        self.assertEqual(plan.state, "to_approve")
        plan.with_user(self.manager).action_reject()
        plan.action_request_approval()
        item = next(i for i in self.call("list_approvals", "3003")["items"] if i["id"] == plan.id)
        self.assertEqual(self.approve("3003", "plan", plan, item["nonce"])["status"], "approved")

    def test_rfq_double_validation(self):
        """An RFQ above the company's approval amount waits; a purchase manager approves it
        from Telegram; a plain buyer is refused."""
        self.env.company.write(
            {"po_double_validation": "two_step", "po_double_validation_amount": 10.0}
        )
        order = self._order(self.buyer, 4, confirm=True)
        self.assertEqual(order.state, "to approve")
        self.assertFalse([i for i in self.call("list_approvals")["items"] if i["kind"] == "rfq"])
        item = next(i for i in self.call("list_approvals", "3003")["items"] if i["id"] == order.id)
        denied = self.approve("1001", "rfq", order, item["nonce"])
        self.assertEqual(denied["error"]["code"], "access_denied")
        approved = self.approve("3003", "rfq", order, item["nonce"])
        self.assertEqual(approved["status"], "approved")
        self.assertEqual(order.state, "purchase")

    # ------------------------------------------------------------------ plans, budget, help

    def test_plan_risks_and_budget(self):
        """The latest plan's lines at risk come ranked, the highest priority first whatever
        the order they were made in (a line without risk is left out); the budget shows what
        is left."""
        # the kettle: sure to run out but of little value (C); the gloves: less likely, but
        # class A, so more urgent (priority = risk x value weight)
        plan = self._plan_at_risk(self.buyer, vendor_id=self.vendor.id)
        urgent, other = (
            self.env["product.product"].create(
                {"name": name, "type": "consu", "purchase_ok": True, "standard_price": 1.0}
            )
            for name in ("Urgent gloves", "Calm paper")
        )
        plan._workflow().line_ids = [
            Command.create(
                {
                    "product_id": urgent.id,
                    "quantity": 2,
                    "stockout_risk": 0.9,
                    "abc_class": "A",
                    "vendor_id": self.vendor.id,
                }
            ),
            Command.create(
                {
                    "product_id": other.id,
                    "quantity": 2,
                    "stockout_risk": 0.0,
                    "vendor_id": self.vendor.id,
                }
            ),
        ]
        risks = self.call("list_plan_risks")
        self.assertEqual(risks["plan"]["id"], plan.id)
        self.assertEqual(
            [(line["product"], line["priority"]) for line in risks["lines"]],
            [("Urgent gloves", 1), (self.product.display_name, 2)],
        )
        self.assertIsNone(self.call("budget_status")["budget"])
        self.env["purchase.budget"].create(
            {
                "name": "2026",
                "user_id": self.buyer.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "amount": 1000.0,
            }
        )
        budget = self.call("budget_status")
        self.assertEqual(budget["budget"], 1000.0)
        self.assertAlmostEqual(budget["remaining"], 1000.0 - self.confirmed.amount_total)
        orders = self.call("plan_create_rfqs", plan_id=plan.id)["orders"]
        self.assertEqual(len(orders), 1)

    def test_report_problem(self):
        """A problem report lands in the bot reports channel, signed by the buyer."""
        self.call("report_problem", text="The forecast for kettles looks too high")
        channel = self.env.ref("purchase_bot.discuss_channel_bot_reports")
        message = channel.message_ids[0]
        self.assertIn("kettles", message.body)
        self.assertEqual(message.author_id, self.buyer.partner_id)
        self.assertEqual(self.call("report_problem", text="   ")["error"]["code"], "invalid")

    def test_answers_follow_the_users_language(self):
        """Messages from Odoo come in the linked user's language."""
        self.env["res.lang"]._activate_lang("ru_RU")
        russian = new_test_user(
            self.env,
            login="bot_ru",
            lang="ru_RU",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        self.Link.create({"user_id": russian.id, "telegram_user_id": "4004"})
        self.assertEqual(self.call("get_profile", "4004")["user"]["lang"], "ru_RU")
