"""The log of search runs (table ``search_runs``): what each run asked, found and stored.

A run is written when it starts and again when it ends, each in a short transaction of its
own, so a run that was killed stays in the log as ``running`` and a watch's last *successful*
run is never one that was cut off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bimscli.store import Library
from bimscli.store.library import now_iso

if TYPE_CHECKING:  # only for types: run.py imports this module
    from bimscli.search.run import SearchReport, SearchRequest


@dataclass(frozen=True, slots=True)
class RunRow:
    """One logged run."""

    id: int
    watch: str | None
    service: str
    query: str
    translation: str | None
    since: str | None
    until: str | None
    found: int | None
    stored: int
    already_held: int
    status: str
    message: str | None
    input_id: int | None
    started_at: str
    finished_at: str | None


def start_run(library: Library, request: SearchRequest, started_at: datetime) -> int:
    """Log a run that starts now; its id."""
    window = request.window
    with library.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO search_runs (watch, service, query, since, until, status, started_at)"
            " VALUES (?, ?, ?, ?, ?, 'running', ?)",
            (request.watch, request.service.value, request.query,
             window.since.isoformat() if window.since else None,
             window.until.isoformat() if window.until else None,
             started_at.isoformat(timespec="seconds")),
        )  # fmt: skip
    return int(cursor.lastrowid or 0)


def finish_run(
    library: Library, run_id: int, report: SearchReport, status: str, message: str | None
) -> None:
    """Log how a run ended."""
    with library.transaction() as conn:
        conn.execute(
            "UPDATE search_runs SET translation = ?, found = ?, stored = ?, already_held = ?,"
            " status = ?, message = ?, input_id = ?, finished_at = ? WHERE id = ?",
            (report.translation, report.found, report.stored, report.already_held, status,
             message, report.input_id, now_iso(), run_id),
        )  # fmt: skip


def search_runs(library: Library, watch: str | None = None) -> list[RunRow]:
    """Logged runs, oldest first (of one watch when ``watch`` is given)."""
    sql = "SELECT * FROM search_runs"
    rows = (
        library.connection.execute(sql + " WHERE watch = ? ORDER BY id", (watch,))
        if watch is not None
        else library.connection.execute(sql + " ORDER BY id")
    )
    return [
        RunRow(
            id=r[0], watch=r[1], service=r[2], query=r[3], translation=r[4], since=r[5],
            until=r[6], found=r[7], stored=r[8], already_held=r[9], status=r[10],
            message=r[11], input_id=r[12], started_at=r[13], finished_at=r[14],
        )
        for r in rows.fetchall()
    ]  # fmt: skip
