"""Worker settings, read from the environment."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
REQUIRED = ("TELEGRAM_BOT_TOKEN", "ODOO_URL", "ODOO_DB", "ODOO_API_KEY")
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")

Recognizer = Callable[[bytes, str], str]


class ConfigError(Exception):
    """A missing or malformed setting; the message never contains a secret."""


@dataclass(frozen=True)
class Config:
    """Everything the worker needs; secrets are excluded from repr."""

    bot_token: str = field(repr=False)
    odoo_url: str
    odoo_db: str
    odoo_api_key: str = field(repr=False)
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    state_dir: Path = Path("bot-state")
    i18n_dir: Path = DEFAULT_I18N_DIR
    rate_limit: int = 20
    rate_window: float = 60.0
    poll_timeout: float = 30.0
    odoo_timeout: float = 30.0
    outbox_interval: float = 30.0
    outbox_batch: int = 50
    profile_ttl: float = 300.0
    speech_recognizer: Recognizer | None = None
    speech_recognizer_name: str = ""
    log_level: str = "INFO"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.bot_token, self.odoo_api_key) if s)


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}")
    return value


def _url(env: Mapping[str, str], name: str, default: str = "") -> str:
    value = (env.get(name) or default).strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(f"{name} must be an http:// or https:// URL")
    return value


def load_recognizer(spec: str) -> Recognizer:
    """Resolve ``package.module:function``; the function takes (audio bytes, language)."""
    module_name, _sep, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError("SPEECH_RECOGNIZER must look like package.module:function")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"SPEECH_RECOGNIZER: cannot import {module_name} ({exc})") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise ConfigError(f"SPEECH_RECOGNIZER: {module_name} has no function {attr}")
    return func


def whisper_recognizer(env: Mapping[str, str], state_dir: Path) -> Recognizer:
    """The faster-whisper adapter from WHISPER_MODEL, WHISPER_DEVICE, WHISPER_COMPUTE_TYPE
    and WHISPER_MODEL_DIR (default: ``whisper`` in the state directory, so a model
    downloaded on first use survives restarts)."""
    from .speech import DEVICES, FasterWhisperRecognizer, WhisperSettings, faster_whisper_installed

    if not faster_whisper_installed():
        raise ConfigError(
            "SPEECH_RECOGNIZER=faster_whisper needs the faster-whisper package: "
            "pip install faster-whisper, or build the bot image with "
            "--build-arg WHISPER_MODEL=small"
        )
    device = (env.get("WHISPER_DEVICE") or "cpu").strip().lower()
    if device not in DEVICES:
        raise ConfigError(f"WHISPER_DEVICE must be one of {', '.join(DEVICES)}")
    model = (env.get("WHISPER_MODEL") or "small").strip()
    compute_type = (env.get("WHISPER_COMPUTE_TYPE") or "int8").strip()
    if not re.match(r"^[A-Za-z0-9_./-]{1,200}$", model) or not re.match(
        r"^[a-z0-9_]{1,20}$", compute_type
    ):
        raise ConfigError("WHISPER_MODEL or WHISPER_COMPUTE_TYPE is malformed")
    model_dir = (env.get("WHISPER_MODEL_DIR") or "").strip() or str(state_dir / "whisper")
    return FasterWhisperRecognizer(
        WhisperSettings(model=model, device=device, compute_type=compute_type, model_dir=model_dir)
    )


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read the settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    missing = [name for name in REQUIRED if not env.get(name, "").strip()]
    if missing:
        raise ConfigError(f"missing required setting(s): {', '.join(missing)}")
    token = env["TELEGRAM_BOT_TOKEN"].strip()
    if not _TOKEN_SHAPE.match(token):
        # never echo the value: it is a secret even when malformed
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")
    rate_limit, rate_window = 20, 60.0
    if env.get("BOT_RATE_LIMIT", "").strip():
        match = _RATE.match(env["BOT_RATE_LIMIT"])
        if not match or int(match[1]) < 1 or float(match[2]) <= 0:
            raise ConfigError("BOT_RATE_LIMIT must look like 20/60 (updates per seconds)")
        rate_limit, rate_window = int(match[1]), float(match[2])
    state_dir = env.get("BOT_STATE_DIR", "").strip() or str(
        Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "purchase-bot"
    )
    recognizer_name = env.get("SPEECH_RECOGNIZER", "").strip()
    if recognizer_name == "faster_whisper":
        recognizer = whisper_recognizer(env, Path(state_dir))
    else:
        recognizer = load_recognizer(recognizer_name) if recognizer_name else None
    level = (env.get("BOT_LOG_LEVEL") or "INFO").strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
    batch = env.get("BOT_OUTBOX_BATCH", "").strip() or "50"
    if not batch.isdigit() or int(batch) < 1:
        raise ConfigError("BOT_OUTBOX_BATCH must be a positive integer")
    return Config(
        bot_token=token,
        odoo_url=_url(env, "ODOO_URL"),
        odoo_db=env["ODOO_DB"].strip(),
        odoo_api_key=env["ODOO_API_KEY"].strip(),
        telegram_api_url=_url(env, "TELEGRAM_API_URL", DEFAULT_TELEGRAM_API_URL),
        state_dir=Path(state_dir),
        i18n_dir=Path(env.get("BOT_I18N_DIR", "").strip() or DEFAULT_I18N_DIR),
        rate_limit=rate_limit,
        rate_window=rate_window,
        poll_timeout=_float(env, "BOT_POLL_TIMEOUT", 30.0, minimum=1.0),
        odoo_timeout=_float(env, "ODOO_TIMEOUT", 30.0, minimum=1.0),
        outbox_interval=_float(env, "BOT_OUTBOX_INTERVAL", 30.0),
        outbox_batch=int(batch),
        profile_ttl=_float(env, "BOT_PROFILE_TTL", 300.0),
        speech_recognizer=recognizer,
        speech_recognizer_name=recognizer_name,
        log_level=level,
    )
