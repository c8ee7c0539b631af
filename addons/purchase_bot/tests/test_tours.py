from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_forecast.tests.common_tour import TourCase


@tagged("post_install", "-at_install")
class TestConnectTour(TourCase):
    """Tour 5 in a real browser: a Forecast User connects Telegram from their preferences."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("purchase_bot.bot_username", "@pf_tour_bot")
        cls.Token = cls.env["purchase.bot.link.token"]

    def _buyer(self, login, lang="en_US"):
        return new_test_user(
            self.env,
            login=login,
            lang=lang,
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )

    def _assert_one_pending_token(self, user):
        tokens = self.Token.search([("user_id", "=", user.id)])
        self.assertEqual(len(tokens), 1, "pressing Connect Telegram issues one link token")
        self.assertFalse(tokens.used_at)
        self.assertFalse(user.telegram_linked)

    def test_connect_tour(self):
        """A Forecast User opens My Preferences → Telegram, presses Connect Telegram and sees
        a one-time t.me deep link to the bot and its QR code; a link token waits unused."""
        buyer = self._buyer("pf_tour_telegram")
        self.start_tour("/odoo", "purchase_bot_connect_tour", login=buyer.login)
        self._assert_one_pending_token(buyer)

    def test_connect_tour_in_russian(self):
        """The same journey for a buyer who works in Russian, with Odoo's Russian translations
        loaded: the tour finds every element by name, not label, and the dialog is in
        Russian."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["base"], ["ru_RU"])
        # and the addons' own Russian (i18n/ru.po): the Telegram page's button is Russian too
        self.env["ir.module.module"]._load_module_terms(
            ["purchase_forecast", "purchase_bot"], ["ru_RU"], overwrite=True
        )
        buyer = self._buyer("pf_tour_telegram_ru", lang="ru_RU")
        self.start_tour("/odoo", "purchase_bot_connect_tour_ru", login=buyer.login)
        self._assert_one_pending_token(buyer)
