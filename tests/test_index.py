from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
import pytest

from index import HashEmbedder, StaleIndexError, build_index, build_passages, load_index, open_index
from index.keyword import BM25, stem, tokenize
from index.passages import ENTRY_KINDS
from knowledge.records import KnowledgeBase


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder(128)


def test_passages_cover_every_record_once_with_role_and_source(kb: KnowledgeBase) -> None:
    passages = build_passages(kb)
    ids = [p.id for p in passages]
    assert len(ids) == len(set(ids))
    competences = [p for p in passages if p.kind == "competence"]
    assert len(competences) == sum(len(p.competences) for p in kb.profiles)
    budgets = next(p for p in competences if p.quote == "Manage budgets")
    assert budgets.role == "Liaison and Diversion Strategic Manager"
    assert "H. Management and Administration" in budgets.text and "Manage a budget" in budgets.text
    general = [p for p in passages if p.kind == "general"]
    assert len(general) == len(kb.general)
    assert all(p.role is None for p in general)
    assert all(p.source.file for p in passages)


def test_build_writes_a_folder_with_a_manifest(kb: KnowledgeBase, embedder: HashEmbedder, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    index = build_index(kb, embedder, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format_version"] == 3
    assert manifest["model"] == "hash-128" and manifest["dimension"] == 128
    assert manifest["knowledge_hash"] == kb.fingerprint
    assert manifest["passages"] == len(index.passages) == index.vectors.ntotal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # no temporary folders left
    loaded = load_index(kb, embedder, folder)
    assert [p.id for p in loaded.passages] == [p.id for p in index.passages]


def test_stale_index_is_refused_and_rebuilt(kb: KnowledgeBase, embedder: HashEmbedder, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    build_index(kb, embedder, folder)
    with pytest.raises(StaleIndexError, match="model"):
        load_index(kb, HashEmbedder(64), folder)
    other = KnowledgeBase(kb.profiles, kb.general, fingerprint="0" * 64)
    with pytest.raises(StaleIndexError, match="knowledge_hash"):
        load_index(other, embedder, folder)
    rebuilt = open_index(other, embedder, folder)
    assert rebuilt.manifest["knowledge_hash"] == "0" * 64
    assert json.loads((folder / "manifest.json").read_text())["knowledge_hash"] == "0" * 64


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "vectors.faiss").write_bytes(b"not faiss"), "corrupt"),
        (lambda f: (f / "passages.json").write_text("[{"), "corrupt"),
        (lambda f: (f / "passages.json").write_text("[]"), "corrupt"),
        (lambda f: (f / "manifest.json").write_text("{oops"), "unreadable"),
        (lambda f: (f / "manifest.json").unlink(), "no index"),
        (lambda f: (f / "quotes.npy").write_bytes(b"not numpy"), "corrupt"),
        (lambda f: (f / "quotes.npy").unlink(), "corrupt"),
        (lambda f: np.save(f / "quotes.npy", np.zeros((3, 128), dtype=np.float32)), "entry vectors"),
    ],
)
def test_corrupt_index_is_never_served(kb, embedder, tmp_path: Path, damage, message: str) -> None:
    folder = tmp_path / "index"
    good = build_index(kb, embedder, folder)
    damage(folder)
    with pytest.raises(StaleIndexError, match=message):
        load_index(kb, embedder, folder)
    rebuilt = open_index(kb, embedder, folder)
    assert len(rebuilt.passages) == len(good.passages)
    assert load_index(kb, embedder, folder).vectors.ntotal == len(good.passages)


def test_search_filters_by_role_and_fuses(kb: KnowledgeBase, embedder: HashEmbedder, tmp_path: Path) -> None:
    index = build_index(kb, embedder, tmp_path / "index")
    ew, sm = (p.role for p in kb.profiles)
    hits = index.search("manage budgets", embedder.embed("manage budgets"), roles={sm}, k=3)
    assert hits[0].passage.quote == "Manage budgets"
    assert all(h.passage.role in (sm, None) for h in hits)
    ew_only = index.search("manage budgets", embedder.embed("manage budgets"), roles={ew}, kinds={"competence"}, k=50)
    assert "Manage budgets" not in [h.passage.quote for h in ew_only]
    only_general = index.search("career framework", None, roles=set(), k=5)
    assert only_general and all(h.passage.role is None for h in only_general)
    # Keyword only (no vector): a short keyword question still finds its row.
    dbs = index.search("DBS", None, roles={ew}, k=3)
    assert "DBS clearance" in dbs[0].passage.quote and dbs[0].coverage == 1.0
    assert dbs[0].dense_rank is None and dbs[0].keyword_rank == 0


def test_bm25_and_stemming() -> None:
    assert stem("competences") == stem("competence")
    assert stem("agreed") == stem("agree")
    assert stem("supervise") == stem("supervision")
    assert stem("workers") == stem("working") == stem("worker")
    assert stem("commissioners") == stem("commissioning") == stem("commission")
    assert tokenize("What are the trainings?") == ["training"]
    assert tokenize("what's the KSF? one's own") == ["ksf", "one", "own"]  # no stray 's' to match
    assert tokenize("does the template say anything about young people") == ["templat", "young", "peopl"]
    # 'working' and 'workers' meet, so both documents match the question equally.
    same = BM25(["lone working policy", "manage lone workers", "budget"]).scores("lone workers")
    assert same[0] == pytest.approx(same[1]) and same[1] > same[2] == 0
    bm25 = BM25(["lone policy", "manage lone workers", "budget"])
    scores = bm25.scores("lone workers")
    assert scores[1] > scores[0] > scores[2] == 0
    # IDF-weighted: doc 0 has only 'lone' (in 2 of 3 docs), the rarer 'workers' weighs more.
    idf_lone, idf_workers = math.log(1 + 1.5 / 2.5), math.log(1 + 2.5 / 1.5)
    expected = idf_lone / (idf_lone + idf_workers)
    assert bm25.coverage("lone workers") == pytest.approx([expected, 1.0, 0.0])
    assert bm25.coverage("salary")[0] == 0.0


def test_faiss_index_is_inner_product_on_unit_vectors(kb, embedder, tmp_path: Path) -> None:
    index = build_index(kb, embedder, tmp_path / "index")
    assert isinstance(index.vectors, faiss.IndexFlatIP)
    vector = embedder.embed(index.passages[3].text)
    scores, ids = index.vectors.search(vector.reshape(1, -1), 1)
    assert ids[0][0] == 3 and scores[0][0] == pytest.approx(1.0, abs=1e-5)


class CountingEmbedder(HashEmbedder):
    """The hashing embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__(128)
        self.embedded: list[str] = []

    def embed_batch(self, texts):  # type: ignore[no-untyped-def]
        self.embedded.extend(texts)
        return super().embed_batch(texts)


def test_each_distinct_text_is_embedded_once_and_a_rebuild_reuses_the_previous_vectors(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    embedder = CountingEmbedder()
    first = build_index(kb, embedder, tmp_path / "index")
    texts = [p.text for p in first.passages]
    quotes = [p.quote for p in first.passages if p.kind in ENTRY_KINDS]
    assert len(texts) > len(set(texts)) and len(quotes) > len(set(quotes))
    assert sorted(embedder.embedded) == sorted(set(texts) | set(quotes))
    fresh = HashEmbedder(128).embed_batch(texts)
    assert (first.vectors.reconstruct_n(0, len(texts)) == fresh).all()  # the same vectors as one by one

    # One template changed: only the texts the previous index does not hold are embedded.
    profile = kb.profiles[0]
    changed = replace(profile, scope=(replace(profile.scope[0], text="A new first paragraph of the scope."),))
    kb2 = replace(kb, profiles=(changed, *kb.profiles[1:]), fingerprint="changed")
    embedder.embedded.clear()
    second = build_index(kb2, embedder, tmp_path / "index", previous=first)
    # the passage text and the entry's own words; nothing else
    assert len(embedder.embedded) == 2 and all("A new first paragraph of the scope." in t for t in embedder.embedded)
    expected = HashEmbedder(128).embed_batch([p.text for p in second.passages])
    assert (second.vectors.reconstruct_n(0, len(second.passages)) == expected).all()


def test_each_entry_keeps_the_vector_of_its_own_words_built_once_and_loaded_with_the_index(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """'The entries nearest in meaning' compare a question with an entry's own words. Those vectors are made
    when the index is built and saved beside it: answering never embeds a template."""
    embedder = CountingEmbedder()
    build_index(kb, embedder, tmp_path / "index")
    embedder.embedded.clear()
    loaded = load_index(kb, embedder, tmp_path / "index")
    role = kb.profiles[1].role
    entries = loaded.entries(role)
    assert embedder.embedded == []  # loading embeds nothing
    kinds = {p.kind for p, _ in entries}
    assert kinds == {"competence", "learning", "scope", "experience"} and all(p.role == role for p, _ in entries)
    assert len(entries) == sum(1 for p in loaded.passages if p.role == role and p.kind in ENTRY_KINDS)
    budgets = next(v for p, v in entries if p.quote == "Manage budgets")
    assert np.allclose(budgets, HashEmbedder(128).embed("Manage budgets"))  # the words alone, not the passage text
    assert loaded.entries("No Such Role") == []
