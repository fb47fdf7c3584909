"""``bims export``: works as BibTeX, BibLaTeX, CSL-JSON, RIS or a formatted bibliography."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bimscli.cli.context import bims_command, err_console, report_query_warnings, state
from bimscli.cli.progress import working
from bimscli.errors import BimsError, UsageError
from bimscli.export.choices import ExportFormat, OutputFormat
from bimscli.query import parse_query
from bimscli.tagging.library_tags import tags_by_work


def _chosen_format(flags: dict[ExportFormat, bool], style: str | None) -> ExportFormat:
    chosen = [fmt for fmt, on in flags.items() if on]
    if style is not None:
        chosen.append(ExportFormat.BIBLIOGRAPHY)
    if len(chosen) != 1:
        raise UsageError(
            "choose one of --bibtex, --biblatex, --csl-json, --ris or --style NAME; "
            "example: bims export --bibtex -o refs.bib"
        )
    return chosen[0]


def export_command(
    ctx: typer.Context,
    work_ids: Annotated[
        list[int] | None, typer.Argument(help="Work ids (see `bims list`); default: every work.")
    ] = None,
    *,
    bibtex: Annotated[bool, typer.Option("--bibtex", help="BibTeX, ASCII.")] = False,
    biblatex: Annotated[bool, typer.Option("--biblatex", help="BibLaTeX, UTF-8.")] = False,
    csl_json: Annotated[bool, typer.Option("--csl-json", help="CSL-JSON.")] = False,
    ris: Annotated[bool, typer.Option("--ris", help="RIS (Zotero, EndNote).")] = False,
    style: Annotated[
        str | None,
        typer.Option(
            "--style",
            help="A formatted bibliography in this CSL style (vancouver, "
            "apa, nature, … or a .csl file).",
            metavar="NAME",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output of --style.")
    ] = OutputFormat.TEXT,
    by_tag: Annotated[
        bool, typer.Option("--by-tag", help="With --style: one section per tag (a digest).")
    ] = False,
    rekey: Annotated[
        bool, typer.Option("--rekey", help="Regenerate the citation keys of these works.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Only works with this tag or its sub-tags (repeatable)."),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Only works matching a PubMed-style query."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="With -o: print what was written as JSON (file, works)."),
    ] = False,
) -> None:
    """Export works; citation keys are made on first export and then kept.

    Example: bims export --bibtex -o refs.bib --tag treatment/radiotherapy
    """
    configured = state(ctx).settings.get("style")
    if style is None and configured and (by_tag or output_format is not OutputFormat.TEXT):
        style = configured  # a formatted bibliography asked for without naming its style
    fmt = _chosen_format(
        {
            ExportFormat.BIBTEX: bibtex,
            ExportFormat.BIBLATEX: biblatex,
            ExportFormat.CSL_JSON: csl_json,
            ExportFormat.RIS: ris,
        },
        style,
    )
    if fmt is not ExportFormat.BIBLIOGRAPHY and (by_tag or output_format is not OutputFormat.TEXT):
        raise UsageError("--format and --by-tag shape a formatted bibliography: add --style NAME")
    from bimscli.export.library_export import ExportRequest, export_library

    request = ExportRequest(
        format=fmt,
        work_ids=tuple(work_ids or ()),
        style=style or "vancouver",
        output=output_format,
        group_by_tag=by_tag,
        rekey=rekey,
        tags=tuple(tag or ()),
        query=query,
    )
    if as_json and output is None:
        raise UsageError("--json describes an export written to a file: add -o FILE")
    if output is not None:
        _check_output_folder(output)
    with state(ctx).open_library() as library:
        if query is not None:
            known = {tag for work_tags in tags_by_work(library).values() for tag in work_tags}
            report_query_warnings(parse_query(query), query, known)
        with working(f"exporting as {fmt.value}"):
            result = export_library(library, request)
    if output is None:
        typer.echo(result.text, nl=False)
        return
    _write_whole(output, result.text)
    if as_json:
        summary = {"file": str(output), "format": fmt.value, "works": result.works}
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        works = "work" if result.works == 1 else "works"
        err_console.print(f"wrote {result.works:,} {works} to {escape(str(output))}")


def _check_output_folder(output: Path) -> None:
    """Refuse an output file in a folder that is not there before anything is exported."""
    folder = output.parent
    if not folder.is_dir():
        raise UsageError(
            f"cannot write {output}: the folder {folder} does not exist; "
            f"create it first (mkdir -p {folder})"
        )


def _write_whole(output: Path, text: str) -> None:
    """Write the export beside its target and rename it over it: an export interrupted half-way
    (Ctrl-C, a full disk) leaves the old file as it was, never half a bibliography."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(output)
    except OSError as error:
        if partial.is_file():
            partial.unlink()
        raise BimsError(f"cannot write {output}: {error.strerror}") from error


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command("export")(bims_command(export_command))
