"""What one input may hold, so that a hostile or broken file costs bounded time and memory.

Each limit is read when it is needed (``limits.MAX_LINE_CHARS``, not a copy taken at import),
so tests lower them to show their effect with inputs of a few megabytes. The limit on one
entry belongs to the parsers: :data:`bimscli.formats.limits.MAX_ENTRY_CHARS`.
"""

from __future__ import annotations

MAX_LINE_CHARS = 16 * 1024 * 1024
"""Characters one line of text may hold (16 Mi). A line of a reference file is a field or a
CSV row: the longest real ones (an abstract, an author list of a few thousand consortium
members) are well under 1 MB, so 16 times that leaves room for any real file while one line
still fits in memory many times over. A longer line is not kept: the entry holding it becomes
a failure that says so, and reading goes on at the next line."""

MAX_DOCUMENT_CHARS = 256 * 1024 * 1024
"""Characters a format read as one document (BibTeX, BiomedNews, JSON, web pages) may hold
(256 Mi). Those parsers need the whole text at once; the largest real ones (a reference
manager's BibTeX export of 100,000 entries) are about 100 MB. A larger document is refused
with a message saying to split it; streamed formats (RIS, MEDLINE, CSV, PubMed XML) have no
such limit."""

EXPANSION_FLOOR_BYTES = 256 * 1024 * 1024
"""A ``.gz`` input is never stopped for its expansion before it has given this many bytes
(256 MiB)."""

MAX_EXPANSION_RATIO = 100
"""How many times its compressed size a ``.gz`` input may expand to once past
:data:`EXPANSION_FLOOR_BYTES`. Bibliographic text compresses 4 to 15 times (a PubMed baseline
file about 8 times); deflate cannot do better than about 1,030 times, which is what a
decompression bomb (a few MB of one repeated byte) uses. 100 times stops a bomb after at most
256 MiB of output, well before it costs minutes or gigabytes, and no real export comes near it.
"""
