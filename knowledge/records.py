"""Structured, sourced records parsed from role-profile templates.

Every fact carries the `SourceRef` it came from: the file, the section path, the line span and the
verbatim text of those lines, so that an answer can always be traced back to the template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .document import Reading

CompetenceSection = Literal["core", "role-specific", "locality-specific"]
COMPETENCE_SECTIONS: tuple[CompetenceSection, ...] = ("core", "role-specific", "locality-specific")

ExperienceKind = Literal["qualification", "experience", "vetting", "other"]


@dataclass(frozen=True)
class SourceRef:
    """Where a record came from: `file` lines `line_start`..`line_end` (1-based), verbatim.

    `location` says where a person finds it in the document they have: "lines 12-14" in a text
    file, "page 7" in a PDF, "table 3" in a Word document ("" for Word text outside tables, found by
    its section). For PDF and Word files the line numbers count the lines of the extracted text.
    """

    file: str
    section: str
    line_start: int
    line_end: int
    text: str
    location: str = ""

    @property
    def label(self) -> str:
        if self.location:
            return f"{self.file}, {self.location}"
        return f"{self.file}:{self.line_start}" + (f"-{self.line_end}" if self.line_end != self.line_start else "")


_PLACE = re.compile(r"^(line|page|table)s? (\d+)(?:-(\d+))?$")


def merge_sources(sources: Sequence[SourceRef]) -> SourceRef:
    """One SourceRef spanning several of one file (a group of table rows cited once): the first's
    file and section, the whole line span, every text, and a location covering them all."""
    first = sources[0]
    units: dict[str, list[int]] = {}
    for source in sources:
        match = _PLACE.match(source.location)
        if match:
            unit, low, high = match.group(1), int(match.group(2)), int(match.group(3) or match.group(2))
            units.setdefault(unit, []).extend((low, high))
    location = ""
    if len(units) == 1:
        ((unit, numbers),) = units.items()
        low, high = min(numbers), max(numbers)
        location = f"{unit} {low}" if low == high else f"{unit}s {low}-{high}"
    return SourceRef(
        first.file,
        first.section,
        min(s.line_start for s in sources),
        max(s.line_end for s in sources),
        "\n".join(s.text for s in sources),
        location,
    )


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (or a lead-in with its bullet list) of running text."""

    text: str
    source: SourceRef


@dataclass(frozen=True)
class Item:
    """One entry of a list the template runs together, e.g. a course in 'Informal learning'."""

    text: str
    source: SourceRef


@dataclass(frozen=True)
class ExperienceItem:
    """One requirement from 'Experience Required', with the kind of requirement it is."""

    text: str
    kind: ExperienceKind
    source: SourceRef


@dataclass(frozen=True)
class Field:
    """A labelled row of a template table. `value` is "" where the template leaves it blank.

    `key` is a stable name (e.g. "informal", "frequency"); `label` is the template's own words.
    Grouped rows (CPD 'Formal endorsed learning' -> Title, Awarding body, ...) keep their parts in
    `parts`; list-like values are split into `items`.
    """

    key: str
    label: str
    value: str
    source: SourceRef
    items: tuple[Item, ...] = ()
    parts: tuple[Field, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not self.value.strip() and all(part.is_blank for part in self.parts)


@dataclass(frozen=True)
class Competence:
    """A National Occupational Standard listed in the role's competence tables."""

    section: CompetenceSection
    section_title: str
    principle: str
    function: str
    title: str
    source: SourceRef


@dataclass(frozen=True)
class Warning:
    """A data-quality note about the template itself (the record is still kept)."""

    message: str
    line: int | None = None
    location: str = ""


@dataclass(frozen=True)
class RoleProfile:
    """One Transferable Role Profile, as written in its template."""

    file: str
    role: str
    short_name: str
    area_of_work: str
    level: int
    status: str
    date: str
    publisher: str
    developed_with: str
    title_source: SourceRef
    basic_information: tuple[Field, ...]
    experience: Field
    experience_items: tuple[ExperienceItem, ...]
    scope: tuple[Paragraph, ...]
    level_descriptor: tuple[Paragraph, ...]
    competences: tuple[Competence, ...]
    learning: tuple[Field, ...]
    cpd: tuple[Field, ...]
    references: tuple[Item, ...]
    notes: tuple[Paragraph, ...] = ()
    warnings: tuple[Warning, ...] = ()
    competence_section_titles: dict[CompetenceSection, str] = field(default_factory=dict)

    def competences_in(self, section: CompetenceSection) -> tuple[Competence, ...]:
        return tuple(c for c in self.competences if c.section == section)

    def learning_field(self, key: str) -> Field | None:
        return next((f for f in self.learning if f.key == key), None)

    def cpd_field(self, key: str) -> Field | None:
        return next((f for f in self.cpd if f.key == key), None)


@dataclass(frozen=True)
class GeneralPassage:
    """Framework text shared by templates (kept once), with every place it appears."""

    section: str
    text: str
    sources: tuple[SourceRef, ...]

    @property
    def source(self) -> SourceRef:
        return self.sources[0]


@dataclass(frozen=True)
class ParsedTemplate:
    """What one file yields: its profile and its framework (general) paragraphs."""

    profile: RoleProfile
    general: tuple[Paragraph, ...]
    reading: Reading | None = field(default=None, compare=False)


FileStatus = Literal["served", "kept", "skipped", "not-a-template"]


@dataclass(frozen=True)
class FileReport:
    """What became of one file of the knowledge folder.

    `status`: "served"; "kept" (this version failed to parse, the previous good one is served);
    "skipped" (failed, nothing served); "not-a-template" (read, but another kind of document).
    """

    file: str
    format: str
    status: FileStatus
    digest: str
    reason: str = ""
    role: str = ""
    pages: int = 0
    tables: int = 0
    lines: int = 0
    warnings: tuple[str, ...] = ()
    parsed: ParsedTemplate | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class KnowledgeBase:
    """All profiles of a knowledge folder, the deduplicated general passages, and per-file errors."""

    profiles: tuple[RoleProfile, ...]
    general: tuple[GeneralPassage, ...]
    errors: tuple[str, ...] = ()
    fingerprint: str = ""
    files: tuple[FileReport, ...] = ()

    def file(self, name: str) -> FileReport | None:
        return next((f for f in self.files if f.file == name), None)

    def profile(self, role: str) -> RoleProfile | None:
        return next((p for p in self.profiles if p.role == role), None)
