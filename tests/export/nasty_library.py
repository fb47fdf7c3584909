"""A small library of works made to break exporters: the traps each real client trips on.

Every item names its trap in its key. Identifiers are in bims's canonical forms (DOIs in lower
case), as every record in a library is. Used by the golden tests and the real-client tests.
"""

from __future__ import annotations

from bimscli.export import ExportItem
from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    PartialDate,
    Record,
    WorkType,
)

NASTY_LIBRARY: tuple[ExportItem, ...] = (
    ExportItem(
        "unicodeNames",
        Record(
            title="Rôle of TGF-β and Ca²⁺ in patients ≥65 years: "
            "5 ± 2 mg/kg × 3 at 37 °C – a “pilot”",
            authors=(
                Author(family="Müller", given="Jürgen"),
                Author(family="Ødegård", given="Åse"),
                Author(family="Łukasiewicz", given="Zoë"),
                Author(family="Núñez", given="José", suffix="Jr"),
                Author(family="van der Berg", given="Jan"),
                Author(family="O'Brien", given="Siobhán"),
                Author(family="王", given="小明"),
            ),
            journal="Acta Orthopædica",
            journal_abbrev="Acta Orthop",
            issn=("1749-799X",),
            date=PartialDate(2023, 7, 3),
            volume="18",
            issue="1",
            pages="91-98",
            ids=Identifiers(doi="10.1186/s13018-023-03948-2", pmid="37400000"),
            language="eng",
        ),
        ("bone-metastases", "rehab & pain"),
    ),
    ExportItem(
        "specialCharacters",
        Record(
            title="50% less pain & 100$ saved: #1 rule_of {thumb} ~ a ^ b \\ c",
            authors=(Author(family="Smith", given="Ann"),),
            journal="Obstetrics & Gynecology",
            journal_abbrev="Obstet Gynecol",
            issn=("0029-7860",),
            date=PartialDate(2020, 12),
            volume="136",
            issue="6",
            pages="1120-1128",
            ids=Identifiers(
                doi="10.1002/(sici)1097-0142(19990101)85:1<1::aid-cncr1>3.0.co;2-1",
                url="https://example.org/a_b?x=1&y=2#frag%20",
            ),
        ),
    ),
    ExportItem(
        "markupInTitle",
        Record(
            title="<i>In vivo</i> effects of H<sub>2</sub>O<sub>2</sub> on <i>BRCA1</i>-mutated "
            "cells: <sup>18</sup>F-FDG PET, SBRT, MESCC, IL-6 and mHealth in <b>T2</b> lesions",
            authors=(Author(family="de la Cruz", given="María"),),
            authors_complete=False,
            journal="Cancer",
            issn=("0008-543X",),
            date=PartialDate(2019),
            volume="125",
            article_number="e472854",
            ids=Identifiers(doi="10.1002/cncr_32000", pmid="31000000", pmcid="PMC6500000"),
        ),
    ),
    ExportItem(
        "groupAuthors",
        Record(
            title="Consensus on surgery and radiotherapy for spinal metastases",
            authors=(
                Author(group="AO Spine Knowledge Forum Tumor"),
                Author(family="Fisher", given="Charles G."),
                Author(group="Society of Interventional Radiology and Oncology Group"),
            ),
            journal="Spine",
            date=PartialDate(2024, 2, 29),
            pages="e12",
            abstract=(
                AbstractSection("Many patients.", "BACKGROUND"),
                AbstractSection("Delphi survey of 50% of members.", "METHODS"),
            ),
            note="A lay summary: surgeons & radiotherapists agree.",
        ),
    ),
    ExportItem(
        "newsletterNoTitleNoAuthor",
        Record(
            journal_abbrev="Cardiovasc Intervent Radiol",
            date=PartialDate(2025, 6, 6),
            ids=Identifiers(doi="10.1007/s00270-025-04077-9"),
            abstract=(AbstractSection("Bone is the third most common site for metastases."),),
        ),
        ("rebome",),
    ),
    ExportItem(
        "webPageNoAuthor",
        Record(
            type=WorkType.WEB_PAGE,
            title="Exercise helps people with bone metastases",
            date=PartialDate(2025, 7, 29),
            ids=Identifiers(url="https://news.example.com/exercise-bone-mets"),
        ),
    ),
    ExportItem(
        "missingFields",
        Record(title="Only a title is known"),
    ),
    ExportItem(
        "conferencePaper",
        Record(
            type=WorkType.CONFERENCE_PAPER,
            title="Robotic vertebroplasty",
            authors=(Author(family="Kim", given="Min-jun"),),
            journal="Proceedings of the Spine Week 2024",
            date=PartialDate(2024, 5),
            pages="12-15",
        ),
    ),
    ExportItem(
        "thesisWithUniversity",
        Record(
            type=WorkType.THESIS,
            title="Pain after bone metastases",
            authors=(Author(family="Rossi", given="Giulia"),),
            publisher="Università di Bologna",
            date=PartialDate(2022),
        ),
    ),
    ExportItem(
        "preprintWithDoi",
        Record(
            type=WorkType.PREPRINT,
            title="A preprint with no journal",
            authors=(Author(family="Lee", given="Kim"),),
            date=PartialDate(2025, 1, 2),
            ids=Identifiers(doi="10.1101/2025.01.02.123456"),
        ),
    ),
    ExportItem(
        "newsArticle",
        Record(
            type=WorkType.NEWS_ARTICLE,
            title="New hope for bone metastases",
            journal="The Guardian",
            date=PartialDate(2025, 3, 4),
            ids=Identifiers(url="https://www.theguardian.com/x"),
        ),
    ),
    ExportItem(
        "bookWithPublisher",
        Record(
            type=WorkType.BOOK,
            title="Rehabilitation in Cancer Care",
            authors=(Author(family="Lee", given="Kim"),),
            publisher="Springer & Sons",
            date=PartialDate(2018),
        ),
    ),
)
"""Twelve works, each with the traps its key names."""
