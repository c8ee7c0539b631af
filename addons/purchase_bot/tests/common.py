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
