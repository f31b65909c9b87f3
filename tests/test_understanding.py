from __future__ import annotations

import shutil

import pytest

from bot.answering.understanding import RoleFinder, rewrite, training_fields, understand, words
from knowledge import default_dir
from knowledge.records import KnowledgeBase


@pytest.fixture(scope="module")
def finder(kb: KnowledgeBase) -> RoleFinder:
    return RoleFinder(kb.profiles)


@pytest.mark.parametrize(
    ("question", "short_names"),
    [
        ("what training does an engagement worker need?", ["Engagement Worker"]),
        ("what does a Liaison and Diversion Strategic Manager do", ["Strategic Manager"]),
        ("engagment worker courses", ["Engagement Worker"]),
        ("strategic manger experience", ["Strategic Manager"]),
        ("EW training", ["Engagement Worker"]),
        ("what does the SM do", ["Strategic Manager"]),
        ("level 4 competences", ["Engagement Worker"]),
        ("what does a level 8 need", ["Strategic Manager"]),
        ("what does the manager need to know", ["Strategic Manager"]),
        (
            "compare the engagement worker with the strategic manager",
            ["Engagement Worker", "Strategic Manager"],
        ),
        ("do I need a level 3 NVQ?", []),
        ("what should I discuss with my line manager", []),
        ("do engagement workers work alongside nurses and doctors?", ["Engagement Worker"]),
        ("whats the minimum qualification for a strat manager", ["Strategic Manager"]),
        ("what do sms need to know about budgets", ["Strategic Manager"]),
        ("ew trainng", ["Engagement Worker"]),
    ],
)
def test_roles_are_found(finder: RoleFinder, question: str, short_names: list[str]) -> None:
    match = finder.find(question)
    assert [p.short_name for p in match.profiles] == short_names
    assert match.unknown == ()


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("what training does a peer support worker need?", "peer support worker"),
        ("what does a mental health nurse do", "mental health nurse"),
        ("level 6 role", "level 6"),
        ("team leader competences", "team leader"),
        ("tell me about the nurse practitioner role", "nurse practitioner"),
        ("what training does a nurse need?", "nurse"),
        ("do paramedics need a DBS?", "paramedic"),
    ],
)
def test_roles_without_a_template_are_unknown(finder: RoleFinder, question: str, unknown: str) -> None:
    match = finder.find(question)
    assert match.profiles == ()
    assert match.unknown == (unknown,)


def test_both_roles(finder: RoleFinder) -> None:
    assert finder.find("what training do both roles need").everyone
    assert finder.find("for all roles").everyone


@pytest.mark.parametrize(
    ("question", "topic", "subtopics"),
    [
        ("stat and mand for engagement workers", "training", ("statutory_mandatory",)),
        ("what courses should I do", "training", ("informal",)),
        ("how often is cpd", "training", ("frequency", "cpd")),
        ("who pays for training", "training", ("funding",)),
        ("what qualifications does an engagement worker need", "experience", ()),
        ("do I need a DBS", "experience", ()),
        ("what level is it?", "level", ()),
        ("what does a strategic manager do day to day", "scope", ()),
        ("core competences for the SM", "competences", ()),
        ("I'm starting as an engagement worker", "onboarding", ()),
        ("difference between the engagement worker and strategic manager", "compare", ()),
        ("what is a transferable role?", "framework", ()),
        ("hello", "help", ()),
        ("what roles do you know?", "roles", ()),
        ("which roles need PREVENT training?", "training", ()),
        ("what's an engagement worker's level?", "level", ()),
        ("how is the engagement worker's learning evaluated?", "training", ("impact_method",)),
        ("what are the core comps for the SM", "competences", ()),
        ("homelessness", "free", ()),
    ],
)
def test_topics(finder: RoleFinder, question: str, topic: str, subtopics: tuple[str, ...]) -> None:
    q = understand(question, finder)
    assert q.topic == topic
    assert q.subtopics == subtopics


def test_staff_shorthand_is_rewritten() -> None:
    assert rewrite("stat & mand") == "statutory and mandatory"
    assert rewrite("ew stat man?") == "ew statutory and mandatory?"
    assert rewrite("the stat manager") == "the stat manager"  # a word that starts "man" is no shorthand
    assert rewrite("what competencies") == "what competences"
    assert "training" in rewrite("traning")
    assert rewrite("ew trainng") == "ew training"


def test_initials_in_lower_case_are_never_common_words(kb: KnowledgeBase) -> None:
    finder = RoleFinder(kb.profiles)
    (ew,) = finder.initials["EW"]
    assert finder.initials_in("ew") is ew and finder.initials_in("EWs") is ew and finder.initials_in("ew's") is ew
    finder.initials["IT"] = [ew]  # as if a template's short name were "Information Technician"
    assert finder.initials_in("IT") is ew and finder.initials_in("it") is None
    assert [p.short_name for p in finder.find("is it part of the role?").profiles] == []


def test_quotes_around_words_are_not_part_of_them() -> None:
    assert words("is 'chair meetings' a ‘manager's’ job") == ["is", "chair", "meetings", "a", "manager's", "job"]


def test_strip_removes_role_mentions(finder: RoleFinder) -> None:
    assert finder.without_roles("salary of an engagement worker at level 4").split() == ["salary", "of", "an", "at"]
    assert finder.without_roles("what does the SM do").split() == ["what", "does", "the", "do"]
    assert finder.without_roles("and the SM?").split() == ["and", "the"]
    assert finder.without_roles("what do sms need, and EW's?").split() == ["what", "do", "need,", "and"]
    # the role's own document is not a topic; a template question without a role keeps the word
    assert finder.without_roles("does the SM template mention research").split() == [
        "does",
        "the",
        "mention",
        "research",
    ]
    assert finder.without_roles("who wrote the templates").split() == ["who", "wrote", "the", "templates"]


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        (
            "hi there, sorry if this is a silly question but can you tell me whether the templates say anything"
            " about trauma informed practice? thanks so much",
            "trauma informed practice",
        ),
        ("I was just wondering, if it's not too much trouble, who wrote the templates", "who wrote the templates"),
    ],
)
def test_politeness_and_request_wrappers_are_not_the_question(finder: RoleFinder, question: str, kept: str) -> None:
    q = understand(question, finder)
    assert kept in q.text and "sorry" not in q.text and "wondering" not in q.text


def test_what_the_templates_say_about_x_is_about_x_in_every_template(finder: RoleFinder) -> None:
    q = understand("do the templates say anything about working with families?", finder)
    assert q.roles.everyone and not q.roles.unknown and q.topic != "framework"
    assert q.text.startswith("is there anything about working with families")


def test_a_job_noun_the_templates_list_as_content_is_not_a_role(finder: RoleFinder) -> None:
    q = understand("which of the two roles has manage lone workers", finder)
    assert not q.roles.unknown  # "Manage lone workers" is a competence, not a "lone worker" role
    assert understand("what training does a peer support worker need?", finder).roles.unknown


def test_the_managers_side_of_onboarding(finder: RoleFinder) -> None:
    q = understand("my new EW starts next month, as their line manager what should I go through with them", finder)
    assert q.topic == "onboarding" and [p.short_name for p in q.roles.profiles] == ["Engagement Worker"]
    assert understand("my new EW asked me about supervision", finder).topic != "onboarding"


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("DBS needed for EW?", "check"),
        ("SM - any R&D competences?", "check"),
        ("any safeguarding training for the engagement worker?", "check"),
        ("what training is needed for the engagement worker?", "list"),
        ("which training is required?", "list"),
    ],
)
def test_terse_yes_no_questions_are_checks(question: str, operation: str) -> None:
    from bot.answering.direct import operation_of

    assert operation_of(rewrite(question)) == operation


def test_staff_shorthand_becomes_template_words(finder: RoleFinder) -> None:
    assert rewrite("L&D SM exp req", finder.shorthand) == "liaison and diversion SM experience required"
    assert rewrite("any R&D competences?") == "any research and development competences?"


def test_area_initials_come_from_the_loaded_templates() -> None:
    from knowledge import load_knowledge

    from .conftest import FIXTURE_TEMPLATES

    assert rewrite("L&D training") == "L&D training", "no area is hard-coded"
    fixtures = RoleFinder(load_knowledge(FIXTURE_TEMPLATES).profiles)
    assert rewrite("MHTR training?", fixtures.shorthand) == "mental health treatment requirement training?"


def test_comparisons_across_the_templates_and_weather_are_not_misread(finder: RoleFinder) -> None:
    assert understand("Is the CPD section different between the two templates?", finder).topic == "compare"
    assert understand("which core competences does the SM have that the EW doesn't?", finder).topic == "compare"
    assert understand("what's the weather going to be like in Leeds tomorrow?", finder).topic == "free"


def test_an_area_only_one_template_has_names_its_role() -> None:
    from knowledge import load_knowledge

    from .conftest import FIXTURE_TEMPLATES

    fixtures = RoleFinder(load_knowledge(FIXTURE_TEMPLATES).profiles)
    found = fixtures.find("What's the named role in the secure estate template?")
    assert [p.short_name for p in found.profiles] == ["Clinical Lead"]


def test_words_the_templates_list_are_not_misspelled_roles(finder: RoleFinder) -> None:
    assert finder.find("which role has to manage lone workers?").profiles == ()


def test_a_title_that_fits_many_templates_is_ambiguous_and_the_most_specific_wins(tmp_path) -> None:
    """Four templates are 'workers' when the invented support workers sit beside the shipped two."""
    from bot.answering.engine import Engine
    from index import HashEmbedder, build_index
    from knowledge import load_knowledge

    from .conftest import FAMILY_TEMPLATES, FIXTURE_TEMPLATES

    folder = tmp_path / "templates"
    folder.mkdir()
    for path in [
        *default_dir().glob("*.txt"),
        *FIXTURE_TEMPLATES.glob("*.*"),
        *FAMILY_TEMPLATES.glob("*.txt"),
        *FAMILY_TEMPLATES.glob("*.md"),
    ]:
        shutil.copy(path, folder / path.name)
    kb = load_knowledge(folder)
    finder = RoleFinder(kb.profiles)
    workers = finder.find("what training does a worker need?")
    assert workers.ambiguous and len(workers.profiles) == 4
    assert [p.short_name for p in finder.find("crisis support worker training").profiles] == ["Crisis Support Worker"]
    assert not finder.find("crisis support worker training").ambiguous
    engine = Engine(kb, build_index(kb, HashEmbedder(), tmp_path / "index"), HashEmbedder())
    answer, _ = engine.answer("what training does a worker need?")
    assert answer.text.startswith("Which one do you mean? 4 templates fit that title")
    assert not answer.citations and len(answer.suggestions) == 3
    assert answer.suggestions[0].question.endswith(f"({workers.profiles[0].short_name.lower()})?")


@pytest.mark.parametrize(
    ("question", "sections"),
    [
        ("list the core competences", ["core"]),
        ("What health and safety competences are specific to the SM (not the core ones)?", ["role-specific"]),
        ("what are the EW's non-core competences?", ["role-specific", "locality-specific"]),
        ("competences other than the core ones", ["role-specific", "locality-specific"]),
        ("anything not in the core list but in the role specific table?", ["role-specific"]),
        ("the core competences specific to the SM", ["core"]),  # its core ones, not two tables
        ("competences specific to this area", []),
        ("role specific and locality competences", ["role-specific", "locality-specific"]),
    ],
)
def test_the_tables_a_question_names_and_those_it_sets_aside(question: str, sections: list[str]) -> None:
    from bot.answering.wording import sections_named

    assert sections_named(question) == sections


def test_a_principle_is_named_by_its_own_words_or_a_part_no_other_principle_shares(kb: KnowledgeBase) -> None:
    from bot.answering.competences import principle_in, principle_names, principle_phrases

    phrases = principle_phrases(principle_names(kb.profiles))
    assert principle_in("equality and diversity competences", phrases) == "equality diversity"
    assert principle_in("what health promotion competences does the EW have?", phrases) == (
        "health promotion and protection"
    )
    assert principle_in("health and safety comps", phrases) == "health safety and security"
    assert principle_in("the people development ones", phrases) == "personal and people development"
    assert principle_in("information management competences", phrases) == (
        "information management information and communication technology"
    )
    # a one-word part ("protection", "security") is not enough, nor words of two principles apart
    assert principle_in("what about protection?", phrases) is None
    assert principle_in("health checks and promotion", phrases) is None


def test_courses_of_a_named_training_field_are_that_field() -> None:
    assert training_fields("how many statutory and mandatory courses are listed?") == ("statutory_mandatory",)
    assert set(training_fields("statutory and informal courses?")) == {"statutory_mandatory", "informal"}
    assert training_fields("what courses does the EW do?") == ("informal",)


def test_what_a_role_does_asked_indirectly_is_its_scope(finder: RoleFinder) -> None:
    assert understand("where does it actually say what an engagement worker DOES all day??", finder).topic == "scope"
    assert understand("what a strategic manager does day to day", finder).topic == "scope"
