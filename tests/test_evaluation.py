"""The evaluation sets: CI fails below their gates. Also the report format and file errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.evaluation import EvalFileError, default_eval_file, format_report, load_cases, run_eval

pytestmark = pytest.mark.model
PASS_RATE = 0.98
# The blind set (written from the templates only, by someone who had not seen the code) is gated at
# the 95 %. The second blind set (written the same way a round later, scored before any change
# made for it) and the questions about the two invented fixture templates: floors at what the bot
# scores today, so that nothing slips back (docs/evaluation.md).
BLIND_FLOOR = 0.95
BLIND2_FLOOR = 0.87
FIXTURES_FLOOR = 0.76


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
