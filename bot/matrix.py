"""Writing the training matrix (`rolebot matrix`): XLSX with two sheets, or CSV, every cell sourced.

    >>> matrix = build_matrix(load_knowledge().profiles)
    >>> write_xlsx(matrix, Path("matrix.xlsx"))      # Training and Competences sheets
    >>> write_csv(matrix, Path("matrix.csv"))        # one line per cell entry, both sheets

The matrix itself (rows grouped across templates by the comparisons' matcher) is built in
`bot.answering.matrix`, which the chat answers use too.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from .answering.matrix import Cell, Matrix, build_matrix, in_area

__all__ = ["build_matrix", "cell_text", "in_area", "write_csv", "write_xlsx"]

# -- writing ------------------------------------------------------------------------------------------

ROLE_COLUMNS = ("Role", "Area of work", "Level", "File")
SHEETS = (("training", "Training"), ("competences", "Competences"))


def cell_text(cells: Sequence[Cell]) -> str:
    """A role's cell: each of its wordings with its source."""
    return "\n".join(f"{c.text} [{c.where}]" for c in cells)


def write_xlsx(matrix: Matrix, path: Path) -> Path:
    """Two sheets, roles as rows and subjects as columns (header: heading, then the row's name),
    headers and role columns frozen, a filter on every column, widths that read."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for default in list(book.worksheets):  # the empty sheet a new workbook starts with
        book.remove(default)
    for key, title in SHEETS:
        sheet = book.create_sheet(title)
        groups = matrix.rows(key)
        sheet.append([*ROLE_COLUMNS, *(g.heading for g in groups)])
        sheet.append([*("" for _ in ROLE_COLUMNS), *(g.label for g in groups)])
        for p in matrix.roles:
            cells = (cell_text(g.cells.get(p.role, [])) for g in groups)
            sheet.append([p.role, p.area_of_work, p.level, p.file, *cells])
        bold = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        for row in sheet.iter_rows(min_row=1, max_row=2):
            for c in row:
                c.font = bold
                c.alignment = wrap
        for row in sheet.iter_rows(min_row=3):
            for c in row:
                c.alignment = wrap
        widths = (40, 28, 7, 36)
        for i in range(1, len(ROLE_COLUMNS) + len(groups) + 1):
            sheet.column_dimensions[get_column_letter(i)].width = widths[i - 1] if i <= len(widths) else 32
        sheet.freeze_panes = sheet.cell(row=3, column=2)  # the two header rows and the role's name
        last = get_column_letter(len(ROLE_COLUMNS) + len(groups))
        sheet.auto_filter.ref = f"A2:{last}{max(2, sheet.max_row)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


CSV_COLUMNS = ("sheet", "role", "area_of_work", "level", "heading", "row", "wording", "file", "where")


def write_csv(matrix: Matrix, path: Path) -> Path:
    """One line per cell entry (both sheets): the long form of the matrix, with every source."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for key, title in SHEETS:
            for g in matrix.rows(key):
                for p in matrix.roles:
                    for c in g.cells.get(p.role, []):
                        writer.writerow(
                            (title, p.role, p.area_of_work, p.level, g.heading, g.label, c.text, c.source.file, c.where)
                        )
    return path
