"""What an answer is: markdown text with [n] markers, its citations, and what it was about.

No Teams types here: `bot/teams.py` renders an `Answer` into an activity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.records import SourceRef

MAX_CITATIONS = 20
NAME_LIMIT = 80
ABSTRACT_LIMIT = 160


def shorten(text: str, limit: int) -> str:
    """The first `limit` characters of `text` on a word boundary, with '…' if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class Citation:
    """One cited place in a template. `name` says which role's template and which section."""

    position: int
    name: str
    abstract: str
    section: str
    role: str | None
    file: str
    line_start: int
    line_end: int
    location: str = ""  # where a person finds it: "lines 12-14", "page 7" (PDF), "table 3" (Word)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "abstract": self.abstract,
            "section": self.section,
            "role": self.role,
            "file": self.file,
            "lines": [self.line_start, self.line_end],
            "location": self.location,
        }


@dataclass(frozen=True)
class Answer:
    """A reply: markdown `text` whose [n] markers match `citations` positions."""

    text: str
    citations: tuple[Citation, ...] = ()
    roles: tuple[str, ...] = ()
    topic: str = "none"
    declined: bool = False
    suggestions: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "roles": list(self.roles),
            "topic": self.topic,
            "declined": self.declined,
            "suggestions": list(self.suggestions),
            "table": [list(row) for row in self.table],
        }


class Citations:
    """Numbers cited sources in order of first use; the same place cited twice keeps one number."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int, int], Citation] = {}

    def cite(self, source: SourceRef, role: str | None, who: str, quote: str | None = None) -> str:
        """The `[n]` marker for `source` (`who` names the template, e.g. 'Engagement Worker')."""
        key = (source.file, source.line_start, source.line_end)
        if key not in self._by_key:
            section = source.section.split(" > ")[-1]
            self._by_key[key] = Citation(
                position=len(self._by_key) + 1,
                name=shorten(f"{who}: {section}", NAME_LIMIT),
                abstract=shorten(quote or _plain(source.text), ABSTRACT_LIMIT),
                section=source.section,
                role=role,
                file=source.file,
                line_start=source.line_start,
                line_end=source.line_end,
                location=source.location,
            )
        return f"[{self._by_key[key].position}]"

    def __len__(self) -> int:
        return len(self._by_key)

    def all(self) -> tuple[Citation, ...]:
        return tuple(self._by_key.values())

    def finish(self, text: str) -> tuple[str, tuple[Citation, ...]]:
        """The text and citations, merged by section (then by file) if over `MAX_CITATIONS`."""
        citations = self.all()
        for grouping in (lambda c: (c.file, c.section), lambda c: (c.file,)):
            if len(citations) <= MAX_CITATIONS:
                break
            text, citations = _merge(text, citations, grouping)
        return text, citations


def _merge(text: str, citations: tuple[Citation, ...], grouping: Any) -> tuple[str, tuple[Citation, ...]]:
    groups: dict[Any, list[Citation]] = {}
    for c in citations:
        groups.setdefault(grouping(c), []).append(c)
    renumber: dict[int, int] = {}
    merged = []
    for position, members in enumerate(groups.values(), start=1):
        first = members[0]
        section = first.section if len({m.section for m in members}) == 1 else "Role profile template"
        name = (
            first.name
            if len(members) == 1
            else shorten(f"{first.name.split(':')[0]}: {section.split(' > ')[-1]}", NAME_LIMIT)
        )
        merged.append(
            Citation(
                position,
                name,
                first.abstract,
                section,
                first.role,
                first.file,
                min(m.line_start for m in members),
                max(m.line_end for m in members),
                first.location if len({m.location for m in members}) == 1 else "",
            )
        )
        renumber.update({m.position: position for m in members})
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", text)
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)
    return text, tuple(merged)


def _plain(text: str) -> str:
    """Source lines as readable text: table cells joined with ': ', markup dropped."""
    from knowledge.text import clean

    lines = []
    for line in text.split("\n"):
        cells = [clean(cell) for cell in line.split("\t")]
        lines.append(": ".join(cell for cell in cells if cell))
    return " ".join(line for line in lines if line)
