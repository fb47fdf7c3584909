"""A real HTTP server on 127.0.0.1 that plays PubMed E-utilities, Crossref and Semantic Scholar.

It answers from the recorded responses in ``fixtures/replay/<service>/`` in each service's own
format, under the prefixes ``/eutils``, ``/crossref`` and ``/s2`` (point ``BIMS_EUTILS_URL``
etc. at ``server.url + prefix``); simulated services (:mod:`tests.search_replay`) can be added
as :attr:`ReplayServer.handlers`. Tests can script failures for a path (429 with Retry-After,
500, a stall past the client's timeout, broken JSON or XML), which are served, in order, before
the recorded answer. Every request is logged with a monotonic timestamp so tests can measure
rate limits from the server's side.

Scripted answers can also be hostile: a body streamed as it is generated (a gigabyte, a gzip
bomb, a server that drips one byte at a time), headers dripped byte by byte, a stall. A path
under ``/moved`` answers as the path without that prefix, so that a test can redirect a
service to another path of the same server.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.golden import FIXTURES

REPLAY = FIXTURES / "replay"
SEED_DOIS = (
    "10.1007/s00270-025-04077-9",
    "10.1186/s13102-025-01193-4",
    "10.3390/ijms26115223",
    "10.3390/cancers17111739",
    "10.1177/21925682251347247",
    "10.2196/71196",
    "10.3340/jkns.2024.0208",
    "10.1200/edbk-25-472854",
    "10.1111/jocn.17853",
)
"""The DOIs of the nine works of the seed newsletter (shared/seeds/000_…txt), normalised."""
UNKNOWN_DOI = "10.9999/not-a-registered-doi"
_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
_EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)


MEBIBYTE = 1 << 20


def zeros(total: int) -> Callable[[], Iterator[bytes]]:
    """A body of ``total`` zero bytes for :attr:`Scripted.stream`, made a MiB at a time."""

    def chunks() -> Iterator[bytes]:
        block = bytes(MEBIBYTE)
        for _ in range(total // MEBIBYTE):
            yield block

    return chunks


def gzip_bomb(expanded: int) -> Callable[[], Iterator[bytes]]:
    """A gzip stream of ``expanded`` zero bytes (about 1:1000), compressed while it is sent."""

    def chunks() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = bytes(MEBIBYTE)
        for _ in range(expanded // MEBIBYTE):
            packed = packer.compress(block)
            if packed:
                yield packed
        yield packer.flush()

    return chunks


def entity_bomb() -> bytes:
    """A billion-laughs efetch answer (ten levels of ten entity references each)."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (
        f"<?xml version='1.0'?><!DOCTYPE PubmedArticleSet [{''.join(levels)}]>"
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    ).encode()


Handler = Callable[[str, str, dict[str, list[str]], bytes], "Answer | None"]
"""A simulated service: method, path, query and body in, an answer (or None: not mine) out."""


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it; ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass(frozen=True)
class Scripted:
    """A canned answer: status, body, headers, and a stall before answering.

    With ``stream``, the body is sent as the chunks it yields, each as soon as it is made, with
    no Content-Length (unless ``headers`` declares one) and the connection closed after: a
    body of any size costs the server nothing to hold. ``gap`` pauses between chunks (a server
    that drips); ``drip_head`` sends the status line and headers one byte per ``gap``. With
    ``echo``, header values may name the request's ``{path}`` and ``{query}`` (a redirect that
    echoes the URL it was asked, keys and all).
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    stream: Callable[[], Iterable[bytes]] | None = None
    gap: float = 0.0
    drip_head: bool = False
    echo: bool = False

    def headers_for(self, path: str, query: str) -> dict[str, str]:
        """The headers to send to a request for ``path?query``."""
        if not self.echo:
            return self.headers
        return {name: value.format(path=path, query=query) for name, value in self.headers.items()}


@dataclass(frozen=True)
class Answer:
    """What the handler sends back."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _doi_stem(doi: str) -> str:
    return doi.strip().lower().replace("/", "_")


def _json(data: object, status: int = 200) -> Answer:
    return Answer(status, json.dumps(data).encode("utf-8"), "application/json")


class RecordedServices:
    """The recorded answers of the three services, looked up from a request."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        path = path.removeprefix("/moved")
        if path.startswith("/crossref/works/") and method == "GET":
            return self.crossref(unquote(path.removeprefix("/crossref/works/")))
        if path == "/eutils/esearch.fcgi":
            return self.esearch(query.get("term", [""])[0])
        if path == "/eutils/efetch.fcgi":
            return self.efetch(query.get("id", [""])[0].split(","))
        if path == "/s2/paper/batch" and method == "POST":
            return self.s2_batch(body)
        return Answer(404, b"no such endpoint in the replay server", "text/plain")

    def crossref(self, doi: str) -> Answer:
        path = self.root / "crossref" / f"{_doi_stem(doi)}.json"
        if not path.exists():  # Crossref's own answer for an unknown DOI
            return Answer(404, b"Resource not found.", "text/plain")
        return Answer(200, path.read_bytes(), "application/json")

    def esearch(self, term: str) -> Answer:
        match = re.fullmatch(r"(.+)\[doi\]", term.strip(), re.IGNORECASE)
        path = (
            self.root / "eutils" / "esearch" / f"{_doi_stem(match.group(1) if match else '')}.json"
        )
        if match and path.exists():
            return Answer(200, path.read_bytes(), "application/json")
        empty = {"count": "0", "retmax": "0", "retstart": "0", "idlist": [], "translationset": []}
        result = {**empty, "errorlist": {"phrasesnotfound": [term]}}
        return _json({"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result})

    def efetch(self, pmids: list[str]) -> Answer:
        articles: list[bytes] = []
        for pmid in pmids:
            path = self.root / "eutils" / "efetch" / f"{pmid.strip()}.xml"
            if path.exists():
                articles.extend(_ARTICLE.findall(path.read_bytes()))
        body = _EFETCH_HEAD + b"\n".join(articles) + b"\n</PubmedArticleSet>\n"
        return Answer(200, body, "text/xml; charset=UTF-8")

    def s2_batch(self, body: bytes) -> Answer:
        ids = json.loads(body or b"{}").get("ids", [])
        papers = [self._s2_paper(str(i)) for i in ids]
        return _json(papers)

    def _s2_paper(self, paper_id: str) -> object:
        kind, _, value = paper_id.partition(":")
        for path in sorted((self.root / "s2").glob("*.json")):
            paper = json.loads(path.read_text(encoding="utf-8"))
            external = paper.get("externalIds", {})
            if kind.upper() == "DOI" and str(external.get("DOI", "")).lower() == value.lower():
                return paper
            if kind.upper() == "PMID" and external.get("PubMed") == value:
                return paper
        return None


class ReplayServer:
    """The server, its request log and its scripted failures."""

    def __init__(self, root: Path = REPLAY) -> None:
        self.services = RecordedServices(root)
        self.requests: list[LoggedRequest] = []
        self.stopping = threading.Event()
        """Set when the server stops: stalled and dripping answers end."""
        self._scripts: dict[tuple[str, str], list[Scripted]] = {}
        self.handlers: list[Handler] = []
        """Simulated services asked before the recorded answers (first answer wins)."""
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll: stopping the server (after every test) need not wait half a second.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, method: str, path: str, *answers: Scripted) -> None:
        """Serve ``answers`` in order to requests for ``method path`` before the recorded one."""
        with self._lock:
            self._scripts.setdefault((method, path), []).extend(answers)

    def requests_to(self, prefix: str) -> list[LoggedRequest]:
        """The logged requests whose path starts with ``prefix``, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        """The first simulated service's answer, else the recorded one."""
        for handler in list(self.handlers):
            answer = handler(method, path, query, body)
            if answer is not None:
                return answer
        return self.services.answer(method, path, query, body)

    def log(self, request: LoggedRequest) -> Scripted | None:
        """Record a request; the scripted answer for it, if one is waiting."""
        with self._lock:
            self.requests.append(request)
            queue = self._scripts.get((request.method, request.path))
            return queue.pop(0) if queue else None


class _QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up: the hostile answers are there to be hung up on."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Buffer each answer so headers and body leave in one segment: written separately,
        # they meet the client's delayed ACK and every request takes 40 ms longer.
        wbufsize = 64 * 1024

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the server's own log is :attr:`ReplayServer.requests`."""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            at = time.monotonic()
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            logged = LoggedRequest(
                method, parts.path, parse_qs(parts.query), dict(self.headers.items()), body, at
            )
            scripted = server.log(logged)
            if scripted is not None and server.stopping.wait(scripted.delay):
                return  # the server stopped while this answer stalled
            if scripted is not None and (scripted.stream is not None or scripted.drip_head):
                self._send_streamed(scripted)
                return
            if scripted is not None:
                headers = scripted.headers_for(parts.path, parts.query)
                answer = Answer(scripted.status, scripted.body, scripted.content_type, headers)
            else:
                answer = server.answer(method, parts.path, logged.query, body)
            self._send(answer)

        def _send(self, answer: Answer) -> None:
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (timeout tests)

        def _send_streamed(self, scripted: Scripted) -> None:
            self.close_connection = True
            lines = [f"HTTP/1.1 {scripted.status} Scripted", "Connection: close"]
            lines.append(f"Content-Type: {scripted.content_type}")
            lines += [f"{name}: {value}" for name, value in scripted.headers.items()]
            head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
            pieces = [head[i : i + 1] for i in range(len(head))] if scripted.drip_head else [head]
            chunks = scripted.stream() if scripted.stream is not None else [scripted.body]
            try:
                for piece in itertools.chain(pieces, chunks):  # chunks may never end
                    self.wfile.write(piece)
                    self.wfile.flush()
                    if server.stopping.wait(scripted.gap):
                        return
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: the point of most streamed answers

    return Handler


@contextmanager
def running_replay_server() -> Iterator[ReplayServer]:
    """A replay server that runs for the ``with`` block."""
    server = ReplayServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def replay_server() -> Iterator[ReplayServer]:
    """A running replay server, stopped after the test."""
    with running_replay_server() as server:
        yield server


@pytest.fixture
def other_replay_server() -> Iterator[ReplayServer]:
    """A second replay server: another origin (its own port) for cross-origin redirects."""
    with running_replay_server() as server:
        yield server


@pytest.fixture
def services_env(replay_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    """The three base-URL variables pointed at the replay server; no keys from the real env."""
    monkeypatch.setenv("BIMS_EUTILS_URL", replay_server.url + "/eutils")
    monkeypatch.setenv("BIMS_CROSSREF_URL", replay_server.url + "/crossref")
    monkeypatch.setenv("BIMS_S2_URL", replay_server.url + "/s2")
    monkeypatch.setenv("BIMS_EUROPEPMC_URL", replay_server.url + "/europepmc")
    for name in ("NCBI_API_KEY", "S2_API_KEY", "BIMS_MAILTO"):
        monkeypatch.delenv(name, raising=False)
    return replay_server
