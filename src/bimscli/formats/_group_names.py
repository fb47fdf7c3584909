"""Words that make an author name a group (consortium, committee, …): one list for all parsers."""

from __future__ import annotations

import re

GROUP_WORDS = re.compile(
    r"\b(?:group|consortium|collaborat\w*|committee|forum|network|society|investigators|"
    r"team|association|panel|initiative|council|task force|alliance|working party|"
    r"registry|trialists|members|organi[sz]ation|federation|foundation|institute|agency|"
    r"department|ministry|university|hospital)\b",
    re.IGNORECASE,
)
"""A name containing one of these is a collective author, not a person.

>>> bool(GROUP_WORDS.search("AO Spine Knowledge Forum Tumor"))
True
>>> bool(GROUP_WORDS.search("World Health Organization")), bool(GROUP_WORDS.search("Grouper A"))
(True, False)
"""
