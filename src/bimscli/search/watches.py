"""``bims watch``: saved searches that fetch only what is new each time they run.

A watch remembers when its last successful run began. Its next run asks for the records that
entered the database since then, less :data:`~bimscli.search.windows.OVERLAP` (by Entrez or
create date for PubMed, first index date for Europe PMC); what the overlap brings again is
already in the library and is not stored twice. A run that stops half-way (a service that
fails, Ctrl-C) keeps what it stored and does not move the mark, so the next run asks for the
same window again and fetches what is still missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bimscli.errors import BimsError, NotFoundError, UsageError
from bimscli.progress import Progress
from bimscli.search.run import (
    SearchReport,
    SearchRequest,
    SearchSettings,
    Service,
    run_search,
)
from bimscli.search.windows import window_after
from bimscli.store import Library
from bimscli.store.library import now_iso

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class Watch:
    """A saved search."""

    name: str
    service: Service
    query: str
    since: date | None
    created_at: str
    last_success_at: datetime | None


@dataclass(frozen=True, slots=True)
class WatchRun:
    """The outcome of running one watch: its report, or the error that stopped it."""

    watch: Watch
    report: SearchReport | None = None
    error: BimsError | None = None

    @property
    def exit_code(self) -> int:
        """The run's exit code, as for ``bims ingest``."""
        if self.error is not None:
            return self.error.exit_code
        assert self.report is not None
        return self.report.exit_code


def _watch(row: tuple[object, ...]) -> Watch:
    name, service, query, since, created, last = row
    return Watch(
        name=str(name),
        service=Service(str(service)),
        query=str(query),
        since=date.fromisoformat(str(since)) if since else None,
        created_at=str(created),
        last_success_at=datetime.fromisoformat(str(last)) if last else None,
    )


def add_watch(
    library: Library, name: str, service: Service, query: str, since: date | None = None
) -> Watch:
    """Save a watch; a name already taken or not a plain word is a usage error."""
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"not a watch name: {name!r}; use letters, digits, '-', '_' or '.' (up to 64)"
        )
    if not query.strip():
        raise UsageError("the watch has no query; give one with --pubmed or --europepmc")
    with library.transaction() as conn:
        if conn.execute("SELECT 1 FROM watches WHERE name = ?", (name,)).fetchone():
            raise UsageError(
                f"a watch called {name!r} exists already; remove it first or choose another name"
            )
        conn.execute(
            "INSERT INTO watches (name, service, query, since, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, service.value, query.strip(), since.isoformat() if since else None, now_iso()),
        )
    return get_watch(library, name)


def list_watches(library: Library) -> list[Watch]:
    """Every watch, by name."""
    rows = library.connection.execute(
        "SELECT name, service, query, since, created_at, last_success_at FROM watches ORDER BY name"
    ).fetchall()
    return [_watch(tuple(r)) for r in rows]


def get_watch(library: Library, name: str) -> Watch:
    """The watch called ``name``; :class:`NotFoundError` naming the known ones otherwise."""
    for watch in list_watches(library):
        if watch.name == name:
            return watch
    known = ", ".join(w.name for w in list_watches(library)) or "none yet"
    raise NotFoundError(f"no watch called {name!r} (watches: {known}); see bims watch list")


def remove_watch(library: Library, name: str) -> Watch:
    """Forget a watch (its runs stay in the log, its records in the library)."""
    watch = get_watch(library, name)
    with library.transaction() as conn:
        conn.execute("DELETE FROM watches WHERE name = ?", (name,))
    return watch


def run_watch(
    library: Library,
    watch: Watch,
    settings: SearchSettings,
    *,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> SearchReport:
    """Run one watch over the records that entered since its last successful run."""
    request = SearchRequest(
        watch.service,
        watch.query,
        window_after(watch.last_success_at, watch.since),
        watch=watch.name,
    )
    report = run_search(library, request, settings, progress=progress, dry_run=dry_run)
    if report.complete and not dry_run:
        with library.transaction() as conn:
            conn.execute(
                "UPDATE watches SET last_success_at = ? WHERE name = ?",
                (report.started_at.isoformat(timespec="seconds"), watch.name),
            )
    return report


def run_watches(
    library: Library,
    names: Sequence[str],
    settings: SearchSettings,
    *,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> list[WatchRun]:
    """Run the named watches (every watch when none is named); one failing stops no other."""
    watches = [get_watch(library, n) for n in names] if names else list_watches(library)
    if not watches:
        raise UsageError("no watches yet; add one with bims watch add NAME --pubmed 'QUERY'")
    runs: list[WatchRun] = []
    for watch in watches:
        try:
            report = run_watch(library, watch, settings, progress=progress, dry_run=dry_run)
        except BimsError as exc:
            runs.append(WatchRun(watch, error=exc))
        else:
            runs.append(WatchRun(watch, report=report))
    return runs
