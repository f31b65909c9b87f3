"""The engine on the real packaged model and a real index (built once per session)."""

from __future__ import annotations

import re

import pytest

from bot.answering.answer import ABSTRACT_LIMIT, MAX_CITATIONS, NAME_LIMIT, Answer
from bot.answering.engine import MAX_QUESTION_CHARS, ConversationState

pytestmark = pytest.mark.model

EW = "Liaison and Diversion Service Engagement Worker"
SM = "Liaison and Diversion Strategic Manager"


def ask(model_runtime, *turns: str) -> tuple[Answer, ConversationState]:
    state = ConversationState()
    answer = None
    for turn in turns:
        answer, state = model_runtime.engine.answer(turn, state)
    assert answer is not None
    return answer, state


def assert_well_cited(answer: Answer) -> None:
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.position for c in answer.citations}
    assert [c.position for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert len(answer.citations) <= MAX_CITATIONS
    for c in answer.citations:
        assert len(c.name) <= NAME_LIMIT and len(c.abstract) <= ABSTRACT_LIMIT
        assert c.section and c.file and c.line_start <= c.line_end


def test_training_answer_is_complete_grouped_and_cited(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what training does an engagement worker need?")
    assert_well_cited(answer)
    assert answer.roles == (EW,) and answer.topic == "training" and not answer.declined
    profile = model_runtime.kb.profile(EW)
    for item in profile.learning_field("informal").items + profile.cpd_field("statutory_mandatory").items:
        assert re.search(rf"- {re.escape(item.text)} \[\d+\]", answer.text), item.text
    assert "Formal endorsed learning (indicative)**: the template leaves this blank [" in answer.text
    statutory = next(c for c in answer.citations if c.section.endswith("Continuing Professional Development"))
    assert statutory.name == "Engagement Worker template: Statutory and mandatory learning"
    assert statutory.abstract.startswith("Statutory and Mandatory learning of particular relevance to the role:")
    assert {c.role for c in answer.citations} == {EW}
    assert 1 <= len(answer.suggestions) <= 3


def test_blank_field_is_said_to_be_blank(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what statutory and mandatory training does a strategic manager need")
    assert "**Statutory and mandatory learning**: the template leaves this blank [1]" in answer.text
    assert answer.citations[0].abstract == "Statutory and Mandatory learning of particular relevance to the role"


def test_decline_has_no_citations_and_says_what_is_covered(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what is the salary of an engagement worker?")
    assert answer.declined and answer.citations == ()
    assert "don't cover that" in answer.text and "Engagement Worker (level 4)" in answer.text


def test_unknown_role_lists_the_roles_there_are(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what training does a peer support worker need?")
    assert answer.declined and answer.citations == () and answer.topic == "unknown-role"
    assert "no role profile template for peer support worker" in answer.text
    assert "Strategic Manager" in answer.text and "Engagement Worker" in answer.text


def test_conversation_keeps_role_and_topic(model_runtime) -> None:
    answer, state = ask(model_runtime, "I'm starting as an engagement worker")
    assert answer.topic == "onboarding" and state.roles == (EW,)
    assert "checklist" in answer.text
    assert_well_cited(answer)
    answer, state = model_runtime.engine.answer("what training will I need?", state)
    assert answer.roles == (EW,) and "PREVENT training or WRAP" in answer.text
    answer, state = model_runtime.engine.answer("and what about the strategic manager?", state)
    assert answer.roles == (SM,) and answer.topic == "training" and "Root cause analysis training" in answer.text
    answer, state = model_runtime.engine.answer("what level is it?", state)
    assert answer.topic == "level" and "career framework level 8" in answer.text
    restored = ConversationState.from_dict(state.to_dict())
    assert restored == state


def test_a_follow_up_keeps_the_theme_of_the_last_question(model_runtime) -> None:
    answer, state = ask(model_runtime, "which engagement worker competences are about safeguarding?")
    assert "Support the safeguarding of individuals" in answer.text and state.theme == ("safeguarding",)
    answer, state = model_runtime.engine.answer("how many are there?", state)
    assert answer.topic == "competences" and not answer.declined
    assert answer.text.startswith("1 competence about safeguarding")  # a count starts with the number
    answer, _ = model_runtime.engine.answer("and the strategic manager?", state)
    assert answer.roles == (SM,) and "about safeguarding" in answer.text
    assert ConversationState.from_dict({"roles": [EW], "topic": "training"}).theme == ()  # state saved before


def test_a_theme_is_matched_by_its_own_words_not_by_a_principle_name(model_runtime) -> None:
    answer, _ = ask(model_runtime, "which engagement worker competences are about safeguarding?")
    # "C. Health Promotion and Protection" is a principle about health promotion, not safeguarding.
    assert "Health Promotion and Protection" not in answer.text
    assert "Work with community networks and partnerships" not in answer.text


def test_training_items_matching_more_of_the_question_win(model_runtime) -> None:
    answer, _ = ask(model_runtime, "Do SMs need mental health awareness training?")
    # no entry names "mental health awareness"; the one that names part of it is shown as related
    assert answer.text.startswith("No, not in those words")
    assert "- Understanding of mental health conditions [" in answer.text
    assert "Health and Safety" not in answer.text  # shares only "health" with the question
    answer, _ = ask(model_runtime, "what safeguarding training does an engagement worker need?")
    listed = answer.text.split("Listed in the template:", 1)[1].split("**", 1)[0]
    assert "Safeguarding" in listed and "Data Protection" not in listed


def test_which_role_answers_with_the_roles_that_list_it(model_runtime) -> None:
    answer, _ = ask(model_runtime, "Which role needs root cause analysis training?")
    assert answer.roles == (SM,)
    assert answer.text.startswith("**Strategic Manager**: only its template lists it.")  # the role first
    assert "Root cause analysis training (under Informal learning)" in answer.text
    assert "Safeguarding (Level 3)" not in answer.text  # only what was asked, not the whole training
    answer, _ = ask(model_runtime, "which roles need PREVENT training?")
    assert set(answer.roles) == {EW, SM} and answer.text.startswith("Both: every role template lists it.")


def test_becoming_a_role_with_no_role_below_it_is_its_entry_requirements(model_runtime) -> None:
    answer, _ = ask(model_runtime, "How do I become an engagement worker?")
    assert answer.topic == "experience" and answer.roles == (EW,)  # not a "move" down from strategic manager
    assert "Level 3 NVQ/Diploma in Health and/or Social Care" in answer.text
    answer, _ = ask(model_runtime, "how do I become a strategic manager?")
    assert answer.topic == "progression" and answer.text.startswith("Moving from **Engagement Worker (level 4)**")
    # what the step is from is cited too: the role's own experience required, for comparison
    assert "For comparison, the Engagement Worker profile asks for: Previous experience" in answer.text
    assert {c.role for c in answer.citations} == {EW, SM}


def test_shorthand_and_contractions_are_understood(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what's the KSF?")
    assert not answer.declined
    assert "knowledge and skills framework (KSF)" in answer.text and answer.citations
    answer, _ = ask(model_runtime, "what are the core comps for the SM")
    assert not answer.declined and "**Core competences** (22)" in answer.text


def test_not_in_this_role_but_in_another_says_so_and_cites_the_other(model_runtime) -> None:
    answer, _ = ask(model_runtime, "does the engagement worker need the competence 'Manage budgets'?")
    assert not answer.declined and answer.roles == (EW, SM)  # where it looked, and where it is
    assert answer.text.startswith("No.\nNo competence in the Engagement Worker template mentions")
    assert "The **Strategic Manager** template does:\n- Manage budgets (role specific) [" in answer.text
    answer, state = ask(model_runtime, "does the EW need to chair meetings?")
    assert not answer.declined and answer.roles == (EW, SM)
    assert answer.text.startswith("No.\nNo competence in the Engagement Worker template mentions chair meetings")
    assert "- Chair meetings (role specific) [" in answer.text and {c.role for c in answer.citations} == {EW, SM}
    assert state.roles == (EW,)  # the conversation stays on the role asked about
    _, state = ask(model_runtime, "I am an engagement worker", "does it need to chair meetings?")
    assert state.roles == (EW,)  # also when that role came from earlier in the conversation
    answer, _ = model_runtime.engine.answer("Which role needs root cause analysis training?", state)
    assert answer.roles == (SM,) and answer.text.startswith("**Strategic Manager**: only")  # across roles
    answer, _ = ask(model_runtime, "what is the salary of an engagement worker?")
    assert answer.declined and answer.citations == ()  # in no template: still an honest decline


def test_quoted_words_and_the_roles_own_template_word(model_runtime) -> None:
    answer, _ = ask(model_runtime, "is 'chair meetings' a competence for the SM?")
    # the quoted entry, and where it is in the template
    assert answer.text.startswith(
        "Yes.\n'Chair meetings' is in the Role specific competences of the **Strategic Manager**"
    )
    assert "Represent one's own agency" not in answer.text  # about meetings, but not chairing them
    answer, _ = ask(model_runtime, "Does the SM template mention research?")
    assert "Interpret research findings and implement them in practice" in answer.text


def test_naming_a_role_alone_gives_its_overview_and_keeps_it(model_runtime) -> None:
    answer, state = ask(model_runtime, "I am a strategic manager")
    assert not answer.declined and answer.topic == "scope" and state.roles == (SM,)
    assert "strategically lead and develop the Liaison and Diversion service" in answer.text
    answer, state = model_runtime.engine.answer("and the other role?", state)
    assert answer.roles == (EW,) and answer.topic == "scope"


def test_underpinning_principles_are_listed_with_counts(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what principles are the SM competences grouped by?")
    assert answer.roles == (SM,) and not answer.declined
    assert "- 3. Health, Safety and Security (4 core, 3 role-specific) [" in answer.text  # '3 Health' row too
    assert "- H. Management and Administration (4 core, 15 role-specific) [" in answer.text
    assert_well_cited(answer)


def test_onboarding_in_three_short_turns(model_runtime) -> None:
    answer, state = ask(model_runtime, "i am new")
    assert answer.topic == "onboarding" and "Which role are you starting in?" in answer.text
    answer, state = model_runtime.engine.answer("engagement worker", state)
    assert answer.topic == "onboarding" and answer.roles == (EW,)
    answer, state = model_runtime.engine.answer("what now?", state)
    assert answer.topic == "onboarding" and not answer.declined and "checklist" in answer.text


def test_comparison_has_a_table(model_runtime) -> None:
    answer, _ = ask(model_runtime, "compare the engagement worker and strategic manager")
    assert answer.topic == "compare" and set(answer.roles) == {EW, SM}
    assert answer.table[0] == ("", "Engagement Worker (level 4)", "Strategic Manager (level 8)")
    assert ("Level", "4", "8") in answer.table
    assert_well_cited(answer)


def test_long_lists_merge_citations_to_stay_within_teams_limit(model_runtime) -> None:
    answer, _ = ask(model_runtime, "list all the competences for both roles")
    assert_well_cited(answer)
    for p in model_runtime.kb.profiles:
        for c in p.competences:
            assert c.title in answer.text
    assert "Manage budgets" in answer.text and "Manage lone workers" in answer.text


def test_progression_lists_what_the_next_role_adds(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what would an engagement worker need to become a strategic manager?")
    assert answer.topic == "progression"
    assert "Manage budgets" in answer.text and "Recognised management qualification" in answer.text
    # Competences both profiles list are not presented as new.
    new_part = answer.text.split("does not**", 1)[1]
    assert "Communicate effectively in a health care environment" not in new_part
    assert_well_cited(answer)


def test_empty_and_huge_messages(model_runtime) -> None:
    empty, _ = model_runtime.engine.answer("   ")
    assert empty.declined and empty.topic == "empty" and empty.suggestions
    huge, _ = model_runtime.engine.answer("training " * MAX_QUESTION_CHARS)
    assert huge.declined and huge.topic == "too-long" and "too long" in huge.text


def test_a_follow_up_changes_only_what_it_names(model_runtime) -> None:
    answer, state = ask(model_runtime, "what are the core competences of the EW?", "how many is that?")
    assert answer.text.startswith("14 core competences in the Engagement Worker template")
    answer, state = model_runtime.engine.answer("and for the SM?", state)
    assert answer.text.startswith("22 core competences in the Strategic Manager template")
    answer, _ = ask(model_runtime, "what level is the SM?", "what does that level mean?")
    assert not answer.declined and "highly specialised knowledge" in answer.text


def test_several_misspellings_at_once(model_runtime) -> None:
    answer, _ = ask(model_runtime, "does the stratigic manger need to chair meetigns")
    assert answer.text.startswith("Yes.") and "Chair meetings" in answer.text and answer.roles == (SM,)
    answer, _ = ask(model_runtime, "how many role specfic comps does the engagment worker have")
    assert answer.text.startswith("32 role specific competences")


def test_a_yes_needs_an_entry_naming_every_word(model_runtime) -> None:
    # CPR, in the templates' words basic life support: no shipped template lists it (not any "support" entry)
    answer, _ = ask(model_runtime, "does the engagement worker need CPR training?")
    assert answer.text.startswith(
        "No.\nThe Engagement Worker template's training sections do not mention basic life support"
    )
    answer, _ = ask(model_runtime, "does the engagement worker need health and safety training?")
    assert answer.text.startswith("No.\n") and "mental health" not in answer.text  # not every "health"
    assert "The **Strategic Manager** template does:\n- Health and Safety [" in answer.text
    answer, _ = ask(model_runtime, "which role needs safeguarding level 3 training?")
    assert answer.text.startswith("**Strategic Manager**: only")  # the EW's plain "Safeguarding" is not it


def test_fixture_basic_life_support_is_not_immediate_life_support(tmp_path) -> None:
    from bot.runtime import load_runtime
    from bot.settings import Settings

    from .conftest import ROOT

    runtime = load_runtime(
        Settings.from_env(
            {
                "ROLEBOT_KNOWLEDGE_DIR": str(ROOT / "tests" / "fixtures" / "templates"),
                "ROLEBOT_INDEX_DIR": str(tmp_path),
            }
        )
    )
    answer, _ = runtime.engine.answer("is immediate life support training needed for the support worker?")
    assert answer.text.startswith("No, not in those words") and "Basic Life Support" in answer.text
    answer, _ = runtime.engine.answer("is basic life support training needed for the support worker?")
    assert answer.text.startswith("Yes.") and "Basic Life Support" in answer.text


def test_yes_no_answers_are_short_and_cite_where_the_template_was_searched(model_runtime) -> None:
    answer, _ = ask(model_runtime, "is root cause analysis training needed for the engagement worker role")
    assert answer.text.startswith("No.") and {c.role for c in answer.citations} >= {EW}
    assert len([line for line in answer.text.splitlines() if line.strip()]) <= 6
    answer, _ = ask(
        model_runtime, "does the strategic manager template actually list any statutory and mandatory learning?"
    )
    assert answer.text.startswith("No.") and "leaves this blank" in answer.text


def test_comparisons_pair_the_same_subject_in_different_words(model_runtime) -> None:
    from bot.answering.competences import similar_items

    pairs = similar_items(
        ["PREVENT training or WRAP", "Equality and Diversity", "Lone working"],
        ["PREVENT", "Equality, Diversity and Inclusion", "Health and Safety"],
    )
    assert pairs == [
        ("PREVENT training or WRAP", "PREVENT"),
        ("Equality and Diversity", "Equality, Diversity and Inclusion"),
    ]
    answer, _ = ask(model_runtime, "compare the training for both roles")
    assert "“PREVENT training or WRAP” (Engagement Worker) and “PREVENT” (Strategic Manager)" in answer.text
    only_sm = next(line for line in answer.text.splitlines() if line.startswith("- Only Strategic Manager"))
    assert "PREVENT" not in only_sm and "Equality" not in only_sm


def test_a_course_level_is_not_a_role_level_and_a_partial_match_is_not_a_yes(model_runtime) -> None:
    answer, _ = ask(model_runtime, "is safeguarding level 3 in both templates?")
    assert answer.text.startswith("No: only the Strategic Manager template lists it.")  # "both?" is a yes/no
    assert "The **Engagement Worker** template has no entry naming safeguarding level 3; related:" in answer.text


def test_yes_no_answers_show_what_a_person_needs_next(model_runtime) -> None:
    # anything on a subject: the competences and the training entries both answer
    answer, _ = ask(model_runtime, "is there anything on lone working for the EW?")
    assert answer.text.startswith("Yes.")
    assert "Manage lone workers" in answer.text and "- Lone working" in answer.text
    # on a short list: the whole list, for context
    answer, _ = ask(model_runtime, "is data protection on the stat and mand list for the EW?")
    assert "The whole list: Safeguarding; Data Protection; Information Governance" in answer.text
    # a "No" on competences names the entries that share part of it
    answer, _ = ask(model_runtime, "does the EW have to chair meetings as part of the role?")
    assert answer.text.startswith("No.")
    assert "Related:\n- Represent one's own agency at meetings" in answer.text
    assert "mentions chair meetings part" not in answer.text
    # training asked, a competence names it: a yes, said as what it is
    answer, _ = ask(model_runtime, "do engagement workers need hand hygiene training?")
    assert answer.text.startswith("Yes, as a competence: no training entry names hand hygiene")
    assert "Perform hand hygiene to prevent the spread of infection" in answer.text
    assert_well_cited(answer)


def test_a_field_named_by_its_own_label_and_the_locality_section_in_the_templates_words(model_runtime) -> None:
    answer, _ = ask(model_runtime, "what does the EW template say about APEL and progression")
    assert "**APEL and progression**: Wherever possible learning should be transferable through APEL" in answer.text
    answer, _ = ask(model_runtime, "what are the named role and area of work for each of the two templates?")
    assert answer.text.count("**Named Role**") == 2 and answer.text.count("**Area of Work**") == 2
    assert {c.role for c in answer.citations} == {EW, SM}
    answer, _ = ask(model_runtime, "any accreditation or credits for engagement worker learning?")
    assert answer.text.startswith("Yes.") and "credit rated" in answer.text
    answer, _ = ask(model_runtime, "what are the locality specific competences for the EW")
    assert "> Go to the Health Functional Map to begin your search" in answer.text
    # "go to court" is no career move, and mileage is not in the templates
    answer, _ = ask(model_runtime, "do EWs get mileage paid when they go to court")
    assert answer.declined and not answer.citations


def test_levels_and_bands_quote_the_templates_and_pay_is_declined(model_runtime) -> None:
    answer, _ = ask(model_runtime, "Is career framework level 8 the same thing as Agenda for Change band 8?")
    assert answer.text.startswith("No, not the same thing. The templates say:")
    assert (
        "not intended to be coterminous" in answer.text and "Strategic Manager: career framework level 8" in answer.text
    )
    assert {c.role for c in answer.citations} >= {SM}
    answer, _ = ask(model_runtime, "what level is the strategic manager?", "is that the same as band 8?")
    assert "not intended to be coterminous" in answer.text
    answer, _ = ask(model_runtime, "What band is the strategic manager paid at?")
    assert answer.declined


def test_follow_ups_that_point_back_keep_the_list_and_narrow_it(model_runtime) -> None:
    answer, _ = ask(
        model_runtime,
        "what are the role specific competences for the engagement worker?",
        "which of those are about risk?",
    )
    assert "competences about risk" in answer.text and "Assess offenders for risk factors" in answer.text
    assert "Core competences" not in answer.text
    answer, _ = ask(
        model_runtime,
        "which competences does the strategic manager have about research?",
        "and does the EW have any of those?",
    )
    assert answer.text.startswith("No.") and "mentions research" in answer.text
    answer, _ = ask(model_runtime, "what training does the SM need", "which of those does the EW also get?")
    assert "In both (4): Information Governance; Trauma-informed practices" in answer.text


def test_which_role_from_retrieval_names_the_role_first_and_salary_is_declined(tmp_path) -> None:
    from bot.runtime import load_runtime
    from bot.settings import Settings

    from .conftest import FIXTURE_TEMPLATES

    runtime = load_runtime(
        Settings.from_env({"ROLEBOT_KNOWLEDGE_DIR": str(FIXTURE_TEMPLATES), "ROLEBOT_INDEX_DIR": str(tmp_path)})
    )
    answer, _ = runtime.engine.answer("which role says a driving licence is desirable?")
    assert answer.text.startswith("**Support Worker**: its template says:")
    answer, _ = runtime.engine.answer("Is the support worker template still only a draft?")
    assert "**Support Worker**: Draft March 2024" in answer.text
    answer, _ = runtime.engine.answer("What Agenda for Change band and salary does the clinical lead get?")
    assert answer.declined and not answer.citations


def test_counts_of_a_possessive_role_and_of_references(model_runtime) -> None:
    answer, _ = ask(model_runtime, "How many quality competences are in the SM's role specific list?")
    assert answer.text.startswith("5 role specific competences under 5. Quality")
    answer, _ = ask(model_runtime, "how many references does the engagement worker template have?")
    assert answer.text.startswith("4 references are listed in the Engagement Worker template:")
    answer, _ = ask(model_runtime, "which role has to manage lone workers?")
    assert answer.text.startswith("Both:")


def test_review_findings_stay_fixed(model_runtime) -> None:
    """Found by a newcomer asking questions of their own."""
    assert ask(model_runtime, "Can you write me a job advert for the engagement worker?")[0].declined
    assert ask(model_runtime, "Can I take annual leave during my first month as an engagement worker?")[0].declined
    answer, _ = ask(model_runtime, "whats the experiance needed for the strategic manger?")
    assert not answer.text.startswith(("Yes", "No")) and "Significant experience" in answer.text
    answer, _ = ask(model_runtime, "Which role leads the team?")
    assert answer.text.startswith("**Strategic Manager**") and "Lead your team" in answer.text
    answer, _ = ask(model_runtime, "my new starter is an engagement worker, what competences should I sign off first?")
    assert "Core competences** (14)" in answer.text and "starter" not in answer.text
    answer, _ = ask(model_runtime, "which role works with probation?")
    assert answer.text.startswith("**Engagement Worker**") and "probation services" in answer.text
    answer, _ = ask(model_runtime, "can the engagement worker work alone?")
    assert answer.text.startswith("Yes.") and "Lone working" in answer.text
    answer, _ = ask(model_runtime, "Is the strategic manager template final?")
    assert "Final February 2023" in answer.text
    answer, _ = ask(model_runtime, "how many competences does the strategic manager have in total?")
    assert answer.text.count("Health, Safety and Security (") == 1
    answer, _ = ask(model_runtime, "Does the EW need to do research?")
    assert "…and 1 more" in answer.text


def test_second_review_round_stays_fixed(model_runtime) -> None:
    answer, _ = ask(model_runtime, "Do you have a template for a liaison and diversion practitioner?")
    assert answer.declined and "no role profile template for liaison and diversion practitioner" in answer.text
    answer, _ = ask(
        model_runtime,
        "I'm putting together a job advert for an engagement worker and wondered whether the templates say"
        " anything about the experience we should ask for?",
    )
    assert answer.text.startswith("Yes.") and "DBS clearance or vetting" in answer.text
    answer, _ = ask(
        model_runtime,
        "my new EW has never worked in criminal justice before - does the template suggest any training for that?",
    )
    assert answer.text.startswith("Yes.") and "Introduction to the Criminal Justice System" in answer.text
    answer, _ = ask(model_runtime, "I've just started as an engagement worker. How much responsibility will I have?")
    assert "responsibility for supervision of some staff" in answer.text
    answer, _ = ask(model_runtime, "is the equality and diversity training the same for both roles?")
    assert answer.text.startswith("Yes, the same subjects, but worded differently")
    assert "Uphold the rights" not in answer.text  # training was asked, not competences


def test_a_qualification_no_template_asks_for_is_a_no(model_runtime) -> None:
    answer, _ = ask(model_runtime, "Do I need a degree to be an engagement worker?")
    assert answer.text.startswith("No.") and "Level 3 NVQ/Diploma" in answer.text


# -- readings: the ask, its context and the message as a whole ---------------------------------------------------


def test_context_before_the_ask_is_not_its_subject(model_runtime) -> None:
    answer, _ = ask(model_runtime, "union rep here - is chairing meetings part of the engagement worker profile?")
    assert answer.text.startswith("No.")
    assert "union" not in answer.text.lower() and "rep " not in answer.text.lower()
    assert "Chair meetings" in answer.text  # the other role's template has it, said as such


def test_the_role_can_come_from_the_context(model_runtime) -> None:
    answer, _ = ask(
        model_runtime,
        "HR business partner here. We have two candidates for the engagement worker post, one with a level 3"
        " diploma. Can you give me the exact Experience Required for the role so I can check the shortlist?",
    )
    assert_well_cited(answer)
    assert answer.roles == (EW,)
    assert "DBS clearance or vetting, where appropriate" in answer.text
    assert not answer.text.startswith(("Yes", "No"))  # a request for the field, not a yes/no
    assert "shortlist" not in answer.text.lower() and "candidates" not in answer.text.lower()


def test_number_first_then_the_whole_list(model_runtime) -> None:
    answer, _ = ask(
        model_runtime,
        "How many core competences does the SM have? Give me the number then list them so I can tick them off",
    )
    assert_well_cited(answer)
    assert answer.text.startswith("22 core competences")
    assert "tick" not in answer.text.lower()
    assert "Develop and maintain your professional networks" in answer.text  # the list follows, complete


def test_is_it_blank_is_answered_by_whether_it_is(model_runtime) -> None:
    answer, _ = ask(
        model_runtime, "The SM's statutory and mandatory row looks empty on my copy - is it actually blank?"
    )
    assert answer.text.startswith("Yes")
    assert "left blank" in answer.text or "leaves" in answer.text
    assert "copy" not in answer.text.lower()
    answer, _ = ask(model_runtime, "is the engagement worker's statutory and mandatory training blank?")
    assert answer.text.startswith("No")
    assert "Information Governance" in answer.text


def test_a_claim_about_a_level_is_answered_by_the_level(model_runtime) -> None:
    answer, _ = ask(model_runtime, "the EW is a level 3 post, isn't it?")
    assert answer.text.startswith("No.\nThe **Engagement Worker** is at career framework level 4.")
    answer, _ = ask(model_runtime, "is the strategic manager level 8?")
    assert answer.text.startswith("Yes.\n")
    answer, _ = ask(model_runtime, "ew lvl?")
    assert "career framework level 4" in answer.text
    answer, _ = ask(model_runtime, "ew informal lrng?")
    assert "Introduction to the Criminal Justice System" in answer.text


def test_chat_noise_is_not_what_is_asked_and_acronyms_are(model_runtime) -> None:
    answer, _ = ask(model_runtime, "strategc managr - do they hav to do hand hygine?? lol")
    assert answer.text.startswith("Yes.") and "Perform hand hygiene" in answer.text
    answer, _ = ask(model_runtime, "does the engagement worker need CPR training?")
    assert answer.text.startswith("No.")


def test_prices_local_contacts_and_a_roles_band_are_declined(model_runtime) -> None:
    for question in (
        "Who pays for the DBS check for a new engagement worker and how much does it cost?",
        "Who is the person I contact at my trust to book my PREVENT training?",
        "What Agenda for Change band is the engagement worker?",
        "Can I do the EW job part-time?",
    ):
        answer, _ = ask(model_runtime, question)
        assert answer.declined and not answer.citations, question
    answer, _ = ask(model_runtime, "is career framework level 8 the same as band 8?")
    assert not answer.declined and "coterminous" in answer.text


def test_a_forwarded_email_is_answered_for_its_question(model_runtime) -> None:
    message = (
        "Subject: FW: EW learning\n\nMorning,\n\nBelow is from Gareth - can you help?\n\n> Hi Sam, the panel"
        " wants to know which statutory and mandatory learning the engagement worker profile lists. Could you"
        " check?\n> Best,\n> Gareth"
    )
    answer, _ = ask(model_runtime, message)
    assert "Data Protection" in answer.text and "Gareth" not in answer.text


def test_questions_about_the_framework_are_answered_from_its_text(model_runtime) -> None:
    """Whichever role is named: the framework every template shares, with the first word it supports."""
    answer, _ = ask(model_runtime, "Can we reword the NOS competence titles in our EW JD to make them friendlier?")
    assert answer.text.startswith("No, not their content or wording:") and "cannot be changed" in answer.text
    answer, _ = ask(
        model_runtime, "can we use the competences of the SM template on its own, or is it meant to be whole?"
    )
    assert answer.text.startswith("No: the template is designed to be used as a whole.")
    answer, _ = ask(model_runtime, "are the engagement worker competences linked to the KSF at all?")
    assert answer.text.startswith("Yes.") and "knowledge and skills framework" in answer.text.lower()
    # a competence that names change is not a question about changing the NOS
    answer, _ = ask(model_runtime, "Which role has 'Implement change' as a competence?")
    assert "Implement change" in answer.text


def test_where_a_competence_sits_and_which_templates_list_it(model_runtime) -> None:
    answer, _ = ask(
        model_runtime, "'Peer training and mentoring' - it's in the SM template, what function does it come under?"
    )
    assert answer.text.startswith(
        "'Peer training and mentoring' is in the Role specific competences of the **Strategic Manager**"
    )
    assert "2. Personal and People Development" in answer.text
    answer, _ = ask(model_runtime, "Which templates include the competence 'Manage lone workers'?")
    assert answer.text.startswith("2 of the 2 templates list 'Manage lone workers'")
    answer, _ = ask(model_runtime, "Which roles lead to registration with a professional body?")
    assert answer.text.startswith("None: every one of the 2 templates leaves Leading to registration")
