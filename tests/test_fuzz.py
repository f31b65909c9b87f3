"""Hostile input, seeded: a few thousand mutated requests through the real aiohttp app.

Every answer must be a 4xx or a success, except 501 for invoke names the bot does not handle; no
turn may fail (no apology, no traceback in the log). Replies go to a stand-in channel on loopback.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from bot.teams.server import create_app

from .test_server import channel, message, settings_for  # noqa: F401  (the stand-in channel fixture)

pytestmark = pytest.mark.model
SEED = 10
REQUESTS = 2500
SURROGATE = "@@lone-surrogate@@"
QUESTIONS = [
    "what training does an engagement worker need?",
    "what level is the strategic manager?",
    "I'm starting as an engagement worker",
    "and the other role?",
    "what is the parking policy?",
    "",
    "   ",
    "<at>RoleBot</at> compare the two roles",
]
KNOWN_INVOKES = {"message/submitAction"}


def weird_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(14)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([0, -1, 2**70, 3.5, -1e308])
    if choice == 2:
        return rng.choice([True, False])
    if choice == 3:
        return "x" * rng.choice([0, 1, 1025, 5000])
    if choice == 4:
        return SURROGATE
    if choice == 5:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 40)))
    if choice == 6:
        return [] if depth > 2 else [weird_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    if choice == 7:
        return {} if depth > 2 else {"id": weird_value(rng, depth + 1), "type": weird_value(rng, depth + 1)}
    if choice == 8:
        nested: Any = "deep"
        for _ in range(rng.choice([40, 200])):
            nested = [nested]
        return nested
    if choice == 9:
        return rng.choice(["mention", "message", "invoke", "\x00", "<at>", "http://127.0.0.1:1/"])
    if choice == 10:
        return {"id": "bot-1", "name": weird_value(rng, depth + 1)}
    if choice == 11:
        return rng.choice(["2026-01-01T00:00:00Z", "not a date", "9999-99-99"])
    if choice == 12:
        return float("nan")
    return rng.choice(QUESTIONS)


PATHS = [
    ("type",),
    ("text",),
    ("id",),
    ("serviceUrl",),
    ("channelId",),
    ("conversation",),
    ("conversation", "id"),
    ("from",),
    ("from", "id"),
    ("recipient",),
    ("recipient", "id"),
    ("entities",),
    ("entities", 0),
    ("entities", 0, "mentioned"),
    ("entities", 0, "text"),
    ("entities", 0, "type"),
    ("value",),
    ("value", "actionName"),
    ("value", "actionValue"),
    ("value", "actionValue", "reaction"),
    ("value", "actionValue", "feedback"),
    ("name",),
    ("replyToId",),
    ("deliveryMode",),
    ("membersAdded",),
    ("membersAdded", 0),
    ("channelData",),
    ("attachments",),
    ("timestamp",),
    ("locale",),
    ("suggestedActions",),
]


def base_activity(rng: random.Random, url: str, n: int) -> dict[str, Any]:
    conversation = f"fuzz-{rng.randrange(12)}"
    kind = rng.randrange(5)
    body = message(rng.choice(QUESTIONS), url, conversation, id=f"in-{n}")
    if kind == 1:
        body["entities"] = [{"type": "mention", "text": "<at>RoleBot</at>", "mentioned": {"id": "bot-1"}}]
    elif kind == 2:
        body.update(type="conversationUpdate", membersAdded=[{"id": "user-9"}])
        body.pop("text")
    elif kind == 3:
        reaction = rng.choice(["like", "dislike", "meh"])
        body.update(
            type="invoke",
            name=rng.choice(["message/submitAction", "adaptiveCard/action", "composeExtension/query", "x"]),
            value={
                "actionName": "feedback",
                "actionValue": {"reaction": reaction, "feedback": '{"feedbackText":"ok"}'},
            },
            replyToId="sent-1",
        )
    elif kind == 4:
        body["deliveryMode"] = "expectReplies"
    return body


def mutate(rng: random.Random, body: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    for _ in range(rng.randrange(1, 4)):
        path = rng.choice(PATHS)
        target: Any = body
        for step in path[:-1]:
            if isinstance(target, dict) and isinstance(step, str):
                target = target.setdefault(step, {})
            elif isinstance(target, list) and isinstance(step, int):
                if not target:
                    target.append({})
                target = target[step]
            else:
                break
        else:
            last = path[-1]
            if isinstance(target, dict) and isinstance(last, str):
                if rng.random() < 0.2:
                    target.pop(last, None)
                else:
                    target[last] = weird_value(rng)
            elif isinstance(target, list) and isinstance(last, int) and target:
                target[last] = weird_value(rng)
    return body


def encode(rng: random.Random, body: dict[str, Any]) -> tuple[bytes, str]:
    text = json.dumps(body).replace(json.dumps(SURROGATE)[1:-1], "\\ud800")
    raw = text.encode()
    roll = rng.random()
    if roll < 0.03:
        return raw[: rng.randrange(len(raw))], "application/json"
    if roll < 0.05:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))), "application/json"
    if roll < 0.06:
        return b"\xef\xbb\xbf" + raw, "application/json"
    if roll < 0.07:
        return raw, rng.choice(
            ["text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1"]
        )
    if roll < 0.08:
        return rng.choice([b"null", b"[]", b"1", b'"x"', b"", b"{}", b"[" * 5000]), "application/json"
    return raw, "application/json"


async def test_thousands_of_hostile_requests_get_no_5xx_and_no_traceback(
    aiohttp_client,
    model_runtime,
    tmp_path: Path,
    channel,  # noqa: F811
    caplog,
) -> None:
    stand_in, url = channel
    client = await aiohttp_client(create_app(settings_for(tmp_path), model_runtime))
    rng = random.Random(SEED)
    statuses: dict[int, int] = {}
    failures: list[str] = []
    for n in range(REQUESTS):
        body = base_activity(rng, url, n)
        if rng.random() < 0.85:
            body = mutate(rng, body)
        raw, content_type = encode(rng, body)
        headers = {"Content-Type": content_type} if content_type else {}
        response = await client.post("/api/messages", data=raw, headers=headers)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        unknown_invoke = body.get("type") == "invoke" and str(body.get("name")) not in KNOWN_INVOKES
        if response.status >= 500 and not (response.status == 501 and unknown_invoke):
            failures.append(f"#{n} {response.status} {raw[:300]!r}")
    assert failures == [], "\n".join(failures[:10])
    logged = [
        f"{r.levelname} {r.getMessage()[:200]} {r.exc_info[1]!r}"
        for r in caplog.records
        if r.exc_info or r.levelno >= 40
    ]
    assert logged == [], "\n".join(logged[:10])
    apologies = [m for m in stand_in.messages() if "Sorry, something went wrong" in (m.get("text") or "")]
    assert apologies == []
    # The mix reached every layer: turns answered, bodies refused, invokes handled.
    assert statuses.get(201, 0) > 200 and statuses.get(400, 0) > 500 and statuses.get(200, 0) > 20


def mangle(rng: random.Random, raw: bytes) -> bytes:
    """A request's bytes with a few bytes flipped, cut, repeated or inserted (headers included)."""
    data = bytearray(raw)
    for _ in range(rng.randrange(1, 4)):
        if not data:
            break
        roll = rng.random()
        at = rng.randrange(len(data))
        if roll < 0.4:
            data[at] = rng.choice(b"\x00\r\n :\x7f\xff{a")
        elif roll < 0.6:
            del data[at : at + rng.randrange(1, 20)]
        elif roll < 0.8:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        else:
            data = data[:at]
    return bytes(data) or b"\r\n"


async def test_malformed_http_is_one_warning_line_never_a_traceback(
    model_runtime,
    tmp_path: Path,
    channel,  # noqa: F811
    caplog,
) -> None:
    # Issue 19: malformed HTTP, or a client leaving mid-body, wrote a 20-line ERROR traceback each.
    import asyncio
    import contextlib

    from aiohttp import web

    from bot.teams.serving import GuardedAppRunner, Limits

    _, url = channel
    runner = GuardedAppRunner(
        create_app(settings_for(tmp_path), model_runtime), Limits(header_timeout=1), access_log=None
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    rng = random.Random(SEED)
    body = json.dumps(message("what level is it?", url, id="in-raw")).encode()
    request = (
        b"POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    try:
        for _ in range(150):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(mangle(rng, request))
            await writer.drain()
            with contextlib.suppress(TimeoutError, ConnectionError):  # a body cut short: the client leaves
                await asyncio.wait_for(reader.read(), 0.2 if rng.random() < 0.9 else 0.01)
            writer.close()
        await asyncio.sleep(0.3)
    finally:
        await runner.cleanup()
    assert "Traceback" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= 40] == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == 30 and r.name.startswith("aiohttp")]
    assert warnings and all("\n" not in w for w in warnings)
