"""Loading everything the bot needs from settings: knowledge, embedder, index, engine."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index import Embedder, Index, make_embedder, open_index
from knowledge import load_knowledge
from knowledge.records import KnowledgeBase

from .answering.engine import Engine
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    kb: KnowledgeBase
    embedder: Embedder
    index: Index
    engine: Engine
    index_dir: Path


def load_runtime(settings: Settings, rebuild: bool = False, embedder: Embedder | None = None) -> Runtime:
    """Parse the templates, load the model (one torch thread), and load (or build) the index."""
    kb = load_knowledge(settings.knowledge_dir)
    for error in kb.errors:
        log.error("template not served: %s", error)
    if embedder is None:
        if not settings.embedding_model.startswith("hash"):
            limit_torch_threads()
        embedder = make_embedder(settings.embedding_model)
    index = open_index(kb, embedder, settings.index_dir, rebuild=rebuild)
    return Runtime(kb, embedder, index, Engine(kb, index, embedder), settings.index_dir)


def limit_torch_threads(threads: int = 1) -> None:
    """One torch thread per process, set before the model loads. A question is a few ms of work that
    does not split well; with torch's default (one thread per core) its threads fight the event loop
    and the other worker for the cores, and a single question's p95 grows from about 22 to 400 ms."""
    import torch  # only where the real model is used: `import bot` stays fast

    torch.set_num_threads(threads)
    with contextlib.suppress(RuntimeError):  # allowed once, before any inter-op work; set already is fine
        torch.set_num_interop_threads(threads)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while the model and the index load: the collector would walk the
    growing heap again and again (about 0.6 s of a 5 s cold start). Follow with `settle_heap()`."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_heap(again: bool = False) -> None:
    """Take what is loaded (the model, the templates, the index: about half a million objects) out of
    the garbage collector's way. Otherwise every full collection walks all of it, a pause of about
    180 ms on the event loop in which no turn moves: the worst turn times under load. In a forking
    server, call it before the fork: the children inherit the frozen objects, and a collection no
    longer writes to their pages, so they stay shared. `again=True` after a new runtime is swapped in:
    the old one's objects are collected once (one such pause) before the new ones are frozen."""
    if again:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
