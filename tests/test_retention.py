"""Retention and erasure on SQLite: questions, answers and feedback after ROLEBOT_RETENTION_DAYS,
memory after ROLEBOT_MEMORY_RETENTION_DAYS, one person's data on `rolebot purge --user`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.teams.feedback import FeedbackStore
from bot.teams.retention import DAY, keep_purging, purge
from bot.teams.storage import SqliteStorage


async def fill(state: Any, feedback: Any) -> None:
    """Two people: aad-1 asked twice in conv-a and clicked once; aad-2 asked in conv-b and clicked."""
    feedback.record_answer("r1", "conv-a", "question one", "level", ("SM",), False, "aad-1")
    feedback.record_answer("r2", "conv-a", "question two", "none", (), True, "aad-1")
    feedback.record_answer("r3", "conv-b", "question three", "none", (), True, "aad-2")
    feedback.record_feedback("r1", "conv-a", "like", "", "aad-1")
    feedback.record_feedback("r3", "conv-b", "dislike", "wrong", "aad-2")
    await state.write({"msteams/conversations/conv-a": {"rolebot": {"roles": ["SM"]}}})
    await state.write({"msteams/conversations/conv-b": {"rolebot": {"roles": ["EW"]}}})


async def remaining(state: Any, feedback: Any) -> tuple[list[str], list[str]]:
    memories = await state.read(["msteams/conversations/conv-a", "msteams/conversations/conv-b"])
    return sorted(r.question for r in feedback.rows()), sorted(memories)


async def check_retention_and_erasure(state: Any, feedback: Any) -> None:
    settings = Settings.from_env({})
    await fill(state, feedback)
    now = time.time()
    assert await purge(state, feedback, settings, now=now) == {"answers": 0, "feedback": 0, "memories": 0, "claims": 0}
    # 31 days on: the memories are gone, the questions and feedback kept.
    counts = await purge(state, feedback, settings, now=now + 31 * DAY)
    assert counts["memories"] == 2 and counts["answers"] == counts["feedback"] == 0
    questions, memories = await remaining(state, feedback)
    assert memories == [] and len(questions) == 4  # 2 clicks and 2 declined questions
    # One person asks to be forgotten.
    await state.write({"msteams/conversations/conv-a": {"rolebot": {"roles": ["SM"]}}})
    await state.write({"msteams/conversations/conv-b": {"rolebot": {"roles": ["EW"]}}})
    counts = await purge(state, feedback, settings, now=now, user="aad-1")
    assert counts == {"answers": 2, "feedback": 1, "memories": 1, "claims": 0}
    questions, memories = await remaining(state, feedback)
    assert questions == ["question three", "question three"] and memories == ["msteams/conversations/conv-b"]
    # 91 days on: nothing is left.
    counts = await purge(state, feedback, settings, now=now + 91 * DAY)
    assert counts["answers"] == 1 and counts["feedback"] == 1 and counts["memories"] == 1
    assert await remaining(state, feedback) == ([], [])


async def test_sqlite_retention_and_erasure(tmp_path: Path) -> None:
    state, feedback = SqliteStorage(tmp_path / "state.sqlite3"), FeedbackStore(tmp_path / "feedback.sqlite3")
    try:
        await check_retention_and_erasure(state, feedback)
    finally:
        state.close()
        feedback.close()


async def test_serve_purges_in_the_background(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    state, feedback = SqliteStorage(tmp_path / "state.sqlite3"), FeedbackStore(tmp_path / "feedback.sqlite3")
    settings = Settings.from_env({"ROLEBOT_RETENTION_DAYS": "0.00001", "ROLEBOT_MEMORY_RETENTION_DAYS": "0.00001"})
    try:
        await fill(state, feedback)
        await asyncio.sleep(1.0)  # older than 0.86 s
        with caplog.at_level("INFO"):
            task = asyncio.create_task(keep_purging(state, feedback, settings, every=0.1))
            await asyncio.sleep(0.3)
            task.cancel()
        assert await remaining(state, feedback) == ([], [])
        assert "retention: deleted 3 answers, 2 feedback, 2 memories" in caplog.text
    finally:
        state.close()
        feedback.close()


def test_a_database_from_before_keeps_its_data_and_gets_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "feedback.sqlite3") as db:
        db.executescript(
            "CREATE TABLE answers (activity_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, asked_at REAL NOT NULL,"
            " question TEXT NOT NULL, topic TEXT NOT NULL, roles TEXT NOT NULL, declined INTEGER NOT NULL);"
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, activity_id TEXT NOT NULL,"
            " conversation_id TEXT NOT NULL, given_at REAL NOT NULL, reaction TEXT NOT NULL, comment TEXT NOT NULL);"
            "INSERT INTO answers VALUES ('r1', 'c', 1.0, 'old question', 'none', '', 1);"
            "INSERT INTO feedback VALUES (1, 'r1', 'c', 2.0, 'like', ''), (2, 'r1', 'c', 3.0, 'dislike', '');"
        )
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        db.execute("CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag INTEGER)")
        db.execute("INSERT INTO state VALUES ('msteams/conversations/c', '{}', 1)")
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    state = SqliteStorage(tmp_path / "state.sqlite3")
    try:
        rows = store.rows()
        assert [(r.kind, r.reaction) for r in rows] == [("declined", ""), ("feedback", "dislike")]  # latest click
        store.record_feedback("r1", "c", "like", "", "")
        assert [r.reaction for r in store.rows() if r.kind == "feedback"] == ["like"]
        assert state._db.execute("SELECT updated_at > 0 FROM state").fetchone() == (1,)
    finally:
        store.close()
        state.close()


def test_rolebot_purge_prints_what_it_deleted(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    feedback = FeedbackStore(tmp_path / "feedback.sqlite3")
    feedback.record_answer("r1", "conv-a", "question one", "level", ("SM",), True, "aad-1")
    feedback.close()
    monkeypatch.setenv("ROLEBOT_DATA_DIR", str(tmp_path))
    assert main(["purge", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"answers": 0, "feedback": 0, "memories": 0, "claims": 0}
    assert main(["purge", "--user", "aad-1"]) == 0
    assert capsys.readouterr().out.strip() == "deleted: 1 answers, 0 feedback, 0 memories, 0 claims"
