"""LaTeX in BibTeX field values, decoded to plain Unicode text.

pylatexenc does the decoding (it knows hundreds of accent and symbol macros, and math such as
``$\\beta$``); this module fixes what it gets wrong for bibliographic data: a bare ``%`` is a
per cent sign in an abstract, not a comment; ``~`` is a tie for the typesetter, so it becomes
an ordinary space (curators search and compare plain text); super- and subscripts become
Unicode ones where every character has one.
"""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

_CONVERTER = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
_MACRO_CHARS = re.compile(r"[\\$]")
_ESCAPED = re.compile(r"\\([_%&#$])")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_SCRIPT = re.compile(r"\\text(super|sub)script\s*\{([^{}]*)\}")
# LaTeX's idiom for the degree sign ("37$^\circ$C"), which pylatexenc reads as "^∘".
_DEGREE = re.compile(r"\$\^\s*(?:\{\s*\\circ\s*\}|\\circ)\s*\$")
_SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def _unicode_script(match: re.Match[str]) -> str:
    kind, text = match.group(1), match.group(2)
    table = _SUPERSCRIPTS if kind == "super" else _SUBSCRIPTS
    converted = text.translate(table)
    # Only when every character has a Unicode form; "\textsuperscript{th}" stays "th".
    return converted if all(ord(c) in table for c in text) else text


def latex_to_unicode(text: str) -> str:
    """Plain text from a BibTeX value with LaTeX markup; braces and extra spaces removed.

    >>> latex_to_unicode(r"Caf{\\'e} M\\"{o}ller {\\ss}e \\v{c}ech")
    'Café Möller ße čech'
    >>> latex_to_unicode(r"{BRCA1} mutations in 50% of cases, A \\& B, Dr.~Who")
    'BRCA1 mutations in 50% of cases, A & B, Dr. Who'
    >>> latex_to_unicode(r"$\\beta$-catenin, m\\textsuperscript{2}, 1990--2000")
    'β-catenin, m², 1990–2000'
    >>> latex_to_unicode(r"37 {$^{\\circ}$}C, 4$^\\circ$C")
    '37 °C, 4°C'
    """
    if not _MACRO_CHARS.search(text):
        # No macro and no math: most values. Braces, ties and dashes are plain string work,
        # and pylatexenc would cost a millisecond a value.
        plain = text.replace("{", "").replace("}", "").replace("~", " ")
        return " ".join(plain.replace("---", "—").replace("--", "–").split())
    prepared = _SCRIPT.sub(_unicode_script, _BARE_PERCENT.sub(r"\\%", text))
    prepared = _DEGREE.sub("°", prepared)
    try:
        decoded = _CONVERTER.latex_to_text(prepared)
    except Exception:  # pylatexenc is tolerant, but a slip of it must not lose the value
        decoded = prepared.replace("{", "").replace("}", "")
    return " ".join(decoded.replace("\xa0", " ").split())


def strip_braces(text: str) -> str:
    """A verbatim value (URL, DOI, file) without BibTeX's protecting braces and line breaks.

    Escaped characters that some exporters write even there (``\\_``, ``\\%``) are unescaped.

    >>> strip_braces("{https://doi.org/10.1000/a_b}"), strip_braces("Full Text PDF:a.pdf")
    ('https://doi.org/10.1000/a_b', 'Full Text PDF:a.pdf')
    >>> strip_braces(r"https://x.org/a\\_b?c=1\\&d=50\\%")
    'https://x.org/a_b?c=1&d=50%'
    """
    plain = _ESCAPED.sub(r"\1", text.replace("{", "").replace("}", ""))
    return re.sub(r"\s*\n\s*", "", plain).strip()


_MARKUP_MACROS = {
    "emph": "i",
    "textit": "i",
    "textbf": "b",
    "textsuperscript": "sup",
    "textsubscript": "sub",
}
_MARKUP_MACRO = re.compile(r"\\(" + "|".join(_MARKUP_MACROS) + r")\s*\{")


def _group_end(text: str, start: int) -> int | None:
    """The index of the brace closing the group that opens just before ``start``."""
    depth = 1
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            continue
        if char == "{" and text[index - 1] != "\\":
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return None


def latex_title_to_text(text: str) -> str:
    """A BibTeX title as the record keeps it: Unicode, with markup as ``<i>``/``<sup>`` tags.

    Super- and subscripts that Unicode has become Unicode (as in every other field); the rest
    of the markup stays as tags, as PubMed titles keep it.

    >>> latex_title_to_text(r"\\emph{{BRCA1}} {H\\textsubscript{2}O} 5\\textsuperscript{th}")
    '<i>BRCA1</i> H₂O 5<sup>th</sup>'
    """
    return latex_to_unicode(latex_markup_to_tags(_SCRIPT.sub(_unicode_script_or_macro, text)))


def _unicode_script_or_macro(match: re.Match[str]) -> str:
    """Like :func:`_unicode_script`, but keeps the macro (for a tag) where Unicode has none."""
    converted = _unicode_script(match)
    return match.group(0) if converted == match.group(2) else converted


def latex_markup_to_tags(text: str) -> str:
    """Title markup as the record model keeps it: ``\\emph{x}`` to ``<i>x</i>`` and so on.

    PubMed titles keep ``<i>``, ``<b>``, ``<sup>`` and ``<sub>`` as text and the exporters
    turn them back into LaTeX, so a title survives export, ingest and export again.

    >>> latex_markup_to_tags(r"\\emph{In vivo} H\\textsubscript{2}O and \\textbf{{T2}}")
    '<i>In vivo</i> H<sub>2</sub>O and <b>{T2}</b>'
    """
    out: list[str] = []
    position = 0
    while match := _MARKUP_MACRO.search(text, position):
        end = _group_end(text, match.end())
        if end is None:
            break
        tag = _MARKUP_MACROS[match.group(1)]
        inner = latex_markup_to_tags(text[match.end() : end])
        out.append(f"{text[position : match.start()]}<{tag}>{inner}</{tag}>")
        position = end + 1
    out.append(text[position:])
    return "".join(out)
