"""A small pooled library for the deduplication review: two pairs of works that are
borderline, one of them known from two records on each side."""

from __future__ import annotations

import json
from typing import Any

# Two trials, each known from two records that share a PMID, with titles close enough to be
# borderline but not merged (other PMIDs, other pages in the same volume): four pairs of
# records, one pair of works.
TRIAL_ONE = (
    "Stereotactic body radiotherapy for painful spinal metastases: a randomised trial",
    "Stereotactic body radiotherapy for painful spinal metastases: a randomised clinical trial",
)
TRIAL_TWO = (
    "Stereotactic body radiotherapy for painful spinal metastases:"
    " a randomised controlled multicentre study",
    "Stereotactic body radiotherapy for painful spinal metastases:"
    " a randomized controlled multicenter study",
)
# A meta-analysis and its near-identical twin that lacks journal, volume and pages: a better
# title match than the trials' but too little other evidence to merge.
REVIEW = "Denosumab versus zoledronic acid for bone metastases from breast cancer: a {}"


def csl_item(
    key: str, title: str, pmid: str, *, full: bool = True, page: str = "1023-1032"
) -> dict[str, Any]:
    """A CSL-JSON article by Sahgal and Myrehaug, 2021 (``full``: in Lancet Oncology 22, at
    ``page``)."""
    item: dict[str, Any] = {
        "id": key,
        "type": "article-journal",
        "title": title,
        "PMID": pmid,
        "author": [{"family": "Sahgal", "given": "Arjun"}, {"family": "Myrehaug", "given": "S"}],
        "issued": {"date-parts": [[2021]]},
    }
    if full:
        item |= {"container-title": "Lancet Oncology", "volume": "22", "page": page}
    return item


def pooled_json() -> str:
    """The trials' four records, then the two meta-analyses, as CSL-JSON."""
    items = [
        csl_item("t1a", TRIAL_ONE[0], "111"),
        csl_item("t1b", TRIAL_ONE[1], "111"),
        csl_item("t2a", TRIAL_TWO[0], "222", page="1101-1110"),
        csl_item("t2b", TRIAL_TWO[1], "222", page="1101-1110"),
    ]
    items += [
        csl_item("m1", REVIEW.format("network meta-analysis"), "333", page="1201-1210"),
        csl_item("m2", REVIEW.format("updated network meta-analysis"), "444", full=False),
    ]
    return json.dumps(items)
