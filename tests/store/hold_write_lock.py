"""Hold a library's write lock for a test, as a long ingest would: a separate process.

``python hold_write_lock.py LIBRARY ACTIVITY`` opens the library as a bims doing ACTIVITY,
begins a write transaction, adds one work titled "Uncommitted title", prints ``ready`` and
waits: a line (or the end) of its standard input makes it commit. Killed, it commits nothing.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from bimscli.model import Identifiers, ParsedRecord, Position, Record
from bimscli.store import Library

UNCOMMITTED_TITLE = "Uncommitted title"


def add_work(library: Library, title: str) -> int:
    """Store one input holding one record as a new work (inside a transaction); its id."""
    digest = hashlib.sha256(title.encode()).hexdigest()
    input_id = library.add_input(
        name=f"{digest[:8]}.txt",
        path=None,
        sha256=digest,
        size=len(title),
        format_name="testlines",
        parser_version="t1",
    )
    record = Record(title=title, ids=Identifiers(doi=f"10.1000/{digest[:12]}"))
    (record_id,) = library.add_source_records(
        input_id, [ParsedRecord(record, Position(1, 1), f"k|{title}|", "k")]
    )
    return library.create_work([record_id], "new")


def main() -> None:
    """Hold the lock until told to commit."""
    path, activity = Path(sys.argv[1]), sys.argv[2]
    with Library.open(path, activity=activity) as library, library.transaction():
        add_work(library, UNCOMMITTED_TITLE)
        print("ready", flush=True)
        sys.stdin.readline()


if __name__ == "__main__":
    main()
