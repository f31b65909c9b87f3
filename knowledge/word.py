"""Read a Word (.docx) template with python-docx: paragraphs and tables, as the parser's lines.

- Paragraphs in document order; a 'Heading' style marks a heading, a list style or numbering a
  bullet. Line breaks inside a paragraph give separate lines of one block.
- Tables row by row, cell by cell on the table grid. A cell merged down over several rows (a
  principle spanning its functions) is read in its first row and left blank below, as the text
  layouts leave it. Paragraphs and line breaks inside a cell are kept apart ('\\n') so lists split.
- Each line is placed in its table ("table 3") for citations.

>>> lines, reading = read_docx(Path("profile.docx").read_bytes(), "profile.docx")
>>> reading.tables
9
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from .document import LineBuilder, Reading
from .errors import TemplateError
from .text import Line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, file: str) -> tuple[list[Line], Reading]:
    """The lines of a Word template and how it was read. Raises TemplateError for a file that is
    not a .docx (an old binary .doc, a damaged zip)."""
    import docx  # python-docx; imported here so `import knowledge` stays light
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TemplateError(file, "an old binary Word .doc file; save it as .docx")
    if not data.startswith(b"PK"):
        raise TemplateError(file, "not a Word .docx file (not a zip package)")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(file, f"the Word file cannot be read ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # lxml and zip errors of damaged files: name them, never crash the loader
        raise TemplateError(file, f"the Word file cannot be read ({exc.__class__.__name__})") from None
    builder = LineBuilder()
    tables = 0
    for block in _blocks(document):
        if hasattr(block, "rows"):
            tables += 1
            place = ("table", tables)
            builder.blank(place)
            for cells in _rows(block):
                builder.row(cells, place)
            builder.blank(place)
        else:
            _paragraph(builder, block)
    if not any(line.text for line in builder.lines):
        raise TemplateError(file, "the Word file holds no text")
    return builder.lines, Reading("docx", tables=tables)


def _blocks(document: Any) -> Any:
    """Paragraphs and tables in document order, also those inside content controls (a cover page
    or a block of fields Word wraps in <w:sdt>), which python-docx's own iteration passes over."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(element: Any) -> Any:
        for child in element.iterchildren():
            if child.tag == f"{_W}p":
                yield Paragraph(child, document)
            elif child.tag == f"{_W}tbl":
                yield Table(child, document)
            elif child.tag in (f"{_W}sdt", f"{_W}sdtContent"):
                yield from walk(child)

    yield from walk(document.element.body)


def _paragraph(builder: LineBuilder, paragraph: Any) -> None:
    place = ("", 0)
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    bullet = "list" in style.lower() or numbered
    heading = style.lower().startswith("heading")
    parts = [part for part in paragraph.text.replace("\t", " ").split("\n")]
    if not any(part.strip() for part in parts):
        builder.blank(place)
        return
    for n, part in enumerate(parts):
        if part.strip():
            builder.text(f"- {part.strip()}" if bullet and n == 0 else part, place, heading=heading)
    builder.blank(place)


def _rows(table: Any) -> list[list[str]]:
    from docx.table import _Cell

    rows = []
    for row in table.rows:
        tr = row._tr
        cells: list[str] = [""] * int(tr.grid_before or 0)
        for tc in tr.tc_lst:
            span = int(tc.grid_span or 1)
            if tc.vMerge == "continue":
                text = ""  # merged down from the row above: blank, as the text layouts leave it
            else:
                cell = _Cell(tc, table)
                text = "\n".join(p.text.replace("\t", " ") for p in cell.paragraphs)
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows
