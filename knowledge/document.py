"""What a reader makes of a PDF or Word file: lines for the template parser, and how it read them.

The PDF and Word readers turn a document into the same `Line`s a text extraction gives (running
text, table rows with cells, blank lines between paragraphs), so one parser serves every format.
Each line carries its place in the document (page or table) for citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import Line, clean, clean_cell

_PAGE_FOOTER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)


def is_page_number(text: str, margin: bool = False) -> bool:
    """'Page 7 of 12' or 'Page 7' anywhere; '7 of 12', '7/12', '7' only in a page margin
    (`margin`): page furniture, not template text."""
    text = text.strip()
    if not _PAGE_FOOTER.match(text):
        return False
    return margin or text[:1].lower() == "p"


@dataclass(frozen=True)
class Reading:
    """How a file was read: its format, the pages or tables read, and what the reader noticed."""

    format: str
    pages: int = 0
    tables: int = 0
    warnings: tuple[str, ...] = ()
    lines: int = 0


@dataclass
class LineBuilder:
    """Collects the lines of a document, numbering them as the extracted text's lines."""

    lines: list[Line] = field(default_factory=list)

    def text(self, text: str, place: tuple[str, int], heading: bool = False) -> None:
        cleaned = clean(text)
        if not cleaned:
            return self.blank(place)
        self.lines.append(Line(len(self.lines) + 1, text, cleaned, (), heading, False, (), place))

    def extend(self, text: str, place: tuple[str, int]) -> None:
        """Text that wrapped from the line before: one line of the template, as in a text file."""
        last = self.lines[-1]
        raw = f"{last.raw} {text}"
        self.lines[-1] = Line(last.number, raw, clean(raw), (), last.markdown_heading, False, (), last.place)

    def join_row(self, cells: list[str]) -> None:
        """The rest of the last row, which a page break split: each cell goes on where it stopped."""
        while self.lines and not self.lines[-1].text:
            self.lines.pop()
        last = self.lines[-1]
        joined = list(last.raw_cells) + [""] * max(0, len(cells) - len(last.raw_cells))
        for n, cell in enumerate(cells):
            if cell:
                joined[n] = f"{joined[n]} {cell}".strip()
        place = last.place or ("", 0)
        self.lines.pop()
        self.row(joined, place)

    def row(self, cells: list[str], place: tuple[str, int]) -> None:
        """A table row; a cell may hold '\\n' where the document has a hard line break."""
        cells = [clean_cell(c) for c in cells]
        end = len(cells)
        while end and not cells[end - 1]:
            end -= 1
        if not end:
            return
        raw = "\t".join(c.replace("\n", " ") for c in cells)
        flat = clean(raw.replace("\t", " "))
        self.lines.append(Line(len(self.lines) + 1, raw, flat, tuple(cells[:end]), False, True, tuple(cells), place))

    def blank(self, place: tuple[str, int]) -> None:
        if self.lines and not self.lines[-1].text:
            return
        if self.lines:
            self.lines.append(Line(len(self.lines) + 1, "", "", (), False, False, (), place))
