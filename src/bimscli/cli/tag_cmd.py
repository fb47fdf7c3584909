"""``bims tag`` and ``bims tags``: rule tags, manual tags, explanations, evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, err_console, report_warning, state
from bimscli.cli.progress import CountProgressBar
from bimscli.cli.terminal import print_json
from bimscli.errors import InputError
from bimscli.query import query_warnings
from bimscli.query.explain import Span
from bimscli.store import Library
from bimscli.store.curation import status_of
from bimscli.tagging import (
    RuleExplanation,
    RuleSet,
    Tagger,
    load_default_rules,
    read_labels,
    score_tags,
    topic_rule_sets,
)
from bimscli.tagging.library_tags import (
    MANUAL,
    TagRunReport,
    add_manual_tags,
    apply_rules,
    remove_manual_tags,
    resolve_work_reference,
    rules_for_library,
    tag_counts,
    tags_by_work,
)

_SHOWN_CHANGES = 50
_CONTEXT = 60


def _print_report(report: TagRunReport) -> None:
    verb = "would change" if report.dry_run else "changed"
    if report.full:
        scope = f"{report.works:,} works"
    else:
        scope = f"{report.works:,} new or changed works of {report.library_works:,}"
    console.print(
        f"{len(report.rules.rules)} rules from {report.rules.origin} on {scope}: "
        f"{verb} {len(report.changes):,} works (+{report.added:,} tags, -{report.removed:,} stale)"
    )
    if report.rules.origin == load_default_rules().origin:
        topics = ", ".join(topic_rule_sets())
        console.print(
            f"(the general rules only; for a topic set ({topics}): bims tag --rules NAME)",
            style="dim",
        )
    for change in report.changes[:_SHOWN_CHANGES]:
        parts = [f"+{t}" for t in sorted(change.added)] + [f"-{t}" for t in sorted(change.removed)]
        console.print(f"  work {change.work}: {' '.join(parts)}")
    if len(report.changes) > _SHOWN_CHANGES:
        console.print(f"  … and {len(report.changes) - _SHOWN_CHANGES} more works")


def _span_text(span: Span) -> Text:
    start = max(0, span.start - _CONTEXT)
    end = min(len(span.value), span.end + _CONTEXT)
    text = Text("…" if start else "")
    text.append(span.value[start : span.start].replace("\n", " "))
    text.append(span.text, style="bold black on yellow")
    text.append(span.value[span.end : end].replace("\n", " "))
    text.append("…" if end < len(span.value) else "")
    return text


def _print_explanations(work_id: int, explanations: list[RuleExplanation]) -> None:
    if not explanations:
        console.print(f"no rule fires on work {work_id}")
        return
    for explanation in explanations:
        rule = explanation.rule
        console.print(Text(f"{rule.tag}", style="bold"), Text(f"({rule.origin})", style="dim"))
        if rule.description:
            console.print(f"  {rule.description}")
        console.print(Text(f"  query: {' '.join(rule.query_text.split())}", style="dim"))
        for span in explanation.spans:
            line = Text(f"  {span.source} ← {span.term}: ")
            line.append(_span_text(span))
            console.print(line)


def _report_json(report: TagRunReport) -> dict[str, object]:
    return {
        "rules": report.rules.origin,
        "rule_count": len(report.rules.rules),
        "dry_run": report.dry_run,
        "full": report.full,
        "works_read": report.works,
        "library_works": report.library_works,
        "added": report.added,
        "removed": report.removed,
        "changes": [
            {"work": int(c.work), "added": sorted(c.added), "removed": sorted(c.removed)}
            for c in report.changes
        ],
    }


def _explanations_json(work_id: int, explanations: list[RuleExplanation]) -> dict[str, object]:
    return {
        "work": work_id,
        "fired": [
            {
                "tag": e.rule.tag,
                "rules": e.rule.origin,
                "query": " ".join(e.rule.query_text.split()),
                "description": e.rule.description,
                "spans": [
                    {
                        "field": str(s.source),
                        "term": s.term,
                        "text": s.text,
                        "start": s.start,
                        "end": s.end,
                    }
                    for s in e.spans
                ],
            }
            for e in explanations
        ],
    }


def _explain(
    library: Library, rules_path: Path | None, work_id: int, *, as_json: bool = False
) -> None:
    rules = rules_for_library(library, rules_path)
    work = library.work(work_id)
    manual = tags_by_work(library, MANUAL).get(work_id, set())
    status = status_of(library, work_id)
    explanations = Tagger(rules.rules).explain(work.record, manual, status)
    if as_json:
        data = _explanations_json(work_id, explanations)
        print_json(data)
    else:
        _print_explanations(work_id, explanations)


def _evaluate(
    library: Library, rules_path: Path | None, labels_path: Path, *, as_json: bool = False
) -> None:
    try:
        gold_refs = read_labels(labels_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read labels {labels_path}: {error.strerror}") from error
    gold: dict[str, set[str]] = {}
    unknown = []
    for reference, tags in gold_refs.items():
        work_id = resolve_work_reference(library, reference)
        if work_id is None:
            unknown.append(reference)
        else:
            gold.setdefault(str(work_id), set()).update(tags)
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        err_console.print(f"{len(unknown)} labelled works are not in the library, skipped: {shown}")
    tagger = Tagger(rules_for_library(library, rules_path).rules)
    manual = tags_by_work(library, MANUAL)
    works = library.works([int(w) for w in gold])
    predicted = {str(w.id): tagger.tag(w.record, manual.get(w.id, ())) for w in works}
    if as_json:
        scores = [
            {
                "tag": s.tag,
                "true_positives": s.true_positives,
                "false_positives": s.false_positives,
                "false_negatives": s.false_negatives,
                "precision": s.precision,
                "recall": s.recall,
            }
            for s in score_tags(predicted, gold)
        ]
        print_json({"labelled_works": len(gold), "tags": scores})
        return
    table = Table(title=f"Rules against {len(gold)} labelled works")
    for column in ("Tag", "TP", "FP", "FN", "Precision", "Recall"):
        table.add_column(column, justify="left" if column == "Tag" else "right")
    for score in score_tags(predicted, gold):
        counts = (score.true_positives, score.false_positives, score.false_negatives)
        ratios = (_ratio(score.precision), _ratio(score.recall))
        table.add_row(score.tag, *map(str, counts), *ratios)
    console.print(table)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def tag_command(
    ctx: typer.Context,
    *,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help="A rules file (TOML); default: `rules` beside the library, "
            "else the rules shipped with bims.",
            metavar="FILE",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    explain: Annotated[
        int | None,
        typer.Option(
            "--explain", help="Show which rules fire on a work, and on what text.", metavar="ID"
        ),
    ] = None,
    every_work: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Re-tag every work, not only those changed since the last run with these rules.",
        ),
    ] = False,
    evaluate: Annotated[
        Path | None,
        typer.Option(
            "--eval",
            help="Precision and recall per tag against hand labels "
            "(CSV with columns work,tag; work is an id or a DOI).",
            metavar="LABELS.csv",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the run, --explain or --eval).")
    ] = False,
) -> None:
    """Apply the tag rules: rule tags are recomputed (stale ones removed), manual tags are
    never touched. Only works that changed since the last run with the same rules are read
    again; new rules (or --all) re-tag every work.

    Example: bims tag --rules my-rules.toml --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    with state(ctx).open_library() as library:
        if explain is not None:
            _explain(library, rules, explain, as_json=as_json)
        elif evaluate is not None:
            _evaluate(library, rules, evaluate, as_json=as_json)
        else:
            rule_set = rules_for_library(library, rules)
            _warn_about_rules(library, rule_set)
            report = apply_rules(
                library,
                rule_set,
                dry_run=dry_run,
                every_work=every_work,
                progress=CountProgressBar("tagging"),
            )
            if as_json:
                print_json(_report_json(report))
            else:
                _print_report(report)


def _warn_about_rules(library: Library, rule_set: RuleSet) -> None:
    """Rules that parse but look wrong: a reversed range, a lower-case operator, a ``[tag]``
    that no rule sets and no work carries."""
    known = {tag for tags in tags_by_work(library).values() for tag in tags}
    known.update(rule_set.tags)
    for rule in rule_set.rules:
        for warning in query_warnings(rule.query, rule.query_text, known):
            report_warning(f"rule {rule.tag!r} in {rule.origin}: {warning}")


def add_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work's id, as `bims list` shows it.")],
    tags: Annotated[list[str], typer.Argument(help="Tags to add, like design/rct.")],
) -> None:
    """Add manual tags to a work; rules never remove them.

    Example: bims tag add 12 design/rct reading-list
    """
    with state(ctx).open_library() as library:
        added = add_manual_tags(library, work_id, tags)
    console.print(f"work {work_id}: added {', '.join(added) or 'nothing new'}")


def remove_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work's id, as `bims list` shows it.")],
    tags: Annotated[list[str], typer.Argument(help="Manual tags to remove.")],
) -> None:
    """Remove manual tags from a work.

    Example: bims tag remove 12 reading-list
    """
    with state(ctx).open_library() as library:
        removed = remove_manual_tags(library, work_id, tags)
    console.print(f"work {work_id}: removed {', '.join(removed)}")


def tags_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a chart.")] = False,
) -> None:
    """Every tag with the number of works carrying it, as a bar chart.

    Example: bims tags
    """
    with state(ctx).open_library() as library:
        counts = tag_counts(library)
    if as_json:
        print_json([{"tag": t, "works": n} for t, n in counts])
        return
    if not counts:
        console.print("no tags yet; run `bims tag`")
        return
    table = Table(title=f"{len(counts)} tags", show_edge=False, box=None)
    table.add_column("Tag")
    table.add_column("Works", justify="right")
    table.add_column("")
    largest = counts[0][1]
    for tag, count in counts:
        bar = "█" * max(1, round(40 * count / largest))
        table.add_row(tag, str(count), Text(bar, style="cyan"))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    tag_app = typer.Typer(rich_markup_mode=None)
    tag_app.callback(invoke_without_command=True)(bims_command(tag_command))
    tag_app.command("add")(bims_command(add_command))
    tag_app.command("remove")(bims_command(remove_command))
    app.add_typer(tag_app, name="tag")
    app.command("tags")(bims_command(tags_command))
