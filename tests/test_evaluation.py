"""The evaluation sets: CI fails below their gates. Also the report format and file errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.evaluation import (
    EvalFileError,
    Report,
    confident_wrong,
    default_eval_file,
    format_report,
    load_cases,
    run_eval,
)

pytestmark = pytest.mark.model
PASS_RATE = 0.98
# The blind set (written from the templates only, by someone who had not seen the code) is gated at
# the 95 %. The second blind set (written the same way a round later, scored before any change
# made for it) and the questions about the two invented fixture templates: floors at what the bot
# scores today, so that nothing slips back (docs/evaluation.md).
BLIND_FLOOR = 0.95
BLIND2_FLOOR = 0.88
FIXTURES_FLOOR = 0.80
# The third blind set (237 questions in voices the others lack, 86 of them asked with the invented family
# loaded beside the shipped two): 74.7 % on its first run, before any change made for it (docs/evaluation.md).
BLIND3_FLOOR = 0.92
# The fourth (125 questions, 68 with the family): scored once, 72.8 %, and never fixed for: the estimate of
# how often a new question is fully right. Its floor only keeps it from slipping.
BLIND4_FLOOR = 0.72
# Written this round by four more authors who saw neither the code nor any other set (docs/evaluation.md).
# The fifth and sixth were development sets: scored once, then their failing classes were fixed. The seventh
# and eighth were sealed: scored once when written (70.6 %, 66.5 %), then fixed by class like the others.
BLIND5_FLOOR = 0.78
BLIND6_FLOOR = 0.80
BLIND7_FLOOR = 0.87
BLIND8_FLOOR = 0.78
# The ninth: written and scored once at the end of the round (70.6 %), the round's last honest estimate; a few
# classes fixed after, its floor only keeps it from slipping.
BLIND9_FLOOR = 0.75
# The tenth and eleventh (160 and 150 questions, 105 and 108 asked with the family loaded): written this round by two
# more such authors, sealed, and scored once after this round's general changes and before any change made for
# them (65.6 %, 70.0 %); then fixed by class. Their floors keep them from slipping (docs/evaluation.md).
BLIND10_FLOOR = 0.86
BLIND11_FLOOR = 0.88
# The twelfth and thirteenth (160 each, 96 and 112 asked with the family loaded): written in the seventh round by
# two more such authors, sealed, and scored once after that round's first general changes and before any change
# made for them (75.0 %, 81.9 %); then fixed by class to 92.5 % each, the bar (docs/evaluation.md).
BLIND12_FLOOR = 0.92
BLIND13_FLOOR = 0.92
# The eighth round's four (160 each, 103, 110, 107 and 115 asked with the family loaded), each written by another
# such author and sealed. The fourteenth and fifteenth were scored once after the round's first change (68.1 %,
# 75.0 %), the sixteenth after its first eight general changes (74.4 %), the seventeenth after seven more
# (76.2 %); each was then fixed by class (docs/evaluation.md). Their floors keep them from slipping.
BLIND14_FLOOR = 0.73
BLIND15_FLOOR = 0.83
BLIND16_FLOOR = 0.80
BLIND17_FLOOR = 0.80
# The ninth round's two (160 each, 108 and 127 asked with the family loaded), each written by another such author
# and sealed: the eighteenth scored once after the round's first two general changes (69.4 %), the nineteenth after
# six more, made from the eighteenth's failures by class (76.9 %); then fixed by class (docs/evaluation.md).
BLIND18_FLOOR = 0.76
BLIND19_FLOOR = 0.78
# The tenth round's two (160 each, 128 and 116 asked with the family loaded), each written by another such author
# and sealed: the twenty-first scored once before any change this round (68.8 %); the twentieth after the round's
# changes made from the twenty-first's failures by class (72.5 %); then both fixed by class (docs/evaluation.md).
BLIND20_FLOOR = 0.77
BLIND21_FLOOR = 0.79
# The eleventh round's two (160 each, 122 and 123 asked with the family loaded), each written by another such author
# and sealed: the twenty-second scored once before any change this round (70.0 %), the twenty-third after the
# round's changes made from the twenty-second's failures and a Playground walk-through (73.8 %); then both fixed by
# class (docs/evaluation.md).
BLIND22_FLOOR = 0.77
BLIND23_FLOOR = 0.77


def test_eval_set_is_large_and_varied() -> None:
    cases = load_cases(default_eval_file())
    assert len(cases) >= 120
    topics = {c["topic"] for c in cases}
    assert {"training", "experience", "competences", "decline", "unknown-role", "multi-turn"} <= topics
    assert sum(c["decline"] for c in cases) >= 15
    assert sum(len(c["ask"]) > 1 for c in cases) >= 8


def test_eval_pass_rate(model_runtime) -> None:
    report = run_eval(model_runtime.engine, default_eval_file())
    summary = format_report(report)
    print(summary)
    assert report.pass_rate >= PASS_RATE, summary
    assert report.recall_at_5 >= 0.8, summary


def test_held_out_set(model_runtime) -> None:
    # Written after the main set, phrased differently; scored 76.7 % on its first run (see docs/evaluation.md).
    report = run_eval(model_runtime.engine, default_eval_file().with_name("holdout.json"))
    summary = format_report(report)
    print(summary)
    assert report.pass_rate >= 0.9, summary


@pytest.mark.parametrize(("name", "floor"), [("blind.json", BLIND_FLOOR), ("blind2.json", BLIND2_FLOOR)])
def test_blind_sets(model_runtime, name: str, floor: float) -> None:
    report = run_eval(model_runtime.engine, default_eval_file().with_name(name))
    summary = format_report(report)
    print(summary)
    assert report.pass_rate >= floor, summary


def _with_family(model_runtime, family_runtime, name: str) -> Report:
    """A set whose cases are asked either of the shipped two or with the invented family beside them."""
    path = default_eval_file().with_name(name)
    shipped = run_eval(model_runtime.engine, path, templates="shipped")
    family = run_eval(family_runtime.engine, path, templates="family")
    return Report(shipped.results + family.results)


@pytest.mark.parametrize(
    ("name", "floor", "size"),
    [
        ("blind3.json", BLIND3_FLOOR, 150),
        ("blind4.json", BLIND4_FLOOR, 90),
        ("blind5.json", BLIND5_FLOOR, 110),
        ("blind6.json", BLIND6_FLOOR, 110),
        ("blind7.json", BLIND7_FLOOR, 160),
        ("blind8.json", BLIND8_FLOOR, 170),
        ("blind9.json", BLIND9_FLOOR, 160),
        ("blind10.json", BLIND10_FLOOR, 160),
        ("blind11.json", BLIND11_FLOOR, 150),
        ("blind12.json", BLIND12_FLOOR, 160),
        ("blind13.json", BLIND13_FLOOR, 160),
        ("blind14.json", BLIND14_FLOOR, 160),
        ("blind15.json", BLIND15_FLOOR, 160),
        ("blind16.json", BLIND16_FLOOR, 160),
        ("blind17.json", BLIND17_FLOOR, 160),
        ("blind18.json", BLIND18_FLOOR, 160),
        ("blind19.json", BLIND19_FLOOR, 160),
        ("blind20.json", BLIND20_FLOOR, 160),
        ("blind21.json", BLIND21_FLOOR, 160),
        ("blind22.json", BLIND22_FLOOR, 160),
        ("blind23.json", BLIND23_FLOOR, 160),
    ],
)
def test_blind_sets_with_the_family(model_runtime, family_runtime, name: str, floor: float, size: int) -> None:
    report = _with_family(model_runtime, family_runtime, name)
    summary = format_report(report)
    print(summary)
    assert len(report.results) >= size
    assert report.pass_rate >= floor, summary


def test_no_answer_misreads_or_contradicts_itself(model_runtime, family_runtime, tmp_path: Path) -> None:
    """Over every evaluation set, passing or not: no "No" that names the asker's context as its subject, no
    first word (Yes, No, a number) that the lines under it contradict, no yes/no to a request for something, no
    empty reply."""
    from bot.runtime import load_runtime
    from bot.settings import Settings

    from .conftest import ROOT

    fixtures = load_runtime(
        Settings.from_env(
            {
                "ROLEBOT_KNOWLEDGE_DIR": str(ROOT / "tests" / "fixtures" / "templates"),
                "ROLEBOT_INDEX_DIR": str(tmp_path),
            }
        )
    )
    reports = [
        (model_runtime, run_eval(model_runtime.engine, default_eval_file().with_name(name)))
        for name in ("questions.json", "holdout.json", "blind.json", "blind2.json")
    ]
    reports.append((fixtures, run_eval(fixtures.engine, default_eval_file().with_name("fixtures.json"))))
    reports += [
        (family_runtime, _with_family(model_runtime, family_runtime, n))
        for n in (
            "blind3.json",
            "blind4.json",
            "blind5.json",
            "blind6.json",
            "blind7.json",
            "blind8.json",
            "blind9.json",
            "blind10.json",
            "blind11.json",
            "blind12.json",
            "blind13.json",
            "blind14.json",
            "blind15.json",
            "blind16.json",
            "blind17.json",
            "blind18.json",
            "blind19.json",
            "blind20.json",
            "blind21.json",
            "blind22.json",
            "blind23.json",
        )
    ]
    problems = [
        f"{r.id}: {r.question} -> {found}"
        for runtime, report in reports
        for r in report.results
        if (found := confident_wrong(r.question.split(" / ")[-1], r.answer, runtime.engine.grounded))
    ]
    problems += [
        f"{r.id}: {r.question} -> an empty reply"
        for _, rep in reports
        for r in rep.results
        if not r.answer.text.strip()
    ]
    assert sum(len(report.results) for _, report in reports) > 3800
    assert not problems, "\n".join(problems)


def test_fixture_templates_set(tmp_path: Path) -> None:
    """Two invented templates, in the two layouts, with extraction damage: nothing is tuned to a role."""
    from bot.runtime import load_runtime
    from bot.settings import Settings

    from .conftest import ROOT

    settings = Settings.from_env(
        {"ROLEBOT_KNOWLEDGE_DIR": str(ROOT / "tests" / "fixtures" / "templates"), "ROLEBOT_INDEX_DIR": str(tmp_path)}
    )
    runtime = load_runtime(settings)
    assert {p.short_name for p in runtime.kb.profiles} == {"Support Worker", "Clinical Lead"}
    report = run_eval(runtime.engine, default_eval_file().with_name("fixtures.json"))
    summary = format_report(report)
    print(summary)
    assert report.pass_rate >= FIXTURES_FLOOR, summary


def test_report_names_each_failure(model_runtime, tmp_path: Path) -> None:
    cases = [
        {
            "id": "x1",
            "topic": "training",
            "ask": ["what training does an engagement worker need?"],
            "must": ["Underwater basket weaving"],
            "roles": ["Strategic Manager"],
        },
        {
            "id": "x2",
            "topic": "decline",
            "ask": ["what is the salary of an engagement worker?"],
            "decline": True,
        },
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    report = run_eval(model_runtime.engine, path)
    text = format_report(report)
    assert report.pass_rate == 0.5
    assert "x1: what training does an engagement worker need?" in text
    assert "missing 'Underwater basket weaving'" in text and "does not cite the Strategic Manager template" in text


def test_bad_eval_files(tmp_path: Path) -> None:
    with pytest.raises(EvalFileError, match="does not exist"):
        load_cases(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(EvalFileError, match="not valid JSON"):
        load_cases(tmp_path / "bad.json")
    (tmp_path / "shape.json").write_text('[{"q": 1}]', encoding="utf-8")
    with pytest.raises(EvalFileError, match="each with 'ask'"):
        load_cases(tmp_path / "shape.json")


def test_the_misread_check_can_fail(model_runtime) -> None:
    from bot.answering.answer import Answer

    grounded = model_runtime.engine.grounded
    echo = Answer("No.\nNo competence in the Engagement Worker template mentions union rep chairing meetings [1]")
    assert confident_wrong("union rep here - is chairing meetings part of the EW profile?", echo, grounded)
    blank = Answer("No.\nThe Strategic Manager template's statutory and mandatory learning: left blank in the template")
    assert confident_wrong("The SM's stat and mand row looks empty - is it actually blank?", blank, grounded)
    request = Answer("Yes.\nThe Engagement Worker template lists that:")
    assert confident_wrong("Can you give me the exact Experience Required for the EW?", request, grounded)
    # "what about the CD one?" asks the last yes/no again
    assert not confident_wrong("what about the clinical director one?", request, grounded)
    counted = Answer("14 competences in the template\n**EW**: competences: 12 listed", roles=("EW",))
    assert confident_wrong("how many competences does the EW have?", counted, grounded)
    fine = Answer("No.\nNo competence in the Engagement Worker template mentions chairing meetings [1]")
    assert not confident_wrong("union rep here - is chairing meetings part of the EW profile?", fine, grounded)
