"""Notifications: the outbox is fetched, delivered to each Telegram user and acknowledged."""

from conftest import ANNA, BORIS


def _outbox(odoo, *messages):
    for message_id, user, text in messages:
        odoo.outbox.append(
            {
                "id": message_id,
                "telegram_user_id": str(user.id),
                "text": text,
                "attempts": 0,
                "state": "pending",
            }
        )


def test_delivered_and_failed_messages_are_acknowledged(telegram, linked, run_worker):
    """The periodic job sends each outbox message to its user and acks it delivered; a user
    who blocked the bot (403) gets an ack with delivered=False and Telegram's error, so that
    Odoo schedules the retry. Every message is sent once."""
    _outbox(
        linked,
        (1, ANNA, "3 products are at risk of running out this week."),
        (2, BORIS, "P00101 waits for your approval."),
    )
    telegram.failures["sendMessage", BORIS.id] = (403, "Forbidden: bot was blocked by the user")
    run_worker(outbox_interval=0.1)
    acks = linked.wait_call("outbox_ack", count=2)
    assert sorted(acks, key=lambda a: a["message_id"]) == [
        {"message_id": 1, "delivered": True, "error": None},
        {
            "message_id": 2,
            "delivered": False,
            "error": "Forbidden: bot was blocked by the user",
        },
    ]
    assert [c.text for c in telegram.sent(ANNA.id, "sendMessage")] == [
        "3 products are at risk of running out this week."
    ]
    assert linked.called("outbox_fetch")[0] == {"limit": 50}


def test_lost_ack_never_sends_twice(telegram, linked, run_worker):
    """When the ack does not reach Odoo (HTTP 500), Odoo offers the message again; the worker
    only acknowledges it again and never sends it a second time in this run."""
    _outbox(linked, (7, ANNA, "Your RFQ P00100 was approved."))
    linked.faults["outbox_ack"] = 500
    run_worker(outbox_interval=0.05)
    linked.wait_call("outbox_ack", count=3)  # three failed acks: offered again meanwhile
    del linked.faults["outbox_ack"]
    linked.wait_call("outbox_ack", count=4)
    assert linked.outbox[0]["state"] == "delivered"
    assert len(linked.called("outbox_fetch")) >= 2
    sent = [c for c in telegram.sent(ANNA.id, "sendMessage") if "P00100" in c.text]
    assert len(sent) == 1


def test_outbox_disabled_by_default_interval_zero(telegram, linked, run_worker):
    """BOT_OUTBOX_INTERVAL=0 turns the delivery job off: Odoo's outbox is not polled."""
    _outbox(linked, (1, ANNA, "hello"))
    running = run_worker(outbox_interval=0.0)
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    assert linked.called("outbox_fetch") == []


def test_digest_button_puts_the_products_on_rfqs(telegram, linked, run_worker):
    """The morning digest comes with Odoo's button; pressing it calls digest_to_rfqs with
    the message id (and a request id) and answers in a new message what went on which RFQ
    and what was skipped, the digest itself left as it was. A malformed button from Odoo is
    left out instead of failing the delivery."""
    digest = "Likely to run out within the lead time (risk above 20%):\n• Paper A4: 100% risk"
    _outbox(linked, (9, ANNA, digest), (10, BORIS, "P00101 waits for your approval."))
    linked.outbox[0]["buttons"] = [[["🛒 Put them on my RFQs", "dg:9"]]]
    linked.outbox[0]["products"] = [10, 11]
    linked.outbox[1]["buttons"] = [[["broken", "x" * 65]], "nonsense"]
    running = run_worker(outbox_interval=0.1)
    linked.wait_call("outbox_ack", count=2)
    sent = telegram.sent(ANNA.id, "sendMessage")[-1]
    assert sent.text == digest
    assert sent.buttons() == [("🛒 Put them on my RFQs", "dg:9")]
    assert telegram.sent(BORIS.id, "sendMessage")[-1].buttons() == []
    running.wait_processed(telegram.press(ANNA, label="Put them on my RFQs"))
    call = linked.called("digest_to_rfqs")[-1]
    assert call["message_id"] == 9
    assert call["request_id"].startswith("cb:")
    answer = telegram.last(ANNA.id).text
    assert "Put on your RFQs:" in answer
    assert "• Paper A4: 120 on P00100" in answer
    assert "• Toner cartridge: not added, already on P00100" in answer
    assert telegram.sent(ANNA.id, "sendMessage")[-2].text == digest  # the digest is kept
