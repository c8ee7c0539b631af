"""Worker state that survives a restart, as small JSON files in the state directory:
``updates.json`` (the update ids already handled) and ``users/<telegram id>.json`` (where
each user is in the menus and what input the bot waits for). No secrets are stored."""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections import deque
from pathlib import Path

_logger = logging.getLogger(__name__)
_USER_ID = re.compile(r"^-?\d{1,20}$")


def _write_json(path: Path, data) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path, default):
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as exc:
        _logger.warning("State file %s unreadable (%s); starting it afresh", path.name, exc)
        return default


class StateStore:
    """Handled update ids and per-user conversation state, persisted on every change.

    Update ids are remembered as a bounded set, not only as a watermark: after a week without
    updates Telegram picks the next id at random, which may be lower than the last one.
    """

    def __init__(self, directory: Path, keep_updates: int = 2000):
        self.directory = Path(directory)
        self.users_dir = self.directory / "users"
        self.users_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = threading.Lock()
        data = _read_json(self.directory / "updates.json", {})
        recent = [int(u) for u in data.get("recent", []) if isinstance(u, int)]
        self._recent: deque[int] = deque(recent[-keep_updates:], maxlen=keep_updates)
        self._recent_set = set(self._recent)
        self.last_update_id: int | None = data.get("last_update_id")
        self._users: dict[str, dict] = {}

    # update ids
    def seen(self, update_id: int) -> bool:
        return update_id in self._recent_set

    def mark_seen(self, update_id: int) -> bool:
        """Remember ``update_id`` durably; False when it was already handled (a duplicate)."""
        with self._lock:
            if update_id in self._recent_set:
                return False
            if len(self._recent) == self._recent.maxlen:
                self._recent_set.discard(self._recent[0])
            self._recent.append(update_id)
            self._recent_set.add(update_id)
            if self.last_update_id is None or update_id > self.last_update_id:
                self.last_update_id = update_id
            _write_json(
                self.directory / "updates.json",
                {"last_update_id": self.last_update_id, "recent": list(self._recent)},
            )
            return True

    # users
    def _user_path(self, user_id: str) -> Path:
        if not _USER_ID.match(str(user_id)):
            raise ValueError("a Telegram user id is numeric")
        return self.users_dir / f"{user_id}.json"

    def user(self, user_id: str) -> dict:
        """The mutable state of one user (loaded from disk on first use)."""
        with self._lock:
            if user_id not in self._users:
                data = _read_json(self._user_path(user_id), {})
                self._users[user_id] = data if isinstance(data, dict) else {}
            return self._users[user_id]

    def save_user(self, user_id: str) -> None:
        """Persist a user's state; an empty state leaves no file (strangers leave no trace)."""
        with self._lock:
            data = self._users.get(user_id)
            if data is None:
                return
            path = self._user_path(user_id)
            if data:
                _write_json(path, data)
            else:
                path.unlink(missing_ok=True)

    def forget_user(self, user_id: str) -> None:
        """Drop everything about a user (after /logout)."""
        with self._lock:
            self._users.pop(user_id, None)
            self._user_path(user_id).unlink(missing_ok=True)
