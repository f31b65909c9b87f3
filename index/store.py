"""The on-disk index: a folder with a manifest, passages and a FAISS index; plus hybrid search.

    >>> index = open_index(kb, embedder, Path("~/.cache/rolebot/index"))   # load, or build if stale
    >>> hits = index.search("dbs check", embedder.embed("dbs check"), roles={kb.profiles[0].role})

The folder is built in a temporary sibling and renamed into place. An index whose manifest does
not match (format, model, dimension, knowledge hash) or whose files are corrupt is never served:
`open_index` rebuilds it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from knowledge import RolebotError
from knowledge.records import KnowledgeBase, SourceRef

from .embedder import Embedder
from .keyword import BM25
from .passages import ENTRY_KINDS, Passage, build_passages

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: sources carry their location (page, table or lines); 3: the entries' own words embedded
MANIFEST = "manifest.json"
PASSAGES = "passages.json"
VECTORS = "vectors.faiss"
QUOTES = "quotes.npy"  # one row per entry passage (ENTRY_KINDS), in passage order: the embedding of its quote
RRF_K = 60


class StaleIndexError(RolebotError):
    """The on-disk index is missing, stale or corrupt (it will be rebuilt)."""


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with its fused score and what each retriever said."""

    passage: Passage
    score: float
    cosine: float
    keyword: float
    coverage: float
    dense_rank: int | None
    keyword_rank: int | None


class Index:
    """Passages with their dense vectors (FAISS, inner product on unit vectors) and BM25; and, for each
    entry passage, the vector of its own words (`quotes`, one row per entry in passage order)."""

    def __init__(
        self, passages: list[Passage], vectors: faiss.Index, manifest: dict[str, Any], quotes: np.ndarray
    ) -> None:
        if vectors.ntotal != len(passages):
            raise StaleIndexError(f"index holds {vectors.ntotal} vectors for {len(passages)} passages")
        entries = [p for p in passages if p.kind in ENTRY_KINDS]
        if quotes.shape != (len(entries), vectors.d):
            raise StaleIndexError(f"index holds {quotes.shape[0]} entry vectors for {len(entries)} entries")
        self.passages = passages
        self.vectors = vectors
        self.manifest = manifest
        self.quotes = quotes
        self.keyword = BM25([p.text for p in passages])
        self._entries: dict[str | None, list[tuple[Passage, np.ndarray]]] = {}
        for passage, row in zip(entries, quotes, strict=True):
            self._entries.setdefault(passage.role, []).append((passage, row))

    def entries(self, role: str) -> list[tuple[Passage, np.ndarray]]:
        """A template's entries, each with the embedding of its own words."""
        return self._entries.get(role, [])

    def search(
        self,
        query: str,
        vector: np.ndarray | None,
        roles: Collection[str] | None = None,
        k: int = 8,
        kinds: Collection[str] | None = None,
        include_general: bool = True,
    ) -> list[Hit]:
        """Fused (reciprocal rank) dense + keyword hits, filtered to `roles` (and general text)."""
        allowed = [
            i
            for i, p in enumerate(self.passages)
            if (roles is None or p.role in roles or (p.role is None and include_general))
            and (kinds is None or p.kind in kinds)
        ]
        if not allowed:
            return []
        cosine = np.zeros(len(self.passages), dtype=np.float32)
        if vector is not None:
            scores, ids = self.vectors.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), self.vectors.ntotal)
            cosine[ids[0]] = scores[0]
        keyword = np.asarray(self.keyword.scores(query), dtype=np.float32)
        coverage = self.keyword.coverage(query)
        dense_order = sorted(allowed, key=lambda i: -cosine[i]) if vector is not None else []
        keyword_order = [i for i in sorted(allowed, key=lambda i: -keyword[i]) if keyword[i] > 0]
        dense_rank = {i: r for r, i in enumerate(dense_order)}
        keyword_rank = {i: r for r, i in enumerate(keyword_order)}
        fused = {
            i: (1 / (RRF_K + dense_rank[i]) if i in dense_rank else 0.0)
            + (1 / (RRF_K + keyword_rank[i]) if i in keyword_rank else 0.0)
            for i in allowed
        }
        best = sorted(allowed, key=lambda i: -fused[i])[:k]
        return [
            Hit(
                self.passages[i],
                fused[i],
                float(cosine[i]),
                float(keyword[i]),
                coverage[i],
                dense_rank.get(i),
                keyword_rank.get(i),
            )
            for i in best
        ]

    def summary(self) -> dict[str, Any]:
        keys = ("format_version", "model", "dimension", "knowledge_hash", "passages", "roles", "built_at")
        return {k: self.manifest.get(k) for k in keys}


def build_index(kb: KnowledgeBase, embedder: Embedder, directory: Path, previous: Index | None = None) -> Index:
    """Embed every passage and write the index folder atomically (temp folder, then rename). With
    `previous` (the index in service, on a reload), texts it holds are not embedded again."""
    started = time.perf_counter()
    passages = build_passages(kb)
    known = _known_vectors(embedder, previous)
    vectors = _embed_distinct([p.text for p in passages], embedder, known)
    quotes = _embed_distinct([p.quote for p in passages if p.kind in ENTRY_KINDS], embedder, known)
    flat = faiss.IndexFlatIP(embedder.dimension)
    flat.add(vectors)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "dimension": embedder.dimension,
        "knowledge_hash": kb.fingerprint,
        "passages": len(passages),
        "roles": [p.role for p in kb.profiles],
        # What each file contributed, so `rolebot knowledge` can say which version a server serves.
        "templates": [
            {"file": f.file, "status": f.status, "sha256": f.digest, "role": f.role or None}
            for f in kb.files
            if f.parsed is not None
        ],
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    directory = directory.expanduser()
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        (tmp / PASSAGES).write_text(json.dumps([_record(p) for p in passages], ensure_ascii=False), encoding="utf-8")
        faiss.write_index(flat, str(tmp / VECTORS))
        np.save(tmp / QUOTES, quotes, allow_pickle=False)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info(
        "index built: %d passages, model %s, in %.1fs",
        len(passages),
        embedder.name,
        manifest["build_seconds"],
    )
    return Index(passages, flat, manifest, quotes)


def _record(p: Passage) -> dict[str, Any]:
    """A passage as JSON: what `asdict` gives (flat fields and the source's), without its deep copies,
    about a second for the 13,390 passages of 200 templates."""
    return {**vars(p), "source": vars(p.source).copy()}


def _known_vectors(embedder: Embedder, previous: Index | None) -> dict[str, np.ndarray]:
    """The texts the previous index embedded with the same model (passage texts and entries' words), by text."""
    if (
        previous is None
        or previous.manifest.get("model") != embedder.name
        or previous.vectors.d != embedder.dimension
        or not previous.vectors.ntotal
    ):
        return {}
    rows = previous.vectors.reconstruct_n(0, previous.vectors.ntotal)
    known = {p.text: rows[i] for i, p in enumerate(previous.passages)}
    entries = [p for p in previous.passages if p.kind in ENTRY_KINDS]
    known.update((p.quote, row) for p, row in zip(entries, previous.quotes, strict=True))
    return known


def _embed_distinct(texts: list[str], embedder: Embedder, known: dict[str, np.ndarray]) -> np.ndarray:
    """One vector per text, embedding each distinct text once: templates of one family share most
    of their competence passages word for word (200 templates: 13,390 passages, 1,673 distinct
    texts). A text in `known` (the previous index's, or embedded for an earlier call) is not embedded
    again; the new ones are added to it."""
    new = [t for t in dict.fromkeys(texts) if t not in known]
    if new:
        known.update(zip(new, embedder.embed_batch(new).astype(np.float32), strict=True))
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)


def _replace(new: Path, target: Path, attempts: int = 5) -> None:
    """Move the freshly built folder into place. Another process (`rolebot index` while the server
    reloads) may be doing the same at the same moment: one of them wins, neither fails."""
    for attempt in range(attempts):
        old: Path | None = target.with_name(f".{target.name}-old-{os.getpid()}-{time.time_ns()}")
        try:
            target.rename(old)  # type: ignore[arg-type]
        except FileNotFoundError:
            old = None
        try:
            new.rename(target)
        except OSError:
            # Another process put its index there after we moved the old one away.
            if old is not None:
                if not target.exists():
                    old.rename(target)
                else:
                    shutil.rmtree(old, ignore_errors=True)
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
            continue
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return


def load_index(kb: KnowledgeBase, embedder: Embedder, directory: Path) -> Index:
    """Load an index folder, refusing (StaleIndexError) one that is stale or corrupt."""
    directory = directory.expanduser()
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StaleIndexError(f"no index at {directory}") from None
    except (OSError, ValueError) as exc:
        raise StaleIndexError(f"index manifest at {directory} is unreadable: {exc}") from None
    expected = {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "dimension": embedder.dimension,
        "knowledge_hash": kb.fingerprint,
    }
    for key, value in expected.items():
        if not isinstance(manifest, dict) or manifest.get(key) != value:
            found = manifest.get(key) if isinstance(manifest, dict) else None
            raise StaleIndexError(f"index at {directory} is stale: {key} is {found!r}, expected {value!r}")
    try:
        raw = json.loads((directory / PASSAGES).read_text(encoding="utf-8"))
        passages = [Passage(**{**p, "source": SourceRef(**p["source"])}) for p in raw]
        vectors = faiss.read_index(str(directory / VECTORS))
        quotes = np.load(directory / QUOTES, allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise StaleIndexError(f"index at {directory} is corrupt: {exc}") from None
    if vectors.d != embedder.dimension or len(passages) != manifest.get("passages"):
        raise StaleIndexError(f"index at {directory} is corrupt: sizes do not match its manifest")
    return Index(passages, vectors, manifest, np.asarray(quotes, dtype=np.float32))


def open_index(
    kb: KnowledgeBase, embedder: Embedder, directory: Path, rebuild: bool = False, previous: Index | None = None
) -> Index:
    """Load the index, or build it when missing, stale or corrupt (or when `rebuild`); `previous`: the
    index in service, whose vectors a rebuild reuses for the passages that did not change."""
    if not rebuild:
        try:
            return load_index(kb, embedder, directory)
        except StaleIndexError as exc:
            log.warning("%s; rebuilding", exc)
    return build_index(kb, embedder, directory, previous)
