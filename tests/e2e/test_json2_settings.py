"""An integrator reads and changes the forecasting defaults over JSON-2."""


def test_forecast_defaults_over_json2(odoo):
    """The company's forecasting defaults are readable and writable with an API key."""
    uid = odoo.call("res.users", "search", domain=[("login", "=", "admin")])[0]
    company_id = odoo.call("res.users", "read", ids=[uid], fields=["company_id"])[0]["company_id"][
        0
    ]
    before = odoo.call(
        "res.company", "read", ids=[company_id], fields=["forecast_period", "forecast_horizon"]
    )[0]
    assert before["forecast_period"] in ("week", "month", "quarter")
    odoo.call("res.company", "write", ids=[company_id], vals={"forecast_horizon": 18})
    after = odoo.call("res.company", "read", ids=[company_id], fields=["forecast_horizon"])[0]
    assert after["forecast_horizon"] == 18
    odoo.call(
        "res.company",
        "write",
        ids=[company_id],
        vals={"forecast_horizon": before["forecast_horizon"]},
    )


def test_wrong_api_key_is_refused(odoo):
    """A request with a wrong key is answered 401 and changes nothing."""
    status, _body = odoo.raw("res.company", "search", {"domain": []}, "not-a-key")
    assert status == 401
