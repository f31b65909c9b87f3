"""Spelling correction against the knowledge's own vocabulary, before anything else reads a question.

    >>> speller = Speller(["strategic", "manager", "meetings", "chair"])
    >>> speller.correct("does the stratigic manger need to chair meetigns")
    'does the strategic manager need to chair meetings'

The vocabulary is the words of the loaded templates (role names, sections, competence titles,
learning entries) plus ordinary English question words; nothing names a role by hand. English
word frequencies (the list symspellpy ships) keep real words as they are: "parking" stays
"parking", while "manger", a rare word one letter from the template word "manager", is corrected.
Distances are optimal string alignment (a swapped pair of letters is one edit), from rapidfuzz.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

# Ordinary English that questions about role profiles use (not from any template).
QUESTION_WORDS = """
which what where when whose does need needs needed require required requires requirement
requirements before after should would could must have their there about training trained course
courses learning qualification qualifications qualified experience experienced competence competences
competency competencies mandatory statutory compulsory template templates profile profiles level
levels role roles difference different compare between both either other starting start starts
joining manager managers worker workers list many much total number count include included
including mention mentions mentioned safeguarding supervision vetting clearance clearances
appraisal funding frequency informal formal endorsed specific locality core principle principles
function functions responsible responsibilities duties scope descriptor leave salary recruit
recruiting recruitment induction onboarding checklist through first month week next anything
something everything explain describe mean meaning practice similar same expected expect
reword rephrase rewrite tweak amend adapt
final finalised draft status version latest published current
""".split()
# A word is left alone when it is this common in English (per million of the list's total count)...
_COMMON = 1_000_000
# ...or when it is at least a 20th as common as the template word it is close to.
_RATIO = 20


@lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    """English word frequencies from the dictionary symspellpy ships (82,765 words)."""
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition(" ")
        if count.isdigit():
            counts[word] = int(count)
    return counts


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def _allowed(word: str) -> int:
    """Edits allowed for a word of this length: short words are easily mistaken for others."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


class Speller:
    """Corrects misspelled words to the vocabulary of the loaded templates."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        words = {w.lower() for w in vocabulary if w.isalpha() and len(w) >= 3}
        self.vocabulary = sorted(words | set(QUESTION_WORDS))
        self.known = set(self.vocabulary)
        self.english = english_counts()

    def correct_word(self, word: str) -> str:
        lowered = word.lower()
        if len(lowered) < 4 or not lowered.isalpha() or lowered in self.known or (word.isupper() and len(word) <= 5):
            return word
        count = self.english.get(lowered, 0)
        if count >= _COMMON:
            return word
        limit = _allowed(lowered)
        candidates = extract(lowered, self.vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not candidates:
            return self._split(word)
        # Nearest first; among equals, a word the typed one is missing letters of ("wich": "which",
        # not "with"), then the commoner word.
        best = min(candidates, key=lambda c: (c[1], not _subsequence(lowered, c[0]), -self.english.get(c[0], 0), c[0]))
        target, distance = best[0], best[1]
        if count and (distance > 1 or count * _RATIO > max(self.english.get(target, 0), 1)):
            return word  # a real, not-so-rare English word: leave it
        if lowered[0] != target[0] and distance > 1:
            return word  # a wrong first letter and more is another word, not a typo
        return target

    def _split(self, word: str) -> str:
        """A missing space between two template words: "rolespecific" -> "role specific"."""
        lowered = word.lower()
        for i in range(3, len(lowered) - 2):
            left, right = lowered[:i], lowered[i:]
            if left in self.known and right in self.known:
                return f"{left} {right}"
        for i in range(3, len(lowered) - 3):  # and one of them misspelled: "lonewroking"
            left, right = lowered[:i], lowered[i:]
            if left in self.known and len(right) >= 5 and (mended := self.correct_word(right)) in self.known:
                return f"{left} {mended}"
        return word

    def correct(self, text: str) -> str:
        # "doesn't" is left whole ("doesn" alone is no word to mend); a possessive's word is mended.
        def mend(m: re.Match[str]) -> str:
            head, apostrophe, tail = m.group(1), m.group(2) or "", m.group(3) or ""
            if tail.lower() == "t":
                return m.group(0)
            return self.correct_word(head) + apostrophe + tail

        return re.sub(r"([A-Za-z]+)(?:(['’])([A-Za-z]+))?", mend, text)


_CAPITALS = re.compile(r"\b([A-Z]{3,5})(s?)\b")  # two letters ("ED", "IG") are too often something else
_INITIALS_SKIP = frozenset("and of the to in for a an with or on by at".split())


def phrase_initials(texts: Iterable[str]) -> dict[str, str]:
    """The phrases of the templates (2 to 5 words) by their initials ("PGD": "patient group direction"), where
    one phrase is clearly the most used for those initials."""
    found: dict[str, Counter[str]] = {}
    for text in texts:
        tokens = re.findall(r"[A-Za-z]+", text.lower())
        for size in range(2, 6):
            for i in range(len(tokens) - size + 1):
                phrase = tokens[i : i + size]
                if phrase[0] in _INITIALS_SKIP or phrase[-1] in _INITIALS_SKIP:
                    continue
                letters = "".join(w[0] for w in phrase if w not in _INITIALS_SKIP).upper()
                if 2 <= len(letters) <= 5:
                    found.setdefault(letters, Counter())[" ".join(phrase)] += 1
    out = {}
    for letters, counts in found.items():
        (best, n), *rest = [*counts.most_common(2), ("", 0)]
        if n > rest[0][1]:
            out[letters] = best
    return out


def spell_out(text: str, initials: dict[str, str], keep: Callable[[str], bool]) -> str:
    """Capitals that are the initials of a phrase the templates use, written out ("PGDs" -> "patient group
    directions"), unless `keep` says the token means something as it is (a template word, a role's initials)."""

    def expand(m: re.Match[str]) -> str:
        token, letters, plural = m.group(0), m.group(1), m.group(2)
        if keep(token) or keep(letters):
            return token
        phrase = initials.get(letters)
        return f"{phrase}{'s' if plural and not phrase.endswith('s') else ''}" if phrase else token

    return _CAPITALS.sub(expand, text)
