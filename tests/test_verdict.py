"""The first word of a yes/no answer, checked against the template lines the answer itself cites."""

from __future__ import annotations

import pytest

from bot.answering.answer import Answer, Citation
from bot.answering.understanding import RoleFinder
from bot.answering.verdict import cited_lines, settle, without_verdict, yes_no_asked

ACP = "Urgent and Emergency Care Advanced Clinical Practitioner"
CSW = "Mental Health Crisis Services Crisis Support Worker"


def answer(text: str, role: str = ACP) -> Answer:
    return Answer(text, citations=(Citation(1, "template", "quote", "CPD", role, "acp.txt", 3, 4),))


def test_only_quoted_lines_that_do_not_say_what_is_missing_are_evidence() -> None:
    said = answer(
        "No competence in the template mentions hand hygiene [1]\n- Perform hand hygiene [1]\n"
        "- Not in the core list: hand hygiene [1]\nThe **ACP** template lists that: [1]"
    )
    assert cited_lines(said) == {ACP: ["- Perform hand hygiene "]}


def test_yes_first_when_a_cited_line_holds_every_word_asked() -> None:
    found = answer("Here is what the role profile templates say:\n- Funded by the employer for the MSc [1]")
    settled = settle("Is the MSc funded by the employer?", found, {ACP}, ["msc", "funded", "employer"], [], {}, {})
    assert settled.text.startswith("Yes.\nHere is what")
    # a word no cited line holds ("self"), or a question a "Yes" would not answer plainly, gets no first word
    assert settle("Is the MSc self funded?", found, {ACP}, ["msc", "self", "funded"], [], {}, {}) == found
    assert settle("Is the MSc not funded by the employer?", found, {ACP}, ["msc", "funded"], [], {}, {}) == found
    assert settle("Is the MSc funded or free?", found, {ACP}, ["msc", "funded", "free"], [], {}, {}) == found


def test_a_bare_no_its_own_lines_contradict_is_turned_round_unless_a_place_was_asked() -> None:
    wrong = answer(
        "No, not in those words: no training entry names funding msc employer. Related entries:\n"
        "- Funded by the employer for the MSc [1]"
    )
    settled = settle("Is the MSc funded by the employer?", wrong, {ACP}, ["msc", "funded", "employer"], [], {}, {})
    assert settled.text == "Yes. The template says:\n- Funded by the employer for the MSc [1]"
    # "is it a core competence?": the No is about the table it is in, which these lines do not show
    core = answer("No.\n- Manage budgets (role specific) [1]")
    assert settle("Is manage budgets a core competence?", core, {ACP}, ["manage", "budgets"], [], {}, {}) == core
    # a reasoned No stays
    reasoned = answer("No, not necessarily: the template accepts equivalent experience instead.\n- Doctorate [1]")
    assert settle("Does it require a doctorate?", reasoned, {ACP}, ["doctorate"], [], {}, {}) == reasoned


def test_a_number_the_template_does_not_give_is_a_no() -> None:
    found = answer("Yes.\nThe **CSW** template lists safeguarding adults:\n- Safeguarding Adults (Level 2) [1]", CSW)
    lines = {CSW: ["Safeguarding Adults (Level 2)", "Safeguarding Children (Level 3)"]}
    settled = settle(
        "does the CSW need safeguarding adults level 3?", found, {CSW}, ["safeguarding", "adults"], ["3"], lines, {}
    )
    assert settled.text.startswith("No: the template gives a different level.\nThe **CSW** template")
    same = settle(
        "does the CSW need safeguarding adults level 2?", found, {CSW}, ["safeguarding", "adults"], ["2"], lines, {}
    )
    assert same == found
    licence = answer("- Full UK driving licence held for at least two years [1]")
    lines = {ACP: ["Full UK driving licence held for at least two years"]}
    assert settle("need a licence held 2 years?", licence, {ACP}, ["licence"], ["2"], lines, {}).text.startswith("Yes.")
    assert settle("need a licence held 5 years?", licence, {ACP}, ["licence"], ["5"], lines, {}).text.startswith(
        "No: the template gives a different figure."
    )


def test_the_numbers_a_question_asks_about_are_not_its_roles_levels(kb) -> None:
    finder = RoleFinder(kb.profiles)
    assert finder.numbers_asked("does the level 3 CSW need safeguarding adults level 3?", {3}) == ["3"]
    assert finder.numbers_asked("does the EW template say safeguarding has to be level 3?", {4}) == ["3"]
    assert finder.numbers_asked("is the EW level 4?", {4}) == []
    assert finder.numbers_asked("a licence held for 2 years", set()) == ["2"]


def test_a_bare_yes_that_no_cited_line_supports_is_a_no_unless_a_synonym_says_it() -> None:
    wrong = answer("Yes.\n- Qualification: Doctorate, Master's degree or equivalent experience. [1]")
    lines = {ACP: ["Doctorate, Master's degree or equivalent experience."]}
    settled = settle("is it true that she has to be a doctor?", wrong, {ACP}, ["doctor"], [], lines, {})
    assert settled.text.startswith("No.\n- Qualification: Doctorate")  # "doctor" is not "doctorate"
    alone = answer("Yes.\n- Manage lone workers [1]")
    lines = {ACP: ["Manage lone workers"]}
    assert settle("does she work alone?", alone, {ACP}, ["alone"], [], lines, {"alone": ("lone",)}) == alone
    # some word asked is said: the Yes may rest on it, and stays
    partly = answer("Yes.\n- MSc Advanced Clinical Practice [1]")
    assert settle("do I need the MSc already?", partly, {ACP}, ["msc", "already"], [], {}, {}) == partly


def test_a_request_gets_no_yes() -> None:
    asked = answer("Yes.\nThe **SM** template lists frequency:\n- Annual learning needs [1]")
    settled = settle("Can the bot tell me what to put for frequency?", asked, {ACP}, ["frequency"], [], {}, {})
    assert settled.text.startswith("The **SM** template lists frequency:")


@pytest.mark.parametrize(
    ("question", "yes_no"),
    [
        ("how do i apply for the EW job is there an interview", False),
        ("what training does the SM need?", False),
        ("does the SM need a degree?", True),
        ("what about the CD one?", True),
        ("what about the EW - is it in there?", True),
    ],
)
def test_whether_a_yes_or_no_can_answer_the_question(question: str, yes_no: bool) -> None:
    assert yes_no_asked(question) is yes_no


def test_a_yes_or_no_is_taken_off_the_lines_it_heads() -> None:
    assert without_verdict(Answer("No.\nThe template asks for: x [1]")).text == "The template asks for: x [1]"
    assert without_verdict(Answer("No, not in those words: none [1]")).text == "Not in those words: none [1]"
    assert without_verdict(Answer("Nothing found")).text == "Nothing found"
