import base64
import datetime as dt
import io
import json

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_forecast.procurement_json import validate_calculation

from .common import PurchaseForecastCommon
from .common_import import turnover_rows, xlsx

TODAY = "2026-07-10"
# a thousands separator as Russian formatting writes it (space, no-break or narrow no-break)
RU_THOUSANDS = r"[ \u00a0\u202f]"


@tagged("post_install", "-at_install")
class TestRussianUi(PurchaseForecastCommon):
    """A buyer who works in Russian, with the addon's Russian translations loaded; numbers and
    dates in what she reads follow Russian conventions, machine exports stay fixed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"]._load_module_terms(
            ["purchase_forecast"], ["ru_RU"], overwrite=True
        )
        cls.company.write({"forecast_nightly_run": False, "purchase_plan_review_days": 30})
        cls.russian = new_test_user(
            cls.env,
            login="pf_ru_buyer",
            lang="ru_RU",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.english = cls.forecast_user
        cls.russian_manager = new_test_user(
            cls.env,
            login="pf_ru_manager",
            lang="ru_RU",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        cls.paper = cls._product("Paper A4")
        cls.paper.seller_ids.write({"delay": 30, "price": 10.0})
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": cls.paper.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 12),
                    "quantity": 1500.0 + (m % 3 - 1) * 60.0,
                    "key": f"paper-{m}",
                }
                for m in range(24)
            ]
        )

    def _env_of(self, user):
        """The environment a request of `user` gets: their rights, language and time zone."""
        return self.env(user=user, context=user.with_user(user).context_get())

    def _forecast(self):
        return self._publish_forecast(self.paper, TODAY)

    def _plan(self, user):
        self._forecast()
        with freeze_time(TODAY):
            plan = self._env_of(user)["purchase.plan"].create(
                {"product_ids": [Command.set(self.paper.ids)]}
            )
            plan.action_compute()
        return plan

    def test_product_forecast_tab_in_russian(self):
        """The product's Demand Forecast tab: its page title, field labels and selection
        values, and the forecast explained in Russian words with Russian numbers
        (1 500,0 where English reads 1,500.0)."""
        self._forecast()
        env = self._env_of(self.russian)
        template = env["product.template"].browse(self.paper.product_tmpl_id.id)
        labels = template.fields_get(
            ["forecast_explanation", "forecast_demand_class", "forecast_next_quantity"],
            ["string", "selection"],
        )
        self.assertEqual(labels["forecast_explanation"]["string"], "Прогноз словами")
        self.assertEqual(labels["forecast_demand_class"]["string"], "Тип потребности")
        self.assertEqual(labels["forecast_next_quantity"]["string"], "Прогноз на следующий период")
        self.assertIn(("smooth", "Равномерная"), labels["forecast_demand_class"]["selection"])
        arch = template.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Прогноз потребности", arch)
        self.assertNotIn("Demand Forecast", arch)

        with freeze_time(TODAY):
            russian = template.forecast_explanation
            english = template.with_env(self._env_of(self.english)).forecast_explanation
        self.assertTrue(russian.startswith("Равномерная: около "), russian)
        self.assertIn("в месяц", russian)
        self.assertIn("; прогноз: ", russian)
        self.assertRegex(russian, rf"1{RU_THOUSANDS}\d{{3}},\d")
        self.assertNotRegex(russian, r"\d\.\d")
        self.assertTrue(english.startswith("Smooth: about 1,"), english)
        self.assertRegex(english, r"1,\d{3}\.\d")

    def test_purchase_plan_in_russian(self):
        """The plan a Russian buyer computes: each line's short reason and derivation in
        Russian, quantities with Russian digit grouping, the plan's status and buttons in
        Russian."""
        plan = self._plan(self.russian)
        line = plan.line_ids
        self.assertEqual(len(line), 1)
        why = line.explanation
        self.assertIn("В наличии 0, ожидается 0.", why)
        self.assertIn("30 дн. поставки и 30 дн. до следующего плана", why)
        self.assertRegex(line.short_reason, r"^Заказать [\d\s]+: на ближайшие 60 дн\. нужно около ")
        self.assertTrue(line.short_reason.endswith(", запаса нет"), line.short_reason)
        self.assertIn("Заказать ", why)
        self.assertIn("страховой запас", why)
        self.assertRegex(why, rf"ожидается \d{RU_THOUSANDS}\d{{3}}")
        self.assertNotIn("on hand", why)

        states = dict(plan.fields_get(["state"], ["selection"])["state"]["selection"])
        self.assertEqual(states["computed"], "Рассчитан")
        self.assertEqual(
            plan.fields_get(["review_days"])["review_days"]["string"], "Покрытие (дн.)"
        )
        arch = plan.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('string="Создать запросы КП"', arch)
        self.assertIn('string="Рассчитать"', arch)

        draft = self._env_of(self.russian)["purchase.plan"].create({})
        with self.assertRaises(UserError) as error:
            draft.action_create_rfqs()
        self.assertEqual(
            error.exception.args[0], "Прежде чем создавать запросы КП, рассчитайте план."
        )

    def test_plan_xlsx_follows_the_language(self):
        """The plan's spreadsheet for a Russian buyer: Russian headers and status, numbers
        still numbers, dates shown as dd.mm.yyyy."""
        plan = self._plan(self.russian)
        sheet = openpyxl.load_workbook(io.BytesIO(plan._export_xlsx())).active
        self.assertEqual(sheet.cell(1, 3).value, "Рассчитан")
        self.assertEqual(sheet.cell(1, 4).number_format, "dd.mm.yyyy")
        headers = [cell.value for cell in sheet[3]]
        self.assertEqual(headers[:3], ["Товар", "Код", "Поставщик"])
        self.assertIn("К заказу", headers)
        row = [cell.value for cell in sheet[4]]
        self.assertEqual(row[headers.index("Статус")], "К заказу")
        self.assertIsInstance(row[headers.index("К заказу")], (int, float))
        self.assertEqual(row[headers.index("К заказу")], plan.line_ids.quantity)
        self.assertIn("В наличии", row[headers.index("Обоснование")])

    def test_calculation_json_keeps_its_machine_format(self):
        """The Moscow procurement calculation exported by a Russian buyer is the same document
        as an English buyer's: numbers are JSON numbers, dates ISO, no translated text."""
        self.paper.product_tmpl_id.write(
            {
                "spgz_id": "1234567",
                "spgz_version_id": "7654321",
                "procurement_characteristic_ids": [
                    Command.create({"name": "Format", "value": "A4"})
                ],
            }
        )
        self.company.write(
            {"procurement_customer_ref": "C-42", "purchase_plan_delivery_conditions": "Склад"}
        )
        self.warehouse.partner_id.gar_id = "gar-0001"
        plan = self._plan(self.russian)
        plan.action_create_rfqs()
        order = plan.order_ids
        with freeze_time(TODAY):
            russian = order.with_env(self._env_of(self.russian))._procurement_calculation()
            english = order.with_env(self._env_of(self.english))._procurement_calculation()
        validate_calculation(russian)
        self.assertEqual(json.dumps(russian, sort_keys=True), json.dumps(english, sort_keys=True))
        row = russian["rows"][0]
        for value in (row["nmc"], row["purchaseAmount"], row["DeliverySchedule"]["year"]):
            self.assertIsInstance(value, (int, float))
            self.assertNotIsInstance(value, bool)
        for date in row["DeliverySchedule"]["dates"].values():
            self.assertRegex(date, r"^\d{4}-\d{2}-\d{2}$")
        self.assertNotRegex(json.dumps(russian), r"\d,\d|\d{2}\.\d{2}\.\d{4}")

    def test_import_errors_in_russian(self):
        """A 1C turnover sheet whose "Итого" row disagrees with its items: a Russian Forecast
        Manager is told so in Russian, both figures written the Russian way; a file of no
        known kind is refused in Russian too."""
        rows, value, _qty = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 101.00 за 2 квартал 2023 г.",
            "101.00",
            {"101.34": [("Стул офисный", 9000.0, 3, 3500.0, 1, 0, 0)]},
            levels=("Номенклатура",),
        )
        total = next(row for row in rows if row[0] == "Итого")
        total[14] = value + 100
        Wizard = self._env_of(self.russian_manager)["purchase.forecast.import"]
        wizard = Wizard.create(
            {
                "file": base64.b64encode(xlsx({"Лист_1": rows})),
                "filename": "osv_101.xlsx",
                "warehouse_id": self.warehouse.id,
            }
        )
        with self.assertRaises(UserError) as error:
            wizard.action_import()
        message = error.exception.args[0]
        self.assertIn("Импортированная стоимость в столбце «Сальдо на конец периода", message)
        self.assertIn("не совпадает со строкой «Итого» ведомости", message)
        self.assertRegex(message, rf"\(12{RU_THOUSANDS}500,00\).*\(12{RU_THOUSANDS}600,00\)")

        other = Wizard.create(
            {
                "file": base64.b64encode("Фамилия;Имя;Телефон\nИванов;Иван;123\n".encode()),
                "filename": "staff.csv",
                "warehouse_id": self.warehouse.id,
            }
        )
        with self.assertRaises(UserError) as error:
            other.action_import()
        self.assertIn("Файл staff.csv не распознан", error.exception.args[0])
