"""The HTTP client against hostile servers: huge and bombed answers, drips, stalls, bad redirects.

Every big answer is generated while it is sent (nothing big is committed or held in memory by
the server); every test ends in seconds because the limits are set small where time matters.
"""

from __future__ import annotations

import gzip
import itertools
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bimscli.errors import (
    NetworkError,
    ServiceUnavailableError,
    UnusableAnswerError,
)
from bimscli.net.http import ServicePolicy
from bimscli.net.services import CrossrefClient, Payload, Provenance, PubMedClient, json_problem
from tests.net.conftest import MakeClient
from tests.replay_server import (
    MEBIBYTE,
    REPLAY,
    SEED_DOIS,
    RecordedServices,
    ReplayServer,
    Scripted,
    entity_bomb,
    gzip_bomb,
    zeros,
)

DOI = SEED_DOIS[0]
WORK_PATH = f"/crossref/works/{DOI}"
GIGABYTE = 1 << 30


def _recorded_work() -> bytes:
    return RecordedServices(REPLAY).crossref(DOI).body


def _crossref(client: MakeClient, **settings: object) -> CrossrefClient:
    return CrossrefClient(client(**settings))


def test_a_gigabyte_answer_stops_at_the_default_limit(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(stream=zeros(GIGABYTE)))
    started = time.monotonic()
    with pytest.raises(UnusableAnswerError, match=r"more than 64 MiB \(as sent\)"):
        _crossref(make_client).fetch_work(DOI)
    assert time.monotonic() - started < 20  # read up to the limit only
    assert len(services_env.requests_to("/crossref")) == 1  # the same answer would come again


def test_a_declared_gigabyte_is_refused_before_reading(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    declared = {"Content-Length": str(GIGABYTE)}
    services_env.script("GET", WORK_PATH, Scripted(stream=zeros(GIGABYTE), headers=declared))
    started = time.monotonic()
    with pytest.raises(UnusableAnswerError, match=r"more than 64 MiB \(as sent\)"):
        _crossref(make_client).fetch_work(DOI)
    assert time.monotonic() - started < 2


def test_a_gzip_bomb_stops_at_the_limit_once_expanded(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    bomb = Scripted(stream=gzip_bomb(GIGABYTE), headers={"Content-Encoding": "gzip"})
    services_env.script("GET", WORK_PATH, bomb)
    with pytest.raises(UnusableAnswerError, match=r"more than 64 MiB \(once expanded\)"):
        _crossref(make_client).fetch_work(DOI)
    assert len(services_env.requests_to("/crossref")) == 1


def test_the_size_limit_is_configurable(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    assert len(_recorded_work()) > 1024
    with pytest.raises(UnusableAnswerError, match=r"more than 1 KiB \(as sent\)"):
        _crossref(make_client, max_answer_bytes=1024).fetch_work(DOI)
    assert isinstance(_crossref(make_client, max_answer_bytes=MEBIBYTE).fetch_work(DOI), Payload)


def _deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        pytest.param("gzip", gzip.compress, id="gzip"),
        pytest.param("x-gzip", gzip.compress, id="x-gzip"),
        pytest.param("deflate", zlib.compress, id="deflate-zlib"),
        pytest.param("deflate", _deflate_raw, id="deflate-raw"),
        pytest.param(
            "gzip", lambda d: gzip.compress(d[:500]) + gzip.compress(d[500:]), id="gzip-2-members"
        ),
        pytest.param("identity", lambda d: d, id="identity"),
    ],
)
def test_compressed_answers_are_expanded(
    encoding: str,
    encode: Callable[[bytes], bytes],
    services_env: ReplayServer,
    make_client: MakeClient,
) -> None:
    body = _recorded_work()
    services_env.script(
        "GET", WORK_PATH, Scripted(body=encode(body), headers={"Content-Encoding": encoding})
    )
    result = _crossref(make_client).fetch_work(DOI)
    assert isinstance(result, Payload)
    assert result.text == body.decode("utf-8")
    (sent,) = services_env.requests_to("/crossref")
    assert sent.headers["Accept-Encoding"] == "gzip, deflate"


def _flip_crc(data: bytes) -> bytes:
    return data[:-8] + bytes([data[-8] ^ 0xFF]) + data[-7:]


@pytest.mark.parametrize(
    ("encoding", "body", "message"),
    [
        pytest.param("gzip", _flip_crc(gzip.compress(b'{"a": 1}')), "damaged", id="bad-crc"),
        pytest.param("gzip", gzip.compress(b'{"a": 1}' * 100)[:-20], "damaged", id="truncated"),
        pytest.param("gzip", b"not gzip at all", "damaged", id="not-gzip"),
        pytest.param("br", b"\x0b\x02\x80{}\x03", "encoding bims did not ask for", id="brotli"),
    ],
)
def test_damaged_or_unasked_encodings_are_one_unusable_answer(
    encoding: str, body: bytes, message: str, services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script(
        "GET", WORK_PATH, Scripted(body=body, headers={"Content-Encoding": encoding})
    )
    with pytest.raises(UnusableAnswerError, match=message):
        _crossref(make_client).fetch_work(DOI)
    assert len(services_env.requests_to("/crossref")) == 1


def test_a_server_that_drips_its_body_is_left_at_the_deadline(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    drip = Scripted(stream=lambda: itertools.repeat(b" "), gap=0.02)
    services_env.script("GET", WORK_PATH, drip)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="no complete answer within 1 s"):
        _crossref(make_client, timeout=0.5, deadline=1.0).fetch_work(DOI)
    assert 0.9 < time.monotonic() - started < 4
    assert len(services_env.requests_to("/crossref")) == 1  # no time was left to retry


def test_a_server_that_drips_its_headers_is_left_at_the_deadline(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    drip = Scripted(body=b"{}", drip_head=True, gap=0.05)  # about 4 s of headers
    services_env.script("GET", WORK_PATH, drip)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="no complete answer within 1 s"):
        _crossref(make_client, timeout=0.5, deadline=1.0).fetch_work(DOI)
    assert time.monotonic() - started < 3


def test_a_stalled_server_is_left_at_the_deadline_retries_included(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, *[Scripted(delay=30)] * 10)
    started = time.monotonic()
    client = _crossref(make_client, timeout=0.3, deadline=1.0, max_retries=10, backoff=0.05)
    with pytest.raises(ServiceUnavailableError, match="no complete answer within 1 s"):
        client.fetch_work(DOI)
    assert time.monotonic() - started < 3
    assert 2 <= len(services_env.requests_to("/crossref")) <= 4


def test_redirect_to_a_file_url_is_neither_followed_nor_retried(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(
        ServiceUnavailableError, match="redirected to file:///etc/passwd, which bims does not"
    ):
        _crossref(make_client).fetch_work(DOI)
    assert len(services_env.requests) == 1


def _redirect(to: str) -> Scripted:
    return Scripted(302, headers={"Location": to})


@pytest.mark.parametrize(
    ("hops", "message", "sent"),
    [
        pytest.param([(WORK_PATH, WORK_PATH)], "redirects in a loop", 1, id="to-itself"),
        pytest.param(
            [(WORK_PATH, "/moved" + WORK_PATH), ("/moved" + WORK_PATH, WORK_PATH)],
            "redirects in a loop",
            2,
            id="two-step-loop",
        ),
        pytest.param(
            [(WORK_PATH, "/hop/1"), *[(f"/hop/{n}", f"/hop/{n + 1}") for n in range(1, 9)]],
            "redirected more than 5 times",
            6,
            id="too-many-hops",
        ),
    ],
)
def test_redirect_loops_and_chains_end_at_once(
    hops: list[tuple[str, str]],
    message: str,
    sent: int,
    services_env: ReplayServer,
    make_client: MakeClient,
) -> None:
    for path, target in hops:
        services_env.script("GET", path, _redirect(target))
    with pytest.raises(ServiceUnavailableError, match=message):
        _crossref(make_client).fetch_work(DOI)
    assert len(services_env.requests) == sent  # and none of it retried


@pytest.mark.parametrize("status", [400, 405, 410, 422, 451])
def test_client_errors_other_than_429_are_not_retried(
    status: int, services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script("GET", WORK_PATH, Scripted(status, body=b"no"))
    with pytest.raises(NetworkError, match=f"HTTP {status}"):
        _crossref(make_client).fetch_work(DOI)
    assert len(services_env.requests) == 1


def test_an_unusable_base_url_is_not_retried(make_client: MakeClient) -> None:
    client = CrossrefClient(make_client(), base_url="ftp://127.0.0.1:9/crossref")
    with pytest.raises(ServiceUnavailableError, match="cannot be sent"):
        client.fetch_work(DOI)
    assert client.http.network_requests == 1


@pytest.mark.parametrize(
    "depth", [pytest.param(101, id="just-too-deep"), pytest.param(100_000, id="100k-deep")]
)
def test_deeply_nested_json_is_one_unusable_answer(
    depth: int, services_env: ReplayServer, make_client: MakeClient
) -> None:
    nested = b"[" * depth + b"]" * depth
    services_env.script("GET", WORK_PATH, Scripted(body=nested))
    client = _crossref(make_client)
    with pytest.raises(UnusableAnswerError, match="nested more than 100 levels"):
        client.fetch_work(DOI)
    assert isinstance(client.fetch_work(DOI), Payload)  # not cached: asked again


def test_json_nested_100_levels_is_read(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    nested = b"[" * 100 + b"]" * 100
    services_env.script("GET", WORK_PATH, Scripted(body=nested))
    policy = ServicePolicy("crossref", 0.0)
    url = services_env.url + WORK_PATH
    response = make_client().request(policy, "GET", url, valid=json_problem)
    assert response.text == nested.decode()


def test_an_efetch_answer_declaring_entities_is_one_unusable_answer(
    services_env: ReplayServer, make_client: MakeClient
) -> None:
    services_env.script(
        "GET", "/eutils/efetch.fcgi", Scripted(body=entity_bomb(), content_type="text/xml")
    )
    client = PubMedClient(make_client())
    with pytest.raises(UnusableAnswerError, match="DOCTYPE that declares its own entities"):
        client.fetch_articles(["40481101"])
    (payload,) = client.fetch_articles(["40481101"])  # the next answer is fine again
    assert "<PubmedArticle>" in payload.text


def test_a_kept_answer_declaring_entities_is_refused_when_read() -> None:
    seen = Provenance("pubmed", "http://x/efetch.fcgi?id=1", datetime.now(UTC), True)
    payload = Payload("pubmed", "pubmed-xml", "1", entity_bomb().decode(), seen)
    with pytest.raises(UnusableAnswerError, match=r"^pubmed: the answer for 1 was refused"):
        payload.entries()
