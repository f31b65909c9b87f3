"""Settings: a declared table of names, defaults and help, read from the environment.

    >>> settings = Settings.from_env({"ROLEBOT_KNOWLEDGE_DIR": "/srv/templates"})
    >>> settings.knowledge_dir
    PosixPath('/srv/templates')

Every setting is listed in the README's settings table (a test keeps it so). Secrets are
never printed: `Settings.describe()` masks them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from knowledge import RolebotError


class SettingsError(RolebotError):
    """A setting has a value that cannot be used; names the key and the value."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False
    aliases: tuple[str, ...] = ()


def _path_or_none(value: str) -> Path | None:
    return Path(value).expanduser() if value else None


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise ValueError("expected a port number from 1 to 65535")
    return port


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("expected a positive whole number")
    return number


def _seconds(value: str) -> float:
    number = float(value)
    if not 0 < number <= 3600:
        raise ValueError("expected a number of seconds above 0 and at most 3600")
    return number


def _interval(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 86400:
        raise ValueError("expected seconds from 0 to 86400")
    return number


def _days(value: str) -> float:
    number = float(value)
    if not 0 < number <= 3650:
        raise ValueError("expected a number of days above 0 and at most 3650")
    return number


def _flag(value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("", "0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _url_list(value: str) -> tuple[str, ...]:
    urls = tuple(u.strip() for u in value.split(",") if u.strip())
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{url!r} is not an http(s) URL")
    return urls


def _storage(value: str) -> str:
    kind = (value or "sqlite").lower()
    if kind not in ("sqlite", "azure"):
        raise ValueError("expected sqlite or azure")
    return kind


def _app_type(value: str) -> str:
    known = {"singletenant": "SingleTenant", "userassignedmsi": "UserAssignedMSI", "multitenant": "MultiTenant"}
    if value.lower() not in known:
        raise ValueError("expected SingleTenant or UserAssignedMSI (MultiTenant only for existing registrations)")
    return known[value.lower()]


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR")
    return level


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ROLEBOT_KNOWLEDGE_DIR",
        "",
        "Folder of role-profile templates (.txt, .md, .pdf, .docx). Empty: the templates packaged with rolebot.",
        _path_or_none,
    ),
    Setting(
        "ROLEBOT_RELOAD_SECONDS",
        "5",
        "How often the server checks the knowledge folder for changed templates (0: never).",
        _interval,
    ),
    Setting(
        "ROLEBOT_INDEX_DIR",
        "~/.cache/rolebot/index",
        "Folder of the on-disk index (built when missing or stale).",
        lambda v: Path(v or "~/.cache/rolebot/index").expanduser(),
    ),
    Setting(
        "ROLEBOT_EMBEDDING_MODEL",
        "all-MiniLM-L6-v2",
        "Embedding model: all-MiniLM-L6-v2 (packaged, offline) or a local sentence-transformers folder.",
    ),
    Setting("ROLEBOT_LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING or ERROR.", _log_level),
    Setting(
        "ROLEBOT_DATA_DIR",
        "~/.local/share/rolebot",
        "Folder for the conversation state and feedback databases (SQLite).",
        lambda v: Path(v or "~/.local/share/rolebot").expanduser(),
    ),
    Setting("ROLEBOT_HOST", "127.0.0.1", "Address `rolebot serve` listens on (0.0.0.0 in a container)."),
    Setting("PORT", "3978", "Port `rolebot serve` listens on.", _port),
    Setting(
        "ROLEBOT_MAX_REQUEST_BYTES", "262144", "Largest request body accepted on /api/messages (413 above).", _positive
    ),
    Setting(
        "ROLEBOT_REPLY_TIMEOUT",
        "15",
        "Seconds each call to the channel (a reply, a token) may take in all before it is given up.",
        _seconds,
    ),
    Setting(
        "ROLEBOT_HEADER_TIMEOUT",
        "10",
        "Seconds a client has to send a request's headers (idle and trickling connections are closed).",
        _seconds,
    ),
    Setting("ROLEBOT_BODY_TIMEOUT", "10", "Seconds a client has to send a request's body (408 after).", _seconds),
    Setting(
        "ROLEBOT_MAX_CONNECTIONS",
        "1000",
        "Most open client connections; past it the longest-idle one is closed (also capped by the file limit).",
        _positive,
    ),
    Setting(
        "ROLEBOT_ALLOWED_SERVICE_URLS",
        "",
        "Local mode only: comma-separated serviceUrls (besides loopback) replies may be posted to.",
        _url_list,
    ),
    Setting(
        "ROLEBOT_ALLOW_UNAUTHENTICATED",
        "false",
        "Allow local mode (no APP_ID) on an address other than loopback. Only behind your own authentication.",
        _flag,
    ),
    Setting(
        "ROLEBOT_STORAGE",
        "sqlite",
        "Where conversation state and feedback live: sqlite (ROLEBOT_DATA_DIR, one instance) or azure.",
        _storage,
    ),
    Setting(
        "ROLEBOT_STORAGE_CONNECTION_STRING",
        "",
        "Azure Storage connection string, for ROLEBOT_STORAGE=azure. Never printed.",
        secret=True,
    ),
    Setting(
        "ROLEBOT_STORAGE_CONTAINER",
        "rolebot",
        "Azure blob container (state) and table-name prefix (feedback), for ROLEBOT_STORAGE=azure.",
    ),
    Setting(
        "ROLEBOT_RETENTION_DAYS",
        "90",
        "Days stored questions, answers and feedback are kept; older ones are deleted (in the background"
        " and by `rolebot purge`).",
        _days,
    ),
    Setting(
        "ROLEBOT_MEMORY_RETENTION_DAYS",
        "30",
        "Days a conversation's memory is kept after its last turn; then it is deleted.",
        _days,
    ),
    Setting(
        "ROLEBOT_STORAGE_TIMEOUT",
        "3",
        "Seconds a call to the state or feedback storage may take in all (Azure: with its one retry); past it"
        " the turn is answered without the conversation's memory, and says so.",
        _seconds,
    ),
    Setting(
        "APP_ID",
        "",
        "Bot registration's app (client) id. Empty: local mode, no authentication.",
        aliases=("MicrosoftAppId",),
    ),
    Setting("APP_PASSWORD", "", "Client secret (SingleTenant).", secret=True, aliases=("MicrosoftAppPassword",)),
    Setting("APP_TYPE", "SingleTenant", "SingleTenant or UserAssignedMSI.", _app_type, aliases=("MicrosoftAppType",)),
    Setting(
        "APP_TENANTID", "", "Microsoft Entra tenant id of the bot registration.", aliases=("MicrosoftAppTenantId",)
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every declared setting from `env` (default: os.environ); overrides win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = next((env[n] for n in (setting.name, *setting.aliases) if n in env), setting.default)
            try:
                values[setting.name] = setting.parse(raw.strip())
            except ValueError as exc:
                shown = "***" if setting.secret else repr(raw)
                raise SettingsError(f"setting {setting.name}={shown} is not valid: {exc}") from None
        for name, value in overrides.items():
            if name not in _BY_NAME:
                raise SettingsError(f"unknown setting {name}")
            if value is not None:
                values[name] = value
        return cls(values)

    def get(self, name: str) -> Any:
        return self.values[name]

    @property
    def knowledge_dir(self) -> Path | None:
        return self.values["ROLEBOT_KNOWLEDGE_DIR"]

    @property
    def index_dir(self) -> Path:
        return self.values["ROLEBOT_INDEX_DIR"]

    @property
    def embedding_model(self) -> str:
        return self.values["ROLEBOT_EMBEDDING_MODEL"]

    @property
    def log_level(self) -> str:
        return self.values["ROLEBOT_LOG_LEVEL"]

    def __repr__(self) -> str:
        return f"Settings({self.describe()!r})"

    def describe(self) -> dict[str, str]:
        """Values for display, with secrets masked."""
        return {
            s.name: ("***" if s.secret and self.values.get(s.name) else str(self.values.get(s.name) or ""))
            for s in SETTINGS
        }
