"""``bims dedup``, ``bims merge`` and ``bims unmerge``: which records are one work."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from bimscli.cli.context import bims_command, console, report_warning, state
from bimscli.cli.dedup_render import (
    explanation_json,
    explanation_lines,
    explanation_table,
    review_json,
    review_table,
    work_sizes,
)
from bimscli.cli.review_loop import line_keys, run_review_loop, terminal_keys
from bimscli.cli.terminal import print_json
from bimscli.dedup import DEFAULT_THRESHOLD
from bimscli.dedup.engine import groups_csv
from bimscli.dedup.library.clustering import ClusterChanges, dedup_library
from bimscli.dedup.library.decisions import (
    ReviewDecision,
    Verdict,
    answer_pair,
    merge_works,
    sides_now,
    unmerge_work,
)
from bimscli.dedup.library.report import WorkExplanation, duplicate_groups, explain_work
from bimscli.dedup.library.review import parse_pair_id, review_queue
from bimscli.store import Library
from bimscli.store.curation import status_conflicts


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


def _render_explanation(library: Library, explanation: WorkExplanation, *, as_json: bool) -> None:
    ids = [m[0] for m in explanation.members]
    sources = {s.id: s for s in library.source_records(ids)}
    if as_json:
        print_json(explanation_json(explanation, sources))
        return
    console.print(explanation_table(explanation, sources))
    for line in explanation_lines(explanation):
        console.print(line, markup=False)


def _render_review(library: Library, *, as_json: bool) -> None:
    pairs = review_queue(library)
    ids = sorted({r for p in pairs for r in (p.best.record_a, p.best.record_b)})
    records = {s.id: s.record for s in library.source_records(ids)}
    sizes = work_sizes(library, [w for p in pairs for w in (p.work_a, p.work_b)])
    if as_json:
        rows = review_json(pairs, records, sizes)
        print_json(rows)
        return
    if not pairs:
        console.print("No pair needs a person's look.")
        return
    console.print(review_table(pairs, records, sizes))
    console.print(
        "Answer with `bims dedup --review --accept PAIR` (one work) or `--reject PAIR`"
        " (different works), or run `bims dedup --review --interactive`."
    )


def _answer_pairs(
    library: Library, accept: Sequence[str], reject: Sequence[str], *, as_json: bool
) -> None:
    wanted = [(Verdict.ACCEPT, t) for t in _pair_texts(accept)]
    wanted += [(Verdict.REJECT, t) for t in _pair_texts(reject)]
    pairs = [(verdict, parse_pair_id(text)) for verdict, text in wanted]
    with library.transaction():
        answers = [answer_pair(library, works, verdict) for verdict, works in pairs]
        now = [sides_now(library, answer) for answer in answers]
    if as_json:
        rows = [_answer_json(a, works) for a, works in zip(answers, now, strict=True)]
        print_json(rows)
        return
    for answer, (work_a, work_b) in zip(answers, now, strict=True):
        if answer.verdict is Verdict.ACCEPT:
            console.print(f"accepted {answer.pair_id}: one work now, work {work_a}")
        else:
            console.print(
                f"rejected {answer.pair_id}: different works ({work_a} and {work_b}), never joined"
            )


def _pair_texts(values: Sequence[str]) -> list[str]:
    """PAIR ids from repeated options, each perhaps a comma- or space-separated list."""
    return [t for v in values for t in v.replace(",", " ").split()]


def _answer_json(answer: ReviewDecision, works_now: tuple[int, int]) -> dict[str, object]:
    return {
        "pair": answer.pair_id,
        "verdict": answer.verdict.value,
        "records": [list(answer.records_a), list(answer.records_b)],
        "works_now": list(works_now),
        "decided_at": answer.decided_at,
    }


def _review(
    library: Library, interactive: bool | None, options: tuple[list[str], list[str], bool]
) -> None:
    accept, reject, as_json = options
    if accept or reject:
        _answer_pairs(library, accept, reject, as_json=as_json)
        return
    on_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if interactive or (interactive is None and on_terminal and not as_json):
        try:
            if on_terminal:
                with terminal_keys() as read_key:
                    session = run_review_loop(library, read_key)
            else:
                session = run_review_loop(library, line_keys)
        except KeyboardInterrupt:
            console.print("\nstopped; every answer given so far is saved")
            raise typer.Exit(130) from None
        if session.accepted or session.rejected or session.skipped:
            console.print(session.summary())
        return
    _render_review(library, as_json=as_json)


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
        typer.Option("--threshold", help="Minimum title similarity (0-100) of the fuzzy tier."),
    ] = DEFAULT_THRESHOLD,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="Pairs of works a person should look at, best first (on a terminal: one by one).",
        ),
    ] = False,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept",
            help="Join the two works of a review PAIR (e.g. 12-40) and remember it (repeatable).",
            metavar="PAIR",
        ),
    ] = None,
    reject: Annotated[
        list[str] | None,
        typer.Option(
            "--reject",
            help="Remember that the works of a review PAIR are different papers (repeatable).",
            metavar="PAIR",
        ),
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Review one pair at a time, reading keys or lines (default: on a terminal).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print --review or --explain as JSON.")
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

    Runs on the whole library (ingest already does it for new records). What a person decided
    with `bims merge`, `bims unmerge` or in the review is never undone.

    --review lists the pairs of works a person should decide about, each with a PAIR id;
    --accept PAIR joins them, --reject PAIR keeps them apart for ever (either undoes the other).
    On a terminal, --review shows one pair at a time: a(ccept), r(eject), s(kip), u(ndo), q(uit).

    Example: bims dedup --dry-run --threshold 92

    Example: bims dedup --review --accept 12-40 --reject 7-9
    """
    with state(ctx).open_library() as library:
        if explain is not None:
            _render_explanation(library, explain_work(library, explain), as_json=as_json)
            return
        if review or accept or reject or interactive:
            _review(library, interactive, (accept or [], reject or [], as_json))
            return
        if export_groups is not None:
            groups = duplicate_groups(library)
            export_groups.write_text(groups_csv(groups), encoding="utf-8")
            console.print(f"{len(groups)} groups written to {export_groups}", markup=False)
            return
        conflicts = len(status_conflicts(library))
        with library.transaction(commit=not dry_run):
            changes = dedup_library(library, threshold=threshold)
            conflicts = len(status_conflicts(library)) - conflicts
    _render_changes(changes, dry_run=dry_run)
    _report_conflicts(conflicts)


def _report_conflicts(count: int) -> None:
    """Say when merged works carried different curation decisions."""
    if count:
        report_warning(
            f"{count} merged works carried different decisions (selected, maybe, rejected); "
            "each keeps the strongest: see `bims status conflicts`"
        )


def merge_command(
    ctx: typer.Context,
    work_ids: Annotated[list[int], typer.Argument(help="Two or more work ids to join.")],
) -> None:
    """Join works by hand; later deduplication runs keep them together.

    Example: bims merge 12 40
    """
    with state(ctx).open_library() as library, library.transaction():
        conflicts = len(status_conflicts(library))
        kept = merge_works(library, work_ids)
        conflicts = len(status_conflicts(library)) - conflicts
    _report_conflicts(conflicts)
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
