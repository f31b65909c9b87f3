"""The direct first word of a yes/no question, checked against the lines of the answer under it.

"does the transport assistant need a driving licence?" answered with the Experience Required line "Full UK
driving licence held for at least two years" starts "Yes.": an entry cited for every role the question asks
about holds every word of substance it asks about, and every number it names ("two years" for "2 years").
"... held for 3 years?" over the same line starts "No: the template gives a different figure." A bare "No"
those lines contradict is turned round; a bare "Yes" that nothing under it supports becomes "No"; a request
("can the bot tell me ...?") gets no "Yes". A negated or either/or question gets no first word from here:
the lines speak for themselves, and a wrong "Yes" is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .answer import Answer
from .understanding import NUMBER_WORDS, words
from .wording import root, stem

# A question whose "Yes" would be ambiguous: negated ("doesn't need"), restricted ("only the SM"), either/or.
_UNSURE = re.compile(r"n't\b|\bnot\b|\bno\b|\bnever\b|\bwithout\b|\bonly\b|\bexcept\b|\bor\b|\binstead\b", re.I)

# A question put as a yes/no: a bare "Yes" that nothing under it supports is turned round only for these
_ASKED_YES_NO = re.compile(r"^\W*(?:is|are|does|do|did|will|would|must|should|has|have|can|could)\b", re.I)
# "Could you check what experience ...?", "Can the bot tell me ...?": a request, which no "Yes" answers
_REQUEST = re.compile(r"^\W*(?:can|could|would|will)\s+(?:you|u|the bot|rolebot|someone|anyone|somebody)\b", re.I)

# Parts of a template named to say where to look ("does the level 8 descriptor say anything about ...?")
_DOCUMENT_PARTS = frozenset({"descriptor", "descriptors", "description", "scope", "remit", "wording", "text"})

# A question about what the template says, not about the job: a sentence that uses its words answers it
_ABOUT_THE_TEXT = re.compile(
    r"\b(?:says?|said|mentions?|mentioned|covers?|includes?|refers? to|talks? about|anything|something|word)\b", re.I
)
_LEVEL_ASKED = re.compile(r"\blevel\s*(?:\d|one|two|three|four|five|six|seven|eight|nine)", re.I)
_ENTRY_WORDS = 12  # an entry (a competence, a learning item, a field's value) is a short line

# A first line that already answers directly.
_DIRECT = re.compile(r"^\W*(?:yes|no|both|neither|only|all|none|not|\d)\b", re.I)

_MARK = re.compile(r"\[(\d+)\]")

# A line that says what a template lacks: never evidence that it has it.
_ABSENT = re.compile(r"\b(?:no|not|nothing|none|doesn't|don't|without)\b|\bleft blank\b", re.I)

# Words that say where in a template something is asked to be ("a core competence", "statutory and
# mandatory", "as experience"): a "No" to such a question is about that place, and is kept.
_PLACES = re.compile(
    r"\b(?:core|specific|locality|statutory|mandatory|informal|formal|endorsed|competences?|nos|training|learning"
    r"|courses?|experience|qualifications?|essential|desirable|scope|descriptor|cpd|section|table|principle"
    r"|function|listed|list)\b",
    re.I,
)

# "held for 2 years" is "held for at least two years"
_NUMBER_WORDS = {str(i): w for i, w in enumerate(NUMBER_WORDS, start=1)}


def cited_lines(answer: Answer) -> dict[str, list[str]]:
    """The template lines the answer quotes ("- Conflict Resolution [2]", "> The role ...") by the role
    whose template they cite, without their markers; never the answer's own sentences about them."""
    role_at = {c.position: c.role for c in answer.citations if c.role}
    by_role: dict[str, list[str]] = {}
    for line in answer.text.splitlines():
        if not re.match(r"^\s*(?:[-*>]|\d+\.)\s", line) or _ABSENT.search(line):
            continue
        for role in {role_at[n] for n in map(int, _MARK.findall(line)) if n in role_at}:
            by_role.setdefault(role, []).append(_MARK.sub("", line))
    return by_role


# What may follow a question's word in a template's ("fund": "funded", "annual": "annually"); "doctor" is
# not "doctorate"
_ENDINGS = frozenset({"", "s", "es", "d", "ed", "ing", "er", "ers", "ly", "al", "ally", "e", "ion", "ions", "ment"})

Terms = Sequence[frozenset[str]]  # each word asked, as the stems that say it (its own and its synonyms')


@dataclass(frozen=True)
class _Said:
    """A line's words, their stems and roots, worked out once per line."""

    words: tuple[str, ...]
    stems: frozenset[str]
    roots: frozenset[str]


@lru_cache(maxsize=8192)
def _said(line: str) -> _Said:
    found = tuple(words(line))
    return _Said(found, frozenset(stem(w) for w in found), frozenset(root(w) for w in found))


def _uses(said: _Said, stems: frozenset[str]) -> bool:
    return any(
        s in said.stems
        or root(s) in said.roots
        or any(
            (w.startswith(s) and w[len(s) :] in _ENDINGS) or (s.startswith(w) and s[len(w) :] in _ENDINGS)
            for w in said.words
        )
        for s in stems
    )


def _holds(line: str, terms: Terms, numbers: Collection[str]) -> bool:
    """Whether `line` says every term and every number ("2" or "two")."""
    said = _said(line)
    return all(_uses(said, t) for t in terms) and all(
        n in said.words or _NUMBER_WORDS.get(n) in said.words for n in numbers
    )


def _terms(subject: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> list[frozenset[str]]:
    return [frozenset(stem(a) for a in (w, *synonyms.get(w, ()))) for w in subject if not w.isdigit()]


def _entry(line: str) -> bool:
    """A short line: an entry of a list or a field's value, not a sentence of a description."""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", line.strip())  # without "(Transport Assistant, Experience Required)"
    return len(_said(bare).words) <= _ENTRY_WORDS


def entries_answer(question: str, answer: Answer, roles: Collection[str]) -> bool:
    """Whether the answer's cited lines can answer a yes/no on their own: an entry of every role asked, or any
    line when the question asks what the template says ("does it mention ...?")."""
    if _ABOUT_THE_TEXT.search(question):
        return True
    lines = cited_lines(answer)
    return all(any(_entry(line) for line in lines.get(role, ())) for role in roles)


def _said_by_all(
    answer: Answer, roles: Collection[str], terms: Terms, numbers: Collection[str], about_the_text: bool
) -> bool:
    """Whether a cited line of every role holds it all: an entry (a short line), or, when the question asks
    what the template says ("does it mention ...?"), a sentence too. A sentence that uses the words may say
    otherwise ("so that a hospital admission can be avoided"): it does not answer "is she responsible for
    hospital admissions?"."""
    lines = cited_lines(answer)

    def fits(line: str) -> bool:
        return (about_the_text or _entry(line)) and _holds(line, terms, numbers)

    return bool(terms) and all(any(fits(line) for line in lines.get(role, ())) for role in roles)


def settle(
    question: str,
    answer: Answer,
    roles: Collection[str],
    subject: Sequence[str],
    numbers: Collection[str],
    said: Mapping[str, Sequence[str]],
    synonyms: Mapping[str, Sequence[str]],
) -> Answer:
    """The answer to the yes/no `question`, its first word checked against its own cited lines: `subject`
    is the question's words of substance and `numbers` the numbers it asks about, neither counting its
    role mentions; `said` is every line each role's template has, `synonyms` the words that say a word too.

    - "Yes" first when a cited line of every role in `roles` holds all of it, also in place of a "No"
      those lines contradict ("No, not in those words: ..." over "Funded by the employer for the MSc");
    - "No" when the one role's cited line names the subject with another number and no line of its
      template has that number ("safeguarding adults level 3?" over "Safeguarding Adults (Level 2)");
    - "No" in place of a bare "Yes" when no cited line says any word asked and no line of the template
      says them all ("has to be a doctor, right?" over "Doctorate, Master's degree or equivalent").
    Any other answer is kept as it is."""
    terms = _terms([w for w in subject if w not in _DOCUMENT_PARTS], synonyms)
    if answer.declined or not answer.citations or not roles or not terms or _UNSURE.search(question):
        return answer
    first, _, rest = answer.text.partition("\n")
    if re.match(r"^\W*yes\W*$", first, re.I) and _REQUEST.match(question) and rest.strip():
        return replace(answer, text=rest)
    # a bare "No" or one that only found no entry in the question's words; not "No, not necessarily: ..."
    plain_no = re.match(r"^\W*no(?:\W*$|, not in those words\b)", first, re.I) and not _MARK.search(first)
    plain_yes = re.match(r"^\W*yes\W*(?:the template says:\s*)?$", first, re.I)
    if len(roles) == 1:
        role = next(iter(roles))
        cited = cited_lines(answer).get(role, [])

        def anywhere() -> bool:  # some line of the template says it all (looked at only when it matters)
            return any(_holds(line, terms, numbers) for line in said.get(role, ()))

        named = any(_holds(line, terms, ()) for line in cited)
        if numbers and (not _DIRECT.match(first) or plain_yes) and named and not anywhere():
            kind = "level" if _LEVEL_ASKED.search(question) else "figure"
            lead = f"No: the template gives a different {kind}."
            return replace(answer, text=f"{lead}\n{rest}" if plain_yes else f"{lead}\n{answer.text}")
        if (
            plain_yes
            and _ASKED_YES_NO.match(question)  # not "Recruiting an EW - what are the essential requirements?"
            and not any(_uses(_said(line), t) for line in cited for t in terms)
            and not anywhere()
        ):
            return replace(answer, text=f"No.\n{rest}")
    about_the_text = bool(_ABOUT_THE_TEXT.search(question))
    if (_DIRECT.match(first) and not plain_no) or not _said_by_all(answer, roles, terms, numbers, about_the_text):
        return answer
    if plain_no and _PLACES.search(question):
        return answer
    if plain_no:
        return replace(answer, text=f"Yes. The template says:\n{rest}" if first.endswith(":") else f"Yes.\n{rest}")
    return replace(answer, text=f"Yes.\n{answer.text}")


# A question that asks for something: a Yes or No does not answer it
_WH_FIRST = re.compile(
    r"^\W*(?:what|what's|whats|which|how|list|give|tell|show|name|who|where|when|why"
    r"|(?:can|could|would) you (?:please )?(?:give|tell|list|show|send))\b",
    re.I,
)
# "..., is it in the EW's?": a yes/no clause that ends the question; "what about the CD one?" after a yes/no asks
# that yes/no again, of another role: neither is a what-question
_STILL_YES_NO = re.compile(
    r"(?:^|[,;:–-]\s*)(?!(?:can|could|would) you (?:please )?(?:give|tell|list|show|send)\b)"
    r"(?:is|are|does|do|can|must|should|has|have)\b[^?]*\?\s*$"
    r"|^\W*(?:and\s+)?(?:what|how) about\b[^?]{0,60}\?*\s*$",
    re.I,
)


def yes_no_asked(question: str) -> bool:
    """Whether a Yes or No can answer `question`: not "how do I apply ...?", "what does the EW need?"."""
    return not _WH_FIRST.match(question) or bool(_STILL_YES_NO.search(question))


# "Would I meet the experience requirements?", "am I eligible?": a judgement of the asker no template makes
JUDGES_THE_ASKER = re.compile(
    r"\b(?:would|do|will|could|can|does) (?:i|she|he|they|my \w+) (?:still )?(?:meet|fit|match|satisfy|qualify)\b"
    r"|\b(?:am i|is (?:she|he)|are they) (?:eligible|qualified|suitable)\b",
    re.I,
)
FOR_THE_PANEL = "Whether an application meets it is for the recruiting manager to judge; the template asks for:"


# "Can we recruit a TA without a driving licence?": a yes/no about doing without something
_WITHOUT = re.compile(
    r"(?:^|[,;:]\s)\W*(?:can|could|may|might|do|does|is|are|would|will|should)\b[^?,]*"
    r"\bwithout (?:a |an |the |any |their )?"
    r"(?P<thing>[a-z][\w'-]*(?: [a-z][\w'-]*){0,3})",
    re.I,
)


_DOING = frozenset("having finished completed complete getting holding doing their yet first still".split())


def done_without(ask: str, answer: Answer) -> Answer:
    """A yes/no asking whether something can be done without X. Where a line of the experience required names X
    with no alternative, the answer is "No: the template asks for it." ("can we recruit without a licence?" over
    "Full UK driving licence held for ..."; it was "Yes."). Where one names it with an alternative ("or a
    willingness to complete one"), the answer stands. Where none names it, a "No" (X is not listed) is dropped:
    it is no "No" to doing without X."""
    m = _WITHOUT.search(ask)
    if m is None:
        return answer
    first, _, rest = answer.text.partition("\n")
    wanted = [w for w in re.findall(r"[a-z]+", m["thing"].lower()) if len(w) >= 4 and w not in _DOING]
    own = re.split(r"(?m)^The \*\*[^*]+\*\* template does:", rest)[0]  # not the other templates shown after it
    # what an applicant must bring: the experience required, as a listed kind or a passage of that section
    required = [
        line
        for line in own.splitlines()
        if re.match(r"\s*- (?:Experience|Qualification|Vetting|Other|Essential|Desirable)\b", line)
        or "Experience Required)" in line
    ]
    naming = [line for line in required if wanted and wanted[0] in line.lower()]
    if not naming:  # not asked for: a "No" said it is not listed, which is no "No" to doing without it
        return without_verdict(answer) if re.match(r"No\b", first) else answer
    if any(re.search(r"\bor (?:equivalent|a willingness|willingness)\b", line, re.I) for line in naming):
        return answer  # "without having finished their master's?": the template accepts a willingness to complete it
    lead = "No: the template asks for it."
    if re.match(r"(?:Yes|No)\b", first) or first.startswith("Here is what"):
        return replace(answer, text=f"{lead}\n{rest}")
    return replace(answer, text=f"{lead}\n{answer.text}")


def without_verdict(answer: Answer) -> Answer:
    """The answer without the Yes or No it starts with ("No.", "No, not in those words: ..."): for a question
    that asked for something, the lines under it are the answer."""
    first, _, rest = answer.text.partition("\n")
    if re.fullmatch(r"(?:Yes|No)[.!]?", first.strip()):
        return replace(answer, text=rest.lstrip("\n"))
    if m := re.match(r"(?:Yes|No)[,:]\s+(\S)", first):
        return replace(answer, text=f"{m[1].upper()}{answer.text[m.end() :]}")
    return answer


def number_lead(text: str) -> str | None:
    """The number an answer's first line gives, to put first when only the number is asked for ("Level 7."); None
    when the line starts with a number already, or gives none or several."""
    first = re.sub(r"\[\d+\]", "", text.split("\n", 1)[0])
    numbers = set(re.findall(r"\b\d+\b", first))
    if re.match(r"\W*\d", first) or len(numbers) != 1:
        return None
    n = numbers.pop()
    return f"Level {n}." if re.search(rf"\blevel {n}\b", first, re.I) else f"{n}."


_HAVE_FOR = re.compile(rf"\b(?P<n>\d+|{'|'.join(NUMBER_WORDS)})\s+(?P<unit>year|month)s?\b", re.I)
_AT_LEAST = re.compile(rf"\bat least (?P<n>\d+|{'|'.join(NUMBER_WORDS)})\s+(?P<unit>year|month)s?\b", re.I)


def short_of(context: str, text: str) -> str | None:
    """'No: ...' when the asker's figure ("I have had my licence for 1 year") is below the least the answer's
    lines ask for ("held for at least two years"), in the same unit; None otherwise."""
    had, least = _HAVE_FOR.search(context), _AT_LEAST.search(text)
    if had is None or least is None or had["unit"].lower() != least["unit"].lower():
        return None

    def value(n: str) -> int:
        return int(n) if n.isdigit() else NUMBER_WORDS.index(n.lower()) + 1

    if value(had["n"]) >= value(least["n"]):
        return None
    return f"No: the template asks for at least {least['n']} {least['unit'].lower()}s."
