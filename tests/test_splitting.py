from __future__ import annotations

import pytest

from knowledge.splitting import mend_broken_words, requirement_kind, split_items, split_requirements, texts, vocabulary


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
        (
            "Mental Health First Aid Suicide and self-harm awareness Working alone safely",
            ["Mental Health First Aid", "Suicide and self-harm awareness", "Working alone safely"],
        ),
        (
            "Safeguarding Adults Level 2 Basic Life Support Introduction to Community Sentence Treatment"
            " Requirements Mental Health First Aid",
            [
                "Safeguarding Adults Level 2",
                "Basic Life Support",
                "Introduction to Community Sentence Treatment Requirements",
                "Mental Health First Aid",
            ],
        ),
        (
            "Advanced Life Support Paediatric Immediate Life Support",
            ["Advanced Life Support", "Paediatric Immediate Life Support"],
        ),
        ("", []),
    ],
)
def test_split_items(value: str, items: list[str]) -> None:
    spans = split_items(value)
    assert texts(value, spans) == items
    for start, end in spans:
        assert value[start:end] in value


def test_a_level_names_a_qualification_inside_a_requirement() -> None:
    value = (
        "Level 2 qualification or equivalent experience, and a willingness to work towards a Level 3 Diploma in Health."
    )
    assert texts(value, split_requirements(value)) == [value]


def test_a_word_cut_by_a_line_break_is_joined_only_into_a_word_of_the_vocabulary() -> None:
    words = vocabulary(["Lead and manage practice that promotes the safeguarding of individuals"])
    assert mend_broken_words("Safe\nguarding Adults\nInformation Governance", words) == (
        "Safeguarding Adults\nInformation Governance"
    )
    assert mend_broken_words("Lone working\nin the community", words) == "Lone working\nin the community"
    assert mend_broken_words("Trauma-\ninformed practices\nSafe-\nguarding", words) == (
        "Trauma-informed practices\nSafeguarding"
    )


def test_split_requirements_keeps_sentences_and_kinds() -> None:
    value = "Degree in nursing or equivalent. Experience of lone working Enhanced DBS check."
    found = texts(value, split_requirements(value))
    assert found == ["Degree in nursing or equivalent.", "Experience of lone working", "Enhanced DBS check."]
    assert [requirement_kind(t) for t in found] == ["qualification", "experience", "vetting"]
    assert requirement_kind("Able to drive") == "other"
