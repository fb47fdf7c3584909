"""The one reader of person names every format uses: a table of names and what they become."""

from __future__ import annotations

import pytest

from bimscli.formats._person_names import NameStyle, parse_person_name, parse_vancouver_name
from bimscli.model import Author

BYLINE, VANCOUVER, INVERTED = NameStyle.BYLINE, NameStyle.VANCOUVER, NameStyle.INVERTED
ALL_STYLES = tuple(NameStyle)


def person(family: str | None, given: str | None = None, suffix: str | None = None) -> Author:
    return Author(family=family, given=given, suffix=suffix)


def group(name: str) -> Author:
    return Author(group=name)


# (name, styles it is read the same way in, the author)
SAME_IN_EVERY_STYLE = [
    # "Family, Given": every source agrees on the comma
    pytest.param("Smith, J.", person("Smith", "J."), id="inverted-initial"),
    pytest.param("Smith, John A.", person("Smith", "John A."), id="inverted-given-names"),
    pytest.param("Li, Yang", person("Li", "Yang"), id="inverted-short"),
    pytest.param("van der Berg, Anna", person("van der Berg", "Anna"), id="inverted-particles"),
    pytest.param("de Hoon, M J L", person("de Hoon", "M J L"), id="inverted-spaced-initials"),
    pytest.param("Yu, Hsiang-Hsuan M", person("Yu", "Hsiang-Hsuan M"), id="inverted-hyphenated"),
    pytest.param("Silani, V.", person("Silani", "V."), id="inverted-initial-V-is-no-suffix"),
    # suffixes after a comma: BibTeX's "Family, Suffix, Given" and RIS's "Family, Given, Suffix"
    pytest.param("Smith, Jr., John", person("Smith", "John", "Jr."), id="bibtex-suffix"),
    pytest.param("Smith, John, Jr", person("Smith", "John", "Jr"), id="ris-suffix"),
    pytest.param("Miller, W. H., Jr.", person("Miller", "W. H.", "Jr."), id="ris-suffix-initials"),
    pytest.param("Austin, Erle H., 3rd", person("Austin", "Erle H.", "3rd"), id="ris-suffix-3rd"),
    pytest.param("Lewis, J. S., II", person("Lewis", "J. S.", "II"), id="ris-suffix-roman"),
    pytest.param("Roe, Jane, V", person("Roe", "Jane", "V"), id="ris-suffix-V"),
    pytest.param("Doe, Jr.", person("Doe", None, "Jr."), id="family-and-suffix"),
    pytest.param("Smith, John, Anne", person("Smith", "John, Anne"), id="two-commas-no-suffix"),
    # Vancouver "Family INITIALS", with and without dots, particles and suffixes
    pytest.param("Smith J", person("Smith", "J"), id="vancouver-one-initial"),
    pytest.param("Smith JA", person("Smith", "JA"), id="vancouver-two-initials"),
    pytest.param("Benhabib H.", person("Benhabib", "H."), id="vancouver-dotted"),
    pytest.param("Marta G.N.", person("Marta", "G.N."), id="vancouver-dotted-joined"),
    pytest.param("Lewis G. F.", person("Lewis", "G. F."), id="vancouver-dotted-spaced"),
    pytest.param("Dupont J.-P.", person("Dupont", "J.-P."), id="vancouver-hyphenated-initials"),
    pytest.param("Pastor Jimeno JC", person("Pastor Jimeno", "JC"), id="vancouver-two-families"),
    pytest.param("van der Berg JA", person("van der Berg", "JA"), id="vancouver-particles"),
    pytest.param("de la Cruz M", person("de la Cruz", "M"), id="vancouver-de-la"),
    pytest.param("van der Linden Y.M.", person("van der Linden", "Y.M."), id="vancouver-dots"),
    pytest.param("El Hachmane M.", person("El Hachmane", "M."), id="vancouver-capital-particle"),
    pytest.param("Jonsson-Rylander A. C.", person("Jonsson-Rylander", "A. C."), id="hyphen-family"),
    pytest.param("King ML Jr", person("King", "ML", "Jr"), id="vancouver-suffix"),
    pytest.param("Smith JA III", person("Smith", "JA", "III"), id="vancouver-roman-suffix"),
    pytest.param("Smith IV", person("Smith", "IV"), id="roman-after-one-word-is-initials"),
    pytest.param("Roe J, Jr", person("Roe", "J", "Jr"), id="vancouver-comma-suffix"),
    pytest.param("J. W.", person("J.", "W."), id="only-initials"),
    # collective names, with or without a comma
    pytest.param("AO Spine Knowledge Forum Tumor", group("AO Spine Knowledge Forum Tumor"),
                 id="group-forum"),
    pytest.param("World Health Organization", group("World Health Organization"), id="group-who"),
    pytest.param("COPD Study Group", group("COPD Study Group"), id="group-study-group"),
    pytest.param("Radiation Therapy Oncology, Group", group("Radiation Therapy Oncology, Group"),
                 id="group-with-comma"),
    pytest.param("investigators, Geco", group("investigators, Geco"), id="group-lower-case"),
    # spacing and stray separators
    pytest.param("  Smith ,\u00a0John ; ", person("Smith", "John"), id="stray-space-and-commas"),
]  # fmt: skip


@pytest.mark.parametrize("style", ALL_STYLES, ids=[s.value for s in ALL_STYLES])
@pytest.mark.parametrize(("text", "expected"), SAME_IN_EVERY_STYLE)
def test_names_every_style_reads_alike(text: str, expected: Author, style: NameStyle) -> None:
    assert parse_person_name(text, style) == expected


@pytest.mark.parametrize("text", ["", "   ", ",", " ; , "])
@pytest.mark.parametrize("style", ALL_STYLES, ids=[s.value for s in ALL_STYLES])
def test_empty_names_are_none(text: str, style: NameStyle) -> None:
    assert parse_person_name(text, style) is None


# Names without a comma that are neither Vancouver nor collective: the styles differ here.
BY_STYLE = [
    # given names first, in bylines and on web pages
    pytest.param("J. Smith", BYLINE, person("Smith", "J."), id="byline-initial-first"),
    pytest.param("A. Turing", BYLINE, person("Turing", "A."), id="byline-dotted"),
    pytest.param("P. V. D. Putten", BYLINE, person("Putten", "P. V. D."), id="byline-initials"),
    pytest.param("Hadas Benhabib", BYLINE, person("Benhabib", "Hadas"), id="byline-plain"),
    pytest.param("Michael R. Lyu", BYLINE, person("Lyu", "Michael R."), id="byline-middle"),
    pytest.param("Hsiang-Hsuan M Yu", BYLINE, person("Yu", "Hsiang-Hsuan M"), id="byline-hyphen"),
    pytest.param("Jen-tse Huang", BYLINE, person("Huang", "Jen-tse"), id="byline-hyphen-lower"),
    pytest.param("Ludwig van Beethoven", BYLINE, person("van Beethoven", "Ludwig"),
                 id="byline-particle"),
    pytest.param("R. J. van der Geest", BYLINE, person("van der Geest", "R. J."),
                 id="byline-particles"),
    pytest.param("Maria de la Cruz Garcia", BYLINE, person("de la Cruz Garcia", "Maria"),
                 id="byline-family-from-first-particle"),
    pytest.param("Alessandra De Iacob", BYLINE, person("Iacob", "Alessandra De"),
                 id="byline-capital-particle-is-given"),
    pytest.param("John Q. Doe Jr.", BYLINE, person("Doe", "John Q.", "Jr."), id="byline-suffix"),
    pytest.param("John Smith III", BYLINE, person("Smith", "John", "III"), id="byline-roman"),
    pytest.param("Jane Roe, Jr.", BYLINE, person("Roe", "Jane", "Jr."), id="byline-comma-suffix"),
    pytest.param("Doe Jr", BYLINE, person("Doe", None, "Jr"), id="byline-family-suffix"),
    pytest.param("Smith", BYLINE, person("Smith"), id="byline-single-word"),
    pytest.param("John LEE", BYLINE, person("LEE", "John"), id="byline-shouted-family"),
    pytest.param("Wei WU", BYLINE, person("Wei", "WU"), id="byline-two-capitals-are-initials"),
    pytest.param("Jane MSK", BYLINE, person("Jane", "MSK"), id="byline-consonants-are-initials"),
    pytest.param("Cancer Research UK", BYLINE, person("Cancer Research", "UK"),
                 id="byline-capitals-read-as-initials"),
    # Vancouver lists: a short capital word at the end is always initials
    pytest.param("John LEE", VANCOUVER, person("John", "LEE"), id="vancouver-capitals"),
    pytest.param("Kim JAE", VANCOUVER, person("Kim", "JAE"), id="vancouver-vowel-initials"),
    pytest.param("Anne Doe", VANCOUVER, person("Doe", "Anne"), id="vancouver-plain-given-first"),
    pytest.param("Smith", VANCOUVER, person("Smith"), id="vancouver-single-word"),
    pytest.param("Jr.", VANCOUVER, person("Jr."), id="vancouver-lone-suffix"),
    # RIS: a person always has a comma, so anything else is an organisation
    pytest.param("John LEE", INVERTED, person("John", "LEE"), id="inverted-capitals"),
    pytest.param("Cochrane Library", INVERTED, group("Cochrane Library"), id="inverted-plain"),
    pytest.param("Smith", INVERTED, group("Smith"), id="inverted-single-word"),
    pytest.param("John Smith Jr", INVERTED, group("John Smith Jr"), id="inverted-suffix-kept"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "style", "expected"), BY_STYLE)
def test_names_without_comma_by_style(text: str, style: NameStyle, expected: Author) -> None:
    assert parse_person_name(text, style) == expected


def test_a_source_with_a_group_field_reads_every_name_as_a_person() -> None:
    assert parse_person_name("Hospital, Jordi", groups=False) == person("Hospital", "Jordi")
    assert parse_person_name("Hospital, Jordi") == group("Hospital, Jordi")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Cobb M", person("Cobb", "M"), id="one-initial"),
        pytest.param("Oliveira LMA", person("Oliveira", "LMA"), id="three-initials"),
        pytest.param(" Bonatelli ML", person("Bonatelli", "ML"), id="leading-space"),
        pytest.param("Pastor Jimeno JC", person("Pastor Jimeno", "JC"), id="two-family-words"),
        pytest.param("van der Berg AB", person("van der Berg", "AB"), id="particles"),
        pytest.param("O'Brien K", person("O'Brien", "K"), id="apostrophe"),
        pytest.param("King ML Jr", person("King", "ML", "Jr"), id="suffix"),
        pytest.param("Benhabib H.", None, id="dotted-initials-are-not-pubmed"),
        pytest.param("Hadas Benhabib", None, id="given-first"),
        pytest.param("Role of MRI", None, id="title-ending-in-initialism"),
        pytest.param("AO Spine Knowledge Forum Tumor", None, id="group"),
        pytest.param("Kidney Cancer Group UK", None, id="group-ending-in-capitals"),
        pytest.param("Exercise for bone metastases", None, id="title"),
        pytest.param("• Disclaimer", None, id="bullet"),
        pytest.param("One Two Three Four Five AB", None, id="too-many-words"),
        pytest.param("", None, id="empty"),
    ],
)
def test_vancouver_names_in_author_lines(text: str, expected: Author | None) -> None:
    assert parse_vancouver_name(text) == expected
