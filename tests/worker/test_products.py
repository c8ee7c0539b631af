"""Product search, the product card with its chart, the last purchases as XLSX, voice."""

import datetime as dt
import io
import shutil

import openpyxl
from conftest import ANNA, BORIS, FIXTURES

PNG = b"\x89PNG\r\n\x1a\n"


def _search_and_open(telegram, running, user, query="paper", label="Paper A4"):
    running.wait_processed(telegram.send_text(user, query))
    running.wait_processed(telegram.press(user, label=label))


def test_search_then_card_with_chart_and_numbers(telegram, linked, run_worker):
    """Typing a name searches Odoo; pressing a result sends the forecast chart as a PNG photo
    and the card: stock per warehouse, incoming, demand class, explanation, forecast for
    month/quarter/year, suggested quantity with vendor and reason, English number format."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "papr"))
    assert linked.called("search_products") == [
        {"telegram_user_id": str(ANNA.id), "query": "papr", "limit": 8}
    ]
    results = telegram.last(ANNA.id)
    assert results.text == "Found for “papr”:"
    assert ("Paper A4 · PA4", "p:10") in results.buttons()

    running.wait_processed(telegram.press(ANNA, label="Paper A4"))
    assert linked.called("product_card")[-1] == {"telegram_user_id": str(ANNA.id), "product_id": 10}
    photo = telegram.sent(ANNA.id, "sendPhoto")[-1]
    filename, data = photo.files["photo"]
    assert data.startswith(PNG) and len(data) > 10_000
    card = telegram.last(ANNA.id).text
    for expected in (
        "📦 Paper A4 [PA4]",
        "On hand: 1,234.5 pack",
        "• Main: 1,000",
        "• Branch: 234.5",
        "Incoming: 50 pack",
        "Demand: regular",
        "Steady monthly use, slowly growing.",
        "next month: 56 pack (48–65)",
        "next quarter: 170 pack (150–192)",
        "next year: 690 pack (610–780)",
        "Suggested order: 120 pack from Office Supply LLC",
        "Covers lead time and safety stock.",
    ):
        assert expected in card, expected


def test_back_from_card_returns_to_results(telegram, linked, run_worker):
    """ "Back" on the card shows the saved search results again without a new search."""
    running = run_worker()
    _search_and_open(telegram, running, ANNA)
    running.wait_processed(telegram.press(ANNA, label="Back"))
    assert len(linked.called("search_products")) == 1
    last = telegram.last(ANNA.id)
    assert last.method == "editMessageText"
    assert last.text == "Found for “paper”:"
    assert ("Paper A4 · PA4", "p:10") in last.buttons()


def test_single_match_opens_the_card(telegram, linked, run_worker):
    """A search with exactly one match shows that product's card straight away (chart and
    card, no list with one button), and Back goes to the menu, not to a list of one."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "gloves"))
    assert linked.called("product_card")[-1] == {"telegram_user_id": str(ANNA.id), "product_id": 12}
    assert telegram.sent(ANNA.id, "sendPhoto")
    card = telegram.last(ANNA.id)
    assert card.text.startswith("📦 Nitrile gloves M [GL-M]")
    assert "Found for" not in card.text
    assert ("⬅ Back", "m") in card.buttons()


def test_names_show_their_code_once(telegram, linked, run_worker):
    """Odoo's display name "[PA3] Paper A3" comes with its code: the results list reads
    "Paper A3 · PA3" and the card "📦 Paper A3 [PA3]", never "[PA3] Paper A3 [PA3]"."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    results = telegram.last(ANNA.id)
    assert ("Paper A3 · PA3", "p:13") in results.buttons()
    running.wait_processed(telegram.press(ANNA, label="Paper A3 · PA3"))
    card = telegram.last(ANNA.id).text
    assert card.startswith("📦 Paper A3 [PA3]")
    assert card.count("PA3") == 1


def test_nothing_found(telegram, linked, run_worker):
    """A search without results says so and offers Back."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "zzzz"))
    last = telegram.last(ANNA.id)
    assert "Nothing found for “zzzz”" in last.text
    assert [data for _label, data in last.buttons()] == ["m"]


def test_last_purchases_xlsx_has_typed_cells(telegram, linked, run_worker):
    """The last purchases arrive as an XLSX document: English headers, dates stored as
    dates, quantities and amounts as numbers (read back with openpyxl)."""
    running = run_worker()
    _search_and_open(telegram, running, ANNA)
    running.wait_processed(telegram.press(ANNA, label="Last purchases"))
    assert linked.called("last_purchases")[-1]["limit"] == 50
    document = telegram.sent(ANNA.id, "sendDocument")[-1]
    filename, data = document.files["document"]
    assert filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Date",
        "Order",
        "Vendor",
        "Quantity",
        "Unit",
        "Unit price, RUB",
        "Amount, RUB",
    )
    assert rows[1][0] == dt.datetime(2025, 9, 15)
    assert rows[1][1:] == ("P00090", "Office Supply LLC", 120, "pack", 245, 29400)
    assert isinstance(rows[2][5], float) and rows[2][5] == 240.5
    assert sheet["A2"].number_format == "YYYY-MM-DD"
    assert sheet["G2"].number_format == "#,##0.00"
    assert "Last 2 purchases" in document.text


def test_russian_card_and_xlsx(telegram, linked, run_worker, tmp_path):
    """For a Russian user the card uses ru.po and Russian number format (no-break space
    thousands, decimal comma), the XLSX headers are Russian and dates show as DD.MM.YYYY;
    a translation with a broken placeholder falls back to the English text."""
    i18n = tmp_path / "i18n"
    i18n.mkdir()
    shutil.copy(FIXTURES / "ru.po", i18n / "ru.po")
    running = run_worker(i18n_dir=i18n)
    _search_and_open(telegram, running, BORIS, query="бумага paper")
    card = telegram.last(BORIS.id).text
    assert "В наличии: 1\u00a0234,5 pack" in card
    assert "Incoming: 50 pack" in card  # the broken ru translation is not used
    running.wait_processed(telegram.press(BORIS, data="px:10"))
    _filename, data = telegram.sent(BORIS.id, "sendDocument")[-1].files["document"]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Дата"
    assert sheet["D1"].value == "Количество"
    assert sheet["G1"].value == "Сумма, RUB"
    assert sheet["A2"].number_format == "DD.MM.YYYY"


def test_voice_not_enabled(telegram, linked, run_worker):
    """Without a speech recogniser a voice message gets a clear answer and no download."""
    running = run_worker()
    running.wait_processed(telegram.send_voice(ANNA, b"OggS fake audio"))
    assert "Voice messages are not enabled" in telegram.last(ANNA.id).text
    assert telegram.sent(method="getFile") == []
    assert linked.called("search_products") == []


def test_voice_is_transcribed_and_searched(telegram, linked, run_worker):
    """With a recogniser configured, the voice file is fetched with getFile and downloaded,
    the recogniser gets its bytes and the user's language, and the text is searched."""
    heard = []

    def recognizer(audio: bytes, language: str) -> str:
        heard.append((audio, language))
        return "  paper  "

    running = run_worker(speech_recognizer=recognizer)
    running.wait_processed(telegram.send_voice(ANNA, b"OggS fake audio"))
    assert heard == [(b"OggS fake audio", "en")]
    assert telegram.sent(method="getFile")
    assert linked.called("search_products")[-1]["query"] == "paper"
    texts = [c.text for c in telegram.sent(ANNA.id, "sendMessage")]
    assert "🎤 “paper”" in texts
    assert texts[-1] == "Found for “paper”:"


def test_failing_recognizer_is_reported_not_crashing(telegram, linked, run_worker):
    """A recogniser that raises gets a polite "could not make out" answer."""

    def recognizer(audio: bytes, language: str) -> str:
        raise RuntimeError("model missing")

    running = run_worker(speech_recognizer=recognizer)
    running.wait_processed(telegram.send_voice(ANNA, b"OggS"))
    assert "could not make out" in telegram.last(ANNA.id).text
