"""Reload without downtime: watch the knowledge folder, rebuild in the background, swap atomically.

    >>> reloader = Reloader(settings, runtime, swap=lambda new: setattr(service, "runtime", new))
    >>> task = asyncio.create_task(reloader.run())      # polls every ROLEBOT_RELOAD_SECONDS

The folder is polled (names, sizes and modification times: works on mounted volumes where file
events do not arrive). A change is acted on once the folder has looked the same for one more poll,
so a file still being copied is not read half-written. The new knowledge and index are built on a
worker thread; questions keep being answered from the old ones until the finished `Runtime` is
swapped in, in one assignment on the event loop. A template that fails to parse keeps its previous
good version in service (`load_knowledge(previous=...)`); a reload that fails as a whole (no
template parses, the index cannot be written) keeps everything as it was, and says so in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index import open_index
from knowledge import RolebotError, default_dir, load_knowledge
from knowledge.loader import is_template_file

from .answering.engine import Engine
from .runtime import Runtime

log = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]


def snapshot(directory: Path) -> Snapshot:
    """Name -> (size, modification time) of every template file in `directory` ({} if unreadable)."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return {}
    found: Snapshot = {}
    for path in entries:
        try:
            if path.is_file() and is_template_file(path):
                stat = path.stat()
                found[path.name] = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            continue  # removed while we looked
    return found


@contextlib.contextmanager
def _one_at_a_time(index_dir: Path) -> Iterator[None]:
    """An exclusive lock beside the index folder (flock: released if its holder dies). Where the file
    system has no locks, everyone goes ahead, as before."""
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        handle = (index_dir.parent / f".{index_dir.name}.lock").open("a")
    except OSError:
        yield
        return
    with handle:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


@dataclass
class ReloadStatus:
    """What /healthz and the log say about reloading."""

    reloads: int = 0
    last_reload: str = ""
    last_error: str = ""
    building: bool = False


class Reloader:
    """Keeps a server's knowledge and index in step with its knowledge folder."""

    def __init__(
        self,
        directory: Path | None,
        index_dir: Path,
        runtime: Runtime,
        swap: Callable[[Runtime], None],
        interval: float = 5.0,
    ) -> None:
        self.directory = directory or default_dir()
        self.index_dir = index_dir
        self.runtime = runtime
        self.swap = swap
        self.interval = interval
        self.status = ReloadStatus()
        self._seen = snapshot(self.directory)
        self._pending: Snapshot | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reload")
        self._lock = asyncio.Lock()

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:  # never let the watcher die: the next poll tries again
                log.exception("checking the knowledge folder failed")

    async def check(self) -> bool:
        """One poll: reload when the folder changed and has settled. True if a new runtime was swapped in."""
        loop = asyncio.get_running_loop()
        current = await loop.run_in_executor(self._executor, snapshot, self.directory)
        if current == self._seen:
            self._pending = None
            return False
        if current != self._pending:
            self._pending = current  # changed since the last poll: wait until it settles
            return False
        self._pending = None
        return await self.reload(current)

    async def reload(self, seen: Snapshot | None = None) -> bool:
        """Build the knowledge and index on a worker thread, then swap them in. True if swapped."""
        async with self._lock:
            loop = asyncio.get_running_loop()
            seen = seen if seen is not None else await loop.run_in_executor(self._executor, snapshot, self.directory)
            self.status.building = True
            started = time.perf_counter()
            try:
                new = await loop.run_in_executor(self._executor, self._build, self.runtime)
            except (RolebotError, OSError, RuntimeError) as exc:
                self.status.last_error = f"reload failed, the previous knowledge is still served: {exc}"
                log.error("%s", self.status.last_error)
                self._seen = seen  # try again on the next change, not on every poll
                return False
            finally:
                self.status.building = False
            self._seen = seen
            if new is None:
                return False
            self.runtime = new
            self.swap(new)  # one assignment on the event loop: a question sees the old or the new
            self.status.reloads += 1
            self.status.last_reload = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self.status.last_error = "; ".join(new.kb.errors)
            log.info(
                "knowledge reloaded in %.1fs: %d roles, index %s (%d passages)",
                time.perf_counter() - started,
                len(new.kb.profiles),
                new.kb.fingerprint[:12],
                len(new.index.passages),
            )
            return True

    def _build(self, old: Runtime) -> Runtime | None:
        kb = load_knowledge(self.directory, previous=old.kb)
        for error in kb.errors:
            log.error("template not served as it is: %s", error)
        if kb.fingerprint == old.kb.fingerprint and kb.files == old.kb.files:
            return None  # touched, not changed
        if kb.fingerprint == old.index.manifest.get("knowledge_hash"):
            index = old.index
        else:
            # Loads one `rolebot index` or another worker built, or builds, embedding only what changed.
            # One process at a time: the workers of a server see the change at the same poll, and the
            # second then loads what the first wrote instead of building it again on the same cores.
            with _one_at_a_time(self.index_dir):
                index = open_index(kb, old.embedder, self.index_dir, previous=old.index)
        return Runtime(kb, old.embedder, index, Engine(kb, index, old.embedder), self.index_dir)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def summary(self) -> dict[str, Any]:
        return {
            "interval_seconds": self.interval,
            "reloads": self.status.reloads,
            "last_reload": self.status.last_reload or None,
            "building": self.status.building,
            "last_error": self.status.last_error or None,
        }
