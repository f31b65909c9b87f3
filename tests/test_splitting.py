from __future__ import annotations

import pytest

from knowledge.splitting import requirement_kind, split_items, split_requirements, texts


@pytest.mark.parametrize(
    ("value", "items"),
    [
        (
            "Safeguarding Data Protection Information Governance",
            ["Safeguarding", "Data Protection", "Information Governance"],
        ),
        (
            "Fire Safety Manual Handling training Basic Life Support",
            ["Fire Safety", "Manual Handling training", "Basic Life Support"],
        ),
        (
            "Conflict resolution Record keeping (Level 2) Mental Health awareness",
            ["Conflict resolution", "Record keeping (Level 2)", "Mental Health awareness"],
        ),
        ("Negotiated at appraisal/performance review.", ["Negotiated at appraisal/performance review."]),
        ("Working with families, Carers and partners", ["Working with families", "Carers and partners"]),
        ("", []),
    ],
)
def test_split_items(value: str, items: list[str]) -> None:
    spans = split_items(value)
    assert texts(value, spans) == items
    for start, end in spans:
        assert value[start:end] in value


def test_split_requirements_keeps_sentences_and_kinds() -> None:
    value = "Degree in nursing or equivalent. Experience of lone working Enhanced DBS check."
    found = texts(value, split_requirements(value))
    assert found == ["Degree in nursing or equivalent.", "Experience of lone working", "Enhanced DBS check."]
    assert [requirement_kind(t) for t in found] == ["qualification", "experience", "vetting"]
    assert requirement_kind("Able to drive") == "other"
