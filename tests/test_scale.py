"""At scale, with many generated templates: /healthz stays small, and the generator makes distinct
templates that parse. (Timings are printed by scripts/scale.py, never asserted here.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.runtime import load_runtime
from bot.settings import Settings
from bot.teams.server import create_app
from index import HashEmbedder
from knowledge import load_knowledge

from .generated import generate, write

MANY = 60


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many") / "templates"
    write(folder, MANY, seed=2)
    (folder / "a-job-advert.txt").write_text("Job advert\n\nWe are recruiting.\n", encoding="utf-8")
    return folder


def test_generated_templates_are_distinct_and_parse(many: Path) -> None:
    kb = load_knowledge(many)
    assert len(kb.profiles) == MANY and not [p for p in kb.profiles if p.warnings]
    assert len({p.role for p in kb.profiles}) == MANY
    assert len({p.area_of_work for p in kb.profiles}) > 10 and len({p.level for p in kb.profiles}) >= 6
    competences = [tuple(c.title for c in p.competences) for p in kb.profiles]
    assert len(set(competences)) == MANY  # each its own selection
    assert generate(5, seed=2) == generate(5, seed=2)  # the same seed, the same files


async def test_healthz_stays_small_with_many_templates(aiohttp_client, many: Path, tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ROLEBOT_KNOWLEDGE_DIR": str(many),
            "ROLEBOT_INDEX_DIR": str(tmp_path / "index"),
            "ROLEBOT_DATA_DIR": str(tmp_path / "data"),
        }
    )
    client = await aiohttp_client(create_app(settings, load_runtime(settings, embedder=HashEmbedder())))
    response = await client.get("/healthz")
    body = await response.read()
    health = json.loads(body)
    assert response.status == 200 and len(body) < 2_000  # counts, not one entry per template
    assert health["profiles"] == MANY and health["index"]["roles"] == MANY
    assert health["counts"] == {"served": MANY, "not-a-template": 1}
    assert [t["file"] for t in health["templates"]] == ["a-job-advert.txt"]
    everything = await (await client.get("/healthz?templates=all")).json()
    assert len(everything["templates"]) == MANY + 1 and len(everything["profiles"]) == MANY
