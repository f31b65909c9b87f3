"""Readings of a question, ranked by how well the templates support them, and roles among many similar
ones: the shipped two with the invented family of eight loaded beside them (the real model)."""

from __future__ import annotations

import re

import pytest

from bot.answering.answer import Answer

from .conftest import ask_turns

pytestmark = pytest.mark.model


def short_names(runtime, answer: Answer) -> set[str]:
    by_role = {p.role: p.short_name for p in runtime.kb.profiles}
    return {by_role[r] for r in answer.roles}


def cited(runtime, answer: Answer) -> set[str]:
    by_role = {p.role: p.short_name for p in runtime.kb.profiles}
    return {by_role[c.role] for c in answer.citations if c.role}


def test_the_most_specific_title_wins(family_runtime) -> None:
    answer = ask_turns(family_runtime, "the senior crisis support worker's health and safety competences")
    assert short_names(family_runtime, answer) == {"Senior Crisis Support Worker"}
    assert cited(family_runtime, answer) == {"Senior Crisis Support Worker"}
    answer = ask_turns(family_runtime, "what does an advanced clinical practitioner need for registration?")
    assert cited(family_runtime, answer) == {"Advanced Clinical Practitioner"}


def test_a_title_that_fits_several_templates_is_answered_for_each_never_one_silently(family_runtime) -> None:
    answer = ask_turns(family_runtime, "what training does a support worker need?")
    assert {"Crisis Support Worker", "Senior Crisis Support Worker"} <= cited(family_runtime, answer)
    assert "**Crisis Support Worker**" in answer.text and "**Senior Crisis Support Worker**" in answer.text
    # initials two templates share ("SM": Strategic Manager, Service Manager) name both
    answer = ask_turns(family_runtime, "SM experience required")
    assert {"Strategic Manager", "Service Manager"} <= cited(family_runtime, answer)


def test_a_role_named_to_rule_it_out_is_not_answered(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "What does the experience required say for the service manager, not the strategic manager?"
    )
    assert cited(family_runtime, answer) == {"Service Manager"}
    assert "willingness to work towards management qualification" not in answer.text


def test_which_roles_covers_every_template_in_either_wording(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Which of the roles mention working alone or lone working?")
    assert "Working alone safely" in answer.text  # the Crisis Support Worker's wording
    assert "Lone working" in answer.text or "Lone Working" in answer.text
    assert {"Crisis Support Worker", "Senior Crisis Support Worker", "Engagement Worker"} <= cited(
        family_runtime, answer
    )


def test_which_templates_leave_a_field_blank_and_levels_across_templates(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Which templates have nothing filled in for statutory and mandatory learning?")
    assert cited(family_runtime, answer) == {"Strategic Manager", "Service Manager"}
    assert answer.text.startswith("2 of the 10 templates leave it blank")
    answer = ask_turns(family_runtime, "What's the lowest level role you have a template for?")
    assert "Transport Assistant" in answer.text and "level 2" in answer.text
    answer = ask_turns(family_runtime, "which roles are level 8?")
    assert cited(family_runtime, answer) == {"Strategic Manager", "Service Manager"}


def test_the_status_of_templates(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Is the clinical director template final?")
    assert answer.text.startswith("No: its status is 'Draft")
    answer = ask_turns(family_runtime, "Which templates are still drafts rather than final?")
    assert len(cited(family_runtime, answer)) >= 4


# -- the shipped two -----------------------------------------------------------------------------------------


def test_an_entry_of_the_last_list_by_its_place(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "list the EW core competences", "how many is that? and which one is last in the table?"
    )
    assert answer.text.startswith("14 core competences")
    assert "The last one in that list is: **Use digital communications**" in answer.text
    answer = ask_turns(model_runtime, "what training does an engagement worker need", "what's the first one?")
    assert answer.text.startswith("The first one in that list is: **Safeguarding**")
    assert len(answer.citations) == 1


def test_a_follow_up_that_asks_for_something_similar_carries_the_subject(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "what does the SM template say about supervision", "and does the EW have anything similar?"
    )
    assert answer.text.startswith("Yes")
    assert "Make use of supervision" in answer.text


def test_an_indirect_question_behind_its_context(model_runtime) -> None:
    answer = ask_turns(
        model_runtime,
        "I'm a GMB workplace rep. A strategic manager member has been told she has to chair every meeting. I'm not"
        " disputing it's her job, I just want to know what the template lists under management and administration"
        " for the strategic manager.",
    )
    assert "Chair meetings" in answer.text and "Manage budgets" in answer.text
    assert not answer.declined


def test_an_instruction_before_a_colon_shapes_the_answer(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "Give me the number first then list them: the core competences for the engagement worker."
    )
    assert answer.text.startswith("14 core competences")
    assert "Store and retrieve information using a filing system" in answer.text


def test_equivalent_experience_is_not_a_must(model_runtime) -> None:
    answer = ask_turns(model_runtime, "Does the engagement worker absolutely have to hold a Level 3 NVQ or Diploma?")
    assert answer.text.startswith("No, not necessarily")
    assert "or equivalent experience" in answer.text


def test_a_yes_no_names_only_words_the_templates_use_as_its_subject(model_runtime) -> None:
    answer = ask_turns(model_runtime, "Does the engagement worker need a full UK driving licence and access to a car?")
    assert not answer.text.startswith("Yes")
    answer = ask_turns(model_runtime, "Is 'Manage budgets' one of the strategic manager's core competences?")
    assert answer.text.startswith("No.")
    assert "'Manage budgets' is in the Role specific competences of the **Strategic Manager** template" in answer.text


def test_a_no_about_what_the_template_says_elsewhere_gives_way_to_where_it_says_it(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "quick q from the transport office - does the TA need a driving licence and for how long?"
    )
    assert "Full UK driving licence held for at least two years" in answer.text
    assert not answer.text.startswith("No")
    answer = ask_turns(family_runtime, "my rep says the SCSW profile makes them responsible for the rota, is that true")
    assert answer.text.startswith("No.")
    assert "rep" not in answer.text.split("\n")[1] and "Plan and organise the work rota of a team" in answer.text


def test_a_role_named_by_what_it_does_or_where(family_runtime) -> None:
    """No title, a description: the template whose title, area and scope share most of its words."""
    answer = ask_turns(family_runtime, "the perinatal manager - what are their role specific competences?")
    assert cited(family_runtime, answer) == {"Service Manager"} and "Manage a budget" in answer.text
    answer = ask_turns(
        family_runtime,
        "The person who drives patients to their hospital appointments - what stat and mand do they need?",
    )
    assert cited(family_runtime, answer) == {"Transport Assistant"}
    answer = ask_turns(
        family_runtime,
        "the worker who visits people in crisis at home (not the senior one) - what are her core competences?",
    )
    assert cited(family_runtime, answer) == {"Crisis Support Worker"}
    # a title no template has is not a description of one that does
    answer = ask_turns(family_runtime, "what training does a paramedic need?")
    assert answer.declined and answer.topic == "unknown-role"
    # "for crisis support workers" is not a typo of "senior crisis support worker"
    answer = ask_turns(family_runtime, "Is interpreting covered anywhere for crisis support workers?")
    assert answer.text.startswith("Yes.") and "Crisis Support Worker" in cited(family_runtime, answer)
    assert "Senior Crisis Support Worker" not in short_names(family_runtime, answer)


def test_a_role_the_asker_describes_as_their_own_job(family_runtime) -> None:
    answer = ask_turns(family_runtime, "I run the perinatal team. What's on my statutory and mandatory training list?")
    assert cited(family_runtime, answer) == {"Service Manager"}
    answer = ask_turns(
        family_runtime, "I drive patients to their hospital appointments. What do I need before I start?"
    )
    assert cited(family_runtime, answer) == {"Transport Assistant"} and "Full UK driving licence" in answer.text
    answer = ask_turns(
        family_runtime, "I lead the rehab assistants who go into people's homes. What experience does my template want?"
    )
    assert cited(family_runtime, answer) == {"Team Leader"}
    # "transport" is not "transfer": the one template whose title says it
    answer = ask_turns(family_runtime, "the ambulance transport person - what level are they?")
    assert cited(family_runtime, answer) == {"Transport Assistant"}
    answer = ask_turns(family_runtime, "perinatal mgr role spec comps - bullets")
    assert cited(family_runtime, answer) == {"Service Manager"} and "Manage a budget" in answer.text
    # a job no template fits is still asked about: "which role do you mean?"
    answer = ask_turns(family_runtime, "I work on the wards. What training do I need?")
    assert not answer.citations or len(cited(family_runtime, answer)) != 1


def test_a_group_of_roles_and_the_role_one_step_up(family_runtime) -> None:
    answer = ask_turns(family_runtime, "same stat/mand for both crisis roles?")
    assert cited(family_runtime, answer) == {"Crisis Support Worker", "Senior Crisis Support Worker"}
    answer = ask_turns(family_runtime, "I'm a crisis support worker, what would I need to become a senior?")
    assert "to **Senior Crisis Support Worker (level 4)**" in answer.text
    answer = ask_turns(family_runtime, "How many of the roles are at level 8 or above? Which ones?")
    assert answer.text.startswith("3 of the 10 roles are at career framework level 8 or above")
    assert "**Clinical Director**" in answer.text and "**Service Manager**" in answer.text
    answer = ask_turns(family_runtime, "list all the roles in order of career framework level, lowest first")
    assert answer.text.index("Transport Assistant") < answer.text.index("Clinical Director")
    answer = ask_turns(family_runtime, "which roles have anything in the locality specific competences section?")
    assert answer.text.startswith("3 of the 10 templates list locality specific competences")


def test_the_same_question_again_for_another_role(family_runtime) -> None:
    """'and the SM one?', 'same for the TA?': the last question, for the role named now; shared initials
    are the role in the area the conversation is in; 'is that the same for ...?' compares, No or Yes first."""
    answer = ask_turns(family_runtime, "When was the engagement worker template last revised?", "and the SM one?")
    assert cited(family_runtime, answer) == {"Strategic Manager"} and "Final February 2023" in answer.text
    answer = ask_turns(family_runtime, "CSW informal learning?", "same for the TA?")
    assert cited(family_runtime, answer) == {"Transport Assistant"} and "Dementia awareness" in answer.text
    answer = ask_turns(
        family_runtime,
        "what's the mandatory training for the senior crisis support worker?",
        "is that the same for the crisis support worker?",
    )
    assert answer.text.startswith("No, they differ.") and "Data Security Awareness" in answer.text
    # a role alone answers "which role?"; it does not ask the last question again
    answer = ask_turns(family_runtime, "i am new", "engagement worker", "what now?")
    assert not answer.declined and "Engagement Worker" in cited(family_runtime, answer)


def test_initials_of_the_templates_own_phrases_and_the_role_a_subject_names(family_runtime) -> None:
    """'MHFA', 'PGDs' are the initials of phrases the templates use; with no role named, the templates that
    say what is asked are the roles asked about."""
    answer = ask_turns(family_runtime, "does the CSW need MHFA?")
    assert answer.text.startswith("Yes.") and "Mental Health First Aid" in answer.text
    answer = ask_turns(family_runtime, "Which competence in the profile covers PGDs?")
    assert cited(family_runtime, answer) == {"Clinical Practitioner"} and "patient group direction" in answer.text
    # two capitals are too often something else ("an ACP post in ED" is not Equality and Diversity)
    answer = ask_turns(family_runtime, "thinking about an ACP post in ED. What experience does that template want?")
    assert "Equality" not in answer.text


def test_seniority_and_a_short_same_question_are_answered_yes_or_no(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "Is a community rehab team leader more senior than a senior crisis support worker?"
    )
    assert answer.text.startswith("Yes: the Team Leader is level 5, the Senior Crisis Support Worker level 4.")
    answer = ask_turns(family_runtime, "same stat/mand for both crisis roles?")
    assert answer.text.startswith("No, they differ.")
    answer = ask_turns(family_runtime, "whats the highest level role in the templates and what does that level mean")
    assert "Clinical Director" in answer.text and "People at level 9" in answer.text


def test_which_roles_do_not_list_something(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Which roles don't have hand hygiene in their core competences?")
    assert answer.text.startswith("2 of the 10 templates do not list hand hygiene in their core competences:")
    assert cited(family_runtime, answer) == {"Clinical Director", "Service Manager"}


def test_the_last_question_asked_again_is_read_every_way_and_embedded_itself(family_runtime) -> None:
    """'same for the SM?' after a question the rules do not answer (its units or retrieval do); 'is that the
    same for the senior one?' finds both titles though one is written inside the other."""
    answer = ask_turns(
        family_runtime,
        "what's the method of capturing impact for the engagement worker?",
        "same for the strategic manager?",
    )
    assert "Method of capturing impact: Annual appraisal" in answer.text
    assert cited(family_runtime, answer) == {"Strategic Manager"}
    answer = ask_turns(
        family_runtime,
        "What's the informal learning for the crisis support worker?",
        "is that the same for the senior one?",
    )
    assert answer.text.startswith("No, they differ.") and "Coaching and mentoring skills" in answer.text


def test_no_template_for_a_title_whatever_the_next_sentence_asks(family_runtime) -> None:
    for question in (
        "Is there a role profile for a Paramedic? What are its competences?",
        "Is there a template for a Rehabilitation Assistant? I need its core competences.",
    ):
        answer = ask_turns(family_runtime, question)
        assert answer.declined and answer.topic == "unknown-role" and not answer.citations, question
    answer = ask_turns(
        family_runtime, "Which is the most senior role by career framework level, and which is the most junior?"
    )
    assert (
        "The Clinical Director has the highest career framework level, 9" in answer.text
        and "The Transport Assistant has the lowest career framework level, 2" in answer.text
    )


def test_registration_is_answered_from_the_registration_row_and_the_experience(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "I heard the L&D Strategic Manager has to hold a nursing registration, is that right?"
    )
    assert answer.text.startswith("No.") and "Recognised management qualification" in answer.text
    answer = ask_turns(
        family_runtime, "I am nurse and I want to work as Clinical Practitioner. Which registration I need?"
    )
    assert "Nursing and Midwifery Council (NMC)" in answer.text and "Registered nurse or midwife" in answer.text
    # a question put in the negative gets the facts, not a Yes or No that could be read either way
    answer = ask_turns(family_runtime, "The Clinical Director doesn't need to be a registered clinician, right?")
    assert not answer.text.startswith(("Yes", "No")) and "Registered clinician" in answer.text


def test_short_forms_and_yes_no_put_loosely(family_runtime) -> None:
    answer = ask_turns(family_runtime, "eng worker CF level?")
    assert "career framework level 4" in answer.text and "Engagement Worker" in cited(family_runtime, answer)
    answer = ask_turns(family_runtime, "The transport assistant is level 3, yes?")
    assert answer.text.startswith("No.\nThe **Transport Assistant** is at career framework level 2.")
    answer = ask_turns(
        family_runtime,
        "Many of our clients not speak English. The crisis support worker profile say something about interpreters?",
    )
    assert answer.text.startswith("Yes.") and "interpreting" in answer.text
    answer = ask_turns(
        family_runtime, "Is the L&D strategic manager expected to report service performance to commissioners?"
    )
    assert answer.text.startswith("Yes.") and "health and justice commissioners" in answer.text
    answer = ask_turns(family_runtime, "What role profiles do you have loaded? Just the titles.")
    assert answer.text.startswith("I have role profile templates for 10 roles")


def test_a_quoted_entry_the_template_asked_about_does_not_list(family_runtime) -> None:
    answer = ask_turns(family_runtime, "is 'Work as part of a team' core for the senior crisis support worker?")
    assert answer.text.startswith("No: the Senior Crisis Support Worker template does not list it.")
    assert "Crisis Support Worker" in cited(family_runtime, answer)
    answer = ask_turns(family_runtime, "The Clinical Director template has 'Manage a budget' in it, right?")
    assert answer.text.startswith("No: the Clinical Director template does not list it.")
    answer = ask_turns(
        family_runtime, "my line manager reckons the team leader in rehab has to do the budget. does she?"
    )
    assert answer.text.startswith("No.") and "reckons" not in answer.text


def test_tables_set_aside_principles_by_part_of_their_name_and_working_alone(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "What health and safety competences are specific to the Strategic Manager (not the core ones)?"
    )
    assert "**Role specific competences** (3)" in answer.text and "Manage lone workers" in answer.text
    assert "Core competences" not in answer.text
    answer = ask_turns(family_runtime, "What health promotion competences does the engagement worker have?")
    assert "competences under C. Health Promotion and Protection: 8 listed" in answer.text
    assert "Model pro-social behaviour when working with individuals" in answer.text
    answer = ask_turns(family_runtime, "what does the crisis support worker profile say about lone working?")
    assert "Minimise risks to yourself when working alone" in answer.text
    answer = ask_turns(family_runtime, "which roles have competences about working alone or lone working?")
    assert {"Crisis Support Worker", "Transport Assistant", "Engagement Worker", "Team Leader"} <= cited(
        family_runtime, answer
    )


def test_where_an_entry_sits_asked_of_the_last_answer_s_subject(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "is manage budgets in the strategic manager profile?", "which reference function is it under?"
    )
    assert "Manage budgets (Manage a budget)" in answer.text


def test_a_service_by_its_everyday_short_name_and_the_person_asked_about_is_not_the_subject(family_runtime) -> None:
    answer = ask_turns(family_runtime, "what training does the nurse in the GUM clinic need?")
    assert cited(family_runtime, answer) == {"Clinical Practitioner"}
    assert "does not mention nurse" not in answer.text and "Patient group directions training" in answer.text
    answer = ask_turns(family_runtime, "what experience does the A&E practitioner need?")
    assert cited(family_runtime, answer) == {"Advanced Clinical Practitioner"}
    answer = ask_turns(family_runtime, "what does the ICB director do?")
    assert cited(family_runtime, answer) == {"Clinical Director"}
    # a profession asked about is still what is asked
    answer = ask_turns(family_runtime, "does the clinical practitioner have to be a nurse?")
    assert answer.text.startswith("Yes") and "Nursing and Midwifery Council" in answer.text


def test_a_job_of_an_area_is_each_worker_of_it_and_a_description_narrows_a_shared_mention(family_runtime) -> None:
    answer = ask_turns(family_runtime, "what training does the crisis worker need?")
    assert cited(family_runtime, answer) == {"Crisis Support Worker", "Senior Crisis Support Worker"}
    assert "**Crisis Support Worker**" in answer.text and "**Senior Crisis Support Worker**" in answer.text
    answer = ask_turns(family_runtime, "what training does a rehabilitation assistant need?")
    assert answer.declined and "no role profile template for rehabilitation assistant" in answer.text
    for message in (
        "the level 8 manager for the mother and baby mental health service - what informal learning have they got",
        "what informal learning does the level 8 manager for the mother and baby mental health service have?",
    ):
        answer = ask_turns(family_runtime, message)
        assert cited(family_runtime, answer) == {"Service Manager"}, message
        assert "Perinatal mental health awareness" in answer.text


def test_a_role_named_in_the_plural_is_not_the_subject(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Do transport assistants do basic life support?")
    assert answer.text.startswith("Yes.") and "Provide basic life support" in answer.text
    assert "assistants" not in answer.text.splitlines()[0]


def test_all_the_role_profiles_is_every_role(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Can you list all the role profiles you have with their career framework level?")
    assert not answer.text.startswith("Which role do you mean?")
    assert "The **Transport Assistant** is at career framework level 2." in answer.text
    assert "The **Clinical Director** is at career framework level 9." in answer.text


def test_every_role_named_by_number_both_of_those_named_and_either_of_them_after_a_list(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Table please: each of the ten roles and its career framework level.")
    assert "The **Transport Assistant** is at career framework level 2." in answer.text
    answer = ask_turns(family_runtime, "lowest level role?")
    assert answer.text.startswith("The Transport Assistant has the lowest career framework level, 2:")
    answer = ask_turns(
        family_runtime,
        "The engagement worker and the senior crisis support worker are both level 4 - is the level definition worded"
        " the same in both?",
    )
    assert answer.text.startswith("Yes") and cited(family_runtime, answer) == {
        "Engagement Worker",
        "Senior Crisis Support Worker",
    }
    answer = ask_turns(
        family_runtime, "which roles are level 8", "do either of them have statutory and mandatory learning listed?"
    )
    assert answer.text.startswith("No.") and {"Strategic Manager", "Service Manager"} <= cited(family_runtime, answer)
    answer = ask_turns(
        family_runtime, "what roles are in mental health crisis services", "which one mentors new support workers?"
    )
    assert not answer.declined and "Mentor new support workers in the workplace" in answer.text


def test_a_claim_with_a_tag_is_answered_yes_or_no(model_runtime, family_runtime) -> None:
    for claim in (
        "SM is lvl 7 yeah? core comps heading says level 7",
        "so the strategic manager is a level 7 post then?",
    ):
        answer = ask_turns(model_runtime, claim)
        assert answer.text.startswith("No.") and "career framework level 8" in answer.text, claim
    answer = ask_turns(family_runtime, "The perinatal service manager is level 9, same as the clinical director?")
    assert answer.text.startswith("No, they differ.")


def test_which_roles_lack_a_field_fill_it_or_how_many_roles_have_something(family_runtime) -> None:
    answer = ask_turns(family_runtime, "which roles dont have anything listed for stat and mand")
    assert answer.text.startswith("2 of the 10 templates leave it blank")
    assert cited(family_runtime, answer) == {"Strategic Manager", "Service Manager"}
    answer = ask_turns(family_runtime, "which templates lead to registration or membership with a professional body?")
    assert answer.text.startswith("2 of the 10 templates fill in") and "General Medical Council (GMC)" in answer.text
    answer = ask_turns(family_runtime, "Which of the ten templates actually name a formal endorsed qualification?")
    assert answer.text.startswith("3 of the 10 templates fill in") and "MSc Advanced Clinical Practice" in answer.text
    answer = ask_turns(family_runtime, "how many roles require DBS clearance")
    assert answer.text.startswith("10: every one of the 10 templates")
    answer = ask_turns(family_runtime, "how many templates do you have?")
    assert answer.text.startswith("10 roles have a role profile template")


def test_a_subject_by_example_a_list_of_any_and_everyday_words(model_runtime, family_runtime) -> None:
    answer = ask_turns(
        model_runtime, "Does the EW template cover boundaries - like keeping professional boundaries with clients?"
    )
    assert answer.text.startswith("Yes.") and "Make and maintain personal and professional boundaries" in answer.text
    answer = ask_turns(
        model_runtime, "Does the strategic manager have anything around money - budgets, contracts, that kind of thing?"
    )
    assert "Manage budgets" in answer.text and "Specify, commission and manage external contracts" in answer.text
    answer = ask_turns(model_runtime, "wat does sm do re incidents")
    assert "Investigate and evaluate incidents of violence at work" in answer.text
    answer = ask_turns(family_runtime, "does the transport assistant need to know CPR?")
    assert answer.text.startswith("Yes.") and "Provide basic life support" in answer.text


def test_follow_ups_on_the_roles_of_the_last_answer(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "Which roles list Freedom to Speak Up?", "and which of those is the most junior?"
    )
    assert answer.text.startswith("The Crisis Support Worker has the lowest career framework level, 3")
    answer = ask_turns(family_runtime, "which roles hv BLS in stat/mand", "how many is that?")
    assert answer.text.startswith("4 of the 10 templates")
    answer = ask_turns(
        family_runtime, "Which roles have 'Manage lone workers'?", "and which of them is the lowest level?"
    )
    assert cited(family_runtime, answer) == {"Engagement Worker", "Senior Crisis Support Worker"}
    answer = ask_turns(
        family_runtime,
        "list the locality specific competences for the ACP",
        "and does the clinical practitioner have any?",
    )
    assert "Deliver sexual health outreach to groups at higher risk" in answer.text


def test_a_no_cites_where_it_looked(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "which competences relate to research in the SM template?", "and does the EW have any of those?"
    )
    assert answer.text.startswith("No.\nNo competence in the Engagement Worker template mentions research [1]")
    assert answer.citations[0].role == "Liaison and Diversion Service Engagement Worker"
    answer = ask_turns(model_runtime, "which competences relate to research in the SM template?", "and the EW?")
    assert answer.text.startswith("No competence in the Engagement Worker template mentions research. [1]")
    assert answer.citations[0].role == "Liaison and Diversion Service Engagement Worker"


def test_the_formal_endorsed_learning_part_by_part_and_its_credits_first(family_runtime) -> None:
    answer = ask_turns(family_runtime, "acp msc how many credits")
    assert answer.text.startswith("180 credits: the MSc Advanced Clinical Practice")
    answer = ask_turns(family_runtime, "How many credits is the team leader's foundation degree?")
    assert answer.text.startswith("240 credits: the Foundation Degree in Health and Social Care")
    answer = ask_turns(
        family_runtime,
        "What formal endorsed learning is in the ACP template - title, awarding body, credits and level?",
    )
    assert "Awarding body: Higher education institution" in answer.text and "Credit: 180 credits" in answer.text
    assert "Wherever possible learning should be credit rated" not in answer.text
    answer = ask_turns(
        family_runtime,
        "What's the formal endorsed learning for the advanced clinical practitioner?",
        "how many credits?",
    )
    assert answer.text.startswith("180 credits")


def test_the_most_recent_reference_by_the_year_it_gives(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "List the references in the strategic manager template", "which one is the most recent?"
    )
    assert answer.text.startswith(
        "The most recent reference in the Strategic Manager template: NHS England Liaison and Diversion Standard"
        " Service Specification (2019)"
    )
    answer = ask_turns(model_runtime, "what is the oldest reference in the EW template?")
    assert "Summary of Attributes and Definitions for Career (2010)" in answer.text.splitlines()[0]


def test_people_to_contact_pay_days_and_benefits_are_declined(family_runtime) -> None:
    for question in (
        "Is there a lease car or essential car user allowance with the strategic manager job?",
        "Who is the named safeguarding lead I should contact in the sexual health service?",
        "who do I speak to about swapping my rota? im a rehab assistant on the team leader's team",
        "when do I get paid, is it monthly?",
    ):
        answer = ask_turns(family_runtime, question)
        assert answer.declined and not answer.citations, question
    answer = ask_turns(family_runtime, "who does the SM work with?")
    assert not answer.declined


def test_subjects_in_everyday_words_and_two_roles_named_before_templates(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "crisis worker helping someone who's homeless tonight - anything in the CSW template about housing?",
    )
    assert "Support individuals to access emergency accommodation" in answer.text
    answer = ask_turns(family_runtime, "wat r the SM core comps for health n safety")
    assert "Support the safeguarding of individuals" in answer.text
    answer = ask_turns(family_runtime, "What does the ACP profile say about teaching juniors and the wider team?")
    assert "Lead the clinical education of the multidisciplinary team" in answer.text
    answer = ask_turns(
        family_runtime,
        "What do the transport assistant and the clinical practitioner templates say about record keeping?",
    )
    assert cited(family_runtime, answer) == {"Transport Assistant", "Clinical Practitioner"}


def test_a_count_under_a_principle_named_by_its_letter(model_runtime) -> None:
    answer = ask_turns(
        model_runtime,
        "how many engagement worker role specific competences sit under H. Management and Administration?"
        " number then the list",
    )
    assert answer.text.startswith("5 role specific competences under H. Management and Administration")
    assert "Represent one's own agency at meetings" in answer.text


def test_drafts_counted_a_formal_part_checked_a_quoted_no_cited_and_training_as_one_subject(
    model_runtime, family_runtime
) -> None:
    answer = ask_turns(
        family_runtime,
        "How many of the ten templates are still drafts rather than final? Number first, then which ones.",
    )
    assert answer.text.startswith("4 of the 10 templates are drafts: Team Leader, Clinical Director")
    answer = ask_turns(
        family_runtime,
        "Answer yes or no only: does the community rehab team leader template name an awarding body for its formal"
        " learning?",
    )
    assert answer.text.startswith("Yes.") and "Higher education institution" in answer.text
    answer = ask_turns(family_runtime, "Is 'Lead your team' one of the perinatal service manager's competences?")
    assert answer.text.startswith("No.\nNo competence in the Service Manager template mentions lead your team")
    assert "Service Manager" in cited(family_runtime, answer)
    answer = ask_turns(
        model_runtime, "What does the strategic manager template say about supervising, training or mentoring others?"
    )
    assert "Provide supervision to other individuals" in answer.text and "Peer training and mentoring" in answer.text


def test_hold_is_how_it_is_asked_and_a_service_s_full_initials(model_runtime, family_runtime) -> None:
    answer = ask_turns(
        model_runtime, "does the strat manager hold a budget? one of our members was told it's not part of the job"
    )
    assert answer.text.startswith("Yes") and "Manage budgets" in answer.text
    answer = ask_turns(family_runtime, "pts assistant scope?")
    assert cited(family_runtime, answer) == {"Transport Assistant"}
    assert "hospital appointments, clinics and day services" in answer.text


def test_where_a_role_works_and_who_it_works_alongside_are_its_scope(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "im picking up bank shifts with the crisis cafe team - where does the support worker actually work?",
    )
    assert not answer.declined and "crisis cafes and in safe havens" in answer.text
    answer = ask_turns(family_runtime, "Who does the perinatal boss have to work alongside, according to the profile?")
    assert cited(family_runtime, answer) == {"Service Manager"} and "mother and baby unit" in answer.text


def test_a_qualification_the_template_accepts_willingness_for_is_not_a_must(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "Does the advanced clinical practitioner already need to hold the master's when they start?"
    )
    assert answer.text.startswith("No, not necessarily: the template accepts a willingness to complete it instead.")
    assert "Master's degree in Advanced Clinical Practice or willingness to complete one" in answer.text


def test_the_service_area_of_each_and_the_experience_with_the_formal_qualification(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "We have a clinical director and a clinical practitioner - easy to mix up on the intranet. What level is each,"
        " and which service area is each in?",
    )
    assert (
        "**Area of Work**: Integrated Care" in answer.text and "**Area of Work**: Sexual Health Services" in answer.text
    )
    answer = ask_turns(
        family_runtime,
        "we are recruiting a team leader for the community rehab service and i need to get the advert out this week can"
        " you tell me the experience required and the formal qualification the template names",
    )
    assert "Experience of leading a small team" in answer.text
    assert "Foundation Degree in Health and Social Care" in answer.text


def test_which_roles_have_a_quoted_reference_function(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Which roles have 'Provide leadership' as a reference function?")
    assert answer.text.startswith(
        "3 of the 10 templates have competences under the reference function 'Provide leadership':"
    )
    assert "Provide strategic leadership across organisations" in answer.text and "Lead your team" in answer.text


def test_a_few_words_of_subject_before_a_dash_and_the_formal_qualification_compared(family_runtime) -> None:
    answer = ask_turns(family_runtime, "hiring and workforce - what's in the perinatal service manager role?")
    assert "Recruit, select and keep colleagues" in answer.text and "Plan the workforce of a service" in answer.text
    answer = ask_turns(
        family_runtime,
        "clinical practitioner vs advanced clinical practitioner - level and formal qualification for each?",
    )
    assert "Diploma of the Faculty of Sexual and Reproductive Healthcare" in answer.text
    assert "MSc Advanced Clinical Practice" in answer.text


def test_review_findings_of_the_sixth_round_stay_fixed(family_runtime) -> None:
    """Questions a reviewer found misread by this round's rules, each the ordinary reading again."""
    answer = ask_turns(family_runtime, "Does the EW have any role specific competences?")
    assert cited(family_runtime, answer) == {"Engagement Worker"}  # "any role specific" is not every role
    answer = ask_turns(family_runtime, "Which roles list Freedom to Speak Up?", "which one needs a degree for entry?")
    assert "lowest career framework level" not in answer.text  # "entry" is no ranking by level
    answer = ask_turns(family_runtime, "Does the SM template have anything about supporting the team leaders?")
    assert "Lead your team" in answer.text  # the role named after "about" is the subject
    answer = ask_turns(family_runtime, "Is the ACP MSc worth 60 credits?")
    assert answer.text.startswith("No.") and "180 credits" in answer.text
    answer = ask_turns(family_runtime, "I am starting as an EW next month, what training do I need to do then?")
    assert not answer.text.startswith(("Yes", "No"))  # "then?" after a question word is no claim
    answer = ask_turns(family_runtime, "Is there a difference between what the EW does and what the SCSW does?")
    assert cited(family_runtime, answer) == {"Engagement Worker", "Senior Crisis Support Worker"}
    answer = ask_turns(family_runtime, "Does the SM template make any allowance for prior learning?")
    assert not answer.declined
    answer = ask_turns(family_runtime, "Who do I go to for clinical supervision as a CP?")
    assert not answer.declined


def test_the_first_word_of_a_yes_no_is_what_its_own_lines_say(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Is the ACP MSc funded by the employer?")
    assert answer.text.startswith("Yes") and "Funded by the employer for the MSc" in answer.text
    answer = ask_turns(family_runtime, "does the crisis support worker need safeguarding adults level 3?")
    assert answer.text.startswith("No") and "Safeguarding Adults (Level 2)" in answer.text
    answer = ask_turns(family_runtime, "does the crisis support worker need safeguarding adults level 2?")
    assert answer.text.startswith("Yes")


def test_a_clause_that_sets_the_scene_and_a_level_before_a_title(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "Before I challenge that at the contract meeting, does the transport assistant template say anything"
        " about basic life support?",
    )
    assert answer.text.startswith("Yes") and "Provide basic life support" in answer.text
    # a question word earlier in the clause: "what ... does the template say" is no yes/no
    answer = ask_turns(family_runtime, "what experience does the template say the engagement worker needs?")
    assert not answer.text.startswith(("Yes", "No")) and "Previous experience of working with adults" in answer.text
    # "the level 4 engagement worker" is one role, not also the other level 4 role
    answer = ask_turns(
        family_runtime, "For the level 4 engagement worker post, which diploma does the template mention?"
    )
    assert cited(family_runtime, answer) == {"Engagement Worker"}


def test_a_follow_up_that_only_says_how_to_answer_shapes_the_last_answer(family_runtime) -> None:
    answer = ask_turns(family_runtime, "transport assistant stat man?", "number first pls")
    assert answer.text.startswith("4 ") and "Fire Safety" in answer.text
    answer = ask_turns(
        family_runtime,
        "What are the strategic manager's research competences?",
        "put them as a numbered list, titles only",
    )
    assert "Produce a detailed research and development plan" in answer.text


def test_an_entry_named_in_a_roles_own_words_and_where_it_is_listed(family_runtime) -> None:
    """'Mental Health First Aid' uses the crisis roles' area words; it is still the entry asked about."""
    answer = ask_turns(family_runtime, "Is Mental Health First Aid mandatory for the crisis support worker?")
    assert answer.text.startswith("No") and "Mental Health First Aid (under Informal learning)" in answer.text
    answer = ask_turns(family_runtime, "does the crisis support worker do mental health first aid?")
    assert answer.text.startswith("Yes") and "Mental Health First Aid" in answer.text
    answer = ask_turns(
        family_runtime, "the formal learning for the sexual health clinical practitioner is an MSc isn't it?"
    )
    assert (
        answer.text.startswith("No") and "Diploma of the Faculty of Sexual and Reproductive Healthcare" in answer.text
    )


def test_a_reading_that_names_what_it_answers_beats_the_nearest_passages(family_runtime) -> None:
    answer = ask_turns(family_runtime, "leadership stuff for the ACP?")
    assert "Lead the clinical education of the multidisciplinary team" in answer.text
    # everyday words for the templates' own
    answer = ask_turns(family_runtime, "resus - what's in the ED ACP template?")
    assert "Lead the resuscitation of adults and children" in answer.text and "Advanced Life Support" in answer.text
    answer = ask_turns(family_runtime, "safeguarding kids - what's in the sexual health nurse template?")
    assert "Safeguarding Children (Level 3)" in answer.text
    answer = ask_turns(family_runtime, "what does the crisis support worker template say about aggression or violence?")
    assert "Breakaway training" in answer.text
    # a part answered from the nearest passages is still answered beside the others
    answer = ask_turns(
        family_runtime,
        "Two questions: does a transport assistant need a driving licence, and how often is their learning reviewed?",
    )
    assert "Full UK driving licence" in answer.text and "Frequency required" in answer.text


def test_the_message_as_a_whole_does_not_take_its_context_for_the_subject(model_runtime) -> None:
    answer = ask_turns(
        model_runtime,
        "I'm new to the team as a strategic manager. What are the key components of my role according to the template?",
    )
    assert "workforce planning and development" in answer.text and "says about team" not in answer.text


def test_where_a_subject_appears_and_whether_any_template_has_it(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Where in the templates does conflict resolution appear?")
    assert {"Crisis Support Worker", "Senior Crisis Support Worker", "Transport Assistant"} <= cited(
        family_runtime, answer
    )
    # "where does it appear" asks for every place, not the one competence that names it
    answer = ask_turns(family_runtime, "where does lone working appear in the engagement worker template?")
    assert "Manage lone workers" in answer.text and "Lone working (under Informal learning)" in answer.text
    answer = ask_turns(
        family_runtime, "I'm designing a short course on lone working. Where does it appear across the templates?"
    )
    assert {"Engagement Worker", "Crisis Support Worker", "Transport Assistant"} <= cited(family_runtime, answer)
    assert "Working alone safely" in answer.text
    answer = ask_turns(family_runtime, "Do any of the templates mention dementia?")
    assert answer.text.startswith("Yes: only the Transport Assistant template")
    answer = ask_turns(family_runtime, "which section of the SM template covers chairing meetings")
    assert "in the Role specific competences of the **Strategic Manager** template" in answer.text


def test_a_yes_no_about_the_level_descriptor(model_runtime) -> None:
    answer = ask_turns(
        model_runtime,
        "What career framework level is the engagement worker?",
        "does that level say anything about supervising other staff?",
    )
    assert answer.text.startswith("Yes.") and "responsibility for supervision of some staff" in answer.text
    answer = ask_turns(
        model_runtime, "Does the level 8 descriptor for the strategic manager say anything about commissioning?"
    )
    assert answer.text.startswith("Yes.") and "commissioning role" in answer.text


def test_nos_codes_are_not_in_the_templates(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "what's the NOS code for 'Manage lone workers'? need it for the training database"
    )
    assert answer.declined and not answer.citations
    answer = ask_turns(
        family_runtime, "How many statutory and mandatory courses are listed for the crisis support worker?"
    )
    assert answer.text.startswith("8 ")


def test_how_many_of_the_roles_and_whether_all_of_them_have_it(family_runtime) -> None:
    answer = ask_turns(family_runtime, "How many of the ten roles are at level 4?")
    assert answer.text.startswith("2 of the 10")
    assert cited(family_runtime, answer) == {"Engagement Worker", "Senior Crisis Support Worker"}
    answer = ask_turns(family_runtime, "tl ew and scsw all have manage lone workers?")
    assert answer.text.startswith("Yes")
    # "identical" compares; it is no subject ("Identify ..." is not "identical")
    answer = ask_turns(
        family_runtime,
        "EW and senior crisis support worker are both level 4 so do they have identical core competences?",
    )
    assert answer.text.startswith("No, they differ.")


def test_any_other_role_is_every_template_but_the_one_the_conversation_is_on(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "clinical director stat and mandatory", "is freedom to speak up in any other role's list?"
    )
    assert answer.text.startswith("Yes: only the Crisis Support Worker template lists it.")
    assert "Clinical Director" not in cited(family_runtime, answer)


def test_the_last_question_keeps_its_words_and_a_matrix_is_only_what_it_is_for(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "is the rehab team leader template final?", "what about the clinical director one?"
    )
    assert answer.text.startswith("No: its status is 'Draft'")
    assert cited(family_runtime, answer) == {"Clinical Director"}
    answer = ask_turns(
        family_runtime, "training matrix: informal learning for the senior crisis support worker, titles only"
    )
    assert (
        cited(family_runtime, answer) == {"Senior Crisis Support Worker"}
        and "Coaching and mentoring skills" in answer.text
    )


def test_whose_competence_a_quoted_title_is(family_runtime) -> None:
    answer = ask_turns(family_runtime, "whose competence is 'Recruit, select and keep colleagues'?")
    assert answer.text.startswith("1 of the 10 templates lists 'Recruit, select and keep colleagues'")
    assert cited(family_runtime, answer) == {"Service Manager"}


def test_a_job_noun_after_a_verb_is_not_an_unknown_title(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "who does the perinatal mental health service look after?",
        "which other services does the manager have to work with?",
    )
    assert answer.topic != "unknown-role" and cited(family_runtime, answer) == {"Service Manager"}
    assert "health visiting" in answer.text


def test_which_roles_deal_with_or_cover_a_subject(family_runtime) -> None:
    answer = ask_turns(family_runtime, "which roles deal with homelessness or housing?")
    assert answer.text.startswith("**Engagement Worker** and **Crisis Support Worker**")
    assert "Support individuals to access emergency accommodation" in answer.text
    answer = ask_turns(family_runtime, "Which role profile covers working under patient group directions?")
    assert "administer medicines under a patient group direction" in answer.text.lower()


def test_what_a_quoted_line_is_under_and_a_formal_qualification(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "my template says 'Observe an individual who presents a significant imminent risk to themselves or others'."
        " what is that under, I'm an EW?",
    )
    assert "Undertake a risk assessment" in answer.text and cited(family_runtime, answer) == {"Engagement Worker"}
    answer = ask_turns(family_runtime, "What formal qualification does the team leader template point to?")
    assert (
        "Foundation Degree in Health and Social Care" in answer.text
        and "Foundation degree or equivalent" in answer.text
    )


def test_the_template_is_the_conversations_and_the_templates_are_every_one(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "two things: what level is the perinatal service manager, and does the template list any mandatory training?",
    )
    assert "career framework level 8" in answer.text and "Service Manager template leaves this blank" in answer.text
    answer = ask_turns(family_runtime, "do the templates list Breakaway training?")
    assert cited(family_runtime, answer) >= {"Crisis Support Worker"}


def test_who_pays_for_the_formal_learning(family_runtime) -> None:
    answer = ask_turns(family_runtime, "What does the ACP template say about the MSc - credits, level, and who pays?")
    assert "180 credits" in answer.text and "Funded by the employer for the MSc" in answer.text
    answer = ask_turns(family_runtime, "do engagement workers get mileage paid for home visits?")
    assert answer.declined


def test_review_findings_first_words(family_runtime) -> None:
    """Found by a reviewer who had not written the rules: each a class, not a case."""
    # a number spelled out is still a number asked
    answer = ask_turns(family_runtime, "Does the crisis support worker need safeguarding adults level three?")
    assert answer.text.startswith("No: the template gives a different level.")
    answer = ask_turns(family_runtime, "Does the transport assistant need a licence held for three years?")
    assert answer.text.startswith("No: the template gives a different figure.")
    answer = ask_turns(family_runtime, "Does the transport assistant need a driving licence held for 3 years?")
    assert answer.text.startswith("No: the template gives a different figure.")
    # a sentence that uses the words may say otherwise: no Yes from it alone
    answer = ask_turns(family_runtime, "Is the crisis worker responsible for hospital admissions?")
    assert not answer.text.startswith("Yes")
    # "other roles" asked about is not every other template
    answer = ask_turns(
        family_runtime, "What does the strategic manager do?", "Does the strategic manager supervise other roles?"
    )
    assert cited(family_runtime, answer) == {"Strategic Manager"}
    # a plain statement before "so" keeps its role
    answer = ask_turns(
        family_runtime, "The crisis support worker is level 3, so does the senior need safeguarding level 3?"
    )
    assert not answer.text.startswith("No: the template gives a different level.")


def test_a_sentence_of_the_role_that_shares_a_rare_word_of_the_subject(family_runtime) -> None:
    """A scope sentence of many clauses is far in meaning from a question about one of them; a rare word of the
    subject it shares by root ("family", "families") makes it the answer, where the template uses that word."""
    answer = ask_turns(family_runtime, "does the EW work with the family also or only the person?")
    assert not answer.declined
    assert "working with their families" in answer.text
    assert cited(family_runtime, answer) == {"Engagement Worker"}
    answer = ask_turns(
        family_runtime, "what does the engagement worker template say about people who don't want to engage with us"
    )
    assert "may be reluctant to engage" in answer.text
    # a word the template does not use, or a count no sentence gives, is still not covered
    for question in (
        "does the engagement worker need a car?",
        "How many engagement workers should a liaison and diversion team have?",
        "How many transport assistants should we staff per vehicle per shift?",
    ):
        answer = ask_turns(family_runtime, question)
        assert answer.declined, question
        assert not answer.citations, question


def test_a_correction_asks_the_last_question_again_of_the_role_meant(family_runtime) -> None:
    """'sorry, I meant the senior one': the last question, asked of the template whose title has those words,
    or of the role named, those of the conversation's area of work first."""
    answer = ask_turns(
        family_runtime,
        "what's the stat and mand training for the crisis support worker",
        "sorry i meant the senior one",
    )
    assert cited(family_runtime, answer) == {"Senior Crisis Support Worker"}
    assert "mandatory" in answer.text.lower()
    # "senior" is in a title of another area; "the manager" of this one is meant
    answer = ask_turns(
        family_runtime, "what level is the engagement worker", "sorry, I meant the senior one, the manager"
    )
    assert cited(family_runtime, answer) == {"Strategic Manager"}
    assert "level 8" in answer.text
    answer = ask_turns(
        family_runtime,
        "list the role specific competences for the team leader",
        "sorry, not the team leader, I meant the senior crisis support worker",
    )
    assert cited(family_runtime, answer) == {"Senior Crisis Support Worker"}
    answer = ask_turns(
        family_runtime,
        "what does the service manager do",
        "no wait, I meant the strategic one in liaison and diversion",
    )
    assert cited(family_runtime, answer) == {"Strategic Manager"}
    # a new question that says "I mean" is not a correction of the last one
    answer = ask_turns(
        family_runtime, "what level is the engagement worker", "I mean, what training does the strategic manager need?"
    )
    assert cited(family_runtime, answer) == {"Strategic Manager"}
    assert "training" in answer.text.splitlines()[0]
    assert "is at career framework level" not in answer.text


def test_a_no_on_words_no_template_uses_is_never_the_answer(family_runtime) -> None:
    """'No. No competence ... mentions teacher pupils': a verdict whose subject is words no template uses is a
    misreading of the asker's own words; another reading, or "the templates don't cover that", comes first."""
    for question in (
        "I'm a school teacher and one of my pupils is struggling - will the crisis support worker visit her at home?",
        "Is it lawful for a crisis support worker to restrain someone under the Mental Health Act?",
        "My grandad is a retired plumber, does the transport assistant need plumbing skills?",
    ):
        answer = ask_turns(family_runtime, question)
        assert not answer.text.startswith("No.\n"), (question, answer.text)
        for unused in ("teacher", "pupils", "lawful", "restrain", "grandad", "plumbing"):
            assert f"mentions {unused}" not in answer.text, (question, answer.text)
    answer = ask_turns(
        family_runtime,
        "I'm a school teacher and one of my pupils is struggling - will the crisis support worker visit her at home?",
    )
    assert cited(family_runtime, answer) == {"Crisis Support Worker"}
    # a No on what the templates do use stands
    answer = ask_turns(family_runtime, "Is 'Manage budgets' one of the crisis support worker's competences?")
    assert answer.text.startswith("No")
    # "name" asks whether a template has it, as "mention" does: it is not the subject
    answer = ask_turns(family_runtime, "does the strategic manager template name any formal endorsed learning?")
    assert "leaves this blank" in answer.text and "mention name" not in answer.text


def test_a_role_described_across_the_message_or_by_its_area_in_shorthand(family_runtime) -> None:
    """The situation and the question together describe the role ('Dad's rehab assistants come to the house.
    Who is in charge of them?'); 'A&E' is the urgent and emergency care area; 'lead to' is a verb, not a title."""
    answer = ask_turns(
        family_runtime,
        "My aunt has rehab assistants coming to her house after hospital."
        " Who is in charge of them and what do they do?",
    )
    assert cited(family_runtime, answer) == {"Team Leader"}
    answer = ask_turns(family_runtime, "the person in A&E who sees people with undiagnosed conditions - their level?")
    assert cited(family_runtime, answer) == {"Advanced Clinical Practitioner"}
    answer = ask_turns(family_runtime, "which of the roles here lead to registration with a professional body?")
    assert answer.topic != "unknown-role"
    assert {"Clinical Director", "Clinical Practitioner"} <= cited(family_runtime, answer)


def test_a_term_of_the_shared_introduction_is_answered_from_it(family_runtime) -> None:
    """'What is the Health Functional Map?', 'what's a transferable role, per the TA template?', 'does it apply
    in Scotland?': the introduction every template shares, cited first from the copy of the template named; a
    role's own field asked the same way ('what's the level descriptor?') is still the role's."""
    answer = ask_turns(family_runtime, "in the transport assistant template, what's the health functional map?")
    assert "method of categorising the NOS" in answer.text
    assert answer.citations[0].role == "Patient Transport Service Transport Assistant"
    answer = ask_turns(family_runtime, "what does the team leader template mean by a transferable role?")
    assert "named cluster of competences" in answer.text
    answer = ask_turns(family_runtime, "we're a Scottish health board - can we use the crisis support worker profile?")
    assert "geographic locations in the UK" in answer.text and not answer.declined
    answer = ask_turns(family_runtime, "who are the role profile templates meant for?")
    assert "commissioners, managers, employers" in answer.text
    answer = ask_turns(family_runtime, "what's the level descriptor for the service manager?")
    assert "highly specialised knowledge" in answer.text
    answer = ask_turns(family_runtime, "does the SM role say anything about feedback from people who use the service?")
    assert "may successfully be used by" not in answer.text


def test_each_role_is_every_template_whatever_levels_the_context_names(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "We're mapping a progression route from level 2 to level 9. Could you list each role and its level?",
    )
    assert len(cited(family_runtime, answer)) == 10


@pytest.mark.parametrize(
    ("question", "roles"),
    [
        (
            "what experience do the level 3 to 5 roles ask for?",
            {"Crisis Support Worker", "Engagement Worker", "Senior Crisis Support Worker", "Team Leader"},
        ),
        (
            "which roles are between level 6 and level 8?",
            {"Clinical Practitioner", "Advanced Clinical Practitioner", "Strategic Manager", "Service Manager"},
        ),
        # two levels named apart are those two levels
        ("which roles are level 2 and level 9?", {"Transport Assistant", "Clinical Director"}),
    ],
)
def test_a_span_of_levels_names_every_role_within_it(family_runtime, question: str, roles: set[str]) -> None:
    assert cited(family_runtime, ask_turns(family_runtime, question)) == roles


def test_a_title_word_before_initials_names_the_longer_title(family_runtime) -> None:
    """'senior CSW': the Senior Crisis Support Worker (SCSW), not the Crisis Support Worker (CSW)."""
    finder = family_runtime.engine.finder
    names = {p.role: p.short_name for p in family_runtime.kb.profiles}
    assert [names[p.role] for p in finder.find("what level is the senior CSW?").profiles] == [
        "Senior Crisis Support Worker"
    ]
    assert [names[p.role] for p in finder.find("what level is the CSW?").profiles] == ["Crisis Support Worker"]
    assert [names[p.role] for p in finder.find("advanced CP training").profiles] == ["Advanced Clinical Practitioner"]


def test_which_roles_specify_a_course_at_a_level(family_runtime) -> None:
    """'safeguarding at level 3' is a course's level, not the level 3 role; the roles listing it are found."""
    answer = ask_turns(family_runtime, "which templates specify safeguarding at level 3?")
    assert "Safeguarding (Level 3)" in answer.text
    assert "Senior Crisis Support Worker" in cited(family_runtime, answer)
    assert not answer.text.startswith("No template")
    # "the roles at level 3" is still the level 3 role
    answer = ask_turns(family_runtime, "what training do the roles at level 3 need?")
    assert cited(family_runtime, answer) == {"Crisis Support Worker"}


def test_how_many_roles_and_the_roles_of_an_area(family_runtime) -> None:
    """'How many of the ten role profiles are level 8?', 'which roles are in mental health crisis services?': the
    roles themselves, counted; 'anything in the profiles about X?' asks every template."""
    answer = ask_turns(family_runtime, "how many of the loaded role profiles are at career framework level 8?")
    assert answer.text.startswith("2 of the 10 templates")
    assert cited(family_runtime, answer) == {"Strategic Manager", "Service Manager"}
    answer = ask_turns(family_runtime, "how many of the templates are level 8?")
    assert answer.text.startswith("2 of the 10 templates")
    answer = ask_turns(family_runtime, "which roles are in the mental health crisis service?")
    assert cited(family_runtime, answer) == {"Crisis Support Worker", "Senior Crisis Support Worker"}
    answer = ask_turns(family_runtime, "is there anything in the profiles about lone working?")
    assert not answer.text.startswith("Which role do you mean")
    assert len(cited(family_runtime, answer)) >= 3


def test_a_count_the_cited_text_gives_is_said_first(family_runtime) -> None:
    """'How many levels does the career framework have?': the number its own words give ('which has nine levels'),
    first, with what it qualifies ('at least two years')."""
    answer = ask_turns(family_runtime, "how many levels are there in the career framework?")
    assert answer.text.startswith("Nine.\n") and "nine levels" in answer.text
    answer = ask_turns(family_runtime, "how many years must the transport assistant have held a driving licence?")
    assert answer.text.startswith("At least two.\n")
    # a count the composers give is not said twice
    answer = ask_turns(family_runtime, "how many core competences does the transport assistant have?")
    assert re.match(r"\d+ core competences", answer.text)


def test_the_other_one_and_the_one_below_are_found_from_the_conversation(family_runtime) -> None:
    """'and the other one's?': the one other template of the conversation's area of work; 'the one below it in
    the same service', 'the next level up': the nearest level below or above; 'its' is that role's own."""
    answer = ask_turns(
        family_runtime,
        "what level is the senior crisis support worker?",
        "what is its statutory and mandatory learning?",
        "and the other one's?",
    )
    assert cited(family_runtime, answer) == {"Crisis Support Worker"}
    assert "Freedom to Speak Up" in answer.text  # stat and mand, not every kind of training
    answer = ask_turns(
        family_runtime, "what does the strategic manager do?", "and the one below it in the same service?"
    )
    assert cited(family_runtime, answer) == {"Engagement Worker"}
    answer = ask_turns(family_runtime, "what experience does the transport assistant need?", "and the next level up?")
    assert cited(family_runtime, answer) == {"Crisis Support Worker"}
    answer = ask_turns(
        family_runtime, "what level is the crisis support worker?", "what is in its locality specific section?"
    )
    assert "Support individuals to access emergency accommodation" in answer.text


def test_named_for_is_a_verb_not_the_named_role(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Is any formal endorsed learning named for the clinical director?")
    assert answer.text.startswith("No") and "leaves this blank" in answer.text
    assert "Named Role" not in answer.text
    answer = ask_turns(family_runtime, "what is the named role of the clinical director?")
    assert "Integrated Care Clinical Director" in answer.text


def test_no_reading_leaves_the_reply_empty(family_runtime) -> None:
    """When the first reading is set aside as a misreading, a reading with nothing to say is never the reply."""
    answer = ask_turns(
        family_runtime, "Does the transport assistant template say anything about unfair gaps in health between groups?"
    )
    assert answer.text.strip()
    assert not answer.text.startswith("No.\n")


@pytest.mark.parametrize(
    ("turns", "role", "said"),
    [
        (
            ("how many credits is the ACP's formal endorsed learning?", "what about the team leader - same again"),
            "Team Leader",
            "240 credits",
        ),
        (
            ("what experience does the CSW need?", "and the senior one?", "same again for the other one"),
            "Crisis Support Worker",
            "supporting people in distress",
        ),
        (("how many core comps for the transport asst?",), "Transport Assistant", "8 core competences"),
    ],
)
def test_same_again_and_staff_shorthand_for_titles(
    family_runtime, turns: tuple[str, ...], role: str, said: str
) -> None:
    """'what about the TL - same again' asks the last question of it; 'transport asst' is the Transport
    Assistant."""
    answer = ask_turns(family_runtime, *turns)
    assert cited(family_runtime, answer) == {role}
    assert said in answer.text


def test_which_templates_do_not_list_a_quoted_competence(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Which templates don't have 'Manage lone workers' in their competences?")
    assert answer.text.startswith("6 of the 10 templates do not list 'Manage lone workers'")
    assert cited(family_runtime, answer) == {
        "Clinical Director",
        "Crisis Support Worker",
        "Transport Assistant",
        "Service Manager",
        "Clinical Practitioner",
        "Advanced Clinical Practitioner",
    }
    answer = ask_turns(family_runtime, "Which templates have 'Manage lone workers' in their competences?")
    assert answer.text.startswith("4 of the 10 templates list 'Manage lone workers'")


def test_a_job_noun_followed_by_who_is_a_description(family_runtime) -> None:
    """'the worker who takes patients to their appointments' is the Transport Assistant, though three templates are
    support workers and its title has no 'worker'."""
    answer = ask_turns(
        family_runtime, "The worker who takes patients to their hospital appointments - what training do they need?"
    )
    assert cited(family_runtime, answer) == {"Transport Assistant"}


@pytest.mark.parametrize(
    ("turns", "role", "starts"),
    [
        # a hedge is not the subject: the No stands, with the template that has it
        (("Is the engagement worker meant to manage budgets?",), "Strategic Manager", "No."),
        # "sorry" before a new question is politeness, not a correction
        (("what training does the EW need?", "Sorry, what does a transport assistant do?"), "Transport Assistant", ""),
        # a course's levels and two levels compared are not a span of roles
        (("Does the crisis support worker need NVQ level 2 to 3?",), "Crisis Support Worker", "No"),
        (("What training does someone working in mental health at level 4 need?",), "Senior Crisis Support Worker", ""),
    ],
)
def test_what_the_new_readings_must_not_misread(family_runtime, turns: tuple[str, ...], role: str, starts: str) -> None:
    answer = ask_turns(family_runtime, *turns)
    assert role in cited(family_runtime, answer)
    assert answer.text.startswith(starts)
    assert "don't cover that" not in answer.text


def test_what_the_new_readings_must_not_misread_across_templates(family_runtime) -> None:
    answer = ask_turns(family_runtime, "What is the difference between level 2 and level 8?")
    assert cited(family_runtime, answer) == {"Transport Assistant", "Strategic Manager", "Service Manager"}
    answer = ask_turns(
        family_runtime,
        "Which templates list 'Communicate effectively in a health care environment' in their core, not their role"
        " specific?",
    )
    assert answer.text.startswith("9 of the 10 templates list")
    answer = ask_turns(family_runtime, "Does the engagement worker need to speak Welsh?")
    assert "geographic locations" not in answer.text
    answer = ask_turns(family_runtime, "does the transport assistant need CPR training?")
    assert answer.text.startswith("Yes")


def test_the_roles_at_the_same_level_as_the_conversations(family_runtime) -> None:
    for role, same in (
        ("strategic manager", {"Strategic Manager", "Service Manager"}),
        ("engagement worker", {"Engagement Worker", "Senior Crisis Support Worker"}),
    ):
        answer = ask_turns(family_runtime, f"what level is the {role}?", "which other roles are at the same level?")
        assert cited(family_runtime, answer) == same
    # a question of its own at the same level is not only the list of roles
    answer = ask_turns(family_runtime, "what is the EW's level?", "does any role at the same level need safeguarding?")
    assert "Safeguarding" in answer.text


def test_a_theme_in_words_no_template_uses_gets_the_nearest_entries_said_to_be_only_that(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "in the team leader profile what is there about helping people get back on their feet and doing things"
        " for themselves?",
    )
    assert not answer.declined
    assert answer.text.startswith("Nothing in the Team Leader template says that in so many words.")
    assert "Enable individuals to regain independence in activities of daily living" in answer.text
    assert cited(family_runtime, answer) == {"Team Leader"}
    # what no template covers is still declined, though its words are near some entry's
    answer = ask_turns(
        family_runtime, "Is it legal for a crisis support worker to restrain someone under the Mental Health Act?"
    )
    assert answer.declined and not answer.citations
    answer = ask_turns(family_runtime, "What is the gender pay gap among perinatal mental health service managers?")
    assert answer.declined and not answer.citations  # pay, though near "Plan the workforce of a service"


def test_how_many_templates_list_an_entry_says_the_number_first_then_which(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "How many of the ten templates mention trauma-informed practices in their learning?"
    )
    assert answer.text.startswith("4 of the 10 templates list it: **Engagement Worker** and **Strategic Manager**")
    trauma_informed = {
        "Engagement Worker",
        "Strategic Manager",
        "Crisis Support Worker",
        "Senior Crisis Support Worker",
    }
    assert cited(family_runtime, answer) == trauma_informed
    # asked which, the roles come first, with no number
    answer = ask_turns(family_runtime, "Which of the templates mention trauma-informed practices?")
    assert answer.text.startswith("**Engagement Worker** and **Strategic Manager** and")


def test_the_lowest_role_meeting_a_condition_is_found_among_the_roles_that_meet_it(family_runtime) -> None:
    answer = ask_turns(
        family_runtime, "What's the lowest level role that lists a formal endorsed learning qualification?"
    )
    assert answer.text.startswith(
        "The Team Leader has the lowest career framework level, 5"
    )  # not the Transport Assistant
    assert "Foundation Degree in Health and Social Care" in answer.text  # what it rests on, after it
    answer = ask_turns(family_runtime, "the most senior role whose experience requirement says you must be registered?")
    assert answer.text.startswith("The Clinical Director has the highest career framework level, 9")
    assert "Registered clinician" in answer.text


def test_a_follow_up_that_widens_the_last_question_answers_both(family_runtime) -> None:
    turns = ("list the Transport Assistant's competences", "only the core ones")
    answer = ask_turns(family_runtime, *turns, "can you add the role specific ones as well?")
    assert "**Core competences** (8)" in answer.text and "**Role specific competences**" in answer.text
    assert "Provide basic life support" in answer.text  # role specific
    answer = ask_turns(family_runtime, *turns, "now the role specific ones")  # not widened: those alone
    assert "**Core competences**" not in answer.text and "Provide basic life support" in answer.text
    answer = ask_turns(
        family_runtime,
        "What training does the Team Leader need?",
        "Just the statutory and mandatory ones.",
        "Now give me everything else too - formal and informal.",
    )
    assert "Safeguarding Adults" in answer.text and "Foundation Degree in Health and Social Care" in answer.text
    assert "does not mention everything" not in answer.text  # "everything" is not a subject


def test_a_quoted_entry_asked_after_anywhere_is_yes_when_one_template_lists_it(family_runtime) -> None:
    answer = ask_turns(family_runtime, "Is 'Provide basic life support' in any of the templates?")
    assert answer.text.startswith("Yes.") and cited(family_runtime, answer) == {"Transport Assistant"}
    answer = ask_turns(family_runtime, 'Does "Provide basic life support" appear anywhere in the set?')
    assert answer.text.startswith("Yes.")
    answer = ask_turns(family_runtime, "Is 'Manage lone workers' a competence in all the templates?")
    assert answer.text.startswith("No.")  # four of the ten


def test_a_quote_before_the_question_that_points_at_it_is_what_is_asked(family_runtime) -> None:
    answer = ask_turns(family_runtime, "'Plan the workforce of a service' - which templates have this exact wording?")
    assert answer.text.startswith("1 of the 10 templates lists 'Plan the workforce of a service'")
    assert cited(family_runtime, answer) == {"Service Manager"}


def test_the_meaning_of_a_term_that_is_also_a_column_is_the_introduction_that_defines_it(family_runtime) -> None:
    """'What does reference function mean?' asks what the term means, not for a role's table under that column;
    'what is NOS?' is the sentence that spells the acronym out. 'They' in the next ask of the message is the
    term: 'can they be changed?' is about NOS, not about entries with 'changed' in them."""
    answer = ask_turns(
        family_runtime,
        "what does 'reference function' mean in these templates? my manager keeps saying it in supervision",
    )
    assert answer.text.startswith("The introduction every template shares says:")
    assert "relates to the Health Functional Map" in answer.text and "listed" not in answer.text.split("\n")[0]
    answer = ask_turns(family_runtime, "What is NOS?")
    assert "All competences are national occupational standards (NOS)." in answer.text.split("\n")[1]
    answer = ask_turns(family_runtime, "what are NOS and can they be changed locally?")
    assert "cannot be changed in terms of content" in answer.text and "lists changed" not in answer.text
    answer = ask_turns(family_runtime, "Please what is NOS? We don't have this. It can be changed by my manager?")
    assert "cannot be changed in terms of content" in answer.text and "lists changed" not in answer.text
    # a role's own column asked of one competence is still where that competence sits
    answer = ask_turns(family_runtime, "what is the reference function of Manage budgets?")
    assert "reference function 'Manage a budget'" in answer.text


def test_instructions_about_the_output_shape_it_and_are_never_its_subject(family_runtime) -> None:
    """'Just the number' puts the number first; 'lowest to highest' orders every role rather than asking for the
    lowest; 'bullet points please nothing else' after a dictated question is how to answer, not what about."""
    answer = ask_turns(family_runtime, "Just the number - what career framework level is the urgent and emergency ACP?")
    assert answer.text.startswith("Level 7.\n")
    answer = ask_turns(family_runtime, "what level is the TA? just the number")
    assert answer.text.startswith("Level 2.\n")
    answer = ask_turns(family_runtime, "List all ten roles with their level, lowest to highest, one per line.")
    levels = [int(m) for m in re.findall(r"career framework level (\d)", answer.text)]
    assert len(levels) == 10 and levels == sorted(levels)
    answer = ask_turns(family_runtime, "list the roles from most senior to most junior")
    levels = [int(m) for m in re.findall(r"career framework level (\d)", answer.text)]
    assert len(levels) == 10 and levels == sorted(levels, reverse=True)
    answer = ask_turns(
        family_runtime,
        "tell me the role specific competences for the community rehab team leader bullet points please nothing else",
    )
    assert "Plan and organise the work rota of a team" in answer.text and "Manage lone workers" in answer.text
    assert "bullet" not in answer.text and "nothing" not in answer.text


def test_a_yes_no_put_loosely_or_with_the_askers_guess_after_it_gets_its_yes(family_runtime) -> None:
    """'anything at all about X?' is a yes/no; in 'Is X part of it, or is it purely Y?' the first alternative is
    what the templates settle (the guess after 'or' was read as the subject: 'No ... mentions research purely
    management' above the research competences). 'Or is it meant to be used whole?' is still the framework's."""
    answer = ask_turns(family_runtime, "anything at all about dementia for the transport assistant?")
    assert answer.text.startswith("Yes.\n") and "Dementia awareness" in answer.text
    answer = ask_turns(
        family_runtime,
        "Is research actually part of the L&D strategic manager's competences, or is it purely a management job?",
    )
    assert answer.text.startswith("Yes") and "Produce a detailed research and development plan" in answer.text
    assert "purely" not in answer.text
    answer = ask_turns(
        family_runtime,
        "I'm the admin for the community rehab team. Is doing the team rota part of the team leader's job, or is it"
        " meant to be mine?",
    )
    assert answer.text.startswith("Yes") and "rota" in answer.text.split("\n")[2]
    answer = ask_turns(
        family_runtime,
        "Can we just use the competences section of the SM template on its own, or is it meant to be used whole?",
    )
    assert "designed to be used as a whole" in answer.text


def test_a_description_two_roles_fit_about_equally_is_answered_for_both_not_a_which_role_of_all(
    family_runtime,
) -> None:
    """'The people who visit folk in crisis at home and in the safe havens' fits both crisis roles about equally
    and the other eight far less: both are answered, each named, not 'which role?' among all ten."""
    answer = ask_turns(
        family_runtime,
        "The people who visit folk in crisis at home and in the safe havens - what informal training do they get?",
    )
    assert "Which role do you mean" not in answer.text
    assert "**Crisis Support Worker**" in answer.text and "**Senior Crisis Support Worker**" in answer.text
    assert "Mental Health First Aid" in answer.text and "Transport Assistant" not in answer.text
    # one that fits clearly best is still that one alone
    answer = ask_turns(family_runtime, "the worker who takes patients to their hospital appointments - what level?")
    assert "**Transport Assistant** is at career framework level 2" in answer.text and "Crisis" not in answer.text


def test_a_claim_about_what_a_role_does_that_no_entry_bears_out_gets_what_its_scope_says(family_runtime) -> None:
    """'Crisis support workers mostly work on the inpatient wards, don't they?' was declined: the template does
    say where they work. Its scope is shown, with no Yes or No; a claim about pay is still declined."""
    answer = ask_turns(family_runtime, "Crisis support workers mostly work on the inpatient wards, don't they?")
    assert not answer.declined and not answer.text.startswith(("Yes", "No"))
    assert "in their own homes, in crisis cafes and in safe havens" in answer.text
    assert "does not say that in so many words" in answer.text.split("\n")[0]
    answer = ask_turns(family_runtime, "Crisis support workers get paid extra at weekends, don't they?")
    assert answer.declined


def test_is_that_in_their_template_checks_the_claim_in_the_context_not_the_whole_message(family_runtime) -> None:
    """'Unison rep. Our SCSWs are being told they're responsible for lone workers on their shift. Is that actually
    in their template?': the claim is what they are told; who is asking is not its subject (the reply was 'No,
    not in those words: no training entry names being lone unison rep shift')."""
    cases = (
        (
            "Unison rep. Our senior crisis support workers are being told they're responsible for lone workers on"
            " their shift. Is that actually in their template?",
            "Manage lone workers",
            "unison",
        ),
        # read whole, it was "Yes. The EW template lists housing officer remit homelessness" above training lines;
        # "or is it only ..." no longer points back once that guess is set aside
        (
            "Housing officer here. Does the engagement worker's remit include homelessness or is it only mental"
            " health and drugs?",
            "substance misuse (alcohol and drugs)",
            "housing officer",
        ),
    )
    for question, said, asker in cases:
        answer = ask_turns(family_runtime, question)
        assert answer.text.startswith("Yes") and said in answer.text, question
        assert asker not in answer.text.lower(), question
    # a question of its own after the context is still that question
    answer = ask_turns(
        family_runtime, "I know the ACP MSc in the template is 240 credits at level 7 - does it say who funds it?"
    )
    assert "Funded by the employer for the MSc" in answer.text


def test_the_same_competence_for_a_subject_asks_whether_one_entry_is_in_both(family_runtime) -> None:
    """'Do the TL and the SCSW have the same competence for allocating work?' asks whether both list one: 'No, they
    differ.' above 'In both: Allocate and monitor ...' contradicted its own evidence."""
    answer = ask_turns(
        family_runtime,
        "Do the rehab team leader and the senior crisis support worker have the same competence for allocating work?",
    )
    assert answer.text.startswith("Yes: both list") and "Allocate and monitor the progress" in answer.text
    answer = ask_turns(
        family_runtime,
        "do the crisis support worker and the senior crisis support worker have the same statutory and mandatory"
        " learning?",
    )
    assert answer.text.startswith("No, they differ.")  # the whole of a list, not one entry


def test_a_yes_no_about_words_only_the_shared_introduction_uses_is_answered_from_it(family_runtime) -> None:
    """'Are the NOS in the TA template levelled?': no competence says 'levelled', the introduction does ('They are
    not in themselves levelled'); 'No competence in the Transport Assistant template mentions levelled' missed it."""
    answer = ask_turns(family_runtime, "Are the NOS in the transport assistant template levelled?")
    assert "not in themselves levelled" in answer.text
    assert "mentions levelled" not in answer.text


def test_which_one_is_the_x_one_picks_from_the_last_list(family_runtime) -> None:
    """After the Team Leader's references, 'Which one is the NICE one?' is the entry of that list with 'NICE' in it
    (it was declined); 'which of those are core?' is still answered by the place asked."""
    answer = ask_turns(
        family_runtime,
        "What references does the community rehab team leader template list?",
        "Which one is the NICE one?",
    )
    assert answer.text.startswith("In that list:") and "NICE Guideline NG211" in answer.text
    assert "Skills for Health Summary" not in answer.text and answer.citations
    answer = ask_turns(
        family_runtime,
        "What safeguarding content is there in the engagement worker template?",
        "which of those are core?",
    )
    assert "Support the safeguarding of individuals" in answer.text


def test_the_senior_one_beside_a_title_is_the_senior_version_of_it(family_runtime, model_runtime) -> None:
    """'the crisis support worker and the senior one': Senior + the title named is another template's title; the
    comparison was of the Crisis Support Worker alone. 'The engagement one or strategic?' is both roles still."""
    answer = ask_turns(
        family_runtime,
        "whats the difference between the crisis support worker and the senior one in terms of the experience they"
        " need",
    )
    assert "Senior Crisis Support Worker" in answer.text and "Crisis Support Worker (level 3)" in answer.text
    answer = ask_turns(model_runtime, "which role chairs meetigns, the enagement one or stratgic?")
    assert "Chair meetings" in answer.text


def test_a_title_asked_with_a_level_it_does_not_have_is_answered_for_the_title_and_the_level_put_right(
    family_runtime,
) -> None:
    """'The level 5 engagement worker' was answered for the Team Leader (level 5): the title names the role; the
    level said is a slip, put right in a cited note. 'The level 4 engagement worker' gets no note."""
    answer = ask_turns(family_runtime, "what experience does the level 5 engagement worker need?")
    assert "Level 3 NVQ/Diploma in Health" in answer.text and "Team Leader" not in answer.text
    note = answer.text.split("\n")[-1]
    assert note.startswith("Note: the Engagement Worker template is at career framework level 4, not 5.")
    assert re.search(r"\[\d\]$", note)
    answer = ask_turns(family_runtime, "what experience does the level 4 engagement worker need?")
    assert "Note:" not in answer.text


def test_working_on_their_own_is_working_alone_but_going_somewhere_on_her_own_is_not(family_runtime) -> None:
    """'Staff working on their own', 'do they go out on their own?': the templates say 'alone' or 'lone'. 'My
    daughter went to the clinic on her own' is the asker's story, not a subject."""
    answer = ask_turns(
        family_runtime,
        "My rehab assistants visit people's homes by themselves. What does the Team Leader profile say about staff"
        " working on their own?",
    )
    assert "Manage lone workers" in answer.text
    answer = ask_turns(family_runtime, "do crisis support workers go out on their own")
    assert answer.text.startswith("Yes") and "Minimise risks to yourself when working alone" in answer.text
    answer = ask_turns(
        family_runtime,
        "my 15 yr old went to the sexual health clinic on her own. will the nurse there look out for exploitation?",
    )
    assert "alone" not in answer.text


def test_a_list_asked_in_words_only_the_shared_introduction_uses_is_answered_from_it(family_runtime) -> None:
    """'What sections are the NOS divided into in the CP template?': 'divided' is only in the introduction every
    template shares, cited from the CP's copy first ('No competence ... mentions divided' read it as a theme)."""
    answer = ask_turns(
        family_runtime, "What sections are the NOS divided into in the sexual health practitioner template?"
    )
    assert answer.text.startswith("The introduction every template shares says:")
    assert "divided into the following sections" in answer.text and "mentions divided" not in answer.text
    assert answer.citations[0].role == "Sexual Health Services Clinical Practitioner"


def test_picking_bits_of_a_template_and_rewording_a_bare_term_are_the_frameworks_questions(family_runtime) -> None:
    """'Pick the bits we like and ignore the rest' is whether it may be used in part; 'NOS?? can the trust reword
    them?' is a bare term, then the question about it ('them' are the NOS), not 'which role?'."""
    answer = ask_turns(
        family_runtime,
        "can our team just pick the bits of the senior crisis support worker template we like and ignore the rest",
    )
    assert answer.text.startswith("No: the template is designed to be used as a whole.")
    answer = ask_turns(family_runtime, "NOS?? can the trust reword them for the ACP template")
    assert "cannot be changed in terms of content or wording" in answer.text and "Which role" not in answer.text
    answer = ask_turns(family_runtime, "why? is it mandatory for the transport assistant to do fire safety")
    assert "why" not in answer.text.lower()


def test_the_one_who_leads_a_role_is_the_role_that_leads_it_not_the_role_named(family_runtime) -> None:
    """'The one who leads the crisis support workers on a shift' names the Crisis Support Worker as the led: the
    asked role is the Senior Crisis Support Worker, whose scope that is; 'whoever manages the rehabilitation
    assistants' (no template) is the Team Leader. 'The crisis support worker leads the shift' is still the CSW."""
    for question, first in (
        (
            "the one who leads the crisis support workers on a shift, what informal learning do they get",
            "**Senior Crisis",
        ),
        ("whoever manages the rehabilitation assistants - what level are they?", "The **Team Leader** is at"),
        ("the crisis support worker leads the shift, what training?", "**Crisis Support Worker**"),
    ):
        assert ask_turns(family_runtime, question).text.startswith(first), question


def test_recruiting_staff_as_a_duty_is_not_what_the_post_requires(family_runtime) -> None:
    """'What does the perinatal service manager do around budgets and recruiting staff?' asks about the role's
    duties (it was answered with Experience Required); 'recruiting an EW' still asks what the post requires."""
    answer = ask_turns(
        family_runtime, "what the perinatal service manager has to do around budgets and recruiting staff"
    )
    assert "Manage a budget" in answer.text and "Recruit, select and keep colleagues" in answer.text
    answer = ask_turns(family_runtime, "recruiting an EW - what does the template ask for?")
    assert "experience required" in answer.text.split("\n")[0]


def test_a_no_about_a_mandatory_course_shows_what_the_mandatory_list_holds(family_runtime) -> None:
    """'The TA has to do information governance like everyone else, yeah?': No, and what its statutory and mandatory
    list does hold, cited; 'like everyone else' is the asker's comparison, never the subject ('names ... everyone')."""
    answer = ask_turns(
        family_runtime, "The transport assistant has to do information governance like everyone else, yeah?"
    )
    assert answer.text.startswith("No.")
    assert "Moving and Handling (Level 2); Basic Life Support; Fire Safety" in answer.text
    assert "everyone" not in answer.text


def test_doesnt_without_an_apostrophe_still_compares(family_runtime) -> None:
    """'Which competences does the SCSW have that the crisis support worker doesnt': a comparison, as with the
    apostrophe (without it the question was read as a list of the first role's competences)."""
    from bot.answering.understanding import understand

    for ending in ("doesnt", "doesn't", "does not"):
        question = (
            f"which competences does the senior crisis support worker have that the crisis support worker {ending}"
        )
        assert understand(question, family_runtime.engine.finder).topic == "compare", ending


def test_what_guidance_is_referenced_is_the_templates_references(family_runtime) -> None:
    """'What national guidance is referenced in the TA template?' is its References list (it was 'The TA template
    doesn't mention that. Another role's template does: ...', though it lists its own)."""
    answer = ask_turns(family_runtime, "What national guidance is referenced in the transport assistant template?")
    assert answer.text.startswith("**Transport Assistant**") and "Eligibility Criteria (2022)" in answer.text
    assert "Crisis" not in answer.text


def test_partners_are_joint_working_between_agencies(model_runtime) -> None:
    """'What's in the SM profile about partners?': the templates say agencies and joint working."""
    answer = ask_turns(model_runtime, "What's in the strategic manager profile about partners?")
    assert "Develop, sustain and evaluate joint working between agencies" in answer.text


def test_which_of_those_another_role_lacks_is_a_comparison_of_the_two(model_runtime) -> None:
    """After the SM's informal learning, 'which of those don't appear in the EW's informal learning?' is what the SM
    lists there that the EW does not (it was the EW's training, 'does not mention don't appear')."""
    answer = ask_turns(
        model_runtime,
        "What's the informal learning for the strategic manager?",
        "And which of those don't appear in the engagement worker's informal learning?",
    )
    assert answer.text.startswith("Listed for the **Strategic Manager** and not for the **Engagement Worker**")
    assert "Root cause analysis training" in answer.text and "appear" not in answer.text


def test_a_figure_in_the_context_below_what_the_template_asks_is_a_no(family_runtime) -> None:
    """'I have the driving licence from 1 year only. Is it enough to apply?' was 'Yes.' over 'Full UK driving
    licence held for at least two years'. Three years is still a Yes."""
    answer = ask_turns(
        family_runtime,
        "Transport assistant job. I have the driving licence from 1 year only. Is it enough to apply for the job?",
    )
    assert answer.text.startswith("No: the template asks for at least two years.")
    assert "held for at least two years" in answer.text
    answer = ask_turns(
        family_runtime,
        "Transport assistant job. I have had the driving licence for 3 years. Is it enough to apply for the job?",
    )
    assert answer.text.startswith("Yes")


def test_entries_on_one_word_of_the_question_are_no_yes_to_the_rest(family_runtime) -> None:
    """'Can a CSW detain someone under the Mental Health Act if they're at risk?' was 'Yes.' above its entries on
    risk: they name neither 'detain' nor 'act'. No Yes now; the entries are shown as related only."""
    answer = ask_turns(
        family_runtime, "Can a crisis support worker detain someone under the Mental Health Act if they're at risk?"
    )
    assert not answer.text.startswith("Yes")
    answer = ask_turns(family_runtime, "does the crisis support worker have a competence on risk assessment?")
    assert answer.text.startswith("Yes")


@pytest.mark.parametrize(
    ("turns", "first", "shown", "not_shown"),
    [
        # the one field asked about, which the SM leaves blank, not every CPD row as if it were that field
        (
            ["does the SM template list any statutory or mandatory learning in the CPD bit"],
            "No.",
            ["leaves this blank"],
            ["Negotiated at appraisal"],
        ),
        # a CPD field left blank whose namesake in the indicative learning is not: where it is listed instead
        (
            [
                "what's the sexual health clinical practitioner's formal learning",
                "is that also filled in under formal endorsed learning in the CPD bit?",
            ],
            "No.",
            ["Under indicative learning and development it lists: Diploma of the Faculty"],
            [],
        ),
        # most of the section asked about is the section
        (
            ["What does the CPD section of the SM template say about how learning is captured, funded and how often?"],
            "",
            ["Negotiated at appraisal/performance review", "Annual appraisal"],
            [],
        ),
    ],
)
def test_a_field_asked_in_the_cpd_section_is_that_field_there(
    family_runtime, turns: list[str], first: str, shown: list[str], not_shown: list[str]
) -> None:
    answer = ask_turns(family_runtime, *turns)
    assert answer.text.startswith(first)
    assert all(s in answer.text for s in shown) and not any(s in answer.text for s in not_shown)


def test_a_question_someone_else_asked_is_background_to_the_askers_own(family_runtime) -> None:
    answer = ask_turns(
        family_runtime,
        "One of our transport crews had a patient collapse last week and the family asked what the crew are trained"
        " to do. What in the transport assistant profile covers a patient getting worse in the ambulance?",
    )
    assert cited(family_runtime, answer) == {"Transport Assistant"}
    assert not answer.text.startswith("Which role")
    # asked on its own, what someone asked is still the question
    answer = ask_turns(family_runtime, "The panel asked what the transport assistant needs for experience.")
    assert "Full UK driving licence" in answer.text


def test_a_bare_right_is_a_tag_only_where_it_ends_a_claim(family_runtime) -> None:
    """'I want to get the basic facts right. how many levels ...': no claim; 'the EW has to have a degree right':
    one."""
    answer = ask_turns(
        family_runtime,
        "We're writing a recruitment pack. I want to get the basic facts right. how many levels are there in the"
        " career framework",
    )
    assert answer.text.startswith("Nine.") and "Which role" not in answer.text
    answer = ask_turns(family_runtime, "the engagement worker has to have a degree right")
    assert answer.text.startswith("No")


def test_a_lower_case_sentence_after_a_full_stop_is_a_sentence() -> None:
    from bot.answering.asking import find_ask

    ask = find_ask(
        "I'm preparing board papers and the briefing says the service is for women up to 12 months postnatal, which"
        " I want to check. the perinatal service covers women up to a year after birth, correct?"
    )
    assert ask.parts == ("is it true that the perinatal service covers women up to a year after birth?",)
    assert ask.context.startswith("I'm preparing board papers")
    # "e.g. the" is no sentence end
    assert len(find_ask("does the EW work with vulnerable groups e.g. the homeless?").parts) == 1


@pytest.mark.parametrize(
    "question",
    [
        "what's the trust's policy on restraint for crisis workers",
        "who is the current clinical director for our ICS",
        "what's the max dose of emergency contraception the sexual health practitioner can give under the PGD",
    ],
)
def test_local_policies_post_holders_and_doses_are_declined(family_runtime, question: str) -> None:
    answer = ask_turns(family_runtime, question)
    assert answer.declined and not answer.citations


def test_who_a_role_is_accountable_to_is_not_a_local_fact(family_runtime) -> None:
    answer = ask_turns(family_runtime, "who is our clinical director accountable to")
    assert not answer.declined
    assert "accountable to the board" in answer.text


def test_the_verb_alternatives_share_is_not_an_alternative(model_runtime) -> None:
    """'Which role manages budgets and contracts?': entries on budgets or contracts, not every 'manage' entry."""
    answer = ask_turns(model_runtime, "Which of the two roles is responsible for managing budgets and contracts?")
    assert short_names(model_runtime, answer) == {"Strategic Manager"}
    assert not answer.text.startswith("Both")
    assert "Manage budgets" in answer.text and "Manage lone workers" not in answer.text
    answer = ask_turns(
        model_runtime, "what does the SM's role specific stuff say about budgets, contracts and projects?"
    )
    assert all(t in answer.text for t in ("Manage budgets", "Manage projects", "manage external contracts"))


def test_whether_something_is_needed_to_become_a_role_is_that_roles_requirement(model_runtime) -> None:
    answer = ask_turns(model_runtime, "Do I need a degree to become a strategic manager?")
    assert answer.text.startswith("No")
    assert "Recognised management qualification" in answer.text
    assert "Moving from" not in answer.text


def test_how_many_after_the_training_is_every_entry_counted(model_runtime) -> None:
    answer = ask_turns(
        model_runtime, "what training will I need to do as an engagement worker?", "how many is that in total?"
    )
    assert answer.text.startswith("12 training entries in the Engagement Worker template")
    assert "3 statutory and mandatory" in answer.text and "9 informal learning" in answer.text


def test_how_many_after_the_training_counts_each_kind_as_listed(family_runtime) -> None:
    """A kind with one entry (the Team Leader's formal endorsed learning) is counted as one, not as the total."""
    answer = ask_turns(
        family_runtime, "what training does the community rehab team leader need", "how many is that in total?"
    )
    assert answer.text.startswith("9 training entries in the Team Leader template")
    assert "4 informal learning; 1 formal endorsed learning)" in answer.text


def test_a_comparison_naming_both_roles_is_of_the_whole_roles_after_a_list(model_runtime) -> None:
    """Asked after a count of core competences, 'how does the EW role compare with the SM role?' is not only the
    core competences (found in the Playground walk-through, tests/walkthrough/round11.md)."""
    answer = ask_turns(
        model_runtime,
        "how many core competences does the engagement worker have?",
        "How does the engagement worker role compare with the strategic manager role?",
    )
    assert "**Experience required**" in answer.text and "**Career framework level**" in answer.text
    # a comparison pointing at the list still compares the list
    answer = ask_turns(model_runtime, "list the EW core competences", "does the SM get the same list?")
    assert "**Experience required**" not in answer.text and "Communicate effectively" in answer.text


def test_pay_asked_with_how_much_is_declined_as_pay(model_runtime) -> None:
    answer = ask_turns(model_runtime, "What band is the engagement worker and how much does it pay?")
    assert answer.declined and "pay is set locally" in answer.text and "prices or fees" not in answer.text
    answer = ask_turns(model_runtime, "who pays for the EW's training")
    assert "Dependent upon agreed CPD plan and negotiated locally" in answer.text


def test_whether_the_asker_meets_the_requirements_is_not_the_templates_to_judge(model_runtime) -> None:
    answer = ask_turns(
        model_runtime,
        "I've worked for 3 years as a drug and alcohol support worker and I have an NVQ level 3 in health and social"
        " care. Would I meet the experience requirements for an engagement worker, and is there anything I'd be"
        " missing?",
    )
    assert answer.text.startswith("Whether an application meets it is for the recruiting manager to judge")
    assert "DBS clearance" in answer.text
    # the second part's lines, the same as the first's, are not given twice
    assert answer.text.count("Previous experience of working with adults") == 1


@pytest.mark.parametrize(
    ("question", "role", "shown"),
    [
        # a job noun used as a verb after a title ("the senior crisis worker mentor(s) new staff") is no title
        (
            "does the senior crisis worker mentor new staff",
            "Senior Crisis Support Worker",
            "Mentor new support workers",
        ),
        # a title's modifier alone after the title it modifies
        (
            "crisis support worker vs senior: how do their lone working competences differ",
            "Senior Crisis Support Worker",
            "Manage lone workers",
        ),
        # "the locality ones": the locality specific competences
        (
            "the advanced practitioner in ED - what are the locality ones",
            "Advanced Clinical Practitioner",
            "Lead the resuscitation of adults and children",
        ),
    ],
)
def test_loosely_named_titles(family_runtime, question: str, role: str, shown: str) -> None:
    answer = ask_turns(family_runtime, question)
    assert role in cited(family_runtime, answer) and shown in answer.text


def test_an_adverb_before_a_job_noun_names_no_role(family_runtime) -> None:
    from bot.answering.understanding import understand

    q = understand("who does the community rehab team leader actually lead", family_runtime.engine.finder)
    assert [p.short_name for p in q.roles.profiles] == ["Team Leader"] and not q.roles.unknown


def test_what_a_role_does_about_something_in_other_words_is_the_entry_clearly_nearest(model_runtime) -> None:
    answer = ask_turns(model_runtime, "what does the strategic manager do when staff get assaulted at work")
    assert "Investigate and evaluate incidents of violence at work" in answer.text
    assert "scope of the role" not in answer.text
    # no entry clearly nearer than the rest: the role's scope, as before
    answer = ask_turns(model_runtime, "what does the EW do with families")
    assert "working with their families" in answer.text


def test_a_word_only_the_introduction_uses_is_answered_from_it_not_which_role(family_runtime) -> None:
    """With ten templates loaded and no role named, 'are the NOS levelled?' was 'Which role do you mean?'."""
    answer = ask_turns(family_runtime, "are the NOS levelled? like is each standard tied to one level")
    assert answer.text.startswith("No. The introduction every template shares says:")
    assert "They are not in themselves levelled" in answer.text and answer.citations
    # a request to compare is no yes/no for the introduction to settle
    answer = ask_turns(family_runtime, "can you compare the level descriptors for the two L&D roles for me")
    assert "introduction every template shares" not in answer.text


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        # an acronym's spelled-out words are the term too
        ("sorry what is NOS? everyone keeps saying it", "developed by expert groups"),
        ("what are NOS exactly", "developed by expert groups"),
        # "the X thing in the tables": the term asked the meaning of
        ("what is the reference function thing in the tables", "Health Functional Map"),
        # a quote in the context that "that" points back to
        (
            'I read the sexual health template and it says "They are not in themselves levelled" about NOS, which'
            " confused me because the whole template is for level 6. what does that mean in practice",
            "others will span all levels",
        ),
    ],
)
def test_what_a_term_of_the_introduction_means(family_runtime, question: str, shown: str) -> None:
    answer = ask_turns(family_runtime, question)
    assert answer.text.startswith("The introduction every template shares says:") and shown in answer.text


def test_a_there_in_the_question_is_the_place_the_asker_named(family_runtime) -> None:
    answer = ask_turns(family_runtime, "my brother goes to a crisis cafe, would a crisis support worker work there")
    assert answer.text.startswith("Yes") and "in crisis cafes and in safe havens" in answer.text
    # a place the role's template does not name: no Yes over entries that share a word with it ("safe")
    answer = ask_turns(
        family_runtime, "my daughter goes to a safe haven, would a senior crisis support worker be there?"
    )
    assert not answer.text.startswith("Yes")


def test_what_a_role_is_there_to_do_is_its_scope(model_runtime) -> None:
    answer = ask_turns(model_runtime, "whats the engagement worker actually there to do in L&D, in a nutshell")
    assert "scope of the role" in answer.text and "may be reluctant to engage" in answer.text


@pytest.mark.parametrize(
    ("question", "first", "not_first"),
    [
        # the requirement is listed with no alternative: doing without it is a No (it was "Yes.")
        ("can we recruit a transport assistant without a driving licence?", "No: the template asks for it.", "Yes"),
        (
            "the crew always has a driver so my manager thinks a licence isn't needed. since transport assistants"
            " don't need to drive, can we recruit people without a licence",
            "No: the template asks for it.",
            "Yes",
        ),
        # accepted with a willingness to complete it: still a Yes
        ("Can someone start as an ACP without having finished their master's yet?", "Yes", "No"),
        # not asked for at all: no "No" (it was "No.", as if a degree were needed)
        ("can an EW be appointed without a degree?", "The Engagement Worker template does not ask for degree", "No"),
    ],
)
def test_doing_without_a_requirement(family_runtime, question: str, first: str, not_first: str) -> None:
    answer = ask_turns(family_runtime, question)
    assert answer.text.startswith(first) and not answer.text.startswith(not_first)
