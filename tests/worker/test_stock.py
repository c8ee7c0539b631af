"""A product's turnover statement (chart, four figures, XLSX) and its stock at a date."""

import datetime as dt
import io

import openpyxl
from conftest import ANNA, BORIS

PNG = b"\x89PNG\r\n\x1a\n"


def _open_card(telegram, running, user=ANNA):
    running.wait_processed(telegram.send_text(user, "paper"))
    running.wait_processed(telegram.press(user, label="Paper A4"))


def test_turnover_card_with_chart_and_four_figures(telegram, linked, run_worker):
    """ "Turnover" on the card asks Odoo for the quarterly statement, sends the chart of the
    closing balance and issues as a PNG, and the four figures of the whole range in
    quantity and value; other periods are one press away."""
    running = run_worker()
    _open_card(telegram, running)
    photos = len(telegram.sent(ANNA.id, "sendPhoto"))
    running.wait_processed(telegram.press(ANNA, label="📒 Turnover"))
    assert linked.called("turnover_statement")[-1] == {
        "telegram_user_id": str(ANNA.id),
        "product_id": 10,
        "period": "quarter",
    }
    chart = telegram.sent(ANNA.id, "sendPhoto")
    assert len(chart) == photos + 1
    assert chart[-1].files["photo"][1].startswith(PNG)
    card = telegram.last(ANNA.id)
    for expected in (
        "📒 Turnover statement: Paper A4",
        "2025-10-01 – 2026-07-10",
        "Opening balance: 100 pack (25,000.00\u00a0RUB)",
        "Receipts: 100 pack (25,000.00\u00a0RUB)",
        "Issues: 122.5 pack (30,625.00\u00a0RUB)",
        "Closing balance: 77.5 pack (19,375.00\u00a0RUB)",
    ):
        assert expected in card.text, expected
    labels = [label for label, _data in card.buttons()]
    assert labels[:2] == ["Months", "Years"]
    running.wait_processed(telegram.press(ANNA, label="Months"))
    assert linked.called("turnover_statement")[-1]["period"] == "month"


def test_turnover_statement_as_xlsx(telegram, linked, run_worker):
    """The statement's XLSX has one row per period with the figures as numbers and the
    dates as dates."""
    running = run_worker()
    _open_card(telegram, running)
    running.wait_processed(telegram.press(ANNA, label="📒 Turnover"))
    running.wait_processed(telegram.press(ANNA, label="📄 Statement (XLSX)"))
    document = telegram.sent(ANNA.id, "sendDocument")[-1]
    filename, data = document.files["document"]
    assert filename == "turnover_10.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Period", "From", "To", "Opening balance, pack", "Opening balance, RUB")
    assert rows[1][0] == "Q4 2025"
    assert rows[1][1] == dt.datetime(2025, 10, 1)
    assert rows[1][3:] == (100, 25000, 40, 10000, 30, 7500, 110, 27500)
    assert len(rows) == 5


def test_turnover_of_a_product_without_movements(telegram, linked, run_worker):
    """A product with no movements gets a short answer, no chart."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "gloves"))
    photos = len(telegram.sent(ANNA.id, "sendPhoto"))
    running.wait_processed(telegram.press(ANNA, label="📒 Turnover"))
    assert len(telegram.sent(ANNA.id, "sendPhoto")) == photos
    assert telegram.last(ANNA.id).text == "No stock movements of this product in that time."


def test_stock_by_date_and_at_a_typed_date(telegram, linked, run_worker):
    """ "Stock by date" lists on hand at the month ends and today, per warehouse; "Another
    date" takes a typed date (a typo is asked again without calling Odoo), in Russian
    too."""
    running = run_worker()
    _open_card(telegram, running)
    running.wait_processed(telegram.press(ANNA, label="📦 Stock by date"))
    assert linked.called("stock_at_dates")[-1] == {
        "telegram_user_id": str(ANNA.id),
        "product_id": 10,
        "period": "month",
        "count": 6,
    }
    text = telegram.last(ANNA.id).text
    for expected in (
        "📦 Stock of Paper A4 by date:",
        "2026-05-31: 90 pack",
        "   • Main: 80",
        "   • Branch: 10",
        "2026-07-10: 69.5 pack",
    ):
        assert expected in text, expected
    running.wait_processed(telegram.press(ANNA, label="📅 Another date"))
    assert "Type the date" in telegram.last(ANNA.id).text
    calls = len(linked.called("stock_at_dates"))
    running.wait_processed(telegram.send_text(ANNA, "31.02.2026"))
    assert "That is not a date" in telegram.last(ANNA.id).text
    assert len(linked.called("stock_at_dates")) == calls
    running.wait_processed(telegram.send_text(ANNA, "15.06.2026"))
    assert linked.called("stock_at_dates")[-1]["date"] == "2026-06-15"
    assert "2026-06-15: 69.5 pack" in telegram.last(ANNA.id).text

    _open_card(telegram, running, BORIS)
    running.wait_processed(telegram.press(BORIS, data="sk:10"))
    assert "10.07.2026: 69,5 pack" in telegram.last(BORIS.id).text
