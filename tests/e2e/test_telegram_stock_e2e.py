"""The turnover statement and stock at a date end to end: real Odoo, the real worker, a fake
Telegram server."""

import json
import sys
from pathlib import Path

import pytest

WORKER_TESTS = Path(__file__).resolve().parent.parent / "worker"
sys.path.insert(0, str(WORKER_TESTS))

from conftest import BOT_TOKEN, RunningWorker, worker_config  # noqa: E402
from fake_telegram import FakeBotAPI, User  # noqa: E402

OLGA = User(7770011, "Olga", "olga_buyer", "en")

SETUP = """
import json
env['ir.config_parameter'].set_param('purchase_bot.bot_username', 'e2e_purchase_bot')
groups = lambda *xmlids: [(6, 0, [env.ref(x).id for x in xmlids])]
buyer = env['res.users'].create({
    'name': 'Olga Storekeeper', 'login': 'e2e_olga',
    'group_ids': groups('base.group_user', 'purchase.group_purchase_user',
                        'purchase_forecast.group_forecast_user'),
})
product = env['product.product'].create({
    'name': 'E2E thermos flask', 'type': 'consu', 'is_storable': True, 'standard_price': 12.0,
})
warehouse = env['stock.warehouse'].search([('company_id', '=', env.company.id)], limit=1)
suppliers = env.ref('stock.stock_location_suppliers')
customers = env.ref('stock.stock_location_customers')
for source, destination, quantity in (
    (suppliers, warehouse.lot_stock_id, 40), (warehouse.lot_stock_id, customers, 15)
):
    move = env['stock.move'].create({
        'product_id': product.id, 'product_uom_qty': quantity,
        'location_id': source.id, 'location_dest_id': destination.id,
    })
    move._action_confirm()
    move.quantity = quantity
    move.picked = True
    move._action_done()
bot, key = env['res.users']._setup_bot_user()
token, _expires = env['purchase.bot.link.token']._issue(buyer)
env.cr.commit()
print('SETUP=' + json.dumps({'key': key, 'token': token, 'product': product.id,
                             'warehouse': warehouse.name}))
"""


@pytest.fixture
def scenario(odoo, odoo_shell):
    output = odoo_shell(SETUP)
    line = next(line for line in output.splitlines() if line.startswith("SETUP="))
    return json.loads(line.split("=", 1)[1])


def test_turnover_card_and_stock_by_date(odoo, scenario, tmp_path):
    """Olga links her account, finds the flask, opens its turnover statement (40 received,
    15 issued, 25 left, valued at 12) with its chart and XLSX, then its stock by date
    (25 today)."""
    telegram = FakeBotAPI(BOT_TOKEN).start()
    config = worker_config(
        odoo.url, odoo.db, scenario["key"], telegram.url, tmp_path, odoo_timeout=60.0
    )
    running = RunningWorker(config).start()
    try:
        running.wait_processed(telegram.send_text(OLGA, f"/start {scenario['token']}"), 60)
        assert "Olga Storekeeper" in telegram.last(OLGA.id).text
        running.wait_processed(telegram.send_text(OLGA, "E2E thermos flask"), 60)
        assert telegram.last(OLGA.id).text.startswith("📦 E2E thermos flask")
        photos = len(telegram.sent(OLGA.id, "sendPhoto"))
        running.wait_processed(telegram.press(OLGA, label="📒 Turnover"), 60)
        card = telegram.last(OLGA.id).text
        for expected in (
            "📒 Turnover statement: E2E thermos flask",
            "Opening balance: 0 ",
            "Receipts: 40 ",
            "(480.00",
            "Issues: 15 ",
            "(180.00",
            "Closing balance: 25 ",
            "(300.00",
        ):
            assert expected in card, card
        assert len(telegram.sent(OLGA.id, "sendPhoto")) == photos + 1
        running.wait_processed(telegram.press(OLGA, label="📄 Statement (XLSX)"), 60)
        filename, data = telegram.sent(OLGA.id, "sendDocument")[-1].files["document"]
        assert filename == f"turnover_{scenario['product']}.xlsx" and data.startswith(b"PK")
        running.wait_processed(telegram.press(OLGA, label="📦 Stock by date"), 60)
        stock = telegram.last(OLGA.id).text
        assert stock.startswith("📦 Stock of E2E thermos flask by date:"), stock
        assert ": 25 " in stock.splitlines()[-1], stock
    finally:
        running.stop()
        telegram.stop()
