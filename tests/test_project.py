"""The project's shape: imports flow one way, settings are documented, CI runs the README's tests."""

from __future__ import annotations

import ast
import re

import pytest

from bot.settings import SETTINGS

from .conftest import ROOT

LAYERS = ["knowledge", "index", "bot"]


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_flow_one_way(layer: str) -> None:
    later = set(LAYERS[LAYERS.index(layer) + 1 :])
    for path in (ROOT / layer).rglob("*.py"):
        wrong = _imports(path) & later
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}: imports flow bot -> index -> knowledge"


def test_botbuilder_only_in_the_channel_layer() -> None:
    for layer in ("knowledge", "index"):
        for path in (ROOT / layer).rglob("*.py"):
            assert not {"botbuilder", "botframework", "aiohttp"} & _imports(path), path


def test_answering_knows_nothing_of_teams() -> None:
    """bot/answering composes answers; only bot/teams speaks the Bot Framework and HTTP."""
    for path in (ROOT / "bot" / "answering").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        modules |= {
            ("." * node.level) + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }
        wrong = {m for m in modules if m.split(".")[0] in {"botbuilder", "botframework", "aiohttp"} or "teams" in m}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    readme = _readme()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, f"{setting.name} missing from the README's configuration table"


def test_every_setting_is_in_the_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for setting in SETTINGS:
        assert setting.name in out


def _quick_start_commands() -> list[str]:
    section = _readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:sh|bash)\n(.*?)\n```", section, re.S)


def test_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    run, test = commands
    assert "rolebot" in run and "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
