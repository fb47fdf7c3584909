"""Keys and the contact address against servers that redirect, echo and fail.

They must reach the service that needs them and nothing else: not the cache (inspected as the
SQLite file's bytes), not an answer's text, not a message or a log, and not another origin.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from bimscli.errors import NetworkError, ServiceUnavailableError
from bimscli.model import ParsedRecord
from bimscli.net.services import (
    CrossrefClient,
    NotFound,
    Payload,
    PubMedClient,
    SemanticScholarClient,
)
from tests.net.conftest import MakeClient
from tests.replay_server import REPLAY, SEED_DOIS, LoggedRequest, ReplayServer, Scripted

DOI = SEED_DOIS[0]
PMID = "40481101"
WORK_PATH = f"/crossref/works/{DOI}"
NCBI_KEY = "NCBI-KEY-0d9c8e7f6a5b4c3d2e1f"  # fake keys the tests look for
S2_KEY = "S2-KEY-a1b2c3d4e5f6a7b8c9d0"
MAIL = "curator+bims@example.org"  # a + and an @: URL-encoding changes how it is spelt
SECRETS = (NCBI_KEY, S2_KEY, MAIL)


def _spellings(secret: str) -> set[str]:
    return {secret, quote_plus(secret), quote(secret, safe=""), quote(secret, safe="@")}


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        for spelling in _spellings(secret):
            assert spelling not in text, spelling


def _assert_no_secret_bytes(data: bytes) -> None:
    for secret in SECRETS:
        for spelling in _spellings(secret):
            assert spelling.encode() not in data, spelling


def _cache_bytes(cache_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(cache_dir.iterdir()) if p.is_file())


def _echo_redirect(to: str = "/moved{path}?{query}", status: int = 302) -> Scripted:
    """A redirect that repeats the URL it was asked, keys and all."""
    return Scripted(status, headers={"Location": to}, echo=True)


def _ask_every_service(client: MakeClient) -> list[Payload | NotFound]:
    http = client()
    pubmed = PubMedClient(http, api_key=NCBI_KEY, email=MAIL)
    answers: list[Payload | NotFound] = list(pubmed.fetch_articles(pubmed.pmids_for_doi(DOI)))
    answers.append(CrossrefClient(http, mailto=MAIL).fetch_work(DOI))
    answers += SemanticScholarClient(http, api_key=S2_KEY).fetch_papers([f"DOI:{DOI}"])
    return answers


def test_same_origin_redirects_keep_every_secret_out_of_the_cache(
    services_env: ReplayServer, make_client: MakeClient, cache_dir: Path
) -> None:
    for path in ("/eutils/esearch.fcgi", "/eutils/efetch.fcgi", WORK_PATH):
        services_env.script("GET", path, _echo_redirect())
    services_env.script("POST", "/s2/paper/batch", _echo_redirect(status=307))
    answers = _ask_every_service(make_client)
    assert [type(a) for a in answers] == [Payload] * 3
    moved = services_env.requests_to("/moved")
    assert len(moved) == 4  # every redirect was followed, within the same origin
    assert all(r.query["api_key"] == [NCBI_KEY] for r in moved if "/eutils/" in r.path)
    (s2,) = (r for r in moved if "/s2/" in r.path)
    assert s2.headers["x-api-key"] == S2_KEY
    assert json.loads(s2.body) == {"ids": [f"DOI:{DOI}"]}  # a 307 keeps the POST
    stored = _cache_bytes(cache_dir)
    assert PMID.encode() in stored  # the cache is readable as bytes: the check can fail
    _assert_no_secret_bytes(stored)
    with sqlite3.connect(cache_dir / "http-cache.sqlite") as cache:
        assert cache.execute("SELECT count(*) FROM redirects").fetchone() == (0,)
    for answer in answers:
        assert isinstance(answer, Payload)
        _assert_no_secret(answer.provenance.url + answer.text)
    again = make_client()
    assert [type(a) for a in _ask_every_service(lambda: again)] == [Payload] * 3
    assert again.network_requests == 0  # kept under the question asked, not the hops


def _everything_sent(request: LoggedRequest) -> str:
    return " ".join(
        [request.path, json.dumps(request.query), json.dumps(request.headers), repr(request.body)]
    )


def test_credentials_do_not_follow_a_redirect_to_another_origin(
    services_env: ReplayServer,
    other_replay_server: ReplayServer,
    make_client: MakeClient,
) -> None:
    other = other_replay_server.url
    term = quote_plus(f"{DOI}[doi]")
    services_env.script(
        "GET", "/eutils/esearch.fcgi", _echo_redirect(f"{other}{{path}}?retmode=json&term={term}")
    )
    services_env.script("GET", "/eutils/efetch.fcgi", _echo_redirect(f"{other}{{path}}?id={PMID}"))
    services_env.script("GET", WORK_PATH, _echo_redirect(f"{other}{{path}}"))
    services_env.script("POST", "/s2/paper/batch", _echo_redirect(f"{other}{{path}}", 307))
    answers = _ask_every_service(make_client)
    assert [type(a) for a in answers] == [Payload] * 3
    first = services_env.requests
    assert any(r.query.get("api_key") == [NCBI_KEY] for r in first)  # the keys did go out
    assert any("mailto:" + MAIL in r.headers.get("User-Agent", "") for r in first)
    assert any(r.headers.get("x-api-key") == S2_KEY for r in first)
    elsewhere = other_replay_server.requests
    assert len(elsewhere) == 4
    for request in elsewhere:
        _assert_no_secret(_everything_sent(request))
        assert not {"api_key", "email", "mailto"} & set(request.query)
        assert "x-api-key" not in {name.lower() for name in request.headers}
    (s2,) = other_replay_server.requests_to("/s2")
    assert (s2.method, json.loads(s2.body)) == ("POST", {"ids": [f"DOI:{DOI}"]})


@pytest.mark.parametrize(
    "location",
    [
        pytest.param("{other}{{path}}?{{query}}", id="echoed-query"),
        pytest.param("{other}/keys/" + quote(MAIL, safe=""), id="encoded-address-in-path"),
        pytest.param("{other}/keys/" + NCBI_KEY, id="key-in-path"),
    ],
)
def test_a_redirect_carrying_a_secret_to_another_origin_is_not_followed(
    location: str,
    services_env: ReplayServer,
    other_replay_server: ReplayServer,
    make_client: MakeClient,
) -> None:
    target = location.format(other=other_replay_server.url)
    services_env.script("GET", "/eutils/esearch.fcgi", _echo_redirect(target))
    client = PubMedClient(make_client(), api_key=NCBI_KEY, email=MAIL)
    with pytest.raises(ServiceUnavailableError, match="not followed") as refused:
        client.pmids_for_doi(DOI)
    assert other_replay_server.requests == []
    _assert_no_secret(str(refused.value))
    assert len(services_env.requests) == 1  # not retried either


def _with_title(body: bytes, title: str) -> bytes:
    work = json.loads(body)
    work["message"]["title"] = [title]
    return json.dumps(work).encode()


def test_secrets_a_server_echoes_are_taken_out_of_answers_and_the_cache(
    services_env: ReplayServer, make_client: MakeClient, cache_dir: Path
) -> None:
    recorded = (REPLAY / "crossref" / f"{DOI.replace('/', '_')}.json").read_bytes()
    echoed = _with_title(recorded, f"Hello {MAIL}, or {quote_plus(MAIL)}")
    services_env.script("GET", WORK_PATH, Scripted(body=echoed))
    efetch = (REPLAY / "eutils" / "efetch" / f"{PMID}.xml").read_bytes()
    title_start = efetch.index(b"<ArticleTitle>") + len(b"<ArticleTitle>")
    efetch = efetch[:title_start] + f"key={NCBI_KEY} ".encode() + efetch[title_start:]
    services_env.script("GET", "/eutils/efetch.fcgi", Scripted(body=efetch))
    http = make_client()
    work = CrossrefClient(http, mailto=MAIL).fetch_work(DOI)
    (article,) = PubMedClient(http, api_key=NCBI_KEY).fetch_articles([PMID])
    for answer in (work, article):
        assert isinstance(answer, Payload)
        _assert_no_secret(answer.text)
        (record,) = answer.entries()
        assert isinstance(record, ParsedRecord)
        assert "***" in (record.record.title or "")
        _assert_no_secret(record.raw)
    stored = _cache_bytes(cache_dir)
    assert b"Hello ***" in stored
    _assert_no_secret_bytes(stored)


def test_messages_never_show_a_secret_the_server_echoed(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    broken = f'{{"echo": "api_key={NCBI_KEY}&email={quote_plus(MAIL)}", '.encode()
    services_env.script("GET", "/eutils/esearch.fcgi", Scripted(body=broken))
    client = PubMedClient(make_client(), api_key=NCBI_KEY, email=MAIL)
    with pytest.raises(NetworkError, match="malformed body") as failed:
        client.pmids_for_doi(DOI)
    assert "api_key=***" in str(failed.value)  # the echo is shown, without the key
    _assert_no_secret(str(failed.value))


def test_debug_logs_show_no_secret(
    services_env: ReplayServer, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    services_env.script("GET", "/eutils/esearch.fcgi", _echo_redirect())
    PubMedClient(make_client(), api_key=NCBI_KEY, email=MAIL).pmids_for_doi(DOI)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "esearch.fcgi" in logged  # urllib3 did log the requests
    _assert_no_secret(logged)
