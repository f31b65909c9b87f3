"""BM25 keyword search over passages (short keyword questions like "DBS" suit it best)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

STOPWORDS = frozenset(
    """
    a an and are as at be by can do does for from have has how i in is it its me my of on or our
    should so that the their them there they this to was we what when where which who why will with
    would you your need needs
    about any anything something say says said tell mention mentions mentioned cover know
    covered covers include includes included there other others
    s t d m ll re ve don doesn didn isn aren wasn weren won wouldn shouldn couldn
    """.split()  # the second line: what is left of "what's", "one's", "don't"
)


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'trainings'/'training', 'competences'/'competence'."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            break
    # 'supervise'/'supervision', 'worker'/'working', 'commissioners'/'commissioning': up to two more
    # suffixes (-er, then -ion), kept to long words.
    for suffix in ("er", "ion"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
    # 'agree'/'agreed', 'practice'/'practices': drop a final e so both forms meet.
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def tokenize(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS]


class BM25:
    """Okapi BM25 over a fixed list of documents."""

    def __init__(self, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        # Templates share most passages word for word: each distinct text is counted and scored once.
        position: dict[str, int] = {}
        self._of = [position.setdefault(d, len(position)) for d in documents]
        self._distinct = [Counter(tokenize(d)) for d in position]
        self._distinct_lengths = [sum(c.values()) for c in self._distinct]
        self.docs = [self._distinct[i] for i in self._of]
        self.lengths = [sum(c.values()) for c in self.docs]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        df: Counter[str] = Counter()
        for counts in self.docs:
            df.update(counts.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)

    def scores(self, query: str) -> list[float]:
        terms = [t for t in tokenize(query) if t in self.idf]
        per_text = []
        for counts, length in zip(self._distinct, self._distinct_lengths, strict=True):
            score = 0.0
            for term in terms:
                tf = counts.get(term, 0)
                if tf:
                    norm = tf + self.k1 * (1 - self.b + self.b * length / (self.avg or 1))
                    score += self.idf[term] * tf * (self.k1 + 1) / norm
            per_text.append(score)
        return [per_text[i] for i in self._of]

    def coverage(self, query: str) -> list[float]:
        """Per document, the IDF-weighted share of the query's terms it contains (words the
        documents never use count fully against every document)."""
        terms = list(dict.fromkeys(tokenize(query)))
        weights = {t: self.idf.get(t, self.unseen_idf) for t in terms}
        total = sum(weights.values())
        if not total:
            return [0.0] * len(self.docs)
        per_text = [sum(w for t, w in weights.items() if t in counts) / total for counts in self._distinct]
        return [per_text[i] for i in self._of]
