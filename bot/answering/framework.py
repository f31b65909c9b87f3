"""Questions about the framework every template shares, whichever role is named: "can we reword the NOS
titles?", "can we use the competences on their own?", "are the competences linked to the KSF?", "what is the
locality specific section for?". They are answered from the framework's own text, the passages that use the
words of what is asked, with the first word those passages support. A term of that text asked the meaning of
("what is the Health Functional Map?", "what does 'not in themselves levelled' mean?") is answered from the
passages that have it, those defining it first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import compose
from .answer import Answer
from .understanding import Question, words
from .wording import THEME_STOP, root, topics_in

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
            r"|adapted|altered|modified|tweaked)\b"
            # "NOS?? can the trust reword them?"
            r"|\b(?:reword|rewrite|re-word|edit|amend|alter|tweak|change)(?:ing)? (?:the )?(?:nos|titles|wording)\b"
            r"|(?=.*\bnos\b).*\b(?:reword|rewrite|re-word|edit|amend|alter|tweak|change)(?:ing)?"
            r" (?:them|these|those)\b",
            re.IGNORECASE,
        ),
        ["cannot be changed"],
        "No, not their content or wording:",
    ),
    (
        re.compile(
            r"\b(?:use|used|using) [^?]{0,40}\bon (?:its|their) own\b|\bin isolation\b|\bpick and choose\b"
            r"|\b(?:cherry[- ]?)?pick (?:out )?(?:the |which )?(?:bits|parts|sections|pieces|elements)\b"
            r"|\bignore the rest\b"
            r"|\bused? (?:as a )?whole\b|\bas a whole\b",
            re.IGNORECASE,
        ),
        ["used as a whole"],
        "No: the template is designed to be used as a whole.",
    ),
    (
        # "who are these templates meant to be used by?", "who can use the template?"
        re.compile(
            r"\bwho\b[^?]{0,60}\b(?:templates?|profiles?)\b[^?]{0,30}\b(?:used by|for use by|meant for|designed for"
            r"|intended for|aimed at)\W*$"
            r"|\bwho (?:are|is) (?:the |these |this )?(?:role )?(?:profile )?(?:templates?|profiles?) for\W*$"
            r"|\bwho\b[^?]{0,30}\b(?:use|uses|using)\b[^?]{0,20}\b(?:templates?|profiles?)\b",
            re.IGNORECASE,
        ),
        ["may successfully be used by"],
        "",
    ),
    (
        # "does it apply in Wales?", "are they England only?": the UK nations
        re.compile(
            r"^(?=.*\b(?:apply|applies|applicable|use|used|usable|valid|relevant|cover|covers|any good|only)\b)"
            r"(?!.*\b(?:speak|speaking|language)\b)"  # "does the EW need to speak Welsh?" is no question of where
            r".*\b(?:wales|welsh|scotland|scottish|northern ireland|england only|english only|uk[- ]wide"
            r"|across the uk|four nations|other nations)\b",
            re.IGNORECASE,
        ),
        ["geographic locations in the uk"],
        "",
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
        return defined(ctx, q)
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


# "what is the Health Functional Map for?", "what's a transferable role?", "what does 'not in themselves levelled'
# mean?": a term, or words quoted, asked the meaning of
_DEFINE = re.compile(
    r"\b(?:what(?:'s| is| are|s)|what do(?:es)? (?:it|they|the template) mean by|what is meant by|meaning of|define)"
    r"\s+(?:a |an |the )?(?P<term>[\w' -]{3,60}?)"
    # "what is the reference function thing in the tables", "what are NOS exactly": the term, not the words around it
    r"(?:\s+(?:thing|things|bit|bits|stuff)(?:\s+(?:in|on)\s+(?:the\s+)?\w+)?)?"
    r"(?:\s+(?:exactly|actually|again|then|anyway|please|pls))?"
    r"\s*(?:\b(?:for|about|mean|means|stand for)\b)?\W*$",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"['\"\u2018\u201c](?P<term>[^'\"\u2019\u201d]{6,80})['\"\u2019\u201d]")
_DEFINES = re.compile(r"^\W*(?:is|are|which|,|relates|has|have)\b")


# The meaning of a term asked outright ("what does 'reference function' mean?", "what is an underpinning
# principle?"), not what a role's template holds under it ("what's in the EW's locality specific section?")
# ("what is the reference function thing?": a term the asker does not know)
_MEANING = re.compile(
    r"\bmean(?:s|t|ing)?\b|\bstand for\b|\bexplain\b|\bdefin|\bwhat (?:is|are) (?:a|an)\b|\bthing\b", re.I
)
# An acronym asked about ("what is NOS?"): one word in capitals
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")


def _expansion(ctx: Context, acronym: str) -> str | None:
    """The words an acronym stands for, where the introduction spells it out ("national occupational standards
    (NOS)")."""
    written = acronym.strip().lower()
    for letters in dict.fromkeys((written, written.removesuffix("s"))):  # "NOS", or "PGDs" for "PGD"
        for g in ctx.kb.general:
            for m in re.finditer(
                rf"((?:[A-Za-z]+\s+){{{len(letters)}}})\(\s*{re.escape(letters)}s?\s*\)", g.text, re.I
            ):
                spelled = m.group(1).split()
                if "".join(w[0] for w in spelled).lower() == letters:
                    return " ".join(spelled).lower()
    return None


def defined(ctx: Context, q: Question) -> Answer | None:
    """The framework's own words on a term of it that the question asks the meaning of: the passages that have the
    term (those defining it first), from the copy of the template named. None when no passage has it, or the
    term is a role's field or a role ("what is the scope?", "what's a strategic manager?") and no passage
    defines it as a term ("The reference function they are listed by in the template relates to ...")."""
    quoted = _QUOTE.search(q.text)
    asked = _DEFINE.search(q.text)
    term = quoted["term"] if quoted and re.search(r"\bmean", q.text, re.I) else None
    if term is None and asked:
        term = ctx.keyword_query(asked["term"])
    phrase = " ".join(re.findall(r"[a-z0-9]+", (term or "").lower()))
    acronym = bool(term and _ACRONYM.match(term.strip()))
    if not (acronym or len(phrase) >= 6) or len(phrase.split()) > 10:
        return None
    said = r"\W+".join(map(re.escape, phrase.split()))
    if acronym and (spelled := _expansion(ctx, phrase)):
        # "what is NOS?": also what the introduction says of "National Occupational Standards", spelled out
        said = "(?:" + said + "|" + r"\W+".join(map(re.escape, spelled.split())) + ")"
    pattern = re.compile(rf"\b{said}s?\b", re.IGNORECASE)
    having = [g for g in ctx.kb.general if pattern.search(g.text)]
    if not having or (len(phrase.split()) == 1 and not quoted and not acronym):
        return None  # one word ("what is safeguarding?") is a subject of the roles, not a term of the framework

    def defines(text: str) -> bool:  # "The reference function ... relates to", "... standards (NOS)", "X is ..."
        opens = re.match(r"\W*(?:the |a |an )?" + pattern.pattern, text, re.IGNORECASE)
        return bool(opens) or any(
            _DEFINES.match(text[m.end() :]) or (re.match(r"\s*\)", text[m.end() :]) and text[: m.start()].endswith("("))
            for m in pattern.finditer(text)
        )

    field = set(topics_in(phrase)) - {"framework"}  # "locality specific", "reference function": a role's field too
    if field and not (
        (acronym or _MEANING.search(q.text)) and not q.roles.profiles and any(defines(g.text) for g in having)
    ):
        return None  # "what's the level descriptor?", "what's in the formal endorsed learning?": a role's field
    having.sort(key=lambda g: not defines(g.text))

    def write(w: compose.Writer) -> None:
        w.add("The introduction every template shares says:")
        for passage in having[:2]:
            w.add(f"- {passage.text} {w.cite_shared(passage)}")

    return ctx.finish(replace(q, topic="framework"), list(q.roles.profiles), write, ctx.starter_questions())


def from_introduction(ctx: Context, q: Question, only_there: list[str]) -> Answer | None:
    """'Are the NOS levelled?', 'is it a full list of what's available?' with no role named: words only the
    introduction every template shares uses ("levelled", "available") make its passages that use them the answer
    (not "which role do you mean?"). None when no such word of six letters or more is asked."""
    asked = {root(w) for w in only_there if len(w) >= 6 and w not in THEME_STOP}
    having = [g for g in ctx.kb.general if asked & {root(w) for w in words(g.text)}]
    if not having:
        return None

    # "are the NOS levelled?" over "They are not in themselves levelled": a yes/no the passage says no to
    denied = _YES_NO.match(q.text) is not None and any(
        re.search(r"\bnot\b(?:\W+\w+){0,5}?\W+" + re.escape(w) + r"\w*", g.text, re.I)
        for g in having[:2]
        for w in only_there
        if root(w) in asked
    )

    def write(w: compose.Writer) -> None:
        w.add(
            "No. The introduction every template shares says:"
            if denied
            else "The introduction every template shares says:"
        )
        for passage in having[:2]:
            w.add(f"- {passage.text} {w.cite_shared(passage)}")

    return ctx.finish(replace(q, topic="framework"), [], write, ctx.starter_questions())


_YES_NO = re.compile(r"^\W*(?:is|are|do|does|can|could|must|should|will|would|has|have)\b", re.I)
