"""PDF and Word templates parse to the same records as their text (rendered here, at test time)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from knowledge import TemplateError, default_dir, load_knowledge, parse_template
from knowledge.errors import NotATemplateError
from knowledge.records import ParsedTemplate
from knowledge.serialize import profile_to_dict

from .conftest import ENGAGEMENT_WORKER, STRATEGIC_MANAGER
from .documents import header_for, to_docx, to_pdf

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures" / "templates"
SHIPPED = [ENGAGEMENT_WORKER, STRATEGIC_MANAGER]
SOURCE_KEYS = {"source", "sources", "title_source", "file"}


def without_sources(data: Any) -> Any:
    """The records with every source reference (and the file name) left out."""
    if isinstance(data, dict):
        return {k: without_sources(v) for k, v in data.items() if k not in SOURCE_KEYS}
    if isinstance(data, list):
        return [without_sources(v) for v in data]
    return data


def placeless(message: str) -> str:
    """A warning without the place it names ('from line 173' / 'from a later row (page 5)')."""
    return re.sub(r"\bfrom (?:line \d+|a later row(?: \([^)]*\))?)", "from a later row", message)


def records(parsed: ParsedTemplate) -> dict[str, Any]:
    data = json.loads(json.dumps(profile_to_dict(parsed.profile)))
    # Warnings name places in the file they came from; the messages must still be the same.
    data["warnings"] = [placeless(w["message"]) for w in data["warnings"]]
    data["general"] = [p.text for p in parsed.general]
    return without_sources(data)


def golden_records(name: str) -> dict[str, Any]:
    golden = json.loads((GOLDEN / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
    golden["warnings"] = [placeless(w["message"]) for w in golden["warnings"]]
    golden["general"] = [p.text for p in parse_template((default_dir() / name).read_bytes(), name).general]
    return without_sources(golden)


_rendered: dict[tuple[str, str], bytes] = {}


def rendered(path: Path, kind: str) -> bytes:
    """The template at `path` as a PDF or a Word file (rendered once per session)."""
    key = (str(path), kind)
    if key not in _rendered:
        text = path.read_text(encoding="utf-8")
        _rendered[key] = to_pdf(text, header_for(text)) if kind == "pdf" else to_docx(text)
    return _rendered[key]


_parsed: dict[tuple[str, str], ParsedTemplate] = {}


def parse_rendered(path: Path, kind: str) -> ParsedTemplate:
    key = (str(path), kind)
    if key not in _parsed:
        _parsed[key] = parse_template(rendered(path, kind), f"{path.stem}.{kind}")
    return _parsed[key]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("name", SHIPPED)
def test_pdf_and_word_renderings_parse_to_the_golden_records(name: str, kind: str) -> None:
    parsed = parse_rendered(default_dir() / name, kind)
    got, expected = records(parsed), golden_records(name)
    for key in expected:  # one key at a time: a failure names the part that differs
        assert got[key] == expected[key], key
    assert got == expected
    assert parsed.profile.file == f"{Path(name).stem}.{kind}"


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_citations_name_the_page_or_the_table(kind: str) -> None:
    parsed = parse_rendered(default_dir() / ENGAGEMENT_WORKER, kind)
    profile = parsed.profile
    unit = "page" if kind == "pdf" else "table"
    for competence in profile.competences:
        assert re.fullmatch(rf"{unit}s? \d+(-\d+)?", competence.source.location), competence.source
        assert competence.source.file == profile.file
        assert competence.title in competence.source.text
    informal = profile.learning_field("informal")
    assert informal is not None and informal.source.location.startswith(unit)
    # Warnings say where, in the document's own terms.
    realigned = next(w for w in profile.warnings if "realigned" in w.message)
    assert re.fullmatch(rf"{unit} \d+", realigned.location)
    assert any(re.search(rf"from a later row \({unit} \d+\)", w.message) for w in profile.warnings)
    if kind == "pdf":
        assert all(re.fullmatch(r"pages? \d+(-\d+)?", p.source.location) for p in profile.scope)
        assert profile.competences[0].source.label == f"{profile.file}, {profile.competences[0].source.location}"


def test_the_pdf_has_wrapped_cells_a_table_over_a_page_break_and_page_footers() -> None:
    import pdfplumber

    data = rendered(default_dir() / ENGAGEMENT_WORKER, "pdf")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        texts = [page.extract_text() for page in pdf.pages]
        cells = [cell or "" for page in pdf.pages for t in page.extract_tables() for row in t for cell in row]
    # The rendering is what the test claims: footers, wrapped principle cells, a table over a page.
    assert all(f"Page {n} of {pages}" in text for n, text in enumerate(texts, start=1))
    assert any(c.replace("\n", " ").startswith("D. Information Management") and "\n" in c for c in cells)
    parsed = parse_rendered(default_dir() / ENGAGEMENT_WORKER, "pdf").profile
    for section in ("core", "role-specific"):
        pages_of = {c.source.location for c in parsed.competences_in(section)}
        if len(pages_of) > 1:
            break
    else:
        pytest.fail("no competence table runs over a page break")
    wrapped = next(c for c in parsed.competences if c.principle.startswith("D. "))
    assert wrapped.principle == "D. Information Management / Information and Communication Technology"
    everything = json.dumps(profile_to_dict(parsed))
    assert "Page 2 of" not in everything and "Transferable Role Profile - " not in everything


def test_the_word_file_has_a_merged_principle_cell() -> None:
    data = rendered(default_dir() / ENGAGEMENT_WORKER, "docx")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert xml.count('w:vMerge w:val="restart"') >= 3 and "<w:vMerge/>" in xml
    profile = parse_rendered(default_dir() / ENGAGEMENT_WORKER, "docx").profile
    carried = [c for c in profile.competences if c.principle == "1. Communication" and c.section == "role-specific"]
    assert len(carried) == 6  # the merged cell's principle applies to every row it spans


def fixture_templates() -> list[Path]:
    return sorted(FIXTURES.glob("*.*")) if FIXTURES.is_dir() else []


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("path", fixture_templates(), ids=lambda p: p.name)
def test_extra_fixture_templates_parse_the_same_from_pdf_and_word(path: Path, kind: str) -> None:
    text = parse_template(path.read_bytes(), path.name)
    assert records(parse_rendered(path, kind)) == records(text)


def _cell_list_template(separator: str) -> str:
    """The engagement worker template with informal learning written as a list in its cell."""
    text = (default_dir() / ENGAGEMENT_WORKER).read_text(encoding="utf-8")
    items = ["basic life support", "fire safety awareness", "conflict resolution"]
    return re.sub(r"(?m)^(Informal learning\t).*$", lambda m: m.group(1) + separator.join(items), text, count=1)


@pytest.mark.parametrize("kind", ["pdf", "docx", "txt"])
def test_lists_inside_a_cell_split_at_semicolons(kind: str, tmp_path: Path) -> None:
    text = _cell_list_template("; ")
    if kind == "txt":
        parsed = parse_template(text, "t.txt")
    else:
        path = tmp_path / "t.txt"
        path.write_text(text, encoding="utf-8")
        parsed = parse_rendered(path, kind)
    informal = parsed.profile.learning_field("informal")
    assert informal is not None
    assert informal.value == "basic life support; fire safety awareness; conflict resolution"
    assert [i.text for i in informal.items] == ["basic life support", "fire safety awareness", "conflict resolution"]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_lists_inside_a_cell_split_at_line_breaks(kind: str, tmp_path: Path) -> None:
    # Lower-case items: only the author's line breaks tell them apart.
    path = tmp_path / "t.txt"
    path.write_text(_cell_list_template("<br>"), encoding="utf-8")
    informal = parse_rendered(path, kind).profile.learning_field("informal")
    assert informal is not None
    assert informal.value == "basic life support fire safety awareness conflict resolution"
    assert [i.text for i in informal.items] == ["basic life support", "fire safety awareness", "conflict resolution"]


def test_a_scanned_pdf_is_named_and_skipped(tmp_path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(image)
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(str(image), x=10, y=10, w=180)
    with pytest.raises(TemplateError, match=r"no text layer in 2 page\(s\): a scanned PDF\? rolebot does no OCR"):
        parse_template(bytes(pdf.output()), "scan.pdf")
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(bytes(pdf.output()))
    (folder / ENGAGEMENT_WORKER).write_bytes((default_dir() / ENGAGEMENT_WORKER).read_bytes())
    kb = load_knowledge(folder)
    report = kb.file("scan.pdf")
    assert report is not None and report.status == "skipped" and "no text layer" in report.reason
    assert [p.file for p in kb.profiles] == [ENGAGEMENT_WORKER]


def test_other_documents_are_not_role_profile_templates(tmp_path: Path) -> None:
    import docx

    advert = docx.Document()
    advert.add_heading("Job advert: Engagement Worker", level=1)
    advert.add_paragraph("We are looking for an engagement worker to join our Liaison and Diversion team.")
    table = advert.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Salary", "Band 4"
    table.cell(1, 0).text, table.cell(1, 1).text = "Closing date", "1 March 2026"
    out = io.BytesIO()
    advert.save(out)
    with pytest.raises(NotATemplateError):
        parse_template(out.getvalue(), "advert.docx")
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "advert.docx").write_bytes(out.getvalue())
    (folder / ENGAGEMENT_WORKER).write_bytes((default_dir() / ENGAGEMENT_WORKER).read_bytes())
    report = load_knowledge(folder).file("advert.docx")
    assert report is not None and report.status == "not-a-template"
    assert report.reason.startswith("not a role profile template")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("damaged.pdf", b"%PDF-1.7\n1 0 obj\n<<", "the PDF cannot be read"),
        ("letter.pdf", b"Dear colleague", "not a PDF file"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old binary Word .doc"),
        ("damaged.docx", b"PK\x03\x04 broken", "the Word file cannot be read"),
        ("empty.pdf", b"", "the file is empty"),
    ],
)
def test_damaged_documents_get_a_clear_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(reason)) as caught:
        parse_template(data, name)
    assert str(caught.value).startswith(f"{name}: ")


def test_a_row_split_by_a_page_break_is_joined_again() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=9)

    def table(rows: list[list[str]]) -> None:
        with pdf.table(width=120, col_widths=(30, 40, 50), first_row_as_headings=False) as t:
            for cells in rows:
                row = t.row()
                for cell in cells:
                    row.cell(cell)

    header = ["Underpinning Principles", "Reference Function", "Competence"]
    pdf.add_page()
    table([header, ["C. Health Promotion", "Respond to and manage challenging behaviour", "Plan, monitor and review"]])
    pdf.add_page()  # Word lets a row break across pages: its cells go on at the top of the next one
    table([header, ["", "", "integrated packages of support"], ["", "", "Model pro-social behaviour"]])
    from knowledge.pdf import read_pdf

    lines, reading = read_pdf(bytes(pdf.output()), "split.pdf")
    rows = [line.cells for line in lines if line.is_row]
    assert rows == [
        ("Underpinning Principles", "Reference Function", "Competence"),
        (
            "C. Health Promotion",
            "Respond to and manage challenging behaviour",
            "Plan, monitor and review integrated packages of support",
        ),
        ("", "", "Model pro-social behaviour"),
    ]
    assert reading.pages == 2 and reading.tables == 2


def test_word_text_inside_content_controls_is_read() -> None:
    import docx
    from docx.oxml import parse_xml

    data = rendered(default_dir() / ENGAGEMENT_WORKER, "docx")
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    # Wrap the title page (everything before 'Contents') in a content control, as cover pages are.
    first = [child for child in body.iterchildren()][:12]
    assert any("Transferable Role Profile Template" in "".join(c.itertext()) for c in first)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    sdt = parse_xml(f'<w:sdt xmlns:w="{w}"><w:sdtPr/><w:sdtContent/></w:sdt>')
    first[0].addprevious(sdt)
    content = sdt[1]
    for child in first:
        content.append(child)
    out = io.BytesIO()
    document.save(out)
    profile = parse_template(out.getvalue(), "cover.docx").profile
    assert (profile.short_name, profile.status, profile.date) == ("Engagement Worker", "Revised", "February 2023")


def test_a_password_protected_pdf_gets_a_clear_reason() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 5, "Basic Information")
    with pytest.raises(TemplateError, match="password protected; save an unprotected copy"):
        parse_template(bytes(pdf.output()), "locked.pdf")


def test_a_pdf_whose_tables_have_no_borders_gets_a_clear_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from fpdf import FPDF

    table = FPDF.table

    def borderless(self: FPDF, *args: Any, **kwargs: Any) -> Any:
        return table(self, *args, **{**kwargs, "borders_layout": "NONE"})

    monkeypatch.setattr(FPDF, "table", borderless)
    text = (default_dir() / ENGAGEMENT_WORKER).read_text(encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        parse_template(to_pdf(text, header_for(text)), "borderless.pdf")
    message = str(caught.value)
    assert message.startswith("borderless.pdf: Basic Information has no 'Named Role' (page ")
    assert "no table with borders was found in the PDF: save the template as Word" in message


def test_pdf_and_word_cells_decode_html_entities() -> None:
    from knowledge.document import LineBuilder

    builder = LineBuilder()
    builder.row(["6. Equality &amp; Diversity", "Uphold the rights of individuals\nand groups"], ("table", 3))
    (line,) = builder.lines
    assert line.cells == ("6. Equality & Diversity", "Uphold the rights of individuals\nand groups")
    assert line.text == "6. Equality & Diversity Uphold the rights of individuals and groups"
