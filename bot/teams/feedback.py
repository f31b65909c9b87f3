"""What staff asked and what they thought of the answers, for the people who maintain the templates.

The answers log keeps, per reply: the question, topic, roles and whether the bot declined. A
feedback click (thumbs up/down and free text) is stored against the reply it is about. `rolebot
feedback` exports both, so template owners see what staff ask that the templates don't cover.
The data stays in a local SQLite file; nothing is sent anywhere. Each record carries the user's
Microsoft Entra object id (never a name), and is deleted after ROLEBOT_RETENTION_DAYS or by
`rolebot purge --user` (see retention.py and docs/data.md).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..answering.engine import MAX_QUESTION_CHARS
from .commits import GroupCommit

MAX_COMMENT_CHARS = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    activity_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    asked_at REAL NOT NULL,
    question TEXT NOT NULL,
    topic TEXT NOT NULL,
    roles TEXT NOT NULL,
    declined INTEGER NOT NULL,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    given_at REAL NOT NULL,
    reaction TEXT NOT NULL,
    comment TEXT NOT NULL,
    user_id TEXT NOT NULL DEFAULT ''
);
"""
# One click per reply and user: a second click on the same reply replaces the first. (A click without
# the reply's id, from a channel that assigns its own, is about the latest answer: each is kept.)
FEEDBACK_KEY = (
    "CREATE UNIQUE INDEX IF NOT EXISTS feedback_key ON feedback (activity_id, conversation_id, user_id)"
    " WHERE activity_id != ''"
)
ADDED_COLUMNS = (("answers", "user_id"), ("feedback", "user_id"))  # columns a database from before may lack
EXPORT_COLUMNS = (
    "kind",
    "time",
    "conversation_id",
    "activity_id",
    "question",
    "topic",
    "roles",
    "declined",
    "reaction",
    "comment",
)


@dataclass(frozen=True)
class Row:
    kind: str  # "feedback" or "declined"
    time: float
    conversation_id: str
    activity_id: str
    question: str
    topic: str
    roles: str
    declined: bool
    reaction: str
    comment: str

    def as_list(self) -> list[Any]:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.time))
        return [
            self.kind,
            stamp,
            self.conversation_id,
            self.activity_id,
            self.question,
            self.topic,
            self.roles,
            int(self.declined),
            self.reaction,
            self.comment,
        ]


class FeedbackStore:
    """A small SQLite database (one connection, serialised by a lock; calls are short). Called
    directly, each write is its own transaction; through `commits.write` (the bot), writes of many
    turns share one (`GroupCommit`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._migrate()
        self.commits = GroupCommit(self._db, self._lock, "feedback")
        self._tx = self.commits.transaction

    def _migrate(self) -> None:
        with self._lock:
            for table, column in ADDED_COLUMNS:
                if column not in {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'feedback_key'").fetchone():
                with self._db:  # clicks stored twice before the key: keep the latest of each
                    self._db.execute("BEGIN IMMEDIATE")
                    self._db.execute(
                        "DELETE FROM feedback WHERE activity_id != '' AND id NOT IN"
                        " (SELECT MAX(id) FROM feedback GROUP BY activity_id, conversation_id, user_id)"
                    )
                    self._db.execute(FEEDBACK_KEY)

    def record_answer(
        self,
        activity_id: str,
        conversation_id: str,
        question: str,
        topic: str,
        roles: tuple[str, ...],
        declined: bool,
        user_id: str = "",
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers"
                " (activity_id, conversation_id, asked_at, question, topic, roles, declined, user_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    activity_id,
                    conversation_id,
                    time.time(),
                    _at_most(question, MAX_QUESTION_CHARS),
                    topic,
                    "; ".join(roles),
                    int(declined),
                    user_id,
                ),
            )

    def rename_answer(self, activity_id: str, channel_id: str) -> None:
        """The channel gave the reply its own id: feedback will arrive with that one."""
        with self._tx() as db:
            db.execute("UPDATE OR REPLACE answers SET activity_id = ? WHERE activity_id = ?", (channel_id, activity_id))

    def forget_answer(self, activity_id: str) -> None:
        """The reply was never delivered."""
        with self._tx() as db:
            db.execute("DELETE FROM answers WHERE activity_id = ?", (activity_id,))

    def record_feedback(
        self, activity_id: str, conversation_id: str, reaction: str, comment: str, user_id: str = ""
    ) -> None:
        """One click per (reply, conversation, user): a second click replaces the first."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO feedback (activity_id, conversation_id, given_at, reaction, comment, user_id)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, conversation_id, user_id) WHERE activity_id != ''"
                " DO UPDATE SET"
                " given_at = excluded.given_at, reaction = excluded.reaction, comment = excluded.comment",
                (activity_id, conversation_id, time.time(), reaction, _at_most(comment, MAX_COMMENT_CHARS), user_id),
            )

    def purge(self, before: float) -> dict[str, int]:
        """Delete questions, answers and feedback stored before `before` (a Unix time)."""
        with self._tx() as db:
            answers = db.execute("DELETE FROM answers WHERE asked_at < ?", (before,)).rowcount
            feedback = db.execute("DELETE FROM feedback WHERE given_at < ?", (before,)).rowcount
        return {"answers": answers, "feedback": feedback}

    def erase_user(self, user_id: str) -> tuple[dict[str, int], set[str]]:
        """Delete one person's questions, answers and feedback; also returns their conversations."""
        with self._tx() as db:
            conversations = {
                row[0]
                for row in db.execute(
                    "SELECT conversation_id FROM answers WHERE user_id = ?"
                    " UNION SELECT conversation_id FROM feedback WHERE user_id = ?",
                    (user_id, user_id),
                )
            }
            answers = db.execute("DELETE FROM answers WHERE user_id = ?", (user_id,)).rowcount
            feedback = db.execute("DELETE FROM feedback WHERE user_id = ?", (user_id,)).rowcount
        return {"answers": answers, "feedback": feedback}, conversations - {""}

    def rows(self) -> list[Row]:
        with self._lock:
            # The answer a click is about: by reply id; where the channel assigned its own id (replies
            # returned in the HTTP body), the conversation's latest answer before the click.
            feedback = self._db.execute(
                "SELECT f.given_at, f.conversation_id, f.activity_id, COALESCE(a.question, ''),"
                " COALESCE(a.topic, ''), COALESCE(a.roles, ''), COALESCE(a.declined, 0), f.reaction, f.comment"
                " FROM feedback f LEFT JOIN answers a ON a.activity_id = COALESCE("
                "  (SELECT activity_id FROM answers WHERE activity_id = f.activity_id),"
                "  (SELECT activity_id FROM answers WHERE conversation_id = f.conversation_id"
                "   AND asked_at <= f.given_at ORDER BY asked_at DESC LIMIT 1))"
                " ORDER BY f.given_at"
            ).fetchall()
            declined = self._db.execute(
                "SELECT asked_at, conversation_id, activity_id, question, topic, roles FROM answers"
                " WHERE declined = 1 ORDER BY asked_at"
            ).fetchall()
        out = [Row("feedback", r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8]) for r in feedback]
        out += [Row("declined", r[0], r[1], r[2], r[3], r[4], r[5], True, "", "") for r in declined]
        return sorted(out, key=lambda r: r.time)

    def close(self) -> None:
        self.commits.close()
        with self._lock:
            self._db.close()


def _at_most(text: str, limit: int) -> str:
    """Store no more of a text than the bot accepts; a cut is marked."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def export_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(row.as_list())
    return out.getvalue()


def export_text(rows: list[Row]) -> str:
    if not rows:
        return "No feedback and no declined questions yet."
    lines = []
    for row in rows:
        stamp = row.as_list()[1]
        if row.kind == "feedback":
            comment = f": {row.comment}" if row.comment else ""
            lines.append(f"{stamp}  {row.reaction:7}  {row.question or '(answer not found)'}{comment}")
        else:
            lines.append(f"{stamp}  declined  {row.question}")
    return "\n".join(lines)
