"""Competence answers (all, by section, by principle, by theme, counts, checks), comparisons and
progression between roles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from knowledge.records import (
    COMPETENCE_SECTIONS,
    Competence,
    CompetenceSection,
    Field,
    RoleProfile,
    SourceRef,
    merge_sources,
)
from knowledge.text import normalise

from .compose import KIND_TITLES, Writer, basic_source, matches_theme, who

COMPACT_OVER = 12  # lists longer than this leave out each competence's function
SECTION_TITLES = {
    "core": "Core competences",
    "role-specific": "Role specific competences",
    "locality-specific": "Locality specific competences",
}
# Staff words for the themes competences are grouped by; each expands to words the titles use.
THEMES: dict[str, tuple[str, ...]] = {
    "risk": ("risk", "risks", "hazard", "danger", "imminent"),
    "safeguarding": ("safeguarding", "abuse", "exploitation"),  # not "protect": Data/Health Protection
    "budget": ("budget", "budgets", "financial", "finance", "money", "contracts", "resources", "commission"),
    "money": ("budget", "budgets", "financial", "finance", "contracts", "resources"),
    "finance": ("budget", "budgets", "financial", "contracts", "resources"),
    "offending": ("offending", "offenders", "offender", "criminal", "custodial", "behaviour"),
    "offender": ("offending", "offenders", "offender", "custodial"),
    "criminal": ("offending", "offenders", "criminal", "custodial"),
    "leadership": ("lead", "leadership", "leader", "direction"),
    "lead": ("lead", "leadership", "leader"),
    "supervision": ("supervision", "supervise", "mentoring"),
    "mentoring": ("mentoring", "supervision", "training"),
    "research": ("research",),
    "confidentiality": ("confidentiality", "confidential"),
    "infection": ("infection", "hygiene"),
    "hygiene": ("hygiene", "infection"),
    "equality": ("equality", "diversity", "rights"),
    "diversity": ("equality", "diversity", "rights"),
    "rights": ("rights",),
    "audit": ("audit", "audits", "quality"),
    "quality": ("quality", "audit", "audits"),
    "meetings": ("meetings", "meeting", "chair"),
    "partnership": ("partnership", "partnerships", "agencies", "collaborative", "collaboratively", "joint"),
    "partners": ("partner", "partners", "partnership", "agencies", "collaborative", "collaboratively", "joint"),
    "multi": ("agencies", "agency", "multidisciplinary", "collaborative", "collaboratively", "joint"),
    "agency": ("agencies", "agency", "multidisciplinary", "collaborative", "collaboratively"),
    "agencies": ("agencies", "agency", "multidisciplinary", "collaborative", "collaboratively"),
    "teamwork": ("team", "teams", "multidisciplinary", "colleagues"),
    "team": ("team", "teams", "multidisciplinary"),
    "communication": ("communicate", "communication", "communications", "advise", "inform", "information"),
    "communicate": ("communicate", "communication", "communications"),
    "records": ("record", "information", "filing", "store"),
    "data": ("data", "information", "filing", "digital", "confidentiality"),
    "record": ("record", "information", "filing", "store"),
    "lone": ("lone", "alone"),
    "alone": ("lone", "alone"),
    "assessment": ("assess", "assessment", "assessments"),
    "assess": ("assess", "assessment", "assessments"),
    "wellbeing": ("wellbeing", "well", "health"),
    "health and safety": ("safety", "safe", "incidents", "hygiene"),
    "safety": ("safety", "safe", "incidents", "hygiene", "safeguarding"),
    "incidents": ("incidents", "incident", "violence"),
    "violence": ("violence", "incidents", "aggressive", "aggression", "breakaway"),
    "aggression": ("aggression", "aggressive", "violence", "breakaway"),
    "aggressive": ("aggression", "aggressive", "violence", "breakaway"),
    # everyday words for the templates' own
    "kids": ("children", "child", "young"),
    "resus": ("resuscitation", "life support"),
    "resuscitation": ("resuscitation", "life support"),
    "suicide": ("suicide", "self-harm"),
    "worse": ("deterioration", "deteriorating"),
    "deteriorating": ("deterioration", "deteriorating"),
    "improvement": ("improvement", "improve", "improving", "innovation"),
    "change": ("change",),
    "projects": ("projects", "project"),
    "project": ("projects", "project"),
    "stakeholders": ("stakeholders", "promote"),
    "boundaries": ("boundaries",),
    "vulnerable": ("vulnerable",),
    "behaviour": ("behaviour", "behavioural", "behavioral"),
    "digital": ("digital", "record", "filing", "technology"),
    "recruitment": ("people", "recruit", "workforce"),
    "hiring": ("recruit", "recruitment", "select", "workforce"),
    "housing": ("housing", "accommodation", "homeless", "homelessness"),
    "homeless": ("homeless", "homelessness", "accommodation", "housing"),
    "teaching": ("teach", "teaching", "education", "educate", "learning"),
    "workforce": ("people", "workforce"),
    "community": ("community", "networks"),
    "reflection": ("reflection", "reflect", "monitor"),
    "development": ("development", "develop", "professional"),
    "services": ("services",),
}


def theme_terms(theme: Sequence[str]) -> list[str]:
    out: list[str] = []
    for word in theme:
        out.extend(THEMES.get(word, (word,)))
    return list(dict.fromkeys(out))


def _text(c: Competence) -> str:
    return f"{c.title} {c.function}"


def select(
    p: RoleProfile,
    sections: Sequence[CompetenceSection],
    principle: str | None,
    theme: Sequence[str],
    any_word: bool = False,
) -> list[Competence]:
    chosen = [c for c in p.competences if not sections or c.section in sections]
    if principle:
        chosen = [c for c in chosen if principle_matches(c.principle, principle)]
    if theme:
        # Every word of the theme must be matched ("mental health" is not every "health" competence),
        # unless the question joins them with "and" or "or" ("budgets and contracts": either will do);
        # each word may be matched by any of its synonyms.
        chosen = [c for c in chosen if names_theme(_text(c), theme, any_word)]
    return chosen


def alternatives(text: str, theme: Sequence[str]) -> bool:
    """Whether the question offers its theme's words as alternatives: 'lone working or working alone',
    'budgets and contracts'; not 'commissioning and managing external contracts' (one activity)."""
    return bool(coordinated(text, theme))


def either_of(text: str, theme: Sequence[str]) -> tuple[list[str], bool]:
    """The theme to match and whether any one of its words will do: 'managing budgets and contracts' is an entry
    on budgets or one on contracts (not every entry that says 'manage')."""
    words = coordinated(text, theme)
    return (words, True) if words else (list(theme), False)


def coordinated(text: str, theme: Sequence[str]) -> list[str]:
    """The words of the theme the question offers as alternatives ('managing budgets and contracts': budgets,
    contracts; the verb they share is no alternative of its own), in the theme's order; [] when it offers none."""
    stems = {t[:5] for t in theme if " " not in t}
    if len(stems) < 2:
        return []
    lowered = text.lower()
    tokens = re.findall(r"[a-z]+", lowered)
    found: set[str] = set()
    for i, token in enumerate(tokens):
        if token == "or":  # a theme word within two words on each side: "lone working or working alone"
            left = {w[:5] for w in tokens[max(0, i - 2) : i]} & stems
            right = {w[:5] for w in tokens[i + 1 : i + 3]} & stems
            if left and right and left != right:
                found |= left | right
    if re.search(r"\b[a-z]+\s*(?:-|–|:)\s*[a-z]+(?:,\s*[a-z]+)+", lowered):
        listed = re.search(r"\b([a-z]+)\s*(?:-|–|:)\s*([a-z]+(?:,\s*[a-z]+)+)", lowered)
        assert listed is not None  # "anything around money - budgets, contracts, that kind of thing": any of them
        named = {w[:5] for w in re.findall(r"[a-z]+", listed.group(0))} & stems
        if len(named) >= 2:
            found |= named
    for m in re.finditer(r"\b[a-z]+(?:,\s*[a-z]+)+,?\s+(?:and|or)\s+[a-z]+\b", lowered):
        named = {w[:5] for w in re.findall(r"[a-z]+", m.group(0))} & stems  # "budgets, contracts and projects"
        if len(named) >= 2:
            found |= named
    for m in re.finditer(r"\b([a-z]+)\s*(?:\band\b|/|&)\s*([a-z]+)\b(?:\s+([a-z]+))?", lowered):
        first, second, after = m.group(1)[:5], m.group(2)[:5], (m.group(3) or "")[:5]
        if first in stems and second in stems and first != second and after not in stems:
            found |= {first, second}
        if first in stems and second not in stems and after in stems and after != first:
            found |= {first, after}  # "audit and quality assurance": audit, or quality assurance
    return [t for t in theme if t[:5] in found or (" " in t and any(w[:5] in found for w in t.split()))]


def names_theme(text: str, theme: Sequence[str], any_word: bool = False) -> bool:
    """Whether `text` names every word of the theme (`any_word`: one of them), each by any of its synonyms."""
    found = (matches_theme(text, theme_terms([t])) for t in theme)
    return any(found) if any_word else all(found)


def principle_key(principle: str) -> str:
    """A principle's name, normalised and without its number."""
    return normalise(re.sub(r"^(?:\d+\.?|[A-Z]\.)\s*", "", principle))


def principle_matches(principle: str, wanted: str) -> bool:
    return principle_key(principle) == wanted


def principle_names(profiles: Sequence[RoleProfile]) -> dict[str, str]:
    """Principle name (normalised, without its number) -> as written."""
    names: dict[str, str] = {}
    for p in profiles:
        for c in p.competences:
            names.setdefault(principle_key(c.principle), c.principle)
    return names


_PRINCIPLE_FILLER = {"and", "of", "the"}


def principle_phrases(names: dict[str, str]) -> dict[str, str]:
    """How a question can name each principle (principle key -> as written, to key -> key): its words without "and"
    ("equality diversity", "health safety security"), and each part of two or more words that no other
    principle shares ("health promotion" for Health Promotion and Protection, "people development")."""
    phrases: dict[str, str] = {}
    shared: set[str] = set()
    for name, written in names.items():
        content = " ".join(w for w in name.split() if w not in _PRINCIPLE_FILLER)
        phrases[content] = name
        for part in re.split(r"\band\b|[/&]", re.sub(r"^(?:\d+\.?|[A-Z]\.)\s*", "", written).lower()):
            part_words = [w for w in normalise(part).split() if w not in _PRINCIPLE_FILLER]
            if len(part_words) >= 2 and (part_words != content.split()):
                key = " ".join(part_words)
                if key in phrases and phrases[key] != name:
                    shared.add(key)
                phrases.setdefault(key, name)
    return {k: v for k, v in phrases.items() if k not in shared and k}


def principle_in(text: str, phrases: dict[str, str]) -> str | None:
    """The principle a question names, by the longest phrase of `principle_phrases` it contains."""
    content = " ".join(w for w in normalise(text).split() if w not in _PRINCIPLE_FILLER)
    found = _phrase_pattern(tuple(phrases)).findall(content)
    return phrases[max(found, key=len)] if found else None


@lru_cache(maxsize=16)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the phrases (compiled once per set of templates), longest first."""
    usable = sorted((p for p in phrases if len(p) > 4), key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, usable))})\b" if usable else r"(?!)")


def principles(w: Writer, p: RoleProfile) -> None:
    """The underpinning principles a template groups its competences by, with how many each holds."""
    w.heading(p, "competences by underpinning principle")
    groups: dict[str, list[Competence]] = {}
    for c in p.competences:  # "3 Health, Safety and Security" and "3. Health, ..." are one principle
        groups.setdefault(principle_key(c.principle), []).append(c)
    for members in groups.values():
        principle = members[0].principle
        first = [c for c in members if c.section == members[0].section and c.principle == principle]
        counts = ", ".join(
            f"{n} {section}" for section in COMPETENCE_SECTIONS if (n := sum(c.section == section for c in members))
        )
        w.add(f"- {principle} ({counts}) {w.cite(p, group_source(first), f'{principle}: {first[0].title}', principle)}")


def group_source(rows: Sequence[Competence]) -> SourceRef:
    return merge_sources([r.source for r in rows])


def listing(
    w: Writer,
    p: RoleProfile,
    chosen: Sequence[Competence],
    sections: Sequence[CompetenceSection],
    count_only: bool = False,
    filtered: bool = False,
) -> None:
    shown = sections or COMPETENCE_SECTIONS
    for section in shown:
        rows = [c for c in chosen if c.section == section]
        title = p.competence_section_titles.get(section)
        if not rows:
            if section == "locality-specific" and title is not None and not p.competences_in(section) and not filtered:
                w.add(
                    f"**{SECTION_TITLES[section]}**: none listed; the template leaves this section for"
                    f" competences added locally {_locality_cite(w, p)}"
                )
                if list(sections) == ["locality-specific"]:  # asked for: what the template says to do
                    for text, source in _locality_text(w, p):
                        w.add(f"> {text} {w.cite(p, source, text)}")
            continue
        heading = f"**{SECTION_TITLES[section]}** ({len(rows)})"
        if title and normalise(title) != normalise(SECTION_TITLES[section]):
            heading += f", headed '{title}' in the template"
        if count_only:
            w.add(f"- {heading.replace('**', '')} {w.cite(p, group_source(rows), rows[0].title)}")
            continue
        w.add(heading)
        groups: dict[str, list[Competence]] = {}
        for c in rows:
            groups.setdefault(c.principle, []).append(c)
        for principle, members in groups.items():
            mark = w.cite(p, group_source(members), f"{principle}: {members[0].title}", principle)
            if len(chosen) > COMPACT_OVER:
                # A long list stays complete, one line an item, under its principle with how many it has
                # (the Teams rendering shows "Show all" for what is past the first screen).
                w.add(f"- *{principle}* ({len(members)})")
                for c in members:
                    w.add(f"  - {c.title} {mark}")
                continue
            w.add(f"- *{principle}*")
            for c in members:
                w.add(f"  - {c.title} ({c.function}) {mark}")


def _locality_text(w: Writer, p: RoleProfile) -> list[tuple[str, SourceRef]]:
    """The template's own words in its locality section (how to add competences locally)."""
    return [
        (g.text, s)
        for g in w.kb.general
        for s in g.sources
        if s.file == p.file and s.section.endswith("Locality Specific Competences")
    ]


def _locality_cite(w: Writer, p: RoleProfile) -> str:
    passage = next(
        (
            g
            for g in w.kb.general
            for s in g.sources
            if s.file == p.file and s.section.endswith("Locality Specific Competences")
        ),
        None,
    )
    if passage is None:
        return ""
    source = next(s for s in passage.sources if s.file == p.file)
    return w.cite(p, source, passage.text)


def competences(
    w: Writer,
    p: RoleProfile,
    sections: Sequence[CompetenceSection],
    principle: str | None,
    theme: Sequence[str],
    count: bool,
    check: bool,
    any_word: bool = False,
) -> bool:
    """Writes the answer; False when a theme matched nothing (the caller may fall back)."""
    chosen = select(p, sections, principle, theme, any_word)
    if theme and not chosen:
        return False
    what = "competences (National Occupational Standards)"
    if theme:
        what = f"competences about {(' or ' if any_word else ' ').join(theme)}"
    elif principle:
        what = f"competences under {principle_names([p]).get(principle, principle)}"
    total = len(chosen)
    w.heading(p, f"{what}: {total} listed")
    if check and theme:
        w.add(f"Yes: the template lists {total} competence{'s' if total != 1 else ''} matching your question.")
    listing(w, p, chosen, sections, count_only=count and not theme and not principle, filtered=bool(theme or principle))
    return True


# -- comparison and progression -------------------------------------------------------------------


def _titles(p: RoleProfile) -> dict[str, Competence]:
    return {normalise(c.title): c for c in p.competences}


def compare(w: Writer, profiles: Sequence[RoleProfile], aspect: str) -> tuple[tuple[str, ...], ...]:
    """Side by side on `aspect` (training, experience, competences, level or overview); returns a table.
    The text says first what differs, then the detail of each difference, then what is the same in both."""
    header = ("", *(who(p) for p in profiles))
    rows: list[tuple[str, ...]] = [header]
    parts: list[tuple[str, bool, Writer]] = []  # (title, differs, its lines)

    def part(title: str, differs: bool) -> Writer:
        section = Writer(w.kb, w.citations)
        parts.append((title, differs, section))
        return section

    if aspect in ("overview", "level"):
        x = part("career framework level", len({p.level for p in profiles}) > 1)
        x.add("**Career framework level**")
        for p in profiles:
            x.add(f"- {p.short_name}: level {p.level} {x.cite(p, basic_source(p, 'level'))}")
        rows.append(("Level", *(str(p.level) for p in profiles)))
    if aspect in ("overview", "experience"):
        x = part("experience required", len({normalise(p.experience.value) for p in profiles}) > 1)
        x.add("**Experience required**")
        for p in profiles:
            mark = x.cite(p, p.experience.source)
            x.add(f"- {p.short_name}: {p.experience.value or 'left blank'} {mark}")
        rows.append(("Experience required", *(p.experience.value or "(blank)" for p in profiles)))
    if aspect in ("overview", "training"):
        statutory = [p.cpd_field("statutory_mandatory") for p in profiles]
        x = part("statutory and mandatory learning", len({_items(f) for f in statutory}) > 1)
        x.add("**Statutory and mandatory learning**")
        for p, f in zip(profiles, statutory, strict=True):
            if f is not None:
                value = "; ".join(i.text for i in f.items) or f.value or "left blank in the template"
                x.add(f"- {p.short_name}: {value} {x.cite(p, f.source)}")
        rows.append(("Statutory and mandatory", *(_items(f) for f in statutory)))
        informal = [p.learning_field("informal") for p in profiles]
        sets = [{normalise(i.text): i.text for i in (f.items if f else ())} for f in informal]
        x = part("informal learning", len({frozenset(s) for s in sets}) > 1)
        x.add("**Informal learning** (indicative)")
        common = set.intersection(*(set(s) for s in sets)) if sets else set()
        related: set[str] = set()
        marks = " ".join(x.cite(p, f.source) for p, f in zip(profiles, informal, strict=True) if f)
        lines: list[str] = []
        if len(profiles) == 2 and all(informal):
            # "PREVENT training or WRAP" and "PREVENT": the same subject in each template's own words
            pairs = similar_items(
                [t for k, t in sets[0].items() if k not in common], [t for k, t in sets[1].items() if k not in common]
            )
            if pairs:
                shown = "; ".join(
                    f"“{a}” ({profiles[0].short_name}) and “{b}” ({profiles[1].short_name})" for a, b in pairs
                )
                lines.append(f"- Similar in both: {shown} {marks}")
                related = {normalise(x) for pair in pairs for x in pair}
        for p, f, items in zip(profiles, informal, sets, strict=True):
            if f is None:
                continue
            only = [text for k, text in items.items() if k not in common and k not in related]
            label = "Only" if len(profiles) > 1 and common else ""
            x.add(
                f"- {label + ' ' if label else ''}{p.short_name}: {'; '.join(only) or 'nothing else'}"
                f" {x.cite(p, f.source)}"
            )
        x.lines.extend(lines)
        if len(profiles) > 1 and common:
            x.add(f"- In both: {'; '.join(sets[0][k] for k in sets[0] if k in common)} {marks}")
        rows.append(("Informal learning", *(_items(f) for f in informal)))
        for key, title in (("frequency", "CPD frequency"), ("funding", "CPD funding")):
            values = [p.cpd_field(key) for p in profiles]
            if all(v is not None for v in values):
                found = [v for v in values if v is not None]
                differs = len({normalise(f.value) for f in found}) > 1
                x = part(title, differs)
                x.add(f"**{title}**")
                if not differs:  # the same words in every template: said once, cited to each
                    marks = " ".join(x.cite(p, f.source) for p, f in zip(profiles, found, strict=True))
                    x.add(f"- The same in both: {found[0].value or 'left blank'} {marks}")
                    continue
                for p, f in zip(profiles, found, strict=True):
                    x.add(f"- {p.short_name}: {f.value or 'left blank'} {x.cite(p, f.source)}")
    if aspect in ("overview", "competences"):
        x = part("competences", True)
        x.add("**Competences** (National Occupational Standards)")
        for p in profiles:
            counts = ", ".join(f"{len(p.competences_in(s))} {s}" for s in COMPETENCE_SECTIONS)
            first = p.competences[0] if p.competences else None
            mark = x.cite(p, group_source(p.competences_in(first.section)), first.title) if first else ""
            x.add(f"- {p.short_name}: {counts} {mark}")
        rows.append(("Competences", *(str(len(p.competences)) for p in profiles)))
        if len(profiles) == 2:
            a, b = (_titles(p) for p in profiles)
            shared = [a[k] for k in a if k in b]
            if shared:
                # Complete, and cited to both templates: each lists every one of these titles.
                marks = " ".join(
                    x.cite(p, group_source([_titles(p)[normalise(c.title)] for c in shared]), shared[0].title)
                    for p in profiles
                )
                x.add(f"- In both ({len(shared)}) {marks}")
                for c in shared:
                    x.add(f"  - {c.title}")
            rows.append(("Competences in both", str(len(shared)), str(len(shared))))
    if aspect == "scope":
        for p in profiles:
            x = part(f"scope of the {p.short_name}", True)
            x.add(f"**{p.short_name}**")
            for para in p.scope:
                x.add(f"- {para.text} {x.cite(p, para.source)}")
    names = " and ".join(f"**{who(p)}**" for p in profiles)
    differ = [title for title, differs, _ in parts if differs and not title.startswith("scope")]
    alike = [title for title, differs, _ in parts if not differs]
    if aspect == "scope":
        w.add(f"The scope of the {names}, in each template's words:")
    elif differ:
        w.add(f"{names} differ in {', '.join(differ)}" + (f"; the same in both: {', '.join(alike)}." if alike else "."))
    else:
        w.add(f"{names}: the same in both ({', '.join(alike)}).")
    same: list[str] = []
    for _, differs, section in sorted(parts, key=lambda t: not t[1]):
        if not differs and section.lines[-1].startswith("- The same in both: "):  # one line under one heading
            same.append(f"- {section.lines[0].strip('*')}: {section.lines[-1].removeprefix('- The same in both: ')}")
            continue
        w.add()
        w.lines.extend(section.lines)
    if same:
        w.add()
        w.add("**The same in both**")
        w.lines.extend(same)
    return tuple(rows)


def similar_items(left: Sequence[str], right: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of entries that name the same subject in different words: one's words all in the other's
    ("PREVENT" / "PREVENT training or WRAP"), or most words shared ("Equality and Diversity" /
    "Equality, Diversity and Inclusion"). Each entry is paired once."""
    stop = {"and", "or", "of", "the", "in", "for", "to", "training", "e", "g"}
    pairs: list[tuple[str, str]] = []
    used: set[str] = set()
    for a in left:
        wa = set(normalise(a).split()) - stop
        best: tuple[float, str] | None = None
        for b in right:
            wb = set(normalise(b).split()) - stop
            if b in used or not wa or not wb:
                continue
            shared = len(wa & wb) / min(len(wa), len(wb))
            if shared >= 1.0 or (shared >= 0.5 and len(wa & wb) >= 2):
                score = len(wa & wb) / len(wa | wb)
                if best is None or score > best[0]:
                    best = (score, b)
        if best:
            pairs.append((a, best[1]))
            used.add(best[1])
    return pairs


def _items(f: Field | None) -> str:
    if f is None:
        return ""
    return "; ".join(i.text for i in f.items) or f.value or "(blank)"


def progression(w: Writer, source: RoleProfile, target: RoleProfile) -> None:
    w.add(f"Moving from **{who(source)}** to **{who(target)}**, the {target.short_name} profile asks for:")
    w.add()
    w.add(f"**Experience required for {target.short_name}**")
    for item in target.experience_items:
        w.add(f"- {KIND_TITLES[item.kind]}: {item.text} {w.cite(target, target.experience.source)}")
    if source.experience_items:  # what the step is from: the asker's own role, as its template has it
        asked_now = " ".join(item.text for item in source.experience_items)
        mark = w.cite(source, source.experience.source)
        w.add(f"- For comparison, the {source.short_name} profile asks for: {asked_now} {mark}")
    have = _titles(source)
    new = [c for c in target.competences if normalise(c.title) not in have]
    kept = len(target.competences) - len(new)
    w.add()
    w.add(
        f"**Competences the {target.short_name} profile lists that the {source.short_name} profile does not**"
        f" ({len(new)} of {len(target.competences)}; {kept} are in both)"
    )
    groups: dict[tuple[str, str], list[Competence]] = {}
    for c in new:
        groups.setdefault((c.section, c.principle), []).append(c)
    for (section, principle), members in groups.items():
        mark = w.cite(target, group_source(members), members[0].title, principle)
        w.add(f"- *{principle}* ({section}): " + "; ".join(c.title for c in members) + f" {mark}")
    had = source.learning_field("informal")
    before = {normalise(i.text) for i in (had.items if had else ())}
    informal = target.learning_field("informal")
    if informal:
        extra = [i.text for i in informal.items if normalise(i.text) not in before]
        if extra:
            w.add()
            w.add(f"**Informal learning listed for {target.short_name} only**")
            w.add(f"- {'; '.join(extra)} {w.cite(target, informal.source)}")
