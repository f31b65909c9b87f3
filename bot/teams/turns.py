"""One turn at a time per conversation, inside this process.

Two messages sent at once in one conversation ("hi", then the question; or a channel's retry) would
otherwise both read the conversation's memory, and the second write would hit a stale e-tag. Turns
of one conversation queue here, at most `max_waiting` deep (past that: `Busy`, answered 429);
turns of other conversations never wait for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Busy(Exception):
    """Too many turns are already waiting for this conversation (answered 429)."""


class TurnQueue:
    def __init__(self, max_waiting: int = 16) -> None:
        self.max_waiting = max_waiting
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    def waiting(self, key: str) -> int:
        entry = self._locks.get(key)
        return entry[1][0] if entry else 0

    @asynccontextmanager
    async def turn(self, key: str | None) -> AsyncIterator[None]:
        """Hold the conversation `key` for one turn (None: no conversation, no waiting)."""
        if key is None:
            yield
            return
        lock, count = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        if count[0] >= self.max_waiting:
            raise Busy(key)
        count[0] += 1
        try:
            async with lock:
                yield
        finally:
            count[0] -= 1
            if count[0] == 0:
                self._locks.pop(key, None)
