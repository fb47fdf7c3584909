"""Text to LaTeX for BibTeX and BibLaTeX fields.

* :func:`escape_specials` escapes ``& % $ # _ { } ~ ^ \\`` (every field but verbatim ones);
* :func:`unicode_to_latex` turns non-ASCII characters into LaTeX for ASCII-only BibTeX:
  accents as ``{\\'e}``, Greek and relations in math mode (``{$\\alpha$}``), typographic
  symbols as text commands;
* :func:`balance_escaped_braces` makes the escaped braces of a value pair up, so that no value
  can close its field early (BibTeX and biber count ``\\{`` and ``\\}`` as braces, pandoc and
  bibtexparser do not: only a value balanced both ways is read the same by all of them);
* :func:`title_to_latex` also turns HTML markup (``<i>``, ``<b>``, ``<sup>``, ``<sub>``) into
  LaTeX commands and protects acronyms and words with inner capitals (SBRT, BRCA1, IL-6,
  mHealth) with braces, one word at a time, never the whole title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii
from pylatexenc.latexencode import get_builtin_uni2latex_dict

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Not special to LaTeX, but bibtexparser reads "@word{" inside a value as a new entry.
    "@": "{@}",
}

# Accents as combining marks (after NFD) and the LaTeX accent command for each.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0327": "c",
    "\u0328": "k",
    "\u0323": "d",
}

# Overrides of pylatexenc's table: math in $…$ (which every BibTeX reader understands, unlike
# \ensuremath in some), and the ligature dashes and quotes that BibTeX users expect.
_OWN = {
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "\u00a0": "~",
    "\u2009": r"\,",
    "…": r"\ldots{}",
    "×": r"$\times$",
    "µ": r"$\mu$",
    "°": r"$^{\circ}$",
    "→": r"$\rightarrow$",
    "←": r"$\leftarrow$",
    "•": r"$\bullet$",
    "†": r"$\dagger$",
    "‡": r"$\ddagger$",
    "·": r"$\cdot$",
    "ß": r"\ss{}",
    "ø": r"\o{}",
    "Ø": r"\O{}",
    "æ": r"\ae{}",
    "Æ": r"\AE{}",
    "œ": r"\oe{}",
    "Œ": r"\OE{}",
    "ł": r"\l{}",
    "Ł": r"\L{}",
    "å": r"\aa{}",
    "Å": r"\AA{}",
    "ı": r"\i{}",
}

# Superscript and subscript digits and signs (¹⁸F, H₂O, Ca²⁺) as text commands, which pandoc,
# BibTeX and biber all read; pylatexenc knows only some of them, in math mode.
for _plain, _scripts, _command in (
    ("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾", "textsuperscript"),
    ("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", "textsubscript"),
):
    for _digit, _script in zip(_plain, _scripts, strict=True):
        _OWN[_script] = f"\\{_command}{{{_digit}}}"

_ENSUREMATH = re.compile(r"^\\ensuremath\{(.*)\}$")


@lru_cache(maxsize=4096)
def char_to_latex(char: str) -> str:
    r"""LaTeX for one non-ASCII character, braced so BibTeX sees one letter.

    >>> [char_to_latex(c) for c in "éçαł≥–"]
    ["{\\'e}", '{\\c{c}}', '{$\\alpha$}', '{\\l{}}', '{$\\geq$}', '--']
    """
    if char in _OWN:
        latex = _OWN[char]
        return latex if latex.isascii() and not latex.startswith(("\\", "$")) else "{" + latex + "}"
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) == 2 and decomposed[0].isascii() and decomposed[1] in _ACCENTS:
        cmd = _ACCENTS[decomposed[1]]
        base = decomposed[0]
        return f"{{\\{cmd}{base}}}" if not cmd.isalpha() else f"{{\\{cmd}{{{base}}}}}"
    math = _ENSUREMATH.match(_uni2latex().get(ord(char), ""))
    if math is not None:
        return "{$" + math.group(1) + "$}"
    # pylatexenc's text-mode symbols (\\textperthousand) are unknown to pandoc, which drops
    # them; CJK and rare scripts have no LaTeX at all: transliterate rather than lose them.
    return escape_specials(anyascii(char))


@lru_cache(maxsize=1)
def _uni2latex() -> dict[int, str]:
    table: dict[int, str] = get_builtin_uni2latex_dict()
    return table


_SPECIAL = re.compile("[" + re.escape("".join(_SPECIALS)) + "]")


def _special_to_latex(match: re.Match[str]) -> str:
    return _SPECIALS[match.group()]


def escape_specials(text: str) -> str:
    r"""Escape LaTeX's special characters; everything else is kept as it is.

    >>> escape_specials("Smith & Wesson_2 {x} 50% $5 #1")
    'Smith \\& Wesson\\_2 \\{x\\} 50\\% \\$5 \\#1'
    >>> escape_specials("~ ^ \\")
    '\\textasciitilde{} \\textasciicircum{} \\textbackslash{}'
    """
    # A search is cheap and most values have no special character: only then substitute.
    return _SPECIAL.sub(_special_to_latex, text) if _SPECIAL.search(text) else text


def unicode_to_latex(text: str) -> str:
    r"""ASCII LaTeX for a text: specials escaped, non-ASCII characters as LaTeX commands.

    >>> unicode_to_latex("Müller & Ødegård: 5 ± 2 °C")
    'M{\\"u}ller \\& {\\O{}}deg{\\aa{}}rd: 5 {$\\pm$} 2 {$^{\\circ}$}C'
    >>> unicode_to_latex("¹⁸F, Ca²⁺")
    '{\\textsuperscript{18}}F, Ca{\\textsuperscript{2+}}'
    """
    text = escape_specials(text)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    return _NON_ASCII_RUN.sub(_non_ascii_run_to_latex, text)


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾"
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"
_SCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}]{{2,}}|[{_SUBSCRIPTS}]{{2,}}")
_UNSCRIPT = str.maketrans(_SUPERSCRIPTS + _SUBSCRIPTS, "0123456789+-=()" * 2)


def _script_run_to_latex(match: re.Match[str]) -> str:
    """A run of superscript (¹⁸) or subscript digits as one command: ``{\\textsuperscript{18}}``."""
    run = match.group()
    command = "textsuperscript" if run[0] in _SUPERSCRIPTS else "textsubscript"
    return f"{{\\{command}{{{run.translate(_UNSCRIPT)}}}}}"


_SCRIPT_CHAR = re.compile(f"[{_SUPERSCRIPTS}{_SUBSCRIPTS}]")
_SCRIPT_CHARS = re.compile(f"[{_SUPERSCRIPTS}]+|[{_SUBSCRIPTS}]+")


def _script_run_to_tag(match: re.Match[str]) -> str:
    run = match.group()
    tag = "sup" if run[0] in _SUPERSCRIPTS else "sub"
    return f"<{tag}>{run.translate(_UNSCRIPT)}</{tag}>"


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _non_ascii_run_to_latex(match: re.Match[str]) -> str:
    run = _SCRIPT_RUN.sub(_script_run_to_latex, match.group())
    return "".join(c if c.isascii() else char_to_latex(c) for c in run)


_TAG = re.compile(r"<(/?)([a-zA-Z][\w:.-]*)(?:\s[^<>]*)?/?>")
_TAG_COMMANDS = {
    "i": "emph",
    "em": "emph",
    "italic": "emph",
    "b": "textbf",
    "strong": "textbf",
    "bold": "textbf",
    "sup": "textsuperscript",
    "sub": "textsubscript",
    "sc": "textsc",
}
_SPACES = re.compile(r"(\s+)")
_EDGE_PUNCTUATION = re.compile(r"^([(\[\"'“‘]*)(.*?)([)\]\"'”’.,;:!?]*)$", re.DOTALL)


def needs_case_protection(word: str) -> bool:
    """True for acronyms, words with inner capitals and capitals with digits.

    BibTeX styles lower-case titles; these words must keep their case.

    >>> [needs_case_protection(w) for w in ("SBRT", "IL-6", "mHealth", "T2", "Bone", "a")]
    [True, True, True, True, False, False]
    """
    if any(c.isupper() for c in word[1:]):
        return True
    return word[:1].isupper() and any(c.isdigit() for c in word)


def _convert(text: str, ascii_only: bool) -> str:
    return unicode_to_latex(text) if ascii_only else escape_specials(text)


def _protect_word(word: str, ascii_only: bool) -> str:
    """A word without markup, in braces when it needs them, edge punctuation outside."""
    if word.isascii() and word.isalpha() and (len(word) == 1 or word[1:].islower()):
        return word  # the common case, kept fast: nothing to escape or protect
    parts = _EDGE_PUNCTUATION.match(word)
    if parts is None:  # pragma: no cover - the pattern matches any text
        return _convert(word, ascii_only)
    lead, core, trail = parts.groups()
    converted = _convert(core, ascii_only)
    if needs_case_protection(core):
        # A group that starts with a backslash is a "special character" to BibTeX, whose
        # letters a style still lower-cases ("{\\#ABC}"): a second pair of braces protects.
        converted = "{{" + converted + "}}" if converted[:1] == "\\" else "{" + converted + "}"
    return _convert(lead, ascii_only) + converted + _convert(trail, ascii_only)


_WORD_NEEDING_WORK = re.compile(r"(?<!\S)\S*[^a-z\s]\S*")  # anchored: linear time
_PROTECT_MATCH: dict[bool, Callable[[re.Match[str]], str]] = {
    True: lambda match: _protect_word(match.group(), ascii_only=True),
    False: lambda match: _protect_word(match.group(), ascii_only=False),
}


class _MarkupWriter:
    """Turns a title's words into LaTeX, keeping track of markup that spans words."""

    def __init__(self, ascii_only: bool) -> None:
        self.ascii_only = ascii_only
        self.open_commands: list[str] = []

    def tag(self, closing: bool, name: str) -> str:
        command = _TAG_COMMANDS.get(name.lower().rpartition(":")[2])
        if command is None:
            return ""  # unknown markup: the tag goes, its text stays
        if not closing:
            self.open_commands.append(command)
            return "\\" + command + "{"
        if self.open_commands:
            self.open_commands.pop()
            return "}"
        return ""  # a closing tag that closes nothing

    def word(self, word: str) -> str:
        if "<" not in word:
            return _protect_word(word, self.ascii_only)
        depth = len(self.open_commands)
        out: list[str] = []
        position = 0
        lowest = depth
        for match in _TAG.finditer(word):
            out.append(_protect_word(word[position : match.start()], self.ascii_only))
            out.append(self.tag(bool(match.group(1)), match.group(2)))
            lowest = min(lowest, len(self.open_commands))
            position = match.end()
        out.append(_protect_word(word[position:], self.ascii_only))
        latex = "".join(out)
        plain = _TAG.sub("", word)
        self_contained = depth == 0 and lowest == 0 and not self.open_commands
        if self_contained and needs_case_protection(plain.strip("()[],.;:!?\"'")):
            # Braces must enclose the commands: readers ignore braces inside \\emph{…}. A
            # group starting with a backslash is a "special character" to BibTeX, so double.
            return "{{" + latex + "}}" if latex.startswith("\\") else "{" + latex + "}"
        return latex


def title_to_latex(title: str, *, ascii_only: bool) -> str:
    r"""A title as LaTeX: markup to commands, acronyms protected, specials escaped.

    ``ascii_only`` (BibTeX) also turns non-ASCII characters into LaTeX; without it (BibLaTeX)
    they stay UTF-8. Unknown tags are dropped, unbalanced ones too; their text is kept.

    >>> title_to_latex("SBRT vs <i>in vivo</i> IL-6 & H<sub>2</sub>O in (mHealth)", ascii_only=True)
    '{SBRT} vs \\emph{in vivo} {IL-6} \\& {H\\textsubscript{2}O} in ({mHealth})'
    >>> title_to_latex("Rôle of <b class='x'>BRCA1</i>-mutated cells", ascii_only=False)
    'Rôle of {{\\textbf{{BRCA1}}-mutated}} cells'

    A brace in the title never closes the field (see :func:`balance_escaped_braces`):

    >>> print(title_to_latex("Harmless }, note = {INJECTED}", ascii_only=False))
    Harmless {$\rbrace$}, note = {{\{INJECTED\}}}
    """
    return balance_escaped_braces(_title_to_latex(title, ascii_only))


def _title_to_latex(title: str, ascii_only: bool) -> str:
    if ascii_only and _SCRIPT_CHAR.search(title):
        # "Ca²⁺" and "Ca<sup>2+</sup>" are one title: write both the same way, so that a title
        # read back from BibTeX (as Unicode where it can be) is exported unchanged.
        title = _SCRIPT_CHARS.sub(_script_run_to_tag, title)
    if "<" not in title:
        # No markup: only words with something besides lower-case ASCII letters need work,
        # and the regular expression skips the others in C.
        latex = _WORD_NEEDING_WORK.sub(_PROTECT_MATCH[ascii_only], title)
        if not ascii_only or latex.isascii():
            return latex  # else non-ASCII spaces remain, which the full path replaces
    writer = _MarkupWriter(ascii_only)
    title = _TAG.sub(lambda m: f"<{m.group(1)}{m.group(2)}>", title)  # attributes hold spaces
    words = [
        writer.word(w) if not w.isspace() else (w if w.isascii() else " ")
        for w in _SPACES.split(title)
    ]
    return "".join(words) + "}" * len(writer.open_commands)


def text_to_latex(text: str, *, ascii_only: bool) -> str:
    r"""A plain field (journal, abstract, note) as LaTeX; markup dropped, nothing protected.

    >>> text_to_latex("Obstet & Gynecol – <i>x</i>", ascii_only=True)
    'Obstet \\& Gynecol -- x'
    >>> text_to_latex("a } b", ascii_only=False)
    'a {$\\rbrace$} b'
    """
    if text.isascii() and "<" not in text and not _SPECIAL.search(text):
        return text  # most names, numbers and journals: nothing to do
    return balance_escaped_braces(_convert(_TAG.sub("", text) if "<" in text else text, ascii_only))


UNPAIRED_BRACES = {"\\{": "{$\\lbrace$}", "\\}": "{$\\rbrace$}"}
"""What an escaped brace without its partner becomes: the brace as a math symbol, which LaTeX,
pandoc and bims's own BibTeX reader print as the brace, and which holds no brace character
that a reader could count (``\\textbraceleft`` would do for LaTeX, but pandoc drops it)."""

# A LaTeX command: a backslash and a word (\\emph), or a backslash and one character (\\{, \\').
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)


def balance_escaped_braces(latex: str) -> str:
    r"""The LaTeX with every escaped brace paired; one without a partner as a math symbol.

    A value's own braces (``{SBRT}``, ``\\emph{…}``) are balanced by construction; braces from
    the data are escaped, and pair up only when the data's did.

    >>> print(balance_escaped_braces(r"a \} b \{c\} \textbackslash{}\{"))
    a {$\rbrace$} b \{c\} \textbackslash{}{$\lbrace$}
    """
    if "\\{" not in latex and "\\}" not in latex:
        return latex
    opened: list[int] = []
    unpaired: list[int] = []
    for command in _COMMAND.finditer(latex):
        if command.group() == "\\{":
            opened.append(command.start())
        elif command.group() == "\\}":
            if opened:
                opened.pop()
            else:
                unpaired.append(command.start())
    unpaired = sorted(unpaired + opened)
    if not unpaired:
        return latex
    out: list[str] = []
    position = 0
    for start in unpaired:
        out += [latex[position:start], UNPAIRED_BRACES[latex[start : start + 2]]]
        position = start + 2
    out.append(latex[position:])
    return "".join(out)


_LINE_BREAK = re.compile(r"[^\S ]")  # white space but the space; a character set scans fast


def single_line(text: str) -> str:
    """Whitespace runs and line breaks as single spaces (one field, one line).

    >>> single_line("BACKGROUND: a\\nMETHODS:  b")
    'BACKGROUND: a METHODS: b'
    """
    return " ".join(text.split()) if "  " in text or _LINE_BREAK.search(text) else text.strip()
