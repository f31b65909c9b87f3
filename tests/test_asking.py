"""Finding the ask: question, context and output instructions split apart, on messages in the voices
people write in (a union rep, HR, a manager who wants a checklist)."""

from __future__ import annotations

import pytest

from bot.answering.asking import CLAIM, find_ask, instructions_only, sentences, strip_purpose


@pytest.mark.parametrize(
    ("message", "ask", "context"),
    [
        (
            "union rep here - is chairing meetings part of the engagement worker profile?",
            "is chairing meetings part of the engagement worker profile?",
            "union rep here",
        ),
        (
            "I'm a Unison rep. One of our members has been asked to supervise new starters and her manager says"
            " it is in her profile. Does the level 4 engagement worker role include anything about supervision?",
            "Does the level 4 engagement worker role include anything about supervision?",
            "I'm a Unison rep. One of our members has been asked to supervise new starters and her manager says"
            " it is in her profile.",
        ),
        (
            "HR business partner here. We have two candidates for the engagement worker post. Can you give me the"
            " exact Experience Required for the role so I can check the shortlist?",
            "Can you give me the exact Experience Required for the role?",
            "HR business partner here. We have two candidates for the engagement worker post.",
        ),
        ("what training does an engagement worker need?", "what training does an engagement worker need?", ""),
        ("DBS for EW", "DBS for EW", ""),
    ],
)
def test_the_question_is_found_behind_its_context(message: str, ask: str, context: str) -> None:
    found = find_ask(message)
    assert found.text == ask
    assert found.context == context


def test_output_instructions_shape_the_answer_and_are_never_its_subject() -> None:
    found = find_ask(
        "How many core competences does the SM have? Give me the number then list them so I can tick them off"
    )
    assert found.parts == ("How many core competences does the SM have?",)
    assert found.wants == {"number", "list"}
    assert "tick" not in found.text
    assert strip_purpose("what training does an EW need for our training matrix?") == "what training does an EW need?"


def test_two_questions_are_two_parts_and_a_trailing_fragment_joins_the_last() -> None:
    assert find_ask("how many is that? and which one is last in the table?").parts == (
        "how many is that?",
        "and which one is last in the table?",
    )
    found = find_ask("whats the pay for an EW? band and salary pls")
    assert found.parts == ("whats the pay for an EW? band and salary",)
    assert not found.context


def test_a_question_joined_to_another_by_and_and_a_question_word() -> None:
    assert find_ask("what's the minimum experience and what mandatory training does the EW need").parts == (
        "what's the minimum experience?",
        "what mandatory training does the EW need?",
    )
    assert find_ask("is manage budgets in the SM & whats the ref function").parts == (
        "is manage budgets in the SM?",
        "whats the ref function?",
    )
    # the second points back, or the first is not a question itself, or the second is too short: one question
    for one in (
        "what's the minimum and how is it captured",
        "compare the level and what each does",
        "tell me which roles need safeguarding and which dont",
    ):
        assert len(find_ask(one).parts) == 1, one


def test_one_ask_then_another() -> None:
    assert find_ask(
        "first tell me the SCSW's core competences, then tell me which references the template cites"
    ).parts == (
        "first tell me the SCSW's core competences?",
        "tell me which references the template cites?",
    )
    assert find_ask("list the EW core competences and then say how many there are").parts == (
        "list the EW core competences?",
        "say how many there are?",
    )
    assert len(find_ask("what happens then is the EW refers them on?").parts) == 1  # "then" with no ask after it


def test_sentences_keep_abbreviations_and_split_a_lead_in() -> None:
    assert sentences("Does it need experience, e.g. mental health? thanks") == [
        "Does it need experience, e.g. mental health?",
        "thanks",
    ]
    assert sentences("quick one - what level is the SM?") == ["quick one", "what level is the SM?"]
    # a dash inside the question is not a lead-in
    assert sentences("The SM's statutory row looks empty - is it blank?") == [
        "The SM's statutory row looks empty - is it blank?"
    ]


def test_a_claim_put_as_a_question_is_asked_as_a_yes_no_and_its_reporter_is_context() -> None:
    found = find_ask("my rep says the SCSW profile makes them responsible for the rota, is that true")
    assert found.parts == ("is it true that the SCSW profile makes them responsible for the rota?",)
    assert found.context == "my rep says"
    assert find_ask("The ACP MSc is 120 credits, isn't it?").parts == ("is it true that The ACP MSc is 120 credits?",)
    assert find_ask("what does the EW do, right?").parts == ("what does the EW do, right?",)  # a question already


def test_a_need_stated_is_the_ask_and_a_format_after_it_is_no_subject() -> None:
    found = find_ask(
        "we are writing the induction pack for our team so I need the stat and mand list for the service manager,"
        " just the titles"
    )
    assert found.parts == ("the stat and mand list for the service manager",)
    assert found.wants == {"list"}


def test_an_email_s_greeting_signature_and_quoting_are_context() -> None:
    found = find_ask("Hi Jo,\n\nWhat training does the EW need?\n\nMany thanks,\nPriya\nL&D Business Support")
    assert found.parts == ("What training does the EW need?",)
    found = find_ask("Could you check what experience the profile asks for, and what learning it suggests? Best, Jo")
    assert found.parts == ("Could you check what experience the profile asks for?", "what learning it suggests?")
    found = find_ask("> Hi Sam,\n> Can you help?\n> Which core competences does the SM have?\n> Best,\n> Gareth")
    assert found.parts == ("Which core competences does the SM have?",)
    # a yes/no someone else asked is asked as a claim
    found = find_ask("The panel asked whether the profile says EWs work with young people.")
    assert found.parts == (f"{CLAIM}the profile says EWs work with young people?",)


def test_a_situation_before_a_dash_is_context_and_ta_is_a_role_not_thanks() -> None:
    found = find_ask("Writing a probation review for a new team leader - what are their core competences?")
    assert found.parts == ("what are their core competences?",)
    assert find_ask("multi agency working - what does the EW template have?").parts == (
        "multi agency working - what does the EW template have?",
    )
    assert find_ask("same for the TA?").parts == ("same for the TA?",)
    assert find_ask("what does the EW need? ta").parts == ("what does the EW need?",)
    assert find_ask("how many core competences has the EW got and what are they").wants == {"list"}


def test_punctuation_dictated_as_words() -> None:
    found = find_ask(
        "can you tell me whether information governance appears in the strategic manager template full stop"
        " also does the engagement worker have it too question mark"
    )
    assert len(found.parts) == 2 and found.parts[1] == "Also does the engagement worker have it too?"


def test_an_example_after_the_question_is_context() -> None:
    found = find_ask("Does the EW template cover boundaries - like keeping professional boundaries with clients?")
    assert found.parts == ("Does the EW template cover boundaries?",)
    assert found.context == "like keeping professional boundaries with clients"
    # an example inside the question, or with too little before it, stays
    assert find_ask("what training, like courses, does the EW need?").parts == (
        "what training, like courses, does the EW need?",
    )


def test_what_the_answer_is_needed_for_at_the_end_of_a_run_on_is_not_asked() -> None:
    found = find_ask(
        "hi there can you tell me what training the transport assistant needs to do as statutory and mandatory"
        " i need it for the induction pack thanks"
    )
    assert found.parts == ("what training the transport assistant needs to do as statutory and mandatory",)
    assert not found.refers_back


def test_formats_asked_for_before_a_colon_or_after_the_question_are_not_its_subject() -> None:
    for message, ask in (
        (
            "Just the titles, comma separated: perinatal service manager role specific competences.",
            "perinatal service manager role specific competences",
        ),
        (
            "Bullet points for a slide: the locality specific competences in the crisis support worker template.",
            "the locality specific competences in the crisis support worker template",
        ),
        (
            "Give me the clinical practitioner's role specific competences as bullet points for a slide, no intro,"
            " no outro.",
            "Give me the clinical practitioner's role specific competences",
        ),
    ):
        found = find_ask(message)
        assert found.parts == (ask,) and "list" in found.wants, message


def test_a_principle_s_letter_does_not_end_the_sentence() -> None:
    found = find_ask(
        "how many engagement worker role specific competences sit under H. Management and Administration?"
        " number then the list"
    )
    assert found.parts == (
        "how many engagement worker role specific competences sit under H. Management and Administration?",
    )
    assert len(sentences("I work in team B. What training do I need?")) == 2


def test_an_example_with_a_clause_after_it_stays_in_the_question() -> None:
    found = find_ask("What competences does the TL have, such as budgets or contracts, that the EW does not?")
    assert found.parts == ("What competences does the TL have, such as budgets or contracts, that the EW does not?",)
    assert len(find_ask("Is there a difference between what the EW does and what the SCSW does?").parts) == 1


def test_a_message_that_only_says_how_to_answer() -> None:
    assert instructions_only("number first pls") == {"number"}
    assert instructions_only("put them as a numbered list, titles only") == {"list"}
    assert instructions_only("number first, then the EW's core competences") == set()
    assert instructions_only("what training does an EW need?") == set()


def test_a_statement_before_so_or_does_that_mean_is_context() -> None:
    ask = find_ask(
        "The core competences table in the strategic manager template says 'for all Level 7 Roles' so is the"
        " strategic manager actually a level 7 role?"
    )
    assert ask.parts == ("is the strategic manager actually a level 7 role?",) and "Level 7 Roles" in ask.context
    ask = find_ask(
        "My template says Common/Core Competences for all Level 3 Roles, does that mean the EW is a level 3 job?"
    )
    assert ask.parts == (f"{CLAIM}the EW is a level 3 job?",)
    ask = find_ask(
        "Before I challenge that at the meeting, does the TA template say anything about basic life support?"
    )
    assert ask.parts == ("does the TA template say anything about basic life support?",)
    # a clause that only names a time or a condition the question depends on ("as the TA is level 3") stays
    assert find_ask("As the transport assistant is a level 3 role, can they work without supervision?").context == ""


def test_who_is_asking_before_the_question_is_context() -> None:
    ask = find_ask("As commissioner I'd like to see what the SM template says about stakeholders")
    assert ask.parts == ("I'd like to see what the SM template says about stakeholders",)
    assert ask.context == "As commissioner"
    assert find_ask("As a preceptor, what does the CP template say about students?").context == "As a preceptor"


def test_a_sentence_that_only_says_what_the_answer_is_for_is_context() -> None:
    ask = find_ask("what's the NOS code for 'Manage lone workers'? need it for the training database")
    assert ask.parts == ("what's the NOS code for 'Manage lone workers'?",)


def test_it_in_the_question_is_the_subject_its_context_names() -> None:
    ask = find_ask("I'm designing a short course on lone working. Where does it appear across the templates?")
    assert ask.resolved == "Where does lone working appear across the templates?"
    assert find_ask("Where does it appear across the templates?").resolved is None


def test_a_yes_no_about_the_same_people_after_a_what_question_is_a_second_ask() -> None:
    ask = find_ask("what does the person who drives the minibus do and are they trained in first aid?")
    assert ask.parts == ("what does the person who drives the minibus do?", "are they trained in first aid?")
    # one question when it starts as a yes/no, or compares
    for message in (
        "is the EW trained in first aid and are they allowed to drive?",
        "what is the difference between the EW and the SM and are they both level 4?",
    ):
        assert len(find_ask(message).parts) == 1, message


@pytest.mark.parametrize(
    "message",
    [
        "The sexual health clinical practitioner registers with the HCPC, doesn't it?",
        "the transport assistants are level 3, aren't they?",
        "I assume the team leader needs a degree, don't they?",
    ],
)
def test_a_statement_with_a_tag_question_is_a_claim_asked(message: str) -> None:
    ask = find_ask(message)
    assert ask.parts[0].startswith(CLAIM), ask
    assert "n't" not in ask.parts[0]


def test_who_is_asking_before_a_colon_is_context_not_the_subject() -> None:
    ask = find_ask("Auditor checking staff records: is fire safety listed for the transport assistant?")
    assert ask.parts == ("is fire safety listed for the transport assistant?",)
    assert ask.context == "Auditor checking staff records"
    # a subject before the dash stays with the message
    assert find_ask("resus - what's in the ACP template?").parts == ("resus - what's in the ACP template?",)


@pytest.mark.parametrize(
    ("message", "ask"),
    [
        (
            "Bullet list only, no prose: the role-specific competences of the team leader.",
            "the role-specific competences of the team leader",
        ),
        ("One line each: what do the EW and the SM do?", "what do the EW and the SM do?"),
    ],
)
def test_how_to_lay_out_the_answer_before_a_colon_is_an_instruction(message: str, ask: str) -> None:
    assert find_ask(message).parts == (ask,)
    assert find_ask(message).wants


def test_a_claim_then_can_you_confirm_is_the_claim_asked() -> None:
    ask = find_ask("I assume the CSW's CPD is reviewed once a year like the others. Can you confirm?")
    assert ask.parts == (f"{CLAIM}the CSW's CPD is reviewed once a year like the others?",)


def test_a_quote_that_what_does_that_mean_points_back_to() -> None:
    ask = find_ask("my manager said 'core to the level' in my appraisal. what does that mean?")
    assert ask.resolved == "what does 'core to the level' mean?"
    # apostrophes are no quote marks
    assert find_ask("I'm new and it's confusing. what does that mean").resolved is None
