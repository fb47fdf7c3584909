"""Field rules shared by the reference-manager formats (RIS, BibTeX, CSL-JSON).

These formats all carry the same facts in different spellings: page ranges split over two
fields, identifiers in notes and URLs, and keyword lists in one string (names and dates are read
by :mod:`bimscli.formats._person_names` and :mod:`bimscli.formats._dates`). The helpers here
turn each spelling into the record model.
:class:`FieldBag` makes sure a parser accounts for every field it was given: what it does not
map is handed back for :attr:`~bimscli.model.Record.extra`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bimscli.identifiers import normalize_doi, normalize_issn, normalize_pmcid, normalize_pmid

_RANGE = re.compile(r"^\s*(\S+?)\s*(?:-+|–|—)\s*(\S+)\s*$")


def join_page_range(first: str | None, last: str | None) -> str | None:
    """One page range "91-98" from a first and a last page, either of which may be missing.

    >>> join_page_range("91", "98"), join_page_range("91--98", None), join_page_range("91", "91")
    ('91-98', '91-98', '91')
    """
    first = first.strip() if first else ""
    last = last.strip() if last else ""
    if first and not last:
        match = _RANGE.match(first)
        return f"{match.group(1)}-{match.group(2)}" if match else first
    if first and last and last != first:
        return f"{first}-{last}"
    return first or last or None


_ARTICLE_NUMBER = re.compile(r"^[A-Za-z]{1,3}\d{3,}$")


def looks_like_article_number(page: str) -> bool:
    """True for an electronic article number written where a first page goes ("e71196").

    >>> looks_like_article_number("e71196"), looks_like_article_number("91")
    (True, False)
    """
    return bool(_ARTICLE_NUMBER.match(page.strip()))


def split_keywords(text: str) -> tuple[str, ...]:
    """Keywords from one string separated by semicolons, else by commas.

    >>> split_keywords("bone metastases; rehabilitation, exercise")
    ('bone metastases', 'rehabilitation, exercise')
    >>> split_keywords("pain, radiotherapy")
    ('pain', 'radiotherapy')
    """
    separator = ";" if ";" in text else ","
    return tuple(k for k in (part.strip() for part in text.split(separator)) if k)


_ISBN = re.compile(r"^(?:97[89])?\d{9}[\dXx]$")


def without_parenthesised(text: str) -> str:
    """``text`` with each ``(...)`` and the white space around it replaced by one space.

    Written out rather than as ``re.sub(r"\\s*\\(.*?\\)\\s*", " ", text)``: with many ``(``
    and no ``)`` after them, that expression tries every ``(`` to the end of the text
    (quadratic time: a minute for 85,000 of them).

    >>> without_parenthesised("1751-4258 (Electronic)"), without_parenthesised("a (x) (y) b (")
    ('1751-4258 ', 'a  b (')
    """
    pieces, pos = [], 0
    while (start := text.find("(", pos)) != -1 and (end := text.find(")", start)) != -1:
        pieces += [text[pos:start].rstrip(), " "]
        pos = end + 1
        while pos < len(text) and text[pos].isspace():
            pos += 1
    pieces.append(text[pos:])
    return "".join(pieces)


def split_issn_isbn(texts: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """ISSNs, ISBNs and the parts that are neither, from serial-number fields.

    >>> split_issn_isbn(["1751-4258 (Electronic); 1751-4266", "978-0-19-852663-6"])
    (('1751-4258', '1751-4266'), ('9780198526636',), [])
    """
    issns: list[str] = []
    isbns: list[str] = []
    unknown: list[str] = []
    for text in texts:
        for part in re.split(r"[;,\n]+", text):
            if not part.strip():
                continue
            issn = normalize_issn(without_parenthesised(part))
            compact = re.sub(r"[\s-]", "", part.split("(")[0]).upper()
            if issn:
                issns.append(issn)
            elif _ISBN.match(compact):
                isbns.append(compact)
            else:
                unknown.append(part.strip())
    return tuple(dict.fromkeys(issns)), tuple(dict.fromkeys(isbns)), unknown


_PUBMED_URL = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/(?:entrez/query\.fcgi\?.*?"
    r"list_uids=|pubmed/))(\d{1,9})(?!\d)",
    re.IGNORECASE,
)
_PMC_URL = re.compile(r"(?:/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)(PMC\d+)", re.I)


def pubmed_ids_in_urls(urls: Iterable[str]) -> tuple[str | None, str | None]:
    """The PMID and PMCID named by PubMed and PubMed Central links among ``urls``.

    >>> pubmed_ids_in_urls(["https://doi.org/10.1/x", "https://www.ncbi.nlm.nih.gov/pubmed/35367415",
    ...                     "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9097458"])
    ('35367415', 'PMC9097458')
    """
    pmid = pmcid = None
    for url in urls:
        pubmed, pmc = _PUBMED_URL.search(url), _PMC_URL.search(url)
        pmid = pmid or (pubmed.group(1).lstrip("0") or None if pubmed else None)
        pmcid = pmcid or (pmc.group(1).upper() if pmc else None)
    return pmid, pmcid


_NOTE_ID = re.compile(r"^\s*(PMID|PMCID|DOI)\s*:\s*(\S+)\s*$", re.IGNORECASE)
_NOTE_NORMALIZERS = {"pmid": normalize_pmid, "pmcid": normalize_pmcid, "doi": normalize_doi}


def pop_note_identifiers(note: str) -> tuple[dict[str, str], str]:
    """Identifier lines such as "PMID: 123" taken out of a note (Zotero's "Extra" field).

    >>> pop_note_identifiers("PMID: 33797627\\nPMCID: PMC123\\nread later\\nDOI: none")
    ({'pmid': '33797627', 'pmcid': 'PMC123'}, 'read later\\nDOI: none')
    """
    found: dict[str, str] = {}
    kept: list[str] = []
    for line in note.splitlines():
        match = _NOTE_ID.match(line)
        name = match.group(1).lower() if match else ""
        value = _NOTE_NORMALIZERS[name](match.group(2)) if match else None
        if value is not None and name not in found:
            found[name] = value
        elif line.strip():
            kept.append(line)  # not an identifier we could read: it stays in the note
    return found, "\n".join(kept)


class FieldBag:
    """A source's fields, handed out once each, so that unused ones can go to ``extra``.

    >>> bag = FieldBag([("TI", "A title"), ("XX", "odd"), ("KW", "a"), ("KW", "b")])
    >>> bag.first("TI"), bag.take("KW"), bag.leftover()
    ('A title', ['a', 'b'], (('XX', 'odd'),))
    """

    def __init__(self, fields: Iterable[tuple[str, str]]) -> None:
        self._fields = [(name, value) for name, value in fields if value.strip()]
        self._used = [False] * len(self._fields)

    def peek(self, *names: str) -> list[str]:
        """Every value of the named fields in input order, without using them up."""
        return [value for name, value in self._fields if name in names]

    def take(self, *names: str) -> list[str]:
        """Every value of the named fields in input order; they are used up."""
        values = []
        for index, (name, value) in enumerate(self._fields):
            if name in names and not self._used[index]:
                self._used[index] = True
                values.append(value)
        return values

    def first(self, *names: str) -> str | None:
        """The first value of the first named field present; only that one is used up."""
        for wanted in names:
            for index, (name, value) in enumerate(self._fields):
                if name == wanted and not self._used[index]:
                    self._used[index] = True
                    return value
        return None

    def first_valid(self, convert: Callable[[str], str | None], *names: str) -> str | None:
        """The first value of the named fields that ``convert`` accepts, converted.

        Only an accepted value is used up; one ``convert`` refuses stays for ``extra``.

        >>> bag = FieldBag([("DO", "not a doi")])
        >>> bag.first_valid(normalize_doi, "DO"), bag.leftover()
        (None, (('DO', 'not a doi'),))
        """
        for wanted in names:
            for index, (name, value) in enumerate(self._fields):
                converted = convert(value) if name == wanted and not self._used[index] else None
                if converted is not None:
                    self._used[index] = True
                    return converted
        return None

    def leftover(self) -> tuple[tuple[str, str], ...]:
        """The fields nobody took, for :attr:`~bimscli.model.Record.extra`."""
        return tuple(f for f, used in zip(self._fields, self._used, strict=True) if not used)
