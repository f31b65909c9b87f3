"""Rewrite a template in another layout (as a different PDF extraction would), for tests."""

from __future__ import annotations

import re

from knowledge.layout import is_known_heading
from knowledge.text import clean, split_lines


def to_plain(text: str) -> str:
    """Markdown/HTML layout -> plain text with tab-separated rows."""
    out = []
    for line in text.split("\n"):
        if "\t" in line:
            out.append("\t".join(clean(cell) for cell in line.split("\t")))
        else:
            out.append(clean(re.sub(r"^#{1,6}\s+", "", line)))
    return "\n".join(out)


def to_markdown(text: str, pipes: bool = False) -> str:
    """Plain layout -> markdown headings, bold labels and linked competences (or pipe tables)."""
    out = []
    in_competences = False
    for line in split_lines(text):
        if not line.is_row and is_known_heading(line):
            in_competences = line.text.rstrip(":").lower().endswith(("competences", "roles"))
            out.append(f"## {line.raw}")
        elif line.is_row:
            cells = line.raw.split("\t")
            if in_competences and len(cells) >= 3 and cells[2] and "Competence" not in cells[2]:
                cells[2] = f'<a href="#">{cells[2]}</a>'
            elif not in_competences and cells[0]:
                cells[0] = f"<b>{cells[0]}</b>"
            out.append("| " + " | ".join(cells) + " |" if pipes else "\t".join(cells))
        else:
            out.append(line.raw)
    return "\n".join(out)
