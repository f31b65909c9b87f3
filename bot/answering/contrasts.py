"""Comparisons between roles and the step from one role to another, routed to what the question names."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge.records import RoleProfile

from . import comparing, compose, lists, replies
from .answer import Answer
from .competences import compare, principles, progression
from .direct import operation_of
from .understanding import Question
from .wording import ROLE_TOPICS, sections_named, topics_in

if TYPE_CHECKING:
    from .context import Context, ConversationState, Vector

_LACKS = re.compile(
    r"\b(?:does ?n[o']t|does not|do ?n[o']t|has ?n[o']t|lacks?|is ?n[o']t in|are ?n[o']t in|are not in|is not in"
    r"|not in the|missing from|absent from)\b",
    re.I,
)


# "are they the same?", "... is level 9, same as the clinical director?"
_ARE_THEY_SAME = re.compile(
    r"\bare (?:they|these|those|the two) the same\b|[,-]\s*(?:the )?same as (?:the |an? )?[^,.;?]{1,60}\?\s*$", re.I
)
# "the same list", "those", "them": a comparison of what the conversation was on
_POINTS_AT_LIST = re.compile(r"\b(?:same|those|these|them|that|this|list|lists|ones|it)\b", re.I)
_MORE_SENIOR = re.compile(
    r"\b(?:more senior|higher|above|senior to|outrank)|\b(less senior|lower|below|junior to|more junior)\b", re.I
)


def compare_roles(
    engine: Context, q: Question, profiles: list[RoleProfile], state: ConversationState | None = None
) -> Answer:
    if len(profiles) < 2:
        profiles = list(engine.kb.profiles)
    sections, principle = sections_named(q.text), engine.principle_of(q.text)
    theme = [t for t in engine.theme_of(q, strict=True) if not principle or t not in principle.split()]
    aspects = comparing.aspects_of(q.text, sections, principle, theme, profiles)
    whole_roles = len(q.roles.profiles) >= 2 and not _POINTS_AT_LIST.search(q.text)
    if not aspects and state is not None and state.topic in ROLE_TOPICS and not whole_roles:
        # "does the strategic manager get the same list?": the list the conversation is about ("how does the EW
        # role compare with the SM role?", naming both and no list, is the whole of each)
        carried = " ".join((q.text, state.topic, *state.subtopics, *state.focus))
        aspects = comparing.aspects_of(carried, sections_named(carried), principle, list(state.theme), profiles)
    if aspects:
        lacking = None
        named = list(q.roles.profiles)
        if len(named) == 2 and _LACKS.search(q.text):  # "... that the EW doesn't (have)?"
            lacking = named[1]
            profiles = named
        # "same stat/mand for both crisis roles?": a yes/no, however short
        check = operation_of(q.text) == "check" or bool(
            re.match(r"^\W*(?:the )?same\b", q.text, re.IGNORECASE) or _ARE_THEY_SAME.search(q.text)
        )
        rows: tuple[tuple[str, ...], ...] = ()

        def write_aspects(w: compose.Writer) -> None:
            nonlocal rows
            rows = comparing.compare_aspects(w, profiles, aspects, q.text, check, lacking)

        follow_ups = engine.follow_ups(profiles[-1], "compare")
        found = engine.finish(replace(q, topic="compare"), profiles, write_aspects, suggestions=follow_ups)
        if len(named) == 2 and (senior := _MORE_SENIOR.search(q.text)):
            # "is a team leader more senior than a senior crisis support worker?": by their levels
            first, second = named
            higher = first.level > second.level if senior.group(1) is None else first.level < second.level
            levels = f"the {first.short_name} is level {first.level}, the {second.short_name} level {second.level}."
            if re.match(r"^\W*(?:is|are|does|do)\b", q.text, re.IGNORECASE):
                lead = f"{'Yes' if higher else 'No'}: {levels}"
            else:  # "which is more senior, the EW or the SM?"
                top = (
                    max(named, key=lambda p: p.level) if senior.group(1) is None else min(named, key=lambda p: p.level)
                )
                lead = f"The {top.short_name}: {levels}"
            found = replace(found, text=f"{lead}\n\n{found.text}")
        return replace(found, table=rows)
    aspect = next(
        (t for t in ("training", "experience", "competences", "level", "scope") if t in topics_in(q.text)),
        "overview",
    )
    table: tuple[tuple[str, ...], ...] = ()

    def write(w: compose.Writer) -> None:
        nonlocal table
        table = compare(w, profiles, aspect)

    answer = engine.finish(
        replace(q, topic="compare"),
        profiles,
        write,
        suggestions=engine.follow_ups(profiles[-1], "compare"),
    )
    if _ARE_THEY_SAME.search(q.text) and table:  # "the SM is level 9, same as the CD?": the answer first
        differ = any(len(set(row[1:])) > 1 for row in table[1:])
        answer = replace(answer, text=f"{'No, they differ' if differ else 'Yes, the same in both'}.\n{answer.text}")
    return replace(answer, table=table)


def progression_answer(engine: Context, q: Question, state: ConversationState, vector: Vector) -> Answer:
    mentioned = list(q.roles.profiles)
    if len(mentioned) >= 2:
        source, target = mentioned[0], mentioned[1]
        if re.search(rf"\bto\b.*{re.escape(source.short_name.split()[0].lower())}", q.text.lower()) and not re.search(
            r"\bfrom\b", q.text.lower()
        ):
            source, target = target, source
    elif len(mentioned) == 1:
        target = mentioned[0]
        current = [p for p in engine.kb.profiles if p.role in state.roles and p.role != target.role]
        # With no current role known, the step up is from the role below (never from a role above).
        below = [p for p in engine.kb.profiles if p.level < target.level]
        source_candidates = current or ([max(below, key=lambda p: p.level)] if below else [])
        if not source_candidates:
            return lists.about_roles(engine, replace(q, topic="experience"), [target], vector)
        source = source_candidates[0]
    else:
        return replies.which_role(engine, q)
    return engine.finish(
        replace(q, topic="progression"),
        [source, target],
        lambda w: progression(w, source, target),
        suggestions=engine.follow_ups(target, "progression"),
    )


def principles_answer(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer:
    """'What are the underpinning principles?': the ones each template groups its competences by."""
    chosen = profiles or list(engine.kb.profiles)

    def write(w: compose.Writer) -> None:
        w.add("The templates list competences (National Occupational Standards) by underpinning principle.")
        for p in chosen:
            principles(w, p)

    return engine.finish(replace(q, topic="competences"), chosen, write)
