"""The training matrix: roles x training and roles x competences, every cell with its source; and
the chat answers drawn from it ("which roles need Safeguarding Level 3?", "training matrix for X").

    >>> m = build_matrix(load_knowledge().profiles)
    >>> [r.label for r in m.training][:2]
    ['Safeguarding', 'Data Protection']

Items worded differently across templates ("Safeguarding (Level 3)" and "Safeguarding") share one
row (a `Group`), and each role's cell keeps its own wording. Whether two wordings name the same subject
is decided by the matcher the comparisons use (`similar_items` and the closeness check of
`comparing`), so the matrix and a comparison of two roles never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from knowledge.records import (
    COMPETENCE_SECTIONS,
    CompetenceSection,
    Field,
    KnowledgeBase,
    RoleProfile,
    SourceRef,
    merge_sources,
)
from knowledge.text import normalise

from .answer import MAX_CITATIONS, Answer, shorten
from .comparing import _close as close_wording  # the comparisons' own closeness check
from .competences import SECTION_TITLES, similar_items
from .compose import Writer

# Kinds of training, in the order the sheet shows them: (learning or CPD part, field key) -> kind.
TRAINING_KINDS: tuple[tuple[str, str, str], ...] = (
    ("cpd", "statutory_mandatory", "Statutory and mandatory"),
    ("learning", "statutory_mandatory", "Statutory and mandatory"),
    ("learning", "formal_endorsed", "Formal endorsed"),
    ("cpd", "formal_endorsed", "Formal endorsed"),
    ("learning", "informal", "Informal"),
    ("cpd", "informal", "Informal (CPD)"),
)


@dataclass(frozen=True)
class Cell:
    """What one role's template says for one row: its own wording, and where it says it."""

    text: str
    source: SourceRef

    @property
    def where(self) -> str:
        """File and page, table or line: 'x.pdf, page 7', 'x.docx, table 3', 'x.txt, line 244'."""
        s = self.source
        if s.location:
            return f"{s.file}, {s.location}"
        lines = f"line {s.line_start}" if s.line_start == s.line_end else f"lines {s.line_start}-{s.line_end}"
        return f"{s.file}, {lines}"


@dataclass
class Group:
    """One row of a sheet: a subject, under a heading (a kind of training, or a competence section and
    principle), with each role's wordings of it."""

    heading: str
    label: str
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # role -> its entries in this row

    @property
    def wordings(self) -> list[str]:
        return list(dict.fromkeys(c.text for cells in self.cells.values() for c in cells))


@dataclass(frozen=True)
class Matrix:
    roles: tuple[RoleProfile, ...]
    training: tuple[Group, ...]
    competences: tuple[Group, ...]

    def rows(self, sheet: str) -> tuple[Group, ...]:
        return self.training if sheet == "training" else self.competences


_LEVEL_NOTE = re.compile(r"\(?\blevel\s+\d+\)?", re.I)


def same_subject(a: str, b: str) -> bool:
    """Two wordings of one subject, as a comparison of two templates pairs them; a level is part of
    the wording, not of the subject ("Safeguarding Adults (Level 2)" and "Safeguarding (Level 3)"
    share a row, each role's cell says its level)."""
    if normalise(a) == normalise(b):
        return True
    a, b = (_LEVEL_NOTE.sub(" ", x).strip() or x for x in (a, b))
    return normalise(a) == normalise(b) or (bool(similar_items([a], [b])) and close_wording(a, b))


def training_entries(p: RoleProfile) -> list[tuple[str, Cell]]:
    """(kind, cell) for every learning item of a template: statutory and mandatory, formal endorsed,
    informal; each list item its own entry, a formal course with its awarding body."""
    out: list[tuple[str, Cell]] = []
    for part, key, kind in TRAINING_KINDS:
        f = next((x for x in (p.cpd if part == "cpd" else p.learning) if x.key == key), None)
        out.extend((kind, cell) for cell in _cells(f))
    return out


def _cells(f: Field | None) -> list[Cell]:
    if f is None:
        return []
    if f.items:
        return [Cell(i.text, i.source) for i in f.items]
    if f.parts:  # CPD 'Formal endorsed learning': Title, Awarding body, Credit, Level
        parts = {p.label.lower(): p for p in f.parts}
        title = parts.get("title")
        if title is None or not title.value.strip():
            return []
        details = ", ".join(f"{p.label.lower()} {p.value}" for p in f.parts if p is not title and p.value.strip())
        return [Cell(f"{title.value}" + (f" ({details})" if details else ""), title.source)]
    return [Cell(f.value, f.source)] if f.value.strip() else []


def _principle_key(principle: str) -> str:
    """'6. Equality & Diversity' and '6. Equality and Diversity' are one principle: its number or letter."""
    match = re.match(r"^\s*([0-9]+|[A-Z])\.", principle)
    return match.group(1) if match else normalise(principle)


def _group(entries: Iterable[tuple[str, str, Cell]], order: Sequence[str] = ()) -> list[Group]:
    """Rows from (heading, role, cell): per heading, wordings of one subject share a row."""
    rows: list[Group] = []
    by_heading: dict[str, list[Group]] = {}
    by_wording: dict[tuple[str, str], Group] = {}  # most entries repeat a wording word for word
    for heading, role, cell in entries:
        groups = by_heading.setdefault(heading, [])
        key = (heading, normalise(cell.text))
        found = by_wording.get(key) or next(
            (g for g in groups if any(same_subject(cell.text, w) for w in g.wordings)), None
        )
        if found is None:
            found = Group(heading, cell.text)
            groups.append(found)
            rows.append(found)
        by_wording[key] = found
        found.cells.setdefault(role, []).append(cell)
    for g in rows:  # the row's name: the wording the most wordings contain ("Safeguarding"), the shortest on a tie
        wordings = g.wordings
        within = {w: sum(1 for x in wordings if _words(w) <= _words(x)) for w in wordings}
        g.label = min(wordings, key=lambda w: (-within[w], len(w), w))
    rank = {h: i for i, h in enumerate(order)}
    rows.sort(key=lambda g: rank.get(g.heading, len(rank)))  # stable: first seen first within a heading
    return rows


def build_matrix(profiles: Sequence[RoleProfile]) -> Matrix:
    """The matrix of these templates, in their order."""
    training = _group(
        ((kind, p.role, cell) for p in profiles for kind, cell in training_entries(p)),
        list(dict.fromkeys(kind for _, _, kind in TRAINING_KINDS)),
    )
    principles: dict[tuple[CompetenceSection, str], str] = {}
    competence_entries = []
    for p in profiles:
        for c in p.competences:
            key = (c.section, _principle_key(c.principle))
            name = principles.setdefault(key, f"{SECTION_TITLES[c.section]}: {c.principle or 'no principle'}")
            competence_entries.append((name, p.role, Cell(c.title, c.source)))
    order = [principles[k] for k in sorted(principles, key=_heading_order)]
    return Matrix(tuple(profiles), tuple(training), tuple(_group(competence_entries, order)))


def _heading_order(key: tuple[CompetenceSection, str]) -> tuple[int, bool, str]:
    """Core, role-specific, locality-specific; in each, the numbered principles, then the lettered."""
    section, principle = key
    return COMPETENCE_SECTIONS.index(section), not principle.isdigit(), principle.zfill(3)


def in_area(profiles: Sequence[RoleProfile], area: str | None) -> list[RoleProfile]:
    """The templates of an area of work, named as the templates name it (case and spacing ignored)."""
    if not area:
        return list(profiles)
    wanted = normalise(area)
    return [p for p in profiles if normalise(p.area_of_work) == wanted]


# -- chat ---------------------------------------------------------------------------------------------

MATRIX_TOPIC = "matrix"
# At most this many roles and rows in the card: Teams shows a card of about 28 KB, and a wider table
# does not read on a phone. The text lists every role; the export has everything.
CARD_ROLES = 5
CARD_ROWS = 12
CARD_CELL = 60
FULL_EXPORT = "Full matrix, every cell with its source: "
NOT_LISTED = "—"  # a card's TextBlock is markdown: a lone "-" would show as a bullet

_MATRIX = re.compile(r"\b(?:training|learning|competences?)\s+matrix\b|\bmatrix\s+of\s+(?:training|learning)\b", re.I)
_MATRIX_FOR = re.compile(
    r"\bmatrix\b(?:\s+of\s+(?:training|learning))?\s+(?:for|of|in)\s+(?:the\s+)?(?P<area>.+)$", re.I
)
# Only the plural: "which role needs X?" keeps its own composer (one role or a comparison).
_WHICH_ROLES = re.compile(
    r"^(?:which|what|how\s+many)\s+(?:of\s+the\s+)?(?:roles|templates?|profiles?)\s+(?:need|needs|require|requires|list"
    r"|lists|specify|specifies|have\s+to\s+(?:do|complete)|must\s+(?:do|complete|have))\s+"
    r"(?:to\s+(?:do|complete|have)\s+)?(?:the\s+)?"
    r"(?P<item>.+?)(?:\s+(?:in|as|under)\s+(?:(?:their|the|its)\s+)?"
    r"(?P<where>statutory|mandatory|informal|learning|training)[\w\s/&]*)?"
    r"(?:\s+training)?(?:\s+anywhere)?(?:\s+in\s+(?:their|the|its)\s+(?:templates?|profiles?))?$",
    re.I,
)
_CACHE: dict[str, Matrix] = {}


def matrix_of(profiles: Sequence[RoleProfile], fingerprint: str) -> Matrix:
    """The matrix of the loaded templates, built once per knowledge fingerprint (the last two kept)."""
    cached = _CACHE.get(fingerprint)
    if cached is None or len(cached.roles) != len(profiles):
        cached = build_matrix(profiles)
        while len(_CACHE) >= 2:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[fingerprint] = cached
    return cached


def answer_matrix(kb: KnowledgeBase, question: str) -> Answer | None:
    """'training matrix for <area>' or 'which roles need <training>?'; None when it is neither (or the
    training named is in no template: the other composers say so in their own way)."""
    text = question.strip().rstrip("?.! ")
    if not kb.profiles:
        return None
    if _MATRIX.search(text):
        return _area_matrix(kb, text)
    asked = _WHICH_ROLES.match(text)
    if asked:
        where = {"statutory": "statutory", "mandatory": "statutory", "informal": "informal"}.get(
            (asked.group("where") or "").lower(), ""
        )
        return _which_roles(kb, asked.group("item"), where)
    return None


def _words(text: str) -> set[str]:
    return set(normalise(text).split()) - {"and", "or", "of", "the", "in", "at", "for", "to", "training", "e", "g"}


def _which_roles(kb: KnowledgeBase, item: str, where: str = "") -> Answer | None:
    """The roles whose training lists `item`; `where`: only in that kind of learning ("statutory", "informal")."""
    matrix = matrix_of(kb.profiles, kb.fingerprint)
    wanted = _words(item)
    if not wanted:
        return None
    groups = [
        g
        for g in matrix.training
        if (_words(g.label) and _words(g.label) <= wanted) or any(same_subject(item, w) for w in g.wordings)
    ]
    if not groups:
        return None
    by_role = {p.role: p for p in kb.profiles}
    exact: list[tuple[RoleProfile, Group, Cell]] = []
    other: list[tuple[RoleProfile, Group, Cell]] = []
    for g in groups:
        for role, cells in g.cells.items():
            for c in cells:
                if where and where not in g.heading.lower():
                    continue  # "... in their statutory and mandatory learning": not the informal list
                (exact if wanted <= _words(c.text) else other).append((by_role[role], g, c))
    w = Writer(kb)
    named = " ".join(item.split())
    files: set[str] = set()

    def line(p: RoleProfile, g: Group, c: Cell) -> str:
        # Teams shows at most 10 citations: past ten templates the source is written out instead.
        if c.source.file in files or len(files) < MAX_CITATIONS:
            files.add(c.source.file)
            mark = w.cite(p, c.source, c.text, g.heading)
        else:
            mark = f"({c.where})"
        return f"- {named_role(p)}: “{c.text}” ({g.heading.lower()}) {mark}"

    exact_roles = list(dict.fromkeys(p.role for p, _, _ in exact))
    if len(exact_roles) == len(kb.profiles):  # in the words of the "which role" answers (lists.py)
        everyone = "Both" if len(kb.profiles) == 2 else f"All {len(kb.profiles)}"
        w.add(f"{everyone}: every role template lists it.")
    elif exact:
        w.add(f"{len(exact_roles)} of {len(kb.profiles)} roles list {named} in those words:")
    else:
        w.add(f"No template lists {named} in those words.")
    for entry in exact:
        w.add(line(*entry))
    rest = [e for e in other if e[0].role not in exact_roles]
    if rest:
        w.add()
        subject = min((g.label for g in groups), key=lambda label: (not _words(label) <= wanted, len(label)))
        w.add(f"{len(dict.fromkeys(p.role for p, _, _ in rest))} more list {subject} in other words:")
        for entry in rest:
            w.add(line(*entry))
    having = {p.role for p, _, _ in (*exact, *other)}
    if len(having) < len(kb.profiles):
        w.add()
        w.add(f"The other {len(kb.profiles) - len(having)} templates list none of these.")
    text, citations = w.citations.finish(w.text())
    roles = tuple(dict.fromkeys(p.role for p, _, _ in (*exact, *rest)))
    return Answer(text, citations, roles=roles, topic=MATRIX_TOPIC)


def _area_of(kb: KnowledgeBase, text: str) -> tuple[str | None, str]:
    """(the area of work the question names, the words it used for it): the longest area whose
    words the question all uses; (None, words) when it names one no template has."""
    asked = _words(text)
    areas = sorted({p.area_of_work for p in kb.profiles if p.area_of_work}, key=len, reverse=True)
    found = next((a for a in areas if _words(a) and _words(a) <= asked), None)
    named = _MATRIX_FOR.search(text)
    return found, named.group("area").strip() if named else ""


def _area_matrix(kb: KnowledgeBase, text: str) -> Answer:
    area, named = _area_of(kb, text)
    if area is None and named:
        areas = sorted({p.area_of_work for p in kb.profiles})
        shown = "; ".join(areas[:20]) + (f"; and {len(areas) - 20} more" if len(areas) > 20 else "")
        return Answer(
            f"No template has the area of work “{named}”. The templates' areas of work: {shown}.",
            topic=MATRIX_TOPIC,
            declined=True,
        )
    profiles = in_area(kb.profiles, area)
    matrix = build_matrix(profiles) if area else matrix_of(kb.profiles, kb.fingerprint)
    title = f"Training matrix: {area}" if area else "Training matrix: all templates"
    command = "rolebot matrix" + (f' --area "{area}"' if area else "") + " --out matrix.xlsx"
    w = Writer(kb)
    w.add(f"**{title}** ({len(profiles)} roles, {len(matrix.training)} training subjects)")
    files: set[str] = set()
    for p in profiles:
        entries = training_entries(p)
        statutory = [c for kind, c in entries if kind.startswith("Statutory")]
        others = len(entries) - len(statutory)
        listed = "; ".join(c.text for c in statutory) or "none listed"
        if statutory and (statutory[0].source.file in files or len(files) < MAX_CITATIONS):
            files.add(statutory[0].source.file)
            mark = w.cite(p, _merged(statutory), None, "Statutory and mandatory")
        else:
            mark = f"({statutory[0].where})" if statutory else ""
        more = f", and {others} more learning items" if others else ""
        w.add(f"- {named_role(p)}: statutory and mandatory: {listed}{more} {mark}")
    w.add()
    w.add(f"{FULL_EXPORT}`{command}`")
    text, citations = w.citations.finish(w.text())
    return Answer(
        text,
        citations,
        roles=tuple(p.role for p in profiles),
        topic=MATRIX_TOPIC,
        table=card_table(matrix),
    )


def named_role(p: RoleProfile) -> str:
    """The role as its template names it: short names repeat across areas of work."""
    return f"**{p.role}** (level {p.level})"


def _merged(cells: Sequence[Cell]) -> SourceRef:
    return merge_sources([c.source for c in cells])


def card_table(matrix: Matrix) -> tuple[tuple[str, ...], ...]:
    """The matrix for a card: the first roles as columns, the first training rows, each role's own
    wording (shortened) or a dash; the last row says what was left out."""
    roles = matrix.roles[:CARD_ROLES]
    rows = matrix.training[:CARD_ROWS]
    short = len({p.short_name for p in roles}) == len(roles)  # one area: "Coordinator"; else the named role
    table: list[tuple[str, ...]] = [("Training", *(p.short_name if short else p.role for p in roles))]
    for g in rows:
        cells = tuple(
            "; ".join(shorten(c.text, CARD_CELL) for c in g.cells.get(p.role, [])) or NOT_LISTED for p in roles
        )
        kind = "" if g.heading.startswith("Statutory") else f" ({g.heading.lower()})"
        table.append((shorten(g.label, CARD_CELL) + kind, *cells))
    left = []
    if len(matrix.roles) > len(roles):
        left.append(f"{len(matrix.roles) - len(roles)} more roles")
    if len(matrix.training) > len(rows):
        left.append(f"{len(matrix.training) - len(rows)} more rows")
    if left:
        table.append((f"Not shown: {', '.join(left)}", *("" for _ in roles)))
    return tuple(table)
