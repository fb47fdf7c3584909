"""Throughput of the RIS, BibTeX and CSL-JSON parsers on their fixtures repeated many times.

Run: PYTHONPATH=src python benchmarks/bench_reference_formats.py [copies]
Prints records per second for each format; a timing is a figure, never a test.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from bimscli.formats import bibtex, csl_json, ris
from bimscli.formats.base import SourceFormat
from bimscli.model import ParsedRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _bibtex_input(copies: int) -> str:
    text = (FIXTURES / "bibtex" / "jabref.bib").read_text(encoding="utf-8")
    text += (FIXTURES / "bibtex" / "zotero-biblatex.bib").read_text(encoding="utf-8")
    # Keys differ per copy, as in a real file (duplicates would still land, more slowly).
    return "".join(re.sub(r"^(@\w+\{)", rf"\g<1>c{n}_", text, flags=re.M) for n in range(copies))


def _csl_input(copies: int) -> str:
    body = (FIXTURES / "csl-json" / "pandoc.json").read_text(encoding="utf-8").strip()[1:-1]
    return "[" + ",".join([body] * copies) + "]"


def _ris_input(copies: int) -> str:
    text = (FIXTURES / "ris" / "zotero.ris").read_text(encoding="utf-8")
    text += (FIXTURES / "ris" / "embase.ris").read_text(encoding="utf-8")
    return text * copies


def _measure(fmt: SourceFormat, text: str) -> None:
    start = time.perf_counter()
    records = sum(isinstance(e, ParsedRecord) for e in fmt.parse_string(text))
    seconds = time.perf_counter() - start
    size = len(text.encode("utf-8")) / 1e6
    print(
        f"{fmt.name:9} {records:7d} records {size:6.1f} MB {seconds:6.2f} s "
        f"{records / seconds:8.0f} records/s"
    )


def main() -> None:
    """Parse each format's fixtures repeated ``copies`` times and print the throughput."""
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    _measure(ris.FORMAT, _ris_input(copies))
    _measure(bibtex.FORMAT, _bibtex_input(copies))
    _measure(csl_json.FORMAT, _csl_input(copies))


if __name__ == "__main__":
    main()
