"""Exports of works to the formats other tools read: BibTeX, BibLaTeX, CSL-JSON, RIS, and
formatted bibliographies.

Every writer takes an iterable of :class:`ExportItem` values (a stored citation key, the work's
record and its tags) and returns text. Writers are pure: no library access, no files; choosing
what to export and assigning keys (see :mod:`bimscli.export.citekeys`) happen before.
:mod:`bimscli.export.stored_keys` gives each work its citation key on its first export and keeps
it in the library, and :mod:`bimscli.export.library_export` chooses the works to export; these
two read the store, so export sits above the store and tagging.
"""

from __future__ import annotations

from dataclasses import dataclass

from bimscli.control_characters import drop_control_characters, without_control_characters
from bimscli.model import Record


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One work to export: its citation key, its record and the curator's tags on it.

    ``aliases`` are the keys of works merged into this one, which documents may still cite.
    """

    key: str
    record: Record
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


def printable_item(item: ExportItem) -> ExportItem:
    """The item with control characters dropped from its record and tags (keys are made by
    bims, of letters and digits only)."""
    tags = tuple(drop_control_characters(t) for t in item.tags)
    return ExportItem(item.key, without_control_characters(item.record), tags, item.aliases)


__all__ = ["ExportItem", "printable_item"]
