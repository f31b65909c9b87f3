from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest

from knowledge import TemplateError, default_dir, parse_template
from knowledge.records import RoleProfile
from knowledge.serialize import profile_to_dict
from knowledge.text import clean

from .conftest import ENGAGEMENT_WORKER, STRATEGIC_MANAGER
from .layouts import to_markdown, to_plain

GOLDEN = Path(__file__).parent / "golden"


def parse(name: str) -> RoleProfile:
    return parse_template((default_dir() / name).read_bytes(), name).profile


@pytest.mark.parametrize("name", [ENGAGEMENT_WORKER, STRATEGIC_MANAGER])
def test_profile_matches_reviewed_golden_file(name: str) -> None:
    # The golden files were checked by hand against the templates; regenerate only after review.
    expected = json.loads((GOLDEN / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(profile_to_dict(parse(name)))) == expected


def test_basic_information_and_title_page() -> None:
    ew, sm = parse(ENGAGEMENT_WORKER), parse(STRATEGIC_MANAGER)
    assert (ew.role, ew.short_name, ew.level) == (
        "Liaison and Diversion Service Engagement Worker",
        "Engagement Worker",
        4,
    )
    assert (sm.role, sm.short_name, sm.level) == (
        "Liaison and Diversion Strategic Manager",
        "Strategic Manager",
        8,
    )
    assert (sm.status, sm.date, sm.publisher) == ("Final", "February 2023", "Skills for Health")
    assert (ew.status, ew.date) == ("Revised", "February 2023")
    assert sm.area_of_work == "Liaison and Diversion Service"
    assert "Expert Reference Working Group" in ew.developed_with


def test_level_comes_from_basic_information_and_wrong_headings_are_flagged() -> None:
    sm = parse(STRATEGIC_MANAGER)
    assert sm.level == 8
    assert sm.competence_section_titles["core"] == "Common/Core Competences for all Level 7 Roles"
    assert any("says level 7" in w.message and w.line == 123 for w in sm.warnings)
    ew = parse(ENGAGEMENT_WORKER)
    assert ew.level == 4 and any("says level 3" in w.message for w in ew.warnings)


def test_experience_is_split_with_original_wording() -> None:
    ew = parse(ENGAGEMENT_WORKER)
    assert [(i.kind, i.text) for i in ew.experience_items] == [
        (
            "experience",
            "Previous experience of working with adults or young people with identified health needs"
            " e.g. learning disabilities, substance misuse, mental health",
        ),
        ("qualification", "Level 3 NVQ/Diploma in Health and/or Social Care or equivalent experience."),
        ("vetting", "DBS clearance or vetting, where appropriate."),
    ]
    sm = parse(STRATEGIC_MANAGER)
    assert [i.kind for i in sm.experience_items] == ["experience", "qualification", "experience", "vetting"]


def test_competences_carry_principle_and_function_down_across_page_breaks() -> None:
    sm = parse(STRATEGIC_MANAGER)
    counts = {s: len(sm.competences_in(s)) for s in ("core", "role-specific", "locality-specific")}
    assert counts == {"core": 22, "role-specific": 31, "locality-specific": 0}
    budgets = next(c for c in sm.competences if c.title == "Manage budgets")
    # After the repeated table header the principle carries on from the previous page.
    assert (budgets.principle, budgets.function) == ("H. Management and Administration", "Manage a budget")
    assert budgets.source.section == "The National Occupational Standards > Role Specific Competences"
    quality = next(c for c in sm.competences if c.title == "Act within the limits of your competence and authority")
    assert quality.principle == "5. Quality"


def test_misaligned_rows_land_in_the_right_group() -> None:
    sm = parse(STRATEGIC_MANAGER)
    # A reference function standing in the principle column.
    cpd = next(c for c in sm.competences if c.title.startswith("Take responsibility for the continuing"))
    assert cpd.principle == "2. Personal and People Development"
    assert cpd.function == "Support the development of knowledge and practice of individuals"
    audits = next(c for c in sm.competences if c.title == "Carry out quality audits")
    assert (audits.principle, audits.function) == ("5. Quality", "Undertake the audit/inspection process")
    ew = parse(ENGAGEMENT_WORKER)
    # A principle standing in the function column, its function on the next row.
    ensure = next(c for c in ew.competences if c.title.startswith("Ensure health and safety requirements"))
    lone = next(c for c in ew.competences if c.title == "Manage lone workers")
    for competence in (ensure, lone):
        assert competence.principle == "3. Health, Safety and Security"
        assert competence.function == "Promote safe and effective working"
    assert any("realigned" in w.message and w.line == 172 for w in ew.warnings)


def test_learning_items_stay_whole() -> None:
    sm, ew = parse(STRATEGIC_MANAGER), parse(ENGAGEMENT_WORKER)
    sm_informal = [i.text for i in sm.learning_field("informal").items]
    assert "Safeguarding (Level 3)" in sm_informal
    assert "Equality, Diversity and Inclusion" in sm_informal
    assert len(sm_informal) == 11
    ew_informal = [i.text for i in ew.learning_field("informal").items]
    assert "PREVENT training or WRAP" in ew_informal
    assert "Introduction to the Criminal Justice System" in ew_informal
    assert [i.text for i in ew.cpd_field("statutory_mandatory").items] == [
        "Safeguarding",
        "Data Protection",
        "Information Governance",
    ]


def test_blank_fields_are_kept_blank() -> None:
    sm = parse(STRATEGIC_MANAGER)
    statutory = sm.cpd_field("statutory_mandatory")
    assert statutory is not None and statutory.is_blank and statutory.items == ()
    formal = sm.cpd_field("formal_endorsed")
    assert [p.label for p in formal.parts] == ["Title", "Awarding body", "Credit", "Level"]
    assert formal.is_blank
    assert sm.learning_field("formal_endorsed").is_blank
    assert sm.competences_in("locality-specific") == ()
    assert "locality-specific" in sm.competence_section_titles


def test_cpd_fields() -> None:
    ew = parse(ENGAGEMENT_WORKER)
    assert ew.cpd_field("impact_method").value == "Annual appraisal"
    assert ew.cpd_field("funding").value == "Dependent upon agreed CPD plan and negotiated locally"
    assert ew.cpd_field("frequency").value.startswith("Annual learning needs will be identified")
    assert ew.cpd_field("frequency").label.startswith("Frequency required")
    assert len(ew.references) == 4


@pytest.mark.parametrize("name", [ENGAGEMENT_WORKER, STRATEGIC_MANAGER])
def test_every_record_is_verbatim_at_its_source(name: str, templates: dict[str, str]) -> None:
    lines = templates[name].split("\n")
    profile = parse(name)
    records: list[tuple[str, Any]] = [(c.title, c.source) for c in profile.competences]
    records += [(i.text, i.source) for i in profile.experience_items]
    for field in (*profile.learning, *profile.cpd, *profile.basic_information):
        records += [(i.text, i.source) for i in field.items]
        records += [(field.label, field.source), (field.value, field.source)]
    records += [(r.text, r.source) for r in profile.references]
    records += [(p.text, p.source) for p in (*profile.scope, *profile.level_descriptor, *profile.notes)]
    assert len(records) >= 100  # a floor, so a parse that loses records cannot pass vacuously
    for text, source in records:
        assert source.file == name
        assert source.text == "\n".join(lines[source.line_start - 1 : source.line_end])
        assert text in clean(source.text.replace("\n", " ").replace("\t", " ")), (text, source.label)


def _comparable(profile: RoleProfile) -> Any:
    """The records without where they came from (file, lines, raw text, warnings' line numbers)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"source", "title_source", "file", "warnings"}}
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        return value

    return strip(asdict(replace(profile, file="")))


@pytest.mark.parametrize(
    ("name", "rewrite"),
    [
        (STRATEGIC_MANAGER, to_plain),
        (ENGAGEMENT_WORKER, to_markdown),
        (ENGAGEMENT_WORKER, lambda text: to_markdown(text, pipes=True)),
        (STRATEGIC_MANAGER, lambda text: to_markdown(to_plain(text), pipes=True)),
    ],
)
def test_other_layouts_yield_the_same_records(name: str, rewrite: Any, templates: dict[str, str]) -> None:
    original = parse(name)
    rewritten = parse_template(rewrite(templates[name]), "rewritten.md").profile
    assert _comparable(rewritten) == _comparable(original)
    assert len(rewritten.competences) == len(original.competences)


# -- broken inputs ------------------------------------------------------------------------------


def test_empty_file_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match="empty"):
        parse_template(b"", "empty.txt")
    with pytest.raises(TemplateError, match="empty"):
        parse_template(b"  \n\n\t\n", "blank.txt")


def test_binary_junk_is_refused() -> None:
    with pytest.raises(TemplateError, match="not a text file"):
        parse_template(bytes(range(256)) * 4, "junk.txt")
    with pytest.raises(TemplateError, match="not UTF-8") as info:
        parse_template(b"Named Role\tX\n\xff\xfe\xfa broken", "latin.txt")
    assert info.value.line == 2


def test_file_without_basic_information_is_refused(templates: dict[str, str]) -> None:
    text = templates[ENGAGEMENT_WORKER]
    without = text.replace("Basic Information", "Some Other Heading")
    with pytest.raises(TemplateError, match="Basic Information"):
        parse_template(without, "no-basic.txt")
    with pytest.raises(TemplateError, match="Basic Information"):
        parse_template("Just some notes about a role.\n", "notes.txt")


def test_windows_line_endings_and_bom_parse_the_same(templates: dict[str, str]) -> None:
    text = templates[STRATEGIC_MANAGER]
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    windows = parse_template(data, STRATEGIC_MANAGER).profile
    original = parse(STRATEGIC_MANAGER)
    assert _comparable(windows) == _comparable(original)
    assert windows.competences[0].source.line_start == original.competences[0].source.line_start


def test_truncated_table_keeps_what_is_there_and_warns(templates: dict[str, str]) -> None:
    lines = templates[ENGAGEMENT_WORKER].split("\n")
    cut = next(i for i, line in enumerate(lines) if line.startswith("A. Assessment"))
    truncated = "\n".join([*lines[:cut], "B. Health Intervention\t"])
    profile = parse_template(truncated, "truncated.txt").profile
    assert len(profile.competences_in("core")) == 14
    assert profile.competences[-1].title == "Maintain an effective relationship with the client"
    messages = " | ".join(w.message for w in profile.warnings)
    assert "'B. Health Intervention' lists no competence" in messages
    for missing in (
        "Indicative Learning and Development",
        "Continuing Professional Development",
        "References",
    ):
        assert missing in messages
    assert "no locality-specific competence section" in messages


def test_missing_level_is_an_error_but_title_page_level_is_a_fallback(templates: dict[str, str]) -> None:
    text = templates[ENGAGEMENT_WORKER].replace("Career Framework Level\tLevel 4\n", "")
    profile = parse_template(text, "x.txt").profile
    assert profile.level == 4
    assert any("title page" in w.message for w in profile.warnings)
    with pytest.raises(TemplateError, match="career framework level"):
        parse_template(text.replace("Career Framework Level 4", "Career Framework"), "y.txt")


def test_page_footers_and_wrapped_principles_inside_a_table(templates: dict[str, str]) -> None:
    # As a PDF extraction leaves them: 'Page 9 of 16' between two rows, and a principle that wrapped
    # onto a line of its own ("... / Information and" then "Communication Technology").
    text = templates[ENGAGEMENT_WORKER]
    row = "D. Information Management / Information and Communication Technology\tMaintain information/record systems"
    assert row in text
    text = text.replace(
        row,
        "D. Information Management / Information and\tMaintain information/record systems",
    ).replace(
        "\tStore and retrieve information using a filing system",
        "\tStore and retrieve information using a filing system\nCommunication Technology",
    )
    text = text.replace("\tMonitor your own work practices\n", "\tMonitor your own work practices\nPage 9 of 16\n", 1)
    profile = parse_template(text, "extracted.txt").profile

    def rows(p: RoleProfile) -> list[tuple[str, ...]]:
        return [(c.section, c.principle, c.function, c.title) for c in p.competences]

    assert rows(profile) == rows(parse(ENGAGEMENT_WORKER))
    store = next(c for c in profile.competences if c.title.startswith("Store and retrieve"))
    assert store.principle == "D. Information Management / Information and Communication Technology"
    assert store.title == "Store and retrieve information using a filing system"
    monitor = next(c for c in profile.competences if c.title.startswith("Monitor your own"))
    assert monitor.title == "Monitor your own work practices"
    assert not any("Page 9" in p.text for p in profile.notes)


def test_what_extraction_breaks_is_read_whole_again(templates: dict[str, str]) -> None:
    # The EW text as other extractions leave it: lines that wrapped but kept their tab (so they read
    # as rows), a competence title going on in a row of its own, an HTML entity, a <br> in a cell.
    text = templates[ENGAGEMENT_WORKER]
    edits = [
        ("Social Care or equivalent experience. DBS", "Social Care or\t\nequivalent experience. DBS"),
        (
            "\tSafeguarding Data Protection Information Governance\t",
            "\tSafeguarding Data Protection\t\nInformation Governance\t",
        ),
        ("support to address individuals' offending", "support to address\n\t\tindividuals' offending"),
        ("6. Equality & Diversity\t", "6. Equality &amp; Diversity\t"),
        ("\tMaintain effective working relationships", "\tMaintain effective<br>working relationships"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    profile = parse_template(text, "extracted.txt").profile
    assert _comparable(profile) == _comparable(parse(ENGAGEMENT_WORKER))
    plan = next(c for c in profile.competences if c.title.startswith("Plan, monitor"))
    assert plan.title.endswith("to address individuals' offending behaviour")
    assert (plan.source.line_start, plan.source.line_end) == (191, 192)  # one line more above it
