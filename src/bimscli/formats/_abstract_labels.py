"""Splitting a copied abstract paragraph into labelled sections (``METHODS: …``).

Copied structured abstracts come in three shapes, and each is split only where it is safe:

* a label opening the paragraph, upper case (``PATIENT OR PUBLIC CONTRIBUTION: …``) or
  capitalised (``Objective: …``, ``Purpose of review: …``);
* further upper-case labels inside the paragraph after a sentence end, even glued to it
  (``…tool.RESULTS: VIST …``); upper case plus a colon is a label, not prose;
* capitalised labels inside the paragraph (``… tumor. Methods: We …``) or labels glued to their
  text without a colon (``Study DesignThis study …ObjectivesThis study``): split only when the
  paragraph itself opened with a label of that shape, and only at the known label words below,
  because a capitalised word before a colon is ordinary prose elsewhere.
"""

from __future__ import annotations

import re

from bimscli.model import AbstractSection

KNOWN_LABELS = (
    "Aim",
    "Aims",
    "Background",
    "Clinical Relevance",
    "Conclusion",
    "Conclusions",
    "Context",
    "Design",
    "Discussion",
    "Findings",
    "Interpretation",
    "Interventions",
    "Introduction",
    "Level of Evidence",
    "Limitations",
    "Main Outcome Measures",
    "Materials and Methods",
    "Measurements",
    "Methods",
    "Objective",
    "Objectives",
    "Participants",
    "Patients",
    "Patients and Methods",
    "Purpose",
    "Purpose of review",
    "Recent findings",
    "Results",
    "Setting",
    "Significance",
    "Study Design",
    "Summary",
    "Trial Registration",
)
"""Capitalised section labels of structured abstracts, split inside a paragraph."""

_KNOWN = "|".join(re.escape(label) for label in sorted(KNOWN_LABELS, key=len, reverse=True))
_UPPER_LABEL = r"[A-Z][A-Z0-9]*(?:[ /&,-]+[A-Z0-9]+)*(?: \([A-Z]+\))?"
_OPENING_UPPER = re.compile(rf"^({_UPPER_LABEL}):\s*")
_OPENING_CAPITALISED = re.compile(r"^([A-Z][a-z]+(?: [a-z]+){0,3}):\s+")
_OPENING_KNOWN = re.compile(rf"^({_KNOWN}):\s+")
"""A known label with capitals inside (``Study Design: …``), as a line of its own gives it."""
_OPENING_GLUED = re.compile(rf"^({_KNOWN})(?=[A-Z][a-z]|[AI] )")
_INNER_UPPER = re.compile(rf"(?<=[.!?])\s*({_UPPER_LABEL}):\s+")
_INNER_CAPITALISED = re.compile(rf"(?<=[.!?])\s+({_KNOWN}):\s+")
_INNER_GLUED = re.compile(rf"(?<=[.!?])({_KNOWN})(?=[A-Z][a-z]|[AI] )")


def _is_upper_label(label: str) -> bool:
    """Upper-case labels need four letters, so ``e.g. MRI: …`` stays prose."""
    return sum(c.isalpha() for c in label) >= 4


def _inner_cuts(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    cuts = []
    for match in pattern.finditer(text):
        label = match.group(1)
        if pattern is _INNER_UPPER and not _is_upper_label(label):
            continue
        cuts.append((match.start(), match.end(), label))
    return cuts


def _opening(paragraph: str) -> tuple[str | None, int, list[re.Pattern[str]]]:
    """The opening label, where its text starts, and which inner labels may be split."""
    for opening, inner in (
        (_OPENING_UPPER, [_INNER_UPPER]),
        (_OPENING_CAPITALISED, [_INNER_UPPER, _INNER_CAPITALISED]),
        (_OPENING_KNOWN, [_INNER_UPPER, _INNER_CAPITALISED]),
        (_OPENING_GLUED, [_INNER_UPPER, _INNER_GLUED]),
    ):
        match = opening.match(paragraph)
        if match and (opening is not _OPENING_UPPER or _is_upper_label(match.group(1))):
            return match.group(1), match.end(), inner
    return None, 0, [_INNER_UPPER]


def split_abstract_paragraph(paragraph: str) -> list[AbstractSection]:
    """The sections of one abstract paragraph, labels kept as written.

    >>> [(s.label, s.text) for s in split_abstract_paragraph("OBJECTIVE: To see.RESULTS: VIST")]
    [('OBJECTIVE', 'To see.'), ('RESULTS', 'VIST')]
    >>> [s.label for s in split_abstract_paragraph("Study DesignThis.ObjectivesWe aim.")]
    ['Study Design', 'Objectives']
    >>> [s.label for s in split_abstract_paragraph("Study Design: A trial. Methods: We ran.")]
    ['Study Design', 'Methods']
    >>> [s.label for s in split_abstract_paragraph("We used e.g. MRI: it works. Methods: no.")]
    [None]
    """
    text = paragraph.strip()
    label, start, inner = _opening(text)
    cuts = sorted(cut for pattern in inner for cut in _inner_cuts(text, pattern))
    sections: list[AbstractSection] = []
    for cut_start, cut_end, next_label in cuts:
        if cut_start < start:
            continue
        _append_section(sections, text[start:cut_start], label)
        label, start = next_label, cut_end
    _append_section(sections, text[start:], label)
    return sections


def _append_section(sections: list[AbstractSection], body: str, label: str | None) -> None:
    """Add a section; a label with no text is kept too, so no label is lost."""
    if body.strip() or label is not None:
        sections.append(AbstractSection(body.strip(), label))
