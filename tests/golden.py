"""Golden-file comparison for parsers and exporters.

A golden file is ``fixtures/<format>/<case>.expected.json`` (or another extension for
exporters) next to the input ``fixtures/<format>/<case>.<ext>``. Run the tests with
``BIMS_REGENERATE_GOLDEN=1`` to rewrite them after a deliberate change, then read the diff
like a reviewer: a regenerated golden file is only as good as that reading.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from bimscli.model import Entry
from bimscli.store.serialize import dumps_pretty, entry_to_builtins

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REGENERATE = os.environ.get("BIMS_REGENERATE_GOLDEN") == "1"


def assert_text_matches_golden(actual: str, expected_path: Path) -> None:
    """Compare a text with a golden file, or rewrite the file when regenerating."""
    if REGENERATE or not expected_path.exists():
        expected_path.write_text(actual, encoding="utf-8")
        if not REGENERATE:
            raise AssertionError(f"wrote new golden file {expected_path}: review it, then rerun")
    expected = expected_path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {expected_path}"


def assert_entries_match_golden(entries: Iterable[Entry], expected_path: Path) -> None:
    """Compare parser output with ``<case>.expected.json``."""
    data = [entry_to_builtins(e) for e in entries]
    actual = dumps_pretty(data)
    if not REGENERATE and expected_path.exists():
        # Compare as data first for a readable pytest diff, then as text for ordering.
        assert data == json.loads(expected_path.read_text(encoding="utf-8"))
    assert_text_matches_golden(actual, expected_path)
