"""The contract every source parser fulfils.

A format is a :class:`SourceFormat`: a name, a version (recorded in each source record's
provenance), a detector and one parse function. Parsers are pure: text, lines or a byte stream
in, :data:`~bimscli.model.Entry` values out. They never touch the network, the library or
global state, and they never raise on bad input: a bad entry becomes a
:class:`~bimscli.model.ParseFailure` and the next entry is parsed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from bimscli.model import Entry

ParseText = Callable[[str], Iterator[Entry]]
"""Parses a whole decoded document (small formats: web pages, JSON, BibTeX)."""

ParseLines = Callable[[Iterable[str]], Iterator[Entry]]
"""Parses decoded lines with their line endings, streaming (RIS, MEDLINE, CSV)."""

ParseStream = Callable[[BinaryIO], Iterator[Entry]]
"""Parses a byte stream, streaming (XML of any size)."""


@dataclass(frozen=True, slots=True)
class Sniff:
    """What a detector sees: the start of the decoded input and the file's name."""

    head: str
    filename: str = ""

    @property
    def suffix(self) -> str:
        """The lower-case file extension without ``.gz``, e.g. ``.bib``."""
        name = self.filename.lower()
        if name.endswith(".gz"):
            name = name[:-3]
        dot = name.rfind(".")
        return name[dot:] if dot > name.rfind("/") and dot != -1 else ""


@dataclass(frozen=True, slots=True)
class SourceFormat:
    """One input format bims can read.

    ``detect`` returns a confidence from 0.0 (certainly not this format) to 1.0 (certainly it).
    ``priority`` ranks the format as a source of a work's shown fields: curated databases
    (PubMed) above publishers' metadata (Crossref) above aggregators above newsletters above web
    pages. Exactly one of ``parse_text``, ``parse_lines`` and ``parse_stream`` is set.
    """

    name: str
    title: str
    version: str
    priority: int
    detect: Callable[[Sniff], float]
    parse_text: ParseText | None = None
    parse_lines: ParseLines | None = None
    parse_stream: ParseStream | None = None

    def parse_string(self, text: str) -> Iterator[Entry]:
        """Parse a whole text whatever the parser's input kind (tests, small inputs)."""
        if self.parse_text is not None:
            return self.parse_text(text)
        if self.parse_lines is not None:
            return self.parse_lines(text.splitlines(keepends=True))
        if self.parse_stream is not None:
            return self.parse_stream(io.BytesIO(text.encode("utf-8")))
        raise AssertionError(f"format {self.name} has no parse function")
