"""Questions about the framework every template shares, whichever role is named: "can we reword the NOS
titles?", "can we use the competences on their own?", "are the competences linked to the KSF?", "what is the
locality specific section for?". They are answered from the framework's own text, the passages that use the
words of what is asked, with the first word those passages support.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import compose
from .answer import Answer
from .understanding import Question

if TYPE_CHECKING:
    from .context import Context

# Questions about the framework every template shares, the words of its passages that answer them, and the
# first word of a yes/no to them that those passages support
FRAMEWORK_CUES: tuple[tuple[re.Pattern[str], list[str], str], ...] = (
    (
        re.compile(
            r"\b(?:can|could|may|should|allowed to)\b[^?]{0,30}\b(?:reword|rewrit|edit|tweak|amend|adapt|modif|alter"
            r"|rename|shorten|chang)\w*\b[^?]{0,60}\b(?:nos|competences?|titles?|wording|standards?)\b"
            r"|\b(?:nos|competences?|titles?|wording|standards?)\b[^?]{0,40}\bbe (?:changed|reworded|edited|amended"
            r"|adapted|altered|modified|tweaked)\b",
            re.IGNORECASE,
        ),
        ["cannot be changed"],
        "No, not their content or wording:",
    ),
    (
        re.compile(
            r"\b(?:use|used|using) [^?]{0,40}\bon (?:its|their) own\b|\bin isolation\b|\bpick and choose\b"
            r"|\bused? (?:as a )?whole\b|\bas a whole\b",
            re.IGNORECASE,
        ),
        ["used as a whole"],
        "No: the template is designed to be used as a whole.",
    ),
    (
        re.compile(r"\bksf\b|\bknowledge and skills framework\b", re.IGNORECASE),
        ["knowledge and skills framework"],
        "Yes.",
    ),
    (
        re.compile(
            r"\bwhat (?:is|are) (?:the )?[\w' -]{0,40}(?:locality|local)[\w' -]{0,30}\b(?:section|part|bit|table|box"
            r"|column)s? (?:for|about)\b",
            re.IGNORECASE,
        ),
        ["in this space", "specific to the locality"],
        "",
    ),
)


def about_the_framework(ctx: Context, q: Question) -> Answer | None:
    """'Can we reword the NOS titles?', 'is it meant to be used whole?', 'are the competences linked to the
    KSF?', 'what is the locality specific section for?': the framework's own text (the same in every
    template), the passages that use the words of what is asked, with the first word they support."""
    cue = next((c for c in FRAMEWORK_CUES if c[0].search(q.text)), None)
    if cue is None:
        return None
    _, terms, first = cue
    check = bool(re.match(r"^\W*(?:can|could|may|should|are|is|do|does|must)\b", q.text, re.IGNORECASE))
    added = 0

    def write(w: compose.Writer) -> None:
        nonlocal added
        if check and first:
            w.add(first)
        added = compose.framework(w, ctx.kb.general, terms, limit=2)

    answer = ctx.finish(replace(q, topic="framework"), [], write, ctx.starter_questions())
    return answer if added else None
