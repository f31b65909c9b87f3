"""The direct first word of a yes/no question, read from the lines of the answer under it.

"does the PTS driver role need a driving licence?" answered with the Experience Required line
"Full UK driving licence held for at least two years" starts "Yes.": a cited line of every role the
question asks about holds every word of substance it asks about, and every number it names. Anything
less (a number that differs, a word no cited line holds, a negated or either/or question) gets no
first word from here: the lines speak for themselves, and a wrong "Yes" is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from .answer import Answer
from .understanding import words
from .wording import stem

# A question whose "Yes" would be ambiguous: negated ("doesn't need"), restricted ("only the SM"), either/or.
_UNSURE = re.compile(r"n't\b|\bnot\b|\bno\b|\bnever\b|\bwithout\b|\bonly\b|\bexcept\b|\bor\b|\binstead\b", re.I)

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
_NUMBER_WORDS = dict(
    zip(map(str, range(1, 13)), "one two three four five six seven eight nine ten eleven twelve".split(), strict=True)
)


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


def _holds(line: str, stems: Collection[str], numbers: Collection[str]) -> bool:
    """Whether `line` uses every stem ("fund" in "Funded", "annually" in "Annual") and every number."""
    said = words(line)
    said_stems = {stem(w) for w in said}
    return all(
        s in said_stems or any(w.startswith(s) or (len(w) >= 5 and s.startswith(w)) for w in said) for s in stems
    ) and all(n in said or _NUMBER_WORDS.get(n) in said for n in numbers)


def _stems(subject: Sequence[str]) -> set[str]:
    return {stem(w) for w in subject if not w.isdigit()}


def _said_by_all(answer: Answer, roles: Collection[str], stems: set[str], numbers: Collection[str]) -> bool:
    lines = cited_lines(answer)
    return bool(stems) and all(any(_holds(line, stems, numbers) for line in lines.get(role, ())) for role in roles)


def settle(
    question: str,
    answer: Answer,
    roles: Collection[str],
    subject: Sequence[str],
    numbers: Collection[str],
    said: Mapping[str, Sequence[str]],
) -> Answer:
    """The answer to the yes/no `question`, its first word checked against its own cited lines: `subject`
    is the question's words of substance and `numbers` the numbers it asks about, neither counting its
    role mentions; `said` is every line each role's template has.

    - "Yes" first when a cited line of every role in `roles` holds all of it, also in place of a "No"
      those lines contradict ("No, not in those words: ..." over "Funded by the employer for the MSc");
    - "No" when the one role's cited line names the subject with another number and no line of its
      template has that number ("safeguarding adults level 3?" over "Safeguarding Adults (Level 2)").
    Any other answer is kept as it is."""
    stems = _stems(subject)
    if answer.declined or not answer.citations or not roles or not stems or _UNSURE.search(question):
        return answer
    first, _, rest = answer.text.partition("\n")
    # a bare "No" or one that only found no entry in the question's words; not "No, not necessarily: ..."
    plain_no = re.match(r"^\W*no(?:\W*$|, not in those words\b)", first, re.I) and not _MARK.search(first)
    plain_yes = re.match(r"^\W*yes\b", first, re.I) and not _MARK.search(first)
    if numbers and len(roles) == 1 and (not _DIRECT.match(first) or plain_yes):
        role = next(iter(roles))
        named = [line for line in cited_lines(answer).get(role, ()) if _holds(line, stems, ())]
        if named and not any(_holds(line, stems, numbers) for line in said.get(role, ())):
            kind = "level" if re.search(rf"\blevel\s*(?:{'|'.join(numbers)})\b", question, re.I) else "figure"
            lead = f"No: the template gives a different {kind}."
            return replace(answer, text=f"{lead}\n{rest}" if plain_yes else f"{lead}\n{answer.text}")
    if (_DIRECT.match(first) and not plain_no) or not _said_by_all(answer, roles, stems, numbers):
        return answer
    if plain_no and _PLACES.search(question):
        return answer
    if plain_no:
        return replace(answer, text=f"Yes. The template says:\n{rest}" if first.endswith(":") else f"Yes.\n{rest}")
    return replace(answer, text=f"Yes.\n{answer.text}")
