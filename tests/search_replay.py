"""Simulated search services for the replay server: PubMed's history server and Europe PMC.

:class:`SimulatedPubMed` holds generated articles, each with an Entrez date (EDAT) and a create
date (CRDT), and answers ``esearch`` (``usehistory=y``, JSON) and ``efetch`` by ``WebEnv`` and
``query_key`` (PubmedArticleSet XML) in E-utilities' own formats. It reads the date ranges bims
writes into the term (``"2025/06/07"[EDAT] : "3000/12/31"[EDAT]``) and, like the real history
server, serves at most ``history_limit`` records of one search. The query itself is matched
word for word against each article's topic; ``rejected`` queries get esearch's ``ERROR``.
:class:`RecordedEuropePmc` serves the two recorded pages in ``fixtures/replay/europepmc/`` by
``cursorMark``. Articles are generated here, never committed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from tests.replay_server import REPLAY, Answer, ReplayServer

_TERM = re.compile(r"^\((?P<query>.*)\) AND \((?P<ranges>.*)\)$")
_RANGE = re.compile(
    r'"(\d{4}/\d{2}/\d{2})"\[(EDAT|CRDT)\] : "(\d{4}/\d{2}/\d{2})"\[(?:EDAT|CRDT)\]'
)
_HEAD = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    "<PubmedArticleSet>\n"
)
_WORDS = (
    "bone", "spine", "marrow", "femur", "pelvis", "rib", "skull", "tibia", "humerus", "sacrum",
)  # fmt: skip
_KINDS = ("cohort", "trial", "registry", "series", "audit", "survey", "review")


def _day(text: str) -> date:
    year, month, day = (int(p) for p in text.split("/"))
    return date(year, month, day)


@dataclass(frozen=True)
class SimulatedArticle:
    """A generated PubMed article: its PMID, topic and the two days it entered PubMed."""

    pmid: int
    topic: str
    edat: date
    crdt: date

    @property
    def doi(self) -> str:
        return f"10.5555/sim.{self.pmid}"

    def xml(self) -> str:
        """The article as efetch writes it (a constructed record, not a real one)."""
        word = _WORDS[self.pmid % len(_WORDS)]
        kind = _KINDS[(self.pmid // len(_WORDS)) % len(_KINDS)]
        title = f"Simulated {kind} {self.pmid} of {word} metastases in {self.topic}."
        d = self.crdt
        return (
            '<PubmedArticle><MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM">'
            f'<PMID Version="1">{self.pmid}</PMID><Article PubModel="Electronic">'
            '<Journal><ISSN IssnType="Electronic">1432-086X</ISSN>'
            '<JournalIssue CitedMedium="Internet"><PubDate>'
            f"<Year>{d.year}</Year><Month>{d.month:02d}</Month></PubDate></JournalIssue>"
            "<Title>Journal of Simulated Oncology</Title>"
            "<ISOAbbreviation>J Sim Oncol</ISOAbbreviation></Journal>"
            f"<ArticleTitle>{title}</ArticleTitle>"
            f'<ELocationID EIdType="doi" ValidYN="Y">{self.doi}</ELocationID>'
            '<AuthorList CompleteYN="Y"><Author ValidYN="Y">'
            f"<LastName>Author{self.pmid}</LastName><ForeName>Ana</ForeName>"
            "<Initials>A</Initials></Author></AuthorList><Language>eng</Language>"
            '<PublicationTypeList><PublicationType UI="D016428">Journal Article'
            "</PublicationType></PublicationTypeList></Article></MedlineCitation>"
            "<PubmedData><History>"
            f'<PubMedPubDate PubStatus="entrez"><Year>{self.edat.year}</Year>'
            f"<Month>{self.edat.month}</Month><Day>{self.edat.day}</Day></PubMedPubDate>"
            "</History><PublicationStatus>epublish</PublicationStatus><ArticleIdList>"
            f'<ArticleId IdType="pubmed">{self.pmid}</ArticleId>'
            f'<ArticleId IdType="doi">{self.doi}</ArticleId>'
            "</ArticleIdList></PubmedData></PubmedArticle>"
        )


def generated_articles(
    count: int, topic: str, first_day: date, *, first_pmid: int = 39000001, per_day: int = 10
) -> list[SimulatedArticle]:
    """``count`` articles on ``topic``, ``per_day`` entering PubMed each day from ``first_day``."""
    return [
        SimulatedArticle(
            first_pmid + n, topic, first_day + timedelta(days=n // per_day),
            first_day + timedelta(days=n // per_day),
        )
        for n in range(count)
    ]  # fmt: skip


@dataclass
class SimulatedPubMed:
    """E-utilities esearch (with history) and efetch over a list of generated articles."""

    articles: list[SimulatedArticle] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    history_limit: int = 10_000
    histories: dict[str, list[SimulatedArticle]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)

    def __call__(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> Answer | None:
        if path == "/eutils/esearch.fcgi" and query.get("usehistory") == ["y"]:
            return self.esearch(query["term"][0], int(query.get("retmax", ["20"])[0]))
        if path == "/eutils/efetch.fcgi" and "WebEnv" in query:
            webenv, start = query["WebEnv"][0], int(query.get("retstart", ["0"])[0])
            return self.efetch(webenv, start, int(query.get("retmax", ["20"])[0]))
        return None

    def matching(self, term: str) -> tuple[str, list[SimulatedArticle]]:
        """The query without its date ranges, and the articles the term finds."""
        match = _TERM.match(term)
        base = match.group("query") if match else term
        ranges = [
            (_day(a), tag, _day(b)) for a, tag, b in _RANGE.findall(match.group("ranges"))
        ] if match else []  # fmt: skip
        found = [
            a for a in self.articles
            if a.topic == base
            and (not ranges or any(
                start <= (a.edat if tag == "EDAT" else a.crdt) <= end
                for start, tag, end in ranges
            ))
        ]  # fmt: skip
        return base, sorted(found, key=lambda a: -a.pmid)

    def esearch(self, term: str, retmax: int) -> Answer:
        self.terms.append(term)
        base, found = self.matching(term)
        if base in self.rejected:
            result: dict[str, object] = {"ERROR": self.rejected[base]}
            return _json({"header": _HEADER, "esearchresult": result})
        webenv = f"MCID_{len(self.histories) + 1:08d}"
        self.histories[webenv] = found
        result = {
            "count": str(len(found)),
            "retmax": str(min(retmax, len(found))),
            "retstart": "0",
            "querykey": "1",
            "webenv": webenv,
            "idlist": [str(a.pmid) for a in found[:retmax]],
            "translationset": [],
            "querytranslation": f'"{base}"[All Fields]'
            + (term[len(base) + 2 :] if term.startswith(f"({base})") else ""),
        }
        if not found and not any(a.topic == base for a in self.articles):
            result["errorlist"] = {"phrasesnotfound": [base], "fieldsnotfound": []}
        return _json({"header": _HEADER, "esearchresult": result})

    def efetch(self, webenv: str, start: int, retmax: int) -> Answer:
        found = self.histories.get(webenv)
        if found is None or start >= self.history_limit:
            why = "Unable to obtain query #1" if found is None else "Cannot retrieve records"
            body = f"<eFetchResult><ERROR>{why}</ERROR></eFetchResult>"
            return Answer(200, body.encode(), "text/xml; charset=UTF-8")
        page = found[start : min(start + retmax, self.history_limit)]
        xml = _HEAD + "\n".join(a.xml() for a in page) + "\n</PubmedArticleSet>\n"
        return Answer(200, xml.encode("utf-8"), "text/xml; charset=UTF-8")


_HEADER = {"type": "esearch", "version": "0.3"}


def _json(data: object) -> Answer:
    return Answer(200, json.dumps(data).encode("utf-8"), "application/json")


class RecordedEuropePmc:
    """Europe PMC ``/search``: the recorded pages, chained by their ``nextCursorMark``."""

    def __init__(self) -> None:
        pages = [REPLAY / "europepmc" / f"page-{n}.json" for n in (1, 2)]
        self.pages = {
            json.loads(p.read_text("utf-8"))["request"]["cursorMark"]: p.read_bytes() for p in pages
        }
        self.last_cursor = json.loads(pages[-1].read_text("utf-8"))["nextCursorMark"]

    def __call__(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> Answer | None:
        if path != "/europepmc/search":
            return None
        cursor = query.get("cursorMark", ["*"])[0]
        if cursor == self.last_cursor:  # past the end: Europe PMC answers an empty page
            empty = {"version": "6.9", "hitCount": 5, "nextCursorMark": cursor,
                     "request": {"cursorMark": cursor}, "resultList": {"result": []}}  # fmt: skip
            return _json(empty)
        if cursor not in self.pages:
            return Answer(400, b'{"errCode": 400, "errMsg": "bad cursorMark"}', "application/json")
        return Answer(200, self.pages[cursor], "application/json")


@pytest.fixture
def simulated_pubmed(services_env: ReplayServer) -> SimulatedPubMed:
    """A simulated PubMed (no articles yet) behind the replay server's ``/eutils``."""
    pubmed = SimulatedPubMed()
    services_env.handlers.append(pubmed)
    return pubmed


@pytest.fixture
def recorded_europepmc(services_env: ReplayServer) -> RecordedEuropePmc:
    """The recorded Europe PMC pages behind the replay server's ``/europepmc``."""
    europepmc = RecordedEuropePmc()
    services_env.handlers.append(europepmc)
    return europepmc
