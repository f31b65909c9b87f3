"""Group commit of the SQLite stores: shared transactions, each write committed before its await
returns, a failing write alone in its failure, nothing lost when the process dies."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.teams.commits import write
from bot.teams.feedback import FeedbackStore
from bot.teams.storage import SqliteStorage, StateConflict

from .conftest import ROOT


def committed_answers(path: Path) -> set[str]:
    """What another connection (another process, after a crash) sees."""
    with sqlite3.connect(str(path)) as db:
        return {row[0] for row in db.execute("SELECT activity_id FROM answers")}


async def test_writes_arriving_together_share_a_transaction_and_are_committed_when_awaited(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    seen: list[tuple[str, bool]] = []

    async def record(n: int) -> None:
        await write(store.record_answer, f"a{n}", "conv", f"question {n}", "topic", ("EW",), False)
        seen.append((f"a{n}", f"a{n}" in committed_answers(tmp_path / "feedback.sqlite3")))

    try:
        await asyncio.gather(*(record(n) for n in range(40)))
        assert len(seen) == 40 and all(visible for _, visible in seen)
        assert store.commits.writes == 40
        assert store.commits.batches < 40  # the fsyncs were shared
    finally:
        store.close()


async def test_a_failing_write_fails_alone_and_the_rest_of_its_batch_commits(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "state.sqlite3")
    try:
        await storage.write({"conv-a": {"memory": 1}, "conv-b": {"memory": 1}})
        stale = {"conv-a": {"memory": 2, "e_tag": "999"}}
        results = await asyncio.gather(
            storage.write({"conv-b": {"memory": 2, "e_tag": "1"}}),
            storage.write(stale),
            storage.write({"conv-c": {"memory": 1}}),
            return_exceptions=True,
        )
        assert results[0] is None and results[2] is None
        assert isinstance(results[1], StateConflict)
        state = await storage.read(["conv-a", "conv-b", "conv-c"])
        assert state["conv-a"]["memory"] == 1 and state["conv-a"]["e_tag"] == "1"  # the stale write left nothing
        assert state["conv-b"]["memory"] == 2 and state["conv-c"]["memory"] == 1
    finally:
        storage.close()


def test_direct_calls_are_each_their_own_transaction(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    try:
        store.record_answer("tmp", "conv", "question", "topic", (), False)
        store.rename_answer("tmp", "sent-1")
        assert committed_answers(tmp_path / "feedback.sqlite3") == {"sent-1"}
    finally:
        store.close()


@pytest.mark.parametrize("kill_at", ["after_awaits", "while_writing"])
def test_a_crash_loses_no_write_that_was_awaited(tmp_path: Path, kill_at: str) -> None:
    # The process is killed (SIGKILL: no clean-up, no close) right after its writes were awaited, or
    # while more are still queued; every write whose await returned is in the file.
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal, sys
        from pathlib import Path
        from bot.teams.commits import write
        from bot.teams.feedback import FeedbackStore

        async def main():
            store = FeedbackStore(Path({str(tmp_path / "feedback.sqlite3")!r}))
            async def record(n):
                await write(store.record_answer, f"a{{n}}", "conv", "q", "t", (), False)
                print(f"a{{n}}", flush=True)
            tasks = [asyncio.create_task(record(n)) for n in range(200)]
            if {kill_at!r} == "after_awaits":
                await asyncio.gather(*tasks)
            else:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == -9, done.stderr
    awaited = set(done.stdout.split())
    assert awaited, done.stderr
    if kill_at == "after_awaits":
        assert len(awaited) == 200
    assert awaited <= committed_answers(tmp_path / "feedback.sqlite3")
