"""The Telegram assistant end to end: real Odoo, the real worker, a fake Telegram server."""

import json
import sys
from pathlib import Path

import pytest

WORKER_TESTS = Path(__file__).resolve().parent.parent / "worker"
sys.path.insert(0, str(WORKER_TESTS))

from conftest import BOT_TOKEN, RunningWorker, worker_config  # noqa: E402
from fake_telegram import FakeBotAPI, User  # noqa: E402

MARIA = User(7770001, "Maria", "maria_buyer", "en")

SETUP = """
import json
env['ir.config_parameter'].set_param('purchase_bot.bot_username', 'e2e_purchase_bot')
company = env.ref('base.main_company')
company.write({'po_double_validation': 'two_step', 'po_double_validation_amount': 10.0})
groups = lambda *xmlids: [(6, 0, [env.ref(x).id for x in xmlids])]
manager = env['res.users'].create({
    'name': 'Maria Manager', 'login': 'e2e_maria',
    'group_ids': groups('base.group_user', 'purchase.group_purchase_manager',
                        'purchase_forecast.group_forecast_manager'),
})
buyer = env['res.users'].create({
    'name': 'Ivan Buyer', 'login': 'e2e_ivan',
    'group_ids': groups('base.group_user', 'purchase.group_purchase_user'),
})
vendor = env['res.partner'].create({'name': 'E2E Kettles'})
product = env['product.product'].create({
    'name': 'E2E kettle', 'type': 'consu',
    'seller_ids': [(0, 0, {'partner_id': vendor.id, 'price': 40.0})],
})
order = env['purchase.order'].with_user(buyer).create({
    'partner_id': vendor.id,
    'order_line': [(0, 0, {'product_id': product.id, 'product_qty': 3})],
})
order.button_confirm()
bot, key = env['res.users']._setup_bot_user()
token, _expires = env['purchase.bot.link.token']._issue(manager)
env.cr.commit()
print('SETUP=' + json.dumps({'key': key, 'token': token, 'order': order.id,
                             'order_name': order.name, 'state': order.state}))
"""


@pytest.fixture
def scenario(odoo, odoo_shell):
    output = odoo_shell(SETUP)
    line = next(line for line in output.splitlines() if line.startswith("SETUP="))
    return json.loads(line.split("=", 1)[1])


def test_manager_links_and_approves_an_rfq(odoo, scenario, tmp_path):
    """Maria opens her one-time link in Telegram, the bot links her account, she opens
    Approvals and approves the buyer's RFQ, and Odoo shows it confirmed."""
    assert scenario["state"] == "to approve"
    telegram = FakeBotAPI(BOT_TOKEN).start()
    config = worker_config(
        odoo.url, odoo.db, scenario["key"], telegram.url, tmp_path, odoo_timeout=30.0
    )
    running = RunningWorker(config).start()
    try:
        running.wait_processed(telegram.send_text(MARIA, f"/start {scenario['token']}"), 60)
        linked = telegram.last(MARIA.id).text
        assert "Maria Manager" in linked, linked
        running.wait_processed(telegram.send_text(MARIA, "/menu"), 60)
        running.wait_processed(telegram.press(MARIA, label="Approvals"), 60)
        screen = telegram.last(MARIA.id)
        assert scenario["order_name"] in screen.text, screen.text
        running.wait_processed(telegram.press(MARIA, label=f"Approve {scenario['order_name']}"), 60)
        assert telegram.last(MARIA.id).text.startswith(f"{scenario['order_name']} is approved")
    finally:
        running.stop()
        telegram.stop()
    state = odoo.call("purchase.order", "read", ids=[scenario["order"]], fields=["state"])[0][
        "state"
    ]
    assert state == "purchase"
