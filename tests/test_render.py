"""Teams' limits, enforced by the rendering layer whatever the answering layer produced."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from bot.answering.answer import ABSTRACT_LIMIT, NAME_LIMIT, Answer, Citation, Citations, Suggestion, shorten
from bot.teams.render import (
    FIRST_SCREEN,
    MAX_ACTIVITY_BYTES,
    button_title,
    line_count,
    render_answer,
    render_text,
    shape,
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
            if case.get("templates", "shipped") != "shipped":
                continue  # asked with the invented family loaded (tests/test_evaluation.py)
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


# -- shapes, buttons and "Show all" ------------------------------------------------------------------


def card_actions(activity: dict) -> list[dict]:
    return [a for att in activity.get("attachments", []) for a in att["content"].get("actions", [])]


def card_texts(activity: dict) -> list[str]:
    def walk(items: list[dict]) -> list[str]:
        out = []
        for item in items:
            if item.get("type") == "TextBlock":
                out.append(item["text"])
            out.extend(walk(item.get("items", [])))
        return out

    return [t for att in activity.get("attachments", []) for t in walk(att["content"].get("body", []))]


def test_a_message_with_suggested_actions_is_html_with_no_markdown() -> None:
    activity = render_text("Hello.\n\nRoles I know:\n- **Engagement Worker** (EW), level 4", (Suggestion("Go", "q"),))
    assert activity["textFormat"] == "xml" and activity["suggestedActions"]["actions"][0]["value"] == "q"
    assert "**" not in activity["text"] and not markers(activity["text"])
    assert activity["text"] == "Hello.<br>Roles I know:<br>• <b>Engagement Worker</b> (EW), level 4"


def test_a_cited_answer_offers_its_next_questions_on_a_card_that_sends_the_question() -> None:
    answer = Answer("**EW**: x [1]", (citation(1),), suggestions=(Suggestion("And the SM?", "and the SM?"),))
    activity = render_answer(answer)
    assert "suggestedActions" not in activity and activity["textFormat"] == "markdown"
    (action,) = card_actions(activity)
    assert action["type"] == "Action.Submit" and action["title"] == "And the SM?"
    assert action["data"] == {"question": "and the SM?"}  # posted as the card's data (Teams and the Playground)


def test_a_long_list_shows_its_first_screen_and_the_rest_behind_show_all_with_every_citation() -> None:
    lines = ["**EW**: competences"]
    for group in range(1, 7):
        lines.append(f"- *Principle {group}* ({5})")
        lines.extend(f"  - competence {group}.{n} [{group}]" for n in range(1, 6))
    answer = Answer("\n".join(lines), tuple(citation(n) for n in range(1, 7)))
    assert shape(answer) == "long list"
    activity = render_answer(answer)
    shown = activity["text"].split("\n\n")
    assert len(shown) <= FIRST_SCREEN["long list"] + 1
    assert "• *Principle 1* (5) [1]" in shown and "\u00a0\u00a0\u00a0◦ competence 1.1" in shown  # one marker a group
    assert markers(activity["text"]) == {c["position"] for c in entity_citations(activity)} == set(range(1, 7))
    assert "under Show all" in shown[-1]
    toggle = [a for a in card_actions(activity) if a["type"] == "Action.ToggleVisibility"]
    assert toggle and toggle[0]["targetElements"] == ["more"]
    hidden = card_texts(activity)
    assert "◦ competence 6.5" in hidden[-1] and not any("**" in t or markers(t) for t in hidden)
    assert len(shown) - 1 + len(hidden) == len(lines)  # every line once: shown or behind Show all


def test_one_marker_per_group_only_when_every_item_comes_from_that_place() -> None:
    same = render_answer(Answer("- **Learning** (2 items):\n  - a [1]\n  - b [1]", (citation(1),)))
    assert same["text"] == "• **Learning** (2 items) [1]:\n\n\u00a0\u00a0\u00a0◦ a\n\n\u00a0\u00a0\u00a0◦ b"
    mixed = render_answer(Answer("- **Learning**:\n  - a [1]\n  - b [2]", (citation(1), citation(2))))
    assert mixed["text"].endswith("◦ a [1]\n\n\u00a0\u00a0\u00a0◦ b [2]")


@pytest.mark.parametrize(
    ("text", "topic", "declined", "expected"),
    [
        ("Yes, where appropriate.\nThe **EW** template lists DBS: [1]", "experience", False, "yes/no"),
        ("No.\nThe SM template does not ask for a degree. [1]", "experience", False, "yes/no"),
        ("22 core competences in the Strategic Manager template [1]", "competences", False, "count"),
        ("**EW** and **SM** differ in level. [1]", "compare", False, "comparison"),
        ("Welcome! **Start here** as EW: book your training [1]", "onboarding", False, "onboarding"),
        ("The role profile templates don't cover that: pay is set locally.", "none", True, "decline"),
        ("**EW**: experience required [1]\n- a\n- b", "experience", False, "short list"),
    ],
)
def test_each_answer_shape_is_recognised(text: str, topic: str, declined: bool, expected: str) -> None:
    cited = (citation(1),) if "[1]" in text else ()
    assert shape(Answer(text, cited, topic=topic, declined=declined)) == expected


def test_a_comparison_is_sent_once_as_text_without_a_table_card() -> None:
    answer = Answer("**EW** and **SM** differ in level.\n- EW: level 4 [1]", (citation(1),), topic="compare")
    answer = replace(answer, table=(("", "EW", "SM"), ("Level", "4", "8")))
    activity = render_answer(answer)
    assert "attachments" not in activity and "level 4" in activity["text"]


EVAL_SETS = ("questions.json", "holdout.json", "blind.json", "blind2.json", "blind3.json", "blind4.json")


def eval_replies(runtime) -> list[tuple[str, Answer, dict]]:
    """Every evaluation case's last answer (those asked of the shipped templates) and its activity."""
    from bot.answering.engine import ConversationState

    from .conftest import ROOT

    out = []
    for name in EVAL_SETS:
        for case in json.loads((ROOT / "tests" / "eval" / name).read_text()):
            if case.get("templates", "shipped") != "shipped":
                continue  # asked with the invented family loaded (tests/test_evaluation.py)
            state = ConversationState()
            for turn in case["ask"]:
                answer, state = runtime.engine.answer(turn.lstrip("+").strip(), state)
            out.append((f"{name}:{case['id']}", answer, render_answer(answer)))
    return out


def _plain_words(text: str) -> str:
    text = re.sub(r"\[\d+\]|\*\*|(?<!\w)\*|\*(?!\w)|[“”]", " ", text)
    return " ".join(text.replace("\t", " ").split()).lower()


@pytest.mark.model
def test_every_cited_line_that_quotes_its_source_has_that_sentence_in_the_abstract(model_runtime, templates) -> None:
    """A line stating what its template says ('Vetting: DBS clearance or vetting, where appropriate.') is
    cited with an abstract that shows that sentence, not the start of the field it is in. (An abstract
    has 160 characters: where several such lines share a citation, it shows the first one's.)"""
    from bot.answering.answer import key_words

    problems = []
    for case, answer, activity in eval_replies(model_runtime):
        engine = {(shorten(c.name, NAME_LIMIT), shorten(c.abstract, ABSTRACT_LIMIT)): c for c in answer.citations}
        cited = {c["position"]: c["appearance"] for c in entity_citations(activity)}
        checked: set[int] = set()
        for line in activity["text"].split("\n\n"):
            body = re.sub(r"^[•☐>\s\u00a0◦]+", "", line)
            for position in markers(line) - checked:
                appearance = cited[position]
                source = engine[(appearance["name"], appearance["abstract"])]
                lines = templates[source.file].split("\n")[source.line_start - 1 : source.line_end]
                where = _plain_words(" ".join(lines))
                candidates = [body, *(body.split(": ", n)[-1] for n in (1, 2))]
                quoted = next((c for c in map(_plain_words, candidates) if len(c) >= 20 and c in where), None)
                if quoted is None:
                    continue  # a line in the bot's words (a heading, a count): nothing quoted to show
                checked.add(position)
                missing = [w for w in key_words(quoted[:100]) if w not in appearance["abstract"].lower()]
                if missing:
                    problems.append(f"{case}: {body[:70]!r} cites {appearance['abstract'][:70]!r}; missing {missing}")
    assert not problems, f"{len(problems)} lines:\n" + "\n".join(problems[:40])


@pytest.mark.model
def test_replies_are_short_enough_to_read_before_show_all(model_runtime) -> None:
    """Over every evaluation set: the median reply at most 10 lines, the 90th percentile at most 16, and
    none over 30 lines before its "Show all" (scripts/reply_lines.py prints the figures)."""
    counts = sorted(line_count(activity["text"]) for _, _, activity in eval_replies(model_runtime))
    median, p90 = counts[len(counts) // 2], counts[round(0.9 * (len(counts) - 1))]
    assert median <= 10 and p90 <= 16 and counts[-1] <= 30, (median, p90, counts[-1])
