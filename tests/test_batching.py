from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import numpy as np
import pytest

from index import BatchingEmbedder, HashEmbedder


class Recording(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(16)
        self.calls: list[list[str]] = []
        self.threads: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.threads.append(threading.current_thread().name)
        return super().embed_batch(texts)


async def test_questions_arriving_together_are_one_batch_off_the_loop() -> None:
    embedder = Recording()
    batcher = BatchingEmbedder(embedder, max_wait=0.02)
    texts = [f"question {i}" for i in range(5)]
    vectors = await asyncio.gather(*(batcher.embed(t) for t in texts))
    assert embedder.calls == [texts]
    assert embedder.threads[0] != threading.current_thread().name
    for text, vector in zip(texts, vectors, strict=True):
        assert np.allclose(vector, HashEmbedder(16).embed(text))
    batcher.close()


async def test_batches_are_capped_and_errors_reach_every_caller() -> None:
    embedder = Recording()
    batcher = BatchingEmbedder(embedder, max_wait=0.05, max_batch=2)
    await asyncio.gather(*(batcher.embed(str(i)) for i in range(4)))
    assert [len(c) for c in embedder.calls] == [2, 2]

    class Broken(HashEmbedder):
        def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("model failed")

    broken = BatchingEmbedder(Broken(8), max_wait=0.01)
    results = await asyncio.gather(broken.embed("a"), broken.embed("b"), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    with pytest.raises(RuntimeError, match="model failed"):
        await broken.embed("c")
    batcher.close()
    broken.close()


@pytest.mark.model
async def test_one_bad_text_does_not_fail_the_others_in_its_batch(model_runtime) -> None:
    # A lone surrogate makes the real tokenizer refuse the whole batch; the other questions must still
    # get their vectors.
    embedder = model_runtime.embedder
    batcher = BatchingEmbedder(embedder, max_wait=0.05)
    good = ["what level is the strategic manager?", "what training does an engagement worker need?"]
    results = await asyncio.gather(
        batcher.embed(good[0]), batcher.embed("broken \ud800 text"), batcher.embed(good[1]), return_exceptions=True
    )
    assert isinstance(results[1], Exception)
    for text, vector in zip(good, (results[0], results[2]), strict=True):
        assert isinstance(vector, np.ndarray) and np.allclose(vector, embedder.embed(text), atol=1e-5)
    batcher.close()
