"""End to end with the Microsoft 365 Agents Playground as the client (a Teams-like channel).

The Playground is installed into .playground/ with npm when it is missing; without npm this test is
skipped. It runs the bot in-process on a real port and drives the Playground through its HTTP API,
reading the bot's replies from its websocket, in both delivery modes.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.answering.answer import Answer
from bot.answering.engine import ConversationState
from bot.settings import Settings
from bot.teams.server import create_app

from .conftest import ROOT, free_port, npm_binary

pytestmark = pytest.mark.model
PLAYGROUND = "@microsoft/m365agentsplayground@0.2.28"
PREFIX = ROOT / ".playground"


@pytest.fixture(scope="module")
def playground_binary() -> Path:
    return npm_binary(PLAYGROUND, PREFIX, "agentsplayground", "the Playground end-to-end test")


@pytest.fixture
async def bot_url(model_runtime, tmp_path: Path) -> AsyncIterator[str]:
    settings = Settings.from_env({"ROLEBOT_DATA_DIR": str(tmp_path / "data")})
    runner = web.AppRunner(create_app(settings, model_runtime))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/api/messages"
    await runner.cleanup()


async def start_playground(binary: Path, bot: str, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none"}
    workdir = tempfile.mkdtemp(prefix="playground-")  # it writes devTools/*.log where it runs
    process = subprocess.Popen(
        [str(binary), "-e", bot, "-c", "msteams", "--dt", "-p", str(port), *extra],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(150):
            try:
                async with session.get(f"{base}/_debug/ping") as response:
                    if response.status == 200:
                        return process, base
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    process.kill()
    raise AssertionError("the Playground did not start")


class Client:
    """The Playground's HTTP API: post as the current user, read the bot's messages off the websocket."""

    def __init__(
        self, session: aiohttp.ClientSession, base: str, ws: aiohttp.ClientWebSocketResponse, config: dict[str, Any]
    ) -> None:
        self.session, self.base, self.ws, self.config = session, base, ws, config
        self.conversation = config["personalChat"]["id"]
        self.user = config["currentUser"]["id"]

    async def ask(self, text: str) -> dict[str, Any]:
        """The reply's text message. The Playground shows a reply's card as a message of its own, so
        the messages of one turn are read until the bot has been quiet for a moment."""
        return (await self.ask_all(text))[0]

    async def ask_all(self, text: str) -> list[dict[str, Any]]:
        """Every message the bot sends in answer to `text`."""
        url = f"{self.base}/_conversation/v1/conversations/{self.conversation}/messages"
        async with self.session.post(url, json={"from": {"id": self.user}, "text": text, "textFormat": "plain"}) as r:
            assert r.status == 200
        return await self.replies()

    async def submit(self, card: dict[str, Any], value: dict[str, Any]) -> list[dict[str, Any]]:
        """Press a button of the card `card` (a message) whose data is `value`, as the Playground does."""
        body = {
            "conversation": {"id": self.conversation},
            "from": {"id": self.user},
            "replyToId": card["messageId"],
            "value": value,
        }
        async with self.session.post(f"{self.base}/_conversation/v1/submit", json=body) as r:
            assert r.status == 200
        return await self.replies()

    async def install(self) -> list[dict[str, Any]]:
        """Add the bot to the personal chat, as a user installing it does: its welcome."""
        url = f"{self.base}/_debug/conversation/{self.conversation}/installation"
        async with self.session.post(url, json={}) as r:
            assert r.status == 200
        return await self.replies()

    async def replies(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while True:
            try:
                message = await asyncio.wait_for(self.ws.receive(), 0.4 if messages else 30)
            except TimeoutError:
                return messages
            data = json.loads(message.data)
            if data.get("action") == "createMessage":
                messages.append(data["message"])

    async def feedback(self, reaction: str, text: str) -> int:
        body = {
            "name": "message/submitAction",
            "from": {"id": self.user},
            "conversation": {"id": self.conversation},
            "value": {
                "actionName": "feedback",
                "actionValue": {"reaction": reaction, "feedback": json.dumps({"feedbackText": text})},
            },
        }
        async with self.session.post(f"{self.base}/_conversation/v1/invoke", json=body) as response:
            return response.status


async def connect(session: aiohttp.ClientSession, base: str) -> Client:
    """The current user's client in the Playground's personal chat, listening to the bot's messages."""
    async with session.get(f"{base}/_internal/v1/config") as response:
        config = (await response.json())["config"]
    ws = await session.ws_connect(f"{base}/_ws_conversation/v1/conversations/stream")
    return Client(session, base, ws, config)


async def converse(binary: Path, bot: str, *extra: str) -> list[Any]:
    process, base = await start_playground(binary, bot, *extra)
    try:
        async with aiohttp.ClientSession() as session:
            client = await connect(session, base)
            ws = client.ws
            first = await client.ask("what training does an engagement worker need?")
            second = await client.ask("and what about the strategic manager?")
            status = await client.feedback("like", "clear and cited")
            await ws.close()
            return [first, second, status]
    finally:
        process.terminate()
        process.wait(timeout=10)


def check(first: dict[str, Any], second: dict[str, Any], status: int) -> None:
    assert "PREVENT training or WRAP" in first["text"]
    citations = first["aiEntity"]["citation"]
    assert citations and all(c["appearance"]["name"].startswith("Engagement Worker template") for c in citations)
    assert first["feedbackLoopEnabled"] is True
    assert "suggestedActions" not in first  # the Playground would show the answer as plain text, no citations
    assert "Root cause analysis training" in second["text"]  # the topic carried over to the new role
    assert status == 200


async def test_playground_normal_delivery(playground_binary: Path, bot_url: str, tmp_path: Path) -> None:
    first, second, status = await converse(playground_binary, bot_url)
    check(first, second, status)
    from bot.teams.feedback import FeedbackStore

    rows = FeedbackStore(tmp_path / "data" / "feedback.sqlite3").rows()
    liked = [r for r in rows if r.kind == "feedback"]
    assert liked and liked[0].reaction == "like" and liked[0].comment == "clear and cited"
    assert liked[0].question == "and what about the strategic manager?"


APOLOGY = "Sorry, something went wrong"
EVAL_SETS = ("questions.json", "holdout.json", "blind.json", "blind2.json")
MAIN_SETS = ("questions.json", "holdout.json")


def forget_conversations(data_dir: Path) -> None:
    """A fresh conversation for the next case: the Playground has one personal chat, so the bot's
    memory of it is cleared instead (what a new conversation id would give)."""
    with sqlite3.connect(data_dir / "state.sqlite3") as db:
        db.execute("DELETE FROM state")


async def test_playground_accepts_every_eval_answer(
    playground_binary: Path, bot_url: str, tmp_path: Path, model_runtime
) -> None:
    """Every question of the evaluation sets, asked through the Teams-like client in normal delivery:
    no reply refused by the client (the bot would then send its apology), every citation the bot sent
    shown, citations shown where a case of the main sets expects them, and Teams' limits kept. (Whether
    the blind sets' answers are right is the evaluation tests' job; here, that the client shows them.)"""
    cases = [
        {**case, "set": name} for name in EVAL_SETS for case in json.loads((ROOT / "tests" / "eval" / name).read_text())
    ]
    process, base = await start_playground(playground_binary, bot_url)
    problems: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            client = await connect(session, base)
            ws = client.ws
            for case in cases:
                forget_conversations(tmp_path / "data")
                for turn in case["ask"]:
                    reply = await client.ask(turn.lstrip("+").strip())
                sent = sent_answer(model_runtime, case)
                problems.extend(
                    f"{case['id']}: {p} ({reply.get('text', '')[:80]!r})" for p in reply_problems(reply, case, sent)
                )
            await ws.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert not problems, f"{len(problems)} problems over {len(cases)} cases:\n" + "\n".join(problems)


def sent_answer(runtime, case: dict[str, Any]) -> Answer:
    """What the bot answers to the case's conversation (the same engine the served bot uses)."""
    state = ConversationState()
    answer = None
    for turn in case["ask"]:
        answer, state = runtime.engine.answer(turn.lstrip("+").strip(), state)
    assert answer is not None
    return answer


def reply_problems(reply: dict[str, Any], case: dict[str, Any], sent: Answer) -> list[str]:
    out = []
    if APOLOGY in reply.get("text", ""):
        out.append("the reply was replaced by the apology (refused by the client?)")
    citations = (reply.get("aiEntity") or {}).get("citation") or []
    if len(citations) != len(sent.citations):
        out.append(f"the client shows {len(citations)} citations, the bot sent {len(sent.citations)}")
    if case.get("set") in MAIN_SETS and case.get("roles") and not case.get("decline") and not citations:
        out.append("no citations shown")
    if len(citations) > 10:
        out.append(f"{len(citations)} citations")
    if "AIGeneratedContent" in json.dumps(reply):
        out.append("labelled AI generated")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", reply.get("text", ""))}
    if markers != {c["position"] for c in citations}:
        out.append(f"markers {sorted(markers)} do not match citations")
    return out


async def test_playground_expect_replies(playground_binary: Path, bot_url: str) -> None:
    first, second, status = await converse(playground_binary, bot_url, "--dm", "expectReplies")
    check(first, second, status)


# One question of each answer shape (bot/teams/render.py `shape`).
SHAPES = {
    "yes/no": "does an EW need a DBS check?",
    "count": "how many core competences does the strategic manager have?",
    "short list": "what experience does an engagement worker need?",
    "long list": "List all the SM's role-specific competences",
    "comparison": "what's the difference between an engagement worker and a strategic manager?",
    "onboarding": "I start as an engagement worker next month, where do I begin?",
    "decline": "what is the salary of an engagement worker?",
}
_RAW_MARKER = re.compile(r"\[\d+\]")


def card_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [x for item in items for x in (item, *walk(item.get("items", [])))]

    cards = [a.get("content") or {} for a in message.get("attachments") or []]
    return [block for card in cards for block in walk([*card.get("body", []), *card.get("actions", [])])]


def shown_raw(message: dict[str, Any]) -> list[str]:
    """What the Playground would show raw: markdown or markers in a message with suggested actions
    (shown as plain text, or HTML, without its citations), markers without their citation, and
    markdown or markers on a card."""
    text = message.get("text") or ""
    cited = {c["position"] for c in (message.get("aiEntity") or {}).get("citation") or []}
    problems = []
    if message.get("suggestedActions"):
        problems += ["** with suggested actions"] * ("**" in text)
        problems += ["[n] with suggested actions"] * bool(_RAW_MARKER.search(text))
    elif {int(m) for m in re.findall(r"\[(\d+)\]", text)} - cited:
        problems.append("[n] without its citation")
    if re.search(r"(?<![*\w])\*[^*\n]*\[\d+\][^*\n]*\*(?![*\w])", text):
        problems.append("[n] inside emphasis (shown as text, not as a citation)")
    for block in card_blocks(message):
        shown = str(block.get("text") or block.get("title") or "")
        problems += [f"** on the card: {shown[:40]!r}"] * ("**" in shown)
        problems += [f"[n] on the card: {shown[:40]!r}"] * bool(_RAW_MARKER.search(shown))
    return problems


def first_line(message: dict[str, Any]) -> str:
    return re.split(r"\n\n|<br>", message.get("text") or "", maxsplit=1)[0].strip()


def is_heading(line: str) -> bool:
    return bool(re.fullmatch(r"\*\*[^*]+\*\*(?: \([^)]*\))?(?: \[\d+\])*:?", line)) or line.endswith(":")


async def test_playground_shows_every_answer_shape_without_raw_markdown(playground_binary: Path, bot_url: str) -> None:
    """Normal delivery: the welcome and one question of each shape. Nothing shown raw (`**`, `[n]`), a
    yes/no, count or comparison that opens with its answer (not a heading), a comparison sent once,
    and buttons that work whether the client sends their question or their title."""
    process, base = await start_playground(playground_binary, bot_url)
    problems: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            client = await connect(session, base)
            welcome = await client.install()
            assert welcome and "Engagement Worker" in welcome[0]["text"]
            problems += [f"welcome: {p}" for m in welcome for p in shown_raw(m)]
            titles = [a["title"] for a in welcome[0]["suggestedActions"]["actions"]]
            assert "Roles you know" in titles
            # The Playground sends a suggested action's title, not its value
            roles = await client.ask("Roles you know")
            assert "I have role profile templates for 2 roles" in roles["text"], roles["text"][:200]
            for shape, question in SHAPES.items():
                messages = await client.ask_all(question)
                problems += [f"{shape}: {p}" for m in messages for p in shown_raw(m)]
                if shape in ("yes/no", "count", "comparison") and is_heading(first_line(messages[0])):
                    problems.append(f"{shape}: opens with a heading: {first_line(messages[0])!r}")
                if shape == "comparison":
                    tables = [b for m in messages for b in card_blocks(m) if b.get("type") == "Table"]
                    lines = set((messages[0].get("text") or "").split("\n\n"))
                    again = [b["text"] for m in messages for b in card_blocks(m) if b.get("text") in lines]
                    if tables or again or len([m for m in messages if m.get("text")]) > 1:
                        problems.append(f"comparison sent twice: {len(tables)} tables, {len(again)} lines again")
                if shape == "yes/no":
                    assert first_line(messages[0]).startswith("Yes, where appropriate")
                    actions = [b for m in messages for b in card_blocks(m) if b.get("type") == "Action.Submit"]
                    assert actions and actions[0]["title"] == "And the SM?", actions
                    other = await client.ask(actions[0]["title"])  # the title, as a client may send it
                    assert "Strategic Manager" in other["text"] and "DBS" in other["text"], other["text"][:200]
                    card = next(m for m in messages if m.get("attachments"))
                    pressed = await client.submit(card, actions[0]["data"])  # the button pressed in the Playground
                    assert pressed and "Strategic Manager" in pressed[0].get("text", ""), pressed
            await client.ws.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert not problems, "\n".join(problems)
