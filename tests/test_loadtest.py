"""scripts/loadtest.py starts a bot, drives it through its stand-in channel and writes its figures
(which are not checked here: the script prints them). The echo bot is the cheap one; the naive bot
shares its app (scripts/echo_bot.py `make_app`) and takes about 20 s to start, so it is left out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def run_loadtest(tmp_path: Path, bots: str) -> list[dict]:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "loadtest.py"),
            *("--bots", bots, "--concurrency", "1,2", "--seconds", "1", "--warmup", "0.3"),
            *("--start-timeout", "90", "--quiet-wait", "0", "--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "turns/s" in done.stdout
    return json.loads(out.read_text())


def assert_answered(result: dict) -> None:
    assert not result["error"], result["error"]
    assert [run["concurrency"] for run in result["runs"]] == [1, 2]
    for run in result["runs"]:
        assert run["latencies"] and run["errors"] == 0
    assert result["cold_start"] > 0 and result["rss_mb"] > 0


def test_the_echo_bot_answers_through_the_stand_in_channel(tmp_path: Path) -> None:
    (echo,) = run_loadtest(tmp_path, "echo")
    assert echo["name"] == "echo"
    assert_answered(echo)
