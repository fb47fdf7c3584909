"""BibTeX and BibLaTeX writers.

Both dialects write the same fields in the same order, one entry per work, so that two exports
of one library are byte-identical. They differ where the tools that read them differ:

* **BibTeX** is ASCII: non-ASCII characters become LaTeX (``{\\'e}``, ``{$\\alpha$}``). Fields a
  record lacks are left out, titles and authors included: BibTeX and pandoc accept that.
* **BibLaTeX** is UTF-8 and follows biber's data model, which biber checks with
  ``--validate-datamodel``: ``journaltitle``/``shortjournal``, ISO ``date``, the article number
  as ``eid``, the PMID as ``eprint`` of type ``pubmed`` and the PMCID in ``addendum`` (the data
  model has no ``pmid``/``pmcid`` fields; NIH asks for the PMCID to be printed in a citation
  anyway). Every BibLaTeX type requires a title and most an author, so a record without them
  (a newsletter entry, a web page) gets the explicit placeholders :data:`UNTITLED` and
  :data:`ANONYMOUS`, the cataloguers' conventions, rather than an invalid entry; an undated
  work gets EDTF's unspecified year :data:`UNKNOWN_DATE`.

``doi`` and ``url`` are verbatim fields: nothing in them is escaped (braces, which no reader
could balance, and backslashes, which would escape the closing brace for some, are
percent-encoded as URLs allow).

No value can close its field or start another: braces from the data are escaped in pairs and an
unpaired one is written as a symbol (:func:`~bimscli.export.latex.balance_escaped_braces`), a
part of a name that holds a comma or the word "and" is braced, and control characters are
dropped (:func:`~bimscli.control_characters.without_control_characters`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

from bimscli.export import ExportItem, printable_item
from bimscli.export.bibtex_names import format_authors
from bimscli.export.latex import single_line, text_to_latex, title_to_latex
from bimscli.model import PartialDate, Record, WorkType

UNTITLED = "[Untitled]"
"""BibLaTeX title of a work whose title is unknown (a supplied title, in square brackets)."""

ANONYMOUS = "Anonymous"
"""BibLaTeX author of a work whose type requires an author that is unknown."""

UNKNOWN_DATE = "XXXX"
"""BibLaTeX date of an undated work: EDTF's unspecified year, which biber accepts."""

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class Dialect(StrEnum):
    """Which of the two related formats to write."""

    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"


_BIBTEX_TYPES = {
    WorkType.JOURNAL_ARTICLE: "article",
    WorkType.NEWS_ARTICLE: "article",
    WorkType.BOOK: "book",
    WorkType.BOOK_CHAPTER: "incollection",
    WorkType.CONFERENCE_PAPER: "inproceedings",
    WorkType.THESIS: "phdthesis",
    WorkType.REPORT: "techreport",
}
_BIBLATEX_TYPES = {
    WorkType.JOURNAL_ARTICLE: "article",
    WorkType.NEWS_ARTICLE: "article",
    WorkType.BOOK: "book",
    WorkType.BOOK_CHAPTER: "inbook",
    WorkType.CONFERENCE_PAPER: "inproceedings",
    WorkType.THESIS: "thesis",
    WorkType.REPORT: "report",
    WorkType.DATASET: "dataset",
    WorkType.PREPRINT: "online",
    WorkType.WEB_PAGE: "online",
}
# BibLaTeX types whose data model requires an author, and the field that holds the container.
_NEEDS_AUTHOR = frozenset({"article", "book", "inbook", "inproceedings", "thesis", "report"})
_CONTAINER_FIELD = {
    "article": "journal",
    "inbook": "booktitle",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
}
_INSTITUTION_TYPES = {"phdthesis": "school", "techreport": "institution"}


def entry_type(record: Record, dialect: Dialect) -> str:
    """The entry type for a record; a type whose required container is unknown becomes misc.

    >>> from bimscli.model import Identifiers
    >>> entry_type(Record(journal="Spine"), Dialect.BIBTEX)
    'article'
    >>> entry_type(Record(type=WorkType.WEB_PAGE), Dialect.BIBLATEX)
    'misc'
    >>> entry_type(Record(type=WorkType.WEB_PAGE, ids=Identifiers(url="https://a.org")),
    ...            Dialect.BIBLATEX)
    'online'
    """
    types = _BIBTEX_TYPES if dialect is Dialect.BIBTEX else _BIBLATEX_TYPES
    kind = types.get(record.type, "misc")
    container = record.journal or record.journal_abbrev
    if kind in _CONTAINER_FIELD and not container:
        return "misc"
    if kind in {"thesis", "report"} and not record.publisher:
        return "misc"  # biber requires the institution, which only the publisher can give
    if kind == "online" and not (record.ids.doi or record.ids.url or record.ids.pmid):
        return "misc"
    return kind


def format_pages(pages: str) -> str:
    """Page ranges with BibTeX's double dash.

    >>> format_pages("91-98"), format_pages("91–98"), format_pages("e472854")
    ('91--98', '91--98', 'e472854')
    """
    return pages.replace("–", "-").replace("--", "-").replace("-", "--")


def verbatim(value: str) -> str:
    r"""A DOI or URL as a verbatim field; braces, which cannot be escaped there, encoded, and
    backslashes, which pandoc and bibtexparser read as escaping the field's closing brace.

    >>> verbatim("10.1002/(SICI)1097_x{1}"), verbatim("https://x.org/a\\")
    ('10.1002/(SICI)1097_x%7B1%7D', 'https://x.org/a%5C')
    """
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _date(record: Record) -> PartialDate | None:
    return record.date or record.epub_date


def _dated_fields(record: Record, dialect: Dialect) -> Iterator[tuple[str, str]]:
    date = _date(record)
    if date is None:
        if dialect is Dialect.BIBLATEX:
            yield "date", UNKNOWN_DATE  # biber requires a date; EDTF's "year unspecified"
        return
    if dialect is Dialect.BIBLATEX:
        yield "date", date.iso
        return
    yield "year", str(date.year)
    if date.month is not None and 1 <= date.month <= 12:
        yield "month", MONTH_MACROS[date.month - 1]


def _container_fields(record: Record, kind: str, dialect: Dialect) -> Iterator[tuple[str, str]]:
    ascii_only = dialect is Dialect.BIBTEX
    container = record.journal or record.journal_abbrev
    field = _CONTAINER_FIELD.get(kind)
    if field is not None and container:
        if field == "journal" and dialect is Dialect.BIBLATEX:
            field = "journaltitle"
        yield field, text_to_latex(container, ascii_only=ascii_only)
        if kind == "article" and record.journal and record.journal_abbrev:
            yield "shortjournal", text_to_latex(record.journal_abbrev, ascii_only=ascii_only)
    elif kind == "misc" and container:
        yield "howpublished", text_to_latex(container, ascii_only=ascii_only)


def _numbering_fields(record: Record, kind: str) -> Iterator[tuple[str, str]]:
    if kind not in {"article", "inbook", "incollection", "inproceedings", "book"}:
        return
    if record.volume:
        yield "volume", text_to_latex(record.volume, ascii_only=True)
    if record.issue:
        yield "number", text_to_latex(record.issue, ascii_only=True)
    if record.pages:
        yield "pages", text_to_latex(format_pages(record.pages), ascii_only=True)
    if record.article_number:
        yield "eid", text_to_latex(record.article_number, ascii_only=True)


def _publisher_fields(record: Record, kind: str, dialect: Dialect) -> Iterator[tuple[str, str]]:
    if not record.publisher:
        return
    publisher = text_to_latex(record.publisher, ascii_only=dialect is Dialect.BIBTEX)
    if kind in _INSTITUTION_TYPES:
        yield _INSTITUTION_TYPES[kind], publisher
    elif kind in {"thesis", "report"}:
        yield "type", "phdthesis" if kind == "thesis" else "techreport"
        yield "institution", publisher
    elif kind in {"online", "misc"}:
        yield "organization", publisher
    elif kind != "article" or dialect is Dialect.BIBTEX:
        yield "publisher", publisher  # biber's data model has no publisher for an article


def _identifier_fields(record: Record, kind: str, dialect: Dialect) -> Iterator[tuple[str, str]]:
    ids = record.ids
    if record.issn and kind == "article":
        issn = record.issn[0] if dialect is Dialect.BIBLATEX else ", ".join(record.issn)
        yield "issn", text_to_latex(issn, ascii_only=True)
    if ids.doi:
        yield "doi", verbatim(ids.doi)
    # Identifiers are normalised on the way in; escaped all the same, as every other value.
    pmid = text_to_latex(ids.pmid, ascii_only=True) if ids.pmid else None
    pmcid = text_to_latex(ids.pmcid, ascii_only=True) if ids.pmcid else None
    if dialect is Dialect.BIBTEX:
        if pmid:
            yield "pmid", pmid
        if pmcid:
            yield "pmcid", pmcid
    else:
        if pmid:
            yield "eprint", pmid
            yield "eprinttype", "pubmed"
        if pmcid:
            yield "addendum", "PMCID: " + pmcid
    if ids.url:
        yield "url", verbatim(ids.url)


def _text_fields(item: ExportItem, dialect: Dialect) -> Iterator[tuple[str, str]]:
    record = item.record
    ascii_only = dialect is Dialect.BIBTEX
    if record.language:
        yield "language", text_to_latex(record.language, ascii_only=ascii_only)
    if item.tags:
        yield "keywords", text_to_latex(", ".join(item.tags), ascii_only=ascii_only)
    if record.abstract:
        abstract = single_line(record.abstract_text)
        yield "abstract", text_to_latex(abstract, ascii_only=ascii_only)
    if record.note:
        yield "note", text_to_latex(single_line(record.note), ascii_only=ascii_only)


def entry_fields(item: ExportItem, kind: str, dialect: Dialect) -> Iterator[tuple[str, str]]:
    """The fields of one entry, in the order they are written."""
    record = item.record
    ascii_only = dialect is Dialect.BIBTEX
    if item.aliases and dialect is Dialect.BIBLATEX:
        # biblatex's entry-key aliases: \cite{old-key} still finds the merged work.
        yield "ids", ", ".join(item.aliases)
    authors = format_authors(record, ascii_only=ascii_only)
    if authors is None and dialect is Dialect.BIBLATEX and kind in _NEEDS_AUTHOR:
        authors = "{" + ANONYMOUS + "}"
    if authors is not None:
        yield "author", authors
    title = record.title
    if title is None and dialect is Dialect.BIBLATEX:
        title = UNTITLED
    if title is not None:
        yield "title", title_to_latex(title, ascii_only=ascii_only)
    yield from _container_fields(record, kind, dialect)
    yield from _dated_fields(record, dialect)
    yield from _numbering_fields(record, kind)
    yield from _publisher_fields(record, kind, dialect)
    yield from _identifier_fields(record, kind, dialect)
    yield from _text_fields(item, dialect)


def written_fields(item: ExportItem, dialect: Dialect) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and the fields of an entry as they are written, each value on one line
    (a line break is a space to BibTeX, and biber warns of a "runaway string" in a value one
    of whose lines starts like a field or an entry); control characters in the record dropped.
    """
    item = printable_item(item)
    kind = entry_type(item.record, dialect)
    fields = list(entry_fields(item, kind, dialect))
    if any("\n" in value for _, value in fields):  # a title or name over lines, now and then
        fields = [(name, single_line(value)) for name, value in fields]
    return kind, fields


def format_entry(item: ExportItem, dialect: Dialect) -> str:
    """One entry as text, ending with a newline."""
    kind, fields = written_fields(item, dialect)
    lines = [f"@{kind}{{{item.key},"]
    for name, value in fields:
        # Month macros are BibTeX's own names, written without braces.
        body = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name} = {body},")
    lines.append("}\n")
    return "\n".join(lines)


def write_bibtex(items: Iterable[ExportItem], dialect: Dialect = Dialect.BIBTEX) -> str:
    """A whole ``.bib`` file for the items, in the order given, entries separated by a blank line.

    >>> from bimscli.model import Author, PartialDate
    >>> print(write_bibtex([ExportItem("smithBone2020", Record(
    ...     title="Bone & SBRT", authors=(Author(family="Smith", given="Ann"),),
    ...     journal="Spine", date=PartialDate(2020, 6), pages="1-9"))]), end="")
    @article{smithBone2020,
      author = {Smith, Ann},
      title = {Bone \\& {SBRT}},
      journal = {Spine},
      year = {2020},
      month = jun,
      pages = {1--9},
    }
    """
    return "\n".join(format_entry(item, dialect) for item in items)
