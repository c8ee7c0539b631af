from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PurchaseForecastCommon


@tagged("post_install", "-at_install")
class TestSettings(PurchaseForecastCommon):
    def test_defaults_on_new_company(self):
        """A new company starts with monthly periods, 12 periods ahead and 95% service."""
        company = self.env["res.company"].create({"name": "Fresh Co"})
        self.assertEqual(company.forecast_period, "month")
        self.assertEqual(company.forecast_horizon, 12)
        self.assertEqual(company.forecast_service_level, 95.0)
        self.assertEqual(company.forecast_history_source, "moves")

    def test_settings_save_per_company(self):
        """Settings saved from the Settings screen land on the current company only."""
        other = self.env["res.company"].create({"name": "Other Co"})
        settings = Form(self.env["res.config.settings"])
        settings.forecast_period = "week"
        settings.forecast_horizon = 26
        settings.forecast_service_level = 97.5
        settings.forecast_history_source = "purchases"
        settings.forecast_retention_days = 90
        settings.save().execute()
        self.assertEqual(self.company.forecast_period, "week")
        self.assertEqual(self.company.forecast_horizon, 26)
        self.assertEqual(self.company.forecast_service_level, 97.5)
        self.assertEqual(self.company.forecast_history_source, "purchases")
        self.assertEqual(self.company.forecast_retention_days, 90)
        self.assertEqual(other.forecast_period, "month")
        self.assertEqual(other.forecast_horizon, 12)

    @mute_logger("odoo.sql_db")
    def test_invalid_values_are_refused(self):
        """Nonsense settings (zero horizon, 100% service) are refused with a message."""
        for field, value in (("forecast_horizon", 0), ("forecast_service_level", 100.0)):
            with self.assertRaises(IntegrityError), self.env.cr.savepoint():
                self.company.write({field: value})
                self.env.flush_all()

    def test_forecast_user_cannot_configure(self):
        """A buyer without the manager role cannot change the forecasting settings."""
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.forecast_user).create(
                {"forecast_horizon": 6}
            ).execute()
        with self.assertRaises(AccessError):
            self.company.with_user(self.forecast_user).write({"forecast_horizon": 6})
        self.assertEqual(self.company.forecast_horizon, 12)

    def test_forecast_manager_configures_without_admin_rights(self):
        """A Forecast Manager who is no administrator saves the forecasting defaults from
        Forecasting → Configuration → Settings; a Forecast User cannot."""
        form = Form(self.env["purchase.forecast.config"].with_user(self.forecast_manager))
        self.assertEqual(form.forecast_horizon, 12)
        form.forecast_horizon = 9
        form.purchase_plan_review_days = 45
        form.save().action_save()
        self.assertEqual(self.company.forecast_horizon, 9)
        self.assertEqual(self.company.purchase_plan_review_days, 45)
        with self.assertRaises(AccessError):
            self.env["purchase.forecast.config"].with_user(self.forecast_user).create(
                {"forecast_horizon": 3}
            ).action_save()
        self.assertEqual(self.company.forecast_horizon, 9)

    def test_manager_cannot_configure_another_company(self):
        """A Forecast Manager of company B who sends company A's id (readonly only in the
        view; JSON-2 sets it) cannot change A's settings; B's own settings still save."""
        other = self.env["res.company"].create({"name": "Company B"})
        manager_b = new_test_user(
            self.env,
            login="pf_manager_b",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        Config = self.env["purchase.forecast.config"].with_user(manager_b)
        with self.assertRaisesRegex(AccessError, "cannot change"):
            Config.create(
                {
                    "company_id": self.company.id,
                    "purchase_plan_approval_amount": 1e9,
                    "forecast_nightly_run": False,
                }
            ).action_save()
        self.assertNotEqual(self.company.purchase_plan_approval_amount, 1e9)
        Config.create({"purchase_plan_approval_amount": 500.0}).action_save()
        self.assertEqual(other.purchase_plan_approval_amount, 500.0)
