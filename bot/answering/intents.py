"""What a question asks, from labelled examples, where the rules found no topic.

The rules (`understanding.py`) recognise topics from staff wording; a question they leave unsure
("what kind of things does an engagement worker help people with?") would go to retrieval. Each
topic here has a few example questions in staff words, naming no role and no template's content;
such a question is compared with them through the embedding model already loaded, and answered as
that topic when it is close to one topic's examples and clearly closer than to any other's.
"""

from __future__ import annotations

import numpy as np

from index.embedder import Embedder

# Cosine to the nearest example, and how much nearer than the best other topic's, for a topic to count.
THRESHOLD = 0.62
MARGIN = 0.1

EXAMPLES: dict[str, tuple[str, ...]] = {
    "scope": (
        "what does this role do day to day",
        "what is the role for",
        "what kind of work does the role involve",
        "who does the role work with and support",
        "which services and agencies does the role link people to",
        "what are the main duties of the job",
        "what will I be doing in this job",
        "what is the purpose of the post",
    ),
    "level": (
        "how much responsibility does the role carry",
        "how senior is this post",
        "how much autonomy will I have",
        "what is expected of someone at this level",
        "will I be supervising other staff",
        "what decisions can someone in this role make",
    ),
    "experience": (
        "what background do I need to apply",
        "what do I need before I can apply for this job",
        "what should we ask for in the job advert",
        "what previous work history is needed",
        "is a criminal record check needed",
    ),
    "training": (
        "what courses should I go on",
        "what learning will I need to do",
        "how is my development planned and reviewed",
        "what development opportunities are there",
    ),
    "competences": (
        "what skills does the role need",
        "what must someone in the role be able to do",
        "what standards is the role measured against",
    ),
    # Not in any template: a decline, not retrieval's nearest passage.
    "decline": (
        "how much does the job pay",
        "how many days of annual leave do I get",
        "what are the working hours and shift patterns",
        "can I claim travel expenses or mileage",
        "is there parking at work",
        "how do I report sickness absence",
        "what is the pension scheme",
        "can I work from home",
    ),
}


class IntentMatcher:
    """Nearest labelled example by cosine; the examples are embedded once, when first needed."""

    def __init__(self, embedder: Embedder, examples: dict[str, tuple[str, ...]] = EXAMPLES) -> None:
        self.embedder = embedder
        self.labels = [topic for topic, texts in examples.items() for _ in texts]
        self.texts = [text for texts in examples.values() for text in texts]
        self._matrix: np.ndarray | None = None

    def warm(self) -> None:
        if self._matrix is None:
            self._matrix = self.embedder.embed_batch(self.texts)

    def scores(self, vector: np.ndarray) -> dict[str, float]:
        """The best cosine per topic (vectors are normalised)."""
        self.warm()
        assert self._matrix is not None
        sims = self._matrix @ vector
        best: dict[str, float] = {}
        for label, sim in zip(self.labels, sims, strict=True):
            best[label] = max(best.get(label, -1.0), float(sim))
        return best

    def match(self, vector: np.ndarray | None) -> str | None:
        """The topic a question's vector is clearly nearest to, or None when unsure."""
        if vector is None:
            return None
        ranked = sorted(self.scores(vector).items(), key=lambda kv: -kv[1])
        (topic, first), (_, second) = ranked[0], ranked[1]
        return topic if first >= THRESHOLD and first - second >= MARGIN else None
