"""Where conversation state lives: botbuilder `Storage` backends with optimistic concurrency.

- `SqliteStorage`: one SQLite file (the embedded default; one instance owns it).
- `AzureBlobStorage` (in `azure_storage`): Azure Blob Storage, for more than one instance.

A write whose e-tag is stale raises `StateConflict`; the bot then re-reads the state and re-applies
its turn (see `RoleBot`), so two instances answering one conversation never lose an update.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botbuilder.core import Storage

from ..settings import Settings, SettingsError
from .commits import GroupCommit
from .deliveries import IN_FLIGHT
from .feedback import FeedbackStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag INTEGER);
CREATE TABLE IF NOT EXISTS deliveries (
    conversation_id TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (conversation_id, activity_id)
);
"""


class StateConflict(KeyError):
    """The stored state changed since it was read (stale e-tag): re-read and re-apply."""


class StorageUnavailable(RuntimeError):
    """The storage did not answer within its budget (ROLEBOT_STORAGE_TIMEOUT): go on without it."""


class Breaker:
    """After a call failed for want of the storage, the next calls within `pause` seconds fail at
    once (StorageUnavailable) instead of each waiting out its own budget; then one call tries again."""

    def __init__(self, pause: float = 2.0) -> None:
        self.pause = pause
        self._open_until = 0.0

    def check(self) -> None:
        if time.monotonic() < self._open_until:
            raise StorageUnavailable("the storage did not answer a moment ago; not trying again yet")

    def failed(self) -> None:
        self._open_until = time.monotonic() + self.pause

    def succeeded(self) -> None:
        self._open_until = 0.0


class SqliteStorage(Storage):
    """Botbuilder storage in one SQLite file, with e-tag concurrency like MemoryStorage. Writes of
    many turns share one transaction (`GroupCommit`); reads have their own connection, so they never
    wait for a commit (WAL: readers see the last committed state)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        if "updated_at" not in {row[1] for row in self._db.execute("PRAGMA table_info(state)")}:
            # A database from before retention: its memories count as written now.
            self._db.execute("ALTER TABLE state ADD COLUMN updated_at REAL")
            self._db.execute("UPDATE state SET updated_at = ?", (time.time(),))
        self.commits = GroupCommit(self._db, self._lock, "state")
        self._read_lock = threading.Lock()
        self._reader = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await asyncio.to_thread(self._read, keys)

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        await self.commits.run(self._write, changes)

    async def delete(self, keys: list[str]) -> None:
        await self.commits.run(self._delete, keys)

    def _read(self, keys: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        with self._read_lock:
            for key in keys or []:
                row = self._reader.execute("SELECT value, etag FROM state WHERE key = ?", (key,)).fetchone()
                if row:
                    value = json.loads(row[0])
                    if isinstance(value, dict):
                        value["e_tag"] = str(row[1])
                    out[key] = value
        return out

    def _write(self, changes: Mapping[str, Any]) -> None:
        with self.commits.transaction() as db:
            for key, change in changes.items():
                value = dict(change) if isinstance(change, dict) else dict(vars(change))
                new_etag = value.pop("e_tag", None)
                row = db.execute("SELECT etag FROM state WHERE key = ?", (key,)).fetchone()
                if row and new_etag not in (None, "*") and str(new_etag) != str(row[0]):
                    raise StateConflict(f"e-tag conflict for {key}: {new_etag} is not {row[0]}")
                etag = (row[0] + 1) if row else 1
                db.execute(
                    "INSERT OR REPLACE INTO state (key, value, etag, updated_at) VALUES (?, ?, ?, ?)",
                    (key, json.dumps(value, default=str), etag, time.time()),
                )

    def _delete(self, keys: list[str]) -> None:
        with self.commits.transaction() as db:
            db.executemany("DELETE FROM state WHERE key = ?", [(k,) for k in keys or []])

    # Claims of activities (see deliveries.py), in the same database as the state.

    async def claim_delivery(self, conversation: str, activity_id: str, lease: float) -> int | None:
        return await self.commits.run(self._claim, conversation, activity_id, lease)

    async def finish_delivery(self, conversation: str, activity_id: str, status: int) -> None:
        await self.commits.run(self._set_delivery, conversation, activity_id, status)

    async def release_delivery(self, conversation: str, activity_id: str) -> None:
        await self.commits.run(self._set_delivery, conversation, activity_id, None)

    def _claim(self, conversation: str, activity_id: str, lease: float) -> int | None:
        now = time.time()
        with self.commits.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?)", (conversation, activity_id, IN_FLIGHT, now)
            ).rowcount
            if inserted:
                return None
            taken = db.execute(
                "UPDATE deliveries SET at = ? WHERE conversation_id = ? AND activity_id = ? AND status = ? AND at < ?",
                (now, conversation, activity_id, IN_FLIGHT, now - lease),
            ).rowcount
            if taken:
                return None
            row = db.execute(
                "SELECT status FROM deliveries WHERE conversation_id = ? AND activity_id = ?",
                (conversation, activity_id),
            ).fetchone()
            return int(row[0]) if row else None

    def _set_delivery(self, conversation: str, activity_id: str, status: int | None) -> None:
        with self.commits.transaction() as db:
            if status is None:
                db.execute(
                    "DELETE FROM deliveries WHERE conversation_id = ? AND activity_id = ?", (conversation, activity_id)
                )
            else:
                db.execute(
                    "UPDATE deliveries SET status = ?, at = ? WHERE conversation_id = ? AND activity_id = ?",
                    (status, time.time(), conversation, activity_id),
                )

    # Retention and erasure (see retention.py).

    async def purge_state(self, before: float) -> dict[str, int]:
        """Delete memories and activity claims not written since `before` (a Unix time)."""
        return await self.commits.run(self._purge, before)

    async def erase_conversations(self, conversations: set[str]) -> int:
        """Delete the memory of these conversations; returns how many were stored."""
        return await self.commits.run(self._erase, sorted(conversations))

    def _purge(self, before: float) -> dict[str, int]:
        with self.commits.transaction() as db:
            memories = db.execute("DELETE FROM state WHERE updated_at < ?", (before,)).rowcount
            claims = db.execute("DELETE FROM deliveries WHERE at < ?", (before,)).rowcount
        return {"memories": memories, "claims": claims}

    def _erase(self, conversations: list[str]) -> int:
        erased = 0
        with self.commits.transaction() as db:
            for conversation in conversations:  # keys are "<channel>/conversations/<conversation id>"
                erased += db.execute(
                    "DELETE FROM state WHERE instr(key, '/conversations/') > 0"
                    " AND substr(key, instr(key, '/conversations/') + 15) = ?",
                    (conversation,),
                ).rowcount
                db.execute("DELETE FROM deliveries WHERE conversation_id = ?", (conversation,))
        return erased

    def close(self) -> None:
        self.commits.close()
        with self._lock:
            self._db.close()
        with self._read_lock:
            self._reader.close()


def open_state(settings: Settings) -> Storage:
    """The conversation-state storage ROLEBOT_STORAGE asks for."""
    if settings.get("ROLEBOT_STORAGE") == "azure":
        from .azure_storage import AzureBlobStorage

        return AzureBlobStorage(
            _connection_string(settings),
            settings.get("ROLEBOT_STORAGE_CONTAINER"),
            settings.get("ROLEBOT_STORAGE_TIMEOUT"),
        )
    return SqliteStorage(settings.get("ROLEBOT_DATA_DIR") / "state.sqlite3")


def open_feedback(settings: Settings) -> Any:
    """The feedback log ROLEBOT_STORAGE asks for (a `FeedbackStore` or its Azure twin)."""
    if settings.get("ROLEBOT_STORAGE") == "azure":
        from .azure_storage import AzureFeedbackStore

        return AzureFeedbackStore(
            _connection_string(settings),
            settings.get("ROLEBOT_STORAGE_CONTAINER"),
            settings.get("ROLEBOT_STORAGE_TIMEOUT"),
        )
    return FeedbackStore(settings.get("ROLEBOT_DATA_DIR") / "feedback.sqlite3")


def _connection_string(settings: Settings) -> str:
    value = settings.get("ROLEBOT_STORAGE_CONNECTION_STRING")
    if not value:
        raise SettingsError("ROLEBOT_STORAGE=azure needs ROLEBOT_STORAGE_CONNECTION_STRING")
    return str(value)


async def close_state(storage: Any) -> None:
    if isinstance(storage, SqliteStorage):
        storage.close()
    elif hasattr(storage, "close") and asyncio.iscoroutinefunction(storage.close):
        await storage.close()
