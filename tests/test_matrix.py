"""The training matrix: `rolebot matrix` writes every learning item and competence with its source,
worded differently across templates under one row; in chat, 'which roles need X?' and 'training
matrix for <area>' over the real Bot Framework protocol (aiohttp app, stand-in channel)."""

from __future__ import annotations

import csv
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.answering.matrix import Cell, build_matrix, same_subject, training_entries
from bot.cli import main
from bot.runtime import load_runtime
from bot.settings import Settings
from bot.teams.render import MAX_ACTIVITY_BYTES, size
from bot.teams.server import create_app
from index import HashEmbedder
from knowledge import default_dir, load_knowledge
from knowledge.records import KnowledgeBase, RoleProfile

from .conftest import FIXTURE_TEMPLATES
from .generated import write

AREA = "Mental Health Crisis Services"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped, fixture and family templates, and ten generated ones in two areas (one of them the
    area asked about, which two family templates have too)."""
    folder = tmp_path_factory.mktemp("matrix") / "templates"
    write(folder, 10, seed=1, areas=(AREA, "Prison Healthcare"))
    family = FIXTURE_TEMPLATES.parent / "family"  # invented templates of the family, .txt and .md
    for path in (
        *default_dir().glob("*.txt"),
        *FIXTURE_TEMPLATES.iterdir(),
        *family.glob("*.md"),
        *family.glob("*.txt"),
    ):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def loaded(folder: Path) -> KnowledgeBase:
    kb = load_knowledge(folder)
    assert not kb.errors and len(kb.profiles) == 22
    return kb


def learning_items(p: RoleProfile) -> list[Cell]:
    """Every listed learning entry of a template, from the records (not from the matrix code)."""
    return [Cell(i.text, i.source) for f in (*p.learning, *p.cpd) for i in f.items]


def test_differently_worded_items_share_a_row_each_role_keeping_its_wording(loaded: KnowledgeBase) -> None:
    matrix = build_matrix(loaded.profiles)
    safeguarding = [g for g in matrix.training if g.heading == "Statutory and mandatory" and g.label == "Safeguarding"]
    assert len(safeguarding) == 1
    row = safeguarding[0]
    assert {"Safeguarding", "Safeguarding (Level 3)"} <= set(row.wordings)  # the engagement worker: "Safeguarding"
    for role, cells in row.cells.items():
        profile = loaded.profile(role)
        assert profile is not None
        assert {c.text for c in cells} <= {c.text for c in learning_items(profile)}
    # The comparisons' matcher: a different subject is another row.
    assert not same_subject("Basic Life Support", "Immediate Life Support")
    assert same_subject("PREVENT", "PREVENT training or WRAP")


def test_the_xlsx_holds_every_learning_item_and_competence_with_its_source(
    folder: Path, loaded: KnowledgeBase, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "matrix.xlsx"
    assert main(["matrix", "--dir", str(folder), "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Training", "Competences"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B3" and sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A2:")
        assert sheet.column_dimensions["A"].width >= 30 and sheet.column_dimensions["E"].width >= 20
    rows = {
        name: {row[0]: [c or "" for c in row[4:]] for row in book[name].iter_rows(min_row=3, values_only=True)}
        for name in book.sheetnames
    }
    for p in loaded.profiles:
        training = "\n".join(rows["Training"][p.role])
        for cell in learning_items(p):
            assert f"{cell.text} [{cell.where}]" in training, (p.file, cell.text)
        competences = "\n".join(rows["Competences"][p.role])
        for c in p.competences:
            assert f"{c.title} [{Cell(c.title, c.source).where}]" in competences, (p.file, c.title)
    # Each cell names its file and its line (text files; PDFs a page, Word files a table).
    ew = next(p for p in loaded.profiles if p.short_name == "Engagement Worker" and "Liaison" in p.role)
    assert any("liaison-and-diversion-engagement-worker-level-4.txt, line " in c for c in rows["Training"][ew.role])


def test_the_csv_and_an_area(folder: Path, loaded: KnowledgeBase, tmp_path: Path, capsys) -> None:
    out = tmp_path / "matrix.csv"
    assert main(["matrix", "--dir", str(folder), "--area", AREA.lower(), "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    in_area = {p.role for p in loaded.profiles if p.area_of_work == AREA}
    assert in_area and {line["role"] for line in lines} == in_area
    expected = sum(len(training_entries(p)) + len(p.competences) for p in loaded.profiles if p.role in in_area)
    assert len(lines) == expected and all(line["where"].startswith(line["file"]) for line in lines)
    assert main(["matrix", "--dir", str(folder), "--area", "Nowhere Services", "--out", str(out)]) == 1
    assert "no template has the area of work 'Nowhere Services'" in capsys.readouterr().err


# -- in chat, over the protocol -----------------------------------------------------------------------


class Channel:
    """The channel service's reply endpoint: records what the bot sends."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def reply(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        return web.json_response({"id": f"sent-{len(self.received)}"})


def message(text: str, service_url: str, conversation: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"in-{uuid.uuid4().hex}",  # its own id: a repeated one is a redelivery, answered once
        "channelId": "msteams",
        "serviceUrl": service_url,
        "conversation": {"id": conversation},
        "from": {"id": "user-1", "name": "A Nurse"},
        "recipient": {"id": "bot-1", "name": "RoleBot"},
        "text": text,
    }


@pytest.fixture
async def ask(aiohttp_client, aiohttp_server, folder: Path, tmp_path: Path) -> Any:
    channel = Channel()
    app = web.Application()
    app.router.add_post(r"/v3/conversations/{tail:.+/activities(/[^/]+)?}", channel.reply)
    url = str((await aiohttp_server(app)).make_url("/"))
    settings = Settings.from_env(
        {
            "ROLEBOT_KNOWLEDGE_DIR": str(folder),
            "ROLEBOT_INDEX_DIR": str(tmp_path / "index"),
            "ROLEBOT_DATA_DIR": str(tmp_path / "data"),
        }
    )
    # Real parser, index, engine and app; the hashing embedder keeps the index build quick.
    client = await aiohttp_client(create_app(settings, load_runtime(settings, embedder=HashEmbedder())))

    async def send(text: str) -> dict[str, Any]:
        response = await client.post("/api/messages", json=message(text, url, f"conv-{len(channel.received)}"))
        assert response.status in (200, 201), await response.text()
        replies = [a for a in channel.received if a.get("type") == "message"]
        return replies[-1]

    return send


def cited(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for e in reply.get("entities", []) for c in e.get("citation", [])]


def shown_in_full(reply: dict[str, Any]) -> str:
    """A reply's text and the lines of its card under "Show all", as a person reads them (no bold)."""
    hidden = [
        block["text"]
        for attachment in reply.get("attachments", [])
        for item in attachment["content"].get("body", [])
        if item.get("id") == "more"
        for block in item["items"]
    ]
    return "\n".join([reply["text"], *hidden]).replace("**", "")


async def test_which_roles_need_safeguarding_level_3_lists_every_role_with_its_wording(
    ask: Any, loaded: KnowledgeBase
) -> None:
    reply = await ask("which roles need Safeguarding Level 3?")
    text = shown_in_full(reply)
    level_3 = [
        (p, c.text)
        for p in loaded.profiles
        for c in learning_items(p)
        if "safeguarding" in c.text.lower() and "level 3" in c.text.lower()
    ]
    in_those_words = {p.role for p, _ in level_3}
    other = [  # roles that list safeguarding only in other words (another level, or none named)
        (p, c.text)
        for p in loaded.profiles
        for c in learning_items(p)
        if c.text.lower().startswith("safeguarding") and p.role not in in_those_words
    ]
    assert level_3 and other
    first = text.split("\n")[0]
    assert first.startswith(f"{len({p.role for p, _ in level_3})} of {len(loaded.profiles)} roles list")
    for p, wording in (*level_3, *other):
        assert f"{p.role} (level {p.level}): “{wording}”" in text, (p.role, wording)
    assert text.index(f"“{level_3[0][1]}”") < text.index("more list Safeguarding in other words")
    citations = cited(reply)
    assert 0 < len(citations) <= 10 and all(len(c["appearance"]["abstract"]) <= 160 for c in citations)


async def test_training_matrix_for_an_area_is_an_adaptive_card_table_within_teams_limits(
    ask: Any, loaded: KnowledgeBase
) -> None:
    reply = await ask(f"training matrix for {AREA}")
    roles = [p for p in loaded.profiles if p.area_of_work == AREA]
    text = reply["text"]
    assert text.startswith(f"**Training matrix: {AREA}** ({len(roles)} roles")
    for p in roles:
        assert f"**{p.role}** (level {p.level}): statutory and mandatory: " in text
    assert f'rolebot matrix --area "{AREA}" --out matrix.xlsx' in text
    (attachment,) = reply["attachments"]
    card = attachment["content"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive" and card["version"] == "1.5"
    title, table, note = card["body"]
    assert title["text"] == f"Training matrix: {AREA}" and "rolebot matrix --area" in note["text"]
    header = [cell["items"][0]["text"] for cell in table["rows"][0]["cells"]]
    assert header[0] == "Training" and set(header[1:]) <= {p.short_name for p in roles}
    body = [[cell["items"][0]["text"] for cell in row["cells"]] for row in table["rows"][1:]]
    wordings = {c.text for p in roles for c in learning_items(p)}
    assert any(cell in wordings for row in body for cell in row[1:])  # each role's own wording
    assert all(cell != "-" for row in body for cell in row)  # markdown would show a bullet
    assert size(reply) <= MAX_ACTIVITY_BYTES and len(json.dumps(card)) < 28_000  # Teams' card limit
    assert len(cited(reply)) <= 10


async def test_an_area_no_template_has_is_said_so(ask: Any) -> None:
    reply = await ask("training matrix for Underwater Services")
    assert reply["text"].startswith("No template has the area of work “Underwater Services”")
    assert "attachments" not in reply
