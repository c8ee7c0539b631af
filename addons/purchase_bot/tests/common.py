from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class PurchaseBotCommon(TransactionCase):
    """Shared setup: buyers, a manager, the technical bot user (gateway group only), a linked
    Telegram account per person, and a product with a vendor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.forecast_nightly_run = False
        cls.buyer = new_test_user(
            cls.env,
            login="bot_buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.other_buyer = new_test_user(
            cls.env,
            login="bot_other_buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="bot_manager",
            groups="base.group_user,purchase_forecast.group_forecast_manager,"
            "purchase.group_purchase_manager",
        )
        cls.bot_user = cls.env["res.users"].create(
            {
                "name": "Bot",
                "login": "bot_gateway",
                "group_ids": [Command.set(cls.env.ref("purchase_bot.group_bot_gateway").ids)],
            }
        )
        cls.Link = cls.env["purchase.bot.link"]
        cls.buyer_link = cls.Link.create({"user_id": cls.buyer.id, "telegram_user_id": "1001"})
        cls.manager_link = cls.Link.create({"user_id": cls.manager.id, "telegram_user_id": "3003"})
        cls.gateway = cls.env["purchase.bot.gateway"].with_user(cls.bot_user)
        cls.vendor = cls.env["res.partner"].create({"name": "Kettle Supplies"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Electric kettle",
                "default_code": "KTL-17",
                "type": "consu",
                "is_storable": True,
                "standard_price": 20.0,
                "seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 25.0})],
            }
        )

    def _plan_at_risk(self, user, **line_values):
        """A computed plan of ``user`` whose one line (the kettle, 5 to order) is at full
        stockout risk; ``line_values`` change the line."""
        plan = self.env["purchase.plan"].create({"user_id": user.id})
        self.env["purchase.plan.line"].create(
            {
                "plan_id": plan.id,
                "product_id": self.product.id,
                "quantity": 5,
                "stockout_risk": 1.0,
                "priority": 3.0,
                **line_values,
            }
        )
        plan._workflow().write({"state": "computed", "computed_at": "2026-07-09 08:00:00"})
        return plan

    def _kettle_at_risk(self, monthly=(10.0, 11.0, 9.0)):
        """Two years of monthly kettle demand up to June 2026, nothing in stock, 30 days to
        deliver, and a published forecast run: on 2026-07-10 it is sure to run out within
        its lead time."""
        self.product.seller_ids.delay = 30
        self.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": self.product.id,
                    "date": f"{2024 + (6 + m) // 12}-{(6 + m) % 12 + 1:02d}-10",
                    "quantity": monthly[m % len(monthly)],
                    "key": f"kettle-risk-{m}",
                }
                for m in range(24)
            ]
        )
        with freeze_time("2026-07-10 05:00"):
            run = self.env["purchase.forecast.run"].create({"product_ids": self.product.ids})
            run.action_run()
            run.action_publish()
        return run
