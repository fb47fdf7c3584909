"""Reading an input into prepared batches, and storing them."""

from __future__ import annotations

import pytest
from tests.golden import FIXTURES

from bimscli.errors import LibraryError
from bimscli.formats import detect_format
from bimscli.ingest.reading import (
    encoded_batches,
    prepare_encoded_batch,
    prepared_batches,
    read_entries,
)
from bimscli.ingest.sources import InputSource, sniff
from bimscli.model import (
    DocumentHeader,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    Position,
    Record,
)
from bimscli.store import Library
from bimscli.store.prepare import prepare_record
from bimscli.store.prepared import store_prepared


def _parsed(n: int) -> ParsedRecord:
    record = Record(title=f"Paper {n}", ids=Identifiers(doi=f"10.1/{n}"))
    return ParsedRecord(record, Position(n, n), f"raw {n}", f"key{n}")


def test_batches_number_records_and_carry_failures_and_the_header() -> None:
    failure = ParseFailure(Position(3, 3), "bad", "cannot read")
    header = DocumentHeader((("issue", "12"),))
    entries: list[Entry] = [_parsed(1), _parsed(2), failure, _parsed(4), header]
    batches = list(prepared_batches(entries, first_id=10, priority=5, size=2))
    assert [[p.record_id for p in b.records] for b in batches] == [[10, 11], [12]]
    assert [p.source_key for b in batches for p in b.records] == ["key1", "key2", "key4"]
    assert [b.failures for b in batches] == [(), (failure,)]
    assert [b.header for b in batches] == [None, header]


def test_a_prepared_work_stores_no_copy_of_an_unchanged_record() -> None:
    prepared = prepare_record(_parsed(1), 7, priority=5)
    assert prepared.work.record is None
    assert prepared.work.provenance is None
    assert (prepared.work.title, prepared.work.doi) == ("Paper 1", "10.1/1")
    assert "doi:10.1/1" in prepared.blocking_keys


def test_records_prepared_for_other_ids_are_refused_and_nothing_of_them_is_stored(
    library: Library,
) -> None:
    with library.transaction():
        input_id = library.add_input(
            name="a.ris", path=None, sha256="x", size=1, format_name="ris", parser_version="1"
        )
        store_prepared(library, input_id, [prepare_record(_parsed(1), 1, 5)])
        with pytest.raises(LibraryError, match="next free id is 2"):
            store_prepared(library, input_id, [prepare_record(_parsed(2), 5, 5)])
    # Only the earlier, valid batch is there: no record, work or index row of the refused one.
    assert library.count_source_records() == 1
    assert library.count_works() == 1
    assert library.work(1).record.title == "Paper 1"
    features = library.connection.execute("SELECT count(*) FROM record_features").fetchone()
    assert features[0] == 1


@pytest.mark.parametrize(
    "fixture",
    ["pubmed-xml/traps.xml", "bibtex/nasty.bib", "ris/zotero.ris", "csl-json/zotero.json"],
)
def test_a_record_sent_as_json_is_prepared_exactly_as_the_parsed_record(fixture: str) -> None:
    path = FIXTURES / fixture
    source = InputSource(str(path), path=path)
    fmt = detect_format(sniff(source, "utf-8"))
    entries = list(read_entries(source, fmt, "utf-8", lambda _: None))
    direct = [b.records for b in prepared_batches(entries, 1, fmt.priority, size=2)]
    sent = [
        prepare_encoded_batch(batch, 1 + 2 * n, fmt.priority).records
        for n, batch in enumerate(encoded_batches(entries, size=2))
    ]
    assert sent == direct
    assert sum(map(len, direct)) >= 3
