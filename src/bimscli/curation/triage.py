"""The triage loop's library side: which works wait, what a card shows, what each key does.

``bims triage`` shows the works whose status is ``new``, newest first, one card at a time,
and reads one key per card. Every key is applied here in its own transaction
(:mod:`bimscli.curation.decisions`), so stopping the loop at any point (``q``, Ctrl-C, a
closed terminal) loses nothing. Undo goes back through the decisions of this session, most
recent first, and shows the work again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bimscli.curation.decisions import set_status, undo_status
from bimscli.model import CurationStatus, Record
from bimscli.query.explain import Span
from bimscli.query.fields import Source
from bimscli.store import Library
from bimscli.store.curation import StatusChange, new_works_newest_first, status_of
from bimscli.tagging import Tagger
from bimscli.tagging.library_tags import (
    MANUAL,
    add_manual_tags,
    rules_for_library,
    work_tag_origins,
)


class TriageKey(StrEnum):
    """The one-key actions of the loop."""

    SELECT = "s"
    REJECT = "r"
    MAYBE = "m"
    TAG = "t"
    UNDO = "u"
    SKIP = "n"
    QUIT = "q"


KEY_HELP = "s select · r reject · m maybe · t tag · u undo · n skip · q quit"
"""The key line the loop shows."""

_DECISION_OF = {
    TriageKey.SELECT: CurationStatus.SELECTED,
    TriageKey.REJECT: CurationStatus.REJECTED,
    TriageKey.MAYBE: CurationStatus.MAYBE,
}


def read_key(text: str) -> TriageKey | None:
    """The action a typed key (or line) names; ``None`` for anything else.

    An empty line or a space skips, as a reader pressing Enter expects.

    >>> read_key("S"), read_key(""), read_key("x") is None
    (<TriageKey.SELECT: 's'>, <TriageKey.SKIP: 'n'>, True)
    """
    key = text.strip().lower()[:1] or TriageKey.SKIP.value
    try:
        return TriageKey(key)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class MarkedText:
    """A text with the stretches (start, end) that fired tag rules."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()
    label: str | None = None


@dataclass(frozen=True, slots=True)
class TriageCard:
    """What the loop shows of one work."""

    work_id: int
    title: MarkedText | None
    journal: str
    date: str
    authors: tuple[str, ...]
    abstract: tuple[MarkedText, ...]
    tags: tuple[str, ...]
    status: str | None


def _marks_in(spans: Sequence[Span], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The spans inside ``[start, end)`` of the joined text, relative to ``start``.

    >>> s = Span(Source.ABSTRACT, "ab\\ncd", 3, 5, "cd")
    >>> _marks_in([s], 3, 5), _marks_in([s], 0, 2)
    (((0, 2),), ())
    """
    found = {(s.start - start, s.end - start) for s in spans if start <= s.start < end}
    return tuple(sorted(found))


def _abstract(record: Record, spans: Sequence[Span]) -> tuple[MarkedText, ...]:
    """The abstract's sections with their marks (a rule sees the sections joined by ``\\n``)."""
    sections = []
    offset = 0
    for section in record.abstract:
        end = offset + len(section.text)
        sections.append(MarkedText(section.text, _marks_in(spans, offset, end), section.label))
        offset = end + 1
    return tuple(sections)


def _date(record: Record) -> str:
    date = record.date or record.epub_date
    return date.iso if date is not None else (str(record.year) if record.year else "")


class TriageSession:
    """One run of the loop: the queue, the rules to highlight with, and the decisions made."""

    def __init__(self, library: Library, *, watch: str | None = None, by: str) -> None:
        self.library = library
        self.by = by
        origin = None if watch is None else f"watch:{watch}"
        self.queue: list[int] = new_works_newest_first(library, origin)
        self.total = len(self.queue)
        self.position = 0
        self.decided: list[int] = []  # work ids, in the order decided (for undo)
        self.counts: dict[str, int] = {"selected": 0, "rejected": 0, "maybe": 0, "skipped": 0}
        self._tagger = Tagger(rules_for_library(library, None).rules)

    @property
    def current(self) -> int | None:
        """The work shown now, or ``None`` when the queue is done."""
        return self.queue[self.position] if self.position < len(self.queue) else None

    def progress(self) -> str:
        """The progress line: where the loop is and what was decided."""
        done = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"[{min(self.position + 1, self.total)}/{self.total}] {done}"

    def card(self, work_id: int) -> TriageCard:
        """The card of one work, with the words that fired tag rules marked."""
        record = self.library.work(work_id).record
        # Only this work's tags: a card must not cost a pass over the library's tags.
        origins = work_tag_origins(self.library, work_id)
        manual = {tag for tag, kinds in origins.items() if MANUAL in kinds}
        status = status_of(self.library, work_id)
        spans = [
            s
            for e in self._tagger.explain(record, manual, status)
            for s in e.spans
            if s.source in (Source.TITLE, Source.ABSTRACT)
        ]
        title_spans = [s for s in spans if s.source is Source.TITLE]
        return TriageCard(
            work_id=work_id,
            title=MarkedText(record.title, _marks_in(title_spans, 0, len(record.title)))
            if record.title
            else None,
            journal=record.journal_abbrev or record.journal or "",
            date=_date(record),
            authors=tuple(a.display_name for a in record.authors),
            abstract=_abstract(record, [s for s in spans if s.source is Source.ABSTRACT]),
            tags=tuple(sorted(origins)),
            status=status,
        )

    def apply(self, key: TriageKey, tag: str | None = None) -> StatusChange | list[str] | None:
        """Apply one key to the current work (saved at once); returns what changed."""
        work_id = self.current
        if key is TriageKey.UNDO:
            return self._undo()
        if work_id is None or key is TriageKey.QUIT:
            return None
        if key is TriageKey.TAG:
            return add_manual_tags(self.library, work_id, [tag] if tag else [])
        if key is TriageKey.SKIP:
            self.counts["skipped"] += 1
            self.position += 1
            return None
        status = _DECISION_OF[key]
        (change,) = set_status(self.library, [work_id], status.value, by=self.by)
        self.counts[status.value] += 1
        self.decided.append(work_id)
        self.position += 1
        return change

    def _undo(self) -> StatusChange | None:
        """Undo this session's latest decision and show that work again."""
        if not self.decided:
            return None
        work_id = self.decided.pop()
        change = undo_status(self.library, work_id, by=self.by)
        if change.before in self.counts:
            self.counts[change.before] -= 1
        # Show it again now: step back when it was the work just left, else put it next.
        if self.position > 0 and self.queue[self.position - 1] == work_id:
            self.position -= 1
        else:
            self.queue.insert(self.position, work_id)
            self.total += 1
        return change
