"""Hostile input stops here: a request body is checked before botbuilder sees it.

    >>> body = decode_body(b'{"type": "message", ...}')   # BadActivity (-> 400) if unusable
    >>> check_activity(body)

`decode_body` refuses JSON nested deeper than `MAX_DEPTH` and strings that are not valid Unicode
(lone surrogates, which later break the tokenizer, SQLite and the channel). `check_activity`
checks the type of every field the bot reads, so a mutated field is a 400, never a failed turn.
Also: which `serviceUrl`s a bot in local mode may post to (loopback only, plus an allow-list).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

MAX_DEPTH = 32
MAX_ID_CHARS = 1024
MAX_URL_CHARS = 2048


class BadActivity(ValueError):
    """The request body is not a usable activity (answered 400)."""


def decode_body(raw: bytes) -> Any:
    """The parsed JSON body, or BadActivity naming what is wrong."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise BadActivity(f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # includes bytes that are not UTF-8
        raise BadActivity("the body is not valid JSON") from None
    _check_tree(body)
    return body


def _check_tree(body: Any) -> None:
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadActivity(f"the JSON is nested more than {MAX_DEPTH} levels deep")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadActivity("the body holds text that is not valid Unicode (a lone surrogate)") from None


def _field(body: dict[str, Any], name: str, kind: type | tuple[type, ...], required: bool = False) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise BadActivity(f"the activity has no {name}")
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise BadActivity(f"the activity's {name} must be {_article(expected)}")
    return value


def _article(name: str) -> str:
    return {"str": "a string", "dict": "an object", "list": "a list"}.get(name, name)


def _account(body: dict[str, Any], name: str, required_id: bool = False) -> None:
    account = _field(body, name, dict, required=required_id)
    if account is None:
        return
    _id(account, "id", f"{name}.id", required=required_id)
    if account.get("name") is not None and not isinstance(account["name"], str):
        raise BadActivity(f"the activity's {name}.name must be a string")


def _id(body: dict[str, Any], key: str, label: str, required: bool = False) -> None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise BadActivity(f"the activity has no {label}")
        return
    if not isinstance(value, str):
        raise BadActivity(f"the activity's {label} must be a string")
    if len(value) > MAX_ID_CHARS:
        raise BadActivity(f"the activity's {label} is longer than {MAX_ID_CHARS} characters")


def check_activity(body: Any) -> None:
    """BadActivity unless `body` has the fields the bot reads, each of the right type."""
    if not isinstance(body, dict):
        raise BadActivity("the body must be a JSON object (an activity)")
    kind = _field(body, "type", str, required=True)
    if not kind or len(kind) > 64:
        raise BadActivity("the activity has no type")
    url = _field(body, "serviceUrl", str, required=True)
    if not url:
        raise BadActivity("the activity has no serviceUrl")
    if len(url) > MAX_URL_CHARS or urlsplit(url).scheme not in ("http", "https"):
        raise BadActivity("the activity's serviceUrl must be an http(s) URL")
    _id(body, "channelId", "channelId", required=True)
    _account(body, "conversation", required_id=True)
    _account(body, "from")
    _account(body, "recipient")
    for key in ("id", "replyToId", "name", "locale", "textFormat", "deliveryMode", "inputHint", "action"):
        _id(body, key, key)
    for key in ("text", "speak", "summary", "timestamp", "localTimestamp"):
        _field(body, key, str)
    _field(body, "channelData", dict)
    _field(body, "attachments", list)
    for key in ("membersAdded", "membersRemoved"):
        for member in _field(body, key, list) or []:
            if not isinstance(member, dict) or not isinstance(member.get("id"), str):
                raise BadActivity(f"each of the activity's {key} must be an object with a string id")
    for entity in _field(body, "entities", list) or []:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise BadActivity("each of the activity's entities must be an object with a string type")
        if entity["type"].lower() == "mention":
            mentioned = entity.get("mentioned")
            if not isinstance(mentioned, dict) or not isinstance(mentioned.get("id"), str):
                raise BadActivity("a mention entity needs mentioned.id")
            if not isinstance(entity.get("text"), str):
                raise BadActivity("a mention entity needs its text")


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs whose host is a literal loopback address or `localhost` itself. Names
    under `.localhost` are not: they would be resolved through DNS, which may answer anything."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def service_url_policy(allowed: tuple[str, ...]) -> Callable[[str], bool]:
    """Local mode's rule for serviceUrls: loopback, or the same scheme and host as one of `allowed`
    with a path under its path."""
    rules = [(p.scheme, p.netloc.lower(), p.path) for p in (urlsplit(a) for a in allowed if a) if p.netloc]

    def allow(url: str) -> bool:
        if is_loopback_url(url):
            return True
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return any(
            parts.scheme == scheme and parts.netloc.lower() == netloc and parts.path.startswith(path)
            for scheme, netloc, path in rules
        )

    return allow
