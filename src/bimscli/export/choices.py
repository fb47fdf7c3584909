"""What an export can be asked for: the choices ``bims export`` offers.

Kept apart from the writers so that the command line can offer them without loading the
writers (the formatted bibliography loads citeproc-py, ~0.1 s) for every command.
"""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    """What ``bims export`` writes."""

    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"
    CSL_JSON = "csl-json"
    RIS = "ris"
    BIBLIOGRAPHY = "bibliography"


class OutputFormat(StrEnum):
    """How a formatted bibliography is written."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
