"""Normalisation of the fields deduplication compares: titles, names, journals, pages.

Each rule here is deliberate and tested: two records of one paper differ in markup, accents,
punctuation, a leading article, British or American spelling, a bracketed translation or a
trailing period, and a title key must not see those differences. Numbers are different: "Part
1" and "Part 2" are two papers, so numbers are pulled out as a *numeric signature* that must
agree.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from bimscli.dedup._spelling import americanize

_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,80}>")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?\s*")
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.]\s*\{?([a-zA-Z])\}?|\\[uvHcdbtk]\{([a-zA-Z])\}")
_MATH_DOLLARS = re.compile(r"\$([^$]*)\$")
_NON_WORD = re.compile(r"[^\w]+")
_ASCII_PUNCTUATION_TO_SPACE = {
    code: " " for code in range(128) if not chr(code).isalnum() and not chr(code).isspace()
}
_ARTICLES = frozenset(("the", "a", "an"))
_WHOLE_BRACKETS = re.compile(r"^\s*\[(.+)\]\s*\.?\s*$", re.DOTALL)
_TRAILING_BRACKETS = re.compile(r"\s*\[[^\[\]]*\]\s*\.?\s*$")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def fold_text(text: str) -> str:
    """Lower case, accents folded, HTML entities and tags and LaTeX markup removed.

    >>> fold_text("Na<sup>+</sup>/K<sup>+</sup>-ATPase in Sj\\\\\\"{o}gren &amp; Ménière")
    'na+/k+-atpase in sjogren & meniere'
    >>> fold_text("\\\\textit{In vivo} imaging with $\\\\alpha$-synuclein")
    'in vivo imaging with alpha-synuclein'
    """
    # Each step runs only when its markup can be there: most titles are plain ASCII, and a
    # million of them must fold in seconds.
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "\\" in text or "$" in text:
        text = _LATEX_ACCENT.sub(lambda m: m.group(1) or m.group(2), text)
        text = _MATH_DOLLARS.sub(r"\1", text)
        text = _LATEX_COMMAND.sub(lambda m: m.group(0)[1:] if _is_greek(m.group(0)) else "", text)
    if "{" in text:
        text = text.replace("{", "").replace("}", "")
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe")
    return " ".join(text.casefold().split())  # again: NFKD can make capitals (e.g. from ℌ)


_GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "kappa",
    "lambda",
    "mu",
    "sigma",
    "tau",
    "omega",
    "theta",
    "zeta",
    "eta",
    "pi",
    "chi",
    "psi",
    "rho",
    "nu",
    "xi",
    "phi",
}


def _is_greek(command: str) -> bool:
    return command.strip().lstrip("\\").lower() in _GREEK


_DATABASE_NOTE = re.compile(
    r"\s*(?:\((?:multiple letters|letter|letters|editorial|abstract|author'?s transl|"
    r"english abstract|english translation|see comments?|comment|review)\)"
    r"|\[(?:review|editorial|letter|comment|abstract|\d+ refs?|in [a-z]+|"
    r"article in [a-z]+|[a-z]+ text)\]"
    r"|\.\s*(?:english|german|french|spanish|italian|japanese|chinese|russian|portuguese)"
    r"\s*abstract)\s*\.?\s*$",
    re.IGNORECASE,
)


def strip_database_notes(title: str) -> str:
    """A title without the notes databases append: "[Review] [33 refs]", "(multiple letters)",
    "[Article in German]", "(author's transl)".

    >>> strip_database_notes("Asthma in children: a review [Review] [33 refs]")
    'Asthma in children: a review'
    >>> strip_database_notes("Inhaled steroids in asthma (multiple letters).")
    'Inhaled steroids in asthma'
    >>> strip_database_notes("Asthma (part 2)")
    'Asthma (part 2)'
    """
    while True:
        stripped = _DATABASE_NOTE.sub("", title)
        if stripped == title or len(stripped) < 8:
            return title
        title = stripped


def strip_translation_brackets(title: str) -> str:
    """A title without MEDLINE's brackets round a translated title or trailing notes.

    >>> strip_translation_brackets("[Asthma in children].")
    'Asthma in children'
    >>> strip_translation_brackets("Asthma bei Kindern [Asthma in children]")
    'Asthma bei Kindern'
    >>> strip_translation_brackets("Asthma control (part 2)")
    'Asthma control (part 2)'
    """
    title = title.strip().strip('"').strip()
    if "[" in title or "(" in title or "abstract" in title[-24:].lower():
        title = strip_database_notes(title)
    if "[" not in title:
        return title
    whole = _WHOLE_BRACKETS.match(title)
    if whole:
        return whole.group(1).strip()
    stripped = _TRAILING_BRACKETS.sub("", title)
    return stripped if len(stripped) >= 12 else title


def title_words(title: str) -> list[str]:
    """The words of a title as deduplication compares them.

    >>> title_words("The Tumour-Associated Macrophages: a Review.")
    ['tumor', 'associated', 'macrophages', 'a', 'review']
    >>> title_words("[Randomised trial of haemodialysis].")
    ['randomized', 'trial', 'of', 'hemodialysis']
    """
    text = fold_text(strip_translation_brackets(title.strip()))
    if "&" in text:
        text = text.replace("&", " and ")  # "Asthma & obesity" is "Asthma and obesity"
    if text.isascii():  # str.translate is ten times faster than the regular expression
        words = text.translate(_ASCII_PUNCTUATION_TO_SPACE).split()
    else:
        words = _NON_WORD.sub(" ", text).replace("_", " ").split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return [americanize(w) for w in words]


_SEPARATOR_MARKS = ("<", "TO:", "to:", "=", ";")
_TITLE_SEPARATORS = re.compile(r"\s*(?:<original>|\bTO:|\s=\s|;\s)\s*", re.IGNORECASE)


def split_alternative_title(title: str) -> tuple[str, ...]:
    """The halves of a title that joins an original-language title and its translation.

    Bibliographic databases join both with ``<ORIGINAL>``, ``TO:``, `` = `` or ``; ``; a
    subtitle after a semicolon looks the same, so callers compare halves only as an
    alternative to the whole title. A title with no such join is returned whole.

    >>> split_alternative_title("Drugs in lung surgery <ORIGINAL> Drogues en chirurgie du poumon")
    ('Drugs in lung surgery', 'Drogues en chirurgie du poumon')
    >>> split_alternative_title("Utilidad de los antimicrobianos; Are antimicrobials of use?")
    ('Utilidad de los antimicrobianos', 'Are antimicrobials of use?')
    >>> split_alternative_title("Asthma; a review")
    ('Asthma; a review',)
    """
    if not any(mark in title for mark in _SEPARATOR_MARKS):
        return (title,)
    parts = _TITLE_SEPARATORS.split(title, maxsplit=1)
    if len(parts) == 2 and all(len(p.split()) >= 4 for p in parts):
        return parts[0], parts[1]
    return (title,)


def title_key(title: str) -> str:
    """The comparison key of a title: its normalised words joined by single spaces.

    >>> title_key("The effect of <i>Ginkgo biloba</i> on ischaemic stroke.")
    'effect of ginkgo biloba on ischemic stroke'
    >>> title_key("Effect of Ginkgo biloba on ischemic stroke") == _
    True
    """
    return " ".join(title_words(title))


def roman_value(token: str) -> int | None:
    """The value of a lower-case roman numeral up to 399, else ``None``.

    >>> roman_value("iii"), roman_value("iv"), roman_value("mix")
    (3, 4, None)
    """
    if not token or not _ROMAN.match(token):
        return None
    total = 0
    for current, following in zip(token, [*token[1:], ""], strict=True):
        value = _ROMAN_VALUES[current]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


_DIGITS = re.compile(r"\d+")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "first": 1,
    "second": 2,
    "third": 3,
}
_ROMAN_CONTEXT = frozenset(
    {
        "part",
        "phase",
        "type",
        "stage",
        "grade",
        "class",
        "study",
        "trial",
        "section",
        "volume",
        "series",
        "chapter",
        "level",
        "step",
    }
)


def numeric_signature(words: list[str]) -> tuple[int, ...]:
    """The numbers in a title's words, in order: digits, and roman numerals after a word like
    "part" or "phase" (so the pronoun "I" and the letter "a" are not numbers).

    >>> numeric_signature(title_words("Asthma control, part 2"))
    (2,)
    >>> numeric_signature(title_words("A phase II trial in type 2 diabetes"))
    (2, 2)
    >>> numeric_signature(title_words("A phase III trial in type 2 diabetes"))
    (3, 2)
    >>> numeric_signature(title_words("Part two of a series"))
    (2,)
    >>> numeric_signature(title_words("integrin (alpha)v(beta)3")) == numeric_signature(
    ...     title_words("integrin alphavbeta3"))
    True
    """
    if not _DIGITS.search(" ".join(words)) and _ROMAN_CONTEXT.isdisjoint(words):
        return ()
    numbers: list[int] = []
    previous = ""
    for word in words:
        digits = _DIGITS.findall(word)
        if digits:
            numbers.extend(int(d[-9:]) for d in digits)
        elif previous in _ROMAN_CONTEXT and (value := roman_value(word)) is not None:
            numbers.append(value)
        elif previous in _ROMAN_CONTEXT and word in _NUMBER_WORDS:
            numbers.append(_NUMBER_WORDS[word])
        previous = word
    return tuple(numbers)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """A family name as letters only, folded: ``"O'Brien-Smith"`` -> ``"obriensmith"``.

    >>> name_key("O'Brien-Smith"), name_key("Ortsäter")
    ('obriensmith', 'ortsater')
    """
    return "".join(filter(str.isalpha, fold_text(name)))


_NAME_SUFFIX = re.compile(r"[\s,]+(?:jr|sr|ii|iii|iv|2nd|3rd)\.?$", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def family_key(family: str) -> str:
    """A family name's key without a generational suffix ("Jr", "III").

    >>> family_key("King Jr."), family_key("Gates III"), family_key("van der Berg")
    ('king', 'gates', 'vanderberg')
    """
    return name_key(_NAME_SUFFIX.sub("", family.strip()))
