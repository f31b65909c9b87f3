"""Deployment: the Teams app package, the container definition, the Azure templates, and the
production entry point (gunicorn with aiohttp's worker) serving a turn on loopback."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SETTINGS
from bot.teams.package import PackageError, PackageOptions, manifest

from .conftest import ROOT

BOT_ID = "6F1C2B7A-1111-4C2D-9E3F-0123456789AB"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and RGBA rows of an 8-bit RGBA PNG (enough for the icons we write)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0  # no filter
        rows.append([tuple(line[1 + x * 4 : 5 + x * 4]) for x in range(width)])
    return width, height, rows


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("pkg") / "rolebot.zip"
    assert main(["teams-package", "--bot-id", BOT_ID, "--name", "NHS RoleBot", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        yield archive


def test_package_holds_manifest_and_icons_at_its_root(package: zipfile.ZipFile) -> None:
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_manifest_follows_the_rules_that_matter(package: zipfile.ZipFile) -> None:
    data = json.loads(package.read("manifest.json"))
    assert data["manifestVersion"] == "1.22" and "/v1.22/" in data["$schema"]
    assert GUID.match(data["id"]) and data["id"] == BOT_ID.lower()
    assert re.match(r"^\d+\.\d+\.\d+$", data["version"])
    assert len(data["name"]["short"]) <= 30 and len(data["name"]["full"]) <= 100
    assert len(data["description"]["short"]) <= 80 and len(data["description"]["full"]) <= 4000
    assert re.match(r"^#[0-9A-F]{6}$", data["accentColor"])
    for url in data["developer"].values():
        if url.startswith("http"):
            assert url.startswith("https://")
    (bot,) = data["bots"]
    assert bot["botId"] == BOT_ID.lower()
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    commands = bot["commandLists"][0]["commands"]
    assert 1 <= len(commands) <= 10
    assert {c["title"] for c in commands} == {"training", "experience", "competences", "compare", "onboarding"}
    for command in commands:
        assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    assert data["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_icons_have_the_right_sizes_and_the_outline_is_white_on_transparent(package: zipfile.ZipFile) -> None:
    width, height, _ = read_png(package.read("color.png"))
    assert (width, height) == (192, 192)
    width, height, rows = read_png(package.read("outline.png"))
    assert (width, height) == (32, 32)
    pixels = {pixel for row in rows for pixel in row}
    assert pixels == {(255, 255, 255, 255), (0, 0, 0, 0)}


@pytest.mark.parametrize(
    "bot_id", ["nope", "", "6f1c2b7a11114c2d9e3f0123456789ab", "{6f1c2b7a-1111-4c2d-9e3f-0123456789ab}"]
)
def test_a_bad_bot_id_is_refused_clearly(bot_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.zip"
    assert main(["teams-package", "--bot-id", bot_id, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "is not valid: it must be the Azure Bot's Microsoft App ID, a GUID" in err
    assert not out.exists()


def test_other_bad_options_are_refused() -> None:
    with pytest.raises(PackageError, match="1 to 30 characters"):
        manifest(PackageOptions(bot_id=BOT_ID, name="A name that is far too long for Teams"))
    with pytest.raises(PackageError, match="https://"):
        manifest(PackageOptions(bot_id=BOT_ID, privacy_url="http://insecure.example"))


# -- container ----------------------------------------------------------------------------------

DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_is_slim_cpu_non_root_and_healthy() -> None:
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, re.M)
    assert "whl/cpu" in DOCKERFILE and re.search(r'"torch==2\.\d+\.\d+"', DOCKERFILE)
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^RUN rolebot index", DOCKERFILE, re.M)  # the index is built into the image
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    assert "gunicorn bot.teams.production:app --worker-class aiohttp.GunicornWebWorker" in DOCKERFILE


def test_dockerfile_environment_uses_declared_settings() -> None:
    declared = {s.name for s in SETTINGS} | {
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PIP_NO_CACHE_DIR",
        "PIP_DISABLE_PIP_VERSION_CHECK",
        "HF_HUB_OFFLINE",
        "TRANSFORMERS_OFFLINE",
    }
    names = set(re.findall(r"^\s+(?:ENV )?([A-Z_]+)=", DOCKERFILE, re.M)) | set(
        re.findall(r"^ENV ([A-Z_]+)=", DOCKERFILE, re.M)
    )
    assert names and names <= declared, names - declared


# -- Azure templates (Bicep cannot be compiled on this machine: structure is checked) --------------

BICEP = (ROOT / "deploy" / "azure" / "main.bicep").read_text(encoding="utf-8")


def _code(text: str) -> str:
    """Bicep with comments removed and string contents emptied, for bracket and name checks."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text[i] == "'":
            j = i + 1
            while j < len(text) and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            out.append("''")
            # Interpolations inside strings are code: keep the names they use.
            out.extend(f" {expr} " for expr in re.findall(r"\$\{([^}]*)\}", text[i + 1 : j]))
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def test_bicep_brackets_balance_and_params_are_used() -> None:
    code = _code(BICEP)
    for opening, closing in ("{}", "[]", "()"):
        assert code.count(opening) == code.count(closing), opening
    params = re.findall(r"^param (\w+) ", BICEP, re.M)
    assert params
    for name in params:
        uses = len(re.findall(rf"\b{name}\b", code))
        assert uses >= 2, f"param {name} is declared but never used"


def test_bicep_declares_the_bot_teams_channel_and_web_app() -> None:
    assert "'Microsoft.BotService/botServices@" in BICEP
    assert "'Microsoft.BotService/botServices/channels@" in BICEP and "name: 'MsTeamsChannel'" in BICEP
    assert "'Microsoft.Web/sites@" in BICEP and "healthCheckPath: '/healthz'" in BICEP
    assert "'Microsoft.Web/serverfarms@" in BICEP and "reserved: true" in BICEP
    allowed = re.search(r"@allowed\(\[(.*?)\]\)\s*param appType", BICEP, re.S)
    assert allowed and set(re.findall(r"'(\w+)'", allowed.group(1))) == {"SingleTenant", "UserAssignedMSI"}
    assert "/api/messages" in BICEP


def test_bicep_app_settings_are_rolebot_settings() -> None:
    names = set(re.findall(r"name: '([A-Z_]+)'", BICEP))
    app_service = {n for n in names if n.startswith(("WEBSITES_", "DOCKER_REGISTRY_"))}
    assert names - app_service <= {s.name for s in SETTINGS}
    assert {"APP_ID", "APP_PASSWORD", "APP_TYPE", "APP_TENANTID", "ROLEBOT_DATA_DIR"} <= names


def test_parameters_file_matches_the_template() -> None:
    data = json.loads((ROOT / "deploy" / "azure" / "main.parameters.json").read_text(encoding="utf-8"))
    assert data["$schema"].endswith("deploymentParameters.json#")
    declared = {m.group(1): bool(m.group(2)) for m in re.finditer(r"^param (\w+) \w+( = )?", BICEP, re.M)}
    assert set(data["parameters"]) <= set(declared)
    required = {name for name, has_default in declared.items() if not has_default}
    assert required <= set(data["parameters"])
    secure = set(re.findall(r"@secure\(\)\s*param (\w+)", BICEP))
    assert secure and not secure & set(data["parameters"])  # secrets never live in the file


# -- production entry point -------------------------------------------------------------------------


@pytest.mark.model
def test_production_entry_point_serves_a_turn_on_loopback(model_runtime, tmp_path: Path) -> None:
    from .test_playground import free_port

    port = free_port()
    env = {
        **os.environ,
        "ROLEBOT_INDEX_DIR": str(model_runtime.index_dir),
        "ROLEBOT_DATA_DIR": str(tmp_path / "data"),
        "PORT": str(port),
        "HF_HUB_OFFLINE": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "bot.teams.production:app",
            "--worker-class",
            "aiohttp.GunicornWebWorker",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        health = None
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    health = json.load(response)
                    break
            except urllib.error.HTTPError as loading:  # 503 while the index loads
                loading.close()
                time.sleep(0.25)
            except OSError:
                time.sleep(0.25)
        output = (tmp_path / "gunicorn.log").read_text(errors="replace")[-2000:]
        assert health is not None and health["status"] == "ok", f"gunicorn did not become healthy:\n{output}"
        activity = {
            "type": "message",
            "id": "p1",
            "channelId": "msteams",
            "serviceUrl": "http://127.0.0.1:9/",
            "conversation": {"id": "prod-1"},
            "from": {"id": "u"},
            "recipient": {"id": "b"},
            "text": "what experience does an engagement worker need?",
            "deliveryMode": "expectReplies",
        }
        request = urllib.request.Request(
            f"{base}/api/messages", data=json.dumps(activity).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            replies = json.load(response)["activities"]
        assert "Level 3 NVQ/Diploma in Health and/or Social Care" in replies[-1]["text"]
        assert replies[-1]["entities"][0]["citation"]
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.model
def test_the_containers_command_serves_from_two_workers_forked_after_loading(model_runtime, tmp_path: Path) -> None:
    """The Dockerfile's CMD on loopback: the master loads the model and the index before it listens and
    forks, so /healthz is never 503 and both workers answer at once."""
    from .test_playground import free_port

    command = re.search(r'^CMD \["sh", "-c", "exec (gunicorn .+)"\]$', DOCKERFILE, re.M)
    assert command and "0.0.0.0:${PORT}" in command.group(1)
    port = free_port()
    args = command.group(1).replace("0.0.0.0:${PORT}", f"127.0.0.1:{port}").split()
    args[0] = str(Path(sys.executable).with_name("gunicorn"))
    env = {
        **os.environ,
        "ROLEBOT_INDEX_DIR": str(model_runtime.index_dir),
        "ROLEBOT_DATA_DIR": str(tmp_path / "data"),
        "HF_HUB_OFFLINE": "1",
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        statuses = []
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    statuses.append(response.status)
                    break
            except urllib.error.HTTPError as loading:
                statuses.append(loading.code)
                loading.close()
            except OSError:
                time.sleep(0.1)
        assert statuses and statuses[-1] == 200, log_path.read_text(errors="replace")[-2000:]
        assert 503 not in statuses  # ready before it listens: loaded in the master
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        for _ in range(100):  # the second worker is forked just after the first one
            if len(children.read_text().split()) >= 2:
                break
            time.sleep(0.1)
        assert len(children.read_text().split()) == 2
        for n in range(4):
            activity = {
                "type": "message",
                "id": f"w{n}",
                "channelId": "msteams",
                "serviceUrl": "http://127.0.0.1:9/",
                "conversation": {"id": f"workers-{n}"},
                "from": {"id": "u"},
                "recipient": {"id": "b"},
                "text": "does an engagement worker need to chair meetings?",
                "deliveryMode": "expectReplies",
            }
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/messages",
                data=json.dumps(activity).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                replies = json.load(response)["activities"]
            assert replies[-1]["entities"][0]["citation"], replies
    finally:
        process.terminate()
        process.wait(timeout=30)
