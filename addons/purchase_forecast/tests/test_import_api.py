import base64
import datetime as dt
import json

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

from .common_import import FIXTURES


@tagged("post_install", "-at_install")
class TestImportApi(HttpCase):
    """Integrators import over JSON-2 with an API key: create the wizard, call action_import."""

    def _key(self, user):
        expiration = dt.datetime.now() + dt.timedelta(days=1)
        return (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate(scope="rpc", name="import", expiration_date=expiration)
        )

    def _call(self, key, model, method, params):
        return self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(params),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {key}",
                "X-Odoo-Database": get_db_name(),
            },
        )

    def test_manager_imports_over_json2_and_gets_the_log(self):
        """A Forecast Manager's key creates the wizard with a base64 file and imports it in
        one more call; the answer's res_id is the import log. A Forecast User's key is
        refused and imports nothing."""
        manager = new_test_user(
            self.env,
            login="pf_api_manager",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        buyer = new_test_user(
            self.env,
            login="pf_api_buyer",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        content = base64.b64encode((FIXTURES / "catalog_small.xlsx").read_bytes()).decode()
        vals = {"file": content, "filename": "catalog_small.xlsx"}

        with mute_logger("odoo.http"):
            refused = self._call(
                self._key(buyer), "purchase.forecast.import", "create", {"vals_list": [vals]}
            )
        self.assertEqual(refused.status_code, 403)

        key = self._key(manager)
        created = self._call(key, "purchase.forecast.import", "create", {"vals_list": [vals]})
        self.assertEqual(created.status_code, 200, created.text)
        answer = self._call(
            key, "purchase.forecast.import", "action_import", {"ids": created.json()}
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        action = answer.json()
        self.assertEqual(action["res_model"], "purchase.forecast.import.log")
        logs = self._call(
            key,
            "purchase.forecast.import.log",
            "read",
            {"ids": [action["res_id"]], "fields": ["kind", "product_created_count", "user_id"]},
        ).json()
        self.assertEqual(logs[0]["kind"], "catalog")
        self.assertGreater(logs[0]["product_created_count"], 0)
        self.assertEqual(logs[0]["user_id"][0], manager.id)
