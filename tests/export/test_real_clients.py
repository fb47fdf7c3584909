"""The exports as the real clients read them: biber validates BibLaTeX, pandoc renders BibTeX
and CSL-JSON. Neither may report an error or a warning, for the nasty library and for records
parsed from the five seeds (newsletter entries without titles or authors, a web page, …)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex
from bimscli.export.citekeys import make_citation_key
from bimscli.export.csl_json import write_csl_json
from bimscli.formats import Sniff, detect_format
from bimscli.model import ParsedRecord
from tests.export.clients import run_biber_validation, run_pandoc_citeproc
from tests.export.nasty_library import NASTY_LIBRARY
from tests.golden import FIXTURES

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def seed_items() -> tuple[ExportItem, ...]:
    """The records of the five seed documents, each read by the format bims detects for it,
    keyed as the library would key them."""
    records = []
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        fmt = detect_format(Sniff(text[:4096], path.name))
        records += [e.record for e in fmt.parse_string(text) if isinstance(e, ParsedRecord)]
    assert len(records) >= len(SEEDS), "the seeds gave too few records"
    taken: set[str] = set()
    items = []
    for record in records:
        key = make_citation_key(record, taken)
        taken.add(key.casefold())
        items.append(ExportItem(key, record, ("seed",)))
    return tuple(items)


LIBRARIES = [
    pytest.param(lambda: NASTY_LIBRARY, id="nasty"),
    pytest.param(seed_items, id="seeds"),
]


@pytest.mark.parametrize("library", LIBRARIES)
def test_biber_validates_every_biblatex_entry(library: object, tmp_path: Path) -> None:
    items = library()  # type: ignore[operator]
    bib = tmp_path / "export.bib"
    bib.write_text(write_bibtex(items, Dialect.BIBLATEX), encoding="utf-8")
    assert run_biber_validation(bib) == ""


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        pytest.param(".bibtex", write_bibtex, id="bibtex"),
        pytest.param(".json", write_csl_json, id="csl-json"),
    ],
)
def test_pandoc_renders_every_entry(
    library: object, suffix: str, write: object, tmp_path: Path
) -> None:
    items: tuple[ExportItem, ...] = library()  # type: ignore[operator]
    bibliography = tmp_path / ("export" + suffix)
    bibliography.write_text(write(items), encoding="utf-8")  # type: ignore[operator]
    output, warnings = run_pandoc_citeproc(bibliography, [i.key for i in items])
    assert warnings == ""
    entries = [e for e in output.split("\n\n") if e.strip()]
    assert len(entries) == len(items), output


def test_pandoc_reads_latex_escapes_back_to_unicode(tmp_path: Path) -> None:
    bibliography = tmp_path / "export.bibtex"
    bibliography.write_text(write_bibtex(NASTY_LIBRARY), encoding="utf-8")
    output, _ = run_pandoc_citeproc(bibliography, [NASTY_LIBRARY[0].key, NASTY_LIBRARY[2].key])
    flat = " ".join(output.split())
    for text in (
        "Müller, Jürgen",
        "Ødegård",
        "Łukasiewicz",
        "TGF-β",
        "≥65",
        "5 ± 2",
        "× 3",
        "Ca²⁺",
    ):
        assert text in flat
    for protected in ("BRCA1-mutated", "H₂O₂", "SBRT", "MESCC", "IL-6", "mHealth"):
        assert protected in flat


def test_the_client_checks_can_fail(tmp_path: Path) -> None:
    """The checks above see warnings when there are some (no vacuous passes)."""
    bib = tmp_path / "bad.bib"
    bib.write_text("@article{bad,\n  pmid = {1},\n}\n", encoding="utf-8")
    assert "pmid" in run_biber_validation(bib)
    _, warnings = run_pandoc_citeproc(bib, ["missingKey"])
    assert "missingKey" in warnings
