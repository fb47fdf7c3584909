"""The library store: the one place bims reads and writes its SQLite database."""

from __future__ import annotations

from bimscli.store.library import FailureRow, InputRow, Library, SourceRecordRow, WorkRow
from bimscli.store.location import default_library_path, resolve_library_path

__all__ = [
    "FailureRow",
    "InputRow",
    "Library",
    "SourceRecordRow",
    "WorkRow",
    "default_library_path",
    "resolve_library_path",
]
