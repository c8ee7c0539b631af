import datetime as dt

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_bot.models.purchase_bot_link_token import hash_token

from .common import PurchaseBotCommon


@tagged("post_install", "-at_install")
class TestLinkTokens(PurchaseBotCommon):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("purchase_bot.bot_username", "acme_bot")

    def _connect(self, user):
        action = user.with_user(user).action_telegram_connect()
        return action["context"]["default_deep_link"].split("start=", 1)[1], action

    def test_deep_link_and_qr_code(self):
        """Connect Telegram gives a t.me deep link to the configured bot, valid ten minutes,
        with its QR code; only the token's hash is stored."""
        token, action = self._connect(self.other_buyer)
        context = action["context"]
        self.assertTrue(context["default_deep_link"].startswith("https://t.me/acme_bot?start="))
        self.assertRegex(token, r"^[A-Za-z0-9_-]{40,64}$")
        self.assertTrue(context["default_qr_code"])
        stored = self.env["purchase.bot.link.token"].search([("user_id", "=", self.other_buyer.id)])
        self.assertEqual(stored.token_hash, hash_token(token))
        self.assertNotIn(token, str(stored.read()))
        expires = stored.expires_at - dt.datetime.now()
        self.assertTrue(dt.timedelta(minutes=9) < expires <= dt.timedelta(minutes=10))

    def test_token_links_once(self):
        """/start with the token links that Telegram account to the user; the same token a
        second time is refused."""
        token, _action = self._connect(self.other_buyer)
        answer = self.gateway.link_account(token, "2002", "olga", "private")
        self.assertEqual(answer["user"]["id"], self.other_buyer.id)
        link = self.Link.search([("telegram_user_id", "=", "2002")])
        self.assertEqual((link.user_id, link.telegram_username), (self.other_buyer, "olga"))
        again = self.gateway.link_account(token, "2003", "", "private")
        self.assertEqual(again["error"]["code"], "token_invalid")

    def test_expired_token(self):
        """A token older than ten minutes is refused as expired."""
        token, _action = self._connect(self.other_buyer)
        with freeze_time(dt.datetime.now() + dt.timedelta(minutes=11)):
            answer = self.gateway.link_account(token, "2002", "", "private")
        self.assertEqual(answer["error"]["code"], "token_expired")
        self.assertFalse(self.Link.search([("telegram_user_id", "=", "2002")]))

    def test_unknown_token_and_group_chat(self):
        """A made-up token and a link attempt from a group chat are refused."""
        self.assertEqual(
            self.gateway.link_account("made-up", "2002", "", "private")["error"]["code"],
            "token_invalid",
        )
        token, _action = self._connect(self.other_buyer)
        self.assertEqual(
            self.gateway.link_account(token, "2002", "", "group")["error"]["code"], "not_private"
        )

    def test_account_of_someone_else_is_not_hijacked(self):
        """A Telegram account linked to one buyer cannot be relinked to another with a token."""
        token, _action = self._connect(self.other_buyer)
        answer = self.gateway.link_account(token, "1001", "", "private")
        self.assertEqual(answer["error"]["code"], "already_linked")
        self.assertEqual(self.gateway._active_link("1001").user_id, self.buyer)

    def test_new_account_replaces_old_one(self):
        """A user who links a new Telegram account stops being reachable on the old one."""
        token, _action = self._connect(self.buyer)
        self.gateway.link_account(token, "1009", "", "private")
        self.assertFalse(self.buyer_link.active)
        self.assertEqual(self.gateway._active_link("1009").user_id, self.buyer)

    def test_only_own_account_and_configured_bot(self):
        """Nobody makes a link for someone else, and without a bot username there is none."""
        with self.assertRaises(AccessError):
            self.buyer.with_user(self.other_buyer).action_telegram_connect()
        self.env["ir.config_parameter"].set_param("purchase_bot.bot_username", "")
        with self.assertRaises(UserError):
            self.buyer.with_user(self.buyer).action_telegram_connect()

    def test_user_and_admin_disconnect(self):
        """A user disconnects their own account; an admin anyone's; a buyer nobody else's."""
        with self.assertRaises(AccessError):
            self.manager.with_user(self.buyer).action_telegram_disconnect()
        self.buyer.with_user(self.buyer).action_telegram_disconnect()
        self.assertFalse(self.buyer_link.active)
        self.manager.with_user(self.env.ref("base.user_admin")).action_telegram_disconnect()
        self.assertFalse(self.manager_link.active)
        self.assertFalse(self.manager.telegram_linked)

    def test_bot_user_setup(self):
        """The settings button creates a technical user with only the gateway group and a
        working API key; a second press revokes the first key."""
        admin = self.env.ref("base.user_admin")
        user, key = self.env["res.users"].with_user(admin)._setup_bot_user()
        self.assertEqual(user.group_ids, self.env.ref("purchase_bot.group_bot_gateway"))
        self.assertTrue(user.share)
        Keys = self.env["res.users.apikeys"]
        self.assertEqual(Keys._check_credentials(scope="rpc", key=key), user.id)
        _user, second = self.env["res.users"].with_user(admin)._setup_bot_user()
        self.assertFalse(Keys._check_credentials(scope="rpc", key=key))
        self.assertEqual(Keys._check_credentials(scope="rpc", key=second), user.id)
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(self.manager)._setup_bot_user()

    def test_portal_users_get_no_assistant(self):
        """A portal user cannot create a link token; a token or a link made for one before
        (by an old version or an admin) links nobody and answers nothing."""
        portal = new_test_user(self.env, login="bot_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            portal.with_user(portal).action_telegram_connect()
        token, _expires = self.env["purchase.bot.link.token"]._issue(portal)
        answer = self.gateway.link_account(token, "4004", "portal", "private")
        self.assertEqual(answer["error"]["code"], "token_invalid")
        self.assertFalse(self.Link.search([("telegram_user_id", "=", "4004")]))
        self.Link.create({"user_id": portal.id, "telegram_user_id": "4005"})
        profile = self.gateway.get_profile("4005")
        self.assertEqual(profile["error"]["code"], "not_linked")

    def test_long_telegram_username_is_cut(self):
        """A username longer than Telegram allows is stored cut to 32 characters."""
        token, _action = self._connect(self.other_buyer)
        answer = self.gateway.link_account(token, "2002", "x" * 6000, "private")
        self.assertEqual(answer["user"]["id"], self.other_buyer.id)
        link = self.Link.search([("telegram_user_id", "=", "2002")])
        self.assertEqual(link.telegram_username, "x" * 32)
