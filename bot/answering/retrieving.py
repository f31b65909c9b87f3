"""Answers from hybrid retrieval (passages of the templates and their shared framework text), given
only above a relevance threshold; below it, the templates don't cover it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from index.store import Hit, Index
from knowledge.records import RoleProfile, SourceRef
from knowledge.text import normalise

from . import compose, replies
from .answer import Answer
from .asking import CLAIM
from .direct import operation_of
from .understanding import Question, words
from .wording import THEME_STOP, root

if TYPE_CHECKING:
    from .context import Context, Vector


# Calibrated on tests/eval with the packaged MiniLM (docs/how-it-works.md): a free-form hit is
# relevant when it is close in meaning, or contains the question's words and is not far in meaning.
RELEVANCE_COSINE = (0.55, 0.0)  # (cosine, coverage): close in meaning alone


RELEVANCE_CLOSE = (0.45, 0.3)  # close in meaning and sharing some of the question's words


RELEVANCE_COVERED = (0.8, 0.15)  # (coverage, cosine)


RELEVANCE_MIXED = (0.6, 0.30)


_DEFINITION_Q = re.compile(r"^\s*(?:what|who)\s+(?:is|are)\s+(?:a |an |the )?(?P<term>[^?]{3,60}?)\s*\??\s*$", re.I)


def _without_containers(hits: list[Hit]) -> list[Hit]:
    """Drop a whole field when one of its items is also a hit (the item says it more precisely)."""
    return [
        h
        for h in hits
        if not any(
            o is not h
            and o.passage.source == h.passage.source
            and o.passage.quote in h.passage.quote
            and len(o.passage.quote) < len(h.passage.quote)
            for o in hits
        )
    ]


def _definitions_first(question: str, hits: list[Hit]) -> list[Hit]:
    """For 'what is X?', passages that open with X (they define it) come first."""
    match = _DEFINITION_Q.match(question)
    if not match:
        return hits
    term = normalise(match.group("term"))
    defining = [h for h in hits if normalise(h.passage.quote).startswith(term)]
    return defining + [h for h in hits if h not in defining]


# A passage of the asked role's template that shares a word of the question's subject by root ("the family" and
# "working with their families"; "the challenging part" and "The challenge of this role"), where that template uses
# the word in few places, is relevant though the model puts it further in meaning than the thresholds above: a
# sentence of many clauses is far from a question about one of them. Calibrated on tests/eval (docs/evaluation.md).
SHARED_COSINE = 0.25
SHARED_RARE = 3


@lru_cache(maxsize=4)
def _roots_by_role(index: Index) -> dict[str | None, Counter[str]]:
    """Per template, in how many of its passages each word root appears."""
    counts: dict[str | None, Counter[str]] = {}
    for passage in index.passages:
        counts.setdefault(passage.role, Counter()).update({r for w in words(passage.quote) for r in _roots(w)})
    return counts


def in_introduction_only(index: Index, word: str) -> bool:
    """Whether only the introduction every template shares uses `word` ("levelled": "They are not in themselves
    levelled"), no role's own entries."""
    counts = _roots_by_role(index)
    roots = _roots(word)
    general = counts.get(None, Counter())
    return any(general[r] for r in roots) and not any(
        c[r] for role, c in counts.items() if role is not None for r in roots
    )


def _roots(word: str) -> set[str]:
    """A word's root, and for a word ending in y its plural's too ("family" is "families", not "fami-ly")."""
    return {root(word), root(word[:-1] + "ies")} if word.endswith("y") else {root(word)}


def _sharing_a_word(engine: Context, q: Question, hits: list[Hit], roles: set[str]) -> list[Hit]:
    """The hits of the asked roles' templates that share a rare word of the question's subject by root."""
    subject = {
        r
        for w in words(engine.keyword_query(q.text))
        if len(w) >= 4 and w not in THEME_STOP and w not in engine.name_words
        for r in _roots(w)
    }
    if not subject:
        return []
    counts = _roots_by_role(engine.index)
    return [
        h
        for h in hits
        if h.passage.role in roles
        and h.cosine >= SHARED_COSINE
        and any(
            0 < counts[h.passage.role][r] <= SHARED_RARE
            for r in subject & {r for w in words(h.passage.quote) for r in _roots(w)}
        )
    ]


def _relevant(hit: Hit) -> bool:
    return (
        hit.cosine >= RELEVANCE_COSINE[0]
        or (hit.cosine >= RELEVANCE_CLOSE[0] and hit.coverage >= RELEVANCE_CLOSE[1])
        or (hit.coverage >= RELEVANCE_COVERED[0] and hit.cosine >= RELEVANCE_COVERED[1])
        or (hit.coverage >= RELEVANCE_MIXED[0] and hit.cosine >= RELEVANCE_MIXED[1])
    )


# Who made a template, when, and its status ("is the support worker template still a draft?").
PROVENANCE = re.compile(
    r"\bwho (?:wrote|writes|developed|published|made|produced|created|owns)\b|\bpublish|"
    r"\bskills for health\b|\bexpert reference\b|\bwhen (?:was|were)\b|\bdates?\b|\bversions?\b|"
    r"\bdeveloped (?:with|by|in collaboration)\b|\bwho\b.*\b(?:wrote|written|developed|published)\b|"
    r"\bstatus\b|\bup to date\b|\bhow old\b|\blatest\b|\bdrafts?\b|\bfinal(?:ised)? version\b"
    r"|\btemplates?\b.*\b(?:final|finalised|finished)\b"
)


_DRAFT = re.compile(r"\bdraft|\bconsultation", re.I)


def provenance(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer:
    """Each template's status and date, publisher and who it was developed with, as its title page has it."""
    chosen = profiles or list(engine.kb.profiles)
    drafts = [p for p in chosen if _DRAFT.search(p.status or "")]

    def write(w: compose.Writer) -> None:
        if operation_of(q.text) == "check" and len(chosen) == 1:  # "is the CD template final?"
            draft = bool(drafts)
            final = re.search(r"\b(?:final|finished|finalised|signed off|approved|published|complete)\b", q.text, re.I)
            asked_draft = _DRAFT.search(q.text)
            if final or asked_draft:
                yes = draft if asked_draft else not draft
                w.add(f"{'Yes' if yes else 'No'}: its status is '{chosen[0].status or 'not stated'}'.")
        if operation_of(q.text) in ("count", "which") and re.search(r"\bdrafts?\b", q.text, re.I):
            # "how many of the templates are still drafts?": the number first, then which
            names = ", ".join(p.short_name for p in drafts)
            w.add(f"{len(drafts)} of the {len(chosen)} templates are drafts{': ' + names if drafts else ''}.")
        w.add("About the templates:")
        for p in chosen:
            made = f"published by {p.publisher}" if p.publisher else "publisher not stated"
            w.add(
                f"- **{p.short_name}**: {' '.join(x for x in (p.status, p.date) if x) or 'undated'};"
                f" {made}; {p.developed_with.lower() if p.developed_with else ''}"
                f" {w.cite(p, p.title_source)}".replace(";  [", " [")
            )

    return engine.finish(replace(q, topic="framework"), chosen, write)


NEWEST = re.compile(r"\b(?:most recent|latest|newest|(oldest|earliest))\b", re.IGNORECASE)


def _year(text: str) -> int | None:
    """The year a reference gives: "(2019)", "(2013/14)"; the last one when it gives several."""
    years = re.findall(r"\((\d{4})(?:/\d{2})?\)", text)
    return int(years[-1]) if years else None


def framework(engine: Context, q: Question, vector: Vector, profiles: list[RoleProfile]) -> Answer:
    lowered = q.text.lower()
    if PROVENANCE.search(lowered):
        return provenance(engine, q, profiles)
    # "what national guidance is referenced in the TA template?"
    if re.search(r"\breferenc(?:es?|ed)\b|\bsources?\b|\bbased on\b", lowered) and not re.search(
        r"\bfunction", lowered
    ):
        chosen = profiles or list(engine.kb.profiles)

        newest = NEWEST.search(q.text)

        def write_refs(w: compose.Writer) -> None:
            for p in chosen:
                dated = [(year, ref) for ref in p.references if (year := _year(ref.text)) is not None]
                if newest and dated:  # "which one is the most recent?": by the year each reference gives
                    pick = (max if newest.group(1) is None else min)(dated, key=lambda t: t[0])
                    which = "most recent" if newest.group(1) is None else "oldest"
                    mark = w.cite(p, pick[1].source)
                    w.add(f"The {which} reference in the {p.short_name} template: {pick[1].text} {mark}")
                    continue
                if operation_of(q.text) == "count":  # "how many references ...?": the number first
                    w.add(f"{len(p.references)} references are listed in the {p.short_name} template:")
                    for ref in p.references:
                        w.add(f"- {ref.text} {w.cite(p, ref.source)}")
                    continue
                w.heading(p, "references listed in the template")
                for ref in p.references:
                    w.add(f"- {ref.text} {w.cite(p, ref.source)}")

        return engine.finish(replace(q, topic="framework"), chosen, write_refs)
    return retrieve(
        engine,
        replace(q, topic="framework" if q.topic == "framework" else q.topic),
        vector,
        profiles,
        general_only=not profiles,
    )


def retrieve(
    engine: Context,
    q: Question,
    lazy: Vector,
    profiles: Sequence[RoleProfile],
    kinds: set[str] | None = None,
    preface: str | None = None,
    general_only: bool = False,
    closest: bool = False,
) -> Answer:
    """The passages relevant to the question, in the asked roles' templates (or, when none is, another role's);
    with `closest`, when none is relevant anywhere, the asked role's entries nearest in meaning."""
    given = preface  # a preface the caller chose: an answer it meant, not only the passages nearest the question
    roles: set[str] | None = {p.role for p in profiles} if profiles else None
    if general_only:
        roles = set()
    query = engine.keyword_query(q.text)
    vector = lazy.get()
    hits = engine.index.search(query, vector, roles=roles, k=8, kinds=kinds)
    if general_only and not any(_relevant(h) for h in hits):
        hits = engine.index.search(query, vector, roles=None, k=8, kinds=kinds)
    relevant = _without_containers(_definitions_first(q.text, [h for h in hits if _relevant(h)]))
    if not relevant and roles and operation_of(q.text) != "count":  # no passage counts "how many ... per shift?"
        relevant = _without_containers(_sharing_a_word(engine, q, hits, roles))
    others = {p.role for p in engine.kb.profiles} - roles if roles else set()
    if not relevant and others:
        # "does the EW need to chair meetings?": not in that template, but in another role's
        hits = engine.index.search(query, vector, roles=others, k=8, kinds=kinds)
        relevant = _without_containers([h for h in hits if _relevant(h) and h.passage.role])
        names = " and ".join(p.short_name for p in profiles)
        preface = f"The {names} template doesn't mention that. Another role's template does:"
    if not relevant and closest and roles and (near := _nearest_entries(engine, q, vector, profiles)) is not None:
        return near
    if not relevant and closest and (claimed := _scope_for_claim(engine, q, vector, profiles)) is not None:
        return claimed
    if not relevant:  # nothing found: another reading of the question may find something
        return replace(replies.decline(engine, q, profiles), grounded=False)
    best = max(h.cosine for h in relevant)
    relevant = [h for h in relevant if h.cosine >= best - 0.12 or h.coverage >= RELEVANCE_COVERED[0]][:5]
    by_role = {p.role: p for p in engine.kb.profiles}

    if (
        preface is None
        and operation_of(q.text) == "check"
        and any(h.coverage >= RELEVANCE_COVERED[0] and h.passage.role in {p.role for p in profiles} for h in relevant)
    ):
        preface = "Yes. The template says:"  # a yes/no question whose words the template itself uses
    elif preface and preface.startswith("The ") and operation_of(q.text) == "check":
        preface = "No. " + preface

    placed = [places(engine, h, by_role.get(h.passage.role or "")) for h in relevant]
    cited = {o.role for where in placed for o, _ in where if o}
    if preface is None and operation_of(q.text) == "which" and cited:
        # "which role says a driving licence is desirable?": the roles first
        names = " and ".join(f"**{p.short_name}**" for p in engine.kb.profiles if p.role in cited)
        if len(cited) == len(engine.kb.profiles) > 1:
            names = "**Both**" if len(cited) == 2 else f"**All {len(cited)} roles**"
        preface = f"{names}: {'its template says' if len(cited) == 1 else 'their templates say'}:"

    def write(w: compose.Writer) -> None:
        w.add(preface or "Here is what the role profile templates say:")
        for hit, written in zip(relevant, placed, strict=True):
            p = by_role.get(hit.passage.role or "")
            where = f"{p.short_name}, {hit.passage.section}" if p else hit.passage.section
            markers = " ".join(w.cite(o, s, hit.passage.quote) for o, s in written)
            w.add(f"- {hit.passage.quote} ({where}) {markers}")

    cited_roles = list({o.role: o for where in placed for o, _ in where if o}.values())
    answer = engine.finish(q, cited_roles, write, suggestions=engine.starter_questions())
    # passages of roles' templates: a reading that names what it answers there is preferred to the nearest ones
    # (not when the question's own words are in them: "Yes. The template says:", "Both: ...")
    return replace(answer, nearest=given is None and preface is None and any(h.passage.role for h in relevant))


def places(engine: Context, hit: Hit, p: RoleProfile | None) -> list[tuple[RoleProfile | None, SourceRef]]:
    """Where a retrieved passage is written: its own template, or for framework text shared by
    templates every template it appears in (see `compose.shared_places`), each cited as itself."""
    if p is not None or not hit.passage.id.startswith("general#"):
        return [(p, hit.passage.source)]
    n = int(hit.passage.id.split("#", 1)[1])
    if n >= len(engine.kb.general):
        return [(None, hit.passage.source)]
    return compose.shared_places(engine.kb, engine.kb.general[n])


# A question about a named role's template in words it does not use ("helping people get back on their feet"),
# where no passage is relevant by the thresholds above: the role's entries nearest in meaning, said to be only
# that, when the nearest is close enough. Support is low: any reading that names what it answers, or a decline of
# what no template covers, is preferred. Calibrated on the twenty sets in tests/eval: at 0.45, 3 more pass and
# none fail; at 0.40 two break (a legal question, an entry the fused search finds); at 0.50 only one gains.
NEAREST_FLOOR = 0.45
NEAREST_MARGIN = 0.04


def _scope_for_claim(
    engine: Context, q: Question, vector: np.ndarray | None, profiles: Sequence[RoleProfile]
) -> Answer | None:
    """'Crisis support workers mostly work on the inpatient wards, don't they?': a claim about one named role that
    no passage bears out. What its template says the role involves (its scope, nearest the claim first), with no
    Yes or No: the asker can see what the template says instead."""
    if vector is None or len(profiles) != 1 or not q.text.lower().startswith(CLAIM):
        return None
    if any(pattern.search(q.text) for pattern in replies.UNCOVERED_SUBJECTS):
        return None  # pay, prices and contacts are declined
    p = profiles[0]
    scope = sorted(
        ((float(np.dot(vector, v)), passage) for passage, v in engine.entry_vectors(p.role) if passage.kind == "scope"),
        key=lambda sp: -sp[0],
    )
    if not scope:
        return None

    def write(w: compose.Writer) -> None:
        w.add(f"The {p.short_name} template does not say that in so many words. What it says the role involves:")
        for _, passage in scope[:2]:
            w.add(f"- {passage.quote} {w.cite(p, passage.source)}")

    return replace(engine.finish(q, [p], write), grounded=False, nearest=True)


# "What does the SM do when staff get assaulted?": one entry far nearer in meaning than any other ("Investigate and
# evaluate incidents of violence at work", 0.68 against 0.41) answers it though it shares no word with it
DISTINCT_FLOOR = 0.55
DISTINCT_MARGIN = 0.1


def distinctly_nearest(
    engine: Context, q: Question, vector: np.ndarray | None, profiles: Sequence[RoleProfile]
) -> Answer | None:
    """The entries of one named role's template nearest in meaning to what it is asked to do, when the nearest
    stands clearly above the rest; None otherwise (the caller answers as it would)."""
    if vector is None or len(profiles) != 1:
        return None
    if any(pattern.search(q.text) for pattern in replies.UNCOVERED_SUBJECTS):
        return None
    p = profiles[0]
    scored = sorted(
        ((float(np.dot(vector, v)), passage) for passage, v in engine.entry_vectors(p.role)), key=lambda sp: -sp[0]
    )
    if len(scored) < 2 or scored[0][0] < DISTINCT_FLOOR or scored[0][0] - scored[1][0] < DISTINCT_MARGIN:
        return None
    top = scored[0][0]
    chosen = [passage for cosine, passage in scored if cosine >= max(top - 0.2, NEAREST_FLOOR)][:3]

    def write(w: compose.Writer) -> None:
        w.add(f"The {p.short_name} template does not use those words. The entries nearest in meaning:")
        for passage in chosen:
            w.add(f"- {passage.quote} ({passage.section}) {w.cite(p, passage.source)}")

    return replace(engine.finish(q, [p], write), grounded=False, nearest=True)


def _nearest_entries(
    engine: Context, q: Question, vector: np.ndarray | None, profiles: Sequence[RoleProfile]
) -> Answer | None:
    if vector is None or not 0 < len(profiles) <= 2 or operation_of(q.text) == "count" or not engine.theme_of(q):
        return None
    if any(pattern.search(q.text) for pattern in replies.UNCOVERED_SUBJECTS):
        return None  # "the gender pay gap among service managers" is not near "Plan the workforce of a service"
    # the entries' own words, not the passage text (section, principle and function around a short title)
    scored = sorted(
        ((float(np.dot(vector, v)), passage) for p in profiles for passage, v in engine.entry_vectors(p.role)),
        key=lambda sp: -sp[0],
    )
    if not scored or scored[0][0] < NEAREST_FLOOR:
        return None
    chosen = [passage for cosine, passage in scored if cosine >= scored[0][0] - NEAREST_MARGIN][:3]
    by_role = {p.role: p for p in profiles}
    names = " and ".join(p.short_name for p in profiles)

    def write(w: compose.Writer) -> None:
        w.add(f"Nothing in the {names} template says that in so many words. The entries nearest in meaning:")
        for passage in chosen:
            p = by_role[passage.role or ""]
            w.add(f"- {passage.quote} ({p.short_name}, {passage.section}) {w.cite(p, passage.source)}")

    answer = engine.finish(q, [by_role[passage.role or ""] for passage in chosen], write)
    return replace(answer, grounded=False, nearest=True)
