"""bims add at the library level: identifiers to works, no duplicates, unknown ones reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.enrich import EnrichSettings, Service, add_works, parse_work_identifier
from bimscli.enrich.targets import IdKind
from bimscli.errors import UsageError
from bimscli.net.http import HttpSettings
from bimscli.store import Library
from tests.replay_server import SEED_DOIS, UNKNOWN_DOI, ReplayServer


def _settings(cache: Path) -> EnrichSettings:
    return EnrichSettings(HttpSettings(cache_dir=cache, backoff=0.05), (Service.CROSSREF,))


def test_add_creates_works_from_dois_and_urls(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    given = [f"https://doi.org/{SEED_DOIS[5]}", f"doi:{SEED_DOIS[2].upper()}"]
    report = add_works(library, given, _settings(tmp_path / "cache"))
    assert [g for g, _ in report.created] == given
    assert report.exit_code == 0
    titles = [library.work(w).record.title or "" for _, w in report.created]
    assert titles[0].startswith("Efficacy of Web-Based Interventions")
    assert titles[1].startswith("Radiotherapy and Cancer Pain")
    assert library.work(report.created[0][1]).record.journal == "JMIR mHealth and uHealth"


def test_adding_again_finds_the_existing_work(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    first = add_works(library, [SEED_DOIS[0]], _settings(tmp_path / "cache"))
    again = add_works(library, [f"https://doi.org/{SEED_DOIS[0]}"], _settings(tmp_path / "cache"))
    assert again.created == []
    assert [w for _, w in again.existing] == [w for _, w in first.created]
    assert library.count_works() == 1


def test_unknown_doi_is_reported_not_added(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    report = add_works(library, [UNKNOWN_DOI], _settings(tmp_path / "cache"))
    assert report.not_found == [UNKNOWN_DOI]
    assert report.exit_code == 3
    assert library.count_works() == 0


def test_a_bad_identifier_stops_before_any_request(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match="not a DOI, PMID or PMCID"):
        add_works(library, [SEED_DOIS[0], "hello world"], _settings(tmp_path / "cache"))
    assert services_env.requests == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        pytest.param("10.2196/71196", IdKind.DOI, "10.2196/71196", id="doi"),
        pytest.param("https://dx.doi.org/10.2196/71196", IdKind.DOI, "10.2196/71196", id="doi-url"),
        pytest.param("PMID: 33797627", IdKind.PMID, "33797627", id="pmid"),
        pytest.param(
            "https://pubmed.ncbi.nlm.nih.gov/33797627/", IdKind.PMID, "33797627", id="pubmed-url"
        ),
        pytest.param("pmc1373603", IdKind.PMCID, "PMC1373603", id="pmcid"),
        pytest.param(
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1373603/",
            IdKind.PMCID,
            "PMC1373603",
            id="pmc-url",
        ),
    ],
)
def test_identifiers_as_users_write_them(text: str, kind: IdKind, value: str) -> None:
    parsed = parse_work_identifier(text)
    assert (parsed.kind, parsed.value, parsed.given) == (kind, value, text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("PMC", id="pmc-without-digits"),
        pytest.param("https://example.org/paper", id="other-url"),
        pytest.param("12a", id="not-digits"),
    ],
)
def test_bad_identifiers(text: str) -> None:
    with pytest.raises(UsageError):
        parse_work_identifier(text)
