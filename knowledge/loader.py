"""Load a folder of templates into a `KnowledgeBase`, keeping shared framework text once.

>>> kb = load_knowledge()          # the packaged templates
>>> [p.short_name for p in kb.profiles]
['Engagement Worker', 'Strategic Manager']
"""

from __future__ import annotations

import hashlib
import logging
from difflib import SequenceMatcher
from pathlib import Path

from .errors import KnowledgeError, TemplateError
from .parser import parse_template
from .records import GeneralPassage, KnowledgeBase, Paragraph, RoleProfile
from .text import normalise

log = logging.getLogger(__name__)

PARSER_VERSION = "1"
TEMPLATE_SUFFIXES = (".txt", ".md")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
_SAME_TEXT = 0.9


def default_dir() -> Path:
    """The templates that ship with the package."""
    return Path(__file__).parent / "templates"


def template_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise KnowledgeError(f"knowledge folder {directory} does not exist or is not a folder")
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES)
    if not files:
        raise KnowledgeError(f"knowledge folder {directory} holds no .txt or .md templates")
    return files


def _content(path: Path) -> bytes | None:
    """A template's bytes, or None when it is too large to read."""
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        return None
    return path.read_bytes()


def _hash(entries: list[tuple[str, bytes | None]]) -> str:
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for name, data in entries:
        digest.update(name.encode() + b"\0" + (data if data is not None else b"(too large)") + b"\0")
    return digest.hexdigest()


def fingerprint(directory: Path) -> str:
    """A hash of the parser version and every template's name and bytes."""
    return _hash([(path.name, _content(path)) for path in template_files(directory)])


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Parse every template in `directory`; a file that fails is named in `errors`, not fatal.

    Raises KnowledgeError when the folder is missing or empty, or no template parses at all.
    """
    directory = directory or default_dir()
    profiles: list[RoleProfile] = []
    paragraphs: list[Paragraph] = []
    errors: list[str] = []
    entries: list[tuple[str, bytes | None]] = []
    for path in template_files(directory):
        try:
            data = _content(path)
            entries.append((path.name, data))
            if data is None:
                raise TemplateError(path.name, f"larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB")
            parsed = parse_template(data, path.name)
        except TemplateError as exc:
            errors.append(str(exc))
            continue
        except OSError as exc:
            errors.append(f"{path.name}: cannot be read ({exc.strerror or exc})")
            continue
        same = next((p for p in profiles if normalise(p.role) == normalise(parsed.profile.role)), None)
        if same is not None:
            errors.append(f"{path.name}: role '{parsed.profile.role}' is already defined by {same.file}")
            continue
        profiles.append(parsed.profile)
        paragraphs.extend(parsed.general)
    for error in errors:
        log.error("template skipped: %s", error)
    if not profiles:
        raise KnowledgeError("no template could be parsed: " + "; ".join(errors))
    return KnowledgeBase(tuple(profiles), merge_general(paragraphs), tuple(errors), _hash(entries))


def merge_general(paragraphs: list[Paragraph]) -> tuple[GeneralPassage, ...]:
    """Keep each framework paragraph once (near-identical wording counts as the same)."""
    merged: list[tuple[str, Paragraph, list]] = []
    for paragraph in paragraphs:
        key = normalise(paragraph.text)
        for other_key, _, sources in merged:
            if _same(key, other_key):
                sources.append(paragraph.source)
                break
        else:
            merged.append((key, paragraph, [paragraph.source]))
    return tuple(GeneralPassage(p.source.section.split(" > ")[-1], p.text, tuple(sources)) for _, p, sources in merged)


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 0.8 * max(len(a), len(b)):
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= _SAME_TEXT
