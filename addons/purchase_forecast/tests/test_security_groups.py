from odoo.tests import tagged

from .common import PurchaseForecastCommon


@tagged("post_install", "-at_install")
class TestSecurityGroups(PurchaseForecastCommon):
    def test_forecast_user_is_a_purchase_user(self):
        """A Forecast User can work in Purchase: the role implies Purchase / User."""
        self.assertTrue(self.forecast_user.has_group("purchase.group_purchase_user"))
        self.assertFalse(self.forecast_user.has_group("purchase_forecast.group_forecast_manager"))

    def test_forecast_manager_has_user_rights(self):
        """A Forecast Manager can do everything a Forecast User can."""
        self.assertTrue(self.forecast_manager.has_group("purchase_forecast.group_forecast_user"))
        self.assertTrue(self.forecast_manager.has_group("purchase.group_purchase_user"))

    def test_admin_is_forecast_manager(self):
        """The administrator gets the manager role on install, so the app is usable at once."""
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("purchase_forecast.group_forecast_manager"))

    def test_roles_form_one_privilege(self):
        """Both roles appear as one exclusive choice on the user form, under Supply Chain."""
        user_group = self.env.ref("purchase_forecast.group_forecast_user")
        manager_group = self.env.ref("purchase_forecast.group_forecast_manager")
        privilege = self.env.ref("purchase_forecast.res_groups_privilege_purchase_forecast")
        self.assertEqual(user_group.privilege_id, privilege)
        self.assertEqual(manager_group.privilege_id, privilege)
        self.assertEqual(privilege.category_id, self.env.ref("base.module_category_supply_chain"))

    def test_menu_visible_by_role(self):
        """The Forecasting menu shows for forecasting roles and stays hidden from others."""
        root = self.env.ref("purchase_forecast.purchase_forecast_menu_root")
        settings_menu = self.env.ref("purchase_forecast.res_config_settings_menu")
        admin = self.env.ref("base.user_admin")

        admin_menus = self.env["ir.ui.menu"].with_user(admin)._visible_menu_ids()
        self.assertIn(root.id, admin_menus)
        self.assertIn(settings_menu.id, admin_menus)

        plain_menus = self.env["ir.ui.menu"].with_user(self.purchase_only_user)._visible_menu_ids()
        self.assertNotIn(root.id, plain_menus)

        buyer_menus = self.env["ir.ui.menu"].with_user(self.forecast_user)._visible_menu_ids()
        self.assertNotIn(settings_menu.id, buyer_menus)

    def test_signup_is_on_invitation(self):
        """Installing the addon leaves sign-up on invitation: a stranger who signs up without
        an invitation is refused and no account is created; only administrators add users."""
        from odoo.addons.auth_signup.models.res_partner import SignupError

        Users = self.env["res.users"].sudo()
        values = {"login": "stranger@example.com", "name": "Stranger", "password": "Str0ng-pass!"}
        with self.assertRaises(SignupError):
            Users.signup(dict(values))
        self.assertFalse(
            Users.with_context(active_test=False).search([("login", "=", values["login"])])
        )
