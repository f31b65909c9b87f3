"""Headings, sections and blocks: the document structure of a role-profile template.

The template family has a fixed outline (Introduction to the Template, The Template, The
National Occupational Standards, References). Plain-text extractions have no heading markup, so
headings are recognised by that outline's names; markdown headings are taken as headings too.
Section paths do not depend on markdown levels, which the extractions apply inconsistently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import is_page_number
from .records import SourceRef
from .text import Line

_KNOWN_HEADING = re.compile(
    r"^(?:contents|introduction to the template|transferable roles?|definition of a transferable"
    r" role|the template|career framework levels and national occupational standards(?: \(nos\))?"
    r"|indicative learning and development|level descriptors?|definition of the level \d+ role"
    r"|the national occupational standards|basic information|scope of the role"
    r"|continuing professional development|references"
    r"|[a-z][a-z/ ,&'()-]{0,60}competences(?: for all level \d+ roles)?)\s*:?$",
    re.IGNORECASE,
)
PARTS = {
    "introduction to the template": "Introduction to the Template",
    "the national occupational standards": "The National Occupational Standards",
    "references": "References",
}
_BULLET = re.compile(r"^\s*(?:[-•*▪●◦]|\d+[.)])\s+")


def is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


def strip_bullet(text: str) -> str:
    return _BULLET.sub("", text, count=1)


@dataclass
class Block:
    """A paragraph (lines of running text) or a table row (with continuation lines)."""

    lines: list[Line]
    cells: list[str] = field(default_factory=list)

    @property
    def is_row(self) -> bool:
        return self.lines[0].is_row

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines if line.text)

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number

    @property
    def raw_cells(self) -> tuple[str, ...]:
        return self.lines[0].raw_cells


@dataclass
class Section:
    """The lines under one heading, with the heading's path in the outline."""

    path: tuple[str, ...]
    heading: Line | None
    lines: list[Line] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def path_text(self) -> str:
        return " > ".join(self.path)

    def blocks(self) -> list[Block]:
        return to_blocks(self.lines)


def heading_name(line: Line) -> str:
    return line.text.rstrip(": ").strip()


def is_known_heading(line: Line) -> bool:
    return not line.is_row and bool(line.text) and bool(_KNOWN_HEADING.match(line.text))


def split_sections(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """Front matter (before the first known heading) and the sections after it."""
    start = next((i for i, line in enumerate(lines) if is_known_heading(line)), len(lines))
    front, body = lines[:start], lines[start:]
    sections: list[Section] = []
    part: str | None = None
    parent: str | None = None
    current: Section | None = None
    for i, line in enumerate(body):
        if _is_heading(line):
            name = heading_name(line)
            key = name.lower()
            path: tuple[str, ...]
            if key == "contents":
                part, parent, path = "Contents", None, ("Contents",)
            elif key in PARTS or (key == "the template" and _next_is_heading(body, i)):
                part, parent, path = name, None, (name,)
            elif key.startswith("definition of the level") and parent:
                path = tuple(p for p in (part, parent, name) if p)
            else:
                parent = name
                path = tuple(p for p in (part, name) if p)
            current = Section(path, line)
            sections.append(current)
        elif current is not None:
            current.lines.append(line)
    return front, sections


def _is_heading(line: Line) -> bool:
    if line.is_row or not line.text:
        return False
    if line.markdown_heading and len(line.text) <= 120:
        return True
    return is_known_heading(line)


def _next_is_heading(lines: list[Line], i: int) -> bool:
    nxt = next((line for line in lines[i + 1 :] if not line.is_blank), None)
    return nxt is not None and _is_heading(nxt)


def to_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks: table rows (a tab-less line right after a row continues it),
    paragraphs, and a lead-in ending in ':' joined with the bullet list that follows."""
    blocks: list[Block] = []
    previous: Line | None = None
    for line in lines:
        if not line.is_row and is_page_number(line.text):
            continue  # 'Page 7 of 12' left in the text by the extraction, even inside a table
        if line.is_blank and not line.is_row:
            previous = None
            continue
        if line.is_row:
            if line.is_blank:
                previous = None
                continue
            blocks.append(Block([line], list(line.cells)))
        elif previous is not None and previous.is_row and blocks and blocks[-1].is_row:
            block = blocks[-1]
            block.lines.append(line)
            if block.cells:
                n = wrapped_cell(block.cells, block.raw_cells)
                block.cells[n] = f"{block.cells[n]} {line.text}".strip()
        elif blocks and not blocks[-1].is_row and _continues(blocks[-1], line, previous):
            blocks[-1].lines.append(line)
        else:
            blocks.append(Block([line]))
        previous = line
    return blocks


UNFINISHED = re.compile(r"(?:\b(?:and|or|of|for|the|to|in|with)|[/,&–-])$", re.IGNORECASE)


def wrapped_cell(cells: list[str], raw_cells: tuple[str, ...]) -> int:
    """Which cell a tab-less line after a table row continues: one with an unclosed link, else the
    first that stops mid-phrase ('D. Information Management / Information and'), else the last."""
    for n, raw in enumerate(raw_cells[: len(cells)]):
        if raw.lower().count("<a") > raw.lower().count("</a"):
            return n
    for n, cell in enumerate(cells):
        if cell and UNFINISHED.search(cell):
            return n
    return len(cells) - 1


def _continues(block: Block, line: Line, previous: Line | None) -> bool:
    if is_bullet(line.text):
        last = block.lines[-1].text
        return last.endswith(":") or is_bullet(last)
    return previous is not None and not is_bullet(block.lines[-1].text)


def source_of(file: str, section: str, lines: list[Line]) -> SourceRef:
    """The SourceRef of a run of lines: their span, verbatim raw text and location."""
    return SourceRef(
        file=file,
        section=section,
        line_start=lines[0].number,
        line_end=lines[-1].number,
        text="\n".join(line.raw for line in lines),
        location=location_of(lines),
    )


_PLURAL = {"line": "lines", "page": "pages", "table": "tables"}


def location_of(lines: list[Line]) -> str:
    """'lines 12-14', 'page 7', 'pages 7-8', 'table 3' (places of one kind; '' where none is known)."""
    places = [line.where for line in lines if line.where[0]]
    if not places:
        return ""
    unit = places[0][0]
    numbers = [n for u, n in places if u == unit]
    low, high = min(numbers), max(numbers)
    if low == high:
        return f"{unit} {low}"
    return f"{_PLURAL.get(unit, unit)} {low}-{high}"
