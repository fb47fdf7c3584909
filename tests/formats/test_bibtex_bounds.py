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


def test_a_huge_author_value_fails_its_entry_quickly_and_the_next_lands() -> None:
    authors = " and ".join([r"M\"{u}ller, J\"{o}rg"] * 8_000)  # 190,000 characters
    started = time.perf_counter()
    entries = parse(f"@article{{huge, author = {{{authors}}}}}\n" + GOOD)
    assert kinds(entries) == ["failure", "record"]
    assert isinstance(entries[0], ParseFailure)
    assert "longer than 100,000 characters" in entries[0].message
    assert time.perf_counter() - started < 30  # under a second; decoding it took a minute


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


def test_an_entry_longer_than_the_bound_fails_without_reaching_the_splitter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bibtex, "ENTRY_MAX_CHARS", 1_000)
    braces = "{" * 2_000
    entries = parse(GOOD + f"@article{{long, title = {braces}}}\n" + GOOD.replace("good", "g2"))
    assert kinds(entries) == ["record", "failure", "record"]
    assert isinstance(entries[1], ParseFailure)
    assert entries[1].position.line == 2
    assert "longer than 1,000 characters" in entries[1].message


def test_a_3_mb_entry_fails_quickly_and_the_next_lands() -> None:
    started = time.perf_counter()
    entries = parse(f"@article{{huge, title = {{{'{' * (3 << 20)}}}}}\n" + GOOD)
    assert kinds(entries) == ["failure", "record"]
    assert time.perf_counter() - started < 30  # well under a second; the splitter took 5 s


def test_the_entry_bound_holds_with_cr_only_line_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the fuzzing: with old Mac line ends no entry start was seen, and a 4 MB
    entry went to the splitter whole (5 s)."""
    monkeypatch.setattr(bibtex, "ENTRY_MAX_CHARS", 1_000)
    text = GOOD + f"@article{{long, title = {{{'{' * 2_000}}}}}\n" + GOOD.replace("good", "g2")
    entries = parse(text.replace("\n", "\r"))
    assert kinds(entries) == ["record", "failure", "record"]


def test_a_long_comment_before_the_first_entry_is_no_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bibtex, "ENTRY_MAX_CHARS", 1_000)
    assert kinds(parse("% a comment " * 200 + "\n" + GOOD)) == ["record"]
