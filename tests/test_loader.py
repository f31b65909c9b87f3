from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import KnowledgeError, default_dir, fingerprint, load_knowledge
from knowledge.records import KnowledgeBase

from .conftest import ENGAGEMENT_WORKER, STRATEGIC_MANAGER


def test_packaged_templates_load(kb: KnowledgeBase) -> None:
    assert [p.short_name for p in kb.profiles] == ["Engagement Worker", "Strategic Manager"]
    assert kb.errors == ()
    assert len(kb.fingerprint) == 64


def test_shared_introduction_is_kept_once(kb: KnowledgeBase) -> None:
    texts = [g.text for g in kb.general]
    opening = [t for t in texts if t.startswith("This template is designed to enable a common understanding")]
    assert len(opening) == 1
    passage = next(g for g in kb.general if g.text == opening[0])
    assert {s.file for s in passage.sources} == {ENGAGEMENT_WORKER, STRATEGIC_MANAGER}
    # The engagement worker template repeats its introduction: still one passage.
    divided = [t for t in texts if t.startswith("The NOS in this template are divided")]
    assert len(divided) == 1
    assert "locality Specific" in divided[0]
    sources = next(g for g in kb.general if g.text == divided[0]).sources
    assert sum(s.file == ENGAGEMENT_WORKER for s in sources) == 2
    # Each general passage is distinct.
    assert len(set(texts)) == len(texts)


def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for path in default_dir().glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_a_broken_file_is_named_and_the_rest_served(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 binary")
    (folder / "notes.md").write_text("Just a note, no Basic Information here.\n", encoding="utf-8")
    (folder / "damaged.pdf").write_bytes(b"%PDF")
    kb = load_knowledge(folder)
    assert len(kb.profiles) == 2
    assert len(kb.errors) == 3
    assert any(e.startswith("broken.txt: not a text file") for e in kb.errors)
    assert any(e.startswith("notes.md:") and "Basic Information" in e for e in kb.errors)
    assert any(e.startswith("damaged.pdf: the PDF cannot be read") for e in kb.errors)
    statuses = {f.file: f.status for f in kb.files}
    assert statuses == {
        "broken.txt": "skipped",
        "damaged.pdf": "skipped",
        "notes.md": "not-a-template",
        ENGAGEMENT_WORKER: "served",
        STRATEGIC_MANAGER: "served",
    }


def test_duplicate_role_is_an_error(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    shutil.copy(folder / ENGAGEMENT_WORKER, folder / "z-copy.txt")
    kb = load_knowledge(folder)
    assert len(kb.profiles) == 2
    assert kb.errors == (
        f"z-copy.txt: role 'Liaison and Diversion Service Engagement Worker' is already defined by {ENGAGEMENT_WORKER}",
    )


def test_missing_empty_or_unusable_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="does not exist"):
        load_knowledge(tmp_path / "nope")
    with pytest.raises(KnowledgeError, match="holds no"):
        load_knowledge(tmp_path)
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"no template could be parsed: a\.txt: the file is empty"):
        load_knowledge(tmp_path)


def test_fingerprint_changes_with_any_template(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    before = fingerprint(folder)
    assert load_knowledge(folder).fingerprint == before  # the loader hashes what it read
    assert before == fingerprint(default_dir())
    path = folder / STRATEGIC_MANAGER
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprint(folder) != before


def test_merged_sources_cover_every_place() -> None:
    from knowledge.records import SourceRef, merge_sources

    def ref(start: int, end: int, location: str) -> SourceRef:
        return SourceRef("f.pdf", "S", start, end, f"t{start}", location)

    merged = merge_sources([ref(10, 10, "page 4"), ref(11, 12, "pages 5-6"), ref(13, 13, "page 5")])
    assert (merged.line_start, merged.line_end, merged.location) == (10, 13, "pages 4-6")
    assert merged.text == "t10\nt11\nt13"
    assert merge_sources([ref(3, 3, "lines 3-4"), ref(8, 8, "line 8")]).location == "lines 3-8"
    assert merge_sources([ref(1, 1, "table 2"), ref(2, 2, "table 2")]).location == "table 2"
    assert merge_sources([ref(1, 1, ""), ref(2, 2, "table 2")]).location == "table 2"
