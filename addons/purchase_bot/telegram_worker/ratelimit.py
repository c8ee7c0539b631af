"""A sliding-window rate limit per Telegram user."""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    """At most ``limit`` updates per ``window`` seconds per user.

    ``check`` answers "allowed", "refuse_notice" (the first refusal in a burst: tell the user
    once) or "refuse" (stay silent, so a flood cannot make the bot flood back).
    """

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._noticed: set[str] = set()
        self._last_prune = clock()

    def check(self, user_id: str) -> str:
        now = self.clock()
        if now - self._last_prune > self.window:
            self._prune(now)
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) < self.limit:
            hits.append(now)
            self._noticed.discard(user_id)
            return "allowed"
        if user_id in self._noticed:
            return "refuse"
        self._noticed.add(user_id)
        return "refuse_notice"

    def _prune(self, now: float) -> None:
        for user_id in [u for u, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[user_id]
            self._noticed.discard(user_id)
        self._last_prune = now
