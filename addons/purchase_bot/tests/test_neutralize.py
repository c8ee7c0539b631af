from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from .common import PurchaseBotCommon


@tagged("post_install", "-at_install")
class TestNeutralize(PurchaseBotCommon):
    def test_database_copy_cannot_reach_telegram(self):
        """Neutralizing a database copy disconnects every Telegram account, drops pending
        notifications, revokes the bot user's keys and forgets the bot."""
        admin = self.env.ref("base.user_admin")
        user, key = self.env["res.users"].with_user(admin)._setup_bot_user()
        self.env["ir.config_parameter"].set_param("purchase_bot.bot_username", "acme_bot")
        self.env["purchase.bot.outbox"]._queue(self.buyer_link, "Hello")
        self.env.flush_all()
        for query in get_neutralization_queries(["purchase_bot"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.Link.search([]))
        self.assertFalse(self.env["purchase.bot.outbox"].search([("state", "=", "pending")]))
        self.assertFalse(self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=key))
        self.assertFalse(
            self.env["ir.config_parameter"].sudo().get_param("purchase_bot.bot_username")
        )
        self.assertTrue(user.exists())
