"""Searching PubMed (E-utilities history server) and Europe PMC (REST, cursor paging).

PubMed: ``esearch`` with ``usehistory=y`` keeps the result on NCBI's history server and answers
with its size, ``WebEnv``/``query_key`` and PubMed's translation of the query; ``efetch`` then
reads it a page of at most 200 articles at a time. Europe PMC: ``/search`` with
``resultType=core`` and ``cursorMark`` paging. Both answer :class:`~bimscli.net.services.Payload`
values that the formats' parsers read (``pubmed-xml``, ``europepmc``). The base URLs come from
``BIMS_EUTILS_URL`` and ``BIMS_EUROPEPMC_URL``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bimscli.errors import NetworkError, QueryRejectedError
from bimscli.net.http import HttpClient, ServicePolicy
from bimscli.net.services import (
    EFETCH_BATCH,
    Payload,
    Provenance,
    PubMedClient,
    json_problem,
    service_url,
    xml_problem,
)

EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
EUROPEPMC_PAGE = 500
"""Results per Europe PMC page (the service allows up to 1,000)."""
_EFETCH_ERROR = re.compile(r"<ERROR>(.*?)</ERROR>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SearchHistory:
    """An esearch result kept on NCBI's history server: how many, where, and as what query."""

    count: int
    webenv: str
    query_key: str
    translation: str | None
    not_found: tuple[str, ...]
    provenance: Provenance
    pmids: tuple[str, ...] = ()
    """The first PMIDs, when asked for (a dry run counts the new ones)."""


def _esearch_result(text: str, url: str) -> Mapping[str, Any]:
    document = json.loads(text)
    result = document.get("esearchresult") if isinstance(document, dict) else None
    if not isinstance(result, dict):
        raise NetworkError(f"PubMed esearch answered without a result: {url}; try again later")
    return result


def _rejection(result: Mapping[str, Any]) -> str | None:
    """Why PubMed refused the query, or None: an ``ERROR``, or fields it does not know."""
    error = result.get("ERROR")
    if isinstance(error, str) and error.strip():
        return error.strip()
    errors = result.get("errorlist")
    fields = errors.get("fieldsnotfound") if isinstance(errors, dict) else None
    if isinstance(fields, list) and fields:
        return "unknown search field " + ", ".join(f"[{f}]" for f in fields)
    return None


def _phrases_not_found(result: Mapping[str, Any]) -> tuple[str, ...]:
    errors = result.get("errorlist")
    phrases = errors.get("phrasesnotfound") if isinstance(errors, dict) else None
    return tuple(str(p) for p in phrases) if isinstance(phrases, list) else ()


class PubMedSearch(PubMedClient):
    """PubMed searches through the history server, on top of the E-utilities client."""

    def search(self, term: str, *, with_pmids: int = 0) -> SearchHistory:
        """esearch ``term`` onto the history server; ``with_pmids`` also lists the first ones.

        Raises :class:`QueryRejectedError` when PubMed refuses the query.
        """
        params = {
            "db": "pubmed",
            "term": term,
            "retmode": "json",
            "usehistory": "y",
            "retmax": str(with_pmids),
        }
        response = self._get("esearch.fcgi", params, json_problem)
        result = _esearch_result(response.text, response.url)
        rejected = _rejection(result)
        if rejected is not None:
            raise QueryRejectedError(
                f"PubMed rejected the query {term!r}: {rejected}; check its syntax "
                "(https://pubmed.ncbi.nlm.nih.gov/help/#search-tags)"
            )
        count, webenv, key = result.get("count"), result.get("webenv"), result.get("querykey")
        if not str(count).isdigit() or (int(str(count)) and not (webenv and key)):
            raise NetworkError(
                f"PubMed esearch answered without a count or history: {response.url}; "
                "try again later"
            )
        ids = result.get("idlist")
        return SearchHistory(
            count=int(str(count)),
            webenv=str(webenv or ""),
            query_key=str(key or ""),
            translation=str(result.get("querytranslation") or "") or None,
            not_found=_phrases_not_found(result),
            provenance=Provenance.of(self.SERVICE, response),
            pmids=tuple(str(i) for i in ids) if isinstance(ids, list) else (),
        )

    def fetch_page(self, history: SearchHistory, start: int, size: int = EFETCH_BATCH) -> Payload:
        """PubmedArticleSet XML of the articles ``start`` to ``start + size`` of a search."""
        params = {
            "db": "pubmed",
            "WebEnv": history.webenv,
            "query_key": history.query_key,
            "retstart": str(start),
            "retmax": str(min(size, EFETCH_BATCH)),
            "retmode": "xml",
        }
        response = self._get("efetch.fcgi", params, xml_problem)
        error = _EFETCH_ERROR.search(response.text[:2000])
        if error is not None or "<PubmedArticleSet" not in response.text[:2000]:
            why = error.group(1).strip() if error else "no PubmedArticleSet"
            raise NetworkError(
                f"PubMed efetch answered {response.url} with an error ({why[:120]}); "
                "run the search again later to fetch the rest"
            )
        query = f"{history.webenv}#{history.query_key}@{start}"
        provenance = Provenance.of(self.SERVICE, response)
        return Payload(self.SERVICE, "pubmed-xml", query, response.text, provenance)


@dataclass(frozen=True, slots=True)
class EuropePmcPage:
    """One page of a Europe PMC search: the answer, the total, and the cursor to the next."""

    payload: Payload
    hit_count: int
    results: int
    next_cursor: str | None


class EuropePmcClient:
    """Europe PMC REST ``/search`` with ``resultType=core`` (preprints included)."""

    SERVICE = "europepmc"

    def __init__(self, http: HttpClient, *, base_url: str | None = None) -> None:
        self.http = http
        self.base_url = (base_url or service_url("BIMS_EUROPEPMC_URL", EUROPEPMC_URL)).rstrip("/")
        # Europe PMC publishes no hard limit; a few requests a second is polite.
        self.policy = ServicePolicy(self.SERVICE, 0.2)

    def search_page(
        self, query: str, cursor: str = "*", size: int = EUROPEPMC_PAGE
    ) -> EuropePmcPage:
        """The page of results at ``cursor`` (``*`` for the first)."""
        params = {
            "query": query,
            "resultType": "core",
            "cursorMark": cursor,
            "pageSize": str(size),
            "format": "json",
        }
        response = self.http.request(
            self.policy, "GET", f"{self.base_url}/search", params=params, valid=json_problem
        )
        document = json.loads(response.text) if response.status == 200 else None
        if not isinstance(document, dict) or not str(document.get("hitCount", "")).isdigit():
            raise NetworkError(
                f"Europe PMC answered {response.url} without a hit count; check "
                "BIMS_EUROPEPMC_URL, or try again later"
            )
        results = (document.get("resultList") or {}).get("result") or []
        following = document.get("nextCursorMark")
        next_cursor = str(following) if following and following != cursor and results else None
        return EuropePmcPage(
            payload=Payload(
                self.SERVICE,
                "europepmc",
                f"{query}@{cursor}",
                response.text,
                Provenance.of(self.SERVICE, response),
            ),
            hit_count=int(str(document["hitCount"])),
            results=len(results) if isinstance(results, list) else 0,
            next_cursor=next_cursor,
        )
