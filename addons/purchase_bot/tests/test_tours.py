import datetime as dt

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
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


@tagged("post_install", "-at_install")
class TestPublishTour(TourCase):
    """Publishing in the browser changes what the Telegram card shows: a kettle with two years
    of monthly demand, a published run over it, and a later run that also sees a big last
    month, finished but not published."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {"forecast_nightly_run": False, "forecast_period": "month", "forecast_horizon": 12}
        )
        cls.manager = new_test_user(
            cls.env,
            login="pf_tour_publish_manager",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        cls.buyer = new_test_user(
            cls.env,
            login="pf_tour_publish_buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.env["purchase.bot.link"].create({"user_id": cls.buyer.id, "telegram_user_id": "7007"})
        bot_user = cls.env["res.users"].create(
            {
                "name": "Tour Bot",
                "login": "pf_tour_bot_gateway",
                "group_ids": [Command.set(cls.env.ref("purchase_bot.group_bot_gateway").ids)],
            }
        )
        cls.gateway = cls.env["purchase.bot.gateway"].with_user(bot_user)
        cls.product = cls.env["product.product"].create(
            {"name": "PF Tour Kettle", "type": "consu", "is_storable": True}
        )
        this_month = fields.Date.today().replace(day=1)
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": cls.product.id,
                    "date": this_month - relativedelta(months=age) + dt.timedelta(days=9),
                    "quantity": 8.0 + 4.0 * (age % 3),
                    "key": f"tour-kettle-{age}",
                }
                for age in range(2, 25)
            ]
        )
        Run = cls.env["purchase.forecast.run"].with_user(cls.manager)
        cls.first = Run.create({"product_ids": [Command.set(cls.product.ids)]})
        cls.first.action_run()
        cls.first.action_publish()
        # last month's demand, a big one, arrives after the first run: the later run
        # forecasts more
        cls.env["purchase.forecast.history"].create(
            {
                "product_id": cls.product.id,
                "date": this_month - relativedelta(months=1) + dt.timedelta(days=9),
                "quantity": 90.0,
                "key": "tour-kettle-1",
            }
        )
        cls.second = Run.create({"product_ids": [Command.set(cls.product.ids)]})
        cls.second.action_run()

    def _card_month(self):
        card = self.gateway.product_card(telegram_user_id="7007", product_id=self.product.id)
        return card["product"]["forecast"]["month"]["mean"]

    def _tab_month(self):
        product = self.product.with_user(self.buyer)
        product.invalidate_recordset()
        return product.forecast_chart["forecast"]["mean"][0], product.forecast_result_id.run_id

    def test_publish_tour(self):
        """Before: the card and the product tab show the first run's next month. A Forecast
        Manager publishes the second run from its form in the browser; then the card shows the
        second run's next month, the tab's number, and no longer the first's."""
        before, shown = self._tab_month()
        self.assertEqual(shown, self.first)
        self.assertAlmostEqual(self._card_month(), before, places=2)
        self.start_tour(
            f"/odoo/action-purchase_forecast.purchase_forecast_run_action/{self.second.id}",
            "purchase_bot_publish_tour",
            login=self.manager.login,
        )
        self.assertTrue(self.second.published)
        self.assertFalse(self.first.published)
        after, shown = self._tab_month()
        self.assertEqual(shown, self.second)
        self.assertNotAlmostEqual(after, before, places=2)
        self.assertAlmostEqual(self._card_month(), after, places=2)
