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
    """
    if not _MACRO_CHARS.search(text):
        # No macro and no math: most values. Braces, ties and dashes are plain string work,
        # and pylatexenc would cost a millisecond a value.
        plain = text.replace("{", "").replace("}", "").replace("~", " ")
        return " ".join(plain.replace("---", "—").replace("--", "–").split())
    prepared = _SCRIPT.sub(_unicode_script, _BARE_PERCENT.sub(r"\\%", text))
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
