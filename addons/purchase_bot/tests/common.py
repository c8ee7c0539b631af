from odoo.tests import TransactionCase, new_test_user


class PurchaseBotCommon(TransactionCase):
    """Shared setup: two buyers and the technical bot user of the gateway group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        cls.bot_user = new_test_user(
            cls.env, login="bot_gateway", groups="base.group_user,purchase_bot.group_bot_gateway"
        )
        cls.Link = cls.env["purchase.bot.link"]
