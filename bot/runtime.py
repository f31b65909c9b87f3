"""Loading everything the bot needs from settings: knowledge, embedder, index, engine."""

from __future__ import annotations

import logging
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
    """Parse the templates, load the model, and load (or build) the index."""
    kb = load_knowledge(settings.knowledge_dir)
    for error in kb.errors:
        log.error("template not served: %s", error)
    embedder = embedder or make_embedder(settings.embedding_model)
    index = open_index(kb, embedder, settings.index_dir, rebuild=rebuild)
    return Runtime(kb, embedder, index, Engine(kb, index, embedder), settings.index_dir)
