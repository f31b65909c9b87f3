"""The Teams app package: manifest.json (schema v1.22) and the two icons, zipped for upload.

    >>> build_package(PackageOptions(bot_id="6f1c...-..."), Path("rolebot-teams.zip"))

Icons are drawn here (no image library): a 192x192 colour icon and a 32x32 outline icon that is
white on transparent, as Teams requires.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge import RolebotError

MANIFEST_VERSION = "1.22"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
NHS_BLUE = (0x00, 0x5E, 0xB8)
COMMANDS = (
    ("training", "What training does my role need?"),
    ("experience", "What experience does a role require?"),
    ("competences", "Which competences does a role list?"),
    ("compare", "Compare two roles side by side"),
    ("onboarding", "I'm starting in a new role"),
)


class PackageError(RolebotError):
    """The Teams app package cannot be built with the options given."""


@dataclass(frozen=True)
class PackageOptions:
    bot_id: str
    name: str = "RoleBot"
    app_id: str | None = None
    version: str = "1.0.0"
    developer: str = "Your NHS organisation"
    website_url: str = "https://www.example.nhs.uk/rolebot"
    privacy_url: str = "https://www.example.nhs.uk/rolebot/privacy"
    terms_url: str = "https://www.example.nhs.uk/rolebot/terms"


def validate(options: PackageOptions) -> None:
    if not GUID.match(options.bot_id or ""):
        raise PackageError(
            f"bot id {options.bot_id!r} is not valid: it must be the Azure Bot's Microsoft App ID,"
            " a GUID like 00000000-0000-0000-0000-000000000000"
        )
    if options.app_id is not None and not GUID.match(options.app_id):
        raise PackageError(f"app id {options.app_id!r} is not a GUID")
    if not 1 <= len(options.name) <= 30:
        raise PackageError(f"name {options.name!r} must be 1 to 30 characters (Teams' short name)")
    if not re.match(r"^\d+\.\d+\.\d+$", options.version):
        raise PackageError(f"version {options.version!r} must look like 1.0.0")
    for label, url in (
        ("website", options.website_url),
        ("privacy", options.privacy_url),
        ("terms", options.terms_url),
    ):
        if not url.startswith("https://") or len(url) > 2048:
            raise PackageError(f"{label} URL {url!r} must be an https:// address")
    if not 1 <= len(options.developer) <= 32:
        raise PackageError(f"developer name {options.developer!r} must be 1 to 32 characters")


def manifest(options: PackageOptions) -> dict[str, Any]:
    validate(options)
    scopes = ["personal", "team", "groupChat"]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": options.version,
        "id": (options.app_id or options.bot_id).lower(),
        "developer": {
            "name": options.developer,
            "websiteUrl": options.website_url,
            "privacyUrl": options.privacy_url,
            "termsOfUseUrl": options.terms_url,
        },
        "name": {"short": options.name, "full": f"{options.name}: NHS role profiles, answered and cited"},
        "description": {
            "short": "Answers questions about NHS role profiles, citing the templates.",
            "full": (
                "Ask about the training, experience, competences, level and scope of a role, straight from"
                " the Skills for Health Transferable Role Profile templates your organisation uses. Every"
                " statement is cited to its template and section; when the templates don't cover something,"
                " the bot says so. New in post? Tell it your role for an onboarding checklist."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*NHS_BLUE),
        "bots": [
            {
                "botId": options.bot_id.lower(),
                "scopes": scopes,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": scopes, "commands": [{"title": t, "description": d} for t, d in COMMANDS]}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def build_package(options: PackageOptions, out: Path) -> Path:
    """Write the zip (manifest.json, color.png, outline.png at its root) and return its path."""
    data = manifest(options)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(data, indent=2))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return out


# -- icons ------------------------------------------------------------------------------------------

Pixel = tuple[int, int, int, int]


def png(pixels: list[list[Pixel]]) -> bytes:
    """Encode RGBA rows as a PNG (8-bit, colour type 6)."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _glyph(size: int, x: int, y: int) -> str:
    """What the role-profile glyph has at (x, y): 'page', 'line' (text on the page) or ''."""
    unit = size / 32
    left, right, top, bottom = 8 * unit, 24 * unit, 5 * unit, 27 * unit
    if not (left <= x < right and top <= y < bottom):
        return ""
    edge = unit * 1.5
    on_border = x < left + edge or x >= right - edge or y < top + edge or y >= bottom - edge
    for row in (10, 14, 18, 22):
        if row * unit <= y < (row + 1.5) * unit and left + 3 * unit <= x < right - 3 * unit:
            return "line"
    return "border" if on_border else "page"


def color_icon(size: int = 192) -> bytes:
    background = (*NHS_BLUE, 255)
    white = (255, 255, 255, 255)
    pixels = []
    for y in range(size):
        row = []
        for x in range(size):
            part = _glyph(size, x, y)
            row.append(background if part in ("", "line") else white)
        pixels.append(row)
    return png(pixels)


def outline_icon(size: int = 32) -> bytes:
    white = (255, 255, 255, 255)
    clear = (0, 0, 0, 0)
    return png(
        [[white if _glyph(size, x, y) in ("border", "line") else clear for x in range(size)] for y in range(size)]
    )
