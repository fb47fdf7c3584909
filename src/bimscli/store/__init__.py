"""The library store: the one place bims reads and writes its SQLite database."""

from __future__ import annotations

from bimscli.store.library import Library
from bimscli.store.location import default_library_path, resolve_library_path
from bimscli.store.rows import FailureRow, InputRow, SourceRecordRow, WorkRow

__all__ = [
    "FailureRow",
    "InputRow",
    "Library",
    "SourceRecordRow",
    "WorkRow",
    "default_library_path",
    "resolve_library_path",
]
