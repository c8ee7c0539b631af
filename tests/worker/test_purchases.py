"""RFQs from Telegram: add a product, edit a line, remove it, export the JSON, cancel;
pending inputs that survive a restart of the worker."""

import json
from unittest.mock import ANY

from conftest import ANNA


def _open_rfq(telegram, running, user=ANNA, order="P00100"):
    running.wait_processed(telegram.send_text(user, "/menu"))
    running.wait_processed(telegram.press(user, label="My RFQs"))
    running.wait_processed(telegram.press(user, label=order))


def test_add_from_card_prefills_the_forecast_quantity(telegram, linked, run_worker):
    """ "Add to my RFQ" on a card calls add_rfq_line without quantity and order (Odoo takes
    the forecast's suggestion and the preferred vendor's draft) and shows that RFQ with the
    added line and its quantity."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    running.wait_processed(telegram.press(ANNA, label="Paper A4"))
    running.wait_processed(telegram.press(ANNA, label="Add to my RFQ"))
    assert linked.called("add_rfq_line") == [
        {"telegram_user_id": str(ANNA.id), "product_id": 10, "quantity": None, "request_id": ANY}
    ]
    screen = telegram.last(ANNA.id)
    assert "Added 120 pack of Paper A4 to P00100 (suggested quantity)" in screen.text
    assert (
        "2. Paper A4 — 120 pack × 250.00 = 30,000.00\u00a0RUB, delivery 2025-12-15" in screen.text
    )
    assert "Total: 46,400.00\u00a0RUB" in screen.text
    labels = [label for label, _data in screen.buttons()]
    assert "✏ 2. Paper A4" in labels


def test_edit_quantity_price_and_date_of_a_line(telegram, linked, run_worker):
    """Line → Quantity asks for a number; a typo is refused without calling Odoo; "1 234,5"
    is read as 1234.5. Price and delivery date work the same way (31.12.2025 → ISO)."""
    running = run_worker()
    _open_rfq(telegram, running)
    running.wait_processed(telegram.press(ANNA, label="1. Toner cartridge"))
    running.wait_processed(telegram.press(ANNA, label="Quantity"))
    assert "Type the new quantity of Toner cartridge (now 4 pcs)." in telegram.last(ANNA.id).text
    running.wait_processed(telegram.send_text(ANNA, "lots"))
    assert "not a number" in telegram.last(ANNA.id).text
    assert linked.called("update_rfq_line") == []
    running.wait_processed(telegram.send_text(ANNA, "1 234,5"))
    assert linked.called("update_rfq_line")[-1] == {
        "telegram_user_id": str(ANNA.id),
        "line_id": 1000,
        "quantity": 1234.5,
        "request_id": ANY,
    }
    assert "1. Toner cartridge — 1,234.5 pcs" in telegram.last(ANNA.id).text

    running.wait_processed(telegram.press(ANNA, label="1. Toner cartridge"))
    running.wait_processed(telegram.press(ANNA, label="Price"))
    running.wait_processed(telegram.send_text(ANNA, "3999.90"))
    assert linked.called("update_rfq_line")[-1]["price_unit"] == 3999.9

    running.wait_processed(telegram.press(ANNA, label="1. Toner cartridge"))
    running.wait_processed(telegram.press(ANNA, label="Date"))
    running.wait_processed(telegram.send_text(ANNA, "31.12.2025"))
    assert linked.called("update_rfq_line")[-1]["date_planned"] == "2025-12-31"
    assert "delivery 2025-12-31" in telegram.last(ANNA.id).text


def test_pending_quantity_survives_a_restart(telegram, linked, run_worker, config):
    """The worker is restarted while it waits for a quantity: the new process still knows
    which line the typed number is for."""
    first = run_worker()
    _open_rfq(telegram, first)
    first.wait_processed(telegram.press(ANNA, label="1. Toner cartridge"))
    first.wait_processed(telegram.press(ANNA, label="Quantity"))
    assert first.stop() == 0

    second = run_worker()
    second.wait_processed(telegram.send_text(ANNA, "7"))
    assert linked.called("update_rfq_line") == [
        {"telegram_user_id": str(ANNA.id), "line_id": 1000, "quantity": 7.0, "request_id": ANY}
    ]
    assert linked.called("search_products") == []


def test_add_a_product_to_an_open_rfq(telegram, linked, run_worker):
    """ "Add a product" on an RFQ asks for a name, searches, and adds the chosen product to
    that RFQ (order_id sent, quantity left to Odoo's forecast)."""
    running = run_worker()
    _open_rfq(telegram, running)
    running.wait_processed(telegram.press(ANNA, label="Add a product"))
    running.wait_processed(telegram.send_text(ANNA, "gloves"))
    assert telegram.last(ANNA.id).text == "Which product should I add?"
    running.wait_processed(telegram.press(ANNA, label="Nitrile gloves M"))
    assert linked.called("add_rfq_line")[-1] == {
        "telegram_user_id": str(ANNA.id),
        "product_id": 12,
        "quantity": None,
        "order_id": 100,
        "request_id": ANY,
    }
    assert "Added 120 box of Nitrile gloves M to P00100" in telegram.last(ANNA.id).text


def test_remove_line_export_json_and_cancel(telegram, linked, run_worker):
    """Remove a line; export the Moscow calculation JSON as a .json document with Odoo's
    document unchanged; cancel the RFQ only after a confirmation."""
    running = run_worker()
    _open_rfq(telegram, running)
    running.wait_processed(telegram.press(ANNA, label="JSON for the Moscow calculation"))
    document = telegram.sent(ANNA.id, "sendDocument")[-1]
    filename, data = document.files["document"]
    assert filename == "P00100.json"
    assert json.loads(data) == {
        "version": 1,
        "order": "P00100",
        "items": [{"name": "Toner cartridge", "quantity": 4.0, "price": 4100.0}],
    }

    running.wait_processed(telegram.press(ANNA, data="o:100"))
    running.wait_processed(telegram.press(ANNA, label="1. Toner cartridge"))
    running.wait_processed(telegram.press(ANNA, label="Remove the line"))
    assert linked.called("remove_rfq_line") == [
        {"telegram_user_id": str(ANNA.id), "line_id": 1000, "request_id": ANY}
    ]
    assert "No lines yet." in telegram.last(ANNA.id).text

    running.wait_processed(telegram.press(ANNA, label="Cancel this RFQ"))
    assert linked.called("cancel_rfq") == []
    assert "Cancel this RFQ?" in telegram.last(ANNA.id).text
    running.wait_processed(telegram.press(ANNA, label="Yes, cancel it"))
    assert linked.called("cancel_rfq") == [
        {"telegram_user_id": str(ANNA.id), "order_id": 100, "request_id": ANY}
    ]
    screen = telegram.last(ANNA.id)
    assert "P00100 is cancelled." in screen.text
    assert "You have no draft RFQs" in screen.text


def test_someone_elses_rfq_is_refused_by_odoo(telegram, linked, run_worker):
    """Callback data with another user's order id is passed to Odoo for the sender only;
    Odoo's access_denied message is shown and nothing changes."""
    linked.orders[100]["user"] = 2
    running = run_worker()
    running.wait_processed(telegram.press_data(ANNA, "ocy:100"))
    assert linked.called("cancel_rfq") == [
        {"telegram_user_id": str(ANNA.id), "order_id": 100, "request_id": ANY}
    ]
    assert linked.orders[100]["state"] == "draft"
    assert telegram.last(ANNA.id).text == "You are not allowed to do that."


def _add_paper_from_card(telegram, running):
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    running.wait_processed(telegram.press(ANNA, label="Paper A4"))
    running.wait_processed(telegram.press(ANNA, label="Add to my RFQ"))


def _paper_lines(odoo):
    return [ln for ln in odoo.orders[100]["lines"] if ln["product_id"] == 10]


def test_product_already_on_the_rfq_asks_replace_or_add(telegram, linked, run_worker):
    """Adding Paper A4 again, Odoo says the line exists: the bot asks "replace or add" with
    two buttons showing the quantities. "Add" sends mode=add; the RFQ already covers the
    need, so pressing it twice orders nothing twice; "Replace" sends mode=replace and sets
    the suggested quantity."""
    running = run_worker()
    _add_paper_from_card(telegram, running)
    assert [ln["quantity"] for ln in _paper_lines(linked)] == [120.0]
    _add_paper_from_card(telegram, running)
    screen = telegram.last(ANNA.id)
    assert (
        "Paper A4 is already on P00100: 120 pack. Replace that quantity with the suggested "
        "120 pack, or add 0 pack to it?"
    ) in screen.text
    assert ("Replace: 120", "ar:100:10") in screen.buttons()
    assert ("Add: +0", "aa:100:10") in screen.buttons()
    for _press in range(2):
        running.wait_processed(telegram.press(ANNA, label="Add: +0"))
        assert "Nothing to order now" in telegram.last(ANNA.id).text
    assert [ln["quantity"] for ln in _paper_lines(linked)] == [120.0]
    assert [c.get("mode") for c in linked.called("add_rfq_line")] == [
        None,
        None,
        "add",
        "add",
    ]
    linked.orders[100]["lines"][-1]["quantity"] = 50.0  # the buyer lowered it in Odoo
    _add_paper_from_card(telegram, running)
    assert "add 70 pack to it?" in telegram.last(ANNA.id).text
    running.wait_processed(telegram.press(ANNA, label="Replace: 120"))
    assert "Paper A4 on P00100 is now 120 pack." in telegram.last(ANNA.id).text
    assert linked.called("add_rfq_line")[-1]["mode"] == "replace"
    assert [ln["quantity"] for ln in _paper_lines(linked)] == [120.0]


def test_retried_update_is_answered_once(telegram, linked, run_worker, config):
    """Write calls carry a request id derived from the Telegram update (callback query id,
    or chat and message id). An update delivered again to a worker that lost its record of
    handled updates (state restored from an older copy) sends the same request id, and Odoo
    answers it from its record: the line is removed once and the retry shows the same
    screen, not an error."""
    first = run_worker()
    _open_rfq(telegram, first)
    first.wait_processed(telegram.press(ANNA, label="1. Toner cartridge"))
    update = telegram.press(ANNA, label="Remove the line")
    first.wait_processed(update)
    first.stop()
    shown = telegram.last(ANNA.id).text
    assert "The line is removed." in shown
    (config.state_dir / "updates.json").unlink()
    telegram.redeliver(update)
    second = run_worker()
    second.wait_processed(update)
    calls = linked.called("remove_rfq_line")
    assert len(calls) == 2
    assert calls[0]["request_id"] == calls[1]["request_id"]
    assert calls[0]["request_id"].startswith("cb:")
    assert telegram.last(ANNA.id).text == shown
    assert linked.orders[100]["lines"] == []
