"""Embedding off the event loop, with questions that arrive together embedded as one batch.

>>> batcher = BatchingEmbedder(embedder)
>>> vector = await batcher.embed("what training do I need?")
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .embedder import Embedder


class BatchingEmbedder:
    """Collects texts for up to `max_wait` seconds (or `max_batch` texts) and embeds them in one
    `embed_batch` call on a worker thread, so the model never runs on the event loop."""

    def __init__(self, embedder: Embedder, max_wait: float = 0.01, max_batch: int = 64) -> None:
        self.embedder = embedder
        self.max_wait = max_wait
        self.max_batch = max_batch
        self._pending: list[tuple[str, asyncio.Future[np.ndarray]]] = []
        self._flush: asyncio.TimerHandle | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")

    async def embed(self, text: str) -> np.ndarray:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[np.ndarray] = loop.create_future()
        self._pending.append((text, future))
        if len(self._pending) >= self.max_batch:
            self._start_batch()
        elif self._flush is None:
            self._flush = loop.call_later(self.max_wait, self._start_batch)
        return await future

    def _start_batch(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        batch, self._pending = self._pending, []
        if batch:
            asyncio.get_running_loop().create_task(self._run(batch))

    async def _run(self, batch: list[tuple[str, asyncio.Future[np.ndarray]]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            vectors = await loop.run_in_executor(self._executor, self.embedder.embed_batch, [t for t, _ in batch])
        except Exception as exc:
            if len(batch) > 1:  # one bad text must not fail the others' questions: embed each alone
                for item in batch:
                    await self._run([item])
                return
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), vector in zip(batch, vectors, strict=True):
            if not future.done():
                future.set_result(vector)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
