"""Benchmark: reading a PubMed baseline-sized XML file.

Writes a gzipped PubMed XML file of N invented but realistic articles (authors with
affiliations and ORCIDs, structured abstracts, MeSH with qualifiers, ArticleIdList, grants,
references), then measures, each in its own child process so that peak memory is that
process's own:

  (a) floor   - a bare lxml iterparse loop extracting the same fields into tuples with
                findtext/iterfind paths (the idiom the issue names)
  (a2)        - a stricter floor: the same fields by one pass over each element's children,
                the technique the parser itself uses
  (b) parser  - bims' pubmed-xml parser (records and raw XML, as ingest gets them)
  (c) ingest  - ``bims --library TMP ingest FILE`` (skipped when that command is missing),
                run as an installed bims runs: its modules compiled to bytecode beforehand
  (c2)        - ``bims --library TMP ingest --no-dedup FILE``: (c) less deduplication

and prints records per second and wall time, CPU time (user + system, of every process the
measurement ran), each as a ratio to the floor, and peak memory. For a large input
``bims ingest`` parses in a second process while it stores, so its wall time is what a user
waits and its CPU time is the work both processes did. Peak memory is that of all the
measurement's processes together, as proportional set size sampled every 0.1 s (pages a
forked child shares with its parent count once), then the peak RSS of each process.
Targets from the issue: ingest within 1.5x of the floor, peak memory flat and under 300 MB.
``--repeat N`` measures N rounds, each of every measurement in turn, prints each round's
ratios and then the round whose ingest ratio is the median: the speed of a shared machine
drifts by 10-20% within minutes, so a figure is only compared with the floor of its round.

    PYTHONPATH=src python benchmarks/pubmed_ingest.py            # 30,000 articles
    PYTHONPATH=src python benchmarks/pubmed_ingest.py --big      # and 300,000
    PYTHONPATH=src python benchmarks/pubmed_ingest.py --input baseline.xml.gz  # a real file
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO, cast

from lxml import etree

from bimscli.formats.pubmed_xml import FORMAT
from bimscli.model import ParsedRecord

WORDS = [
    "cell",
    "protein",
    "expression",
    "patients",
    "cancer",
    "tumour",
    "receptor",
    "signalling",
    "pathway",
    "mutation",
    "clinical",
    "trial",
    "cohort",
    "risk",
    "analysis",
    "model",
    "mouse",
    "gene",
    "variant",
    "therapy",
    "response",
    "outcome",
    "inflammation",
    "metabolism",
    "mitochondrial",
    "neuronal",
    "cardiac",
    "renal",
    "hepatic",
    "immune",
    "antibody",
    "sequencing",
    "transcriptome",
    "single-cell",
    "regulation",
    "inhibition",
    "activation",
    "significant",
]
SURNAMES = [
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Tanaka",
    "Kim",
    "Nguyen",
    "Dubois",
    "Silva",
    "Kowalski",
    "Olsen",
    "Chen",
]
GIVEN = [
    "Anna",
    "Jean",
    "Maria",
    "Hiroshi",
    "Min-Jun",
    "Lucía",
    "Pierre",
    "João",
    "Agnieszka",
    "Lars",
    "Wei",
    "Fatima",
]
MESH = [
    ("D006801", "Humans"), ("D008297", "Male"), ("D005260", "Female"), ("D000818", "Animals"),
    ("D009369", "Neoplasms"), ("D015398", "Signal Transduction"), ("D051381", "Rats"),
    ("D008810", "Mice, Inbred C57BL"), ("D000368", "Aged"), ("D016019", "Survival Analysis"),
]  # fmt: skip
QUALIFIERS = [("Q000235", "genetics"), ("Q000378", "metabolism"), ("Q000379", "methods")]
LABELS = ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _author(rng: random.Random, number: int) -> str:
    orcid = (
        f'<Identifier Source="ORCID">0000-000{rng.randint(1, 9)}-{rng.randint(1000, 9999)}'
        f"-{rng.randint(1000, 9999)}</Identifier>"
        if rng.random() < 0.3
        else ""
    )
    return (
        f'<Author ValidYN="Y"><LastName>{rng.choice(SURNAMES)}</LastName>'
        f"<ForeName>{rng.choice(GIVEN)}</ForeName><Initials>A</Initials>{orcid}"
        f"<AffiliationInfo><Affiliation>Department {number} of {rng.choice(WORDS).title()}, "
        f"University of {rng.choice(SURNAMES)}, City, Country.</Affiliation></AffiliationInfo>"
        "</Author>"
    )


def _mesh(rng: random.Random) -> str:
    parts = []
    for ui, name in rng.sample(MESH, rng.randint(4, 10)):
        qualifiers = "".join(
            f'<QualifierName UI="{q}" MajorTopicYN="{rng.choice("YN")}">{n}</QualifierName>'
            for q, n in rng.sample(QUALIFIERS, rng.randint(0, 2))
        )
        parts.append(
            f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="{rng.choice("YN")}">{name}'
            f"</DescriptorName>{qualifiers}</MeshHeading>"
        )
    return "<MeshHeadingList>" + "".join(parts) + "</MeshHeadingList>"


def _abstract(rng: random.Random) -> str:
    sections = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{label}">'
        + " ".join(_sentence(rng, rng.randint(12, 25)) for _ in range(rng.randint(1, 3)))
        + "</AbstractText>"
        for label in LABELS
    )
    copyright_ = "<CopyrightInformation>© The Authors.</CopyrightInformation>"
    return f"<Abstract>{sections}{copyright_}</Abstract>"


def _history(rng: random.Random, year: int) -> str:
    dates = "".join(
        f'<PubMedPubDate PubStatus="{status}"><Year>{year}</Year><Month>{rng.randint(1, 12)}'
        f"</Month><Day>{rng.randint(1, 28)}</Day></PubMedPubDate>"
        for status in ("received", "accepted", "pubmed", "medline", "entrez")
    )
    return f"<History>{dates}</History>"


def _references(rng: random.Random) -> str:
    refs = "".join(
        f"<Reference><Citation>{_sentence(rng, 10)} J Biol. {rng.randint(1990, 2024)};"
        f"{rng.randint(1, 99)}:{rng.randint(1, 999)}.</Citation><ArticleIdList>"
        f'<ArticleId IdType="pubmed">{rng.randint(1, 39_999_999)}</ArticleId></ArticleIdList>'
        "</Reference>"
        for _ in range(rng.randint(0, 30))
    )
    return f"<ReferenceList>{refs}</ReferenceList>" if refs else ""


def article_xml(rng: random.Random, pmid: int) -> str:
    """One invented ``PubmedArticle`` shaped like those of the annual baseline."""
    year = rng.randint(1995, 2025)
    authors = "".join(_author(rng, n) for n in range(rng.randint(1, 12)))
    first = rng.randint(1, 2000)
    doi = f"10.{rng.randint(1000, 9999)}/j.x.{year}.{pmid}"
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}'
        f'</PMID><Article PubModel="Print-Electronic"><Journal><ISSN IssnType="Electronic">'
        f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}X</ISSN><JournalIssue "
        f'CitedMedium="Internet"><Volume>{rng.randint(1, 300)}</Volume><Issue>'
        f"{rng.randint(1, 24)}</Issue><PubDate><Year>{year}</Year><Month>{rng.choice(MONTHS)}"
        f"</Month></PubDate></JournalIssue><Title>Journal of {rng.choice(WORDS).title()} "
        f"research</Title><ISOAbbreviation>J {rng.choice(WORDS).title()} Res</ISOAbbreviation>"
        f"</Journal><ArticleTitle>{_sentence(rng, rng.randint(8, 20))}</ArticleTitle>"
        f"<Pagination><StartPage>{first}</StartPage><EndPage>{first + 9}</EndPage><MedlinePgn>"
        f'{first}-{(first + 9) % 100}</MedlinePgn></Pagination><ELocationID EIdType="doi" '
        f'ValidYN="Y">{doi}</ELocationID>{_abstract(rng)}<AuthorList CompleteYN="Y">{authors}'
        f"</AuthorList><Language>eng</Language><GrantList><Grant><GrantID>R01 GM{pmid % 99999}"
        "</GrantID><Agency>NIGMS NIH HHS</Agency><Country>United States</Country></Grant>"
        '</GrantList><PublicationTypeList><PublicationType UI="D016428">Journal Article'
        f'</PublicationType></PublicationTypeList><ArticleDate DateType="Electronic"><Year>{year}'
        f"</Year><Month>0{rng.randint(1, 9)}</Month><Day>1{rng.randint(0, 9)}</Day></ArticleDate>"
        "</Article><MedlineJournalInfo><Country>England</Country><MedlineTA>J Res</MedlineTA>"
        f"<NlmUniqueID>{rng.randint(1, 9999999)}</NlmUniqueID></MedlineJournalInfo>{_mesh(rng)}"
        '<KeywordList Owner="NOTNLM">'
        + "".join(f'<Keyword MajorTopicYN="N">{w}</Keyword>' for w in rng.sample(WORDS, 4))
        + f"</KeywordList></MedlineCitation><PubmedData>{_history(rng, year)}<PublicationStatus>"
        f'ppublish</PublicationStatus><ArticleIdList><ArticleId IdType="pubmed">{pmid}'
        f'</ArticleId><ArticleId IdType="doi">{doi}</ArticleId><ArticleId IdType="pmc">'
        f"PMC{pmid + 1000}</ArticleId></ArticleIdList>{_references(rng)}</PubmedData>"
        "</PubmedArticle>\n"
    )


def write_baseline(path: Path, count: int, seed: int = 2026) -> None:
    """A gzipped PubmedArticleSet of ``count`` articles, the same for the same seed."""
    rng = random.Random(seed)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write(
            '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
            'PubMedArticle, 1st January 2025//EN" '
            '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
        )
        for pmid in range(30_000_000, 30_000_000 + count):
            out.write(article_xml(rng, pmid))
        out.write("</PubmedArticleSet>\n")


def floor_extract(path: Path) -> int:
    """The floor: iterparse and pull the parser's fields into tuples, nothing more."""
    count = 0
    with gzip.open(path, "rb") as stream:
        for _, elem in etree.iterparse(
            stream, events=("end",), tag="PubmedArticle", resolve_entities=False,
            no_network=True, load_dtd=False,
        ):  # fmt: skip
            citation = elem.find("MedlineCitation")
            article = citation.find("Article")
            journal = article.find("Journal")
            fields = (
                citation.findtext("PMID"),
                article.findtext("ArticleTitle"),
                [
                    (a.findtext("LastName"), a.findtext("ForeName"), a.findtext("Initials"),
                     a.findtext("CollectiveName"), a.findtext("Identifier"),
                     [f.text for f in a.iterfind("AffiliationInfo/Affiliation")])
                    for a in article.iterfind("AuthorList/Author")
                ],
                journal.findtext("Title"), journal.findtext("ISOAbbreviation"),
                [i.text for i in journal.iterfind("ISSN")],
                journal.findtext("JournalIssue/PubDate/Year"),
                journal.findtext("JournalIssue/PubDate/Month"),
                journal.findtext("JournalIssue/Volume"), journal.findtext("JournalIssue/Issue"),
                article.findtext("Pagination/MedlinePgn"),
                [(d.findtext("Year"), d.findtext("Month"), d.findtext("Day"))
                 for d in article.iterfind("ArticleDate")],
                [(i.get("IdType"), i.text)
                 for i in elem.iterfind("PubmedData/ArticleIdList/ArticleId")],
                [(i.get("EIdType"), i.text) for i in article.iterfind("ELocationID")],
                [(t.get("Label"), t.text) for t in article.iterfind("Abstract/AbstractText")],
                [k.text for k in citation.iterfind("KeywordList/Keyword")],
                [(m.findtext("DescriptorName"), m.find("DescriptorName").get("UI"),
                  m.find("DescriptorName").get("MajorTopicYN"),
                  [(q.text, q.get("UI"), q.get("MajorTopicYN"))
                   for q in m.iterfind("QualifierName")])
                 for m in citation.iterfind("MeshHeadingList/MeshHeading")],
                [p.text for p in article.iterfind("PublicationTypeList/PublicationType")],
                article.findtext("Language"),
                [(c.get("RefType"), c.findtext("RefSource"), c.findtext("PMID"))
                 for c in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")],
                [g.findtext("GrantID") for g in article.iterfind("GrantList/Grant")],
            )  # fmt: skip
            count += fields[0] is not None
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return count


def _first_children(elem: Any) -> dict[Any, Any]:
    found: dict[Any, Any] = {}
    for child in () if elem is None else elem:
        found.setdefault(child.tag, child)
    return found


def _text_of(found: dict[Any, Any], tag: str) -> str | None:
    child = found.get(tag)
    return None if child is None else child.text


def _authors_by_children(author_list: Any) -> list[Any]:
    authors = []
    for author in () if author_list is None else author_list:
        names: dict[Any, Any] = {}
        affiliations: list[Any] = []
        for child in author:
            if child.tag == "AffiliationInfo":
                affiliations.extend(a.text for a in child)
            else:
                names[child.tag] = child.text
        authors.append((names, affiliations))
    return authors


def floor_by_children(path: Path) -> int:
    """A stricter floor: one pass over each element's children (the parser's own technique)."""
    count = 0
    with gzip.open(path, "rb") as stream:
        for _, elem in etree.iterparse(
            stream, events=("end",), tag="PubmedArticle", resolve_entities=False,
            no_network=True, load_dtd=False,
        ):  # fmt: skip
            top = _first_children(elem)
            cited = _first_children(top.get("MedlineCitation"))
            art = _first_children(cited.get("Article"))
            journal: Any = art.get("Journal")
            jour = _first_children(journal)
            issue = _first_children(jour.get("JournalIssue"))
            pub = _first_children(issue.get("PubDate"))
            fields = (
                _text_of(cited, "PMID"), _text_of(art, "ArticleTitle"),
                _authors_by_children(art.get("AuthorList")),
                _text_of(jour, "Title"), _text_of(jour, "ISOAbbreviation"),
                [i.text for i in journal.iterfind("ISSN")],
                _text_of(pub, "Year"), _text_of(pub, "Month"),
                _text_of(issue, "Volume"), _text_of(issue, "Issue"),
                _text_of(_first_children(art.get("Pagination")), "MedlinePgn"),
                [_first_children(d) for d in elem.iterfind("MedlineCitation/Article/ArticleDate")],
                [(i.get("IdType"), i.text)
                 for i in _first_children(top.get("PubmedData")).get("ArticleIdList", ())],
                [(t.get("Label"), t.text) for t in art.get("Abstract", ())],
                [k.text for k in cited.get("KeywordList", ())],
                [[(p.text, p.get("UI"), p.get("MajorTopicYN")) for p in h]
                 for h in cited.get("MeshHeadingList", ())],
                [p.text for p in art.get("PublicationTypeList", ())],
                _text_of(art, "Language"),
                [(c.get("RefType"), _first_children(c))
                 for c in cited.get("CommentsCorrectionsList", ())],
                [_text_of(_first_children(g), "GrantID") for g in art.get("GrantList", ())],
            )  # fmt: skip
            count += fields[0] is not None
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return count


def parser_read(path: Path) -> int:
    """bims' parser over the same file; the entries are consumed as ingest would."""
    assert FORMAT.parse_stream is not None
    count = 0
    with gzip.open(path, "rb") as stream:
        for entry in FORMAT.parse_stream(cast(BinaryIO, stream)):
            count += isinstance(entry, ParsedRecord)
    return count


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {pid}, True
    while grew:
        found = {child for child, parent in parents.items() if parent in tree}
        grew = not found <= tree
        tree |= found
    return sorted(tree)


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of these processes together: pages a forked child still shares
    with its parent count once, not once per process as in their RSS."""
    total_kb = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kb += sum(int(line.split()[1]) for line in rollup.splitlines() if line[:4] == "Pss:")
    return total_kb / 1024


def _run_child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command, returning its wall time, exit status, output, and the peak memory of
    it and its children together (PSS sampled every 0.1 s; 0 where /proc cannot tell)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _pss_mb(_process_tree(proc.pid)))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    # Peak RSS comes from each child's own getrusage(RUSAGE_SELF): RUSAGE_CHILDREN would give
    # the largest child so far, not this one.
    return {
        "seconds": elapsed,
        "code": proc.returncode,
        "out": out.decode(),
        "err": err.decode(),
        "pss_mb": peak[0],
    }


def _measure(kind: str, path: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter so peak RSS belongs to it alone."""
    result = _run_child([sys.executable, __file__, "--child", kind, str(path)])
    if result["code"] != 0:
        raise SystemExit(f"{kind} failed:\n{result['err']}")
    return {**json.loads(result["out"]), "pss_mb": result["pss_mb"]}


def _child(kind: str, path: Path) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    readers = {"floor": floor_extract, "floor-children": floor_by_children, "parser": parser_read}
    count = readers[kind](path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": count, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}))


def _ingest_available(env: dict[str, str]) -> str | None:
    check = _run_child([sys.executable, "-m", "bimscli", "ingest", "--help"], env)
    if check["code"] != 0:
        last = (check["err"].strip().splitlines() or ["no output"])[-1]
        return f"skipped: `bims ingest` is not available here ({last})"
    return None


def _bims_env(bims_src: Path, bytecode: Path) -> dict[str, str]:
    """The environment that runs bims from ``bims_src`` as an installed bims runs: with its
    modules compiled once (pip compiles them when it installs), the bytecode kept in
    ``bytecode`` rather than in the source tree. Without it every run would compile ~100
    modules again, ~0.4 s that no user waits for."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(bims_src), env.get("PYTHONPATH", "")])
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(bims_src)], env=env, check=True)
    return env


def _measure_ingest(
    path: Path, count: int, env: dict[str, str], options: tuple[str, ...] = ()
) -> dict[str, Any] | str:
    missing = _ingest_available(env)
    if missing:
        return missing
    with tempfile.TemporaryDirectory() as tmp:
        wrapper = (
            "import resource, runpy, sys, atexit, json\n"
            "def report():\n"
            "    own = resource.getrusage(resource.RUSAGE_SELF)\n"
            "    # the process that parses while bims stores (waited for, so counted here)\n"
            "    reader = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "    print(json.dumps({'peak_mb': own.ru_maxrss / 1024,\n"
            "                      'reader_peak_mb': reader.ru_maxrss / 1024,\n"
            "                      'cpu': own.ru_utime + own.ru_stime\n"
            "                             + reader.ru_utime + reader.ru_stime}),\n"
            "          file=sys.stderr)\n"
            "atexit.register(report)\n"
            "sys.argv = ['bims'] + sys.argv[1:]\n"
            "runpy.run_module('bimscli', run_name='__main__')\n"
        )
        args = [
            sys.executable,
            "-c",
            wrapper,
            "--library",
            f"{tmp}/lib.sqlite",
            "ingest",
            *options,
            str(path),
        ]
        result = _run_child(args, env)
        if result["code"] != 0:
            return f"failed (exit {result['code']}): {result['err'].strip()[-300:]}"
        usage = json.loads(result["err"].strip().splitlines()[-1])
        return {"records": count, "seconds": result["seconds"], "pss_mb": result["pss_mb"], **usage}


def _report(path: Path, bims_src: Path, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as bytecode:
        _report_with(path, _bims_env(bims_src, Path(bytecode)), repeat)


Row = dict[str, Any] | str
"""One measurement: figures, or why it was skipped or failed."""

ROWS = (
    "(a) floor: bare lxml iterparse",
    "(a2) stricter floor: child index",
    "(b) bims pubmed-xml parser",
    "(c) bims ingest (CLI, subprocess)",
    "(c2) bims ingest --no-dedup",
)


def _round(path: Path, env: dict[str, str]) -> list[Row]:
    """Every measurement once, one after the other, so that each is compared with a floor
    measured in the same minute of a machine whose speed drifts."""
    floor = _measure("floor", path)
    count = int(floor["records"])
    return [
        floor,
        _measure("floor-children", path),
        _measure("parser", path),
        _measure_ingest(path, count, env),
        _measure_ingest(path, count, env, ("--no-dedup",)),
    ]


def _ratio(row: Row, floor: dict[str, Any]) -> float:
    return float(row["seconds"] / floor["seconds"]) if isinstance(row, dict) else float("nan")


def _report_with(path: Path, env: dict[str, str], repeat: int) -> None:
    rounds = []
    for number in range(1, repeat + 1):
        rows = _round(path, env)
        floor = cast(dict[str, Any], rows[0])
        print(
            f"round {number}: floor {floor['seconds']:.1f} s; ingest "
            f"{_ratio(rows[3], floor):.2f}x, --no-dedup {_ratio(rows[4], floor):.2f}x, "
            f"parser {_ratio(rows[2], floor):.2f}x",
            flush=True,
        )
        rounds.append(rows)
    # The round whose ingest ratio is the median: a whole round, every figure from one minute.
    rounds.sort(key=lambda rows: _ratio(rows[3], cast(dict[str, Any], rows[0])))
    rows = rounds[(len(rounds) - 1) // 2]
    floor = cast(dict[str, Any], rows[0])
    size = path.stat().st_size / 1e6
    which = f"the round of median ingest ratio of {repeat}" if repeat > 1 else "one round"
    print(f"\n{int(floor['records']):,} articles, {size:.1f} MB ({path}), {which}")
    print(
        f"  {'':36} {'records/s':>9} {'wall':>7} {'ratio':>6}   {'CPU-s':>6} {'ratio':>6}"
        f"  peak memory: all processes (PSS); RSS of each"
    )
    for name, row in zip(ROWS, rows, strict=True):
        if isinstance(row, str):
            print(f"  {name:36} {row}")
            continue
        peak = f"{row['pss_mb']:4.0f} MB; {row['peak_mb']:3.0f} MB"
        if row.get("reader_peak_mb"):
            peak += f", reader {row['reader_peak_mb']:3.0f} MB"
        print(
            f"  {name:36} {row['records'] / row['seconds']:9,.0f} {row['seconds']:6.1f}s"
            f" {row['seconds'] / floor['seconds']:5.2f}x   {row['cpu']:6.1f}"
            f" {row['cpu'] / floor['cpu']:5.2f}x  {peak}"
        )


def main() -> None:
    """Write the test files, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=30_000, help="articles in the file")
    parser.add_argument("--big", action="store_true", help="also measure 300,000 articles")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the median is shown")
    parser.add_argument(
        "--bims-src",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "src",
        help="the src/ directory whose bims runs (c); default: this checkout's",
    )
    parser.add_argument(
        "--input",
        type=Path,
        help="measure this gzipped PubMed XML file instead of writing one",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    if args.input:
        _report(args.input, args.bims_src, args.repeat)
        return
    counts = [args.count] + ([300_000] if args.big else [])
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            path = Path(tmp) / f"pubmed-{count}.xml.gz"
            started = time.perf_counter()
            write_baseline(path, count, args.seed)
            print(f"wrote {path.name} in {time.perf_counter() - started:.0f} s")
            _report(path, args.bims_src, args.repeat)


if __name__ == "__main__":
    main()
