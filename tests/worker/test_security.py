"""Rate limits, update de-duplication (also across restarts), secrets kept out of the logs,
and how Odoo faults reach the user."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ANNA, BORIS, BOT_TOKEN, RunningWorker

REPO = Path(__file__).resolve().parents[2]


def test_rate_limit_per_user(telegram, linked, run_worker):
    """With 3 updates per minute, a burst of 5 from Anna gets 3 searches and a single
    "too many requests" notice; Boris, in the same minute, is not affected."""
    running = run_worker(rate_limit=3, rate_window=60.0)
    updates = [telegram.send_text(ANNA, f"paper {i}") for i in range(5)]
    for update in updates:
        running.wait_processed(update)
    running.wait_processed(telegram.send_text(BORIS, "paper"))
    anna_queries = [
        c["query"]
        for c in linked.called("search_products")
        if c["telegram_user_id"] == str(ANNA.id)
    ]
    assert anna_queries == ["paper 0", "paper 1", "paper 2"]
    notices = [c for c in telegram.sent(ANNA.id, "sendMessage") if "Too many requests" in c.text]
    assert len(notices) == 1
    assert any(c["telegram_user_id"] == str(BORIS.id) for c in linked.called("search_products"))


def test_duplicate_update_is_handled_once(telegram, linked, run_worker):
    """Telegram delivering the same update twice (same update_id) gets one answer."""
    running = run_worker()
    update = telegram.send_text(ANNA, "paper")
    running.wait_processed(update)
    telegram.redeliver(update, force=True)
    marker = telegram.send_text(ANNA, "gloves")
    running.wait_processed(marker)
    assert running.worker.processed.count(update) == 2  # seen twice ...
    assert [c["query"] for c in linked.called("search_products")] == ["paper", "gloves"]  # once


def test_update_handled_before_a_restart_is_not_handled_again(telegram, linked, run_worker):
    """An update handled just before the worker stopped, delivered again to the next process
    (its confirmation to Telegram was lost), is skipped: the handled ids are persisted."""
    first = run_worker()
    update = telegram.send_text(ANNA, "paper")
    first.wait_processed(update)
    first.stop()
    telegram.redeliver(update)
    second = run_worker()
    second.wait_processed(update)
    marker = telegram.send_text(ANNA, "gloves")
    second.wait_processed(marker)
    assert [c["query"] for c in linked.called("search_products")] == ["paper", "gloves"]


def test_token_never_logged(telegram, linked, config, caplog):
    """With every logger at DEBUG through a whole conversation (PTB logs the API URL at
    DEBUG), and when Telegram rejects the token at start (InvalidToken carries the token),
    no log record contains the bot token or the Odoo key; httpx stays at WARNING."""
    caplog.set_level(logging.DEBUG)
    running = RunningWorker(config).start()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    running.wait_processed(telegram.press(ANNA, label="Paper A4"))
    assert running.stop() == 0
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert "Set Bot API URL" in caplog.text  # PTB did log the URL ...
    assert "[REDACTED]" in caplog.text  # ... redacted

    telegram.get_me_status = 401
    rejected = RunningWorker(config).start()
    assert rejected.stop() == 1
    assert "Telegram rejected the bot token" in caplog.text
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert BOT_TOKEN not in text, record
        assert BOT_TOKEN.split(":")[1] not in text, record
        assert config.odoo_api_key not in text, record
    assert BOT_TOKEN not in caplog.text and config.odoo_api_key not in caplog.text


def test_odoo_fault_says_try_later_and_logs_without_key(telegram, linked, run_worker, caplog):
    """A 500 from Odoo is a deployment fault: the user is told to try later, the log names
    the method and status but never the API key."""
    linked.faults["search_products"] = 500
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    assert telegram.last(ANNA.id).text == "Odoo is not available right now. Please try again later."
    assert "Odoo gateway search_products answered HTTP 500" in caplog.text
    assert linked.api_key not in caplog.text


def test_wrong_key_and_unreachable_odoo(telegram, linked, run_worker, config):
    """A rejected API key (401) and an Odoo that does not answer at all both end in the
    same "try again later" for the user, never in a crash."""
    running = run_worker(odoo_api_key="wrong-key")
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    assert "try again later" in telegram.last(ANNA.id).text
    running.stop()

    running = run_worker(odoo_url="http://127.0.0.1:9", odoo_timeout=2.0)
    start = time.monotonic()
    running.wait_processed(telegram.send_text(BORIS, "paper"))
    assert time.monotonic() - start < 5
    assert "try again later" in telegram.last(BORIS.id).text


def test_error_answer_is_shown_with_its_message(telegram, linked, run_worker):
    """An expected refusal from Odoo ({"error": …}) is shown with Odoo's own message."""
    running = run_worker()
    running.wait_processed(telegram.press_data(ANNA, "p:999"))
    screen = telegram.last(ANNA.id)
    assert screen.text == "Record not found."
    assert [data for _label, data in screen.buttons()] == ["m"]


def test_link_removed_in_odoo_shows_instructions(telegram, linked, run_worker):
    """When an administrator unlinks the account in Odoo while the profile is cached, the
    next action's not_linked answer leads to the linking instructions."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    del linked.links[str(ANNA.id)]
    running.wait_processed(telegram.send_text(ANNA, "gloves"))
    text = telegram.last(ANNA.id).text
    assert text.startswith("This Telegram account is not linked.")
    assert "Connect Telegram" in text


def test_unknown_and_expired_buttons(telegram, linked, run_worker):
    """Callback data the worker does not know (old version, tampering) is answered with
    "expired" and the menu, without calling any action in Odoo."""
    running = run_worker()
    running.wait_processed(telegram.press_data(ANNA, "zz:1"))
    running.wait_processed(telegram.press_data(ANNA, "k:0123456789abcdef"))
    assert {name for name, _kwargs in linked.calls} == {"get_profile"}
    toasts = [c.params.get("text") for c in telegram.sent(method="answerCallbackQuery")]
    assert toasts == ["This button has expired.", "This button has expired."]


def test_the_process_serves_and_stops_on_sigterm(telegram, odoo, tmp_path):
    """`python -m telegram_worker` as its own process, configured only by environment and
    logging at DEBUG: it links a user, stops cleanly on SIGTERM (status 0), and its stderr
    never shows the token or the API key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ODOO_"))}
    env.update(
        PYTHONPATH=str(REPO / "addons" / "purchase_bot"),
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_API_URL=telegram.url,
        ODOO_URL=odoo.url,
        ODOO_DB=odoo.database,
        ODOO_API_KEY=odoo.api_key,
        BOT_STATE_DIR=str(tmp_path / "state"),
        BOT_POLL_TIMEOUT="2",
        BOT_LOG_LEVEL="DEBUG",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "telegram_worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        telegram.send_text(ANNA, "/start tokAnna_0123456789abcdef")
        telegram.wait_for(lambda calls: telegram.sent(ANNA.id, "sendMessage"), timeout=30)
        proc.send_signal(signal.SIGTERM)
        _stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr[-2000:]
    assert "Worker started as @purchase_test_bot" in stderr
    assert "Worker stopping" in stderr
    assert BOT_TOKEN not in stderr and BOT_TOKEN.split(":")[1] not in stderr
    assert odoo.api_key not in stderr
    assert odoo.links == {str(ANNA.id): 1}
