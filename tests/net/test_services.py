"""The service clients against the replay server: requests, batching, rate limits, parsing."""

from __future__ import annotations

import itertools
import json

import pytest

from bimscli.errors import NetworkError
from bimscli.formats import get_format
from bimscli.model import ParsedRecord, Record
from bimscli.net.services import (
    CrossrefClient,
    NotFound,
    Payload,
    PubMedClient,
    SemanticScholarClient,
)
from tests.net.conftest import MakeClient
from tests.replay_server import SEED_DOIS, UNKNOWN_DOI, ReplayServer, Scripted

# Server-side arrival gaps can be a few ms shorter than the client's spacing when the first
# request of a pair was slower on the wire; this is that jitter, not slack in the limit.
JITTER = 0.02

SEED_JOURNALS = {
    "10.1007/s00270-025-04077-9": "CardioVascular and Interventional Radiology",
    "10.1186/s13102-025-01193-4": "BMC Sports Science, Medicine and Rehabilitation",
    "10.3390/ijms26115223": "International Journal of Molecular Sciences",
    "10.3390/cancers17111739": "Cancers",
    "10.1177/21925682251347247": "Global Spine Journal",
    "10.2196/71196": "JMIR mHealth and uHealth",
    "10.3340/jkns.2024.0208": "Journal of Korean Neurosurgical Society",
    "10.1200/edbk-25-472854": "American Society of Clinical Oncology Educational Book",
    "10.1111/jocn.17853": "Journal of Clinical Nursing",
}


def _gaps(server: ReplayServer, prefix: str) -> list[float]:
    times = [r.at for r in server.requests_to(prefix)]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def _records(payload: Payload) -> list[Record]:
    entries = payload.entries()
    assert all(isinstance(e, ParsedRecord) for e in entries), entries
    return [e.record for e in entries if isinstance(e, ParsedRecord)]


def _require_format(name: str) -> None:
    get_format(name)  # every service's parser is registered: a missing one is a failure


def test_crossref_gives_every_seed_work_title_authors_journal(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    client = CrossrefClient(make_client(), mailto="curator@example.org")
    for doi in SEED_DOIS:
        payload = client.fetch_work(doi)
        assert isinstance(payload, Payload), doi
        assert payload.provenance.service == "crossref"
        assert payload.provenance.url.startswith(services_env.url + "/crossref/works/")
        (record,) = _records(payload)
        assert record.ids.doi == doi
        assert record.title
        assert record.authors
        assert record.journal == SEED_JOURNALS[doi]


def test_crossref_seed_work_agrees_with_the_newsletter(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    payload = CrossrefClient(make_client()).fetch_work("10.1186/s13102-025-01193-4")
    assert isinstance(payload, Payload)
    (record,) = _records(payload)
    assert (record.volume, record.issue, record.article_number) == ("17", "1", "148")
    assert record.date is not None
    assert record.date.iso == "2025-06-09"
    assert [s.label for s in record.abstract] == ["Background", "Methods"]
    group = _records(_payload(CrossrefClient(make_client()).fetch_work(SEED_DOIS[4])))[0]
    assert group.authors[-1].group == "AO Spine Knowledge Forum Tumor"


def _payload(result: Payload | NotFound) -> Payload:
    assert isinstance(result, Payload)
    return result


def test_crossref_polite_pool_and_rate(services_env: ReplayServer, make_client: MakeClient) -> None:
    client = CrossrefClient(make_client(), mailto="curator@example.org")
    for doi in SEED_DOIS[:5]:
        client.fetch_work(doi)
    sent = services_env.requests_to("/crossref")
    assert all(r.query["mailto"] == ["curator@example.org"] for r in sent)
    assert all("mailto:curator@example.org" in r.headers["User-Agent"] for r in sent)
    assert min(_gaps(services_env, "/crossref")) >= 0.1 - JITTER


def test_crossref_anonymous_rate(services_env: ReplayServer, make_client: MakeClient) -> None:
    client = CrossrefClient(make_client())
    for doi in SEED_DOIS[:4]:
        client.fetch_work(doi)
    assert "mailto" not in services_env.requests_to("/crossref")[0].query
    assert min(_gaps(services_env, "/crossref")) >= 0.2 - JITTER


def test_pubmed_finds_the_pmid_of_every_seed_doi_at_3_per_second(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    client = PubMedClient(make_client(), email="curator@example.org")
    found = {doi: client.pmids_for_doi(doi) for doi in SEED_DOIS}
    assert all(len(pmids) == 1 for pmids in found.values())
    assert len({pmids[0] for pmids in found.values()}) == 9
    assert client.pmids_for_doi(UNKNOWN_DOI) == ()
    sent = services_env.requests_to("/eutils/esearch.fcgi")
    assert sent[0].query["tool"] == ["bims"]
    assert sent[0].query["email"] == ["curator@example.org"]
    assert sent[0].query["term"] == [f"{SEED_DOIS[0]}[doi]"]
    assert "api_key" not in sent[0].query
    assert min(_gaps(services_env, "/eutils")) >= 1 / 3 - JITTER


def test_pubmed_with_a_key_may_go_at_10_per_second(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    client = PubMedClient(make_client(), api_key="k")
    for doi in SEED_DOIS[:5]:
        client.pmids_for_doi(doi)
    gaps = _gaps(services_env, "/eutils")
    assert min(gaps) >= 0.1 - JITTER
    assert sum(gaps) < 4 * (1 / 3)  # faster than the keyless limit allows


def test_efetch_asks_in_batches_of_200(services_env: ReplayServer, make_client: MakeClient) -> None:
    pmids = [str(40000000 + n) for n in range(450)]
    payloads = PubMedClient(make_client(), api_key="k").fetch_articles(pmids)
    sent = services_env.requests_to("/eutils/efetch.fcgi")
    assert [len(r.query["id"][0].split(",")) for r in sent] == [200, 200, 50]
    assert [p.query for p in payloads] == [r.query["id"][0] for r in sent]
    assert all(r.query["retmode"] == ["xml"] for r in sent)


def test_efetch_returns_one_article_set_for_the_seed_pmids(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    client = PubMedClient(make_client(), api_key="k")
    pmids = [client.pmids_for_doi(doi)[0] for doi in SEED_DOIS]
    (payload,) = client.fetch_articles(pmids)
    assert payload.format_name == "pubmed-xml"
    assert payload.text.count("<PubmedArticle>") == 9
    _require_format("pubmed-xml")
    records = _records(payload)
    assert {r.ids.doi for r in records} == set(SEED_DOIS)
    assert all(r.title and r.authors and r.journal for r in records)


def test_pubmed_malformed_esearch_is_a_clear_error(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", "/eutils/esearch.fcgi", Scripted(200, body=b'{"esearchresult": '))
    with pytest.raises(NetworkError, match="malformed body"):
        PubMedClient(make_client()).pmids_for_doi(SEED_DOIS[0])


def test_esearch_without_id_list_is_a_clear_error(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", "/eutils/esearch.fcgi", Scripted(200, body=b'{"error": "x"}'))
    with pytest.raises(NetworkError, match="without an id list"):
        PubMedClient(make_client()).pmids_for_doi(SEED_DOIS[0])


def test_semantic_scholar_batch_with_an_unknown_id(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    client = SemanticScholarClient(make_client(), api_key="S2-SECRET-KEY")
    asked = [f"DOI:{doi}" for doi in SEED_DOIS] + [f"DOI:{UNKNOWN_DOI}", "PMID:40481103"]
    results = client.fetch_papers(asked)
    assert [r.query for r in results] == asked
    assert [type(r) for r in results] == [Payload] * 9 + [NotFound, Payload]
    (sent,) = services_env.requests_to("/s2/paper/batch")
    assert sent.method == "POST"
    assert json.loads(sent.body) == {"ids": asked}
    assert sent.headers["x-api-key"] == "S2-SECRET-KEY"
    assert "abstract" in sent.query["fields"][0].split(",")
    paper = json.loads(_payload(results[0]).text)
    assert paper["externalIds"]["DOI"] == SEED_DOIS[0]
    assert paper["abstract"] is None  # "not available": kept as null for the parser


def test_semantic_scholar_records(services_env: ReplayServer, make_client: MakeClient) -> None:
    results = SemanticScholarClient(make_client()).fetch_papers([f"DOI:{d}" for d in SEED_DOIS])
    _require_format("semantic-scholar")
    for result in results:
        (record,) = _records(_payload(result))
        assert record.title
        assert record.authors


def test_semantic_scholar_batches_of_500_at_1_per_second(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    asked = [f"PMID:{40000000 + n}" for n in range(501)]
    results = SemanticScholarClient(make_client()).fetch_papers(asked)
    assert len(results) == 501
    sent = services_env.requests_to("/s2/paper/batch")
    assert [len(json.loads(r.body)["ids"]) for r in sent] == [500, 1]
    assert min(_gaps(services_env, "/s2")) >= 1.0 - JITTER


def test_semantic_scholar_wrong_shape_is_a_clear_error(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("POST", "/s2/paper/batch", Scripted(200, body=b'{"error": "x"}'))
    with pytest.raises(NetworkError, match="no list of 1 papers"):
        SemanticScholarClient(make_client()).fetch_papers([f"DOI:{SEED_DOIS[0]}"])
