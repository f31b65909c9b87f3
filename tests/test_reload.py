"""Reload without downtime: the real aiohttp app keeps answering while its knowledge folder changes."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from bot.reload import Reloader, snapshot
from bot.runtime import Runtime, load_runtime
from bot.settings import Settings
from bot.teams.server import SERVICE, create_app
from index import HashEmbedder, load_index
from knowledge import default_dir

from .conftest import ENGAGEMENT_WORKER, ROOT, STRATEGIC_MANAGER
from .documents import header_for, to_pdf

SM_QUESTION = "what career framework level is the strategic manager?"


def folder_with(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name in names:
        shutil.copy(default_dir() / name, folder / name)
    return folder


def settings_for(tmp_path: Path, folder: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "ROLEBOT_KNOWLEDGE_DIR": str(folder),
            "ROLEBOT_INDEX_DIR": str(tmp_path / "index"),
            "ROLEBOT_DATA_DIR": str(tmp_path / "data"),
            "ROLEBOT_RELOAD_SECONDS": "0.1",
            **env,
        }
    )


def ask(text: str, conversation: str = "c1") -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"in-{uuid.uuid4().hex}",  # its own id: a repeated one is a redelivery, answered once
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",
        "deliveryMode": "expectReplies",
        "conversation": {"id": conversation},
        "from": {"id": "user-1", "name": "A Nurse"},
        "recipient": {"id": "bot-1", "name": "RoleBot"},
        "text": text,
    }


async def answer_text(client: Any, text: str, conversation: str = "c1") -> str:
    """The bot's reply through /api/messages (replies in the body: expectReplies)."""
    response = await client.post("/api/messages", json=ask(text, conversation))
    assert response.status == 200, await response.text()
    replies = [a for a in (await response.json())["activities"] if a.get("type") == "message"]
    assert replies
    return replies[-1]["text"]


async def wait_for(client: Any, condition: Any, seconds: float = 90.0) -> dict[str, Any]:
    """Poll /healthz until `condition(health)`; answer questions meanwhile (nothing may fail)."""
    deadline = asyncio.get_running_loop().time() + seconds
    asked = 0
    while True:
        health = await (await client.get("/healthz?templates=all")).json()
        if condition(health):
            return health
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out; /healthz said {health}")
        text = await answer_text(client, "what training does an engagement worker need?", f"busy-{asked}")
        assert "Engagement Worker" in text  # the old knowledge answers until the new one is in
        asked += 1
        await asyncio.sleep(0.05)


def statuses(health: dict[str, Any]) -> dict[str, str]:
    return {t["file"]: t["status"] for t in health["templates"]}


@pytest.mark.model
async def test_a_template_dropped_into_the_folder_is_answered_without_a_restart(
    aiohttp_client, model_runtime, tmp_path: Path
) -> None:
    folder = folder_with(tmp_path, ENGAGEMENT_WORKER)
    settings = settings_for(tmp_path, folder)
    client = await aiohttp_client(create_app(settings, load_runtime(settings, embedder=model_runtime.embedder)))
    before = await (await client.get("/healthz?templates=all")).json()
    assert statuses(before) == {ENGAGEMENT_WORKER: "served"}
    text = await answer_text(client, SM_QUESTION)
    assert "no role profile template for strategic manager" in text.lower()

    # An organisation saves the new profile as a PDF into the mounted folder.
    text_sm = (default_dir() / STRATEGIC_MANAGER).read_text(encoding="utf-8")
    partial = folder / ".incoming.tmp"
    partial.write_bytes(to_pdf(text_sm, header_for(text_sm)))
    partial.rename(folder / "strategic-manager.pdf")
    health = await wait_for(client, lambda h: "strategic-manager.pdf" in statuses(h))

    assert statuses(health) == {ENGAGEMENT_WORKER: "served", "strategic-manager.pdf": "served"}
    assert health["index_hash"] != before["index_hash"] and health["reload"]["reloads"] == 1
    assert health["profiles"] == ["Engagement Worker", "Strategic Manager"]
    text = await answer_text(client, SM_QUESTION, "after")
    assert "level 8" in text and "no role profile template" not in text.lower()
    # Citations of the new template name the page of the PDF.
    service = client.server.app[SERVICE]
    answer, _ = service.runtime.engine.answer(SM_QUESTION)
    assert answer.citations and all(c.file == "strategic-manager.pdf" for c in answer.citations)
    assert all(c.location.startswith("page") for c in answer.citations)
    # The index on disk followed: a restart serves the same without rebuilding.
    assert load_index(service.runtime.kb, model_runtime.embedder, tmp_path / "index").summary()["passages"] == len(
        service.runtime.index.passages
    )


@pytest.mark.model
async def test_a_broken_replacement_keeps_the_previous_version_answering(
    aiohttp_client, model_runtime, tmp_path: Path
) -> None:
    folder = folder_with(tmp_path, ENGAGEMENT_WORKER, STRATEGIC_MANAGER)
    settings = settings_for(tmp_path, folder)
    client = await aiohttp_client(create_app(settings, load_runtime(settings, embedder=model_runtime.embedder)))
    before = await (await client.get("/healthz?templates=all")).json()

    # Someone saves a job advert over the strategic manager's template.
    (folder / STRATEGIC_MANAGER).write_text("Job advert\n\nWe are recruiting a strategic manager.\n", encoding="utf-8")
    health = await wait_for(client, lambda h: statuses(h).get(STRATEGIC_MANAGER) == "kept")
    kept = next(t for t in health["templates"] if t["file"] == STRATEGIC_MANAGER)
    assert kept["reason"] == "not a role profile template: it has no 'Basic Information' section"
    assert kept["role"] == "Liaison and Diversion Strategic Manager"
    assert health["index_hash"] == before["index_hash"]  # the same knowledge is served
    assert health["template_errors"] == 1 and "previous version is still served" in health["reload"]["last_error"]
    text = await answer_text(client, SM_QUESTION, "after")
    assert "level 8" in text

    # A file that cannot be read at all: the same.
    (folder / STRATEGIC_MANAGER).write_bytes(b"\x00\x01 not text")
    health = await wait_for(client, lambda h: "NUL" in (h["reload"]["last_error"] or ""))
    assert statuses(health)[STRATEGIC_MANAGER] == "kept"
    text = await answer_text(client, SM_QUESTION, "again")
    assert "level 8" in text

    # Fixed again: served from the new version.
    shutil.copy(default_dir() / STRATEGIC_MANAGER, folder / STRATEGIC_MANAGER)
    health = await wait_for(client, lambda h: statuses(h)[STRATEGIC_MANAGER] == "served")
    assert health["template_errors"] == 0


@pytest.mark.model
async def test_rolebot_index_while_the_server_runs_and_reloads(aiohttp_client, model_runtime, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, ENGAGEMENT_WORKER)
    settings = settings_for(tmp_path, folder)
    client = await aiohttp_client(create_app(settings, load_runtime(settings, embedder=model_runtime.embedder)))
    shutil.copy(default_dir() / STRATEGIC_MANAGER, folder / STRATEGIC_MANAGER)
    env = {
        **os.environ,
        "ROLEBOT_KNOWLEDGE_DIR": str(folder),
        "ROLEBOT_INDEX_DIR": str(tmp_path / "index"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    command = [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", "index"]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        # The server reloads (and writes the index folder) while `rolebot index` rebuilds it too.
        health = await wait_for(client, lambda h: STRATEGIC_MANAGER in statuses(h))
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()[-2000:]
    text = await answer_text(client, SM_QUESTION, "after")
    assert "level 8" in text
    # Whichever wrote last, the folder holds one whole index of the knowledge in service.
    service = client.server.app[SERVICE]
    assert service.runtime.kb.fingerprint == health["index_hash"]
    loaded = load_index(service.runtime.kb, model_runtime.embedder, tmp_path / "index")
    assert len(loaded.passages) == len(service.runtime.index.passages)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".index-")]


# -- the watcher itself, with the deterministic embedder ------------------------------------------


def small_runtime(folder: Path, index_dir: Path) -> Runtime:
    settings = Settings.from_env({"ROLEBOT_KNOWLEDGE_DIR": str(folder), "ROLEBOT_INDEX_DIR": str(index_dir)})
    return load_runtime(settings, embedder=HashEmbedder())


async def test_a_change_is_read_once_it_has_settled_and_a_touch_changes_nothing(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, ENGAGEMENT_WORKER)
    runtime = small_runtime(folder, tmp_path / "index")
    swapped: list[Runtime] = []
    reloader = Reloader(folder, tmp_path / "index", runtime, swapped.append, interval=0.01)
    try:
        assert await reloader.check() is False  # nothing changed
        shutil.copy(default_dir() / STRATEGIC_MANAGER, folder / STRATEGIC_MANAGER)
        assert await reloader.check() is False  # seen once: maybe still being copied
        assert await reloader.check() is True  # the same on the next poll: read it
        assert [p.short_name for p in swapped[-1].kb.profiles] == ["Engagement Worker", "Strategic Manager"]
        os.utime(folder / STRATEGIC_MANAGER)  # touched, same bytes
        assert await reloader.check() is False and await reloader.check() is False
        assert len(swapped) == 1
        (folder / STRATEGIC_MANAGER).unlink()
        await reloader.check()
        assert await reloader.check() is True
        assert [p.short_name for p in swapped[-1].kb.profiles] == ["Engagement Worker"]
        assert snapshot(folder).keys() == {ENGAGEMENT_WORKER}
    finally:
        reloader.close()


async def test_an_emptied_folder_keeps_everything_as_it_was(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, ENGAGEMENT_WORKER)
    runtime = small_runtime(folder, tmp_path / "index")
    swapped: list[Runtime] = []
    reloader = Reloader(folder, tmp_path / "index", runtime, swapped.append, interval=0.01)
    try:
        (folder / ENGAGEMENT_WORKER).unlink()
        assert await reloader.reload() is False
        assert swapped == [] and reloader.runtime is runtime
        assert "holds no" in reloader.status.last_error and "previous knowledge is still served" in (
            reloader.status.last_error
        )
    finally:
        reloader.close()


async def test_unchanged_files_are_not_parsed_again(tmp_path: Path, monkeypatch) -> None:
    folder = folder_with(tmp_path, ENGAGEMENT_WORKER, STRATEGIC_MANAGER)
    runtime = small_runtime(folder, tmp_path / "index")
    parsed: list[str] = []
    import knowledge.loader

    real = knowledge.loader.parse_template
    monkeypatch.setattr(knowledge.loader, "parse_template", lambda data, name: parsed.append(name) or real(data, name))
    text = (folder / STRATEGIC_MANAGER).read_text(encoding="utf-8")
    (folder / STRATEGIC_MANAGER).write_text(text.replace("Final February 2023", "Final March 2023"), encoding="utf-8")
    reloader = Reloader(folder, tmp_path / "index", runtime, lambda new: None, interval=0.01)
    try:
        assert await reloader.reload() is True
        assert parsed == [STRATEGIC_MANAGER]
        assert reloader.runtime.kb.profiles[1].date == "March 2023"
    finally:
        reloader.close()


def test_two_workers_reloading_at_once_build_the_index_once(tmp_path: Path, monkeypatch) -> None:
    # The workers of a server see a change at the same poll: the second loads what the first wrote.
    import threading

    import index.store

    folder = folder_with(tmp_path, ENGAGEMENT_WORKER)
    settings = settings_for(tmp_path, folder)
    runtime = load_runtime(settings, embedder=HashEmbedder())
    builds: list[int] = []
    real_build = index.store.build_index

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(index.store, "build_index", counted)
    shutil.copy(default_dir() / STRATEGIC_MANAGER, folder / STRATEGIC_MANAGER)
    workers = [Reloader(folder, tmp_path / "index", runtime, lambda new: None) for _ in range(2)]
    built: list[Runtime | None] = [None, None]
    threads = [threading.Thread(target=lambda i=i: built.__setitem__(i, workers[i]._build(runtime))) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds == [1] and all(b is not None and len(b.kb.profiles) == 2 for b in built)
    assert built[0].index.manifest["knowledge_hash"] == built[1].index.manifest["knowledge_hash"]  # type: ignore[union-attr]
