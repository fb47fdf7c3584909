"""A formatted HTML bibliography as one self-contained page: a person opens it in a browser,
mails it or prints it.

The page has a title, the date it was made and the number of works, readable typography that
also prints, and, for a digest, one section per tag with its count and a table of contents.
No external resource and no script: the only links are the entries' own (DOIs, web addresses)
and the table of contents' anchors. Headings are escaped here; entries arrive as HTML that
:mod:`bimscli.export.formatted` escaped already.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

_STYLE = """\
body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a;
  font: 1.05rem/1.6 Georgia, "Times New Roman", serif; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
.made { color: #555; margin-top: 0; }
nav ul { padding-left: 1.2rem; }
.csl-entry { padding-left: 2em; text-indent: -2em; margin: 0 0 0.7em; }
a { color: #1a4d8f; overflow-wrap: anywhere; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; color: #000; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  .csl-entry { break-inside: avoid; }
}
"""


@dataclass(frozen=True, slots=True)
class Section:
    """A digest's section: its heading (a tag) and its entries as HTML fragments."""

    heading: str
    entries: Sequence[str]


_UNSAFE_ID = re.compile(r"[^a-z0-9]+")


def section_id(heading: str, index: int) -> str:
    """An HTML id for a section, safe whatever the tag: ASCII letters, digits and hyphens,
    made unique by the section's number.

    >>> section_id("treatment/SBRT", 1), section_id('"><script>', 2), section_id("疼痛", 3)
    ('tag-1-treatment-sbrt', 'tag-2-script', 'tag-3')
    """
    slug = _UNSAFE_ID.sub("-", heading.casefold()).strip("-")[:40].strip("-")
    return f"tag-{index}-{slug}" if slug else f"tag-{index}"


def _works(count: int) -> str:
    return f"{count} work" if count == 1 else f"{count} works"


def _text(value: str) -> str:
    return html.escape(" ".join(value.split()))


def _entries(entries: Sequence[str]) -> str:
    return "\n".join(f'<div class="csl-entry">{e}</div>' for e in entries)


def _contents(sections: Sequence[Section]) -> str:
    links = "\n".join(
        f'<li><a href="#{section_id(s.heading, n)}">{_text(s.heading)}</a> ({len(s.entries)})</li>'
        for n, s in enumerate(sections, start=1)
    )
    return f'<nav aria-label="Contents">\n<h2>Contents</h2>\n<ul>\n{links}\n</ul>\n</nav>'


def _section(section: Section, index: int) -> str:
    heading = f"{_text(section.heading)} ({len(section.entries)})"
    return (
        f'<section id="{section_id(section.heading, index)}">\n<h2>{heading}</h2>\n'
        f"{_entries(section.entries)}\n</section>"
    )


def html_page(title: str, made: date, works: int, body: str) -> str:
    """The page around a body of HTML: doctype, language, charset, title, style, and an
    ``<h1>`` with the date it was made and the number of works.

    >>> page = html_page("Bibliography", date(2026, 1, 2), 1, "<p>x</p>")
    >>> page.startswith("<!doctype html>"), "<h1>Bibliography</h1>" in page
    (True, True)
    """
    heading = _text(title)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{heading} – {made.isoformat()}</title>\n<style>\n{_STYLE}</style>\n"
        f"</head>\n<body>\n<h1>{heading}</h1>\n"
        f'<p class="made">Made {made.isoformat()} · {_works(works)}</p>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def bibliography_page(entries: Sequence[str], made: date) -> str:
    """A reading list: every entry under one title."""
    return html_page("Bibliography", made, len(entries), _entries(entries))


def digest_page(sections: Sequence[Section], works: int, made: date) -> str:
    """A digest: a table of contents, then one section per tag with its count."""
    parts = [_contents(sections)]
    parts += [_section(s, n) for n, s in enumerate(sections, start=1)]
    return html_page("Digest", made, works, "\n".join(parts))
