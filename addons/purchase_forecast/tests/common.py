from odoo.tests import TransactionCase, new_test_user


class PurchaseForecastCommon(TransactionCase):
    """Shared setup: one user per forecasting role, and a purchase user without one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.forecast_user = new_test_user(
            cls.env,
            login="pf_buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        cls.forecast_manager = new_test_user(
            cls.env,
            login="pf_manager",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        cls.purchase_only_user = new_test_user(
            cls.env,
            login="pf_purchase_only",
            groups="base.group_user,purchase.group_purchase_user",
        )
