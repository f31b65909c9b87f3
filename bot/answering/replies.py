"""Replies that are not about a template's content: declines, unknown roles, "which role?", help."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from knowledge.records import RoleProfile

from . import compose
from .answer import Answer, Suggestion
from .understanding import Question
from .wording import initials, with_article

if TYPE_CHECKING:
    from .context import Context


NOT_COVERED = "The role profile templates don't cover that."
# Where to look instead, first match wins: what the templates leave to the employer, and where it is set.
ELSEWHERE = (
    (
        # "what band is the EW and how much does it pay?": pay, though "how much" also asks prices ("paid for the
        # course" is a price)
        re.compile(
            r"\b(?:salary|salaries|pay|paid|wages?|earn\w*|bands?|pensions?|mileage|expenses)\b(?! for\b)", re.I
        ),
        "The role profile templates don't cover that: pay is set locally. Ask HR, or see the job description"
        " and your contract."
        " NHS pay bands come from Agenda for Change; a career framework level is not a pay band.",
    ),
    (
        re.compile(r"\b(?:cost|costs|fees?|price|prices|tuition|how much)\b", re.I),
        "The role profile templates don't cover that: they give no prices or fees. Ask your L&D team or the"
        " course provider; the templates' CPD rows say how learning is funded.",
    ),
    (
        re.compile(r"\b(?:contact|book|booking|who do i (?:ask|speak to|talk to))\b", re.I),
        "The role profile templates don't cover that: they name no local contacts. Ask your line manager or"
        " your L&D or training team.",
    ),
    (
        re.compile(
            r"\b(?:leave|holidays?|notice|probation\w*|hours|shifts?|rota|on-call|home|hybrid|dress|uniform"
            r"|driving|parking|equipment|contract|line manage|part[- ]time|full[- ]time|flexible)\b",
            re.I,
        ),
        "The role profile templates don't cover that: your employer sets it. Ask your line manager or HR, or"
        " see your contract and local policies.",
    ),
)

# Prices, local contacts and pay: what no template's entry is about, however near one's words
UNCOVERED_SUBJECTS = tuple(pattern for pattern, _ in ELSEWHERE[:3])


def decline(engine: Context, q: Question, profiles: Sequence[RoleProfile]) -> Answer:
    roles = "; ".join(f"{p.short_name} (level {p.level})" for p in engine.kb.profiles)
    instead = next((advice for pattern, advice in ELSEWHERE if pattern.search(q.text)), NOT_COVERED)
    suggestions = engine.starter_questions()
    if profiles:  # the role asked about: its level (what the templates say nearest to pay), then its profile
        p = profiles[0]
        level = Suggestion(f"{initials(p)} level", f"What level is {with_article(p)}?")
        suggestions = (level, *engine.follow_ups(p, "level"))[:3]
    text = (
        f"{instead}"
        "\n\nFor each role the templates cover the experience required, the scope of the role, the career"
        " framework level, the competences (National Occupational Standards), indicative learning and"
        f" development, statutory and mandatory learning, and CPD. Roles with a template: {roles}."
    )
    return Answer(text, (), tuple(p.role for p in profiles), q.topic, True, suggestions)


def unknown_role(engine: Context, unknown: Sequence[str]) -> Answer:
    roles = role_lines(engine)
    text = (
        f"There is no role profile template for {', '.join(unknown)}, so I can't answer for that role."
        f" The roles I have templates for are:\n{roles}"
    )
    return Answer(text, (), (), "unknown-role", True, engine.starter_questions())


def role_lines(engine: Context) -> str:
    return "\n".join(f"- {p.short_name} ({p.role}), career framework level {p.level}" for p in engine.kb.profiles)


def which_role(engine: Context, q: Question, onboarding: bool = False, among: Sequence[RoleProfile] = ()) -> Answer:
    """'Which role do you mean?', with the roles as buttons; `among`: the templates a title fits."""
    roles = ", ".join(p.short_name for p in among or engine.kb.profiles)
    text = f"Which role do you mean? I have templates for: {roles}."
    if onboarding:
        text = f"Welcome! Which role are you starting in? I have templates for: {roles}."
    if among:
        text = f"Which one do you mean? {len(among)} templates fit that title: {roles}."
        question = f"{q.text.rstrip(' ?')} ({{}})?"
        suggestions = tuple(Suggestion(p.short_name, question.format(p.short_name.lower())) for p in among)[:3]
        return Answer(text, (), tuple(p.role for p in among), q.topic, False, suggestions)
    suggestions = tuple(
        Suggestion(
            f"I'm {with_article(p)}" if len(p.short_name) < 18 else p.short_name,
            f"I'm starting as {with_article(p)}",
        )
        for p in engine.kb.profiles
    )[:3]
    return Answer(text, (), (), q.topic, False, suggestions)


def help_reply(engine: Context) -> Answer:
    roles = role_lines(engine)
    text = (
        "I answer questions about NHS role profiles from the Skills for Health templates, citing the template"
        " and section for every statement: experience required, scope of the role, career framework level,"
        " competences, training, CPD, and comparisons between roles. New in post? Tell me your role and I'll"
        f" give you a checklist.\n\nRoles I know:\n{roles}"
    )
    return Answer(text, (), (), "help", False, engine.starter_questions())


def roles_reply(engine: Context, q: Question | None = None) -> Answer:
    """The roles with a template; those at a level the question names ("which roles are level 8?"), or the
    highest or lowest ("which role has the lowest level?")."""
    chosen = list(engine.kb.profiles)
    lead = f"I have role profile templates for {len(chosen)} roles:"
    ranged = LEVEL_RANGE.search(q.text) if q is not None else None
    if ranged:  # "how many roles are at level 8 or above?"
        above = not re.search(r"below|lower|less|under|up to", ranged.group(0), re.I)
        level = int(ranged.group(1) or ranged.group(2))
        if ranged.group(2) and re.match(r"above|over|below|under", ranged.group(0), re.I):
            level += 1 if above else -1  # "above level 7": 8 and up
        chosen = [p for p in chosen if (p.level >= level if above else p.level <= level)]
        lead = (
            f"{len(chosen)} of the {len(engine.kb.profiles)} roles are at career framework level {level} or"
            f" {'above' if above else 'below'}:"
        )
    elif q is not None and re.search(r"\bhow many\b", q.text, re.I) and not q.roles.profiles:
        lead = f"{len(chosen)} roles have a role profile template:"  # "how many templates have you got?"
    elif (
        q is not None
        and (extreme := EXTREME.search(q.text))
        and not LEVEL_ORDER.search(q.text)
        and (len(q.roles.profiles) != 1 or q.roles.everyone)
    ):
        # "which role has the lowest level?", and of the roles named: "which of those is the most junior?"
        if q.roles.profiles and not q.roles.everyone:
            chosen = list(q.roles.profiles)
        highest = extreme.group(1).lower() in ("highest", "most senior", "top", "senior-most")
        level = (max if highest else min)(p.level for p in chosen)
        chosen = [p for p in chosen if p.level == level]
        named = " and the ".join(p.short_name for p in chosen)
        verb = "has" if len(chosen) == 1 else "have"
        lead = f"The {named} {verb} the {'highest' if highest else 'lowest'} career framework level, {level}:"
    elif q is not None and q.roles.profiles and not q.roles.everyone:
        chosen = list(q.roles.profiles)
        lead = f"{len(chosen)} of the {len(engine.kb.profiles)} templates:"
    if q is not None and (order := LEVEL_ORDER.search(q.text)):  # "in order of level, lowest first"
        # "highest first", "from most senior to most junior", "descending": the highest first
        way = re.search(r"lowest|highest|top|junior|senior|ascending|descending", order.group(0), re.I)
        chosen.sort(
            key=lambda p: p.level, reverse=bool(way and way[0].lower() in ("highest", "top", "senior", "descending"))
        )
    w = compose.Writer(engine.kb)
    w.add(lead)
    for p in chosen:
        src = compose.basic_source(p, "role")
        w.add(f"- **{p.short_name}**: {p.role}, career framework level {p.level}, {p.area_of_work} {w.cite(p, src)}")
    if q is not None and MEANING.search(q.text) and len(chosen) <= 2:
        for p in chosen:  # "the highest level role and what does that level actually mean"
            compose.level(w, p, ())
    text, citations = w.citations.finish(w.text())
    return Answer(text, citations, tuple(p.role for p in chosen), "roles", False, engine.starter_questions())


LEVEL_RANGE = re.compile(
    r"\blevel\s*(\d{1,2})\s*(?:\+|or (?:above|higher|more|over|below|lower|less|under)|and (?:above|over|below|under))"
    r"|\b(?:at least|above|over|below|under|up to) (?:career framework )?level\s*(\d{1,2})",
    re.I,
)
LEVEL_ORDER = re.compile(
    r"\b(?:in|by) (?:the )?order of (?:career framework )?level\b[^?.]{0,30}|\b(?:sorted|ordered|ranked) by level\b"
    r"[^?.]{0,30}|\b(?:lowest|highest) (?:level )?first\b"
    r"|\b(?:from )?(?:the )?(?:lowest|highest|most junior|most senior) (?:level )?to (?:the )?"
    r"(?:lowest|highest|most junior|most senior)\b"
    r"|\b(?:ascending|descending) (?:order of )?level\b|\blevel,? (?:ascending|descending)\b",
    re.I,
)
MEANING = re.compile(r"\bmean(?:s|ing)?\b|\bdescriptor\b|\bexpected\b|\binvolve", re.IGNORECASE)
EXTREME = re.compile(
    r"\b(highest|lowest|most senior|most junior|senior-most|top|bottom|entry|least senior|junior-most)(?: level)?\b",
    re.I,
)
