"""Parse one role-profile template into a `RoleProfile` and its general (framework) paragraphs.

>>> parsed = parse_template(Path("engagement-worker.txt").read_bytes(), "engagement-worker.txt")
>>> parsed.profile.role, parsed.profile.level
('Liaison and Diversion Service Engagement Worker', 4)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from .document import Reading
from .errors import NotATemplateError, TemplateError
from .layout import Block, Section, is_bullet, location_of, source_of, split_sections, strip_bullet
from .records import (
    CompetenceSection,
    ExperienceItem,
    Field,
    Item,
    Paragraph,
    ParsedTemplate,
    RoleProfile,
    SourceRef,
    Warning,
)
from .splitting import mend_broken_words, requirement_kind, split_items, split_requirements, vocabulary
from .tables import is_table_header, parse_competences, parse_fields
from .text import Line, decode, split_lines

BASIC_KEYS = (
    ("role", r"named role|job title|role title"),
    ("area_of_work", r"area of work"),
    ("experience", r"experience|qualification"),
    ("level", r"career framework level|^level$"),
)
LEARNING_KEYS = (
    ("transferable_role", r"^transferable role"),
    ("informal", r"^informal"),
    ("formal_endorsed", r"formal endorsed|formal learning"),
    ("nos_used", r"national occupational standards|competences\) used"),
    ("credits", r"^credits?"),
    ("accreditation", r"^accreditation"),
    ("apel", r"apel|progression"),
    ("registration", r"registration|membership"),
)
CPD_KEYS = (
    ("statutory_mandatory", r"statutory|mandatory"),
    ("informal", r"^informal"),
    ("formal_endorsed", r"formal endorsed|formal learning"),
    ("impact_method", r"capturing impact|impact"),
    ("funding", r"funding"),
    ("frequency", r"frequency|how often"),
)
LISTED = frozenset({"informal", "statutory_mandatory"})

_LEVEL = re.compile(r"\blevel\s+(\d{1,2})\b", re.IGNORECASE)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_STATUS_DATE = re.compile(
    rf"^(?P<status>[A-Z][A-Za-z]*(?: [a-z][A-Za-z]*)*)\s+(?P<date>(?:\d{{1,2}} )?(?:{_MONTHS}) \d{{4}})$"
)
_PUBLISHER = re.compile(r"^(?:@|©|\(c\)|copyright)\s*(?P<name>[A-Z].{1,80})$", re.IGNORECASE)
_FROM_LINE = re.compile(r"\bfrom line (\d+)\b")
_COMPETENCE_NOTE = re.compile(r"\bcompetences?\b", re.IGNORECASE)
_COMPETENCE_HEADING = re.compile(r"competences(?: for all level \d+ roles)?$", re.IGNORECASE)


def competence_section_kind(title: str) -> CompetenceSection:
    lowered = title.lower()
    if "core" in lowered or "common" in lowered:
        return "core"
    if "locality" in lowered or "local" in lowered:
        return "locality-specific"
    return "role-specific"


def parse_template(data: bytes | str, file: str) -> ParsedTemplate:
    """Parse a template: a PDF or Word file (by its name's suffix), or text (bytes are decoded,
    refusing binary files)."""
    suffix = file.lower().rsplit(".", 1)[-1] if "." in file else ""
    if isinstance(data, bytes) and suffix in ("pdf", "docx"):
        if not data.strip():
            raise TemplateError(file, "the file is empty")
        if suffix == "pdf":
            from .pdf import read_pdf

            lines, reading = read_pdf(data, file)
        else:
            from .word import read_docx

            lines, reading = read_docx(data, file)
        return parse_lines(lines, file, reading)
    text = decode(data, file) if isinstance(data, bytes) else data.lstrip("\ufeff")
    if not text.strip():
        raise TemplateError(file, "the file is empty")
    return parse_lines(split_lines(text), file, Reading("markdown" if suffix == "md" else "text"))


def parse_lines(lines: list[Line], file: str, reading: Reading | None = None) -> ParsedTemplate:
    """Parse the lines of a template, however they were read."""
    lines = _mended(lines)
    try:
        parsed = _Parser(file, lines).parse()
    except NotATemplateError:
        raise
    except TemplateError as exc:
        if reading is None or reading.format not in ("pdf", "docx"):
            raise
        # Extracted line numbers mean nothing to the reader of a PDF or Word file: name the place.
        where = location_of([lines[exc.line - 1]]) if exc.line and 0 < exc.line <= len(lines) else ""
        reason = f"{exc.reason} ({where})" if where else exc.reason
        if reading.format == "pdf" and not reading.tables:
            reason += "; no table with borders was found in the PDF: save the template as Word, or with table borders"
        raise TemplateError(file, reason) from None
    return replace(parsed, reading=replace(reading or Reading("text"), lines=len(lines)))


def _mended(lines: list[Line]) -> list[Line]:
    """The lines with the words a line break inside a table cell cut in two joined again."""
    if not any("\n" in cell for line in lines for cell in line.cells):
        return lines
    words = vocabulary(line.text for line in lines)
    return [
        replace(line, cells=tuple(mend_broken_words(cell, words) for cell in line.cells)) if line.is_row else line
        for line in lines
    ]


class _Parser:
    def __init__(self, file: str, lines: list[Line]) -> None:
        self.file = file
        self.lines = lines
        self.warnings: list[Warning] = []

    def src(self, section: Section | str, blocks: Sequence[Block] | Sequence[Line]) -> SourceRef:
        path = section.path_text if isinstance(section, Section) else section
        lines: list[Line] = []
        for b in blocks:
            lines.extend(b.lines if isinstance(b, Block) else [b])
        return source_of(self.file, path, lines)

    def _block_source(self, section: Section) -> Callable[[Block], SourceRef]:
        return lambda block: self.src(section, [block])

    def _blocks_source(self, section: Section) -> Callable[[Sequence[Block]], SourceRef]:
        return lambda blocks: self.src(section, blocks)

    def parse(self) -> ParsedTemplate:
        front, sections = split_sections(self.lines)
        by_title = {s.title.lower(): s for s in sections}
        nos = [s for s in sections if s.path[0] == "The National Occupational Standards"]
        basic = next((s for s in nos if s.title.lower() == "basic information"), None)
        if basic is None:
            basic = by_title.get("basic information")
        if basic is None:
            raise NotATemplateError(self.file, "it has no 'Basic Information' section")
        fields = parse_fields(basic.blocks(), BASIC_KEYS, lambda bs: self.src(basic, bs))
        named = {f.key: f for f in fields}
        role_field = named.get("role")
        if role_field is None or not role_field.value:
            raise TemplateError(
                self.file,
                "Basic Information has no 'Named Role'",
                basic.heading.number if basic.heading else None,
            )
        title = self._title_page(front)
        level = self._level(named.get("level"), title)
        self._check_level_headings(sections, level)
        experience = named.get("experience") or Field("experience", "Experience Required", "", role_field.source)
        general: list[Paragraph] = []
        notes: list[Paragraph] = []
        scope: list[Paragraph] = []
        descriptor: list[Paragraph] = []
        competences = []
        section_titles: dict[CompetenceSection, str] = {}
        learning: list[Field] = []
        cpd: list[Field] = []
        references: list[Item] = []
        for section in sections:
            key = section.title.lower()
            part = section.path[0].lower()
            if part == "contents" or section is basic:
                continue
            blocks = section.blocks()
            paragraphs = [Paragraph(b.text, self.src(section, [b])) for b in blocks if not b.is_row]
            if part == "introduction to the template":
                general.extend(paragraphs)
            elif part == "references" or key.startswith("references"):
                references.extend(self._references(section))
            elif key == "scope of the role":
                for p in paragraphs:
                    (notes if _COMPETENCE_NOTE.search(p.text) else scope).append(p)
            elif key.startswith("definition of the level"):
                descriptor.extend(paragraphs)
            elif _COMPETENCE_HEADING.search(key):
                kind = competence_section_kind(section.title)
                if kind in section_titles:
                    self.warnings.append(
                        Warning(
                            f"a second {kind} competence section '{section.title}'",
                            section.heading.number if section.heading else None,
                        )
                    )
                section_titles.setdefault(kind, section.title)
                found, warnings = parse_competences(blocks, kind, section.title, self._block_source(section))
                competences.extend(found)
                self.warnings.extend(warnings)
                general.extend(self._lead_in(section, blocks))
                notes.extend(self._after_table(section, blocks))
            elif key == "indicative learning and development":
                learning.extend(parse_fields(blocks, LEARNING_KEYS, self._blocks_source(section), self._split, LISTED))
                general.extend(self._lead_in(section, blocks))
            elif key == "continuing professional development":
                cpd.extend(parse_fields(blocks, CPD_KEYS, self._blocks_source(section), self._split, LISTED))
                general.extend(self._lead_in(section, blocks))
            else:
                notes.extend(paragraphs)
        self._require(scope, "Scope of the Role")
        self._require(descriptor, "Definition of the Level Role (level descriptor)")
        self._require(learning, "Indicative Learning and Development")
        self._require(cpd, "Continuing Professional Development")
        self._require(references, "References")
        for kind in ("core", "role-specific", "locality-specific"):
            if kind not in section_titles:
                self.warnings.append(Warning(f"no {kind} competence section"))
        profile = RoleProfile(
            file=self.file,
            role=role_field.value,
            short_name=title.get("short_name") or role_field.value,
            area_of_work=named["area_of_work"].value if "area_of_work" in named else title.get("area", ""),
            level=level,
            status=title.get("status", ""),
            date=title.get("date", ""),
            publisher=self._publisher(),
            developed_with=title.get("developed_with", ""),
            title_source=title.get("source", role_field.source),
            basic_information=tuple(fields),
            experience=experience,
            experience_items=self._experience_items(experience),
            scope=tuple(scope),
            level_descriptor=tuple(descriptor),
            competences=tuple(competences),
            learning=tuple(learning),
            cpd=tuple(cpd),
            references=tuple(references),
            notes=tuple(notes),
            warnings=tuple(self._placed(w) for w in self.warnings),
            competence_section_titles=section_titles,
        )
        return ParsedTemplate(profile, tuple(general))

    # -- pieces ------------------------------------------------------------------------------

    def _placed(self, warning: Warning) -> Warning:
        """The warning with the place a person finds its line at ('line 172', 'page 7', 'table 3')."""
        if warning.line is None or not 0 < warning.line <= len(self.lines):
            return warning
        message = _FROM_LINE.sub(lambda m: self._from(int(m.group(1))), warning.message)
        return replace(warning, message=message, location=location_of([self.lines[warning.line - 1]]))

    def _from(self, number: int) -> str:
        """'from line 173' in a text file; 'from a later row (page 5)' where lines are extracted."""
        line = self.lines[number - 1] if 0 < number <= len(self.lines) else None
        if line is None or line.where[0] == "line":
            return f"from line {number}"
        where = location_of([line])
        return f"from a later row ({where})" if where else "from a later row"

    def _title_page(self, front: list[Line]) -> dict:
        lines = [line for line in front if line.text]
        found: dict = {}
        start = next((i for i, line in enumerate(lines) if "role profile" in line.text.lower()), None)
        if start is None:
            self.warnings.append(Warning("no title page ('Transferable Role Profile Template') found"))
            return found
        names: list[str] = []
        developed: list[Line] = []
        last = lines[start]
        for line in lines[start + 1 :]:
            text = line.text
            match = _STATUS_DATE.match(text)
            if developed and line.number == developed[-1].number + 1 and not developed[-1].raw.rstrip().endswith("."):
                developed.append(line)
                continue
            if text.lower().startswith("developed"):
                developed = [line]
            elif _LEVEL.search(text) and "career framework" in text.lower():
                found["level"] = int(_LEVEL.search(text).group(1))  # type: ignore[union-attr]
                found["level_line"] = line.number
            elif match:
                found["status"], found["date"] = match.group("status"), match.group("date")
            else:
                names.append(text)
            last = line
        if names:
            found["area"] = names[0]
        if len(names) > 1:
            found["short_name"] = names[1]
        if developed:
            found["developed_with"] = " ".join(line.text for line in developed)
            last = max(last, developed[-1], key=lambda line: line.number)
        span = [line for line in front if lines[start].number <= line.number <= last.number]
        found["source"] = source_of(self.file, "Title page", span)
        return found

    def _level(self, level_field: Field | None, title: dict) -> int:
        if level_field is not None:
            match = _LEVEL.search(level_field.value) or re.match(r"^\s*(\d{1,2})\s*$", level_field.value)
            if match:
                return int(match.group(1))
        if "level" in title:
            self.warnings.append(
                Warning(
                    "Basic Information gives no career framework level; took it from the title page",
                    title.get("level_line"),
                )
            )
            return int(title["level"])
        raise TemplateError(self.file, "no career framework level in Basic Information or on the title page")

    def _check_level_headings(self, sections: list[Section], level: int) -> None:
        for section in sections:
            if section.path[0] == "Contents" or section.heading is None:
                continue
            match = _LEVEL.search(section.title)
            if match and int(match.group(1)) != level:
                self.warnings.append(
                    Warning(
                        f"heading '{section.title}' says level {match.group(1)}, but Basic"
                        f" Information gives level {level}; the level is taken from Basic Information",
                        section.heading.number,
                    )
                )

    def _lead_in(self, section: Section, blocks: list[Block]) -> list[Paragraph]:
        """Running text before the section's table: framework text common to templates."""
        out = []
        for block in blocks:
            if block.is_row:
                break
            out.append(Paragraph(block.text, self.src(section, [block])))
        return out

    def _after_table(self, section: Section, blocks: list[Block]) -> list[Paragraph]:
        first_row = next((i for i, b in enumerate(blocks) if b.is_row), len(blocks))
        return [
            Paragraph(b.text, self.src(section, [b]))
            for b in blocks[first_row:]
            if not b.is_row and not is_table_header(b)
        ]

    def _references(self, section: Section) -> list[Item]:
        items = []
        for line in section.lines:
            if line.text and is_bullet(line.text):
                items.append(Item(strip_bullet(line.text), self.src(section, [line])))
        return items

    def _publisher(self) -> str:
        for line in reversed(self.lines):
            match = _PUBLISHER.match(line.text)
            if match:
                return match.group("name").strip()
        self.warnings.append(Warning("no publisher line ('© ...') found"))
        return ""

    def _split(self, key: str, value: str, source: SourceRef) -> tuple[Item, ...]:
        flat = value.replace("\n", " ")  # same length: the spans hold in the flat value
        return tuple(Item(flat[a:b], source) for a, b in split_items(value))

    def _experience_items(self, experience: Field) -> tuple[ExperienceItem, ...]:
        value = experience.value
        return tuple(
            ExperienceItem(value[a:b], requirement_kind(value[a:b]), experience.source)
            for a, b in split_requirements(value)
        )

    def _require(self, found: Sequence[object], name: str) -> None:
        if not found:
            self.warnings.append(Warning(f"no '{name}' found: the file may be truncated or differently laid out"))
