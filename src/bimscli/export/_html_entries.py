"""A bibliography entry that pandoc wrote as HTML, as plain text or Markdown.

pandoc marks up emphasis, links and small capitals in HTML; bims turns that into its own text
and Markdown, escaping the text exactly as the citeproc-py path does, so that what a reader
sees does not depend on the engine.
"""

from __future__ import annotations

from urllib.parse import quote

from lxml import html as lxml_html

from bimscli.export._markdown_formatter import preformat

_MARKS = {"i": "*", "em": "*", "b": "**", "strong": "**", "sup": "^", "sub": "~"}
_SAFE_SCHEMES = ("http://", "https://")
_SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SCRIPTS = {"sup": _SUPERSCRIPTS, "sub": _SUBSCRIPTS}


def _as_unicode_script(tag: str, text: str) -> str | None:
    """``2+`` in ``<sup>`` as ``²⁺``, when every character has a Unicode form (sources write
    "Ca²⁺", and pandoc turns that into markup)."""
    table = _SCRIPTS.get(tag)
    if table is None or not text:
        return None
    scripted = text.translate(table)
    return scripted if all(a != b for a, b in zip(text, scripted, strict=True)) else None


def entry_as_text(fragment: str) -> str:
    """The text of an HTML entry, entities decoded.

    >>> entry_as_text("Ca<sup>2+</sup> in <em>J Bone</em>. 2020;3:1&ndash;5 &amp; more.")
    'Ca²⁺ in J Bone. 2020;3:1–5 & more.'
    """
    return _text(_parse(fragment))


def _text(element: lxml_html.HtmlElement) -> str:
    parts = [element.text or ""]
    for child in element:
        inner = _text(child)
        tag = child.tag if isinstance(child.tag, str) else ""
        parts.append(_as_unicode_script(tag, inner) or inner)
        parts.append(child.tail or "")
    return "".join(parts)


def entry_as_markdown(fragment: str) -> str:
    """An HTML entry as Markdown: emphasis kept, text escaped, only http(s) links kept.

    >>> entry_as_markdown('A_b. <em>J*</em>. <a href="https://doi.org/10.1/x(y)">doi</a>')
    'A\\\\_b. *J\\\\**. [doi](<https://doi.org/10.1/x(y)>)'
    >>> entry_as_markdown('<a href="https://doi.org/10.1/a_b">https://doi.org/10.1/a_b</a>')
    '<https://doi.org/10.1/a_b>'
    >>> entry_as_markdown('<a href="javascript:alert(1)">click</a> Ca<sup>2+</sup>')
    'click Ca²⁺'
    """
    return _markdown(_parse(fragment)).strip()


def _parse(fragment: str) -> lxml_html.HtmlElement:
    # pandoc's own output, wrapped so that text before the first tag is kept.
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def _markdown(element: lxml_html.HtmlElement) -> str:
    parts = [preformat(element.text or "")]
    for child in element:
        parts.append(_markdown_of_child(child))
        parts.append(preformat(child.tail or ""))
    return "".join(parts)


def _markdown_of_child(child: lxml_html.HtmlElement) -> str:
    inner = _markdown(child)
    tag = child.tag if isinstance(child.tag, str) else ""
    if tag == "a":
        href = str(child.get("href", ""))
        if not href.startswith(_SAFE_SCHEMES):
            return inner
        target = quote(href, safe=":/?#[]@!$&()*+,;=%~._-")
        return f"<{target}>" if _text(child) == href else f"[{inner}](<{target}>)"
    scripted = _as_unicode_script(tag, _text(child))
    if scripted is not None:
        return preformat(scripted)
    mark = _MARKS.get(tag, "")
    return f"{mark}{inner}{mark}" if inner.strip() and mark else inner
