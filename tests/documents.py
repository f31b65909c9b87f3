"""Render a text template as an organisation holds it: a PDF (fpdf2) and a Word file (python-docx).

The text templates are extractions of PDFs; this puts them back into documents with real tables:
narrow columns so cells wrap over several lines, tables that run over pages with their header
repeated, a page header and a 'Page N of M' footer, and in Word a principle cell merged down over
the rows of its functions. Built at test time, nothing generated is kept in the repository.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from knowledge.document import is_page_number
from knowledge.layout import is_bullet, is_known_heading, strip_bullet, wrapped_cell
from knowledge.text import clean, split_lines


@dataclass
class Element:
    kind: str  # "heading", "paragraph" (lines kept apart as in the text), "table"
    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _is_header(cells: list[str]) -> bool:
    text = " ".join(cells).lower()
    return "principle" in text and "competence" in text


def elements(text: str) -> list[Element]:
    """Headings, paragraphs and tables of a text template (page-break artefacts left out)."""
    lines = split_lines(text)
    out: list[Element] = []
    table: Element | None = None
    previous_row = False
    raw_row: tuple[str, ...] = ()
    for i, line in enumerate(lines):
        if line.is_row:
            # '<br>' in a cell stands for a line break its author made (clean() drops other tags).
            cells = ["\n".join(clean(part) for part in c.split("<br>")) for c in line.raw_cells]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            if table is not None and table.rows and _is_header(cells) and cells == table.rows[0]:
                previous_row = True
                continue  # a header the extraction repeated after a page break
            if table is None:
                table = Element("table")
                out.append(table)
            table.rows.append(cells)
            raw_row = line.raw_cells
            previous_row = True
            continue
        if not line.text:
            nxt = next((other for other in lines[i + 1 :] if other.text), None)
            if nxt is None or not nxt.is_row:
                table = None  # rows after blank lines only continue the table (a page break)
            previous_row = False
            out.append(Element("blank"))
            continue
        if is_page_number(line.text):
            continue
        if previous_row and table is not None:
            row = table.rows[-1]
            n = wrapped_cell(row, raw_row)  # a cell the extraction wrapped onto a line of its own
            row[n] = f"{row[n]} {line.text}".strip()
            continue
        table = None
        previous_row = False
        if line.markdown_heading or is_known_heading(line):
            out.append(Element("heading", [line.text]))
        elif out and out[-1].kind == "paragraph" and not is_bullet(line.text):
            out[-1].lines.append(line.text)
        else:
            out.append(Element("paragraph", [line.text]))
    return [e for e in out if e.kind != "blank"]


def _widths(rows: list[list[str]], total: float) -> list[float]:
    columns = max(len(r) for r in rows)
    if columns == 1:
        return [total]
    first = total * (0.3 if columns >= 3 else 0.35)
    return [first] + [(total - first) / (columns - 1)] * (columns - 1)


def to_pdf(text: str, header: str) -> bytes:
    """A PDF of the template: A4, core fonts, tables with ruled cells in narrow columns."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Document(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", "I", 8)
            self.cell(0, 6, header, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("helvetica", "", 8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Document(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    body = pdf.epw
    for element in elements(text):
        if element.kind == "heading":
            pdf.ln(2)
            pdf.set_font("helvetica", "B", 12)
            pdf.multi_cell(0, 6, element.lines[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif element.kind == "paragraph":
            pdf.set_font("helvetica", "", 10)
            for line in element.lines:
                pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        else:
            rows = element.rows
            columns = max(len(r) for r in rows)
            pdf.set_font("helvetica", "", 8)
            # Narrow: the competence tables take 70 % of the text width, so every long cell wraps.
            width = body * (0.7 if _is_header(rows[0]) else 0.85)
            with pdf.table(
                width=width,
                col_widths=_widths(rows, width),
                align="LEFT",
                first_row_as_headings=_is_header(rows[0]),
                repeat_headings=1,
                headings_style=FontFace(emphasis="BOLD"),
                line_height=4,
                text_align="LEFT",
            ) as table:
                for cells in rows:
                    row = table.row()
                    for cell in cells + [""] * (columns - len(cells)):
                        row.cell(cell)
            pdf.ln(4)
    return bytes(pdf.output())


def to_docx(text: str) -> bytes:
    """A Word document of the template: heading styles, bullet lists, tables with the principle
    (or field label) cell merged down over its continuation rows."""
    import docx

    document = docx.Document()
    for element in elements(text):
        if element.kind == "heading":
            document.add_heading(element.lines[0], level=2)
        elif element.kind == "paragraph":
            if len(element.lines) == 1 and is_bullet(element.lines[0]):
                document.add_paragraph(strip_bullet(element.lines[0]), style="List Bullet")
                continue
            paragraph = document.add_paragraph()
            for n, line in enumerate(element.lines):
                run = paragraph.add_run(line)
                if n < len(element.lines) - 1:
                    run.add_break()
        else:
            rows = element.rows
            columns = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=columns)
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells + [""] * (columns - len(cells))):
                    table.cell(r, c).text = value
            _merge_first_column(table, rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _merge_first_column(table, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Merge each first-column cell down over the following rows whose first cell is blank."""
    r = 0
    while r < len(rows):
        end = r
        while end + 1 < len(rows) and not rows[end + 1][0] and rows[r][0] and not _is_header(rows[r]):
            end += 1
        if end > r:
            text = rows[r][0]
            merged = table.cell(r, 0).merge(table.cell(end, 0))
            merged.text = text  # merge() joins the cells' paragraphs; keep the one text
        r = end + 1


def header_for(text: str) -> str:
    """A running page header, as the published PDFs have one."""
    match = re.search(r"Named Role\s*(?:</b>)?\s*\t\s*(.+)", text)
    return f"Transferable Role Profile - {clean(match.group(1)) if match else 'template'}"
