"""The invented family (`tests/fixtures/family/`) parses to its EXPECTED files in every format.

Each template there has `<name>.expected.json` beside it, written by hand from the template as a
person reading it would record it: the role, area, level and status, every competence (section,
principle, function, title), the experience items, every learning and CPD field (list fields as
items) and the references. The text or markdown file is parsed as it is, and as a PDF and a Word
file rendered from it (`tests/documents.py`), so .txt, .md, .pdf and .docx are all covered.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from knowledge import load_knowledge, parse_template
from knowledge.records import Field, RoleProfile

from .documents import header_for, to_docx, to_pdf
from .layouts import to_markdown, to_plain

FAMILY = Path(__file__).parent / "fixtures" / "family"
TEMPLATES = sorted(p for p in FAMILY.glob("*.*") if p.suffix in (".txt", ".md"))
KINDS = ("text", "pdf", "docx")


@cache
def parsed(path: Path, kind: str) -> RoleProfile:
    text = path.read_text(encoding="utf-8")
    if kind == "pdf":
        return parse_template(to_pdf(text, header_for(text)), f"{path.stem}.pdf").profile
    if kind == "docx":
        return parse_template(to_docx(text), f"{path.stem}.docx").profile
    return parse_template(text.encode("utf-8"), path.name).profile


def _field(field: Field, listed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"key": field.key, "label": field.label}
    if field.parts:
        out["parts"] = [{"label": part.label, "value": part.value} for part in field.parts]
    elif listed:
        out["items"] = [item.text for item in field.items]
    else:
        out["value"] = field.value
    return out


def recorded(profile: RoleProfile, file: str) -> dict[str, Any]:
    """The profile in the EXPECTED files' shape."""
    listed = {"informal", "statutory_mandatory"}
    return {
        "file": file,
        "role": profile.role,
        "short_name": profile.short_name,
        "area_of_work": profile.area_of_work,
        "level": profile.level,
        "status": profile.status,
        "date": profile.date,
        "publisher": profile.publisher,
        "competence_counts": {
            s: len(profile.competences_in(s)) for s in ("core", "role-specific", "locality-specific")
        },
        "competences": [
            {"section": c.section, "principle": c.principle, "function": c.function, "title": c.title}
            for c in profile.competences
        ],
        "experience_items": [{"text": e.text, "kind": e.kind} for e in profile.experience_items],
        "learning": [_field(f, f.key in listed) for f in profile.learning],
        "cpd": [_field(f, f.key in listed) for f in profile.cpd],
        "references": [r.text for r in profile.references],
    }


def leaves(data: Any, path: str = "") -> dict[str, Any]:
    """Every field of a record as 'path -> value', so that two records compare field by field."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(leaves(value, f"{path}.{key}" if path else key))
        return out
    if isinstance(data, list):
        out = {f"{path}#": len(data)}
        for n, value in enumerate(data):
            out.update(leaves(value, f"{path}[{n}]"))
        return out
    return {path: data}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    want, got = leaves(expected), leaves(actual)
    return [
        f"{key}: expected {want[key]!r}, parsed {got.get(key, '<missing>')!r}"
        for key in want
        if want[key] != got.get(key, "<missing>")
    ]


def expected_for(path: Path) -> dict[str, Any]:
    expected: dict[str, Any] = json.loads((FAMILY / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    return expected


def test_the_family_is_there_and_varied() -> None:
    expected = [expected_for(p) for p in TEMPLATES]
    assert len(expected) >= 8
    assert {e["level"] for e in expected} == set(range(2, 10))
    assert {p.suffix for p in TEMPLATES} == {".txt", ".md"}
    kb = load_knowledge(FAMILY)  # as an organisation's folder: the EXPECTED files are not templates
    assert not kb.errors and len(kb.profiles) == len(TEMPLATES)
    assert [w.message for p in kb.profiles for w in p.warnings] == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_a_family_template_parses_to_its_expected_record(path: Path, kind: str) -> None:
    expected = expected_for(path)
    actual = recorded(parsed(path, kind), expected["file"])
    assert differences(expected, actual) == []


def _other_layouts() -> list[tuple[Path, str]]:
    """Each text template as markdown (tab rows and pipe tables); each markdown one with tab rows
    as plain text (to_plain rewrites tab rows only, so pipe-table templates are left out)."""
    out = []
    for path in TEMPLATES:
        if path.suffix == ".txt":
            out += [(path, "markdown"), (path, "pipes")]
        elif "\t" in path.read_text(encoding="utf-8"):
            out.append((path, "plain"))
    return out


@pytest.mark.parametrize(("path", "layout"), _other_layouts(), ids=lambda v: getattr(v, "stem", v))
def test_a_family_template_parses_the_same_in_another_layout(path: Path, layout: str) -> None:
    text = path.read_text(encoding="utf-8")
    rewritten = to_plain(text) if layout == "plain" else to_markdown(text, pipes=layout == "pipes")
    expected = expected_for(path)
    actual = recorded(parse_template(rewritten, expected["file"]).profile, expected["file"])
    assert differences(expected, actual) == []
