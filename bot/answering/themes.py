"""Everything a template says about a theme, wherever it says it.

"What does the EW template say about lone working?", "my new EW will do lone visits, what should I
cover?", "what safeguarding competences are in the templates?": the competences, the training and
CPD entries, the experience asked for, and the sentences of the scope and level descriptor that name
the theme, each cited. A theme is matched by the templates' own words (and the staff synonyms in
`competences.THEMES`); an entry must name every word of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.records import Paragraph, RoleProfile

from .competences import listing, names_theme, select, theme_terms
from .compose import KIND_TITLES, Writer, matching_items, short_label

MAX_SENTENCES = 3  # scope and level sentences quoted per role


def _select(p: RoleProfile, theme: Sequence[str], any_word: bool) -> list:
    if not any_word:
        return select(p, (), None, theme)
    chosen = {c.title: c for t in theme for c in select(p, (), None, [t])}
    return [c for c in p.competences if c.title in chosen]


def sentences(
    paragraphs: Sequence[Paragraph], theme: Sequence[str], any_word: bool = False
) -> list[tuple[Paragraph, str]]:
    out = []
    for para in paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para.text):
            if names_theme(sentence, theme, any_word):
                out.append((para, sentence))
    return out


def count(p: RoleProfile, theme: Sequence[str], entries_only: bool = False, any_word: bool = False) -> int:
    """How many entries of `p`'s template name the theme (`entries_only`: not counting sentences of the
    role's description, which name many things at once)."""
    return (
        len(_select(p, theme, any_word))
        + sum(names_theme(text, theme, any_word) for _, text in matching_items(p, theme_terms(theme)))
        + sum(names_theme(i.text, theme, any_word) for i in p.experience_items)
        + (0 if entries_only else len(sentences((*p.scope, *p.level_descriptor), theme, any_word)))
    )


def about_theme(w: Writer, p: RoleProfile, theme: Sequence[str], any_word: bool = False) -> bool:
    """Write what `p`'s template says about `theme` (`any_word`: about any of its words, "data and
    information"); False (and nothing written) when it says nothing."""
    chosen = _select(p, theme, any_word)
    training = [(f, text) for f, text in matching_items(p, theme_terms(theme)) if names_theme(text, theme, any_word)]
    experience = [i for i in p.experience_items if names_theme(i.text, theme, any_word)]
    said = sentences((*p.scope, *p.level_descriptor), theme, any_word)
    if not (chosen or training or experience or said):
        return False
    w.heading(p, f"what the template says about {(' or ' if any_word else ' ').join(theme)}")
    if chosen:
        w.add(f"Competences ({len(chosen)}):")
        listing(w, p, chosen, (), count_only=False, filtered=True)
    if training:
        w.add("Training and CPD:")
        for f, text in training:
            label = short_label(f.label)
            under = "" if text.startswith(label) else f" (under {label})"
            w.add(f"- {text}{under} {w.cite(p, f.source, f'{f.label}: {f.value}', label)}")
    if experience:
        w.add("Experience required:")
        for i in experience:
            w.add(f"- {KIND_TITLES[i.kind]}: {i.text} {w.cite(p, p.experience.source, p.experience.value)}")
    if said:
        w.add("In the role's description:")
        for para, sentence in said[:MAX_SENTENCES]:
            where = para.source.section.split(" > ")[-1]
            w.add(f"> {sentence} ({where}) {w.cite(p, para.source, sentence)}")
    return True
