"""The worker's small parts on their own: formats, translations, settings, state, rate
limit, redaction, charts and XLSX."""

import datetime as dt
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import BOT_TOKEN, FIXTURES

from telegram_worker import fmt
from telegram_worker.config import ConfigError, load_config
from telegram_worker.exports import Column, safe_filename, xlsx
from telegram_worker.i18n import Money, Translations, _
from telegram_worker.logsafe import install_redaction, redact
from telegram_worker.ratelimit import RateLimiter
from telegram_worker.state import StateStore

REPO = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"
GOOD_ENV = {
    "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
    "ODOO_URL": "http://odoo:8069/",
    "ODOO_DB": "purchase",
    "ODOO_API_KEY": "secret-key",
}


def test_numbers_and_dates_by_language():
    """ru: no-break-space thousands and decimal comma, dd.mm.yyyy; en: 1,234.50, ISO dates;
    other languages format like English."""
    assert fmt.number(1234.5, "ru_RU", digits=2) == f"1{NBSP}234,50"
    assert fmt.number(1234.5, "en_US", digits=2) == "1,234.50"
    assert fmt.number(1234567, "ru_RU") == f"1{NBSP}234{NBSP}567"
    assert fmt.number(12.0, "en_US") == "12"
    assert fmt.number(-0.004, "en_US") == "0"
    assert fmt.number(-1500.25, "de_DE") == "-1,500.25"
    assert fmt.money(None, "en_US", "RUB") == "—"
    assert fmt.money(5, "ru_RU", "RUB") == f"5,00{NBSP}RUB"
    assert fmt.date("2025-12-31", "ru_RU") == "31.12.2025"
    assert fmt.date(dt.date(2025, 1, 2), "en_US") == "2025-01-02"
    assert fmt.date("2025-12-31 10:00:00", "ru") == "31.12.2025"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("12", "en_US", 12.0),
        ("12,5", "ru_RU", 12.5),
        ("12,5", "en_US", 12.5),
        ("1,234", "en_US", 1234.0),
        ("1,234", "ru_RU", 1.234),
        (f"1{NBSP}234,5", "ru_RU", 1234.5),
        ("1 234.5", "en_US", 1234.5),
        ("1.234,5", "ru_RU", 1234.5),
        ("1,234.5", "ru_RU", 1234.5),
        ("abc", "en_US", None),
        ("1.2.3", "en_US", None),
        ("-5", "en_US", None),
        ("", "en_US", None),
    ],
)
def test_parse_number(text, lang, expected):
    """What users type as quantities and prices, in either language's habits."""
    assert fmt.parse_number(text, lang) == expected


def test_parse_date():
    """dd.mm.yyyy, dd/mm/yy and ISO are read; impossible dates are refused."""
    assert fmt.parse_date("31.12.2025") == dt.date(2025, 12, 31)
    assert fmt.parse_date("1/2/26") == dt.date(2026, 2, 1)
    assert fmt.parse_date("2025-12-31") == dt.date(2025, 12, 31)
    assert fmt.parse_date("31.02.2025") is None
    assert fmt.parse_date("tomorrow") is None


def test_translations_from_po_with_fallbacks(tmp_path):
    """ru_RU finds ru.po; missing entries, fuzzy entries, broken placeholders and missing
    files all fall back to English; parameters are formatted in the target language."""
    (tmp_path / "ru.po").write_bytes((FIXTURES / "ru.po").read_bytes())
    translations = Translations(tmp_path)
    msg = _("On hand: %(quantity)s %(uom)s", quantity=1234.5, uom="шт")
    assert translations.render(msg, "ru_RU") == f"В наличии: 1{NBSP}234,5 шт"
    assert translations.render(msg, "en_US") == "On hand: 1,234.5 шт"
    assert translations.render(_("📊 Analytics"), "ru_RU") == "📊 Analytics"  # fuzzy
    assert translations.render(_("Not in the catalog"), "ru_RU") == "Not in the catalog"
    broken = _("Incoming: %(quantity)s %(uom)s", quantity=3, uom="box")
    assert translations.render(broken, "ru_RU") == "Incoming: 3 box"
    assert translations.render(_("Date"), "de_DE") == "Date"
    assert Translations(tmp_path / "missing").render(_("Date"), "ru_RU") == "Date"
    assert translations.render(Money(10, "RUB"), "ru_RU") == f"10,00{NBSP}RUB"
    nested = _("Total: %(total)s", total=_("Date"))
    assert translations.render(nested, "ru_RU") == "Total: Дата"


def test_load_config_defaults_and_errors(monkeypatch):
    """Required settings are checked, defaults filled, bad values refused with a message
    that never repeats the token."""
    config = load_config(GOOD_ENV)
    assert config.odoo_url == "http://odoo:8069"
    assert config.telegram_api_url == "https://api.telegram.org"
    assert (config.rate_limit, config.rate_window) == (20, 60.0)
    assert config.speech_recognizer is None
    assert BOT_TOKEN not in repr(config) and "secret-key" not in repr(config)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN, ODOO_API_KEY"):
        load_config({"ODOO_URL": "http://x", "ODOO_DB": "d"})
    with pytest.raises(ConfigError) as error:
        load_config({**GOOD_ENV, "TELEGRAM_BOT_TOKEN": "not a token 123"})
    assert "not a token" not in str(error.value)
    with pytest.raises(ConfigError, match="BOT_RATE_LIMIT"):
        load_config({**GOOD_ENV, "BOT_RATE_LIMIT": "fast"})
    with pytest.raises(ConfigError, match="ODOO_URL"):
        load_config({**GOOD_ENV, "ODOO_URL": "odoo:8069"})
    limited = load_config(
        {**GOOD_ENV, "BOT_RATE_LIMIT": "5/10", "BOT_STATE_DIR": "/var/lib/purchase-bot"}
    )
    assert (limited.rate_limit, limited.rate_window, str(limited.state_dir)) == (
        5,
        10.0,
        "/var/lib/purchase-bot",
    )


def test_speech_recognizer_setting():
    """SPEECH_RECOGNIZER=package.module:function is imported at start; a wrong one is a
    configuration error, not a crash at the first voice message."""
    config = load_config({**GOOD_ENV, "SPEECH_RECOGNIZER": "telegram_worker.fmt:parse_date"})
    assert config.speech_recognizer is fmt.parse_date
    for spec in ("nomodule_xyz:f", "telegram_worker.fmt:nothing", "telegram_worker.fmt"):
        with pytest.raises(ConfigError, match="SPEECH_RECOGNIZER"):
            load_config({**GOOD_ENV, "SPEECH_RECOGNIZER": spec})


def test_missing_settings_exit_2_with_one_line():
    """`python -m telegram_worker` without settings prints one error line, no traceback,
    and exits with status 2."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ODOO_"))}
    env["PYTHONPATH"] = str(REPO / "addons" / "purchase_bot")
    env["ODOO_API_KEY"] = "k"
    proc = subprocess.run(
        [sys.executable, "-m", "telegram_worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "telegram_worker: configuration error: missing required setting(s): "
        "TELEGRAM_BOT_TOKEN, ODOO_URL, ODOO_DB"
    ]
    assert proc.stdout == ""


def test_state_store_persists_atomically(tmp_path):
    """Handled update ids and user state are on disk after each change and read back by a
    new store; a corrupt file is replaced, not fatal; only numeric user ids make files."""
    store = StateStore(tmp_path)
    assert store.mark_seen(10) is True
    assert store.mark_seen(10) is False
    store.user("42")["pending"] = {"kind": "qty", "line_id": 5}
    store.save_user("42")
    again = StateStore(tmp_path)
    assert again.seen(10) and not again.seen(11)
    assert again.user("42") == {"pending": {"kind": "qty", "line_id": 5}}
    assert again.last_update_id == 10
    (tmp_path / "users" / "43.json").write_text("{not json")
    assert again.user("43") == {}
    with pytest.raises(ValueError):
        again.user("../../etc/passwd")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_state_store_keeps_a_bounded_set_not_a_watermark(tmp_path):
    """Ids lower than the last one are still new (Telegram restarts ids at random after a
    quiet week); the remembered set is bounded."""
    store = StateStore(tmp_path, keep_updates=3)
    for update_id in (100, 101, 5, 6):
        assert store.mark_seen(update_id)
    assert not store.seen(100)  # pushed out of the bounded set
    assert store.seen(101) and store.seen(5) and store.seen(6)


def test_rate_limiter_window_and_single_notice():
    """limit per window per user; the first refusal asks for a notice, the next are silent;
    the window slides."""
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert [limiter.check("a") for _ in range(4)] == [
        "allowed",
        "allowed",
        "refuse_notice",
        "refuse",
    ]
    assert limiter.check("b") == "allowed"
    now[0] = 10.5
    assert limiter.check("a") == "allowed"


def test_redaction_of_records_and_exceptions(caplog):
    """A secret in a message, its arguments or an exception's text is masked in every
    handler's output; any token-shaped string is masked too."""
    install_redaction("s3cr3t-key")
    logger = logging.getLogger("telegram_worker.tests")
    with caplog.at_level(logging.INFO):
        logger.info("calling https://api/bot%s/getMe", BOT_TOKEN)
        try:
            raise RuntimeError("key s3cr3t-key rejected")
        except RuntimeError:
            logger.exception("failed")
    assert "s3cr3t-key" not in caplog.text
    assert BOT_TOKEN not in caplog.text
    assert "calling https://api/bot[REDACTED]/getMe" in caplog.text
    assert "RuntimeError: key [REDACTED] rejected" in caplog.text
    assert redact("987654321:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012") == "[REDACTED]"


def test_xlsx_types_and_safe_filenames():
    """XLSX cells keep their types (dates as dates, numbers as numbers, None empty) and file
    names lose path separators."""
    columns = [Column("D", "d", "date"), Column("Q", "q", "quantity"), Column("T", "t")]
    rows = [{"d": "2025-03-01", "q": "12.5", "t": "x"}, {"d": None, "q": None, "t": None}]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx("A/B", columns, rows, "ru_RU"))).active
    assert sheet.title == "A B"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("D", "Q", "T"),
        (dt.datetime(2025, 3, 1), 12.5, "x"),
        (None, None, None),
    ]
    assert safe_filename("../../P00/1.json", "rfq", ".json") == "P00_1.json"
    assert safe_filename("", "rfq", ".json") == "rfq.json"


def test_charts_render_png_and_skip_empty_series():
    """The product chart draws history, forecast and band; an empty series draws nothing."""
    from telegram_worker import charts

    labels = {"history": "Actual", "forecast": "Forecast", "band": "90%", "x": "m", "y": "q"}
    series = {
        "history": [{"date": "2025-01-01", "quantity": 3}, {"date": "2025-02-01", "quantity": 5}],
        "forecast": [{"date": "2025-03-01", "mean": 4, "low": None, "high": 6}],
    }
    assert charts.product_chart(series, "ru_RU", "Спрос", labels).startswith(b"\x89PNG")
    assert charts.product_chart({"history": [], "forecast": []}, "en", "t", labels) is None
    assert charts.bar_chart(["2024", "2025"], [1.0, 2.0], "en", "t", "y").startswith(b"\x89PNG")


def test_unusable_state_directory_exits_2(tmp_path):
    """A BOT_STATE_DIR that cannot be created is one error line and status 2, no traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ODOO_"))}
    env.update(GOOD_ENV, PYTHONPATH=str(REPO / "addons" / "purchase_bot"))
    env["BOT_STATE_DIR"] = str(blocker / "state")
    proc = subprocess.run(
        [sys.executable, "-m", "telegram_worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("telegram_worker: cannot use BOT_STATE_DIR")
    assert "Traceback" not in proc.stderr and BOT_TOKEN not in proc.stderr


def test_a_chart_is_drawn_once_per_content(monkeypatch):
    """The same chart asked for twice (colleagues opening one product) is drawn once; other
    data or another language draws anew; the cache keeps the CACHE_SIZE latest charts."""
    from telegram_worker import charts

    drawn = []
    monkeypatch.setattr(charts, "_cache", charts.OrderedDict())
    monkeypatch.setattr(charts, "CACHE_SIZE", 2)

    @charts._cached
    def chart(series, lang):
        drawn.append((series["n"], lang))
        return f"png {series['n']} {lang}".encode()

    assert chart({"n": 1}, "en") == chart({"n": 1}, "en") == b"png 1 en"
    assert drawn == [(1, "en")]
    chart({"n": 1}, "ru")
    chart({"n": 2}, "en")
    assert drawn == [(1, "en"), (1, "ru"), (2, "en")]
    chart({"n": 1}, "en")  # pushed out by the two later charts: drawn again
    assert drawn[-1] == (1, "en") and len(drawn) == 4
