"""Passages, embeddings, FAISS and keyword search over the knowledge records; the on-disk index.

>>> from index import make_embedder, open_index
>>> index = open_index(kb, make_embedder(), Path("~/.cache/rolebot/index"))
"""

from .batching import BatchingEmbedder
from .embedder import DEFAULT_MODEL, Embedder, EmbedderError, HashEmbedder, make_embedder
from .passages import Passage, build_passages
from .store import Hit, Index, StaleIndexError, build_index, load_index, open_index

__all__ = [
    "DEFAULT_MODEL",
    "BatchingEmbedder",
    "Embedder",
    "EmbedderError",
    "HashEmbedder",
    "Hit",
    "Index",
    "Passage",
    "StaleIndexError",
    "build_index",
    "build_passages",
    "load_index",
    "make_embedder",
    "open_index",
]
