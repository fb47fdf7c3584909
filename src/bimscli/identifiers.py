"""Normalisation of identifiers: DOI, PMID, PMCID, ISSN, ORCID.

Each function takes whatever a source wrote and returns the canonical form, or ``None`` when
the text holds no valid identifier. They are pure and idempotent.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_DOI_PREFIXES = re.compile(
    r"""^(?:
        (?:https?://)?(?:dx\.)?doi\.org/ |
        (?:https?://)?(?:www\.)?doi\.org/ |
        doi\s*[:=]\s* |
        doi\s+ |
        info:doi/ |
        urn:doi:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+")
# Punctuation that ends a sentence or closes a bracket, not the DOI. A closing bracket stays
# when the DOI itself opened one, as in 10.1016/S0140-6736(19)30129-7.
_TRAILING = ".,;:!?'\"»”’"
_BRACKETS = {")": "(", "]": "[", "}": "{", ">": "<"}


def _strip_trailing(doi: str) -> str:
    while doi:
        last = doi[-1]
        unbalanced = last in _BRACKETS and doi.count(last) > doi.count(_BRACKETS[last])
        if last in _TRAILING or unbalanced:
            doi = doi[:-1]
        else:
            break
    return doi


def normalize_doi(text: str | None) -> str | None:
    """The canonical DOI: no resolver prefix, no trailing punctuation, lower case.

    DOIs are case-insensitive, so lower case is the canonical form.

    >>> normalize_doi("https://doi.org/10.1007/S00270-025-04077-9")
    '10.1007/s00270-025-04077-9'
    >>> normalize_doi("doi: 10.1097/SPC.0000000000000548.")
    '10.1097/spc.0000000000000548'
    >>> normalize_doi("DOI:10.1016/S0140-6736(19)30129-7")
    '10.1016/s0140-6736(19)30129-7'
    >>> normalize_doi("http://dx.doi.org/10.1000/a%2Fb")
    '10.1000/a/b'
    >>> normalize_doi("(10.1000/xyz)")
    '10.1000/xyz'
    >>> normalize_doi("not a doi") is None
    True
    """
    if not text:
        return None
    doi = text.strip().strip("<>()[]{}").strip()
    doi = _DOI_PREFIXES.sub("", doi).strip()
    if "%" in doi:
        doi = unquote(doi)
    doi = _strip_trailing(doi)
    doi = doi.lower()
    return doi if _DOI_SHAPE.match(doi) else None


def find_dois(text: str) -> list[str]:
    """Every DOI written anywhere in a text, normalised, in order, without repeats.

    >>> find_dois("see https://doi.org/10.17605/OSF.IO/UDWM4 ). and doi:10.1/x")
    ['10.17605/osf.io/udwm4']
    """
    found: list[str] = []
    for match in _DOI_IN_TEXT.finditer(text):
        doi = normalize_doi(match.group(0))
        if doi and doi not in found:
            found.append(doi)
    return found


_PMID = re.compile(r"^(?:pmid\s*[:=]?\s*|pubmed\s*[:=]?\s*)?(\d{1,9})$", re.IGNORECASE)
_PMID_URL = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,9})", re.IGNORECASE)


def normalize_pmid(text: str | int | None) -> str | None:
    """A PubMed id as digits without leading zeros.

    >>> normalize_pmid("PMID: 33797627")
    '33797627'
    >>> normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/33797627/")
    '33797627'
    >>> normalize_pmid(16403221)
    '16403221'
    >>> normalize_pmid("0") is None
    True
    >>> normalize_pmid("12a") is None
    True
    """
    if text is None:
        return None
    raw = str(text).strip()
    url = _PMID_URL.search(raw)
    match = url or _PMID.match(raw)
    if not match:
        return None
    digits = match.group(1).lstrip("0")
    return digits or None


_PMCID = re.compile(r"^(?:pmcid\s*[:=]?\s*)?(?:pmc)?\s*(\d{1,10})$", re.IGNORECASE)
_PMCID_URL = re.compile(r"/pmc/articles/(PMC\d+)|/articles/(PMC\d+)", re.IGNORECASE)


def normalize_pmcid(text: str | None) -> str | None:
    """A PubMed Central id as ``PMC`` plus digits.

    >>> normalize_pmcid("pmc1373603")
    'PMC1373603'
    >>> normalize_pmcid("PMCID: PMC1373603")
    'PMC1373603'
    >>> normalize_pmcid("1373603")
    'PMC1373603'
    >>> normalize_pmcid("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1373603/")
    'PMC1373603'
    >>> normalize_pmcid("PMC") is None
    True
    """
    if not text:
        return None
    raw = text.strip()
    url = _PMCID_URL.search(raw)
    if url:
        raw = url.group(1) or url.group(2)
    match = _PMCID.match(raw)
    if not match:
        return None
    digits = match.group(1).lstrip("0")
    return f"PMC{digits}" if digits else None


_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")


def normalize_issn(text: str | None) -> str | None:
    """An ISSN as ``NNNN-NNNC`` with an upper-case check character.

    >>> normalize_issn("1471-2105 (Electronic)")
    '1471-2105'
    >>> normalize_issn("2224582x")
    '2224-582X'
    >>> normalize_issn("12345") is None
    True
    """
    if not text:
        return None
    raw = text.strip().split()[0] if text.strip() else ""
    match = _ISSN.match(raw)
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2).upper()}"


_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])\s*$")


def normalize_orcid(text: str | None) -> str | None:
    """An ORCID iD as ``NNNN-NNNN-NNNN-NNNC``, from a bare id or an orcid.org URL.

    >>> normalize_orcid("https://orcid.org/0000-0002-1825-0097")
    '0000-0002-1825-0097'
    >>> normalize_orcid("000000021825009x")
    '0000-0002-1825-009X'
    """
    if not text:
        return None
    match = _ORCID.search(text.strip())
    if not match:
        return None
    return "-".join(match.groups()[:3]) + "-" + match.group(4).upper()
