"""BibTeX values are bounded: a huge value or an @string bomb fails its entry, not the file."""

from __future__ import annotations

import time

import pytest

from bimscli.formats import bibtex
from bimscli.formats.bibtex import FORMAT
from bimscli.model import Entry, ParsedRecord, ParseFailure

GOOD = "@article{good, title = {A good title}, year = 2020}\n"


def parse(text: str) -> list[Entry]:
    return list(FORMAT.parse_string(text))


def kinds(entries: list[Entry]) -> list[str]:
    return ["record" if isinstance(e, ParsedRecord) else "failure" for e in entries]


def test_a_3_mb_author_value_fails_its_entry_quickly_and_the_next_lands() -> None:
    authors = " and ".join([r"M\"{u}ller, J\"{o}rg"] * 150_000)
    started = time.perf_counter()
    entries = parse(f"@article{{huge, author = {{{authors}}}}}\n" + GOOD)
    assert kinds(entries) == ["failure", "record"]
    assert isinstance(entries[0], ParseFailure)
    assert "longer than 100,000 characters" in entries[0].message
    assert time.perf_counter() - started < 30  # about a second; decoding it took minutes


def test_string_macros_that_double_each_other_are_no_bomb() -> None:
    strings = ["@string{m0 = {xxxxxxxxxxxxxxxx}}"]
    strings += [f"@string{{m{n} = m{n - 1} # m{n - 1}}}" for n in range(1, 60)]
    text = "\n".join(strings) + "\n@article{bomb, title = m59}\n" + GOOD
    started = time.perf_counter()
    entries = parse(text)
    assert kinds(entries) == ["failure", "record"]
    assert isinstance(entries[0], ParseFailure)
    assert "@string m59 is too long" in entries[0].message
    assert time.perf_counter() - started < 30  # 2^63 characters would never finish


def test_the_field_bound_is_a_named_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex, "FIELD_MAX_CHARS", 20)
    entries = parse("@article{a, title = {short}}\n@article{b, title = {" + "x" * 21 + "}}\n")
    assert kinds(entries) == ["record", "failure"]
