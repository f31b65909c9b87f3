"""Answers to questions about a known field, composed from the records in the template's words.

Every line that states a fact ends with the `[n]` marker of the place it came from. Lists are
complete and grouped as the template groups them; blank fields are said to be blank.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from knowledge.records import Field, GeneralPassage, KnowledgeBase, RoleProfile, SourceRef
from knowledge.text import normalise

from .answer import Citations

SHARED_CITED = 3  # framework text shared by templates: cite it in this many of them
FIELD_TITLES = {
    "statutory_mandatory": "Statutory and mandatory learning",
    "informal": "Informal learning",
    "formal_endorsed": "Formal endorsed learning",
    "impact_method": "Method of capturing impact",
    "funding": "Funding required",
    "frequency": "Frequency required",
}
KIND_TITLES = {
    "qualification": "Qualification",
    "experience": "Experience",
    "vetting": "Vetting",
    "other": "Other",
}


def who(p: RoleProfile) -> str:
    return f"{p.short_name} (level {p.level})"


def template_name(p: RoleProfile) -> str:
    return f"{p.short_name} template"


class Writer:
    """Collects markdown lines and cites sources as it goes."""

    def __init__(self, kb: KnowledgeBase, citations: Citations | None = None, asked: Iterable[str] = ()) -> None:
        self.kb = kb
        self.citations = citations if citations is not None else Citations()
        self.lines: list[str] = []
        self.asked = frozenset(asked)  # the roles the question names: shared text is cited from their copies first

    def cite(self, p: RoleProfile | None, source: SourceRef, quote: str | None = None, group: str | None = None) -> str:
        """The marker for `source`; `group` (a field or principle) narrows the cited section."""
        name = template_name(p) if p else "Role profile templates"
        return self.citations.cite(source, p.role if p else None, name, quote, group)

    def cite_shared(self, passage: GeneralPassage) -> str:
        """Markers for framework text shared by templates: each template it is in (see `shared_places`)."""
        return " ".join(self.cite(p, s, passage.text) for p, s in shared_places(self.kb, passage, self.asked))

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def heading(self, p: RoleProfile, what: str) -> None:
        if self.lines:
            self.add()
        self.add(f"**{p.short_name}** (career framework level {p.level}): {what}")

    def text(self) -> str:
        return "\n".join(self.lines).strip()

    # -- fields -----------------------------------------------------------------------------

    def field(self, p: RoleProfile, f: Field, title: str | None = None, highlight: Iterable[str] = ()) -> None:
        title = title or short_label(f.label)
        label = title
        if f.parts:
            named = ", ".join(part.label.lower() for part in f.parts)
            if f.is_blank:
                self.add(
                    f"- **{title}** ({named}): the template leaves this blank {self.cite(p, f.source, group=label)}"
                )
            else:
                self.add(f"- **{title}**:")
                for part in f.parts:
                    value = part.value or "left blank"
                    self.add(f"  - {part.label}: {value} {self.cite(p, part.source, group=label)}")
            return
        if f.is_blank:
            self.add(f"- **{title}**: the template leaves this blank {self.cite(p, f.source, group=label)}")
        elif f.items and len(f.items) > 1:
            self.add(f"- **{title}** ({len(f.items)} items):")
            marks = set(highlight)
            for item in f.items:
                star = " (matches your question)" if item.text in marks else ""
                self.add(f"  - {item.text}{star} {self.cite(p, item.source, f'{f.label}: {f.value}', label)}")
        else:
            self.add(f"- **{title}**: {f.value} {self.cite(p, f.source, group=label)}")


def shared_places(
    kb: KnowledgeBase, passage: GeneralPassage, asked: Collection[str] = ()
) -> list[tuple[RoleProfile | None, SourceRef]]:
    """Where framework text shared by templates is written: each template it appears in (up to
    SHARED_CITED), with the profile of that template; those of the roles `asked` about first."""
    by_file = {p.file: p for p in kb.profiles}
    places = [(by_file.get(s.file), s) for s in passage.sources]
    places.sort(key=lambda place: place[0] is None or place[0].role not in asked)
    return places[:SHARED_CITED]


def basic_source(p: RoleProfile, key: str) -> SourceRef:
    """Where a Basic Information field ("level", "role") is written; the title page when it is missing."""
    return next((f.source for f in p.basic_information if f.key == key), p.title_source)


def short_label(label: str) -> str:
    """A field's label without its parenthesised notes or trailing colon ('Frequency required')."""
    return re.sub(r"\s*\(.*?\)\s*|:$", "", label).strip() or label


# -- yes/no ----------------------------------------------------------------------------------------

# Words of a template that limit what it asks: a yes/no keeps them ("Yes, where appropriate.").
QUALIFIERS = ("where appropriate", "or equivalent experience", "or equivalent", "where required", "if required")


def qualifier(texts: list[str], theme: list[str]) -> str:
    """The limit the template puts on what answers the question, said after "Yes": ", where
    appropriate", or ", as an example" when what was asked is only named after an "e.g."."""
    for text in texts:
        lowered = text.lower()
        found = next((q for q in QUALIFIERS if q in lowered), None)
        if found:
            return f", {found}"
        before, eg, after = lowered.partition("e.g.")
        if eg and theme and any(t in after for t in theme) and not any(t in before for t in theme):
            return ", as an example (the template names it after “e.g.”)"
    return ""


# -- training -------------------------------------------------------------------------------------

TRAINING_GROUPS = {
    "statutory_mandatory": (("cpd", "statutory_mandatory"),),
    "informal": (("learning", "informal"),),
    "formal_endorsed": (
        ("learning", "formal_endorsed"),
        ("cpd", "formal_endorsed"),
        ("learning", "credits"),
        ("learning", "accreditation"),
        ("learning", "apel"),
        ("learning", "registration"),
    ),
    "frequency": (("cpd", "frequency"),),
    "funding": (("cpd", "funding"),),
    "impact_method": (("cpd", "impact_method"),),
    "cpd": (
        ("cpd", "statutory_mandatory"),
        ("cpd", "formal_endorsed"),
        ("cpd", "informal"),
        ("cpd", "impact_method"),
        ("cpd", "funding"),
        ("cpd", "frequency"),
    ),
}
TRAINING_ALL = (
    ("cpd", "statutory_mandatory"),
    ("learning", "informal"),
    ("learning", "formal_endorsed"),
    ("cpd", "impact_method"),
    ("cpd", "frequency"),
    ("cpd", "funding"),
)


# Questions about one CPD field ("how often?", "who pays?") are answered with that field alone.
SPECIFIC_FIELDS = ("frequency", "funding", "impact_method")


def training(
    w: Writer, p: RoleProfile, subtopics: tuple[str, ...], theme: list[str], matches_only: bool = False
) -> None:
    """The role's training; with `matches_only` ("which role needs X?") only the entries that match."""
    wanted: list[tuple[str, str]] = []
    specific = [sub for sub in subtopics if sub in SPECIFIC_FIELDS]
    if specific and not ("cpd" in subtopics and len(specific) >= 2):
        # "does it say how often?": that field ("the CPD section: how it's captured, funded and how often?": all
        # of the section, most of which is asked)
        subtopics = tuple(specific)
        theme = []
    for sub in subtopics:
        for pair in TRAINING_GROUPS.get(sub, ()):
            if pair not in wanted:
                wanted.append(pair)
    if not wanted or (subtopics == ("informal",)):
        wanted = wanted + [pair for pair in TRAINING_ALL if pair not in wanted]
    w.heading(p, "training and development in the role profile")
    matches = matching_items(p, theme)
    if theme and matches:
        w.add("Listed in the template:")
        for f, item in matches:
            under = "" if item.startswith(short_label(f.label)) else f" (under {short_label(f.label)})"
            w.add(f"- {item}{under} {w.cite(p, f.source, f'{f.label}: {f.value}', short_label(f.label))}")
        if matches_only:
            return
    elif theme:
        w.add(f"The template does not mention {' '.join(theme)} in its training sections. What it lists:")
    for where, key in wanted:
        found = p.learning_field(key) if where == "learning" else p.cpd_field(key)
        if found is None:
            continue
        f = found
        title = ("CPD: " if where == "cpd" and key in ("informal", "formal_endorsed") else "") + FIELD_TITLES.get(
            key, short_label(f.label)
        )
        if where == "learning" and key in ("informal", "formal_endorsed"):
            title += " (indicative)"
        w.field(p, f, title, highlight=[item for _, item in matches])


def matching_items(p: RoleProfile, theme: list[str]) -> list[tuple[Field, str]]:
    """Items, and fields by their label or value, that mention a theme word (blank fields included).

    An entry that matches only some of the words another entry matches is left out: for "mental
    health awareness", "Understanding of mental health conditions" is a match, "Health and Safety"
    is not.
    """
    if not theme:
        return []
    found: list[tuple[Field, str, frozenset[str]]] = []
    for f in (*p.cpd, *p.learning):
        items = [(item.text, _theme_words(item.text, theme)) for item in f.items]
        if any(hit for _, hit in items):
            found.extend((f, text, hit) for text, hit in items if hit)
        elif not f.items and (hit := _theme_words(f"{f.label} {f.value}", theme)):
            found.append((f, f"{short_label(f.label)}: {f.value or 'left blank in the template'}", hit))
    return [(f, text) for f, text, hit in found if not any(hit < other for _, _, other in found)]


def _theme_words(text: str, theme: list[str]) -> frozenset[str]:
    return frozenset(t for t in theme if matches_theme(text, [t]))


def matches_theme(text: str, theme: list[str]) -> bool:
    """Whether `text` uses any of the theme's terms (a word, or the first six letters of one); a term
    of several words ("health and safety") needs all of them."""
    words = set(normalise(text).split())
    stems = {w[:6] for w in words}

    def uses(term: str) -> bool:
        return term in words or term[:6] in stems

    return any(
        all(uses(part) for part in t.split() if part not in ("and", "or", "of")) if " " in t else uses(t) for t in theme
    )


# -- experience, level, scope ---------------------------------------------------------------------


def experience(w: Writer, p: RoleProfile, focus: str | None = None) -> None:
    f = p.experience
    w.heading(p, "experience required")
    if f.is_blank:
        w.add(f"- the template leaves Experience Required blank {w.cite(p, f.source)}")
        return
    items = list(p.experience_items)
    if focus:
        items.sort(key=lambda i: i.kind != focus)
    for item in items:
        w.add(f"- {KIND_TITLES[item.kind]}: {item.text} {w.cite(p, f.source, f.value)}")


def level(w: Writer, p: RoleProfile, general: tuple[GeneralPassage, ...], bands: bool = False) -> None:
    mark = w.cite(p, basic_source(p, "level"))
    if w.lines:
        w.add()
    w.add(f"The **{p.short_name}** is at career framework level {p.level}. {mark}")
    for para in p.level_descriptor:
        w.add(f"> {para.text} {w.cite(p, para.source)}")
    for warning in p.warnings:
        if "says level" in warning.message:
            heading = warning.message.split("'")[1]
            w.add(
                f"Note: the heading '{heading}' in this template names another level; the Basic Information"
                f" gives level {p.level}."
            )
    if bands:
        framework(w, general, ["agenda for change banding"], limit=1)


def scope(w: Writer, p: RoleProfile) -> None:
    w.heading(p, "scope of the role")
    if not p.scope:
        w.add("- the template gives no scope of the role")
    for para in p.scope:
        w.add(f"- {para.text} {w.cite(p, para.source)}")


def framework(w: Writer, general: tuple[GeneralPassage, ...], terms: list[str], limit: int = 3) -> int:
    """General framework passages containing all of any term's words; returns how many were added."""
    added = 0
    for passage in general:
        text = normalise(passage.text)
        if any(all(word in text for word in normalise(term).split()) for term in terms):
            w.add(f"- {passage.text} {w.cite_shared(passage)}")
            added += 1
            if added >= limit:
                break
    return added


# -- onboarding -----------------------------------------------------------------------------------


def onboarding(w: Writer, p: RoleProfile) -> None:
    """A new starter's checklist: what to do first on its first line, then the rest of the role profile's
    checklist (one marker per group: every item under a heading comes from the place it cites)."""
    statutory = p.cpd_field("statutory_mandatory")
    start = f"Welcome! **Start here** as {p.short_name} (career framework level {p.level}):"
    if statutory is None or statutory.is_blank:
        src = statutory.source if statutory else p.title_source
        w.add(
            f"{start} ask your line manager which statutory and mandatory training your organisation requires;"
            f" the template leaves this blank {w.cite(p, src)}"
        )
    else:
        label = short_label(statutory.label)
        w.add(f"{start} book your statutory and mandatory learning {w.cite(p, statutory.source, group=label)}")
        for entry in statutory.items or ():
            w.add(f"- [ ] {entry.text}")
    w.add()
    w.add("Then, the rest of your checklist from the role profile:")
    informal = p.learning_field("informal")
    if informal and informal.items:
        quote = f"{informal.label}: {informal.value}"
        w.add(
            "**Informal learning to plan with your line manager** (indicative)"
            f" {w.cite(p, informal.source, quote, short_label(informal.label))}"
        )
        for entry in informal.items:
            w.add(f"- [ ] {entry.text}")
    core = p.competences_in("core")
    if core:
        w.add(f"**Competences to read first**: the {len(core)} core competences, for example")
        for c in core[:3]:
            w.add(f"- {c.title} ({c.principle}) {w.cite(p, c.source, group=c.principle)}")
    w.add("**How CPD works**")
    for key in ("impact_method", "frequency", "funding"):
        f = p.cpd_field(key)
        if f is not None:
            w.field(p, f, FIELD_TITLES[key])
    if p.scope:
        w.add(f"**What the role is for** {w.cite(p, p.scope[0].source)}")
        for para in p.scope:
            w.add(f"> {para.text}")
    mark = w.cite(p, p.experience.source, p.experience.value)
    w.add(f"**The experience the role asks for** (what you were recruited on) {mark}")
    for item in p.experience_items:
        w.add(f"- {KIND_TITLES[item.kind]}: {item.text}")
