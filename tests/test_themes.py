"""What a template says about a theme, wherever it says it; and onboarding questions that name a part
of the template or a subject get that, not the whole checklist."""

from __future__ import annotations

import pytest

from bot.answering.compose import Writer
from bot.answering.themes import about_theme, count
from knowledge import load_knowledge

from .conftest import FIXTURE_TEMPLATES, ask_turns


def test_a_theme_is_found_in_competences_training_and_the_description(kb) -> None:
    ew = next(p for p in kb.profiles if p.level == 4)
    w = Writer(kb)
    assert about_theme(w, ew, ["lone"])
    text = w.text()
    assert "Manage lone workers" in text and "- Lone working (under Informal learning)" in text
    text, citations = w.citations.finish(text)
    assert {c.role for c in citations} == {ew.role}
    assert not about_theme(Writer(kb), ew, ["parking"]), "nothing found: nothing written"


def test_invented_templates_by_the_same_rules() -> None:
    kb = load_knowledge(FIXTURE_TEMPLATES)
    assert all(count(p, ["safeguarding"]) > 0 for p in kb.profiles)
    assert all(count(p, ["parking"]) == 0 for p in kb.profiles)


@pytest.mark.model
def test_manager_onboarding_questions_get_what_they_name(model_runtime) -> None:
    lone = ask_turns(
        model_runtime, "my new EW will be doing a lot of lone visits, what should I cover in their induction?"
    )
    assert "what the template says about lone" in lone.text and "Manage lone workers" in lone.text
    assert "Welcome!" not in lone.text
    core = ask_turns(
        model_runtime, "what core competences should i be signing off for my new EW in their first few months"
    )
    assert "Core competences** (14)" in core.text and "Use digital communications" in core.text
    assert "signing" not in core.text and "months" not in core.text
    safety = ask_turns(
        model_runtime, "New engagement worker joining my team on Monday. What safety stuff should I go through?"
    )
    assert "what the template says about safety" in safety.text and "Perform hand hygiene" in safety.text
    # nothing in particular named: the checklist, as before
    plain = ask_turns(model_runtime, "I start as an engagement worker next month, where do I begin?")
    assert plain.text.startswith("Welcome!")


@pytest.mark.model
def test_what_a_role_template_says_about_a_subject(model_runtime) -> None:
    data = ask_turns(model_runtime, "what does the EW template say about data and information handling?")
    assert "what the template says about data or information" in data.text  # "X and Y": either
    for title in ("Store and retrieve information using a filing system", "Use digital communications"):
        assert title in data.text
    assert "Data Protection" in data.text
    research = ask_turns(model_runtime, "what does the strategic manager need to do around research?")
    assert "Interpret research findings and implement them in practice" in research.text
    assert {c.role for c in research.citations} == {p.role for p in model_runtime.kb.profiles if p.level == 8}
