"""Read a PDF template with pdfplumber: running text and ruled tables, as the parser's lines.

- Tables are found from their ruling lines, row by row and cell by cell. A cell's lines are joined
  with a space where the text wrapped, and kept apart ('\\n') where the author broke the line
  (the next line's first word would have fitted), so lists inside a cell can be split.
- Page headers and footers (text in the top or bottom margin that repeats on most pages, and
  'Page 7 of 12' anywhere) are dropped, also between the rows of a table that runs over a page.
- Paragraphs are separated where the gap between lines is wider than the line spacing.
- A PDF without a text layer (a scan) is refused with the reason: no OCR is done.

>>> lines, reading = read_pdf(Path("profile.pdf").read_bytes(), "profile.pdf")
>>> reading.pages, reading.tables
(12, 9)
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections import Counter
from typing import Any

from .document import LineBuilder, Reading, is_page_number
from .errors import TemplateError
from .layout import is_bullet
from .text import Line

MARGIN = 0.09  # share of the page height at the top and bottom where headers and footers live
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = (".", ":", ";", "?", "!")


def read_pdf(data: bytes, file: str) -> tuple[list[Line], Reading]:
    """The lines of a PDF template and how it was read. Raises TemplateError for an unreadable
    file, an encrypted one, or one with no text layer (a scan)."""
    import pdfplumber  # imported here so `import knowledge` stays light
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if not data.startswith(b"%PDF"):
        raise TemplateError(file, "not a PDF file (it does not start with %PDF)")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_read_page(page) for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise TemplateError(file, "the PDF is password protected; save an unprotected copy") from None
    except Exception as exc:  # pdfminer raises many kinds for damaged files; name it, never crash the loader
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps them
        if isinstance(inner, PDFPasswordIncorrect):
            raise TemplateError(file, "the PDF is password protected; save an unprotected copy") from None
        detail = str(inner).strip()[:120] or type(inner).__name__
        raise TemplateError(file, f"the PDF cannot be read (damaged or incomplete: {detail})") from None
    if not pages:
        raise TemplateError(file, "the PDF has no pages")
    if not any(item for page in pages for item in page["items"]):
        raise TemplateError(
            file,
            f"no text layer in {len(pages)} page(s): a scanned PDF? rolebot does no OCR; export the"
            " template from its source document, or save it as Word",
        )
    furniture = _furniture(pages)
    right = max((i["x1"] for page in pages for i in page["items"] if i["kind"] == "text" and not i["zone"]), default=0)
    previous: dict[str, Any] = {}
    gap = _paragraph_gap(pages)
    builder = LineBuilder()
    warnings: list[str] = []
    tables = 0
    last_kind = ""
    last_text = ""
    last_rows: list[list[str]] = []
    for number, page in enumerate(pages, start=1):
        place = ("page", number)
        previous_top: float | None = None
        previous_bottom = 0.0
        continues = last_kind == "table"  # the previous page ended in a table
        for item in page["items"]:
            if item["kind"] == "table":
                tables += 1
                rows = [
                    cells
                    for cells in item["rows"]
                    if not (any(is_page_number(c) for c in cells if c) and sum(1 for c in cells if c) == 1)
                ]  # a footer caught inside the table's rules is left out
                if continues and last_rows and rows:
                    header = last_rows[0]
                    rows = _continue_table(builder, last_rows, rows)
                    last_rows = [header, *(rows or last_rows[-1:])]
                else:
                    last_rows = rows
                builder.blank(place)
                for cells in rows:
                    builder.row(cells, place)
                builder.blank(place)
                last_kind, previous_top, continues = "table", None, False
                continue
            text = item["text"]
            if is_page_number(text, margin=bool(item["zone"])) or (_key(text), item["zone"]) in furniture:
                continue
            continues = False
            wrapped = False
            if previous_top is None:
                # First text on this page (or after a table): a paragraph carries over a page break
                # only when the sentence plainly goes on.
                if last_kind == "text" and item["first"] and _goes_on(last_text, text):
                    wrapped = True
                else:
                    builder.blank(place)
            elif item["top"] - previous_bottom > gap:
                builder.blank(place)
            else:
                wrapped = not _hard_break(previous, item, right)
            if wrapped and builder.lines and builder.lines[-1].text and not item["heading"]:
                builder.extend(text, place)
            else:
                builder.text(text, place, heading=item["heading"])
            previous_top, previous_bottom, previous = item["top"], item["bottom"], item
            last_kind, last_text = "text", text
    if furniture:
        shown = sorted({text for text, _ in furniture})[:3]
        warnings.append("dropped page headers/footers: " + "; ".join(repr(t) for t in shown))
    return builder.lines, Reading("pdf", pages=len(pages), tables=tables, warnings=tuple(warnings))


def _continue_table(builder: LineBuilder, before: list[list[str]], rows: list[list[str]]) -> list[list[str]]:
    """A table going on from the previous page: drop its repeated header, and join a row that was
    split by the page break (its cells go on in lower case) to the row it started on."""
    if rows and before and rows[0] == before[0]:
        rows = rows[1:]
    last = next((line for line in reversed(builder.lines) if line.text), None)
    if rows and last is not None and last.is_row and len(rows[0]) == len(before[-1]):
        first = [c for c in rows[0] if c]
        if first and all(c[:1].islower() for c in first):
            builder.join_row(rows[0])
            rows = rows[1:]
    return rows


def _hard_break(before: dict[str, Any], after: dict[str, Any], right: float) -> bool:
    """True when the author ended the line: a bullet follows, or the next line's first word would
    have fitted at the end of this one (so the text did not wrap there)."""
    if is_bullet(after["text"]):
        return True
    return _fits(before, after, right)


def _fits(before: dict[str, Any], after: dict[str, Any], right: float) -> bool:
    first_word = after["text"].split()[0]
    chars = [c for c in after["chars"] if c["text"].strip()]
    word_width = sum(c["x1"] - c["x0"] for c in chars[: len(first_word)])
    space = (chars[0]["x1"] - chars[0]["x0"]) * 0.6 if chars else 3.0
    return before["x1"] + space + word_width <= right - 1.0


def _goes_on(before: str, after: str) -> bool:
    return not before.rstrip().endswith(_SENTENCE_END) and after[:1].islower()


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()).lower())


def _furniture(pages: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Texts in the top or bottom margin that recur on most pages (numbers ignored)."""
    if len(pages) < 2:
        return set()
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({(_key(i["text"]), i["zone"]) for i in page["items"] if i["kind"] == "text" and i["zone"]})
    needed = max(2, len(pages) // 2)
    return {key for key, count in seen.items() if count >= needed}


def _read_page(page: Any) -> dict[str, Any]:
    height = float(page.height)
    found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    found = [t for t in found if len(t.rows) >= 1 and len(t.columns) >= 2]
    boxes = [t.bbox for t in found]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[dict[str, Any]] = []
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj))
    lines = text_page.extract_text_lines(return_chars=True, strip=True)
    heights = []
    for line in lines:
        text = line["text"]
        if not text.strip():
            continue
        zone = "top" if line["bottom"] < height * MARGIN else "bottom" if line["top"] > height * (1 - MARGIN) else ""
        chars = [c for c in line["chars"] if c["text"].strip()]
        bold = bool(chars) and all("bold" in str(c.get("fontname", "")).lower() for c in chars)
        items.append(
            {
                "kind": "text",
                "text": text,
                "top": float(line["top"]),
                "bottom": float(line["bottom"]),
                "zone": zone,
                "heading": bold and len(text) <= 80 and not text.rstrip().endswith("."),
                "first": False,
                "x1": float(line["x1"]),
                "chars": chars,
            }
        )
        heights.append(float(line["bottom"]) - float(line["top"]))
    for table in found:
        items.append({"kind": "table", "top": float(table.bbox[1]), "rows": _table_rows(page, table)})
    items.sort(key=lambda i: i["top"])
    body = [i for i in items if i["kind"] == "text" and not i["zone"]]
    if body:
        body[0]["first"] = True
    texts = [i for i in items if i["kind"] == "text" and not i["zone"]]
    gaps = [b["top"] - a["bottom"] for a, b in itertools.pairwise(texts) if b["top"] > a["bottom"] - 1]
    return {"items": items, "gaps": gaps, "heights": heights}


def _paragraph_gap(pages: list[dict[str, Any]]) -> float:
    """The vertical gap above which a new paragraph starts: the document's usual gap between the
    lines of a paragraph, plus half a line."""
    gaps = sorted(g for page in pages for g in page["gaps"])
    heights = [h for page in pages for h in page["heights"]]
    size = statistics.median(heights) if heights else 10.0
    usual = gaps[len(gaps) // 10] if gaps else 0.0
    return max(usual, 0.0) + 0.45 * size


def _table_rows(page: Any, table: Any) -> list[list[str]]:
    from pdfplumber.utils import cluster_objects, extract_text

    x0, top, x1, bottom = table.bbox
    chars = [
        c for c in page.chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    rows = []
    for row in table.rows:
        cells = []
        for box in row.cells:
            if box is None:
                cells.append("")
                continue
            inside = [
                c
                for c in chars
                if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2] and box[1] <= (c["top"] + c["bottom"]) / 2 <= box[3]
            ]
            lines = []
            for group in cluster_objects(inside, "top", 1.5):
                group = sorted(group, key=lambda c: c["x0"])
                glyphs = [c for c in group if c["text"].strip()]
                if glyphs:
                    text = extract_text(group).strip()
                    lines.append({"text": text, "x0": glyphs[0]["x0"], "x1": glyphs[-1]["x1"], "chars": glyphs})
            cells.append(_cell_text(lines, box))
        rows.append(cells)
    return rows


def _cell_text(lines: list[dict[str, Any]], box: tuple[float, float, float, float]) -> str:
    """A cell's text: wrapped lines joined by a space, hard line breaks kept as '\\n'."""
    lines = [line for line in lines if line["text"]]
    if not lines:
        return ""
    pad = max(0.0, min(line["x0"] for line in lines) - box[0])
    right = box[2] - pad
    out = lines[0]["text"]
    for before, after in itertools.pairwise(lines):
        out += ("\n" if _fits(before, after, right) else " ") + after["text"]
    return out
