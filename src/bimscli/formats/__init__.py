"""The source formats bims reads, and detection of the format of an input.

Each format lives in its own module and exports ``FORMAT``; :data:`FORMATS` lists them in the
order used to break ties in detection.
"""

from __future__ import annotations

from bimscli.errors import FormatNotRecognisedError, UsageError
from bimscli.formats import (
    bibtex,
    biomednews,
    crossref,
    csl_json,
    csv_table,
    europepmc,
    lay_summary,
    medline,
    pubmed_page,
    pubmed_xml,
    ris,
    semantic_scholar,
    web_article,
)
from bimscli.formats.base import Sniff, SourceFormat

# One import per format module and one line in FORMATS each; keep both sorted by name.

FORMATS: tuple[SourceFormat, ...] = (
    bibtex.FORMAT,
    biomednews.FORMAT,
    crossref.FORMAT,
    csl_json.FORMAT,
    csv_table.FORMAT,
    europepmc.FORMAT,
    lay_summary.FORMAT,
    medline.FORMAT,
    pubmed_page.FORMAT,
    pubmed_xml.FORMAT,
    ris.FORMAT,
    semantic_scholar.FORMAT,
    web_article.FORMAT,
)

DETECTION_THRESHOLD = 0.5
"""A format must be at least this sure to be picked without ``--format``."""


def format_names() -> list[str]:
    """The names of every known format, sorted."""
    return sorted(f.name for f in FORMATS)


def priority_of(name: str) -> int:
    """The source priority of the format called ``name`` (0 for one this bims does not know)."""
    return next((f.priority for f in FORMATS if f.name == name), 0)


def get_format(name: str) -> SourceFormat:
    """The format called ``name``; a usage error naming the known ones otherwise."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise UsageError(f"unknown format {name!r}; known formats: {', '.join(format_names())}")


def detect_format(sniff: Sniff) -> SourceFormat:
    """The format most sure that the input is its own.

    Raises :class:`FormatNotRecognisedError` when none reaches :data:`DETECTION_THRESHOLD`.
    """
    scored = [(fmt.detect(sniff), -index, fmt) for index, fmt in enumerate(FORMATS)]
    score, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if score < DETECTION_THRESHOLD:
        where = f" {sniff.filename}" if sniff.filename else ""
        raise FormatNotRecognisedError(
            f"no parser recognised{where}; known formats: {', '.join(format_names())}; "
            "pass --format NAME"
        )
    return best


__all__ = [
    "DETECTION_THRESHOLD",
    "FORMATS",
    "Sniff",
    "SourceFormat",
    "detect_format",
    "format_names",
    "get_format",
    "priority_of",
]
