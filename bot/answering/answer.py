"""What an answer is: markdown text with [n] markers, its citations, and what it was about.

No Teams types here: `bot/teams.py` renders an `Answer` into an activity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from knowledge.records import SourceRef, merge_sources

# Teams refuses a message with more than 10 citations (the Playground answers 400 "Array must contain
# at most 10 element(s)"); a citation's name is shown in at most 80 characters, its abstract in 160.
MAX_CITATIONS = 10
NAME_LIMIT = 80
ABSTRACT_LIMIT = 160
# Teams cuts suggested-action titles longer than about 25 characters (measured in the Playground).
TITLE_LIMIT = 25


def shorten(text: str, limit: int) -> str:
    """The first `limit` characters of `text` on a word boundary, with '…' if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class Suggestion:
    """A follow-up the user can tap: a short `title` for the button, the `question` it asks."""

    title: str
    question: str


@dataclass(frozen=True)
class Citation:
    """One cited source: a section or field of one template (`name` says which), however many lines
    of the answer it supports. `abstract` quotes the template."""

    position: int
    name: str
    abstract: str
    section: str
    role: str | None
    file: str
    line_start: int
    line_end: int
    location: str = ""  # where a person finds it: "lines 12-14", "page 7" (PDF), "table 3" (Word)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "abstract": self.abstract,
            "section": self.section,
            "role": self.role,
            "file": self.file,
            "lines": [self.line_start, self.line_end],
            "location": self.location,
        }


@dataclass(frozen=True)
class Answer:
    """A reply: markdown `text` whose [n] markers match `citations` positions."""

    text: str
    citations: tuple[Citation, ...] = ()
    roles: tuple[str, ...] = ()
    topic: str = "none"
    declined: bool = False
    suggestions: tuple[Suggestion, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    # False when the answer's subject is not something the templates speak of: a reading of the
    # question that the templates do not support (the engine then tries another reading).
    grounded: bool = True
    # True when it gives the passages nearest the question in meaning, not what a reading of it names: a
    # reading that names what it answers is preferred
    nearest: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "roles": list(self.roles),
            "topic": self.topic,
            "declined": self.declined,
            "suggestions": [s.question for s in self.suggestions],
            "suggestion_titles": [s.title for s in self.suggestions],
            "table": [list(row) for row in self.table],
        }


def combine(answers: list[Answer]) -> Answer | None:
    """One reply from the answers to the parts of a message, in order; citations of the same place
    share one number. None when together they would cite more places than Teams accepts."""
    if len(answers) == 1:
        return answers[0]
    positions: dict[tuple[str, str, str, int, int], int] = {}
    citations: list[Citation] = []
    texts: list[str] = []
    for a in answers:
        keys = [_place(c) for c in a.citations]
        items = [body for body, _ in list_items(a.text)]
        if texts and keys and items and all(k in positions for k in keys) and all(_said(b, texts) for b in items):
            continue  # "..., and is there anything I'd be missing?": the lines already given, not again
        renumber = {}
        for c in a.citations:
            key = _place(c)
            if key not in positions:
                positions[key] = len(positions) + 1
                citations.append(replace(c, position=positions[key]))
            renumber[c.position] = positions[key]
        texts.append(_renumber(a.text, renumber))
    if len(citations) > MAX_CITATIONS:
        return None
    last = answers[-1]
    return Answer(
        "\n\n".join(texts),
        tuple(citations),
        tuple(dict.fromkeys(r for a in answers for r in a.roles)),
        last.topic,
        all(a.declined for a in answers),
        tuple(dict.fromkeys(s for a in reversed(answers) for s in a.suggestions))[:3],
        next((a.table for a in answers if a.table), ()),
        all(a.grounded for a in answers),
        all(a.nearest for a in answers),
    )


def _place(c: Citation) -> tuple[str, str, str, int, int]:
    """Where a citation points: citations of the same place share one number."""
    return (c.file, c.name, c.section, c.line_start, c.line_end)


def _said(item: str, texts: list[str]) -> bool:
    """Whether an item's words (less a trailing "(Role, Section)") are in the replies already written."""
    bare = re.sub(r"\s*\([^()]*,[^()]*\)$", "", item)
    return any(bare in t for t in texts)


def list_items(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The entries an answer lists, in order, each with its citation markers: one per bullet, or per
    title in a bullet that joins a group's titles ('- *1. Communication* (2): A; B [1]')."""
    items: list[tuple[str, tuple[int, ...]]] = []
    for line in text.splitlines():
        m = re.match(r"^\s*[-•]\s+(?P<body>.*?)\s*(?P<marks>(?:\[\d+\]\s*)+)$", line)
        if not m or m.group("body").startswith("**") or re.fullmatch(r"\*[^*]+\*", m.group("body")):
            continue
        marks = tuple(int(n) for n in re.findall(r"\d+", m.group("marks")))
        body = m.group("body")
        group = re.match(r"^\*[^*]+\* \(\d+\): (?P<titles>.+)$", body)
        titles = group.group("titles").split("; ") if group else [body]
        for title in titles:
            title = re.sub(r"\s+\((?:[^()]*\s){2,}[^()]*\)$", "", title.strip())  # "(Manage a budget)": its function
            items.append((title, marks))
    return items


def _renumber(text: str, positions: dict[int, int]) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{positions.get(int(m.group(1)), int(m.group(1)))}]", text)


class Citations:
    """Numbers cited sources in order of first use. A source is a section or field of a template,
    not a line: every line from the same place shares one number ("cite sources, not lines")."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str, str], list[_Cited]] = {}

    def cite(
        self, source: SourceRef, role: str | None, who: str, quote: str | None = None, group: str | None = None
    ) -> str:
        """The `[n]` marker for `source` (`who` names the template, e.g. 'Engagement Worker template';
        `group` narrows the section, e.g. a principle or a field: 'Statutory and mandatory learning')."""
        key = (source.file, source.section, group or "")
        members = self._groups.setdefault(key, [])
        cited = _Cited(source, role, who, group, quote or _plain(source.text))
        if cited not in members:
            members.append(cited)
        return f"[{list(self._groups).index(key) + 1}]"

    def __len__(self) -> int:
        return len(self._groups)

    def all(self) -> tuple[Citation, ...]:
        return tuple(_citation(position, members) for position, members in enumerate(self._groups.values(), 1))

    def finish(self, text: str) -> tuple[str, tuple[Citation, ...]]:
        """The text and citations; over `MAX_CITATIONS`, groups merge to their section, then to their
        template, so every line keeps a citation and the message stays within what Teams accepts."""
        groups = list(self._groups.values())
        for grouping in (lambda c: (c.source.file, c.source.section), lambda c: (c.source.file,)):
            if len(groups) <= MAX_CITATIONS:
                break
            text, groups = _merge(text, groups, grouping)
        lines = text.split("\n")
        return text, tuple(
            _citation(position, members, [x for x in lines if f"[{position}]" in x])
            for position, members in enumerate(groups, 1)
        )


@dataclass(frozen=True)
class _Cited:
    source: SourceRef
    role: str | None
    who: str
    group: str | None
    quote: str


def _citation(position: int, members: list[_Cited], lines: Sequence[str] = ()) -> Citation:
    first = members[0]
    sections = list(dict.fromkeys(m.source.section for m in members))
    groups = list(dict.fromkeys(m.group for m in members if m.group))
    if len(sections) == 1:
        where = sections[0].split(" > ")[-1]
        names = [f"{first.who}: {where}"]
        if len(groups) == 1:  # the section and its field or principle; the field alone if that is too long
            names = [f"{first.who}: {where}, {groups[0]}", f"{first.who}: {groups[0]}"]
    else:
        names = [f"{first.who}: " + "; ".join(s.split(" > ")[-1] for s in sections)]
    name = next((n for n in names if len(n) <= NAME_LIMIT), names[-1])
    quotes = list(dict.fromkeys(" ".join(m.quote.split()) for m in members))
    return Citation(
        position=position,
        name=shorten(name, NAME_LIMIT),
        abstract=abstract(" … ".join(quotes), lines),
        section=sections[0] if len(sections) == 1 else "; ".join(sections),
        role=first.role,
        file=first.source.file,
        line_start=min(m.source.line_start for m in members),
        line_end=max(m.source.line_end for m in members),
        location=merge_sources([m.source for m in members]).location,
    )


# Where a quote's sentences end: a full stop (not "e.g."), a " … " between quotes, or a field's items run
# together ("... mental health Level 3 NVQ ...").
_SENTENCE = re.compile(
    r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+| … |(?<=[a-z)])\s+(?=(?:[A-Z][a-z]*\s)?(?:[A-Z]{2,}|Level \d))"
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("the and for with that this from their your into have which what when where only both".split())


def key_words(text: str) -> list[str]:
    """The words of a line that carry its meaning: markers, markup and short or common words left out."""
    text = re.sub(r"\[\d+\]|\*\*|(?<!\w)\*|\*(?!\w)", " ", text.lower())
    return [w for w in dict.fromkeys(_WORD.findall(text)) if len(w) >= 4 and w not in _STOP]


def abstract(quote: str, lines: Sequence[str] = ()) -> str:
    """What a citation's abstract quotes: `quote` whole when it fits; otherwise, for each line citing it
    in turn, the sentence of `quote` that line states (the field's value cut before it would not show
    the fact), as much as fits in `ABSTRACT_LIMIT`."""
    quote = " ".join(quote.split())
    whole = shorten(quote, ABSTRACT_LIMIT)
    wanted = [key_words(x) for x in lines]
    if len(quote) <= ABSTRACT_LIMIT or all(all(w in whole.lower() for w in words) for words in wanted):
        return whole
    sentences = [x for x in re.split(_SENTENCE, quote) if x]
    sentences = [x.strip(" …") for x in sentences if x.strip(" …")]
    pieces: list[str] = []
    # The lines that repeat the template's words first, in order; then those in the bot's words, each
    # by the sentence that shares most of its words.
    quoting = [(words, _quoted(line, quote)) for line, words in zip(lines, wanted, strict=True) if words]
    for words, best in sorted(quoting, key=lambda t: t[1] is None):
        if best is None:
            scored = [(sum(w in x.lower() for w in words), -i, x) for i, x in enumerate(sentences)]
            hits, _, found = max(scored)
            best = found if hits else None
        if best and not any(best in piece for piece in pieces):
            pieces.append(best)
        if len(" … ".join(pieces)) >= ABSTRACT_LIMIT:
            break
    return shorten(" … ".join(pieces), ABSTRACT_LIMIT) if pieces else whole


def _quoted(line: str, quote: str) -> str | None:
    """The part of `quote` a line repeats word for word, after any labels ('Vetting: DBS clearance ...')."""
    body = " ".join(re.sub(r"\[\d+\]|\*\*|(?<!\w)\*|\*(?!\w)|^[\s>-]+(?:\[[ xX]?\]\s*)?", " ", line).split())
    lowered = quote.lower()
    for whole in (True, False):  # the line's text, else its first sentence (paragraphs quoted one after another)
        for n in range(4):
            candidate = body.split(": ", n)[-1].strip()
            if not whole:
                candidate = re.split(r"(?<=\.)\s", candidate, maxsplit=1)[0]
            at = lowered.find(candidate.lower()) if len(candidate) >= 12 else -1
            if at >= 0:
                return quote[at : at + len(candidate)]
    return None


def _merge(text: str, groups: list[list[_Cited]], grouping: Any) -> tuple[str, list[list[_Cited]]]:
    merged: dict[Any, list[_Cited]] = {}
    renumber: dict[int, int] = {}
    for position, members in enumerate(groups, start=1):
        key = grouping(members[0])
        target = merged.setdefault(key, [])
        renumber[position] = list(merged).index(key) + 1
        target.extend(m for m in members if m not in target)
    if any(len({m.group for m in members}) > 1 for members in merged.values()):
        # A merged citation names the section, not one of its groups.
        merged = {k: [replace(m, group=None) for m in members] for k, members in merged.items()}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", text)
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)
    return text, list(merged.values())


def _plain(text: str) -> str:
    """Source lines as readable text: table cells joined with ': ', markup dropped."""
    from knowledge.text import clean

    lines = []
    for line in text.split("\n"):
        cells = [clean(cell) for cell in line.split("\t")]
        lines.append(": ".join(cell for cell in cells if cell))
    return " ".join(line for line in lines if line)
