"""Deduplication at ingest: each file's records are matched, once all are stored, against the
library and each other by streaming the blocks they share from the store."""

from __future__ import annotations

import csv
import functools
import gzip
from pathlib import Path

import pytest

import bimscli.dedup.library.clustering
import bimscli.ingest.run
from bimscli.dedup.blocking import MAX_BLOCK
from bimscli.dedup.library.clustering import dedup_library
from bimscli.dedup.library.report import duplicate_groups
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.model import Author, Identifiers, ParsedRecord, PartialDate, Position, Record
from bimscli.store import Library
from bimscli.store.dedup_index import index_records, touched_blocks

RESPIRATORY = Path(__file__).parents[2] / "fixtures" / "dedup" / "respiratory"


def _deal(tmp_path: Path, rows: int, parts: int) -> list[Path]:
    with gzip.open(RESPIRATORY / "records_pre_merged.csv.gz", "rt", newline="") as stream:
        header, *records = list(csv.reader(stream))
    paths = []
    for k in range(parts):
        path = tmp_path / f"part-{k}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(records[:rows][k::parts])
        paths.append(path)
    return paths


def test_files_ingested_one_after_another_find_the_works_a_full_dedup_finds(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny chunks, so that blocks are streamed in many chunks and a record is read in several;
    # small windows, so that a file's later records meet its earlier ones as library records.
    monkeypatch.setattr(
        bimscli.dedup.library.clustering,
        "touched_blocks",
        functools.partial(touched_blocks, chunk_members=40),
    )
    monkeypatch.setattr(bimscli.ingest.run, "DEDUP_WINDOW", 70)
    parts = _deal(tmp_path, 800, 4)
    report = ingest_sources(library, [InputSource(str(p), path=p) for p in parts])
    assert report.records == 800
    assert sum(f.merged for f in report.files[1:]) > 0  # later files joined earlier works
    after_ingest = sorted(duplicate_groups(library))
    with library.transaction():
        dedup_library(library)
    assert len(after_ingest) > 50
    assert after_ingest == sorted(duplicate_groups(library))


def _store(library: Library, records: list[Record]) -> list[int]:
    input_id = library.add_input(
        name="x.ris", path=None, sha256=str(len(records)), size=1, format_name="ris",
        parser_version="1",
    )  # fmt: skip
    parsed = [ParsedRecord(r, Position(n + 1, n + 1), "raw") for n, r in enumerate(records)]
    ids = library.add_source_records(input_id, parsed)
    index_records(library, list(zip(ids, records, strict=True)))
    return ids


def _crowd(family: str, year: int, size: int) -> list[Record]:
    """Records sharing only first author and year (one "ay" and one "at" block)."""
    words = ["asthma", "cancer", "stroke", "sepsis", "anaemia", "obesity", "malaria", "gout"]
    return [
        Record(
            title=f"{words[n % 8]} {words[n // 8 % 8]} {family} cohort {n} in {year}",
            authors=(Author(family, "A."),),
            date=PartialDate(year),
        )
        for n in range(size)
    ]


def test_touched_blocks_skip_oversized_blocks_and_keep_identifier_blocks(
    library: Library,
) -> None:
    same_doi = [Record(title=f"Paper {n}", ids=Identifiers(doi="10.1/shared")) for n in range(3)]
    with library.transaction():
        crowd = _store(library, _crowd("Smith", 2001, MAX_BLOCK + 1))
        full = _store(library, _crowd("Jones", 2002, MAX_BLOCK))
        ids = _store(library, same_doi)
        doi_blocks = [b for chunk in touched_blocks(library, [(ids[0], ids[-1])]) for b in chunk]
        crowd_blocks = [
            b for chunk in touched_blocks(library, [(crowd[0], crowd[-1])]) for b in chunk
        ]
        full_blocks = [b for chunk in touched_blocks(library, [(full[0], full[-1])]) for b in chunk]
    assert [(len(m), by_id) for m, by_id in doi_blocks] == [(3, True)]
    assert {m.record_id for m in doi_blocks[0][0]} == {str(i) for i in ids}
    # 65 records by Smith in 2001: the "ay" block is oversized and skipped.
    assert all(len(members) < MAX_BLOCK for members, _ in crowd_blocks)
    # 64 records by Jones in 2002: the block is read, with every member's features.
    largest = max(full_blocks, key=lambda block: len(block[0]))
    assert len(largest[0]) == MAX_BLOCK
    assert {m.record_id for m in largest[0]} == {str(i) for i in full}


def _bibtex(key: str, title: str, doi: str | None, pages: str = "1--9") -> str:
    doi_field = f"  doi = {{{doi}}},\n" if doi else ""
    return (
        f"@article{{{key},\n  title = {{{title}}},\n  author = {{Smith, Anna}},\n"
        f"  journal = {{J Test}},\n  year = {{2001}},\n  volume = {{3}},\n"
        f"  pages = {{{pages}}},\n{doi_field}}}\n\n"
    )


def test_a_new_record_never_joins_two_library_works_with_different_dois(
    library: Library, tmp_path: Path
) -> None:
    # Many library records joined by one file (more than the re-check cap of one group),
    # and among them a new record similar to two library records whose DOIs differ (and
    # their pages: two publications, so the different DOIs are not overcome).
    words = ["asthma", "stroke", "sepsis", "anaemia", "obesity", "malaria", "gout", "acne"]
    unrelated = [
        (f"u{n}", f"{words[n % 8]} {words[n // 8 % 8]} in {words[n // 64 % 8]} study {n}")
        for n in range(200)
    ]
    title = "Effects of metformin on hepatic glucose output in type 2 diabetes"
    first = tmp_path / "library.bib"
    first.write_text(
        "".join(_bibtex(k, t, f"10.1000/{k}", f"{n + 10}--{n + 19}") for n, (k, t) in
                enumerate(unrelated))
        + _bibtex("a", title, "10.1000/aaa")
        + _bibtex("b", title, "10.1000/bbb", "301--309"),
        encoding="utf-8",
    )  # fmt: skip
    second = tmp_path / "new.bib"
    second.write_text(
        "".join(_bibtex(f"c{k}", t, f"10.1000/{k}", f"{n + 10}--{n + 19}") for n, (k, t) in
                enumerate(unrelated))
        + _bibtex("n", title, None),
        encoding="utf-8",
    )  # fmt: skip
    report = ingest_sources(library, [InputSource("library.bib", path=first)])
    assert report.files[0].merged == 0
    report = ingest_sources(library, [InputSource("new.bib", path=second)])
    assert report.files[0].merged >= 200  # every copy joined its original
    work_of = dict(
        library.connection.execute(
            "SELECT s.source_key, m.work_id FROM source_records s"
            " JOIN work_members m ON m.record_id = s.id WHERE s.source_key IN ('a', 'b', 'n')"
        ).fetchall()
    )
    assert work_of["a"] != work_of["b"]
    assert work_of["n"] in {work_of["a"], work_of["b"]}


def test_exact_duplicates_join_one_work_whatever_their_number_across_ingests(
    library: Library, tmp_path: Path
) -> None:
    # More copies than a block holds (MAX_BLOCK), in two files: still one work.
    title = "Effects of metformin on hepatic glucose output in type 2 diabetes"
    copies = MAX_BLOCK + 6
    for name in ("one.bib", "two.bib"):
        path = tmp_path / name
        path.write_text("".join(_bibtex(f"{name}{n}", title, None) for n in range(copies)))
        ingest_sources(library, [InputSource(name, path=path)])
    assert library.count_works() == 1
    assert library.count_source_records() == 2 * copies
