from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from knowledge import default_dir, load_knowledge
from knowledge.records import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_TEMPLATES = ROOT / "tests" / "fixtures" / "templates"
FAMILY_TEMPLATES = ROOT / "tests" / "fixtures" / "family"


def ask_turns(runtime, *turns: str):
    """The last answer of a conversation of `turns` with the runtime's engine."""
    from bot.answering.engine import ConversationState

    state = ConversationState()
    answer = None
    for turn in turns:
        answer, state = runtime.engine.answer(turn, state)
    assert answer is not None
    return answer


ENGAGEMENT_WORKER = "liaison-and-diversion-engagement-worker-level-4.txt"
STRATEGIC_MANAGER = "liaison-and-diversion-strategic-manager-level-8.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def npm_binary(package: str, prefix: Path, binary: str, needed_by: str) -> Path:
    """`binary` of the npm `package`, installed into the git-ignored `prefix` when it is not there;
    the test is skipped where npm is missing."""
    path = prefix / "node_modules" / ".bin" / binary
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip(f"npm is not installed: {needed_by} needs Node.js and npm")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), package],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return path


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def templates() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in default_dir().glob("*.txt")}


@pytest.fixture(scope="session")
def model_runtime(tmp_path_factory: pytest.TempPathFactory):
    """The real packaged model, a real index on disk and the engine (built once per session)."""
    from bot.runtime import load_runtime
    from bot.settings import Settings

    index_dir = tmp_path_factory.mktemp("index") / "index"
    return load_runtime(Settings.from_env({"ROLEBOT_INDEX_DIR": str(index_dir)}))


@pytest.fixture(scope="session")
def family_runtime(tmp_path_factory: pytest.TempPathFactory):
    """The shipped two and the invented family of eight in one folder, as an organisation holds them: the
    real model and a real index (built once per session)."""
    from bot.runtime import load_runtime
    from bot.settings import Settings

    folder = tmp_path_factory.mktemp("family-templates")
    for path in [*default_dir().glob("*.txt"), *FAMILY_TEMPLATES.glob("*.txt"), *FAMILY_TEMPLATES.glob("*.md")]:
        shutil.copy(path, folder / path.name)
    index_dir = tmp_path_factory.mktemp("family-index") / "index"
    return load_runtime(Settings.from_env({"ROLEBOT_KNOWLEDGE_DIR": str(folder), "ROLEBOT_INDEX_DIR": str(index_dir)}))
