"""Imports point one way, down through the pipeline's stages (see docs/architecture.md).

Each stage may import only the stages listed for it in :data:`MAY_IMPORT`; this test reads
every ``import`` in ``src/bimscli`` (including imports inside functions) and lists each one
that goes up or sideways, with its file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "bimscli"

VOCABULARY = frozenset(
    {
        "bimscli",
        "bimscli.model",
        "bimscli.identifiers",
        "bimscli.errors",
        "bimscli.progress",
        "bimscli.control_characters",
    }
)
"""The shared vocabulary at the package's root: every stage may use it."""

MAY_IMPORT: dict[str, frozenset[str]] = {
    "bimscli": frozenset(),
    "bimscli.model": frozenset({"bimscli.identifiers"}),
    "bimscli.identifiers": frozenset(),
    "bimscli.errors": frozenset(),
    "bimscli.progress": frozenset(),
    "bimscli.control_characters": frozenset(),
    "bimscli.data": frozenset(),
    "bimscli.formats": frozenset(),
    "bimscli.dedup": frozenset(),
    "bimscli.query": frozenset(),
    "bimscli.net": frozenset({"bimscli.formats"}),
    "bimscli.store": frozenset({"bimscli.formats", "bimscli.dedup"}),
    "bimscli.dedup.library": frozenset({"bimscli.dedup", "bimscli.store"}),
    "bimscli.tagging": frozenset({"bimscli.query", "bimscli.store"}),
    "bimscli.export": frozenset({"bimscli.query", "bimscli.store", "bimscli.tagging"}),
    "bimscli.curation": frozenset({"bimscli.query", "bimscli.store", "bimscli.tagging"}),
    "bimscli.newsletter": frozenset(
        {"bimscli.formats", "bimscli.query", "bimscli.store", "bimscli.tagging"}
    ),
    "bimscli.ingest": frozenset(
        {"bimscli.formats", "bimscli.dedup", "bimscli.store", "bimscli.dedup.library"}
    ),
    "bimscli.enrich": frozenset(
        {
            "bimscli.formats",
            "bimscli.net",
            "bimscli.dedup",
            "bimscli.store",
            "bimscli.dedup.library",
        }
    ),
    "bimscli.search": frozenset(
        {
            "bimscli.formats",
            "bimscli.net",
            "bimscli.dedup",
            "bimscli.store",
            "bimscli.dedup.library",
        }
    ),
    "bimscli.__main__": frozenset({"bimscli.cli"}),
}
"""Which stages each stage may import, besides itself and the vocabulary; ``cli`` may import all."""


def stage_of(module: str) -> str:
    """The stage a dotted module name belongs to: the most specific key of :data:`MAY_IMPORT`.

    >>> stage_of("bimscli.dedup.library.clustering")
    'bimscli.dedup.library'
    >>> stage_of("bimscli.dedup.engine")
    'bimscli.dedup'
    >>> stage_of("bimscli.cli.app")
    'bimscli.cli'
    """
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in MAY_IMPORT or prefix == "bimscli.cli":
            return prefix
    raise AssertionError(f"{module} is not in bimscli")


def module_name(path: Path) -> str:
    """The dotted name of a source file below ``src``."""
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every ``bimscli`` module a source file imports, with the line of the import."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.extend((node.lineno, name) for name in names if name.split(".")[0] == "bimscli")
    return found


def upward_imports() -> list[str]:
    """Each import in ``src/bimscli`` that its stage may not make, as ``file:line: a -> b``."""
    wrong: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = stage_of(module_name(path))
        if own == "bimscli.cli":
            continue
        allowed = MAY_IMPORT[own] | VOCABULARY | {own}
        for line, name in imported_modules(path):
            target = stage_of(name)
            if target not in allowed:
                wrong.append(f"{path.relative_to(SRC)}:{line}: {own} -> {target}")
    return wrong


def test_every_import_points_down_the_stages() -> None:
    assert upward_imports() == []


def test_relative_imports_are_not_used() -> None:
    """Relative imports would hide a stage's dependencies from the check above."""
    relative = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


@pytest.mark.parametrize(
    ("source", "imported", "allowed"),
    [
        pytest.param("bimscli.store.library", "bimscli.tagging.engine", False, id="store-up"),
        pytest.param("bimscli.dedup.engine", "bimscli.store", False, id="engine-to-store"),
        pytest.param("bimscli.dedup.library.report", "bimscli.store", True, id="library-side"),
        pytest.param("bimscli.formats.ris", "bimscli.dedup", False, id="sideways"),
        pytest.param("bimscli.ingest.run", "bimscli.enrich", False, id="ingest-up"),
        pytest.param("bimscli.enrich.run", "bimscli.ingest", False, id="enrich-to-ingest"),
        pytest.param("bimscli.formats.ris", "bimscli.model", True, id="vocabulary"),
        pytest.param("bimscli.search.run", "bimscli.net.searches", True, id="search-to-net"),
        pytest.param("bimscli.net.searches", "bimscli.search", False, id="net-to-search"),
        pytest.param("bimscli.search.run", "bimscli.enrich", False, id="search-sideways"),
    ],
)
def test_the_rule_itself(source: str, imported: str, allowed: bool) -> None:
    """The table says what it means: a few imports, each allowed or not."""
    own = stage_of(source)
    assert (stage_of(imported) in MAY_IMPORT.get(own, frozenset()) | VOCABULARY | {own}) is allowed
