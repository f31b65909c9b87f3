"""Intent from labelled examples: a topic only when the question is close to its examples and clearly
closer than to any other topic's; on the real model, where the rules found no topic."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bot.answering.intents import EXAMPLES, IntentMatcher
from index.embedder import Embedder

from .conftest import ask_turns


class AxisEmbedder(Embedder):
    """Each text is a unit vector on the axis of the first known word it contains (a stand-in model)."""

    name = "axis"
    dimension = 4
    axes = ("scope", "level", "pay", "other")

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            axis = next((i for i, a in enumerate(self.axes) if a in text), 3)
            rows.append(np.eye(self.dimension, dtype=np.float32)[axis])
        return np.stack(rows)


def test_a_topic_only_when_clearly_nearest() -> None:
    embedder = AxisEmbedder()
    matcher = IntentMatcher(
        embedder, {"scope": ("scope of it",), "level": ("level of it",), "decline": ("pay for it",)}
    )
    assert matcher.match(embedder.embed("the scope")) == "scope"
    assert matcher.match(embedder.embed("pay")) == "decline"
    assert matcher.match(embedder.embed("something else")) is None, "far from every example"
    between = (embedder.embed("scope") + embedder.embed("level")) / np.sqrt(2)
    assert matcher.match(between) is None, "as close to two topics: unsure"
    assert matcher.match(None) is None


def test_the_examples_name_no_role_and_no_template_content(kb) -> None:
    names = {w.lower() for p in kb.profiles for w in (p.short_name + " " + p.area_of_work).split()}
    titles = {c.title.lower() for p in kb.profiles for c in p.competences}
    for topic, texts in EXAMPLES.items():
        assert len(texts) >= 3, topic
        for text in texts:
            assert not names & set(text.lower().split()) - {"and", "service"}, text
            assert not any(title in text for title in titles), text


@pytest.mark.model
def test_unsure_rules_are_settled_by_the_examples(model_runtime) -> None:
    # "supervise other staff" is the level's responsibility, not the competence "Make use of supervision"
    answer = ask_turns(model_runtime, "Can an engagement worker supervise other staff?")
    assert "responsibility for supervision of some staff" in answer.text
    assert "Make use of supervision" not in answer.text
    assert ask_turns(model_runtime, "can I claim travel expenses as a strategic manager?").declined
