"""Load a folder of templates into a `KnowledgeBase`, keeping shared framework text once.

>>> kb = load_knowledge()          # the packaged templates
>>> [p.short_name for p in kb.profiles]
['Engagement Worker', 'Strategic Manager']
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

from rapidfuzz import fuzz

from .errors import KnowledgeError, NotATemplateError, TemplateError
from .parser import parse_template
from .records import FileReport, GeneralPassage, KnowledgeBase, Paragraph, RoleProfile
from .text import normalise

log = logging.getLogger(__name__)

PARSER_VERSION = "2"
TEMPLATE_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024  # PDF and Word files carry fonts and images
_SAME_TEXT = 0.9
_FORMATS = {".txt": "text", ".md": "markdown", ".pdf": "pdf", ".docx": "docx"}


def default_dir() -> Path:
    """The templates that ship with the package."""
    return Path(__file__).parent / "templates"


def is_template_file(path: Path) -> bool:
    """A file the loader reads: .txt, .md, .pdf or .docx, not hidden and not an Office lock file."""
    return path.suffix.lower() in TEMPLATE_SUFFIXES and not path.name.startswith((".", "~$"))


def template_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise KnowledgeError(f"knowledge folder {directory} does not exist or is not a folder")
    files = sorted(p for p in directory.iterdir() if p.is_file() and is_template_file(p))
    if not files:
        raise KnowledgeError(f"knowledge folder {directory} holds no .txt, .md, .pdf or .docx templates")
    return files


def _limit(path: Path) -> int:
    return MAX_DOCUMENT_BYTES if path.suffix.lower() in (".pdf", ".docx") else MAX_TEMPLATE_BYTES


def _content(path: Path) -> bytes | None:
    """A template's bytes, or None when it is too large to read."""
    if path.stat().st_size > _limit(path):
        return None
    return path.read_bytes()


def _digest(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else "(too large)"


def _hash(entries: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for name, file_digest in entries:
        digest.update(f"{name}\0{file_digest}\0".encode())
    return digest.hexdigest()


def fingerprint(directory: Path) -> str:
    """A hash of the parser version and every template's name and bytes."""
    return _hash([(path.name, _digest(_content(path))) for path in template_files(directory)])


def load_knowledge(directory: Path | None = None, previous: KnowledgeBase | None = None) -> KnowledgeBase:
    """Parse every template in `directory`; a file that fails is named in `errors`, not fatal.

    With `previous` (the knowledge in service), a file whose bytes did not change is not parsed
    again, and a file that now fails to parse keeps its previous good version in service.
    Raises KnowledgeError when the folder is missing or empty, or no template parses at all.
    """
    directory = directory or default_dir()
    profiles: list[RoleProfile] = []
    paragraphs: list[Paragraph] = []
    errors: list[str] = []
    reports: list[FileReport] = []
    for path in template_files(directory):
        report = _load_file(path, previous.file(path.name) if previous is not None else None)
        parsed = report.parsed
        if parsed is not None:
            same = next((p for p in profiles if normalise(p.role) == normalise(parsed.profile.role)), None)
            if same is not None:
                reason = f"role '{parsed.profile.role}' is already defined by {same.file}"
                report = replace(report, status="skipped", reason=reason, parsed=None)
            else:
                profiles.append(parsed.profile)
                paragraphs.extend(parsed.general)
        if report.status == "kept":
            errors.append(f"{path.name}: {report.reason} (the previous version is still served)")
        elif report.status != "served":
            errors.append(f"{path.name}: {report.reason}")
        reports.append(report)
    for error in errors:
        log.error("template not served as it is: %s", error)
    if not profiles:
        raise KnowledgeError("no template could be parsed: " + "; ".join(errors))
    entries = [(r.file, r.digest if r.parsed is not None else f"failed:{r.digest}") for r in reports]
    return KnowledgeBase(tuple(profiles), merge_general(paragraphs), tuple(errors), _hash(entries), tuple(reports))


def _load_file(path: Path, before: FileReport | None) -> FileReport:
    form = _FORMATS.get(path.suffix.lower(), "text")
    try:
        data = _content(path)
    except OSError as exc:
        return _failed(path.name, form, "(unreadable)", f"cannot be read ({exc.strerror or exc})", before)
    digest = _digest(data)
    if before is not None and before.digest == digest and before.parsed is not None and before.status == "served":
        return before  # unchanged since the last load: not parsed again
    if data is None:
        return _failed(path.name, form, digest, f"larger than {_limit(path) // (1024 * 1024)} MiB", before)
    try:
        parsed = parse_template(data, path.name)
    except NotATemplateError as exc:
        reason = f"not a role profile template: {exc.reason}"
        if before is not None and before.parsed is not None:
            return _failed(path.name, form, digest, reason, before)  # saved over a template: keep that
        return FileReport(path.name, form, "not-a-template", digest, reason)
    except TemplateError as exc:
        reason = f"line {exc.line}: {exc.reason}" if exc.line is not None else exc.reason
        return _failed(path.name, form, digest, reason, before)
    reading = parsed.reading
    return FileReport(
        path.name,
        reading.format if reading else form,
        "served",
        digest,
        role=parsed.profile.role,
        pages=reading.pages if reading else 0,
        tables=reading.tables if reading else 0,
        lines=reading.lines if reading else 0,
        warnings=reading.warnings if reading else (),
        parsed=parsed,
    )


def _failed(file: str, form: str, digest: str, reason: str, before: FileReport | None) -> FileReport:
    """A file that failed: its previous good version stays in service when there is one."""
    if before is not None and before.parsed is not None and before.status in ("served", "kept"):
        return replace(before, status="kept", reason=reason)
    return FileReport(file, form, "skipped", digest, reason)


def merge_general(paragraphs: list[Paragraph]) -> tuple[GeneralPassage, ...]:
    """Keep each framework paragraph once (near-identical wording counts as the same)."""
    merged: list[tuple[str, Paragraph, list]] = []
    # The same wording again (most framework text, with 200 templates 7,000 paragraphs): the entry it
    # joined the first time, found at once. (No earlier entry was near it then, so the loop below
    # would stop at that same entry.)
    exact: dict[str, list] = {}
    for paragraph in paragraphs:
        key = normalise(paragraph.text)
        if key in exact:
            exact[key].append(paragraph.source)
            continue
        for other_key, _, sources in merged:
            if _same(key, other_key):
                sources.append(paragraph.source)
                exact[key] = sources
                break
        else:
            merged.append((key, paragraph, [paragraph.source]))
            exact[key] = merged[-1][2]
    return tuple(GeneralPassage(p.source.section.split(" > ")[-1], p.text, tuple(sources)) for _, p, sources in merged)


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 0.8 * max(len(a), len(b)):
        return False
    if fuzz.ratio(a, b) < _SAME_TEXT * 100 - 1e-6:  # never below difflib's ratio: rules out most pairs in C
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= _SAME_TEXT
