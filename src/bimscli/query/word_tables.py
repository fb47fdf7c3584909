"""The lookup tables of one group of word-matched sources (title, abstract, keywords …).

Atoms that search the same sources (``[tiab]``: title, abstract and keywords) share one table,
and the words of those sources are looked at in one pass: each source is folded and split
once (see :mod:`bimscli.query.matcher`), and the words of a group are the words of its sources
with a separator between them, so that no phrase spans two.

Every distinct word is classified once (the atoms it hits as a whole word or by starting a
stem, or nothing); words repeat across records (Zipf), so after a while almost every word of a
record is known to hit nothing, and one set difference leaves the few that matter. Phrases are
gated by their first pair of words, found with one set intersection over the text's pairs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

SEPARATOR = "\x00"
"""The token between two values (keywords, headings, sources): no query word equals it."""
_JOINER = f" {SEPARATOR} "
_CACHE_SIZE = 500_000
"""How many distinct words a table remembers the classification of."""
_Trie = dict[str, "_Trie"]


def _trie_pattern(stems: Iterable[str]) -> str:
    """A regular expression matching any of ``stems``, factorised as a trie.

    A stem that is a prefix of another makes the longer one redundant: both find the same
    words, and the words are what the caller maps back to stems.

    >>> _trie_pattern(["radiother", "radiosurg", "radio", "sbrt"])
    '(?:radio|sbrt)'
    >>> _trie_pattern(["metasta", "metabol"])
    'meta(?:bol|sta)'
    """
    trie: _Trie = {}
    for stem in stems:
        node = trie
        for char in stem:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        if "" in node:
            return ""
        alternatives = [re.escape(char) + build(child) for char, child in sorted(node.items())]
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return build(trie)


def join_values(texts: tuple[str, ...]) -> str:
    """The values of one source as one text, with a separator word between them.

    >>> join_values(("SBRT", "pain")).split()
    ['SBRT', '\\x00', 'pain']
    """
    return texts[0] if len(texts) == 1 else _JOINER.join(texts)


class WordTables:
    """The lookup tables of one group of word-matched sources.

    A word is *plain* when it hits no atom and gates no phrase: most words of most records.
    The others map to the atoms they hit (as a whole word, or by starting a stem).
    """

    def __init__(self) -> None:
        self.words: dict[str, list[int]] = defaultdict(list)
        self.stems: dict[str, list[int]] = defaultdict(list)
        # A two-word phrase, or a longer one gated by its first two words: the needle to
        # look for in the joined words (None: the pair is the whole phrase).
        self.pairs: dict[tuple[str, str], list[tuple[str | None, int]]] = defaultdict(list)
        # A truncated phrase of one complete word ("bone metasta*"), gated by that word.
        self.phrases: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._pair_vocabulary: frozenset[tuple[str, str]] = frozenset()
        self._pair_starts: frozenset[str] = frozenset()
        self._phrase_starts: frozenset[str] = frozenset()
        self._stem_finder: re.Pattern[str] | None = None
        self._hits_of_word: dict[str, tuple[int, ...]] = {}
        self._plain: set[str] = set()

    def add(self, key: str, truncated: bool, atom_id: int) -> None:
        """Look for atom ``atom_id``: the folded words ``key``, the last one a stem when
        ``truncated``."""
        words = key.split(" ")
        if len(words) == 1:
            (self.stems if truncated else self.words)[key].append(atom_id)
            return
        # A truncated phrase ends in a stem: no space after its last word, which is not a
        # complete word and so not required to be present.
        needle = f" {key}" if truncated else f" {key} "
        complete = words[:-1] if truncated else words
        if len(complete) >= 2:
            exact = len(complete) == 2 and not truncated
            self.pairs[(words[0], words[1])].append((None if exact else needle, atom_id))
        else:
            self.phrases[words[0]].append((needle, atom_id))

    def freeze(self) -> None:
        """Build the lookup structures after the last :meth:`add` (forgets learnt words)."""
        self._pair_vocabulary = frozenset(self.pairs)
        self._pair_starts = frozenset(first for first, _ in self.pairs)
        self._phrase_starts = frozenset(self.phrases)
        self._stem_finder = re.compile(_trie_pattern(self.stems)) if self.stems else None
        self._hits_of_word = {}
        self._plain = set()
        for word in (*self.words, *self._pair_starts, *self._phrase_starts):
            self._hits_of_word[word] = self._classify(word)

    def _classify(self, word: str) -> tuple[int, ...]:
        found = tuple(self.words.get(word, ()))
        if self._stem_finder is not None and self._stem_finder.match(word):
            stems = self.stems
            found += tuple(i for end in range(1, len(word) + 1) for i in stems.get(word[:end], ()))
        return found

    def find(self, tokens: list[str], hits: set[int]) -> None:
        """Add to ``hits`` the atoms found in ``tokens`` (a group's words, with separators)."""
        token_set = set(tokens)
        notable = token_set.difference(self._plain)
        if not notable:
            return
        known = self._hits_of_word
        for word in notable:
            found = known.get(word)
            if found is None:
                found = self._learn(word)
            hits.update(found)
        joined = ""
        if not self._pair_starts.isdisjoint(notable):
            for pair in self._pair_vocabulary.intersection(pairwise(tokens)):
                for needle, atom_id in self.pairs[pair]:
                    if needle is not None:
                        joined = joined or f" {' '.join(tokens)} "
                        if needle not in joined:
                            continue
                    hits.add(atom_id)
        if self._phrase_starts:
            for word in self._phrase_starts.intersection(notable):
                joined = joined or f" {' '.join(tokens)} "
                hits.update(i for needle, i in self.phrases[word] if needle in joined)

    def _learn(self, word: str) -> tuple[int, ...]:
        found = self._classify(word)
        if len(self._hits_of_word) + len(self._plain) < _CACHE_SIZE:
            if found:
                self._hits_of_word[word] = found
            else:
                self._plain.add(word)
        return found
