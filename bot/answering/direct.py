"""Direct answers first: yes/no checks, counts and "which role" questions start with the answer
("Yes.", "No.", "14 core competences", "Strategic Manager"), then the evidence that supports it,
each line cited. Long evidence is cut to a few lines with the full list one tap away.

    >>> operation_of("does an engagement worker need DBS?")
    'check'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.records import COMPETENCE_SECTIONS, CompetenceSection, Field, RoleProfile, SourceRef

from .competences import SECTION_TITLES, group_source, principle_names, select
from .compose import KIND_TITLES, SPECIFIC_FIELDS, TRAINING_GROUPS, Writer, matches_theme, matching_items, short_label

EVIDENCE_LINES = 4  # a yes/no answer: the direct line, at most this many evidence lines, "and N more"

_AUX = r"(?:does|do|did|is|are|was|were|must|should|will|would|can|could|has|have|need|needs|may|might)"
_CHECK = re.compile(
    rf"(?:^|[.!?,;:]\s*|\s[-–]\s+|\b(?:and|so|but|also|ok|okay|then)\s+){_AUX}\b(?!\s+(?:you|i)\s+(?:know|tell|list|give|show))"
    r"|\bis there (?:any|anything|a|an)\b|\bare there any\b",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\btotal\b|\bcount\b|\bhow much\b(?=.*\bcompetenc)", re.IGNORECASE)
# "list them and say how many" (a list, with counts); not "how many are in the SM's list?"
_LIST = re.compile(
    r"\blist (?:them|all|those|these|each|every|the|out)\b|\bwhat are (?:they|the)\b|\bname (?:them|the)\b"
    r"|\bshow (?:me )?(?:them|all)\b",
    re.I,
)
WHICH_ROLE = re.compile(
    r"\b(?:which|what) (?:roles?|jobs?|profiles?|templates?|posts?|one|of the (?:two|roles|templates)"
    r"|of the (?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) (?:roles|templates|profiles))\b"
    r"|\bwho (?:needs?|has|have|should|must|carries|is responsible)\b"
    # not "who does the perinatal boss work alongside?": who a role works with, asked of that role
    r"|\bwho (?:does|would)\b(?!\s+(?:the|a|an|my|our|their|this|that|her|his)\s[^?]{0,50}"
    r"\b(?:work|report|liaise|care|look)\w*\s+(?:with|alongside|to|for|after)\b)"
    r"|\bwhich role\b|\bwhose (?:competence|role|template|job|profile|responsibility|entry)\b"
    r"|\bhow many (?:of (?:the |these |those |your )?)?(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) )?"
    r"(?:roles|jobs|profiles|templates|posts)"
    r" (?!(?:are|is) (?:there|loaded|covered|available)\b|(?:do|does|have|has|can) (?:you|it|the bot|rolebot)\b)",
    re.IGNORECASE,
)


# Yes/no questions without a verb first: "DBS needed for EW?", "SM - any R&D competences?"
_TERSE_CHECK = re.compile(
    r"^(?!\s*(?:what|whats|what's|which|who|whom|how|where|when|why|list|show|tell|give)\b)"
    r"(?!\s*(?:can|could|would|will) you (?:please |just )?(?:give|tell|list|show|send|provide|share)\b)[^?]*"
    r"\b(?:needed|required|necessary|essential|compulsory)\b[^?]*\?\s*$"
    r"|(?:^|[-:–]\s*)any\b"
    # "SM - peer mentoring in there?? y/n", "The CSW profile say something about interpreters?"
    r"|\byes or no\W*$|\bin there\W*$|\b(?:say|says|mention|mentions) (?:something|anything)\b[^?]*\?\s*$"
    # "tl ew and scsw all have manage lone workers?"
    r"|^(?![^?]*\b(?:what|whats|what's|which|who|how|where|when|why)\b)[^?]*"
    r"\b(?:all|both|each) (?:have|has|need|include|list)\b[^?]*\?\s*$"
    # a claim with a tag: "SM is lvl 7 yeah?", "..., correct?", "... isn't it?", "so that's a level 7 post then?"
    r"|^(?!\s*(?:list|show|tell|give)\b)(?![^?]*\b(?:what|whats|what's|which|who|whom|how|where|when|why)\b)[^?]*"
    r"(?:\b(?:right|correct|yeah|yes|true|then|innit|is that (?:right|correct|true|so))"
    r"|\b(?:is|does|do|are|has|have|did|was|were|can|should|must)n'?t (?:it|she|he|they|that|there))(?:\W*\?|\W*$)",
    re.IGNORECASE,
)


def operation_of(text: str) -> str:
    """What is asked: 'which' (which role ...?), 'count', 'check' (yes/no) or 'list'."""
    if WHICH_ROLE.search(text):
        return "which"
    if _COUNT.search(text) and not _LIST.search(text):  # "list them and say how many": the list, with counts
        return "count"
    if _CHECK.search(text.strip()) or _TERSE_CHECK.search(text.strip()):
        return "check"
    return "list"


@dataclass(frozen=True)
class Evidence:
    """One line that supports a direct answer, with where it comes from."""

    text: str
    source: SourceRef
    quote: str | None
    group: str | None

    def names_all(self, theme: Sequence[str]) -> bool:
        """Whether this entry uses every word of the question's theme (not just some of them)."""
        return all(matches_theme(self.text, [t]) for t in theme)

    @property
    def blank(self) -> bool:
        """A field the template leaves blank: evidence for a 'No'."""
        return self.text.endswith("left blank in the template")


def _field_evidence(f: Field, items: Sequence[str] | None = None) -> list[Evidence]:
    quote = f"{f.label}: {f.value}"
    label = short_label(f.label)
    texts = list(items) if items is not None else [i.text for i in f.items] or ([f.value] if f.value else [])
    return [Evidence(t, f.source, quote, label) for t in texts]


def training_evidence(
    p: RoleProfile, theme: Sequence[str], subtopics: Sequence[str]
) -> tuple[list[Evidence], list[Field]]:
    """Training entries of `p` that a question asks about, and the fields that were looked in."""
    pairs = [pair for sub in subtopics for pair in TRAINING_GROUPS.get(sub, ())] or [
        ("cpd", "statutory_mandatory"),
        ("learning", "informal"),
        ("learning", "formal_endorsed"),
    ]
    if "cpd" in subtopics and len(subtopics) == 2:
        # "any statutory or mandatory learning in the CPD bit?", "the formal endorsed learning of the CPD section":
        # the one field asked about, where CPD has it ("the CPD section: how it is funded and how often?" is all of it)
        named = [pair for sub in subtopics if sub != "cpd" for pair in TRAINING_GROUPS.get(sub, ())]
        pairs = [pair for pair in named if pair in TRAINING_GROUPS["cpd"]] or pairs
    fields = [f for where, key in pairs if (f := p.learning_field(key) if where == "learning" else p.cpd_field(key))]
    if any(sub in SPECIFIC_FIELDS for sub in subtopics):  # "does it say how often?": the field answers it
        fields = [f for f in fields if f.key in SPECIFIC_FIELDS] or fields
        return [e for f in fields if not f.is_blank for e in _field_evidence(f)], fields
    if "formal_endorsed" in subtopics:  # the field itself, not the notes on credits and accreditation
        fields = [f for f in fields if f.key == "formal_endorsed"] or fields
    if theme:  # an entry in the training sections asked about (all of them when none is named)
        found = [(f, text) for f, text in matching_items(p, list(theme)) if not subtopics or f in fields or not f.items]
        return [e for f, text in found for e in _field_evidence(f, [text])], fields or [f for f, _ in found]
    return [e for f in fields if not f.is_blank for e in _field_evidence(f)], fields


def experience_evidence(p: RoleProfile, focus: str | None, theme: Sequence[str]) -> list[Evidence]:
    """Experience items of the asked kind that mention at least half of the question's words."""
    out = []
    for item in p.experience_items:
        if focus and item.kind != focus and not theme:
            continue
        hits = sum(matches_theme(item.text, [t]) for t in theme)
        if theme and (hits == 0 or hits * 2 < len(theme)):
            continue
        out.append(Evidence(f"{KIND_TITLES[item.kind]}: {item.text}", p.experience.source, p.experience.value, None))
    return out


def competence_evidence(
    p: RoleProfile, sections: Sequence[CompetenceSection], principle: str | None, theme: Sequence[str]
) -> list[Evidence]:
    chosen = select(p, sections, principle, theme)
    # Titles that use the question's own words come before those matched through a synonym.
    chosen.sort(key=lambda c: -sum(t in c.title.lower() for t in theme))
    return [
        Evidence(
            f"{c.title} ({SECTION_TITLES[c.section].lower().removesuffix(' competences')})",
            group_source([c]),
            f"{c.principle}: {c.title}",
            c.principle,
        )
        for c in chosen
    ]


def looked_in(
    w: Writer, p: RoleProfile, topic: str, fields: Sequence[Field], sections: Sequence[CompetenceSection]
) -> str:
    """Markers citing where the template was searched, for a 'No' (so a person can check it)."""
    if topic == "training":
        return " ".join(
            dict.fromkeys(
                w.cite(p, f.source, f"{f.label}: {f.value or '(blank)'}", short_label(f.label)) for f in fields
            )
        ) or w.cite(p, p.title_source)
    if topic == "experience":
        return w.cite(p, p.experience.source, p.experience.value)
    marks = []
    for section in sections or COMPETENCE_SECTIONS:
        rows = p.competences_in(section)
        if rows:
            marks.append(w.cite(p, group_source(rows), rows[0].title))
    # A template with no competence in those sections: cite the template itself, still checkable.
    return " ".join(dict.fromkeys(marks)) or w.cite(p, p.title_source)


def write_evidence(w: Writer, p: RoleProfile, evidence: Sequence[Evidence], limit: int = EVIDENCE_LINES) -> int:
    """Up to `limit` cited lines (each text once); returns how many were left out."""
    evidence = list({e.text: e for e in reversed(evidence)}.values())[::-1]
    for e in evidence[:limit]:
        w.add(f"- {e.text} {w.cite(p, e.source, e.quote, e.group)}")
    return max(0, len(evidence) - limit)


def what_it_is(topic: str, theme: Sequence[str], focus: str | None, subtopics: Sequence[str]) -> str:
    if theme:
        return " ".join(theme)
    if topic == "experience" and focus:
        return {"vetting": "DBS clearance or vetting", "qualification": "a qualification"}.get(focus, focus)
    if subtopics:
        return {
            "statutory_mandatory": "statutory and mandatory learning",
            "formal_endorsed": "formal endorsed learning",
        }.get(subtopics[0], subtopics[0].replace("_", " "))
    return "that"


def count_line(
    p: RoleProfile, sections: Sequence[CompetenceSection], principle: str | None, theme: Sequence[str]
) -> str:
    chosen = select(p, sections, principle, theme)
    shown = [s for s in (sections or COMPETENCE_SECTIONS) if any(c.section == s for c in chosen)]
    what = SECTION_TITLES[sections[0]].lower() if len(sections) == 1 else "competences"
    if principle:
        what += f" under {principle_names([p]).get(principle, principle)}"
    if theme:
        what += f" about {' '.join(theme)}"
    if len(chosen) == 1:
        what = what.replace("competences", "competence", 1)
    line = f"{len(chosen)} {what} in the {p.short_name} template"
    if len(shown) > 1:
        line += " (" + ", ".join(f"{sum(c.section == s for c in chosen)} {s}" for s in shown) + ")"
    return line
