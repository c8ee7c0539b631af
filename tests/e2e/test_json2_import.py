"""An integrator imports a procurement data file over JSON-2, without the wizard's preview."""

import base64
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "addons" / "purchase_forecast" / "tests" / "data"


def _file(name):
    return base64.b64encode((FIXTURES / name).read_bytes()).decode()


def test_import_file_over_json2(odoo):
    """create() with the base64 file and its name, then action_import(): the answer is an
    action whose res_id is the import log, which says what was imported."""
    ids = odoo.call(
        "purchase.forecast.import",
        "create",
        vals_list=[{"file": _file("catalog_small.xlsx"), "filename": "catalog_small.xlsx"}],
    )
    action = odoo.call("purchase.forecast.import", "action_import", ids=ids)
    assert action["res_model"] == "purchase.forecast.import.log"
    log = odoo.call(
        "purchase.forecast.import.log",
        "read",
        ids=[action["res_id"]],
        fields=["kind", "filename", "product_created_count", "product_linked_count"],
    )[0]
    assert log["kind"] == "catalog"
    assert log["filename"] == "catalog_small.xlsx"
    assert log["product_created_count"] + log["product_linked_count"] > 0


def test_damaged_file_is_refused_over_json2(odoo):
    """A truncated workbook is answered 422 with a message saying so, and no log is made."""
    before = odoo.call("purchase.forecast.import.log", "search_count", domain=[])
    content = (FIXTURES / "contracts_small.xlsx").read_bytes()[:6000]
    ids = odoo.call(
        "purchase.forecast.import",
        "create",
        vals_list=[{"file": base64.b64encode(content).decode(), "filename": "broken.xlsx"}],
    )
    status, body = odoo.raw("purchase.forecast.import", "action_import", {"ids": ids}, odoo.api_key)
    assert status == 422
    assert "damaged or truncated" in json.loads(body)["message"]
    assert odoo.call("purchase.forecast.import.log", "search_count", domain=[]) == before
