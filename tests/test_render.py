"""Teams' limits, enforced by the rendering layer whatever the answering layer produced."""

from __future__ import annotations

import json
import re

import pytest

from bot.answering.answer import ABSTRACT_LIMIT, NAME_LIMIT, Answer, Citation, Citations, Suggestion
from bot.teams.render import (
    MAX_ACTIVITY_BYTES,
    button_title,
    render_answer,
    render_text,
    size,
    teams_text,
)
from knowledge.records import SourceRef


def citation(position: int, name: str = "Engagement Worker template: Scope of the Role") -> Citation:
    return Citation(position, name, f"quoted text {position}", "Scope of the Role", "EW", "ew.txt", position, position)


def markers(text: str) -> set[int]:
    return {int(m) for m in re.findall(r"\[(\d+)\]", text)}


def entity_citations(activity: dict) -> list[dict]:
    return activity.get("entities", [{}])[0].get("citation", [])


def test_more_than_ten_sources_never_reach_the_client_and_no_fact_loses_its_citation() -> None:
    lines = [f"- fact {n} [{n}]" for n in range(1, 15)]
    answer = Answer("\n".join(lines), tuple(citation(n) for n in range(1, 15)))
    activity = render_answer(answer)
    cited = entity_citations(activity)
    assert len(cited) == 10
    assert [c["position"] for c in cited] == list(range(1, 11))
    assert markers(activity["text"]) == set(range(1, 11))
    assert "fact 10 [10]" in activity["text"] and "fact 11" not in activity["text"]
    assert "did not fit in one message" in activity["text"]


def test_markers_and_citations_match_one_to_one_and_are_renumbered_in_order_of_use() -> None:
    # Citation 2 is never used; marker [9] has no citation.
    answer = Answer("- a [3]\n- b [1] [1]\n- c [9]", (citation(1), citation(2), citation(3)))
    activity = render_answer(answer)
    assert activity["text"] == "• a [1]\n\n• b [2]\n\n• c"
    cited = entity_citations(activity)
    assert [c["appearance"]["abstract"] for c in cited] == ["quoted text 3", "quoted text 1"]


def test_names_abstracts_and_keywords_are_within_teams_limits() -> None:
    long = Citation(1, "N" * 200, "word " * 100, "A > " + "S" * 60, "EW", "ew.txt", 3, 9)
    appearance = entity_citations(render_answer(Answer("x [1]", (long,))))[0]["appearance"]
    assert len(appearance["name"]) <= NAME_LIMIT
    assert len(appearance["abstract"]) <= ABSTRACT_LIMIT
    assert len(appearance["keywords"]) <= 3 and all(len(k) <= 28 for k in appearance["keywords"])


def test_no_ai_generated_label_but_the_citation_entity_stays() -> None:
    activity = render_answer(Answer("x [1]", (citation(1),)))
    assert "AIGeneratedContent" not in json.dumps(activity)
    entity = activity["entities"][0]
    assert entity["@type"] == "Message" and entity["citation"][0]["position"] == 1


def test_a_huge_answer_stays_under_the_size_limit_with_matching_citations() -> None:
    lines = [f"- {'long words ' * 60}{n} [{n % 10 + 1}]" for n in range(400)]
    answer = Answer("\n".join(lines), tuple(citation(n) for n in range(1, 11)))
    activity = render_answer(answer)
    assert size(activity) <= MAX_ACTIVITY_BYTES
    assert markers(activity["text"]) == {c["position"] for c in entity_citations(activity)}


def test_size_is_counted_as_teams_counts_it_in_utf16() -> None:
    assert size({"text": "é"}) == len(json.dumps({"text": "é"}, ensure_ascii=False)) * 2


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("- item [1]", "• item [1]"),
        ("  - sub item", "\u00a0\u00a0\u00a0◦ sub item"),
        ("- [ ] Safeguarding", "☐ Safeguarding"),
        ("## Heading", "**Heading**"),
        ("1. Communication", "1\\. Communication"),
        ("---", ""),
        ("> quoted", "> quoted"),
    ],
)
def test_only_formatting_every_teams_client_renders(markdown: str, shown: str) -> None:
    assert teams_text(markdown) == shown


def test_rendered_lines_are_paragraphs_with_no_list_or_heading_syntax() -> None:
    text = teams_text("**EW**: training\n- one\n  - two\n# Head\n| a | b |\n3) three")
    for line in text.split("\n\n"):
        assert not re.match(r"^(?:[-*+]\s|#|\d+[.)]\s|\|)", line), line
    assert "\n\n" in text and "\n\n\n" not in text


def test_suggested_actions_are_three_at_most_with_titles_shown_whole() -> None:
    suggestions = tuple(
        Suggestion(f"Compare the engagement worker and strategic manager {n}", f"q{n}") for n in range(5)
    )
    activity = render_text("hello", suggestions)
    actions = activity["suggestedActions"]["actions"]
    assert len(actions) == 3
    for action, suggestion in zip(actions, suggestions, strict=False):
        assert len(action["title"]) <= 25
        assert suggestion.title.startswith(action["title"]) and suggestion.title[len(action["title"])] == " "
        assert action["value"] == suggestion.question


def test_button_title_keeps_short_titles() -> None:
    assert button_title("Core competences") == "Core competences"


def test_one_citation_per_source_section_reused_by_every_line() -> None:
    cite = Citations()
    src = [SourceRef("ew.txt", "NOS > Role Specific Competences", n, n, f"row {n}") for n in range(1, 4)]
    a = cite.cite(src[0], "EW", "EW template", "row 1", group="2. Personal and People Development")
    b = cite.cite(src[1], "EW", "EW template", "row 2", group="2. Personal and People Development")
    c = cite.cite(src[2], "EW", "EW template", "row 3", group="3. Health, Safety and Security")
    assert a == b == "[1]" and c == "[2]"
    first = cite.all()[0]
    assert first.name == "EW template: Role Specific Competences, 2. Personal and People Development"
    assert first.abstract == "row 1 … row 2" and (first.line_start, first.line_end) == (1, 2)


@pytest.mark.model
def test_every_eval_answer_renders_within_teams_limits(model_runtime) -> None:
    from bot.answering.engine import ConversationState

    from .conftest import ROOT

    problems = []
    for name in ("questions.json", "holdout.json", "blind.json"):
        for case in json.loads((ROOT / "tests" / "eval" / name).read_text()):
            state = ConversationState()
            for turn in case["ask"]:
                answer, state = model_runtime.engine.answer(turn.lstrip("+").strip(), state)
            activity = render_answer(answer)
            cited = entity_citations(activity)
            if len(cited) > 10 or markers(activity["text"]) != {c["position"] for c in cited}:
                problems.append(f"{case['id']}: {len(cited)} citations, markers {sorted(markers(activity['text']))}")
            if size(activity) > MAX_ACTIVITY_BYTES:
                problems.append(f"{case['id']}: {size(activity)} bytes")
            if any(re.match(r"^(?:[-*+]\s|#|\d+[.)]\s)", line) for line in activity["text"].split("\n\n")):
                problems.append(f"{case['id']}: list or heading syntax")
            if any(len(a["title"]) > 25 for a in activity.get("suggestedActions", {}).get("actions", [])):
                problems.append(f"{case['id']}: a suggested action's title is cut")
            if answer.citations and "did not fit" in activity["text"]:
                problems.append(f"{case['id']}: cut to fit")
    assert not problems, problems


def test_a_cited_answer_has_no_suggested_actions_so_the_client_shows_its_citations() -> None:
    with_citations = render_answer(Answer("x [1]", (citation(1),), suggestions=(Suggestion("Training", "q"),)))
    assert "suggestedActions" not in with_citations and with_citations["entities"]
    declined = render_answer(Answer("Not covered.", (), declined=True, suggestions=(Suggestion("Training", "q"),)))
    assert declined["suggestedActions"]["actions"][0]["value"] == "q"
