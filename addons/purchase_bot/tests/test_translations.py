import re

from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.purchase_forecast.tests.translation_checks import TranslationCatalogChecks

from .common import PurchaseBotCommon

RU_THOUSANDS = r"[ \u00a0\u202f]"


@tagged("post_install", "-at_install")
class TestTranslationCatalogs(TranslationCatalogChecks, TransactionCase):
    """purchase_bot ships a current template and a complete, well-formed Russian catalog,
    the Telegram worker's conversation included (the worker reads the same ru.po)."""

    module = "purchase_bot"


@tagged("post_install", "-at_install")
class TestRussianBot(PurchaseBotCommon):
    """What Odoo tells a buyer and a manager who work in Russian through the bot: gateway
    refusals, the daily digest and approval requests, with Russian numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"]._load_module_terms(
            ["purchase_forecast", "purchase_bot"], ["ru_RU"], overwrite=True
        )
        cls.russian = new_test_user(
            cls.env,
            login="bot_ru_buyer",
            lang="ru_RU",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.russian_manager = new_test_user(
            cls.env,
            login="bot_ru_manager",
            lang="ru_RU",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        cls.Link.create({"user_id": cls.russian.id, "telegram_user_id": "4004"})
        cls.Link.create({"user_id": cls.russian_manager.id, "telegram_user_id": "5005"})
        cls.Outbox = cls.env["purchase.bot.outbox"]

    def test_gateway_refusals_in_the_users_language(self):
        """The same refusal reaches a Russian buyer in Russian and an English one in
        English."""
        russian = self.gateway.search_products(telegram_user_id="4004", query="k")
        english = self.gateway.search_products(telegram_user_id="1001", query="k")
        self.assertEqual(russian["error"]["message"], "Введите хотя бы два символа.")
        self.assertEqual(english["error"]["message"], "Type at least two characters.")
        answer = self.gateway.add_rfq_line(
            telegram_user_id="4004", product_id=self.product.id, quantity=-1
        )
        self.assertEqual(answer["error"]["message"], "Количество должно быть больше нуля.")

    def test_daily_digest_in_russian(self):
        """A Russian buyer's morning digest is Russian, its quantities grouped the Russian
        way (1 500)."""
        self._kettle_at_risk(monthly=(1500.0, 1600.0, 1400.0))
        with freeze_time("2026-07-10 05:00"):
            self.Outbox._cron_daily_digest()
        digest = self.Outbox.search([("kind", "=", "digest"), ("user_id", "=", self.russian.id)])
        self.assertEqual(len(digest), 1)
        self.assertIn("Может закончиться в пределах срока поставки (риск выше 20", digest.text)
        self.assertRegex(
            digest.text,
            rf"Electric kettle: риск 100%, в наличии 0, поступит 0, заказать "
            rf"\d{{1,2}}{RU_THOUSANDS}\d{{3}}",
        )
        self.assertEqual(digest.buttons[0][0][0], "🛒 Добавить их в мои запросы КП")

    def test_approval_request_in_russian(self):
        """A plan sent for approval reaches a Russian manager in Russian, its amount with a
        decimal comma."""
        plan = self._plan_at_risk(self.russian, on_hand=1500, quantity=2500, price_unit=12.5)
        plan.action_request_approval()
        queued = self.Outbox.search(
            [("kind", "=", "approval"), ("user_id", "=", self.russian_manager.id)]
        )
        self.assertEqual(len(queued), 1)
        self.assertIn("ждёт вашего согласования", queued.text)
        self.assertRegex(queued.text, rf"\(31{RU_THOUSANDS}250,00 \w+\)")
        self.assertFalse(re.search(r"\d\.\d", queued.text))
