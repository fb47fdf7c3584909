"""Month names as sources write them: the one table every parser uses."""

from __future__ import annotations

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
"""English month names and abbreviations, lower case, to 1-12."""


def month_number(text: str) -> int | None:
    """The month 1-12 from an English name, an abbreviation or digits; ``None`` otherwise.

    >>> month_number("Jun"), month_number("sep."), month_number("06"), month_number("13")
    (6, 9, 6, None)
    >>> month_number("Spring") is None
    True
    """
    word = text.strip().rstrip(".").lower()
    if word.isascii() and word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(word)
