"""Rendering an `Answer` as a Bot Framework message activity (the JSON wire form). Pure: no I/O.

    >>> activity = render_answer(answer)
    >>> activity["entities"][0]["citation"][0]["appearance"]["name"]
    'Engagement Worker template: Continuing Professional Development'

Teams shows the `[n]` markers as citations when the message carries one schema.org Message entity
whose `citation` positions match them; `channelData.feedbackLoop` adds the thumbs up/down buttons.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..answering.answer import Answer, Citation, shorten

MAX_ACTIVITY_BYTES = 80_000
MAX_SUGGESTIONS = 3
KEYWORD_LIMIT = 28


def _citation(c: Citation) -> dict[str, Any]:
    keywords = [shorten(k, KEYWORD_LIMIT) for k in (c.section.split(" > ")[-1], f"lines {c.line_start}-{c.line_end}")]
    return {
        "@type": "Claim",
        "position": c.position,
        "appearance": {
            "@type": "DigitalDocument",
            "name": c.name,
            "abstract": c.abstract,
            "keywords": keywords[:3],
        },
    }


def message_entity(citations: tuple[Citation, ...]) -> dict[str, Any]:
    return {
        "type": "https://schema.org/Message",
        "@type": "Message",
        "@context": "https://schema.org",
        "@id": "",
        "additionalType": ["AIGeneratedContent"],
        "citation": [_citation(c) for c in citations],
    }


def suggested_actions(suggestions: tuple[str, ...]) -> dict[str, Any]:
    return {"actions": [{"type": "imBack", "title": shorten(s, 60), "value": s} for s in suggestions[:MAX_SUGGESTIONS]]}


def comparison_card(table: tuple[tuple[str, ...], ...], fallback: str) -> dict[str, Any]:
    """An Adaptive Card 1.5 table; clients without tables show `fallbackText` (the message text has it too)."""
    columns = max(len(row) for row in table)
    rows = [
        {
            "type": "TableRow",
            "cells": [
                {"type": "TableCell", "items": [{"type": "TextBlock", "text": cell or " ", "wrap": True}]}
                for cell in (*row, *("",) * (columns - len(row)))
            ],
        }
        for row in table
    ]
    return {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5",
            "fallbackText": fallback,
            "body": [
                {"type": "TextBlock", "text": "Side by side", "weight": "Bolder", "wrap": True},
                {
                    "type": "Table",
                    "firstRowAsHeader": True,
                    "gridStyle": "accent",
                    "columns": [{"width": 1} for _ in range(columns)],
                    "rows": rows,
                },
            ],
        },
    }


def render_answer(answer: Answer, feedback: bool = True) -> dict[str, Any]:
    """The message activity for an answer: markdown text, citations, feedback, suggestions, card."""
    activity: dict[str, Any] = {"type": "message", "text": answer.text, "textFormat": "markdown"}
    if answer.citations:
        activity["entities"] = [message_entity(answer.citations)]
    if feedback and not answer.declined:
        activity["channelData"] = {"feedbackLoop": {"type": "default"}, "feedbackLoopEnabled": True}
    if answer.suggestions:
        activity["suggestedActions"] = suggested_actions(answer.suggestions)
    if answer.table:
        activity["attachments"] = [comparison_card(answer.table, _plain(answer.text))]
    return fit(activity)


def render_text(text: str, suggestions: tuple[str, ...] = ()) -> dict[str, Any]:
    activity: dict[str, Any] = {"type": "message", "text": text, "textFormat": "markdown"}
    if suggestions:
        activity["suggestedActions"] = suggested_actions(suggestions)
    return activity


def size(activity: dict[str, Any]) -> int:
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))


def fit(activity: dict[str, Any], limit: int = MAX_ACTIVITY_BYTES) -> dict[str, Any]:
    """Keep a reply under `limit` bytes: drop the card, then shorten the text (and its citations)."""
    if size(activity) <= limit:
        return activity
    activity = dict(activity)
    activity.pop("attachments", None)
    note = "\n\n(The answer was shortened to fit in one message: ask about one section at a time.)"
    text = activity["text"]
    while size(activity) > limit and len(text) > 200:
        text = text[: int(len(text) * 0.8)]
        text = text[: text.rfind("\n")] if "\n" in text else text
        activity["text"] = text + note
        kept = {int(m) for m in re.findall(r"\[(\d+)\]", text)}
        for entity in activity.get("entities", []):
            entity["citation"] = [c for c in entity["citation"] if c["position"] in kept]
    return activity


def _plain(markdown: str) -> str:
    return re.sub(r"\*\*|\[\d+\]", "", markdown)
