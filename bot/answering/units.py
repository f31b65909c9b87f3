"""Answers from the templates' units (each competence, learning item, experience item, and sentence of the
scope and level descriptor, with its role and place) that name the question's words, and from the
entries of the list a conversation is on.

    'which role profile mentions homelessness?'  -> the EW's scope sentence that names it
    'which one is last in the table?'            -> the last entry of the list just given
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge.records import RoleProfile

from . import compose, lists, themes
from .answer import ABSTRACT_LIMIT, Answer, list_items, shorten
from .competences import SECTION_TITLES, alternatives
from .understanding import Question, words
from .wording import sections_named

if TYPE_CHECKING:
    from .context import Context

NOTHING = Answer("", grounded=False, declined=True)  # no unit supports this reading
ORDINALS = {"first": 0, "top": 0, "second": 1, "third": 2}


def about(ctx: Context, q: Question, profiles: Sequence[RoleProfile], subject: Sequence[str], which: bool) -> Answer:
    """What the templates say wherever they name the question's theme: for `profiles`, or, asked `which`
    role (or with no role), for every template that does. Only a question whose every word of substance
    (`subject`) is the templates' own: 'maternity leave policy' is not."""
    theme = ctx.theme_of(q)
    if not theme or not all(ctx.grounded(w) for w in subject):
        return NOTHING
    either = alternatives(q.text, theme)
    if which or not profiles:
        everyone = list(ctx.kb.profiles)
        described = [p for p in everyone if themes.count(p, theme, any_word=either)]
        return lists.which_by_theme(ctx, q, everyone, described, theme, either) if described else NOTHING
    said = [p for p in profiles if themes.count(p, theme, any_word=either)]
    if not said:
        return NOTHING

    def write(w: compose.Writer) -> None:
        for p in said:
            themes.about_theme(w, p, theme, either)

    return ctx.finish(replace(q, topic="competences"), said, write, ctx.follow_ups(said[0], "competences"))


def nth_entry(listed: Answer, word: str) -> Answer:
    """The entry of `listed` at the place `word` names ('first', 'last', 'second'), with its citation."""
    items = list_items(listed.text)
    index = ORDINALS.get(word.lower(), -1)
    if listed.declined or not items or index >= len(items):
        return NOTHING
    title, marks = items[index]
    cited = [c for c in listed.citations if c.position in marks]
    positions = {c.position: n for n, c in enumerate(cited, 1)}
    text = f"The {word.lower()} one in that list is: **{title}** " + " ".join(f"[{positions[n]}]" for n in marks)
    # the abstract shows the entry the line states, not the first of the group it was cited with
    citations = tuple(
        replace(c, position=positions[c.position], abstract=shorten(title, ABSTRACT_LIMIT)) for c in cited
    )
    return Answer(text, citations, listed.roles, listed.topic, False, listed.suggestions)


def entries_with(listed: Answer, asked: Sequence[str]) -> Answer:
    """The entries of `listed` whose words include all of `asked` ('the NICE one'), each with its citation."""
    items = list_items(listed.text)
    chosen = [(title, marks) for title, marks in items if asked and all(w in words(title) for w in asked)]
    if listed.declined or not chosen:
        return NOTHING
    cited = [c for c in listed.citations if any(c.position in marks for _, marks in chosen)]
    positions = {c.position: n for n, c in enumerate(cited, 1)}
    lines = [f"- **{title}** " + " ".join(f"[{positions[n]}]" for n in marks) for title, marks in chosen]
    text = "In that list:\n" + "\n".join(lines)
    citations = tuple(replace(c, position=positions[c.position]) for c in cited)
    return Answer(text, citations, listed.roles, listed.topic, False, listed.suggestions)


_AS_FUNCTION = re.compile(r"\bas (?:a |the |its |their )?(?:ref(?:erence)? )?function\b", re.I)


def locate(
    ctx: Context,
    q: Question,
    profiles: Sequence[RoleProfile],
    stop: frozenset[str],
    which: bool = False,
    check: bool = False,
) -> Answer | None:
    """'Where does "Lead clinical governance across a system of services" sit?', 'is X core or role
    specific?', 'which reference function is the rota competence under?': the competence the question
    names (quoted, or most of its title's words), and where it is: its table, principle and function."""
    quoted = re.findall(r"['‘’\"“”]([^'‘’\"“”]{8,})['‘’\"“”]", q.text)
    asked = _stems(" ".join(quoted) if quoted else q.text, stop)
    if len(asked) < 2:
        return None
    scored = []
    # "which roles have 'Provide leadership' as a reference function?": the quoted words are a function's
    as_function = bool(quoted) and bool(_AS_FUNCTION.search(q.text))
    for p in profiles:
        for c in p.competences:
            title = _stems(c.function if as_function else c.title, stop)
            hit = len(asked & title)
            if title and hit >= 2 and hit / len(title) >= 0.6:
                scored.append((hit / len(title), hit, p, c))
    if not scored:
        return None
    best = max(s[:2] for s in scored)
    # "which templates include 'Manage lone workers'?": every template that does; else the best three
    chosen = [(p, c) for ratio, hit, p, c in scored if (ratio, hit) == best][: None if which else 3]

    claim = ""
    if check and not which and not _WHERE_ASKED.search(q.text):
        # "is 'Manage budgets' one of the SM's core competences?", "... in both templates?", "does the SM have
        # 'Chair meetings'?": yes when every template asked lists it, in the part of the template named
        named = sections_named(q.text)
        having = {p.role for p, c in chosen if not named or c.section in named}
        # "does 'X' appear anywhere?", "is 'X' in any template?": yes when one does; else when every one asked does
        some = re.search(r"\b(?:any|anywhere|either|at all)\b", q.text, re.I) or (
            not q.roles.profiles and not re.search(r"\b(?:both|all|every|each)\b", q.text, re.I)
        )
        claim = "Yes." if having and (some or all(p.role in having for p in profiles)) else "No."

    named_sections = sections_named(q.text)
    lacking = [
        p
        for p in ctx.kb.profiles
        if not any(o.role == p.role and (not named_sections or c.section in named_sections) for o, c in chosen)
    ]
    before_quote = re.split(r"['‘’\"“”][^'‘’\"“”]{8,}['‘’\"“”]", q.text)[0]
    if which and not as_function and _NOT_HAVING.search(before_quote):
        # "which template does NOT have 'Communicate effectively ...' in its core?": those that lack it (not
        # "which list 'X' in their core, not their role specific?")
        return _lacking(ctx, q, chosen[0][1].title, lacking, named_sections)

    def write(w: compose.Writer) -> None:
        if claim:
            w.add(claim)
        if which and as_function:
            having = len({p.role for p, _ in chosen})
            verb = "has" if having == 1 else "have"
            w.add(
                f"{having} of the {len(ctx.kb.profiles)} templates {verb} competences under the reference function"
                f" '{chosen[0][1].function}':"
            )
        elif which:
            verb = "lists" if len(chosen) == 1 else "list"
            w.add(f"{len(chosen)} of the {len(ctx.kb.profiles)} templates {verb} '{chosen[0][1].title}':")
        for p, c in chosen:
            # where a reader finds it: the table by its name, then the principle and function it is under
            w.add(
                f"'{c.title}' is in the {SECTION_TITLES.get(c.section, c.section)} of the **{p.short_name}**"
                f" template, under the principle {c.principle}, reference function '{c.function}'."
                f" {w.cite(p, c.source, c.title)}"
            )

    shown = list({p.role: p for p, _ in chosen}.values())
    return ctx.finish(replace(q, topic="competences"), shown, write, ctx.follow_ups(shown[0], "competences"))


_NOT_HAVING = re.compile(
    r"\b(?:not|doesn'?t|don'?t|without|lacks?|lacking|missing|except|omits?|leaves? out)\b|\bn't\b", re.IGNORECASE
)


def _lacking(ctx: Context, q: Question, title: str, lacking: Sequence[RoleProfile], sections: Sequence[str]) -> Answer:
    """The templates that do not list the competence `title` (in `sections`, when named), each cited at its
    named role; where one lists it elsewhere, that place too."""
    where = " or ".join(SECTION_TITLES.get(s, s).lower() for s in sections) or "competences"

    def write(w: compose.Writer) -> None:
        verb = "does" if len(lacking) == 1 else "do"
        w.add(f"{len(lacking)} of the {len(ctx.kb.profiles)} templates {verb} not list '{title}' in their {where}:")
        for p in lacking:
            elsewhere = next((c for c in p.competences if c.title == title), None)
            table = next((c for c in p.competences if not sections or c.section in sections), None)
            if elsewhere:
                label = SECTION_TITLES.get(elsewhere.section, elsewhere.section)
                note = f" (it is in its {label.lower()} {w.cite(p, elsewhere.source, elsewhere.title, label)})"
            elif table:  # the table it would be in, which does not have it
                label = SECTION_TITLES.get(table.section, table.section)
                note = f" {w.cite(p, table.source, None, label)}"
            else:
                note = f" {w.cite(p, compose.basic_source(p, 'role'), p.role)}"
            w.add(f"- **{p.short_name}**{note}")

    follow = ctx.follow_ups(lacking[0], "competences") if lacking else ()
    return ctx.finish(replace(q, topic="competences"), list(lacking), write, follow)


_WHERE_ASKED = re.compile(r"\bwhere\b|\bwhich (?:part|section|principle|function)\b|\bunder\b", re.IGNORECASE)


def _stems(text: str, stop: frozenset[str]) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3 and w not in stop}
