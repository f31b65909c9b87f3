"""'How many ...?' answers: the number first, then the breakdown."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge.records import COMPETENCE_SECTIONS, CompetenceSection, RoleProfile

from . import compose, direct
from .answer import Answer
from .competences import group_source, principle_key, principle_names, select
from .understanding import Question

if TYPE_CHECKING:
    from .context import Context


FEW = 12  # a count of at most this many competences lists their titles too


def count(
    engine: Context,
    q: Question,
    profiles: list[RoleProfile],
    theme: list[str],
    sections: list[CompetenceSection],
    principle: str | None,
) -> Answer:
    """'How many ...?': the number first, then the breakdown (and the titles when they are few)."""

    def write(w: compose.Writer) -> None:
        for i, p in enumerate(profiles):
            line = direct.count_line(p, sections, principle, theme)
            if len(profiles) > 1:
                line = f"**{p.short_name}**: {line}"
            chosen = select(p, sections, principle, theme)
            marks = " ".join(
                dict.fromkeys(
                    w.cite(p, group_source(rows), rows[0].title)
                    for s in (sections or COMPETENCE_SECTIONS)
                    if (rows := [c for c in chosen if c.section == s])
                )
            )
            w.add(f"{line} {marks}".strip())
            if chosen and len(chosen) <= (8 if principle or theme else FEW):
                # few enough to read: the titles themselves, after the number
                direct.write_evidence(w, p, direct.competence_evidence(p, sections, principle, theme), FEW)
            elif chosen:
                groups: dict[str, int] = {}
                written = principle_names([p])
                for c in chosen:
                    # "3. Health, Safety and Security" and "3 Health, Safety and Security" are one principle
                    name = written[principle_key(c.principle)]
                    groups[name] = groups.get(name, 0) + 1
                w.add("By underpinning principle: " + "; ".join(f"{k} ({n})" for k, n in groups.items()) + f" {marks}")
            if i < len(profiles) - 1:
                w.add()

    suggestions = (
        engine.show_all(profiles[0], "competences", sections),
        *engine.follow_ups(profiles[0], "competences"),
    )
    return engine.finish(replace(q, topic="competences"), profiles, write, suggestions=suggestions)


def count_training(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer:
    """'How many stat and mand topics?': the number of entries first, then the entries."""

    def write(w: compose.Writer) -> None:
        for p in profiles:
            lines, fields = direct.training_evidence(p, [], q.subtopics)
            name = compose.short_label(fields[0].label).lower() if fields else "training"
            if not lines:
                where = direct.looked_in(w, p, "training", fields, [])
                w.add(f"0: the {p.short_name} template leaves {name} blank {where}")
                continue
            kinds = Counter(e.group or "training" for e in lines)  # each line's field, as the template labels it
            if not q.subtopics and len(kinds) > 1:
                # "how many is that in total?" after the training: every entry, and how many of each kind
                each = "; ".join(f"{n} {kind.lower()}" for kind, n in kinds.items())
                w.add(f"{len(lines)} training entries in the {p.short_name} template ({each}):")
            else:
                w.add(f"{len(lines)} entries of {name} in the {p.short_name} template:")
            direct.write_evidence(w, p, lines, 12)

    return engine.finish(q, profiles, write, suggestions=engine.follow_ups(profiles[0], "training"))
