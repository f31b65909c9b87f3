"""Splitting list-like template values into items, keeping each item's original wording.

PDF extraction runs bulleted lists together: "Information Governance Safeguarding (Level 3)
Project/Programme Management Root cause analysis training ...". An item usually starts with a
capital letter; a new item starts where a capitalised word follows a lower-case word or a closing
bracket, where a capitalised word begins a sentence-case phrase after a title-case one, or where
a known topic name ends and another begins (`topics.txt`). A semicolon, or a line break the
author made inside a table cell (a '\n' from the PDF and Word readers), always ends an item. Items
are always exact substrings of the value, so they can be checked against the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .records import ExperienceKind

# Words that join the parts of one item: a capitalised word after them does not start a new item.
CONNECTORS = frozenset(
    [
        "a",
        "an",
        "and",
        "and/or",
        "as",
        "at",
        "by",
        "e.g.",
        "eg",
        "etc",
        "for",
        "from",
        "i.e.",
        "in",
        "including",
        "into",
        "of",
        "on",
        "or",
        "such",
        "the",
        "to",
        "via",
        "with",
        "within",
        "without",
        "&",
        "-",
        "–",
    ]
)
_TOPICS_FILE = Path(__file__).parent / "topics.txt"
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.\s+(?=[A-Z(])")


@lru_cache(maxsize=1)
def known_topics() -> tuple[tuple[str, ...], ...]:
    """The topic names from topics.txt, each as a tuple of normalised words."""
    topics = []
    for line in _TOPICS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            topics.append(_words(line))
    return tuple(sorted(set(topics), key=len, reverse=True))


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+(?:[-/][a-z0-9]+)*", text.lower()))


def _is_lower_word(token: str) -> bool:
    word = token.strip(",;:")
    return bool(word) and word[0].islower() and word.lower() not in CONNECTORS


def _is_acronym(token: str) -> bool:
    word = token.strip(",;:()")
    return len(word) >= 2 and word.isupper() and word.isalpha()


def _ends_topic(words: list[str]) -> bool:
    return any(len(t) <= len(words) and tuple(words[-len(t) :]) == t for t in known_topics())


def _starts_topic(words: list[str]) -> bool:
    return any(len(t) <= len(words) and tuple(words[: len(t)]) == t for t in known_topics())


def _inside_topic(before: list[str], after: list[str]) -> bool:
    """True when a known topic name spans the gap between `before` and `after`."""
    for topic in known_topics():
        for cut in range(1, len(topic)):
            if (
                len(before) >= cut
                and len(after) >= len(topic) - cut
                and tuple(before[-cut:]) == topic[:cut]
                and tuple(after[: len(topic) - cut]) == topic[cut:]
            ):
                return True
    return False


def split_items(value: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the items in `value`, trailing commas and spaces left out."""
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", value)]
    if not tokens:
        return []
    starts = [0]
    for i in range(1, len(tokens)):
        hard = "\n" in value[tokens[i - 1][1] : tokens[i][0]] or tokens[i - 1][2].endswith(";")
        if hard or _starts_item(tokens, i, starts[-1]):
            starts.append(i)
    spans = []
    for n, first in enumerate(starts):
        last = (starts[n + 1] if n + 1 < len(starts) else len(tokens)) - 1
        start, end = tokens[first][0], tokens[last][1]
        while end > start and value[end - 1] in ",; ":
            end -= 1
        spans.append((start, end))
    return spans


def _starts_item(tokens: list[tuple[int, int, str]], i: int, item_start: int) -> bool:
    token, prev = tokens[i][2], tokens[i - 1][2]
    if not token[:1].isupper():
        return False
    if prev.lower().strip(",;:") in CONNECTORS:
        return False
    before = [w for _, _, t in tokens[item_start:i] for w in _words(t)]
    after = [w for _, _, t in tokens[i:] for w in _words(t)]
    if _inside_topic(before, after):
        return False
    if _is_lower_word(prev) or prev.endswith(")") or _ends_level(tokens, i, item_start):
        return True
    # A title-case phrase followed by a sentence-case one: "Programme Management | Root cause".
    nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
    run_before = i - item_start
    if _is_lower_word(nxt) and not prev.endswith(",") and (run_before >= 2 or _is_acronym(prev)):
        return True
    # After a known topic, a new item starts with another topic or with a sentence-case phrase
    # ("Mental Health First Aid | Suicide and self-harm awareness"); after a longer title-case
    # phrase, with a known topic ("... Treatment Requirements | Mental Health First Aid").
    if _ends_topic(before):
        return _starts_topic(after) or nxt[:1].islower()
    return run_before >= 2 and _starts_topic(after)


def _ends_level(tokens: list[tuple[int, int, str]], i: int, item_start: int) -> bool:
    """True after 'Level 3' written without brackets that ends a title-case item ('Safeguarding
    Adults Level 2 | Basic Life Support'); not where a level names a qualification ('Level 3
    Diploma', 'a Level 3 Diploma')."""
    if i - 2 <= item_start or not tokens[i - 1][2].isdigit() or tokens[i - 2][2].lower() != "level":
        return False
    return tokens[i - 3][2][:1].isupper()


_WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")
_BROKEN = re.compile(r"([A-Za-z]+)(-?)\n([a-z]+)")


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """The words of a template (lower case), with those of the topic names."""
    words = {w.lower() for text in texts for w in _WORD.findall(text)}
    words.update(w for topic in known_topics() for w in topic)
    return frozenset(words)


def mend_broken_words(cell: str, words: frozenset[str]) -> str:
    """Join a word that a line break inside a cell cut in two ('Safe' / 'guarding', 'Trauma-' /
    'informed') where both halves make one word of `words`; any other break stays a break."""

    def mend(match: re.Match[str]) -> str:
        first, hyphen, rest = match.groups()
        for joined in (first + hyphen + rest, first + rest):
            if joined.lower() in words:
                return joined
        return match.group(0)

    return _BROKEN.sub(mend, cell)


def split_sentences(value: str) -> list[tuple[int, int]]:
    """Spans of the sentences in `value` (a full stop before a capital; not after e.g./i.e.)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(value):
        spans.append((start, match.start() + 1))
        start = match.end()
    if value[start:].strip():
        spans.append((start, len(value.rstrip())))
    return spans


def split_requirements(value: str) -> list[tuple[int, int]]:
    """Spans of the separate requirements in an 'Experience Required' value."""
    spans = []
    for s_start, s_end in split_sentences(value):
        sentence = value[s_start:s_end]
        for i_start, i_end in split_items(sentence):
            spans.append((s_start + i_start, s_start + i_end))
    return spans


_VETTING = re.compile(r"\bDBS\b|vetting|disclosure|barring|security clearance", re.IGNORECASE)
_QUALIFICATION = re.compile(
    r"qualification|\bNVQ\b|diploma|degree|certificat|registration|registered|accredited",
    re.IGNORECASE,
)
_EXPERIENCE = re.compile(r"experience|background|worked|working", re.IGNORECASE)


def requirement_kind(text: str) -> ExperienceKind:
    """What an experience requirement asks for: vetting, a qualification, or prior experience."""
    if _VETTING.search(text):
        return "vetting"
    if _QUALIFICATION.search(text):
        return "qualification"
    if _EXPERIENCE.search(text):
        return "experience"
    return "other"


def texts(value: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    return [value[a:b] for a, b in spans]
