"""Deriving a one-record work: the fast path must give exactly what the general one gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    MeshHeading,
    PartialDate,
    Record,
    RelatedWork,
)
from bimscli.store.serialize import record_to_json
from bimscli.store.works import Member, _derive_many, _derive_single, derive_work

# Empty strings, None and words that differ only by case: what the two paths treat specially.
texts = st.sampled_from(["", "Tumour", "tumour", "TUMOUR", "Cell", "x"])
maybe_text = st.none() | texts
words = st.lists(texts, max_size=4).map(tuple)
dates = st.none() | st.builds(PartialDate, st.integers(1990, 2030))
authors = st.lists(st.builds(Author, family=maybe_text, given=maybe_text), max_size=3).map(tuple)
identifiers = st.builds(
    Identifiers, doi=maybe_text, pmid=maybe_text, pmcid=maybe_text, url=maybe_text, isbn=words
)
records = st.builds(
    Record,
    title=maybe_text,
    original_title=maybe_text,
    authors=authors,
    authors_complete=st.booleans(),
    journal=maybe_text,
    issn=words,
    date=dates,
    epub_date=dates,
    volume=maybe_text,
    pages=maybe_text,
    ids=identifiers,
    abstract=st.lists(st.builds(AbstractSection, texts, label=maybe_text), max_size=2).map(tuple),
    keywords=words,
    publication_types=words,
    mesh=st.lists(st.builds(MeshHeading, texts), max_size=3).map(tuple),
    language=maybe_text,
    note=maybe_text,
    cited_references=words,
    related=st.lists(st.builds(RelatedWork, texts), max_size=2).map(tuple),
    extra=st.lists(st.tuples(texts, texts), max_size=3).map(tuple),
)


@settings(max_examples=300)
@given(records, st.integers(1, 10**6), st.sampled_from([20, 65, 100]))
def test_single_member_derivation_equals_the_general_one(
    record: Record, record_id: int, priority: int
) -> None:
    member = Member(record_id, priority, record)
    fast, general = _derive_single(member), _derive_many([member])
    assert fast.record == general.record
    assert record_to_json(fast.record) == record_to_json(general.record)
    assert list(fast.provenance.items()) == list(general.provenance.items())
    assert derive_work([member]) == general


def test_an_unchanged_record_is_shown_as_it_is() -> None:
    record = Record(title="Survival", keywords=("a", "b"), ids=Identifiers(doi="10.1/x"))
    assert _derive_single(Member(3, 100, record)).record is record


def test_empty_and_case_duplicates_are_normalised_as_in_larger_works() -> None:
    record = Record(title="", keywords=("Tumour", "tumour"), note="")
    derived = _derive_single(Member(3, 100, record)).record
    assert (derived.title, derived.keywords, derived.note) == (None, ("Tumour",), None)
