"""What one entry of a streamed format may hold.

Read when needed (``limits.MAX_ENTRY_CHARS``), so that tests can lower it. The limits on
lines, documents and compressed inputs are the ingest's: :mod:`bimscli.ingest.limits`.
"""

from __future__ import annotations

MAX_ENTRY_CHARS = 64 * 1024 * 1024
"""Characters one entry of a streamed format (a RIS or MEDLINE record) may hold (64 Mi).
The largest real records (a MEDLINE record of a consortium paper with thousands of authors
and affiliations) are a few MB. A parser stops keeping the lines of a longer entry and reports
it as a failure holding its first lines, so one runaway record (a missing ``ER`` followed by
gigabytes of continuation lines) costs bounded memory and the records after it still land."""
