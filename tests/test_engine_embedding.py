"""The engine embeds a question only when its answer needs retrieval, and caches the embedding."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bot.answering.engine import VECTOR_CACHE_SIZE, Engine, VectorNeeded
from index.embedder import Embedder

pytestmark = pytest.mark.model


class Counting(Embedder):
    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed_batch(texts)


@pytest.fixture
def counted(model_runtime) -> tuple[Engine, Counting]:
    embedder = Counting(model_runtime.embedder)
    engine = Engine(model_runtime.kb, model_runtime.index, embedder)
    assert embedder.texts == (list(engine.intents.texts) if engine.intents else [])  # examples: once, at start
    embedder.texts.clear()  # what follows counts the questions' embeddings
    return engine, embedder


def test_a_question_answered_from_the_records_is_not_embedded(counted) -> None:
    engine, embedder = counted
    answer, _ = engine.answer("what training does an engagement worker need?")
    assert answer.topic == "training" and not answer.declined
    assert embedder.texts == []


def test_a_free_question_is_embedded_once_and_then_served_from_the_cache(counted) -> None:
    engine, embedder = counted
    # (a question about a subject a role's template names is now answered from the records, and a term of the
    # shared introduction from its passages; this one is about the framework in other words, so retrieval
    # answers it)
    question = "who approves the national occupational standards?"
    first, _ = engine.answer(question)
    again, _ = engine.answer(question)
    assert embedder.texts == [engine.retrieval_text(question)]
    assert not first.declined and first.citations
    assert first.text == again.text and first.citations == again.citations


def test_without_embedding_the_engine_asks_for_the_vector_and_uses_it(counted, model_runtime) -> None:
    engine, embedder = counted
    question = "what is root cause analysis?"
    with pytest.raises(VectorNeeded) as needed:
        engine.answer(question, embed=False)
    assert needed.value.text == engine.retrieval_text(question)
    vector = model_runtime.embedder.embed(needed.value.text)
    answer, _ = engine.answer(question, vector=vector, embed=False)
    assert answer.citations and embedder.texts == []
    assert engine.answer(question, embed=False)[0].text == answer.text  # cached from the given vector
    # and the same as the engine finds embedding it itself
    fresh = Engine(model_runtime.kb, model_runtime.index, model_runtime.embedder)
    assert fresh.answer(question)[0].text == answer.text


def test_the_cache_is_bounded(counted, monkeypatch) -> None:
    engine, _ = counted
    monkeypatch.setattr("bot.answering.engine.VECTOR_CACHE_SIZE", 2)
    for n in range(4):
        engine._remember(f"question {n}", np.zeros(engine.embedder.dimension, dtype=np.float32))
    assert list(engine._vectors) == ["question 2", "question 3"]
    assert VECTOR_CACHE_SIZE >= 1000


def test_an_engine_built_on_a_reload_does_not_embed_the_intent_examples_again(model_runtime) -> None:
    embedder = Counting(model_runtime.embedder)
    first = Engine(model_runtime.kb, model_runtime.index, embedder)
    embedded = len(embedder.texts)
    second = Engine(model_runtime.kb, model_runtime.index, embedder)  # as Reloader._build makes it
    assert embedded and len(embedder.texts) == embedded and second.intents is first.intents
