"""PubMed rules shared by the PubMed XML and MEDLINE parsers: pages, links, MeSH.

Both formats carry the same MEDLINE data in two spellings, so every domain rule that is not
about the spelling lives here once (dates, "2006 Mar 1" or "1998 Dec-1999 Jan", are read by
:mod:`bimscli.formats._dates`).
"""

from __future__ import annotations

import re

_PAGE_RANGE = re.compile(r"\b([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)\b", re.ASCII)


def _expand_range(match: re.Match[str]) -> str:
    prefix, first, end_prefix, last = match.groups()
    if end_prefix and end_prefix != prefix:
        return match.group(0)
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    if int(last) < int(first):
        return match.group(0)
    return f"{prefix}{first}-{prefix}{last}"


def expand_medline_pages(text: str) -> str:
    """MEDLINE's abbreviated page ranges written in full.

    MEDLINE drops the leading digits the last page shares with the first ("561-7"). Ranges
    whose end would come before their start are left as written.

    >>> expand_medline_pages("561-7")
    '561-567'
    >>> expand_medline_pages("1093-101")
    '1093-1101'
    >>> expand_medline_pages("e123")
    'e123'
    >>> expand_medline_pages("12-3; discussion 14")
    '12-13; discussion 14'
    >>> expand_medline_pages("S12-5")
    'S12-S15'
    >>> expand_medline_pages("244-255")
    '244-255'
    """
    return _PAGE_RANGE.sub(_expand_range, text.strip())


_ARTICLE_NUMBER = re.compile(r"^e\d+$")


def article_number_from_pii(pii: str | None) -> str | None:
    """A pii that is really an electronic article number (``e0123456``), else None.

    PLOS, eLife and others give the article number as the pii and as the "page".

    >>> article_number_from_pii("e472854")
    'e472854'
    >>> article_number_from_pii("S0011-2240(01)92328-4") is None
    True
    """
    if pii and _ARTICLE_NUMBER.match(pii):
        return pii
    return None


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def relation_from_ref_type(ref_type: str) -> str:
    """A :class:`~bimscli.model.RelatedWork` relation from a PubMed ``RefType``.

    >>> relation_from_ref_type("ErratumIn"), relation_from_ref_type("RetractionOf")
    ('erratum-in', 'retraction-of')
    """
    return _CAMEL.sub("-", ref_type.strip()).lower()


_PMID_IN_CITATION = re.compile(r"\bPMID:\s*(\d+)")


def pmid_in_citation(text: str) -> str | None:
    """The PMID at the end of a MEDLINE link such as ``Nature. 2006;1:2. PMID: 123``.

    >>> pmid_in_citation("Bioinformatics. 2006 Jun 1;22(11):1406. PMID: 16547073")
    '16547073'
    """
    match = _PMID_IN_CITATION.search(text)
    return match.group(1) if match else None
