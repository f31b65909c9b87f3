"""Reading template files and turning their lines into layout-free text and table cells.

The templates come as text extracted from PDFs in more than one layout: plain text with tab
separated table rows, markdown headings with `<b>`/`<a>` markup, or markdown pipe tables. This
module hides those differences; the parser sees clean text and cells.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .errors import TemplateError

_TAG = re.compile(r"</?(?:b|strong|i|em|u|a|span)\b[^>]*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SPACES = re.compile(r"[ \u00a0]+")


@dataclass(frozen=True)
class Line:
    """One line of a template: its 1-based number, raw text, cleaned text and table cells."""

    number: int
    raw: str
    text: str
    cells: tuple[str, ...]
    markdown_heading: bool
    is_row: bool
    raw_cells: tuple[str, ...] = ()
    # Where a person finds the line in their copy: ("line", n) in a text file, ("page", 7) in a PDF,
    # ("table", 3) in a Word document, ("", 0) for Word text outside tables.
    place: tuple[str, int] | None = None

    @property
    def where(self) -> tuple[str, int]:
        return self.place if self.place is not None else ("line", self.number)

    @property
    def is_blank(self) -> bool:
        return not self.text


def clean(text: str) -> str:
    """Drop markup (tags, markdown emphasis and links), decode HTML entities ('&amp;' is '&') and
    fold spaces; keep the words. A '<br>' separates the words on either side."""
    text = _BREAK.sub(" ", text)
    text = _TAG.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text)
    text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()


def clean_cell(text: str) -> str:
    """A table cell's text, cleaned; a '<br>' or a line break inside it is kept as '\n' (a break
    its author made, which ends a list item)."""
    parts = (clean(part) for part in _BREAK.sub("\n", text or "").replace("\r", "\n").split("\n"))
    return "\n".join(part for part in parts if part)


def decode(data: bytes, file: str) -> str:
    """Decode a template file's bytes, refusing binary files with a clear reason."""
    if not data.strip():
        raise TemplateError(file, "the file is empty")
    if b"\x00" in data:
        raise TemplateError(file, "not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateError(file, f"not UTF-8 text (invalid byte at offset {exc.start})", line) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise TemplateError(file, "not a text file (too many control characters)")
    return text


def split_lines(text: str) -> list[Line]:
    """Split text into `Line`s; accepts \\n, \\r\\n and \\r line endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        lines.append(_line(number, raw))
    return lines


def _line(number: int, raw: str) -> Line:
    stripped = raw.strip()
    heading = _MD_HEADING.match(raw)
    if "\t" in raw:
        raw_cells = tuple(raw.split("\t"))
        cells = tuple(clean_cell(cell) for cell in raw_cells)
        return Line(number, raw, clean(raw.replace("\t", " ")), _trim(cells), False, True, raw_cells)
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        if _PIPE_SEPARATOR.match(stripped):
            return Line(number, raw, "", (), False, False)
        raw_cells = tuple(stripped[1:-1].split("|"))
        cells = tuple(clean_cell(cell) for cell in raw_cells)
        return Line(number, raw, clean(" ".join(raw_cells)), _trim(cells), False, True, raw_cells)
    body = raw[heading.end() :] if heading else raw
    return Line(number, raw, clean(body), (), heading is not None, False)


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Drop empty trailing cells (PDF extraction leaves stray tabs at row ends)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def normalise(text: str) -> str:
    """Lower-case words only: for comparing texts that differ in punctuation or spacing."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
