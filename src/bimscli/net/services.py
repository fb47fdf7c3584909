"""Clients of the three metadata services: PubMed E-utilities, Crossref, Semantic Scholar.

Each client asks its service through the shared :class:`~bimscli.net.http.HttpClient` and
returns the raw answer as a :class:`Payload` (text plus provenance: service, URL without
secrets, fetch time) or a :class:`NotFound`. Parsing is the formats' job:
:meth:`Payload.entries` hands the text to the registered parser (``pubmed-xml``, ``crossref``,
``semantic-scholar``). Base URLs come from ``BIMS_EUTILS_URL``, ``BIMS_CROSSREF_URL`` and
``BIMS_S2_URL``; keys from ``NCBI_API_KEY`` and ``S2_API_KEY``; the contact address from
``BIMS_MAILTO``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from lxml import etree

from bimscli.errors import InputError, NetworkError, UnusableAnswerError
from bimscli.formats import get_format
from bimscli.model import Entry
from bimscli.net.http import USER_AGENT, HttpClient, HttpResponse, ServicePolicy

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
CROSSREF_URL = "https://api.crossref.org"
S2_URL = "https://api.semanticscholar.org/graph/v1"
EFETCH_BATCH = 200
S2_BATCH = 500
MAX_JSON_DEPTH = 100
"""The deepest nesting of arrays and objects bims reads in a JSON answer; real answers of the
three services nest fewer than 10 levels, and Python's own parser gives up near 1,000."""
S2_FIELDS = (
    "externalIds,url,title,abstract,venue,publicationVenue,year,publicationTypes,"
    "publicationDate,journal,authors"
)


def service_url(variable: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    """A service's base URL: the environment variable if set, else the real service.

    >>> service_url("BIMS_CROSSREF_URL", CROSSREF_URL, {})
    'https://api.crossref.org'
    >>> service_url("BIMS_CROSSREF_URL", CROSSREF_URL, {"BIMS_CROSSREF_URL": "http://h/cr/"})
    'http://h/cr'
    """
    return (environ.get(variable) or default).rstrip("/")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an answer came from: the service, the URL without secrets, when it was fetched."""

    service: str
    url: str
    fetched_at: datetime
    from_cache: bool

    @classmethod
    def of(cls, service: str, response: HttpResponse) -> Provenance:
        """The provenance of one HTTP answer."""
        return cls(service, response.url, response.fetched_at, response.from_cache)


@dataclass(frozen=True, slots=True)
class Payload:
    """A service's answer about ``query`` (a DOI, PMIDs, …), in the format ``format_name``."""

    service: str
    format_name: str
    query: str
    text: str
    provenance: Provenance

    def entries(self) -> list[Entry]:
        """The answer parsed by the registered parser of its format.

        An answer its parser refuses as a whole (an XML DOCTYPE declaring entities) raises
        :class:`UnusableAnswerError`: a problem of this answer, not of the run.
        """
        try:
            return list(get_format(self.format_name).parse_string(self.text))
        except InputError as refused:
            raise UnusableAnswerError(
                f"{self.service}: the answer for {self.query} was refused: {refused}"
            ) from None


@dataclass(frozen=True, slots=True)
class NotFound:
    """The service answered that it does not know ``query``: a result, not an error."""

    service: str
    query: str
    provenance: Provenance


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether parsed JSON nests arrays and objects more than ``limit`` levels deep.

    >>> nested_deeper_than({"a": [1, {"b": 2}]}, 3), nested_deeper_than([[[[]]]], 3)
    (False, True)
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:  # a loop, not recursion: the depth is what is being checked
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def json_problem(text: str) -> str | None:
    """What makes a JSON answer unusable, or None.

    >>> json_problem('{"ok": [1]}') is None
    True
    >>> print(json_problem('{"status": "ok", "mess'))
    a malformed body ('{"status": "ok", "mess'…)
    >>> json_problem("[" * 5000 + "]" * 5000)
    'JSON nested more than 100 levels deep'
    """
    too_deep = f"JSON nested more than {MAX_JSON_DEPTH} levels deep"
    try:
        value = json.loads(text)
    except ValueError:
        return f"a malformed body ({text[:60]!r}…)"
    except RecursionError:  # Python's parser gives up long before memory runs out
        return too_deep
    if isinstance(value, (dict, list)) and nested_deeper_than(value, MAX_JSON_DEPTH):
        return too_deep
    return None


_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[")
_UNSAFE_DOCTYPE = (
    "an XML DOCTYPE that declares its own entities or DTD rules, which bims never expands"
)


def xml_problem(text: str) -> str | None:
    """What makes an XML answer unusable (malformed, or a DOCTYPE declaring entities), or None.

    >>> xml_problem("<PubmedArticleSet/>") is None
    True
    >>> xml_problem('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    'an XML DOCTYPE that declares its own entities or DTD rules, which bims never expands'
    """
    if _INTERNAL_SUBSET.search(text, 0, 1 << 16):
        return _UNSAFE_DOCTYPE
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return f"a malformed body ({text[:60]!r}…)"
    dtd: Any = root.getroottree().docinfo.internalDTD  # lxml-stubs lack DTD.iterentities
    if dtd is not None and (any(dtd.iterentities()) or any(dtd.iterelements())):
        return _UNSAFE_DOCTYPE
    return None


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CrossrefClient:
    """Crossref REST ``/works/{doi}``; with ``mailto`` requests go to the polite pool."""

    SERVICE = "crossref"

    def __init__(
        self, http: HttpClient, *, base_url: str | None = None, mailto: str | None = None
    ) -> None:
        self.http = http
        self.base_url = (base_url or service_url("BIMS_CROSSREF_URL", CROSSREF_URL)).rstrip("/")
        self.mailto = mailto
        # Crossref asks anonymous clients for at most 5 requests/s, polite ones for 10.
        self.policy = ServicePolicy(self.SERVICE, 0.1 if mailto else 0.2)

    def fetch_work(self, doi: str) -> Payload | NotFound:
        """The Crossref work of ``doi``, or NotFound for a DOI Crossref does not know."""
        url = f"{self.base_url}/works/{quote(doi, safe='/')}"
        params = {"mailto": self.mailto} if self.mailto else {}
        headers = {"User-Agent": f"{USER_AGENT} mailto:{self.mailto}"} if self.mailto else {}
        response = self.http.request(
            self.policy,
            "GET",
            url,
            params=params,
            headers=headers,
            secrets=(self.mailto or "",),
            valid=json_problem,
        )
        provenance = Provenance.of(self.SERVICE, response)
        if response.status == 404:
            return NotFound(self.SERVICE, doi, provenance)
        return Payload(self.SERVICE, "crossref", doi, response.text, provenance)


class PubMedClient:
    """PubMed E-utilities: esearch to find PMIDs, efetch for PubmedArticleSet XML."""

    SERVICE = "pubmed"

    def __init__(
        self,
        http: HttpClient,
        *,
        base_url: str | None = None,
        tool: str = "bims",
        email: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self.http = http
        self.base_url = (base_url or service_url("BIMS_EUTILS_URL", EUTILS_URL)).rstrip("/")
        self.identity = {"tool": tool, **({"email": email} if email else {})}
        self.api_key = api_key
        # NCBI: at most 3 requests/s without an API key, 10 with one.
        self.policy = ServicePolicy(self.SERVICE, 0.1 if api_key else 1 / 3)
        self._secrets = tuple(s for s in (api_key, email) if s)

    def _get(
        self, endpoint: str, params: dict[str, str], valid: Callable[[str], str | None]
    ) -> HttpResponse:
        params = {**params, **self.identity}
        if self.api_key:
            params["api_key"] = self.api_key
        response = self.http.request(
            self.policy,
            "GET",
            f"{self.base_url}/{endpoint}",
            params=params,
            secrets=self._secrets,
            valid=valid,
        )
        if response.status == 404:
            raise NetworkError(f"PubMed has no endpoint {response.url}; check BIMS_EUTILS_URL")
        return response

    def search_pmids(self, term: str) -> tuple[str, ...]:
        """The PMIDs esearch finds for a query term such as ``10.1/x[doi]``."""
        params = {"db": "pubmed", "term": term, "retmode": "json", "retmax": "20"}
        response = self._get("esearch.fcgi", params, json_problem)
        result = json.loads(response.text).get("esearchresult")
        ids = result.get("idlist") if isinstance(result, dict) else None
        if not isinstance(ids, list):
            raise NetworkError(f"PubMed esearch answered without an id list: {response.url}")
        return tuple(str(i) for i in ids)

    def pmids_for_doi(self, doi: str) -> tuple[str, ...]:
        """The PMIDs of ``doi``: none, one, or (a conflict to report) several."""
        return self.search_pmids(f"{doi}[doi]")

    def fetch_articles(self, pmids: Sequence[str]) -> list[Payload]:
        """efetch XML for the PMIDs, in batches of at most 200 ids."""
        payloads: list[Payload] = []
        for batch in _batches(list(dict.fromkeys(pmids)), EFETCH_BATCH):
            query = ",".join(batch)
            params = {"db": "pubmed", "id": query, "retmode": "xml"}
            response = self._get("efetch.fcgi", params, xml_problem)
            provenance = Provenance.of(self.SERVICE, response)
            payloads.append(Payload(self.SERVICE, "pubmed-xml", query, response.text, provenance))
        return payloads


class SemanticScholarClient:
    """Semantic Scholar Graph API ``POST /paper/batch``: up to 500 ids a request, 1 request/s."""

    SERVICE = "semantic-scholar"

    def __init__(
        self, http: HttpClient, *, base_url: str | None = None, api_key: str | None = None
    ) -> None:
        self.http = http
        self.base_url = (base_url or service_url("BIMS_S2_URL", S2_URL)).rstrip("/")
        self.api_key = api_key
        self.policy = ServicePolicy(self.SERVICE, 1.0)

    def fetch_papers(self, ids: Sequence[str]) -> list[Payload | NotFound]:
        """One result per id (``DOI:10.…``, ``PMID:…``), in the order asked."""
        results: list[Payload | NotFound] = []
        for batch in _batches(list(dict.fromkeys(ids)), S2_BATCH):
            results.extend(self._fetch_batch(batch))
        return results

    def _fetch_batch(self, batch: Sequence[str]) -> list[Payload | NotFound]:
        response = self.http.request(
            self.policy,
            "POST",
            f"{self.base_url}/paper/batch",
            params={"fields": S2_FIELDS},
            json={"ids": list(batch)},
            headers={"x-api-key": self.api_key} if self.api_key else {},
            secrets=(self.api_key or "",),
            valid=json_problem,
        )
        papers = json.loads(response.text) if response.status != 404 else None
        if not isinstance(papers, list) or len(papers) != len(batch):
            raise NetworkError(
                f"Semantic Scholar answered {response.url} with no list of {len(batch)} papers"
            )
        provenance = Provenance.of(self.SERVICE, response)
        return [
            NotFound(self.SERVICE, asked, provenance)
            if paper is None
            else Payload(self.SERVICE, "semantic-scholar", asked, json.dumps(paper), provenance)
            for asked, paper in zip(batch, papers, strict=True)
        ]
