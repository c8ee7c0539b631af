"""Fixtures for the worker tests: the fake Bot API, the fake Odoo and the real worker running
in a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from fake_odoo import FakeOdoo  # noqa: E402
from fake_telegram import FakeBotAPI, User  # noqa: E402

from telegram_worker.app import Worker  # noqa: E402
from telegram_worker.config import Config  # noqa: E402

BOT_TOKEN = "123456789:AAH-test_token_value_0123456789abcdefXYZ"
ANNA = User(5550001, "Anna", "anna", "en")
BORIS = User(5550002, "Борис", "boris", "ru")
STRANGER = User(5550003, "Sam", None, "ru")
FIXTURES = HERE / "fixtures"


class RunningWorker:
    """The real worker (python-telegram-bot Application) served in a thread."""

    def __init__(self, config: Config):
        self.config = config
        self.worker: Worker | None = None
        self.exit_code: int | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        self._processed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)
        self.error: BaseException | None = None

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # surfaced by start()/stop()
            self.error = exc
        finally:
            self._ready.set()
            self._done.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.worker = Worker(self.config)
        self.worker.on_processed = self._notify
        self.exit_code = await self.worker.run(self._stop, on_ready=self._ready.set)

    def _notify(self, _update_id: int) -> None:
        with self._processed:
            self._processed.notify_all()

    def start(self, timeout: float = 15.0) -> RunningWorker:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise AssertionError("the worker did not start")
        if self.error:
            raise self.error
        return self

    def stop(self, timeout: float = 15.0) -> int | None:
        if self._loop and not self._done.is_set():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("the worker did not stop")
        if self.error:
            raise self.error
        return self.exit_code

    def wait_processed(self, update_id: int, timeout: float = 10.0) -> None:
        """Block until the worker has finished handling ``update_id`` (whatever it did)."""
        deadline = time.monotonic() + timeout
        with self._processed:
            while update_id not in (self.worker.processed if self.worker else []):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"update {update_id} was not handled")
                self._processed.wait(remaining)


@pytest.fixture
def telegram():
    fake = FakeBotAPI(BOT_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def odoo():
    fake = FakeOdoo().start()
    yield fake
    fake.stop()


def worker_config(odoo_url, odoo_db, api_key, telegram_url, folder, **changes) -> Config:
    """The settings of a worker under test: the given Odoo and fake Telegram, its state in
    `folder`, no translations folder, no outbox delay; `changes` override any setting."""
    settings = {
        "bot_token": BOT_TOKEN,
        "odoo_url": odoo_url,
        "odoo_db": odoo_db,
        "odoo_api_key": api_key,
        "telegram_api_url": telegram_url,
        "state_dir": folder / "state",
        "i18n_dir": folder / "no-i18n",
        "rate_limit": 100,
        "rate_window": 60.0,
        "poll_timeout": 2.0,
        "odoo_timeout": 5.0,
        "outbox_interval": 0.0,
        "profile_ttl": 300.0,
    }
    return Config(**{**settings, **changes})


@pytest.fixture
def config(tmp_path, telegram, odoo) -> Config:
    return worker_config(odoo.url, odoo.database, odoo.api_key, telegram.url, tmp_path)


@pytest.fixture
def run_worker(config):
    """Start the worker (optionally with changed settings); every one started is stopped."""
    started: list[RunningWorker] = []

    def start(**changes) -> RunningWorker:
        running = RunningWorker(replace(config, **changes)).start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def linked(odoo):
    """Anna (English) and Boris (Russian) are linked to their Odoo users."""
    odoo.links[str(ANNA.id)] = 1
    odoo.links[str(BORIS.id)] = 2
    return odoo
