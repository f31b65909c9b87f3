"""Rendering an `Answer` as a Bot Framework message activity (the JSON wire form). Pure: no I/O.

    >>> activity = render_answer(answer)
    >>> activity["entities"][0]["citation"][0]["appearance"]["name"]
    'Engagement Worker template: Continuing Professional Development, Statutory and Mandatory learning'

Teams' limits are enforced here, in one place, whatever the answering layer produced:
- at most 10 citations in a message (the client refuses more with 400), each `[n]` in the text has
  its citation and each citation is used; name at most 80 characters, abstract at most 160;
- the payload well under Teams' 100 KB (UTF-16): at most `MAX_ACTIVITY_BYTES`;
- at most 3 buttons, with titles short enough to show whole. A reply without citations carries them
  as suggested actions, its text written in the few HTML tags every client renders (the Playground
  shows a message with suggested actions as plain text unless it is HTML, and drops its citations);
  a cited reply carries them on an Adaptive Card under its text, so its markdown and citations stay;
- one layout decision per answer shape (`shape`): how many lines show before "Show all" (a long reply's
  first screen is its text; the rest is on the card, shown by `Action.ToggleVisibility`, its sources
  cited on the last line of the text). A comparison is sent once, as text: no table card repeating it;
- only formatting every Teams client renders in a text message (bold, italic, blockquotes, links):
  markdown lists and headings are not rendered on mobile, so list items become lines that start with
  a bullet character, one paragraph each, which every client shows intact.
No "AI generated" label: every statement is quoted from the templates and carries its citation.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..answering.answer import (
    ABSTRACT_LIMIT,
    MAX_CITATIONS,
    NAME_LIMIT,
    TITLE_LIMIT,
    Answer,
    Citation,
    Suggestion,
    shorten,
)
from ..answering.matrix import FULL_EXPORT, MATRIX_TOPIC

# Teams documents about 100 KB, some clients refuse 40 KB; sizes are of the UTF-16 encoded payload.
MAX_ACTIVITY_BYTES = 38_000
MAX_SUGGESTIONS = 3
KEYWORD_LIMIT = 28
BULLET = "•"
SUB_BULLET = "\u00a0\u00a0\u00a0◦"
_MARKER = re.compile(r"\[(\d+)\]")


# -- text -------------------------------------------------------------------------------------------


def teams_text(markdown: str) -> str:
    """Markdown from the answering layer as Teams renders it on every client: list items become
    bullet lines, headings bold lines, checkboxes boxes; each line its own paragraph."""
    out: list[str] = []
    for raw in markdown.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if m := re.match(r"^[-*+]\s+\[[ xX]?\]\s+(.*)$", body):
            body = f"☐ {m.group(1)}"
        elif m := re.match(r"^[-*+]\s+(.*)$", body):
            body = f"{SUB_BULLET if indent >= 2 else BULLET} {m.group(1)}"
        elif m := re.match(r"^#{1,6}\s+(.*)$", body):
            body = f"**{m.group(1).strip('* ')}**"
        elif m := re.match(r"^(\d+)([.)])(\s.*)$", body):  # not an ordered list: lists don't render on mobile
            body = f"{m.group(1)}\\{m.group(2)}{m.group(3)}"
        elif re.match(r"^(?:-{3,}|\*{3,}|_{3,})$", body):
            continue
        out.append(body.replace("|", "¦") if body.count("|") >= 2 else body)
    return "\n\n".join(out)


def line_count(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


# -- citations --------------------------------------------------------------------------------------


def _citation(c: Citation, position: int) -> dict[str, Any]:
    section = c.section.split(" > ")[-1].split("; ")[0]
    where = c.location or (
        f"lines {c.line_start}-{c.line_end}" if c.line_end != c.line_start else f"line {c.line_start}"
    )
    keywords = [shorten(k, KEYWORD_LIMIT) for k in (section, where)]
    return {
        "@type": "Claim",
        "position": position,
        "appearance": {
            "@type": "DigitalDocument",
            "name": shorten(c.name, NAME_LIMIT),
            "abstract": shorten(c.abstract, ABSTRACT_LIMIT),
            "keywords": keywords[:3],
        },
    }


def message_entity(citations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "https://schema.org/Message",
        "@type": "Message",
        "@context": "https://schema.org",
        "@id": "",
        "citation": citations,
    }


def _cited_lines(text: str, citations: tuple[Citation, ...]) -> tuple[str, list[dict[str, Any]], bool]:
    """The text with its markers numbered 1..n in order of first use, at most `MAX_CITATIONS`, and the
    matching citations. Markers with no citation are dropped; if more than `MAX_CITATIONS` sources are
    cited, the text stops before the first line that would need one more (never a line without its
    citation), and the third value says it was cut."""
    by_position = {c.position: c for c in citations}
    renumber: dict[int, int] = {}
    kept: list[str] = []
    cut = False
    for line in text.split("\n"):
        new = [int(m) for m in _MARKER.findall(line) if int(m) in by_position and int(m) not in renumber]
        if len(renumber) + len(set(new)) > MAX_CITATIONS:
            cut = True
            break
        for old in new:
            renumber.setdefault(old, len(renumber) + 1)
        kept.append(
            _MARKER.sub(lambda m: f"[{renumber[int(m.group(1))]}]" if int(m.group(1)) in renumber else "", line)
        )
    body = _marker_per_group("\n".join(kept))
    body = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", body)
    body = re.sub(r"[ \t]+\n", "\n", body).rstrip()
    entities = [_citation(by_position[old], new) for old, new in sorted(renumber.items(), key=lambda kv: kv[1])]
    return body, entities, cut


_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s")
_ONE_MARKER = re.compile(r"^(.*?)\s*\[(\d+)\]\s*$")


def _marker_per_group(text: str) -> str:
    """One marker per group: where every item of a list (two or more) ends with the same one marker, it
    goes once on the line the list hangs from ("H. Management and Administration (15) [2]")."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = lines[i]
        out.append(head)
        i += 1
        head_item = _ITEM.match(head)
        depth = len(head_item.group(1)) if head_item else -1
        items: list[tuple[str, str]] = []  # (the item without its marker, the marker)
        indent = None
        for line in lines[i:]:
            item, marked = _ITEM.match(line), _ONE_MARKER.match(line)
            if not item or not marked or len(item.group(1)) <= depth or indent not in (None, item.group(1)):
                break
            if len(_MARKER.findall(line)) != 1:
                break
            indent = item.group(1)
            items.append((marked.group(1), marked.group(2)))
        marks = {mark for _, mark in items}
        head_marks = _MARKER.findall(head)
        if len(items) < 2 or len(marks) != 1 or not head.strip() or head_marks not in ([], list(marks)):
            continue
        if not head_marks:
            head = head.rstrip()
            out[-1] = f"{head[:-1]} [{marks.pop()}]:" if head.endswith(":") else f"{head} [{marks.pop()}]"
        out.extend(text for text, _ in items)
        i += len(items)
    return "\n".join(out)


# -- suggested actions ------------------------------------------------------------------------------


def button_title(title: str) -> str:
    """A title Teams shows whole: at most `TITLE_LIMIT` characters, cut only between words."""
    title = " ".join(title.split())
    if len(title) <= TITLE_LIMIT:
        return title
    cut = title[: TITLE_LIMIT + 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else title[:TITLE_LIMIT]
    return cut.rstrip(" ,;:-")


def suggested_actions(suggestions: tuple[Suggestion, ...]) -> dict[str, Any]:
    return {
        "actions": [
            {"type": "imBack", "title": button_title(s.title), "value": s.question}
            for s in suggestions[:MAX_SUGGESTIONS]
        ]
    }


# -- shapes ---------------------------------------------------------------------------------------

# How many lines of each shape show before "Show all". A reply at most `SLACK` lines longer is shown whole.
FIRST_SCREEN = {
    "yes/no": 10,
    "count": 10,
    "comparison": 12,
    "onboarding": 10,
    "decline": 14,
    "short list": 16,
    "long list": 14,
}
SLACK = 3
_YES_NO = re.compile(r"^(?:Yes\b|No\b|Only (?:the|\*\*)|Both\b|All \d+\b|\*\*[^*]+\*\*: only\b)")
_COUNT = re.compile(r"^(?:\*\*)?[^.:]{0,80}?\b(?:\d+|no) (?:competences?|entries|items|principles?)\b|^\d+[: ]")


def comparison_card(
    table: tuple[tuple[str, ...], ...], fallback: str, title: str = "Side by side", note: str = ""
) -> dict[str, Any]:
    """An Adaptive Card 1.5 table; clients without tables show `fallbackText` (the message text has it too).
    `note` goes under the table (the training matrix: the command for the full export)."""
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
    return adaptive_card(
        fallbackText=fallback,
        body=[
            {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
            {
                "type": "Table",
                "firstRowAsHeader": True,
                "gridStyle": "accent",
                "columns": [{"width": 1} for _ in range(columns)],
                "rows": rows,
            },
            *([{"type": "TextBlock", "text": note, "wrap": True, "isSubtle": True}] if note else []),
        ],
    )


def adaptive_card(**content: Any) -> dict[str, Any]:
    """An Adaptive Card 1.5 attachment with `content` (body, actions, fallbackText)."""
    return {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5",
            **content,
        },
    }


def shape(answer: Answer) -> str:
    """Which of the answer shapes this is: yes/no, count, comparison, onboarding, decline, short list
    or long list (a welcome is `render_text`'s)."""
    first = answer.text.lstrip().split("\n", 1)[0]
    if answer.declined:
        return "decline"
    if answer.topic in ("compare", "progression") or answer.table:
        return "comparison"
    if answer.topic == "onboarding":
        return "onboarding"
    if _YES_NO.match(first):
        return "yes/no"
    if _COUNT.match(first) and line_count(answer.text) <= FIRST_SCREEN["count"]:
        return "count"
    return "long list" if line_count(answer.text) > FIRST_SCREEN["short list"] + SLACK else "short list"


def _is_heading(line: str) -> bool:
    body = line.strip()
    return body.endswith(":") or bool(re.fullmatch(r"\*\*[^*]+\*\*(?: \([^)]*\))?(?: \[\d+\])*", body))


def first_screen(body: str, limit: int) -> tuple[str, list[str]]:
    """`body` cut after at most `limit` lines (never right after a heading, and only if more than
    `SLACK` lines would be left), and the lines left over."""
    lines = [line for line in body.split("\n") if line.strip()]
    if len(lines) <= limit + SLACK:
        return body, []
    keep = limit
    while keep > 1 and _is_heading(lines[keep - 1]):
        keep -= 1
    shown = 0
    out: list[str] = []
    for line in body.split("\n"):
        if line.strip():
            if shown == keep:
                break
            shown += 1
        out.append(line)
    return "\n".join(out).rstrip(), lines[keep:]


# -- buttons and cards ------------------------------------------------------------------------------


def _card_text(line: str) -> dict[str, Any]:
    """A line of a reply as an Adaptive Card TextBlock: no citation markers (a card cannot show them) and
    no `**` (a heading is a bold block instead)."""
    shown = teams_text(_MARKER.sub("", line)).strip()
    heading = _is_heading(shown) and shown.startswith("**")
    shown = shown.replace("**", "")
    block: dict[str, Any] = {"type": "TextBlock", "text": shown, "wrap": True, "spacing": "Small"}
    if heading:
        block.update(weight="Bolder", spacing="Medium")
    return block


def card(rest: list[str], suggestions: tuple[Suggestion, ...]) -> dict[str, Any]:
    """An Adaptive Card 1.5 under a reply: the lines that did not show (hidden until "Show all"), and the
    next questions as buttons. A button posts its question as the card's data, `{"question": ...}`,
    which the bot reads (channel.py). (The Playground sends nothing for a button whose data asks
    Teams for an `imBack` or a `messageBack`; plain data it posts, as Teams does.)"""
    body: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    if rest:
        body.append({"type": "Container", "id": "more", "isVisible": False, "items": [_card_text(x) for x in rest]})
        actions.append(
            {"type": "Action.ToggleVisibility", "title": f"Show all ({len(rest)} more)", "targetElements": ["more"]}
        )
    for s in suggestions[: MAX_SUGGESTIONS - (1 if rest else 0)]:
        actions.append(
            {
                "type": "Action.Submit",
                "title": button_title(s.title),
                "data": {"question": s.question},
            }
        )
    return adaptive_card(body=body, actions=actions)


def _plain(markdown: str) -> str:
    return re.sub(r"\*\*|\[\d+\]", "", markdown)


def html_text(markdown: str) -> str:
    """Markdown from the answering layer in the HTML every client renders: for a message with suggested
    actions, which the Playground shows as plain text unless it is HTML."""
    out = []
    for line in teams_text(markdown).split("\n\n"):
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        line = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", line)
        line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", line)
        out.append(line.replace("\\.", ".").replace("\\)", ")"))
    return "<br>".join(out)


# -- whole messages ---------------------------------------------------------------------------------

CUT_NOTE = "The rest did not fit in one message: ask about one role or one section at a time."


def render_answer(answer: Answer, feedback: bool = True) -> dict[str, Any]:
    """The message activity for an answer: text, citations, feedback buttons, buttons, "Show all"."""
    body, citations, cut = _cited_lines(answer.text, answer.citations)
    if cut:
        body += f"\n\n*{CUT_NOTE}*"
    body, rest = first_screen(body, FIRST_SCREEN[shape(answer)])
    if rest:
        shown = set(_MARKER.findall(body))
        hidden = list(dict.fromkeys(m for line in rest for m in _MARKER.findall(line) if m not in shown))
        sources = f", from {' '.join(f'[{m}]' for m in hidden)}" if hidden else ""
        # Not in italics: a client shows markers inside emphasis as raw text, not as citations.
        body += f"\n\n{len(rest)} more line{'s' if len(rest) != 1 else ''} under Show all{sources}."
    activity: dict[str, Any] = {"type": "message", "text": teams_text(body), "textFormat": "markdown"}
    if citations:
        activity["entities"] = [message_entity(citations)]
    if feedback and not answer.declined:
        activity["channelData"] = {"feedbackLoop": {"type": "default"}, "feedbackLoopEnabled": True}
    attachments = []
    if answer.table and answer.topic == MATRIX_TOPIC:  # its first line is the title; the export command below
        lines = [line for line in _plain(body).split("\n") if line.strip()]
        note = next((line.replace("`", "") for line in lines if line.startswith(FULL_EXPORT)), "")
        title = lines[0].strip("* ").split(" (")[0] if lines else "Training matrix"
        attachments.append(comparison_card(answer.table, _plain(body), title, note))
    if rest or (answer.suggestions and (citations or attachments)):
        # On a card, so that the Playground still renders the text's markdown and citations.
        attachments.append(card(rest, answer.suggestions))
    elif answer.suggestions:
        activity.update(text=html_text(body), textFormat="xml", suggestedActions=suggested_actions(answer.suggestions))
    if attachments:
        activity["attachments"] = attachments
    return fit(activity)


def render_text(text: str, suggestions: tuple[Suggestion, ...] = ()) -> dict[str, Any]:
    activity: dict[str, Any] = {"type": "message", "text": teams_text(text), "textFormat": "markdown"}
    if suggestions:
        activity.update(text=html_text(text), textFormat="xml", suggestedActions=suggested_actions(suggestions))
    return fit(activity)


def size(activity: dict[str, Any]) -> int:
    """Bytes of the payload as Teams counts them (UTF-16)."""
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-16-le"))


def fit(activity: dict[str, Any], limit: int = MAX_ACTIVITY_BYTES) -> dict[str, Any]:
    """Keep a reply under `limit` bytes: drop the card, then end the text earlier, at a paragraph, and
    keep only the citations the remaining text uses."""
    if size(activity) <= limit:
        return activity
    activity = dict(activity)
    activity.pop("attachments", None)
    note = f"\n\n*{CUT_NOTE}*"
    paragraphs = activity["text"].split("\n\n")
    while size(activity) > limit and len(paragraphs) > 1:
        paragraphs = paragraphs[: max(1, int(len(paragraphs) * 0.8))]
        activity["text"] = "\n\n".join(paragraphs) + note
        used = {int(m) for m in _MARKER.findall(activity["text"])}
        for entity in activity.get("entities", []):
            entity["citation"] = [c for c in entity["citation"] if c["position"] in used]
    if size(activity) > limit:  # one enormous paragraph: cut it on a word boundary
        activity["text"] = shorten(activity["text"], limit // 8) + note
        used = {int(m) for m in _MARKER.findall(activity["text"])}
        for entity in activity.get("entities", []):
            entity["citation"] = [c for c in entity["citation"] if c["position"] in used]
    return activity
