"""Resolving parse failures: kept for ever with their raw text, but no longer listed as open.

A failure is resolved when the same bytes later ingest with no failure at all (typically the
same file again with the right ``--format``), or by hand (``bims failures --resolve``).
"""

from __future__ import annotations

from collections.abc import Sequence

from bimscli.errors import NotFoundError
from bimscli.store.library import Library, now_iso


def resolve_failures_of_same_bytes(library: Library, input_id: int, sha256: str) -> int:
    """Mark resolved the open failures of earlier inputs of these bytes, now that input
    ``input_id`` read them cleanly (inside the ingest's transaction); returns how many."""
    cursor = library.connection.execute(
        "UPDATE parse_failures SET resolved_at = ?, resolved_by = ?"
        " WHERE resolved_at IS NULL AND input_id IN"
        " (SELECT id FROM inputs WHERE sha256 = ? AND id != ?)",
        (now_iso(), f"input {input_id}", sha256, input_id),
    )
    return cursor.rowcount


def resolve_failures(library: Library, input_ids: Sequence[int] = ()) -> int:
    """Mark the open failures of these inputs (none given: of every input) resolved by hand."""
    known = {row.id for row in library.inputs()}
    unknown = [i for i in input_ids if i not in known]
    if unknown:
        raise NotFoundError(
            f"no input {', '.join(map(str, unknown))}; `bims inputs` lists the inputs"
        )
    wanted = list(input_ids) or sorted(known)
    with library.transaction() as conn:
        return sum(
            conn.execute(
                "UPDATE parse_failures SET resolved_at = ?, resolved_by = 'by hand'"
                " WHERE resolved_at IS NULL AND input_id = ?",
                (now_iso(), input_id),
            ).rowcount
            for input_id in wanted
        )
