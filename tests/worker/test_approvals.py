"""Approvals with nonces, plans turned into RFQs, budget, analytics, help and problem reports."""

import io
from unittest.mock import ANY

import openpyxl
from conftest import ANNA, BORIS

NBSP = "\u00a0"


def _approvals(telegram, running, user=ANNA):
    running.wait_processed(telegram.send_text(user, "/menu"))
    running.wait_processed(telegram.press(user, label="Approvals"))


def test_approve_with_the_nonce_of_the_list(telegram, linked, run_worker):
    """The Approvals screen lists what waits for the user with Approve/Reject buttons; the
    button sends kind, record id, decision and the nonce from list_approvals, and the list is
    shown again without the decided item."""
    running = run_worker()
    _approvals(telegram, running)
    screen = telegram.last(ANNA.id)
    assert f"1. RFQ P00101 — 125,000.00{NBSP}RUB, requested by Ivan Petrov" in screen.text
    assert "2. Purchase plan PLAN/2025/007" in screen.text
    assert ("✅ Approve P00101", "ad:a:r:101:n101a") in screen.buttons()
    assert ("❌ Reject PLAN/2025/007", "ad:r:p:7:n7a") in screen.buttons()

    running.wait_processed(telegram.press(ANNA, label="Approve P00101"))
    assert linked.called("decide_approval") == [
        {
            "telegram_user_id": str(ANNA.id),
            "kind": "rfq",
            "record_id": 101,
            "decision": "approve",
            "nonce": "n101a",
            "request_id": ANY,
        }
    ]
    assert linked.approvals["rfq", 101]["state"] == "approved"
    screen = telegram.last(ANNA.id)
    assert screen.text.startswith("P00101 is approved.")
    assert "P00101 —" not in screen.text and "PLAN/2025/007" in screen.text
    toasts = [c.params.get("text") for c in telegram.sent(method="answerCallbackQuery")]
    assert "P00101 is approved." in toasts


def test_duplicate_press_is_already_decided(telegram, linked, run_worker):
    """Pressing the same Approve button twice (an old message, a double tap) approves once:
    the second answer is "already decided" and nothing changes."""
    running = run_worker()
    _approvals(telegram, running)
    message, data = telegram.find_button(ANNA.id, label="Approve P00101")
    running.wait_processed(telegram.press_data(ANNA, data, message))
    running.wait_processed(telegram.press_data(ANNA, data, message))
    statuses = [c["decision"] for c in linked.called("decide_approval")]
    assert statuses == ["approve", "approve"]
    assert "P00101 was already decided: nothing changed." in telegram.last(ANNA.id).text
    assert linked.approvals["rfq", 101]["state"] == "approved"


def test_stale_button_is_refused(telegram, linked, run_worker):
    """When the approval request changed after the list was shown (new nonce in Odoo), the
    old button gets Odoo's "outdated" message, nothing is approved, and the refreshed list
    carries the new nonce."""
    running = run_worker()
    _approvals(telegram, running)
    linked.approvals["rfq", 101]["nonce"] = "n101b"
    running.wait_processed(telegram.press(ANNA, label="Approve P00101"))
    assert linked.approvals["rfq", 101]["state"] == "pending"
    screen = telegram.last(ANNA.id)
    assert screen.text.startswith("This button is outdated")
    assert ("✅ Approve P00101", "ad:a:r:101:n101b") in screen.buttons()


def test_forged_approval_is_decided_by_odoo_not_by_callback_data(telegram, linked, run_worker):
    """Boris cannot approve: a forged callback with Anna's record and the right nonce reaches
    Odoo as Boris's request and is refused; the record stays pending."""
    running = run_worker()
    running.wait_processed(telegram.press_data(BORIS, "ad:a:r:101:n101a"))
    assert linked.called("decide_approval")[-1]["telegram_user_id"] == str(BORIS.id)
    assert linked.approvals["rfq", 101]["state"] == "pending"
    assert "Недостаточно прав." in telegram.last(BORIS.id).text


def test_plan_risks_turn_into_rfqs_after_confirmation(telegram, linked, run_worker):
    """Plans shows the lines at stockout risk with their reasons; "Turn into RFQs" asks to
    confirm, then calls plan_create_rfqs and offers the created RFQs."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "/menu"))
    running.wait_processed(telegram.press(ANNA, label="Plans"))
    screen = telegram.last(ANNA.id)
    assert "Plan PLAN/2025/007: products at risk of running out" in screen.text
    assert "1. Nitrile gloves M — on hand 3, order 40 from MedTrade (priority 1)" in screen.text
    assert "Runs out in 5 days; delivery takes 14." in screen.text
    running.wait_processed(telegram.press(ANNA, label="Turn into RFQs"))
    assert linked.called("plan_create_rfqs") == []
    running.wait_processed(telegram.press(ANNA, label="Yes, create RFQs"))
    assert linked.called("plan_create_rfqs") == [
        {"telegram_user_id": str(ANNA.id), "plan_id": 7, "request_id": ANY}
    ]
    screen = telegram.last(ANNA.id)
    assert screen.text == "Draft RFQs created or updated: 2."
    assert any(data.startswith("o:") for _label, data in screen.buttons())


def test_budget(telegram, linked, run_worker):
    """Budget shows the period and the budget, committed and remaining amounts."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "/menu"))
    running.wait_processed(telegram.press(ANNA, label="Budget"))
    assert telegram.last(ANNA.id).text == (
        "💰 Purchase budget for 2025-01-01 – 2025-12-31\n"
        f"Budget: 1,000,000.00{NBSP}RUB\n"
        f"Committed: 250,000.50{NBSP}RUB\n"
        f"Remaining: 749,999.50{NBSP}RUB"
    )


def test_analytics_chart_and_top_purchases(telegram, linked, run_worker):
    """Analytics: "By year: amount" asks Odoo for yearly amounts and sends a bar chart with
    the total in its caption; "Top 20" sends an XLSX of the largest purchases."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "/menu"))
    running.wait_processed(telegram.press(ANNA, label="Analytics"))
    running.wait_processed(telegram.press(ANNA, label="By year: amount"))
    call = linked.called("purchase_analytics")[-1]
    assert (call["granularity"], call["measure"], call["date_from"]) == ("year", "amount", None)
    photo = telegram.sent(ANNA.id, "sendPhoto")[-1]
    assert photo.files["photo"][1].startswith(b"\x89PNG")
    assert photo.text == f"Purchases by year: amount\nTotal: 3,230,500.50{NBSP}RUB"

    running.wait_processed(telegram.press(ANNA, label="Back"))
    running.wait_processed(telegram.press(ANNA, label="By month: orders"))
    call = linked.called("purchase_analytics")[-1]
    assert (call["granularity"], call["measure"]) == ("month", "count")
    assert call["date_from"].endswith("-01")

    running.wait_processed(telegram.press(ANNA, label="Back"))
    running.wait_processed(telegram.press(ANNA, label="Top 20"))
    assert linked.called("top_purchases")[-1]["limit"] == 20
    _name, data = telegram.sent(ANNA.id, "sendDocument")[-1].files["document"]
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Date", "Order", "Vendor", "Product", "Quantity", "Amount, RUB")
    assert rows[1][3:] == ("Nitrile gloves M", 500, 295250)


def test_report_a_problem_and_help(telegram, linked, run_worker):
    """Report a problem waits for one message and sends it to Odoo; Help explains the menu
    and offers Back."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "/menu"))
    running.wait_processed(telegram.press(ANNA, label="Report a problem"))
    running.wait_processed(telegram.send_text(ANNA, "The forecast for paper looks too high"))
    assert linked.reports == [(1, "The forecast for paper looks too high")]
    assert linked.called("search_products") == []
    assert "Thank you!" in telegram.last(ANNA.id).text
    running.wait_processed(telegram.send_text(ANNA, "/help"))
    screen = telegram.last(ANNA.id)
    assert "/logout" in screen.text
    assert [data for _label, data in screen.buttons()] == ["m"]


def test_a_failing_chart_still_gives_the_numbers(telegram, linked, run_worker, monkeypatch):
    """If drawing fails, analytics falls back to the numbers as text and the product card
    still arrives (without its photo)."""
    from telegram_worker import charts

    def broken(*args):
        raise ValueError("cannot draw")

    monkeypatch.setattr(charts, "bar_chart", broken)
    monkeypatch.setattr(charts, "product_chart", broken)
    running = run_worker()
    running.wait_processed(telegram.press_data(ANNA, "ac:y:c"))
    assert telegram.last(ANNA.id).text == (
        "Purchases by year: number of orders\nTotal: 78\n\n2024: 41\n2025: 37"
    )
    running.wait_processed(telegram.press_data(ANNA, "p:10"))
    assert "📦 Paper A4 [PA4]" in telegram.last(ANNA.id).text
    assert telegram.sent(ANNA.id, "sendPhoto") == []
