"""Checks of a formatted HTML bibliography page: its frame, and the markup its data makes."""

from __future__ import annotations

import copy
import re

from lxml import etree
from lxml import html as lxml_html

_MAIN = re.compile(r"<main>\n(.*)\n</main>", re.DOTALL)
_WEB = ("https://", "http://")


def checked_page(page: str) -> lxml_html.HtmlElement:
    """The page parsed as HTML5, after checking its frame: doctype, language, charset, one
    title and one ``<h1>``, no script, no external resource but the entries' web links, and a
    table of contents whose every link has a target. Its ``<main>`` must be well-formed XML."""
    assert page.startswith('<!doctype html>\n<html lang="en">\n'), page[:80]
    root = lxml_html.document_fromstring(page)
    assert root.find("head/meta[@charset='utf-8']") is not None
    assert len(root.findall("head/title")) == 1
    assert len(root.findall(".//h1")) == 1
    assert root.find(".//script") is None
    for element in root.iter():
        assert element.get("src") is None, etree.tostring(element)
    (style,) = root.findall(".//style")
    assert "url(" not in str(style.text)
    assert "@import" not in str(style.text)
    main = _MAIN.search(page)
    assert main is not None
    etree.fromstring(f"<main>{main.group(1)}</main>")  # well-formed, not only parseable
    ids = {str(e.get("id")) for e in root.iter() if e.get("id") is not None}
    for link in root.iter("a"):
        href = str(link.get("href"))
        assert href.startswith(_WEB) or href[1:] in ids, href
        parent = link.getparent()
        assert not href.startswith("#") or (parent is not None and parent.tag == "li"), href
    contents = [str(a.get("href")) for a in root.findall(".//nav//a")]
    sections = root.findall(".//section")
    assert contents == [f"#{s.get('id')}" for s in sections]
    for heading in root.findall(".//h2"):
        assert len(heading) == 0, etree.tostring(heading)  # a heading is text only
    return root


def data_markup(page: str) -> etree._Element:
    """A ``<body>`` holding copies of the page's entries: the markup the data and the style
    made, without the page's own."""
    root = checked_page(page)
    body = etree.Element("body")
    for entry in root.find_class("csl-entry"):
        body.append(etree.fromstring(etree.tostring(copy.deepcopy(entry))))
    return body
