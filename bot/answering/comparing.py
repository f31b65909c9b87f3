"""Comparing roles on what a question names: the same list or field in each template, item by item.

"Are the core competences the same for both roles?", "is the CPD section different between the two
templates?", "do both roles have something about meetings?", "how do the level descriptors differ?".
The aspect compared is found from the template's own structure (its sections, fields and their
labels), never from a role's name; a yes/no comparison answers Yes or No first.

    >>> aspects = aspects_of("do both templates use the same references?", [], None, [])
    >>> [a.title for a in aspects]
    ['References']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from knowledge.records import CompetenceSection, Field, RoleProfile, SourceRef, merge_sources
from knowledge.text import normalise

from .competences import SECTION_TITLES, names_theme, select, similar_items
from .compose import KIND_TITLES, Writer, qualifier, short_label, who


@dataclass(frozen=True)
class Entry:
    """One thing a template lists or says, with where it says it."""

    text: str
    source: SourceRef
    where: str = ""  # the part of the template it is in (a competence's section), for counts by section


@dataclass(frozen=True)
class Aspect:
    """What is compared: a list (compared item by item) or a text (shown side by side)."""

    title: str
    entries: Callable[[RoleProfile], list[Entry]]
    is_list: bool = True
    # where a template would say it (its field), cited when it says nothing there
    place: Callable[[RoleProfile], SourceRef | None] = lambda p: None


# Words in a field's label that name no particular field.
_LABEL_NOISE = {"required", "learning", "role", "with", "including", "used", "particular", "relevance", "leading"}


def _field_entries(f: Field | None) -> list[Entry]:
    if f is None:
        return []
    if f.items:
        return [Entry(i.text, f.source) for i in f.items]
    return [Entry(f.value, f.source)] if f.value else []


def _field_aspect(key: str, title: str, group: str, is_list: bool = False) -> Aspect:
    """A field by its key in one part of the template ("cpd" or "learning")."""

    def find(p: RoleProfile) -> Field | None:
        return next((f for f in (p.cpd if group == "cpd" else p.learning) if f.key == key), None)

    def place(p: RoleProfile) -> SourceRef | None:
        f = find(p)
        return f.source if f else None

    return Aspect(title, lambda p: _field_entries(find(p)), is_list, place)


def _competence_aspect(
    sections: Sequence[CompetenceSection], principle: str | None, theme: Sequence[str], profiles: Sequence[RoleProfile]
) -> Aspect:
    named = " and ".join(SECTION_TITLES[s].lower() for s in sections) or "competences"
    title = named[0].upper() + named[1:]
    if theme:
        title += f" about {' and '.join(theme)}"
    if principle:
        title += f" under {principle}"

    def entries(p: RoleProfile) -> list[Entry]:
        return [
            Entry(c.title, c.source, SECTION_TITLES[c.section].removesuffix(" competences").lower())
            for c in select(p, sections, principle, theme)
        ]

    def place(p: RoleProfile) -> SourceRef | None:  # the competences searched
        rows = [c for c in p.competences if not sections or c.section in sections]
        return merge_sources([c.source for c in rows]) if rows else None

    return Aspect(title, entries, place=place)


def _training_entries(p: RoleProfile) -> list[Entry]:
    return [
        e
        for f in (p.cpd_field("statutory_mandatory"), p.learning_field("informal"))
        if f is not None and f.items
        for e in _field_entries(f)
    ]


def _themed_learning(theme: Sequence[str]) -> Aspect:
    def entries(p: RoleProfile) -> list[Entry]:
        listed = [e for f in (*p.learning, *p.cpd) if f.items for e in _field_entries(f)]
        return [e for e in listed if names_theme(e.text, theme)]

    def place(p: RoleProfile) -> SourceRef | None:  # the list searched: the informal learning
        f = p.learning_field("informal")
        return f.source if f else None

    return Aspect(f"Training and learning about {' and '.join(theme)}", entries, place=place)


def aspects_of(
    text: str,
    sections: Sequence[CompetenceSection],
    principle: str | None,
    theme: Sequence[str],
    profiles: Sequence[RoleProfile] = (),
) -> list[Aspect]:
    """The lists and fields of the templates a comparison question names (empty: none in particular)."""
    lowered = text.lower()
    out: list[Aspect] = []
    if re.search(
        r"\bdescriptors?\b|\blevels? \d+ and (?:level )?\d+\b|\blevels? mean\b|\bresponsibilit"
        r"|\blevel (?:definition|description)s?\b|\bdefinitions? of (?:the |their |each )?levels?\b"
        r"|\b(?:more|most|less|how) senior\b|\bseniority\b|\bhigher level\b",
        lowered,
    ):
        out.append(
            Aspect(
                "Career framework level and its descriptor",
                lambda p: [Entry(f"Level {p.level}: {x.text}", x.source) for x in p.level_descriptor],
                False,
            )
        )
    if re.search(r"\breferences?\b|\breading\b", lowered):
        out.append(Aspect("References", lambda p: [Entry(r.text, r.source) for r in p.references]))
    cpd = re.search(r"\bcpd\b|continuing professional", lowered)
    named_cpd = [f for f in _labelled_fields(lowered, profiles) if any(f.key == g.key for p in profiles for g in p.cpd)]
    if cpd and named_cpd:  # "is CPD funding the same?": that field
        keys = dict.fromkeys((f.key, short_label(f.label)) for f in named_cpd)
        out.extend(_field_aspect(k, f"CPD: {label}", "cpd") for k, label in keys)
    elif cpd:  # every field of the CPD part, in the first template's order
        keys = dict.fromkeys((f.key, short_label(f.label)) for p in profiles for f in p.cpd)
        out.extend(_field_aspect(k, f"CPD: {label}", "cpd", k == "statutory_mandatory") for k, label in keys)
    elif re.search(r"\bstatutory\b|\bmandatory\b", lowered):
        out.append(_field_aspect("statutory_mandatory", "Statutory and mandatory learning", "cpd", True))
    if re.search(r"\bexperience\b|\bqualifications?\b|\bdbs\b|\bvetting\b|\bclearance\b", lowered):
        kinds = _experience_kinds(lowered)

        def experience(p: RoleProfile) -> list[Entry]:
            return [
                Entry(f"{KIND_TITLES[i.kind]}: {i.text}", i.source)
                for i in p.experience_items
                if not kinds or i.kind in kinds
            ]

        out.append(Aspect("Experience required", experience))
    if re.search(r"\bformal (?:qualification|endorsed|learning)s?\b", lowered):
        # "CP vs ACP - level and formal qualification for each?": the formal endorsed learning, part by part
        out.append(_field_aspect("formal_endorsed", "Formal endorsed learning (indicative)", "learning"))
    if re.search(r"\bregist(?:er|ered|ration)\b|\b(?:nmc|hcpc|gmc)\b|\bprofessional bod", lowered):
        # "the CP and the ACP - who do they register with?": the registration row
        out.append(_field_aspect("registration", "Leading to registration or membership", "learning"))
    if re.search(r"\bscope\b|\bwhat (?:the|each) roles? (?:is|are) for\b", lowered):
        out.append(Aspect("Scope of the role", lambda p: [Entry(x.text, x.source) for x in p.scope], False))
    for f in _labelled_fields(lowered, profiles):
        if not any(a.title.lower().endswith(short_label(f.label).lower()) for a in out):
            group = "cpd" if any(f is g for p in profiles for g in p.cpd) else "learning"
            out.append(_field_aspect(f.key, short_label(f.label), group, len(f.items) > 1))
    competence_words = re.search(r"\bcompeten|\bnos\b|\bstandards\b", lowered)
    training_words = re.search(r"\btraining\b|\blearning\b|\bcourses?\b", lowered) and not cpd
    if competence_words or sections or (principle and not training_words):  # "the E&D training": training
        out.append(_competence_aspect(sections, principle, theme, profiles))
    if training_words and not theme and not any(a.title.startswith("Statutory") for a in out):
        if re.search(r"\binformal\b", lowered):
            out.append(_field_aspect("informal", "Informal learning (indicative)", "learning", True))
        else:  # "training": what each template lists to learn, statutory and mandatory or informal
            out.append(Aspect("Training (statutory and mandatory, and informal learning)", _training_entries))
    if theme and training_words and not competence_words:  # "is the E&D training the same?": the training
        out.append(_themed_learning(theme))
    elif theme and not competence_words and not sections and not principle and not out:
        out.append(_competence_aspect((), None, theme, profiles))
        out.append(_themed_learning(theme))
    return out


def _experience_kinds(lowered: str) -> set[str]:
    kinds = set()
    if re.search(r"\bdbs\b|\bvetting\b|\bclearance\b", lowered):
        kinds.add("vetting")
    if re.search(r"\bqualifications?\b", lowered):
        kinds.add("qualification")
    return kinds


# Fields a question may name by their label alone; the others have topics of their own (experience,
# level, training lists), answered by their own composers.
LABELLED = ("role", "area_of_work", "credits", "accreditation", "apel", "registration")


def labelled_fields(lowered: str, profiles: Sequence[RoleProfile]) -> list[Field]:
    """The fields among LABELLED whose label's own words the question uses ("APEL and progression",
    "named role and area of work"), in the first template's order."""
    return [f for f in _labelled_fields(lowered, profiles, (*profiles[:1],)) if f.key in LABELLED]


def _labelled_fields(lowered: str, profiles: Sequence[RoleProfile], basic: Sequence[RoleProfile] = ()) -> list[Field]:
    """Fields whose label's own words the question uses ("APEL and progression", "funding")."""
    asked = {w[:6] for w in re.findall(r"[a-z]+", lowered)}
    if re.search(r"\b(?:service|clinical|which|what) area\b|\barea (?:is|are) (?:it|they|each|the)\b", lowered):
        asked |= {"area", "work"}  # "which service area is each in?": the Area of Work row
    seen: dict[str, Field] = {}
    for p in profiles:
        for f in (*(p.basic_information if p in basic else ()), *p.learning, *p.cpd):
            label = {w[:6] for w in re.findall(r"[a-z]+", short_label(f.label).lower()) if len(w) >= 4} - {
                w[:6] for w in _LABEL_NOISE
            }
            if f.key in ("informal", "statutory_mandatory") or not label:
                continue
            if label <= asked:
                seen.setdefault(f.key, f)
    return list(seen.values())


# -- writing ------------------------------------------------------------------------------------------

_SAME = re.compile(r"\bsame\b|\bidentical\b|\balike\b|\bmatch\b", re.I)
_DIFFERENT = re.compile(r"\bdiffer|\bdifferences?\b|\bdistinct\b", re.I)
_COUNTING = re.compile(r"\bnumbers? of\b|\bhow many\b|\bcounts?\b", re.I)
_BOTH = re.compile(r"\bboth\b|\beach\b|\ball\b|\beither\b", re.I)
# "do they share ...?", "anything in common?", "the same competence for allocating work?" (one entry both have,
# not whether everything they list on it is the same)
_SHARE = re.compile(
    r"\bshare[ds]?\b|\bin common\b|\b(?:the )?same (?:competence|nos|entry|course|item|requirement|qualification"
    r"|standard|one)s? (?:for|about|on|covering|around|to do with)\b",
    re.I,
)


LONG_LIST = 6  # a side's entries over this many are shown one a line, not run together


@dataclass
class Outcome:
    """What the comparison found: whether the roles differ (`reworded`: only in wording), and which
    roles list anything on it."""

    differ: bool = False
    reworded: bool = False
    having: set[str] = field(default_factory=set)
    shared: list[str] = field(default_factory=list)  # entries every role lists, in the same words


def compare_aspects(
    w: Writer,
    profiles: Sequence[RoleProfile],
    aspects: Sequence[Aspect],
    question: str,
    check: bool,
    lacking: RoleProfile | None = None,
) -> tuple[tuple[str, ...], ...]:
    """Write the comparison, the direct answer first; returns a table (header row first)."""
    table: list[tuple[str, ...]] = [("", *(who(p) for p in profiles))]
    outcome = Outcome()
    differing, alike = Writer(w.kb, w.citations), Writer(w.kb, w.citations)
    titles: dict[bool, list[str]] = {True: [], False: []}
    for aspect in aspects:
        per = [aspect.entries(p) for p in profiles]
        if not any(per):
            continue
        differed, outcome.differ = outcome.differ, False
        body = Writer(w.kb, w.citations)
        body.add()
        body.add(f"**{aspect.title}**")
        if aspect.is_list and _COUNTING.search(question):
            _count_lists(body, profiles, per, outcome, aspect)
        elif aspect.is_list:
            _compare_lists(body, profiles, per, outcome, lacking, aspect)
        else:
            _compare_texts(body, profiles, per, outcome, aspect)
        table.append((aspect.title, *("; ".join(e.text for e in entries) or "(none)" for entries in per)))
        outcome.having |= {p.role for p, entries in zip(profiles, per, strict=True) if entries}
        # The differences first, what is the same in both after them, one line each.
        same_text = not outcome.differ and not aspect.is_list and body.lines[-1].startswith("- The same in both: ")
        if same_text:
            alike.add(f"- {aspect.title}: {body.lines[-1].removeprefix('- The same in both: ')}")
        else:
            (differing if outcome.differ else alike).lines.extend(body.lines)
        titles[outcome.differ].append(aspect.title.lower())
        outcome.differ = differed or outcome.differ
    names = " and ".join(f"**{who(p)}**" for p in profiles)
    if len(table) == 1:
        w.add(f"Neither template lists anything on that: compared {names}.")
        for p in profiles:
            w.add(f"- {p.short_name}: nothing found {w.cite(p, p.title_source)}")
        return tuple(table)
    same = "Yes, they are the same in both templates."
    if outcome.reworded and not outcome.differ:
        same = "Yes, the same subjects, but worded differently in each template (both wordings below)."
    all_have = len(outcome.having) == len(profiles)
    if check and _SHARE.search(question) and outcome.shared:
        # "do the TL and the SCSW share the competence about allocating work?": yes, when one is in both
        listed = "; ".join(f"“{t}”" for t in outcome.shared)
        w.add(f"Yes: {'both' if len(profiles) == 2 else 'all of them'} list {listed}.")
    elif check and _SAME.search(question):
        w.add("No, they differ." if outcome.differ else same)
    elif check and _DIFFERENT.search(question):
        w.add("Yes, they differ." if outcome.differ else f"No: {same[5:]}")
    elif check and _BOTH.search(question):
        # "Yes, both templates list it, where appropriate.": the limit the templates put on the one entry each
        single = [cell for row in table[1:] for cell in row[1:]] if len(table) == 2 else []
        but = qualifier(single, []) if single and all(";" not in cell for cell in single) else ""
        w.add(f"Yes, both templates list it{but}." if all_have else "No, not both.")
    elif lacking is not None:
        having = " and ".join(f"**{p.short_name}**" for p in profiles if p.role != lacking.role)
        w.add(f"Listed for the {having} and not for the **{lacking.short_name}**:")
    elif titles[True]:
        alike_too = f"; the same in both: {', '.join(titles[False])}" if titles[False] else ""
        w.add(f"{names} differ in {', '.join(titles[True])}{alike_too}.")
    else:
        w.add(f"{names}: the same in both ({', '.join(titles[False])}).")
    if alike.lines and differing.lines:
        alike.lines.insert(0, "\n**The same in both**")
    w.lines.extend(differing.lines + alike.lines)
    return tuple(table)


def _compare_lists(
    w: Writer,
    profiles: Sequence[RoleProfile],
    per: list[list[Entry]],
    outcome: Outcome,
    lacking: RoleProfile | None,
    aspect: Aspect,
) -> None:
    keyed = [{normalise(e.text): e for e in entries} for entries in per]
    common = set.intersection(*(set(k) for k in keyed)) if keyed else set()
    outcome.shared += [keyed[0][k].text for k in keyed[0] if k in common]
    related: set[str] = set()

    def marks() -> str:  # cited only when a line shows both sides; the abstract can quote any of the entries
        return " ".join(
            w.cite(p, _span(entries), " … ".join(e.text for e in entries))
            for p, entries in zip(profiles, per, strict=True)
            if entries
        )

    if len(profiles) == 2:
        left = [e.text for k, e in keyed[0].items() if k not in common]
        right = [e.text for k, e in keyed[1].items() if k not in common]
        pairs = [(a, b) for a, b in similar_items(left, right) if _close(a, b)]
        if pairs:
            first, second = profiles[0].short_name, profiles[1].short_name
            shown = "; ".join(f"“{a}” ({first}) and “{b}” ({second})" for a, b in pairs)
            w.add(f"- Similar in both, worded differently: {shown} {marks()}")
            outcome.reworded = True
            # "Safeguarding" and "Safeguarding (Level 3)": a level one names and the other does not differs
            if any(set(re.findall(r"\d+", a)) != set(re.findall(r"\d+", b)) for a, b in pairs):
                outcome.differ = True
            related = {normalise(x) for pair in pairs for x in pair}
    everything = [{normalise(c.title): c for c in p.competences} for p in profiles]
    for i, (p, entries) in enumerate(zip(profiles, per, strict=True)):
        only = [e for k, e in keyed[i].items() if k not in common and k not in related]
        if only:
            outcome.differ = True
        if lacking is not None and p.role == lacking.role:  # cited: what it lists is what is compared
            mark = w.cite(p, _span(entries), entries[0].text) if entries else _cite_place(w, p, aspect)
            w.add(f"- {p.short_name} lists {len(entries)}, none of these {mark}")
            continue
        if not entries:
            w.add(f"- {p.short_name}: none listed {_cite_place(w, p, aspect)}")
            continue
        if not only:
            continue
        named: list[str] = []
        for e in only:
            elsewhere = [
                other.short_name
                for j, other in enumerate(profiles)
                if j != i and normalise(e.text) in everything[j] and normalise(e.text) not in keyed[j]
            ]
            named.append(f"{e.text} (the {' and '.join(elsewhere)} lists it elsewhere)" if elsewhere else e.text)
        mark = w.cite(p, _span(only), only[0].text)
        if len(named) > LONG_LIST:  # one line an item, under the count
            w.add(f"- Only {p.short_name} ({len(only)}) {mark}")
            w.lines.extend(f"  - {x}" for x in named)
        else:
            w.add(f"- Only {p.short_name} ({len(only)}): {'; '.join(named)} {mark}")
    if len(profiles) > 1 and common and lacking is None:  # the differences first
        both = [e.text for k, e in keyed[0].items() if k in common]
        if len(both) > LONG_LIST:
            w.add(f"- In both ({len(common)}) {marks()}")
            w.lines.extend(f"  - {x}" for x in both)
        else:
            w.add(f"- In both ({len(common)}): {'; '.join(both)} {marks()}")


def _count_lists(
    w: Writer, profiles: Sequence[RoleProfile], per: list[list[Entry]], outcome: Outcome, aspect: Aspect
) -> None:
    """How many each lists, by the part of the template they are in when there are several."""
    if len({len(entries) for entries in per}) > 1:
        outcome.differ = True
    for p, entries in zip(profiles, per, strict=True):
        parts: dict[str, int] = {}
        for e in entries:
            parts[e.where] = parts.get(e.where, 0) + 1
        detail = f" ({', '.join(f'{n} {where}' for where, n in parts.items())})" if len(parts) > 1 else ""
        mark = w.cite(p, _span(entries), entries[0].text) if entries else _cite_place(w, p, aspect)
        w.add(f"- {p.short_name}: {len(entries)}{detail} {mark}")


def _compare_texts(
    w: Writer, profiles: Sequence[RoleProfile], per: list[list[Entry]], outcome: Outcome, aspect: Aspect
) -> None:
    texts = [" ".join(e.text for e in entries) for entries in per]
    if len({normalise(t) for t in texts}) == 1:
        marks = " ".join(w.cite(p, _span(entries), entries[0].text) for p, entries in zip(profiles, per, strict=True))
        w.add(f"- The same in both: {texts[0]} {marks}")
        return
    outcome.differ = True
    for p, entries, text in zip(profiles, per, texts, strict=True):
        if entries:
            w.add(f"- {p.short_name}: {text} {w.cite(p, _span(entries), entries[0].text)}")
        else:
            w.add(f"- {p.short_name}: left blank or not stated {_cite_place(w, p, aspect)}")


def _cite_place(w: Writer, p: RoleProfile, aspect: Aspect) -> str:
    """For "none listed": the field the template leaves empty, else the template itself."""
    return w.cite(p, aspect.place(p) or p.title_source)


def _close(a: str, b: str) -> bool:
    """The same subject in other words: one's words all in the other's, or most words shared."""
    wa, wb = (set(normalise(x).split()) - {"and", "or", "of", "the", "to", "training"} for x in (a, b))
    return bool(wa and wb) and (wa <= wb or wb <= wa or len(wa & wb) / len(wa | wb) >= 0.6)


def _span(entries: Sequence[Entry]) -> SourceRef:
    return merge_sources([e.source for e in entries])
