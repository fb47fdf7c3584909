"""``bims dedup``, ``bims merge`` and ``bims unmerge``: which records are one work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, state
from bimscli.dedup import DEFAULT_THRESHOLD
from bimscli.dedup.engine import groups_csv
from bimscli.dedup.library.clustering import ClusterChanges, dedup_library
from bimscli.dedup.library.decisions import merge_works, unmerge_work
from bimscli.dedup.library.report import (
    WorkExplanation,
    describe_pair,
    describe_rule,
    duplicate_groups,
    explain_work,
    pair_findings,
)
from bimscli.store import Library


def _render_changes(changes: ClusterChanges, *, dry_run: bool) -> None:
    verb = "would join" if dry_run else "joined"
    for work_id, records in changes.merged:
        console.print(f"work {work_id} {verb} records {', '.join(f'#{r}' for r in records)}")
    verb = "would become" if dry_run else "became"
    for work_id, records in changes.split:
        console.print(f"records {', '.join(f'#{r}' for r in records)} {verb} work {work_id}")
    console.print(
        f"{changes.works_before} works before, {changes.works_after} after"
        f"{' (dry run: nothing was changed)' if dry_run else ''}; "
        f"{len(changes.flagged)} pairs flagged (same identifier, different titles), "
        f"{len(changes.borderline)} borderline, {len(changes.links)} linked (errata, preprints…)"
        + ("; see `bims dedup --review`" if changes.flagged or changes.borderline else "")
    )


def _render_explanation(library: Library, explanation: WorkExplanation) -> None:
    sources = {s.id: s for s in library.source_records([m[0] for m in explanation.members])}
    table = Table(title=f"Work {explanation.work_id}: {len(explanation.members)} records")
    for name in ("Record", "Source", "Title", "Joined by", "Evidence"):
        table.add_column(name, overflow="fold")
    for record_id, rule, evidence in explanation.members:
        source = sources[record_id]
        where = f"{source.input.format} {source.input.name}:{source.line}"
        table.add_row(
            f"#{record_id}",
            Text(where),
            Text(source.record.title or "(no title)"),
            describe_rule(rule),
            Text(_evidence_words(evidence)),
        )
    console.print(table)
    console.print(f"Weights: {explanation.weights_source}.", markup=False)
    for pair in explanation.pairs:
        for line in describe_pair(pair):
            console.print(line, markup=False, highlight=False)
    for kind, a, b in explanation.decisions:
        verb = "keep together" if kind == "must-link" else "keep apart"
        console.print(f"a person decided to {verb} #{a} and #{b}", markup=False)
    for a, b, outcome, rule, _ in explanation.findings:
        console.print(f"#{a} and #{b}: {outcome}, by {describe_rule(rule)}", markup=False)


def _evidence_words(evidence: dict[str, object]) -> str:
    """A stored join reason in words: "with #3, title similarity 98.0; title exact +16.3"."""
    parts: list[str] = []
    if "with" in evidence:
        parts.append(f"with #{evidence['with']}")
    if "title_score" in evidence:
        parts.append(f"title similarity {evidence['title_score']}")
    if "score" in evidence:
        parts.append(f"total {evidence['score']:+}")
    listed = evidence.get("evidence")
    if isinstance(listed, list) and listed:
        parts.append(", ".join(str(item) for item in listed))
    if isinstance(works := evidence.get("works"), list):
        parts.append("works " + ", ".join(str(w) for w in works))
    if "from" in evidence:
        parts.append(f"from work {evidence['from']}")
    return "; ".join(parts)


def _render_review(library: Library) -> None:
    findings = pair_findings(library, ["flag", "review"])
    if not findings:
        console.print("No pair needs a person's look.")
        return
    titles = {
        s.id: s.record.title or "(no title)"
        for s in library.source_records(
            sorted({f.record_a for f in findings} | {f.record_b for f in findings})
        )
    }
    table = Table(title=f"{len(findings)} pair{'s' if len(findings) != 1 else ''} to review")
    for name in ("Works", "Records", "Why", "Score", "Titles"):
        table.add_column(name, overflow="fold")
    for f in findings:
        table.add_row(
            f"{f.work_a} / {f.work_b}",
            f"#{f.record_a} / #{f.record_b}",
            f"{f.outcome}: {f.rule}",
            f"{f.title_score:.1f}",
            Text(f"{titles[f.record_a]}\n{titles[f.record_b]}"),
        )
    console.print(table)
    console.print("Join two works with `bims merge A B`; split one with `bims unmerge ID`.")


def dedup_command(
    ctx: typer.Context,
    *,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    explain: Annotated[
        int | None,
        typer.Option("--explain", help="Show why a work holds its records.", metavar="ID"),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            help="Title similarity (0-100) from which titles are close (10 below: partial).",
        ),
    ] = DEFAULT_THRESHOLD,
    review: Annotated[
        bool, typer.Option("--review", help="List flagged and borderline pairs.")
    ] = False,
    export_groups: Annotated[
        Path | None,
        typer.Option(
            "--export-groups",
            help="Write the works of 2+ records as their source keys (benchmark CSV format).",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Find the source records that are the same paper and join them into one work.

    Runs on the whole library (ingest already does it for new records) and re-estimates the
    library's match weights. What a person decided with `bims merge` and `bims unmerge` is
    never undone.

    Example: bims dedup --dry-run --threshold 92
    """
    with state(ctx).open_library() as library:
        if explain is not None:
            _render_explanation(library, explain_work(library, explain))
            return
        if review:
            _render_review(library)
            return
        if export_groups is not None:
            groups = duplicate_groups(library)
            export_groups.write_text(groups_csv(groups), encoding="utf-8")
            console.print(f"{len(groups)} groups written to {export_groups}", markup=False)
            return
        with library.transaction(commit=not dry_run):
            changes = dedup_library(library, threshold=threshold)
    _render_changes(changes, dry_run=dry_run)


def merge_command(
    ctx: typer.Context,
    work_ids: Annotated[list[int], typer.Argument(help="Two or more work ids to join.")],
) -> None:
    """Join works by hand; later deduplication runs keep them together.

    Example: bims merge 12 40
    """
    with state(ctx).open_library() as library, library.transaction():
        kept = merge_works(library, work_ids)
    console.print(f"works {', '.join(map(str, work_ids))} are now work {kept}")


def unmerge_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work to split.")],
    records: Annotated[
        list[int] | None,
        typer.Option("--record", "-r", help="Split out only this source record (repeatable)."),
    ] = None,
) -> None:
    """Split a work back into its source records; later deduplication keeps them apart.

    Example: bims unmerge 12 --record 57
    """
    with state(ctx).open_library() as library, library.transaction():
        works = unmerge_work(library, work_id, records or ())
    console.print(f"work {work_id} split into works {', '.join(map(str, works))}")


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("dedup")(bims_command(dedup_command))
    app.command("merge")(bims_command(merge_command))
    app.command("unmerge")(bims_command(unmerge_command))
