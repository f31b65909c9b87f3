"""The answering package reads top-down: the engine imports the stages and composers, and nothing imports
it back. Checked with `ast` on the source, the way the import flow between layers is (test_project.py)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bot" / "answering"
# The engine's own users: the evaluation harness runs an engine; nothing that composes answers may.
MAY_IMPORT_ENGINE = {"evaluation"}


def imports(path: Path, with_type_checking: bool) -> set[str]:
    """Sibling modules `path` imports (relative imports, also inside functions); `if TYPE_CHECKING:` blocks
    only when `with_type_checking`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if not with_type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.ImportFrom) or node.level != 1:
            continue
        found |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
    return {m for m in found if (path.parent / f"{m}.py").exists()}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the import graph, as the modules along it, or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            if found := visit(imported, [*path, module]):
                return found
        done.add(module)
        return None

    return next((found for module in sorted(graph) if (found := visit(module, []))), None)


def test_the_answering_package_has_no_import_cycles() -> None:
    graph = {p.stem: imports(p, with_type_checking=False) for p in PACKAGE.glob("*.py")}
    assert len(graph) > 15 and "units" in graph["engine"]
    assert cycle(graph) is None


def test_composers_do_not_import_the_engine_even_for_types() -> None:
    importers = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "engine" and "engine" in imports(p, True)}
    assert importers == MAY_IMPORT_ENGINE


def test_the_checks_can_fail(tmp_path: Path) -> None:
    (tmp_path / "engine.py").write_text("from . import m\n", encoding="utf-8")
    (tmp_path / "context.py").write_text("", encoding="utf-8")
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nfrom . import engine\nif TYPE_CHECKING:\n    from .context import Context\n",
        encoding="utf-8",
    )
    assert imports(module, with_type_checking=False) == {"engine"}
    assert imports(module, with_type_checking=True) == {"engine", "context"}
    assert cycle({"engine": {"m"}, "m": {"engine"}, "context": set()}) == ["engine", "m", "engine"]
