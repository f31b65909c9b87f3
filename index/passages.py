"""Passages: the searchable units made from the knowledge records.

Each passage's `text` has the role, section, principle and function filled in (retrieval on bare
table rows loses them), while `quote` keeps the template's own words for citations.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.records import Field, KnowledgeBase, RoleProfile, SourceRef

# The kinds of passage that are a template's own entries (a competence, a learning item, a scope sentence, an
# experience line): the index also keeps the embedding of each one's own words, for "the entries nearest in
# meaning" (the passage text puts the section, principle and function around a short title).
ENTRY_KINDS = frozenset({"competence", "learning", "scope", "experience"})

SECTION_NAMES = {
    "core": "Common/Core Competences",
    "role-specific": "Role Specific Competences",
    "locality-specific": "Locality Specific Competences",
}


@dataclass(frozen=True)
class Passage:
    """One searchable unit. `role` is the Named Role, or None for general framework text."""

    id: str
    role: str | None
    kind: str
    section: str
    text: str
    quote: str
    source: SourceRef


def build_passages(kb: KnowledgeBase) -> list[Passage]:
    passages: list[Passage] = []
    for profile in kb.profiles:
        passages.extend(_profile_passages(profile))
    for n, general in enumerate(kb.general):
        passages.append(
            Passage(
                f"general#{n}",
                None,
                "general",
                general.section,
                f"{general.section}: {general.text}",
                general.text,
                general.source,
            )
        )
    return passages


def _profile_passages(p: RoleProfile) -> list[Passage]:
    # The role is metadata used as a filter, not text: as words it made every passage of a role look
    # alike to the embedder. Section, principle and function stay in the text.
    out: list[Passage] = []

    def add(kind: str, section: str, text: str, quote: str, source: SourceRef) -> None:
        out.append(Passage(f"{p.file}#{kind}#{len(out)}", p.role, kind, section, text, quote, source))

    for f in p.basic_information:
        if f.key != "experience":
            add("basic", "Basic Information", f"{f.label}: {f.value}", f"{f.label}: {f.value}", f.source)
    add(
        "experience",
        "Experience Required",
        f"Experience required: {p.experience.value}",
        p.experience.value,
        p.experience.source,
    )
    for item in p.experience_items:
        add(
            "experience",
            "Experience Required",
            f"Experience required ({item.kind}): {item.text}",
            item.text,
            item.source,
        )
    for para in p.scope:
        add(
            "scope",
            "Scope of the Role",
            f"Scope of the role, duties and responsibilities: {para.text}",
            para.text,
            para.source,
        )
    for para in p.level_descriptor:
        add(
            "level",
            f"Definition of the Level {p.level} Role",
            f"Level descriptor: {para.text}",
            para.text,
            para.source,
        )
    for c in p.competences:
        section = SECTION_NAMES[c.section]
        add(
            "competence",
            section,
            f"{section} competence (National Occupational Standard): {c.title}. Underpinning principle:"
            f" {c.principle}. Reference function: {c.function}.",
            c.title,
            c.source,
        )

    def add_field(kind: str, section: str, f: Field) -> None:
        parts = "; ".join(f"{part.label}: {part.value or 'blank'}" for part in f.parts)
        value = f.value or parts or "left blank"
        add(kind, section, f"{section}: {f.label}: {value}", f"{f.label}: {f.value or 'left blank'}", f.source)
        for item in f.items:
            add(kind, section, f"{section}: {f.label}: {item.text}", item.text, item.source)

    for f in p.learning:
        add_field("learning", "Indicative Learning and Development", f)
    for f in p.cpd:
        add_field("cpd", "Continuing Professional Development", f)
    for para in p.notes:
        add("note", para.source.section.split(" > ")[-1], para.text, para.text, para.source)
    for ref in p.references:
        add("reference", "References", f"Reference: {ref.text}", ref.text, ref.source)
    return out
