"""Roles named by what they do, not by their titles, and a shared mention narrowed by the conversation.

    'the person who drives patients to their appointments'  -> the Transport Assistant
    'the perinatal manager'                                  -> the Service Manager of that area
    'and the SM one?' (after the Engagement Worker)          -> the Strategic Manager, not the Service Manager

A description names the template whose title, area and scope share clearly more of its words than any
other's. A title no template has ("the operational manager", "a rehabilitation assistant") is not a
description of one that does, and a profession ("a paramedic") is never matched to a role.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.records import RoleProfile

from .direct import WHICH_ROLE
from .replies import EXTREME
from .understanding import RoleFinder, words
from .wording import THEME_STOP, stem

# "the person who ...", "the perinatal manager", "the crisis lead at band 4", "the rehab team boss"
_DESCRIBED = re.compile(
    r"\b(?:the|a|an|our|my|her|his|their|this|that)\s+(?:[\w&'-]+\s+){0,4}?"
    r"(?P<head>person|people|one|worker|manager|lead|leader|boss|assistant|practitioner|director|driver|guy|lady"
    r"|woman|man|role|post|job|staff|colleague|member of staff)s?\b",
    re.IGNORECASE,
)
# "I drive patients to ...", "I run the perinatal team", "I'm the one who leads ...": the asker's own job
_SELF_DESCRIBED = re.compile(
    r"\b(?:i|i'm|im|i am)\s+(?:(?:currently|now|also|mainly|basically|the one who)\s+)?"
    r"(?:drive|run|lead|manage|work|support|look after|care for|assess|treat|supervise|deliver|coordinate"
    r"|oversee|transport|visit|help|head up|am in charge of|in charge of)\b[^.?!]*",
    re.IGNORECASE,
)
_WHICH_IS_THAT = re.compile(r"\bwhich (?:role|job|post|template|one) (?:is|would) (?:that|this|it|they|she|he)\b", re.I)
# Job nouns that end a template's title: a description ending in one names only a template with it
_TITLE_HEADS = frozenset("worker manager assistant practitioner director".split())
_PROFESSION_WORDS = frozenset(
    "nurse doctor paramedic pharmacist midwife physiotherapist psychologist psychiatrist radiographer dietitian"
    " surgeon gp receptionist porter chaplain counsellor therapist".split()
)
_NOT_THE = re.compile(r"\bnot (?:the|a|an|my|our) ([\w-]+(?: [\w-]+)?)", re.IGNORECASE)
# Words every kind of job uses: no help telling one template's job from another's ("I run the perinatal team")
_GENERIC = frozenset({"team", "teams", "people"})
MAX_DESCRIBED = 3  # roles answered side by side for one description that fits them about equally
_AREA_FILLER = frozenset({"and", "of", "the", "service", "services", "care"})


def described_role(finder: RoleFinder, profiles: Sequence[RoleProfile], text: str) -> RoleProfile | None:
    """The role `text` names by what it does or where ("the person who drives patients ...", "I run the
    perinatal team"); None unless one template clearly fits best."""
    found = described_roles(finder, profiles, text)
    return found[0] if len(found) == 1 else None


def described_roles(finder: RoleFinder, profiles: Sequence[RoleProfile], text: str) -> list[RoleProfile]:
    """The roles `text` describes: the one that fits clearly best, or the two or three that fit about equally
    and clearly better than the rest ("the people who visit folk in crisis at home and in the safe havens": the
    Crisis Support Worker and the Senior Crisis Support Worker); none when no group stands out."""
    if (
        (WHICH_ROLE.search(text) and not _WHICH_IS_THAT.search(text))
        or len(profiles) < 2
        or EXTREME.search(text)  # "the most senior role": by level, not a description
    ):
        return []  # "which role ...?" asks across roles; "... - which role is that?" asks which one this is
    ruled_out = set(words(" ".join(_NOT_THE.findall(text))))
    m = _DESCRIBED.search(text)
    found = _described(finder, profiles, text, m, ruled_out) if m else []
    if not found and (mine := _SELF_DESCRIBED.search(text)):
        # "I lead the rehab assistants who go into people's homes": what the asker does, not a title
        found = _best_group(profiles, _asked(mine.group(0), ruled_out))
    return found


# "the one who leads the crisis support workers", "whoever manages the transport assistants": the role that leads
# the one named
_LEADS_THEM = re.compile(
    r"\b(?:(?:the|a|their|her|his) (?:one|person|people|manager|lead|boss|role|post|job)|whoever|someone)\s+"
    r"(?:(?:who|that)\s+)?(?:leads?|manages?|supervises?|runs?|oversees?|is in charge of|line[- ]manages?|heads? up)"
    r"\s+(?=(?:the|our|my|a|all)\b)",
    re.I,
)


def leader_of(
    finder: RoleFinder, profiles: Sequence[RoleProfile], text: str, led: RoleProfile | None
) -> RoleProfile | None:
    """'The one who leads the crisis support workers on a shift': the role named is the one led (`led`, or None
    for a role no template has, "the rehabilitation assistants"); the role asked about is the template the rest
    of the description fits clearly best (the Senior Crisis Support Worker, whose scope is leading the support
    workers on a shift). None when no lead is described."""
    m = _LEADS_THEM.search(text)
    if m is None or (led is not None and led not in finder.find(text[m.end() :]).profiles):
        return None
    return fitted([p for p in profiles if p is not led], text)


def fitted(profiles: Sequence[RoleProfile], text: str) -> RoleProfile | None:
    """The template whose title, area and scope `text` (a situation, not a title) fits clearly best: "my aunt
    has rehab assistants coming to her house" is the Team Leader's team; None unless one fits best."""
    if len(profiles) < 2 or EXTREME.search(text):
        return None
    return _best_fit(profiles, _asked(text, set(words(" ".join(_NOT_THE.findall(text))))))


def _described(
    finder: RoleFinder, profiles: Sequence[RoleProfile], text: str, m: re.Match[str], ruled_out: set[str]
) -> list[RoleProfile]:
    if any(w in _PROFESSION_WORDS for w in words(m.group(0))):
        return []  # "a paramedic": a job no template has, not a description
    head = words(m.group("head"))[-1]
    if words(m.group(0))[-1] != head:
        return []  # "the liaison and diversion roles": several roles, not one described
    modifiers = [w for w in words(m.group(0))[1:-1] if w not in THEME_STOP]
    if not modifiers and re.match(r"\s+(?:who|that|which)\b", text[m.end() :], re.I):
        head = "person"  # "the worker who takes patients to appointments": a description, whatever its job noun
    if (head in _TITLE_HEADS or head == "leader") and any(
        not any(a.startswith(w[:5]) for a in finder.area_words) for w in modifiers
    ):
        return []  # "the operational manager": a title no template has, not a description of one
    candidates = [
        p
        for p in profiles
        if not (ruled_out & set(words(p.short_name)))
        and (head not in _TITLE_HEADS or any(w.startswith(head[:5]) for w in words(p.short_name)))
        # "a rehabilitation assistant" is no assistant of another area
        and (
            head not in _TITLE_HEADS or all(any(a.startswith(w[:5]) for a in words(p.area_of_work)) for w in modifiers)
        )
    ]
    return _best_group(candidates, _asked(text, ruled_out))


def _best_fit(candidates: Sequence[RoleProfile], asked: set[str]) -> RoleProfile | None:
    """The template a description fits clearly best: by two points or more, at least two."""
    group = _best_group(candidates, asked)
    return group[0] if len(group) == 1 else None


def _best_group(candidates: Sequence[RoleProfile], asked: set[str]) -> list[RoleProfile]:
    """The templates a description fits best: each within a point of the best (at least two points), all at
    least two points above any other, and no more than three; none else."""
    ranked = sorted(((_fit(p, asked), i, p) for i, p in enumerate(candidates)), key=lambda t: (-t[0], t[1]))
    if not ranked or ranked[0][0] < 2:
        return []
    group = [t for t in ranked if t[0] >= ranked[0][0] - 1]
    rest = ranked[len(group) :]
    if len(group) > MAX_DESCRIBED or (rest and rest[0][0] > group[-1][0] - 2):
        return []
    return [t[2] for t in group]


def narrowed(found: Sequence[RoleProfile], text: str) -> Sequence[RoleProfile]:
    """Of the roles one mention fits ("the level 8 manager", "the crisis worker"), the one the rest of the
    question describes clearly best ("... for the mother and baby mental health service"); all of them else."""
    if len(found) < 2:
        return found
    asked = _asked(text, set())
    ranked = sorted(((_fit(p, asked), i, p) for i, p in enumerate(found)), key=lambda t: (-t[0], t[1]))
    return [ranked[0][2]] if ranked[0][0] >= ranked[1][0] + 2 else found


def _asked(text: str, ruled_out: set[str]) -> set[str]:
    return {w for w in words(text) if len(w) >= 4 and w not in THEME_STOP and w not in _GENERIC and w not in ruled_out}


def _fit(p: RoleProfile, asked: set[str]) -> int:
    """How much of a description a template's title, area and scope share: a word of the title or area counts
    twice, one of the scope once."""
    title = set(words(f"{p.short_name} {p.area_of_work}"))
    scope = {w for para in p.scope for w in words(para.text) if len(w) >= 4} - title
    return sum(2 if _said_in(w, title) else 1 if _said_in(w, scope) else 0 for w in asked)


def near(
    finder: RoleFinder,
    everyone: Sequence[RoleProfile],
    found: Sequence[RoleProfile],
    text: str,
    roles: Sequence[str],
) -> Sequence[RoleProfile]:
    """Of the roles one mention fits ("SM": a Strategic Manager and a Service Manager; "the manager"), those in
    the area of work of the roles the conversation is on (`roles`); all of them when none is."""
    shared = any(len(finder.abbreviated(t)) > 1 for t in re.findall(r"[A-Za-z0-9&']+", text))
    # "the manager" after a question on the perinatal service: a mention no title is written out in
    loose = not any(p.short_name.lower() in text.lower() for p in found)
    if len(found) < 2 or not (shared or loose) or not roles:
        return found

    current = set().union(*(area_words(p) for p in everyone if p.role in roles))
    return [p for p in found if area_words(p) & current] or found


def area_words(p: RoleProfile) -> set[str]:
    """The words of a template's area of work that tell it from others ("Liaison and Diversion Service" and
    "Liaison and Diversion" are one area)."""
    return set(words(p.area_of_work)) - _AREA_FILLER


def _said_in(word: str, said: set[str]) -> bool:
    """Whether a template uses `word`: itself, a longer word it starts ("rehab": "rehabilitation", "lead":
    "leading") or one of the same stem ("drive": "driving"); "transport" is not "transfer"."""
    return word in said or any(w.startswith(word) or stem(w) == stem(word) for w in said)
