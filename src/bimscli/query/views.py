"""The values a record offers each :class:`~bimscli.query.fields.Source`.

Both the fast matcher and the explanation read records only through these functions, so what
is matched and what is shown as matched can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from bimscli.model import Author, PartialDate, Record
from bimscli.query.fields import Source
from bimscli.query.text import normalized_words

# ISO 639-2 (bibliographic and terminology) and 639-1 codes of the languages PubMed indexes
# most, with their English names, so that [la] finds "eng", "en" and "english" alike.
_LANGUAGE_NAMES = {
    "eng": "english", "en": "english",
    "fre": "french", "fra": "french", "fr": "french",
    "ger": "german", "deu": "german", "de": "german",
    "spa": "spanish", "es": "spanish",
    "ita": "italian", "it": "italian",
    "chi": "chinese", "zho": "chinese", "zh": "chinese",
    "jpn": "japanese", "ja": "japanese",
    "por": "portuguese", "pt": "portuguese",
    "rus": "russian", "ru": "russian",
    "dut": "dutch", "nld": "dutch", "nl": "dutch",
    "pol": "polish", "pl": "polish",
    "kor": "korean", "ko": "korean",
}  # fmt: skip


def _mesh_words(record: Record) -> tuple[str, ...]:
    return tuple("/".join((h.descriptor, *(q.name for q in h.qualifiers))) for h in record.mesh)


def _mesh_values(record: Record, major_only: bool) -> tuple[str, ...]:
    values: list[str] = []
    for heading in record.mesh:
        if major_only and not heading.is_major:
            continue
        values.append(heading.descriptor)
        values.extend(f"{heading.descriptor}/{q.name}" for q in heading.qualifiers)
    return tuple(values)


def _present(*values: str | None) -> tuple[str, ...]:
    return tuple(v for v in values if v)


_TEXTS: dict[Source, Callable[[Record], tuple[str, ...]]] = {
    Source.TITLE: lambda r: _present(r.title),
    Source.ABSTRACT: lambda r: _present("\n".join(s.text for s in r.abstract)),
    Source.KEYWORDS: lambda r: r.keywords,
    Source.MESH: _mesh_words,
    Source.PUBLICATION_TYPE: lambda r: r.publication_types,
    Source.JOURNAL: lambda r: _present(r.journal, r.journal_abbrev),
}

_VALUES: dict[Source, Callable[[Record], tuple[str, ...]]] = {
    Source.MESH: lambda r: _mesh_values(r, major_only=False),
    Source.MAJOR_MESH: lambda r: _mesh_values(r, major_only=True),
    Source.PUBLICATION_TYPE: lambda r: r.publication_types,
    Source.JOURNAL: lambda r: _present(r.journal, r.journal_abbrev, *r.issn),
    Source.LANGUAGE: lambda r: _present(r.language),
    Source.DOI: lambda r: _present(r.ids.doi),
    Source.PMID: lambda r: _present(r.ids.pmid),
    Source.AUTHOR: lambda r: tuple(a.display_name for a in r.authors),
    Source.DATE: lambda r: tuple(d.iso for d in (r.date, r.epub_date) if d is not None),
}


def text_values(record: Record, source: Source) -> tuple[str, ...]:
    """The texts of a word-matched source, each searched on its own (no phrase spans two).

    >>> text_values(Record(title="Pain", keywords=("SBRT", "pain")), Source.KEYWORDS)
    ('SBRT', 'pain')
    """
    return _TEXTS[source](record)


def whole_values(record: Record, source: Source) -> tuple[str, ...]:
    """The values of a value-matched source as a person reads them.

    >>> from bimscli.model import MeshHeading, MeshQualifier
    >>> heading = MeshHeading("Spinal Neoplasms", qualifiers=(MeshQualifier("surgery"),))
    >>> whole_values(Record(mesh=(heading,)), Source.MESH)
    ('Spinal Neoplasms', 'Spinal Neoplasms/surgery')
    """
    return _VALUES[source](record)


def value_keys(record: Record, source: Source) -> list[str]:
    """The normalised keys a value-matched source is compared with.

    >>> value_keys(Record(language="eng"), Source.LANGUAGE)
    ['eng', 'english']
    """
    keys = [normalized_words(v) for v in whole_values(record, source)]
    if source is Source.LANGUAGE and keys:
        keys.extend(language_synonyms(keys[0]))
    return keys


def language_synonyms(language: str) -> list[str]:
    """Other names of a language: its English name for a code, its codes for a name.

    >>> language_synonyms("french")
    ['fre', 'fra', 'fr']
    """
    if language in _LANGUAGE_NAMES:
        return [_LANGUAGE_NAMES[language]]
    return [code for code, name in _LANGUAGE_NAMES.items() if name == language]


def author_keys(author: Author) -> tuple[str, ...]:
    """How ``[au]`` sees an author: ``family initials`` and ``family given``.

    >>> author_keys(Author(family="Benhabib", given="Hadas"))
    ('benhabib h', 'benhabib hadas')
    >>> author_keys(Author(family="Smith", given="JA"))
    ('smith ja',)
    """
    if author.group is not None:
        return (normalized_words(author.group),)
    family = normalized_words(author.family or "")
    given = author.given or ""
    if given.isupper() and " " not in given and len(given) <= 3:
        return (f"{family} {given.lower()}",)  # already initials, as MEDLINE writes them
    words = normalized_words(given).split()
    initials = "".join(w[0] for w in words)
    if not words:
        return (family,)
    return (f"{family} {initials}", f"{family} {' '.join(words)}")


def date_bounds(date: PartialDate) -> tuple[int, int]:
    """The first and last day a partial date may mean, as ``YYYYMMDD`` integers.

    >>> date_bounds(PartialDate(2025, 6))
    (20250601, 20250631)
    """
    month_lo, month_hi = (date.month, date.month) if date.month else (1, 12)
    day_lo, day_hi = (date.day, date.day) if date.day else (1, 31)
    return (
        date.year * 10000 + month_lo * 100 + day_lo,
        date.year * 10000 + month_hi * 100 + day_hi,
    )
