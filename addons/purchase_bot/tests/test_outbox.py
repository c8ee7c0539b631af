import datetime as dt

from freezegun import freeze_time

from odoo.tests import tagged

from .common import PurchaseBotCommon


@tagged("post_install", "-at_install")
class TestOutbox(PurchaseBotCommon):
    def setUp(self):
        super().setUp()
        self.Outbox = self.env["purchase.bot.outbox"]

    def test_delivery_once(self):
        """A queued message is fetched, delivered and never fetched again."""
        self.Outbox._queue(self.buyer_link, "Hello")
        messages = self.gateway.outbox_fetch()["messages"]
        self.assertEqual(
            [(m["telegram_user_id"], m["text"]) for m in messages], [("1001", "Hello")]
        )
        # claimed: a second worker polling at the same time does not get it
        self.assertFalse(self.gateway.outbox_fetch()["messages"])
        self.assertEqual(
            self.gateway.outbox_ack(message_id=messages[0]["id"], delivered=True)["status"],
            "delivered",
        )
        with freeze_time(dt.datetime.now() + dt.timedelta(hours=1)):
            self.assertFalse(self.gateway.outbox_fetch()["messages"])

    def test_retry_then_failure(self):
        """A failed delivery is retried later with a growing delay, and given up after five
        attempts; a permanent failure (the user blocked the bot) at once."""
        message = self.Outbox._queue(self.buyer_link, "Retry me")
        now = dt.datetime.now()
        for attempt in range(1, 6):
            with freeze_time(now + dt.timedelta(hours=attempt)):
                fetched = self.gateway.outbox_fetch()["messages"]
                self.assertEqual([m["id"] for m in fetched], message.ids)
                status = self.gateway.outbox_ack(
                    message_id=message.id, delivered=False, error="timeout"
                )["status"]
            self.assertEqual(status, "retry" if attempt < 5 else "failed")
        self.assertEqual((message.state, message.attempts), ("failed", 5))
        blocked = self.Outbox._queue(self.buyer_link, "Blocked")
        self.gateway.outbox_fetch()
        self.gateway.outbox_ack(message_id=blocked.id, delivered=False, error="403", permanent=True)
        self.assertEqual(blocked.state, "failed")

    def test_long_texts_are_split(self):
        """A digest longer than Telegram's limit goes out as several messages."""
        text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
        messages = self.Outbox._queue(self.buyer_link, text)
        self.assertGreater(len(messages), 1)
        self.assertTrue(all(len(m.text) <= 4096 for m in messages))
        self.assertEqual("\n".join(messages.mapped("text")), text)

    def test_unlinked_user_gets_nothing(self):
        """Messages of a disconnected account are not sent."""
        self.Outbox._queue(self.buyer_link, "Hello")
        self.buyer_link.action_unlink_account()
        self.assertFalse(self.gateway.outbox_fetch()["messages"])

    def test_approval_request_notifies_linked_managers_once(self):
        """A plan sent for approval notifies the linked Forecast Managers, once."""
        plan = self.env["purchase.plan"].create({"user_id": self.buyer.id})
        plan._workflow().state = "computed"
        plan.action_request_approval()
        queued = self.Outbox.search([("kind", "=", "approval")])
        self.assertEqual(queued.user_id, self.manager)
        self.assertIn(plan.name, queued.text)
        plan._notify_telegram_approvers(self.manager, "plan", plan._approval_token())
        self.assertEqual(len(self.Outbox.search([("kind", "=", "approval")])), 1)

    def test_daily_digest_once_a_day(self):
        """An empty shelf of a product asked for every month, 30 days from delivery, is at
        risk: the digest lists it; run twice a day, it is queued once."""
        self._kettle_at_risk()
        with freeze_time("2026-07-10 05:00"):
            self.Outbox._cron_daily_digest()
            self.Outbox._cron_daily_digest()
        digest = self.Outbox.search([("kind", "=", "digest"), ("user_id", "=", self.buyer.id)])
        self.assertEqual(len(digest), 1)
        self.assertIn("Electric kettle", digest.text)
