"""Group commit for the SQLite stores: the writes of many turns in one transaction, off the event loop.

Each turn writes three times (its conversation's state; the answer's record, before the reply is
sent; the record's rename to the channel's id of the reply). One fsynced commit each, from the default
thread pool, costs a thread hop per write, and the writes of both workers queue for each database's
write lock (SQLite's busy handler then sleeps for 1 to 100 ms). `GroupCommit` has one writer thread
per database: whatever writes are queued when it is free are applied in one transaction, one commit,
one fsync (`synchronous=FULL`: durable also across a power cut), and only then is each writer's
`await` answered. So a write is on disk before the turn goes on (the answer is recorded before the
reply is sent, the state saved before the reply), as with one commit each; only the fsyncs are shared.

    >>> commits = GroupCommit(db, lock)                   # the store's connection and its lock
    >>> with commits.transaction() as db: ...             # how the store's methods write
    >>> await write(store.record_answer, "id", ...)       # a store's method, in the next batch

A store's write methods must write inside `transaction()`: that is what makes each one its own
savepoint in a batch. A write that fails (an e-tag conflict, a constraint) is rolled back to it and raises
to its caller alone; the others in the batch commit. If the commit itself fails, every write in the
batch raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 128  # writes in one transaction at most


class _Write:
    __slots__ = ("args", "error", "function", "future", "loop", "result")

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], loop: asyncio.AbstractEventLoop) -> None:
        self.function = function
        self.args = args
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.result: Any = None
        self.error: BaseException | None = None


def _settle(writes: list[_Write]) -> None:
    """On the event loop: answer each write's caller."""
    for write in writes:
        if write.future.done():  # the caller was cancelled meanwhile; the write stands
            continue
        if write.error is not None:
            write.future.set_exception(write.error)
        else:
            write.future.set_result(write.result)


class GroupCommit:
    """One writer thread for one SQLite connection; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, name: str = "sqlite") -> None:
        self.db = db
        self.lock = lock
        self.name = name
        self.batches = 0  # transactions committed by the writer thread
        self.writes = 0  # writes in them
        self._queue: queue.SimpleQueue[_Write | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._in_batch = threading.local()
        db.execute("PRAGMA synchronous=FULL")  # WAL's default too; said here because durability rests on it

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Where a store's method writes: its own transaction when called directly (CLI, tests, a
        thread), a savepoint inside the writer thread's batch when called through `run`."""
        if getattr(self._in_batch, "active", False):
            self.db.execute("SAVEPOINT write")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK TO write")
                self.db.execute("RELEASE write")
                raise
            self.db.execute("RELEASE write")
            return
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in the writer thread's next batch; returns once that batch is committed."""
        write = _Write(function, args, asyncio.get_running_loop())
        self._ensure_thread()
        self._queue.put(write)
        result: T = await write.future
        return result

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name=f"{self.name}-writer", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Let the writes already queued commit, then stop the writer thread."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)
        self._thread = None

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(batch)
            by_loop: dict[asyncio.AbstractEventLoop, list[_Write]] = {}
            for write in batch:
                by_loop.setdefault(write.loop, []).append(write)
            for loop, writes in by_loop.items():
                with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting any more
                    loop.call_soon_threadsafe(_settle, writes)
            if stop:
                return

    def _commit(self, batch: list[_Write]) -> None:
        with self.lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                for write in batch:
                    write.error = exc
                return
            self._in_batch.active = True
            try:
                for write in batch:
                    try:
                        write.result = write.function(*write.args)
                    except Exception as exc:  # rolled back to its savepoint by `transaction`
                        write.error = exc
            finally:
                self._in_batch.active = False
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                log.error("a batch of %d writes to %s could not be committed: %s", len(batch), self.name, exc)
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                for write in batch:
                    write.error = exc
                return
        self.batches += 1
        self.writes += len(batch)


async def write(method: Callable[..., T], *args: Any) -> T:
    """Call a store's blocking write method off the event loop: in its `GroupCommit`'s next batch
    when the store has one (`store.commits`), else on a thread (the Azure stores)."""
    commits = getattr(getattr(method, "__self__", None), "commits", None)
    if isinstance(commits, GroupCommit):
        return await commits.run(method, *args)
    return await asyncio.to_thread(method, *args)
