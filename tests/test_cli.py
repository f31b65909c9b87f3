from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from knowledge import default_dir


def test_knowledge_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge"]) == 0
    out = capsys.readouterr().out
    assert "Liaison and Diversion Strategic Manager (Strategic Manager): career framework level 8" in out
    assert "competences: core 14, role-specific 32, locality-specific 0" in out
    assert "says level 7, but Basic Information gives level 8" in out
    assert "Statutory and Mandatory learning of particular relevance to the role" in out  # blank for the SM
    warnings = sum(1 for line in out.splitlines() if line.startswith("    "))
    assert out.rstrip().splitlines()[-1] == f"2 templates read, 0 files skipped, {warnings} warnings"


def test_knowledge_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "--json"]) == 0
    profiles = json.loads(capsys.readouterr().out)
    assert [p["level"] for p in profiles] == [4, 8]
    competence = profiles[1]["competences"][0]
    assert set(competence) >= {"section", "principle", "function", "title", "source"}
    assert competence["source"]["section"].startswith("The National Occupational Standards > Common/Core")
    assert profiles[0]["role"] == "Liaison and Diversion Service Engagement Worker"


def test_knowledge_dir_from_environment_and_errors_exit_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(next(default_dir().glob("*level-8.txt")), tmp_path / "sm.txt")
    (tmp_path / "bad.txt").write_text("Basic Information\n\nArea of Work\tX\n", encoding="utf-8")
    monkeypatch.setenv("ROLEBOT_KNOWLEDGE_DIR", str(tmp_path))
    assert main(["knowledge"]) == 1
    captured = capsys.readouterr()
    assert "Strategic Manager" in captured.out and "Engagement Worker" not in captured.out
    assert "error: bad.txt" in captured.err and "Named Role" in captured.err


def test_missing_dir_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "--dir", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: knowledge folder") and "\n" not in err


def test_bad_setting_names_key_and_value(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ROLEBOT_LOG_LEVEL", "LOUD")
    assert main(["knowledge"]) == 1
    assert "ROLEBOT_LOG_LEVEL='LOUD'" in capsys.readouterr().err


@pytest.fixture
def index_env(model_runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI at the session's already built index (same knowledge and model)."""
    monkeypatch.setenv("ROLEBOT_INDEX_DIR", str(model_runtime.index_dir))


@pytest.mark.model
def test_ask_json(index_env, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "do engagement workers need a DBS?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) >= {"text", "citations", "roles", "topic", "declined", "suggestions"}
    assert answer["topic"] == "experience" and not answer["declined"]
    assert "DBS clearance or vetting, where appropriate." in answer["text"]
    citation = answer["citations"][0]
    assert set(citation) >= {"name", "abstract", "section", "role"}
    assert citation["role"] == "Liaison and Diversion Service Engagement Worker"


@pytest.mark.model
def test_ask_text_shows_sources(index_env, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "what level is the strategic manager?"]) == 0
    out = capsys.readouterr().out
    assert "career framework level 8" in out and "Sources:" in out and "[1] Strategic Manager template" in out


@pytest.mark.model
def test_eval_command_exit_code(index_env, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "c.json"
    cases.write_text(json.dumps([{"ask": ["hello"], "must": ["no such words"]}]), encoding="utf-8")
    assert main(["eval", str(cases), "--min-pass", "0.95"]) == 1
    assert "pass rate: 0.0%" in capsys.readouterr().out
    assert main(["eval", str(cases)]) == 0


def test_knowledge_reports_every_file_with_its_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from index import HashEmbedder, build_index
    from knowledge import load_knowledge

    from .documents import to_docx

    folder = tmp_path / "templates"
    folder.mkdir()
    ew = next(default_dir().glob("*level-4.txt"))
    (folder / "engagement-worker.docx").write_bytes(to_docx(ew.read_text(encoding="utf-8")))
    shutil.copy(next(default_dir().glob("*level-8.txt")), folder / "sm.txt")
    (folder / "advert.txt").write_text("Job advert\n\nEngagement worker wanted.\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    monkeypatch.setenv("ROLEBOT_INDEX_DIR", str(tmp_path / "index"))
    build_index(load_knowledge(folder), HashEmbedder(), tmp_path / "index")  # what a server would serve
    (folder / "sm.txt").write_bytes(b"\x00 saved over by mistake")

    assert main(["knowledge", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "engagement-worker.docx (Word, 7 tables read)" in out
    assert "Liaison and Diversion Service Engagement Worker (Engagement Worker): career framework level 4" in out
    assert "    table 4: principle '3. Health, Safety and Security' stands in column 2; realigned" in out
    assert "advert.txt (text): not a role profile template, skipped" in out
    assert "broken.pdf (PDF): NOT READ: the PDF cannot be read" in out
    assert "sm.txt (text): NOT READ: not a text file" in out
    assert "keeps serving the previous good version of sm.txt" in out
    assert out.count("skipped: nothing from this file is served") == 1  # broken.pdf, never served
    assert out.rstrip().splitlines()[-1].startswith("1 template read, 3 files skipped, ")
