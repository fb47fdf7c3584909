"""Works whose values attack the exports: field injection, unbalanced braces, name separators,
control characters, Markdown and HTML. Used by the writer, property and real-client tests.

:data:`HOSTILE_VALUES` names each trap; :func:`hostile_item` puts one value in every text field
of a work at once, and :func:`generated_hostile_items` mixes them at random (seeded), as big a
library as a test asks for.
"""

from __future__ import annotations

import dataclasses
import random

from bimscli.export import ExportItem
from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    PartialDate,
    Record,
    WorkType,
)

INJECTION = "Harmless title }, note = {INJECTED-NOTE}, pages = zz"
"""The title of issue 19: with ``\\}`` as its only defence, BibTeX and biber read a note."""

HOSTILE_VALUES: dict[str, str] = {
    "field-injection": INJECTION,
    "entry-injection": "x}}\n@article{evil,\n  title = {INJECTED-ENTRY},\n}\n@comment{",
    "unpaired-close": "a } b",
    "unpaired-open": "a { b",
    "close-before-open": "}{",
    "braces-three-deep": "{{{x}}} and {{{",
    "escaped-looking-braces": "\\} and \\{",
    "trailing-backslash": "ends with a backslash \\",
    "latex-commands": "\\end{document} \\input{/etc/passwd} $x^2$ \\\\",
    "specials": "100% \"quoted\" #1 'single' ~ ^ _ & @ $",
    "and-in-name": "John and Jane",
    "and-in-capitals": "Smith AND Jones",
    "comma-in-name": "A, Jr, III",
    "others": "others",
    "biber-name-parts": "given=Mallory, family = Evil",
    "control-characters": "bell\x07 null\x00 escape\x1b[31mred\x1b]0;title\x07 csi\x9b2J del\x7f",
    "line-breaks": "line one\nline two\r\nline three\rfour\x0bfive\x0c\x1c\x85\u2028six",
    "tab": "a\tb",
    "script-tag": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "javascript-link": "[click me](javascript:alert(1)) <javascript:alert(3)>",
    "html-entities": "&lt;script&gt; &#60;b&#62; &amp;",
    "markdown": "# Heading\n- item\n1986. list *em* _em_ `code` ~~del~~ ^sup^ [@cite] <!-- c -->",
    "unicode": "Ωmega ｛fullwidth｝ ⎧ \u202eevil\u202c",
}
"""Each trap by name."""

_TEXT_FIELDS = (
    "title",
    "journal",
    "journal_abbrev",
    "publisher",
    "volume",
    "issue",
    "pages",
    "article_number",
    "language",
    "note",
)


def hostile_record(value: str, *, work_type: WorkType = WorkType.JOURNAL_ARTICLE) -> Record:
    """A work with the value in every text field, every name part and the identifiers."""
    texts = dict.fromkeys(_TEXT_FIELDS, value)
    return Record(
        type=work_type,
        authors=(
            Author(family=value, given=value, suffix=value),
            Author(family="Plain", given=value),
            Author(group=value),
        ),
        date=PartialDate(2020, 5, 17),
        issn=(value,),
        ids=Identifiers(doi="10.1000/" + value, pmid=value, pmcid=value, url=value),
        abstract=(AbstractSection(value, value),),
        **texts,  # type: ignore[arg-type]
    )


def hostile_item(name: str, *, work_type: WorkType = WorkType.JOURNAL_ARTICLE) -> ExportItem:
    """The work of one trap, keyed by its name (a valid citation key)."""
    key = "".join(part.capitalize() for part in name.split("-"))
    return ExportItem("hostile" + key, hostile_record(HOSTILE_VALUES[name], work_type=work_type))


HOSTILE_LIBRARY: tuple[ExportItem, ...] = tuple(hostile_item(name) for name in HOSTILE_VALUES)
"""One journal article per trap."""


def generated_hostile_items(count: int, seed: int = 19) -> tuple[ExportItem, ...]:
    """``count`` works of every type, each field a random mix of traps and plain words."""
    rng = random.Random(seed)  # seeded: the same library in every run
    pieces = [*HOSTILE_VALUES.values(), "plain", "Bone", "SBRT", "and", ",", "{", "}", "\\"]

    def mixed() -> str:
        return " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))

    items = []
    for number in range(count):
        authors = tuple(
            Author(family=mixed(), given=mixed(), suffix=rng.choice([None, mixed()]))
            for _ in range(rng.randint(1, 4))
        )
        record = dataclasses.replace(
            hostile_record(mixed(), work_type=rng.choice(list(WorkType))),
            authors=authors,
            title=mixed(),
            journal=mixed(),
        )
        items.append(ExportItem(f"generated{number}", record))
    return tuple(items)
