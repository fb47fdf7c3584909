"""The HTTP layer against the replay server: retries, Retry-After, timeouts, cache, secrets."""

from __future__ import annotations

import email.utils
import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bimscli.errors import NetworkError
from bimscli.net.http import RateLimiter, ServicePolicy, ServiceUnavailableError
from bimscli.net.services import CrossrefClient, NotFound, Payload, PubMedClient
from tests.net.conftest import MakeClient
from tests.replay_server import SEED_DOIS, UNKNOWN_DOI, ReplayServer, Scripted

DOI = SEED_DOIS[0]
WORK_PATH = f"/crossref/works/{DOI}"
SECRET_KEY = "SECRET-NCBI-KEY-5f3a9c"  # noqa: S105 - a fake key the cache must not keep
SECRET_MAIL = "curator.secret@example.org"  # noqa: S105 - a fake address


def _gaps(server: ReplayServer, prefix: str) -> list[float]:
    times = [r.at for r in server.requests_to(prefix)]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_429_with_retry_after_seconds_is_honoured(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(429, headers={"Retry-After": "1"}))
    result = CrossrefClient(make_client()).fetch_work(DOI)
    assert isinstance(result, Payload)
    (gap,) = _gaps(services_env, "/crossref")
    assert gap >= 1.0


def test_429_with_retry_after_http_date_is_honoured(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=3)
    header = email.utils.format_datetime(when, usegmt=True)
    services_env.script("GET", WORK_PATH, Scripted(429, headers={"Retry-After": header}))
    assert isinstance(CrossrefClient(make_client()).fetch_work(DOI), Payload)
    (gap,) = _gaps(services_env, "/crossref")
    # The date has whole seconds (up to 1 s earlier than `when`), and a busy machine may take
    # most of another second to send the first request: still at least 1 s to wait.
    assert gap >= 1.0


def test_retry_after_longer_than_allowed_is_an_error(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(429, headers={"Retry-After": "3600"}))
    with pytest.raises(NetworkError, match="asks to wait 3600 s"):
        CrossrefClient(make_client()).fetch_work(DOI)
    assert len(services_env.requests_to("/crossref")) == 1


def test_500_then_success_backs_off(services_env: ReplayServer, make_client: MakeClient) -> None:
    services_env.script("GET", WORK_PATH, Scripted(500), Scripted(503))
    result = CrossrefClient(make_client()).fetch_work(DOI)
    assert isinstance(result, Payload)
    first, second = _gaps(services_env, "/crossref")
    assert first >= 0.05
    assert second >= 0.1  # doubled


def test_persistent_500_gives_up_with_a_clear_error(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, *[Scripted(500)] * 4)
    with pytest.raises(NetworkError, match=r"failed after 4 attempts \(HTTP 500\)"):
        CrossrefClient(make_client()).fetch_work(DOI)


def test_stalled_answer_times_out_and_is_retried(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(delay=30.0, body=b"{}"))
    started = time.monotonic()
    result = CrossrefClient(make_client(timeout=2.0)).fetch_work(DOI)
    assert isinstance(result, Payload)
    assert "Electrochemotherapy" in result.text
    assert len(services_env.requests_to("/crossref")) == 2
    assert time.monotonic() - started < 20  # the 30-second stall was not waited out


def test_answers_that_always_stall_are_a_network_error(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, *[Scripted(delay=10.0)] * 2)
    with pytest.raises(NetworkError, match=r"no answer within 0\.3 s"):
        CrossrefClient(make_client(timeout=0.3, max_retries=1)).fetch_work(DOI)


def test_malformed_json_is_an_error_and_not_cached(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(200, body=b'{"status": "ok", "mess'))
    client = CrossrefClient(make_client())
    with pytest.raises(NetworkError, match="malformed body"):
        client.fetch_work(DOI)
    result = client.fetch_work(DOI)  # the broken answer was not kept
    assert isinstance(result, Payload)
    assert not result.provenance.from_cache


def test_malformed_xml_is_an_error(services_env: ReplayServer, make_client: MakeClient) -> None:
    broken = Scripted(
        200, body=b"<PubmedArticleSet><PubmedArticle><PMID>1", content_type="text/xml"
    )
    services_env.script("GET", "/eutils/efetch.fcgi", broken)
    with pytest.raises(NetworkError, match="malformed body"):
        PubMedClient(make_client()).fetch_articles(["40481101"])


def test_unknown_doi_is_not_found_not_a_crash(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    result = CrossrefClient(make_client()).fetch_work(UNKNOWN_DOI)
    assert isinstance(result, NotFound)
    assert result.query == UNKNOWN_DOI


def test_other_client_errors_are_network_errors(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(403, body=b"Forbidden"))
    with pytest.raises(NetworkError, match="HTTP 403"):
        CrossrefClient(make_client()).fetch_work(DOI)


def test_second_run_is_served_from_the_cache(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    first = [CrossrefClient(make_client()).fetch_work(d) for d in (*SEED_DOIS[:3], UNKNOWN_DOI)]
    asked = len(services_env.requests)
    assert asked == 4
    again_client = make_client()
    again = [CrossrefClient(again_client).fetch_work(d) for d in (*SEED_DOIS[:3], UNKNOWN_DOI)]
    assert len(services_env.requests) == asked
    assert again_client.network_requests == 0
    assert all(r.provenance.from_cache for r in again)
    assert [type(r) for r in again] == [type(r) for r in first]
    # Provenance keeps the time of the original fetch, not of the cache read.
    for cached, fetched in zip(again, first, strict=True):
        lag = cached.provenance.fetched_at - fetched.provenance.fetched_at
        assert abs(lag.total_seconds()) < 0.5


def test_offline_works_from_the_cache_and_says_so_on_a_miss(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    CrossrefClient(make_client()).fetch_work(DOI)
    asked = len(services_env.requests)
    offline = CrossrefClient(make_client(offline=True))
    result = offline.fetch_work(DOI)
    assert isinstance(result, Payload)
    assert "Electrochemotherapy" in result.text
    with pytest.raises(NetworkError, match="offline and not in cache"):
        offline.fetch_work(SEED_DOIS[1])
    assert len(services_env.requests) == asked


def test_offline_uses_expired_answers(services_env: ReplayServer, make_client: MakeClient) -> None:
    CrossrefClient(make_client(expire_after=timedelta(seconds=1))).fetch_work(DOI)
    time.sleep(1.1)
    result = CrossrefClient(make_client(offline=True)).fetch_work(DOI)
    assert isinstance(result, Payload)
    online = CrossrefClient(make_client(expire_after=timedelta(seconds=1))).fetch_work(DOI)
    assert isinstance(online, Payload)
    assert not online.provenance.from_cache  # online, an expired answer is fetched anew


def _cache_bytes(cache_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(cache_dir.iterdir()) if p.is_file())


def test_api_key_and_email_are_not_in_the_cache(
    services_env: ReplayServer, make_client: MakeClient, cache_dir: Path
) -> None:
    client = PubMedClient(make_client(), api_key=SECRET_KEY, email=SECRET_MAIL)
    pmids = client.pmids_for_doi(DOI)
    payloads = client.fetch_articles(pmids)
    sent = services_env.requests_to("/eutils")
    assert all(r.query["api_key"] == [SECRET_KEY] for r in sent)  # the key did go out
    assert all(r.query["email"] == [SECRET_MAIL] for r in sent)
    stored = _cache_bytes(cache_dir)
    assert b"40481101" in stored  # the cache is readable as bytes: the checks below can fail
    assert SECRET_KEY.encode() not in stored
    assert SECRET_MAIL.encode() not in stored
    assert SECRET_KEY not in payloads[0].provenance.url
    assert "api_key" not in payloads[0].provenance.url


def test_cache_key_ignores_the_api_key(services_env: ReplayServer, make_client: MakeClient) -> None:
    PubMedClient(make_client(), api_key=SECRET_KEY).pmids_for_doi(DOI)
    other = make_client()
    assert PubMedClient(other, api_key="ANOTHER-KEY").pmids_for_doi(DOI) == ("40481101",)
    assert other.network_requests == 0


def test_api_key_is_not_in_error_messages(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", "/eutils/esearch.fcgi", *[Scripted(500)] * 2)
    client = PubMedClient(make_client(max_retries=1), api_key=SECRET_KEY, email=SECRET_MAIL)
    with pytest.raises(NetworkError) as failed:
        client.pmids_for_doi(DOI)
    assert SECRET_KEY not in str(failed.value)
    assert SECRET_MAIL not in str(failed.value)
    assert "esearch.fcgi" in str(failed.value)


def test_api_key_is_not_in_connection_errors(make_client: MakeClient) -> None:
    client = PubMedClient(
        make_client(max_retries=1), base_url="http://127.0.0.1:9", api_key=SECRET_KEY
    )
    with pytest.raises(ServiceUnavailableError, match="cannot connect to pubmed") as failed:
        client.pmids_for_doi(DOI)
    assert SECRET_KEY not in str(failed.value)
    assert failed.value.__context__ is None
    assert failed.value.__cause__ is None


def test_rate_limiter_spaces_requests() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(0.5, clock=lambda: now[0], sleep=sleep)
    limiter.wait()
    now[0] += 0.2
    limiter.wait()
    limiter.wait()
    assert slept == pytest.approx([0.3, 0.5])


def test_without_a_cache_dir_nothing_is_cached(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    client = make_client(cache_dir=None)
    policy = ServicePolicy("crossref", 0.0)
    for _ in range(2):
        response = client.request(policy, "GET", services_env.url + WORK_PATH)
        assert response.status == 200
    assert len(services_env.requests) == 2
