"""Comparisons on what the question names: the aspect found from the templates' own structure, the
direct answer first, items matched across templates (also when worded differently), all cited."""

from __future__ import annotations

import pytest

from bot.answering.comparing import aspects_of
from knowledge import load_knowledge

from .conftest import FIXTURE_TEMPLATES, ask_turns


def titles(text: str, profiles, **kw) -> list[str]:
    return [a.title for a in aspects_of(text, kw.get("sections", ()), None, kw.get("theme", []), profiles)]


def test_the_aspect_comes_from_the_question_and_the_templates_fields(kb) -> None:
    profiles = kb.profiles
    assert titles("do both templates use the same references?", profiles) == ["References"]
    cpd = titles("is the CPD section different between the two templates?", profiles)
    assert cpd[0].startswith("CPD: Statutory") and "CPD: Method of capturing impact" in cpd
    # a field found by its own label, which no code names
    assert titles("is APEL and progression the same for both?", profiles) == ["APEL and progression"]
    assert titles("are the core competences the same for both roles?", profiles, sections=("core",)) == [
        "Core competences"
    ]
    assert titles("is the weather the same for both?", profiles) == []


def test_invented_templates_are_compared_by_the_same_rules() -> None:
    kb = load_knowledge(FIXTURE_TEMPLATES)
    assert len(kb.profiles) == 2
    (refs,) = aspects_of("are the references the same in both templates?", (), None, [], kb.profiles)
    per = [refs.entries(p) for p in kb.profiles]
    assert all(per), "each fixture template lists references"
    pairs = zip(kb.profiles, per, strict=True)
    assert all(e.source.file == p.title_source.file for p, entries in pairs for e in entries)


@pytest.mark.model
def test_a_yes_no_comparison_answers_first_and_lists_the_differences(model_runtime) -> None:
    answer = ask_turns(model_runtime, "Are the core competences the same for both roles?")
    first = answer.text.splitlines()[0]
    assert first.startswith("No")
    assert "Only Strategic Manager" in answer.text and "Implement change" in answer.text
    assert {c.role for c in answer.citations} == {p.role for p in model_runtime.kb.profiles}
    # "Equality and Diversity" / "Equality, Diversity and Inclusion" are the same subject, said so
    same = ask_turns(model_runtime, "is the equality and diversity training the same for both roles?")
    assert "Similar in both" in same.text and "Equality, Diversity and Inclusion" in same.text


@pytest.mark.model
def test_what_one_role_has_and_the_other_does_not(model_runtime) -> None:
    answer = ask_turns(model_runtime, "which core competences does the SM have that the EW doesn't?")
    assert answer.text.startswith("Listed for the **Strategic Manager** and not for the **Engagement Worker**")
    assert "Implement change" in answer.text
    assert "Only Engagement Worker" not in answer.text and "In both" not in answer.text


@pytest.mark.model
def test_counts_compared_by_section_and_a_follow_up_compares_the_list_in_focus(model_runtime) -> None:
    counts = ask_turns(model_runtime, "compare the number of core and role specific competences for EW and SM")
    assert "Engagement Worker: 46 (14 core, 32 role specific)" in counts.text
    assert "Strategic Manager: 53 (22 core, 31 role specific)" in counts.text
    follow = ask_turns(
        model_runtime,
        "what informal learning is there for the engagement worker",
        "does the strategic manager get the same list?",
    )
    assert follow.text.startswith("No, they differ.")
    assert "Root cause analysis training" in follow.text and "Lone working" in follow.text


@pytest.mark.model
def test_yes_no_comparisons_answer_for_what_was_named(model_runtime) -> None:
    # the field named, not the whole CPD part
    funding = ask_turns(model_runtime, "Is CPD funding the same for both roles?")
    assert funding.text.startswith("Yes, they are the same in both templates.")
    assert "Statutory" not in funding.text
    # a level one template names and the other does not is a difference, shown in both wordings
    safeguarding = ask_turns(model_runtime, "Is the safeguarding training the same for both roles?")
    assert safeguarding.text.startswith("No, they differ.") and "Safeguarding (Level 3)" in safeguarding.text
    # "both have it" when each has something on it, in any part of the template
    lone = ask_turns(model_runtime, "Do both roles have lone working?")
    assert lone.text.startswith("Yes, both templates list it.")
    # a field one template leaves empty is cited as that field, not the title page
    none_line = next(line for line in lone.text.splitlines() if "none listed" in line)
    marker = int(none_line.rsplit("[", 1)[1].rstrip("]"))
    cited = next(c for c in lone.citations if c.position == marker)
    assert "Title page" not in cited.section
    senior = ask_turns(model_runtime, "which role is more senior?")
    assert "Level 8: People at level 8" in senior.text and "Level 4: People at level 4" in senior.text


def test_what_one_role_has_that_is_not_in_the_others_list(model_runtime) -> None:
    answer = ask_turns(
        model_runtime,
        "Which core competences does the Strategic Manager have that aren't in the Engagement Worker's core list?",
    )
    assert answer.text.startswith("Listed for the **Strategic Manager** and not for the **Engagement Worker**:")
    assert "Synthesise new knowledge into the development of your own practice" in answer.text
    assert "Support the safeguarding of individuals" not in answer.text  # in both core lists


def test_registration_compared_and_the_same_wording_asked_again(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "whats the difference between the clinical practitioner and the advanced clinical practitioner in terms of"
        " who they register with",
    )
    assert "Nursing and Midwifery Council (NMC)" in answer.text and "leading to registration" in answer.text
    answer = ask_turns(
        family_runtime,
        "what's the level descriptor for the engagement worker",
        "is it the same wording for the strategic manager?",
    )
    assert answer.text.startswith("No, they differ.") and "highly specialised knowledge" in answer.text


def test_sharing_a_competence_is_a_yes_when_one_is_in_both(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "do the rehab team leader and the senior crisis worker share the competence about allocating and monitoring"
        " work?",
    )
    assert answer.text.startswith(
        "Yes: both list “Allocate and monitor the progress and quality of work in your area of responsibility”."
    )
    answer = ask_turns(family_runtime, "senior crisis worker is level 5 isnt it")
    assert answer.text.startswith("No.") and "career framework level 4" in answer.text
