from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import PurchaseBotCommon


@tagged("post_install", "-at_install")
class TestLinks(PurchaseBotCommon):
    def test_one_active_link_per_account_and_user(self):
        """A Telegram account cannot be linked to two users, nor a user to two accounts."""
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.Link.create({"user_id": self.other_buyer.id, "telegram_user_id": "1001"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.Link.create({"user_id": self.buyer.id, "telegram_user_id": "2002"})

    def test_disconnected_account_can_link_again(self):
        """After an admin disconnects an account, the same account may be linked anew."""
        link = self.buyer_link
        link.action_unlink_account()
        self.assertFalse(link.active)
        relinked = self.Link.create({"user_id": self.other_buyer.id, "telegram_user_id": "1001"})
        self.assertTrue(relinked.active)

    def test_users_see_only_their_own_link(self):
        """A buyer sees their own link and not a colleague's; neither can change links."""
        mine = self.buyer_link
        theirs = self.Link.create({"user_id": self.other_buyer.id, "telegram_user_id": "2002"})
        visible = self.Link.with_user(self.buyer).search([])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.buyer).read(["telegram_user_id"])
        with self.assertRaises(AccessError):
            mine.with_user(self.buyer).write({"telegram_user_id": "3003"})

    def test_admin_sees_and_disconnects_links(self):
        """An administrator lists every link and disconnects one."""
        admin = self.env.ref("base.user_admin")
        link = self.Link.create({"user_id": self.other_buyer.id, "telegram_user_id": "2002"})
        self.assertEqual(len(self.Link.with_user(admin).search([])), 3)
        link.with_user(admin).action_unlink_account()
        self.assertEqual(self.Link.with_user(admin).search([]).user_id, self.buyer | self.manager)

    def test_gateway_group_grants_no_business_access(self):
        """The bot's technical group implies nothing: its key alone reads no purchases."""
        group = self.env.ref("purchase_bot.group_bot_gateway")
        self.assertFalse(group.implied_ids)
        self.assertFalse(self.bot_user.has_group("purchase.group_purchase_user"))
        with self.assertRaises(AccessError):
            self.env["purchase.order"].with_user(self.bot_user).search([])

    def test_bot_username_setting(self):
        """The bot username saved in Settings is what deep links are built from."""
        settings = Form(self.env["res.config.settings"])
        settings.purchase_bot_username = "acme_purchase_bot"
        settings.save().execute()
        param = self.env["ir.config_parameter"].sudo().get_param("purchase_bot.bot_username")
        self.assertEqual(param, "acme_purchase_bot")

    def test_links_menu_for_admins_only(self):
        """Only administrators get the Telegram Links menu."""
        menu = self.env.ref("purchase_bot.purchase_bot_link_menu")
        admin = self.env.ref("base.user_admin")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(admin)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.buyer)._visible_menu_ids())
