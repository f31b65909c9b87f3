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


def test_bad_setting_names_key_and_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROLEBOT_LOG_LEVEL", "LOUD")
    assert main(["knowledge"]) == 1
    assert "ROLEBOT_LOG_LEVEL='LOUD'" in capsys.readouterr().err
