"""The two kinds of template table: competence tables and labelled-field tables.

Competence tables have three columns (underpinning principle, reference function, competence)
and leave the first two blank on continuation rows. PDF extraction also shifts cells: a function
in the principle column, a principle in the function column, a function on the row after the
competence it belongs to. Cells are therefore read by what they are (principles are numbered
"5. Quality" or lettered "H. Management ...", linked cells are competences), not only by position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .layout import UNFINISHED, Block
from .records import Competence, CompetenceSection, Field, Item, SourceRef, Warning, merge_sources

PRINCIPLE = re.compile(r"^(?:\d{1,2}\.?|[A-Z]\.)\s+[A-Z]")
_LINKED = re.compile(r"<a\b", re.IGNORECASE)


def is_table_header(block: Block) -> bool:
    text = block.text.lower()
    return block.is_row and "principle" in text and "competence" in text and len(text) < 80


def parse_competences(
    blocks: Sequence[Block],
    section: CompetenceSection,
    section_title: str,
    source: Callable[[Block], SourceRef],
) -> tuple[list[Competence], list[Warning]]:
    """The competences of one competence section, in document order."""
    found: list[tuple[list[Block], str, str, str]] = []
    warnings: list[Warning] = []
    principle, function = "", ""
    pending: list[int] = []  # indexes into `found` still waiting for their function
    principle_line = 0
    principle_has_entry = True

    def settle_pending(new_function: str, line: int) -> None:
        for index in pending:
            rows, p, _, title = found[index]
            found[index] = (rows, p, new_function, title)
            if new_function:
                warnings.append(
                    Warning(
                        f"competence '{title}' has no reference function on its row; took"
                        f" '{new_function}' from line {line}",
                        rows[0].first,
                    )
                )
            else:
                warnings.append(Warning(f"competence '{title}' has no reference function", rows[0].first))
        pending.clear()

    for block in blocks:
        if not block.is_row or is_table_header(block):
            continue
        cells = [cell.replace("\n", " ") for cell in block.cells]
        raw = block.raw_cells
        entries = [(pos, text) for pos, text in enumerate(cells) if text]
        principles = [(pos, text) for pos, text in entries if PRINCIPLE.match(text)]
        others = [(pos, text) for pos, text in entries if not PRINCIPLE.match(text)]
        if found and _continues_title(entries, found[-1][3]):
            # The rest of the title above, on a row of its own (a PDF or Word table row, or a text
            # row whose other cells are empty): one competence, as when the text wraps it.
            rows, p, f, title = found[-1]
            found[-1] = ([*rows, block], p, f, f"{title} {entries[0][1]}")
            continue
        if principles:
            settle_pending("", block.first)
            if not principle_has_entry:
                warnings.append(Warning(f"principle '{principle}' lists no competence", principle_line))
            pos, principle = principles[0]
            function, principle_line, principle_has_entry = "", block.first, False
            if pos != 0:
                warnings.append(Warning(f"principle '{principle}' stands in column {pos + 1}; realigned", block.first))
        linked = [(pos, text) for pos, text in others if pos < len(raw) and _LINKED.search(raw[pos])]
        title = ""
        if linked:
            title = linked[-1][1]
            rest = [text for pos, text in others if (pos, text) != linked[-1]]
            new_function = rest[-1] if rest else ""
        elif len(others) >= 2:
            new_function, title = others[-2][1], others[-1][1]
        elif len(others) == 1 and (others[0][0] >= 2 or (principles and others[0][0] > principles[0][0])):
            title, new_function = others[0][1], ""
        elif len(others) == 1:
            new_function = others[0][1]
        else:
            new_function = ""
        if new_function:
            function = new_function
            if pending:
                settle_pending(function, block.first)
        if title:
            found.append(([block], principle, function, title))
            principle_has_entry = True
            if not function:
                pending.append(len(found) - 1)
    settle_pending("", 0)
    if not principle_has_entry:
        warnings.append(Warning(f"principle '{principle}' lists no competence", principle_line))
    competences = [
        Competence(
            section,
            section_title,
            p,
            f,
            t,
            merge_sources([source(b) for b in rows]) if len(rows) > 1 else source(rows[0]),
        )
        for rows, p, f, t in found
    ]
    return competences, warnings


def _continues_title(entries: list[tuple[int, str]], title: str) -> bool:
    """A row holding only text in the competence column that goes on from the title above: it
    starts in lower case, or the title stops mid-phrase ('... support to address')."""
    if len(entries) != 1:
        return False
    pos, text = entries[0]
    if pos < 2 or PRINCIPLE.match(text):
        return False
    return text[:1].islower() or bool(UNFINISHED.search(title))


KeyMap = Sequence[tuple[str, str]]


def field_key(label: str, keys: KeyMap) -> str:
    for key, pattern in keys:
        if re.search(pattern, label, re.IGNORECASE):
            return key
    return "_".join(re.findall(r"[a-z0-9]+", label.lower()))[:40] or "field"


def parse_fields(
    blocks: Sequence[Block],
    keys: KeyMap,
    source: Callable[[Sequence[Block]], SourceRef],
    split: Callable[[str, str, SourceRef], tuple[Item, ...]] | None = None,
    listed: frozenset[str] = frozenset(),
) -> list[Field]:
    """Labelled rows: 'Label<TAB>value'. A row followed by rows with an empty first cell is a
    group ('Formal endorsed learning' -> Title, Awarding body, Credit, Level). Keys in `listed`
    get their value split into items with `split`."""
    rows = [b for b in blocks if b.is_row and not is_table_header(b)]
    fields: list[Field] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        cells = row.cells
        group = [row]
        while i + 1 < len(rows) and rows[i + 1].cells and not rows[i + 1].cells[0]:
            i += 1
            group.append(rows[i])
        # A value that wrapped onto a line of its own which kept a tab (so it reads as a row): it
        # goes on in the first cell, which is no label of the table.
        wrapped: list[Block] = []
        while len(group) == 1 and any(cells[1:]) and i + 1 < len(rows) and _wraps_on(rows[i + 1], keys):
            i += 1
            wrapped.append(rows[i])
        i += 1
        label = _flat(cells[0]) if cells else ""
        if not label:
            label = "(unlabelled)"
        key = field_key(label, keys)
        if len(group) > 1:
            parts = tuple(_part(r.cells[1:] if r is not row else cells[1:], key, r, source) for r in group)
            fields.append(Field(key, label, "", source(group), parts=parts))
            continue
        # A '\n' in a cell is a line break the document's author made: it separates list items.
        # A wrapped line is no such break: it goes on after a space.
        broken = " ".join([c for c in cells[1:] if c] + [r.cells[0] for r in wrapped])
        group += wrapped
        value = _flat(broken)
        src = source(group)
        items = split(key, broken, src) if split and key in listed and value else ()
        fields.append(Field(key, label, value, src, items=items))
    return fields


def _wraps_on(row: Block, keys: KeyMap) -> bool:
    """A row whose only text is in its first cell, and that text goes on in lower case (no label
    does) or names none of the table's fields."""
    cells = row.cells
    if not cells or not cells[0] or any(cells[1:]):
        return False
    if cells[0][:1].islower():
        return True
    return not any(re.search(pattern, cells[0], re.IGNORECASE) for _, pattern in keys)


def _part(
    cells: Sequence[str],
    parent: str,
    row: Block,
    source: Callable[[Sequence[Block]], SourceRef],
) -> Field:
    label = _flat(cells[0]) if cells else ""
    value = _flat(" ".join(c for c in cells[1:] if c))
    return Field(f"{parent}.{field_key(label, ())}", label, value, source([row]))


def _flat(text: str) -> str:
    return text.replace("\n", " ")
