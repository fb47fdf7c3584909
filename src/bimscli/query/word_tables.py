"""The lookup tables of one word-matched source (title, abstract, keywords …) of a query index.

Single words are found by one set intersection with a text's words; phrases are checked as a
substring only when their words are present; truncated terms by one regular expression per
source, built as a trie of every stem (see :mod:`bimscli.query.matcher`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from itertools import chain, pairwise

from bimscli.query.text import fold_and_split

# Between the values of one source (keywords, headings), so that no phrase spans two: the
# tokenizer keeps it as a token of its own, which no query word equals.
_SEPARATOR = " \x00 "
_STEM_CACHE_SIZE = 500_000
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


class WordTables:
    """The lookup tables of one word-matched source.

    Single words are looked up by one set intersection with the text's words. A phrase is
    checked (as a substring of the space-joined words) only when all its complete words are
    present. Stems are found by one trie regex.
    """

    def __init__(self) -> None:
        self.words: dict[str, list[int]] = defaultdict(list)
        self.phrases: dict[str, list[tuple[frozenset[str], str, int]]] = defaultdict(list)
        self.stems: dict[str, list[int]] = defaultdict(list)
        self.vocabulary: frozenset[str] = frozenset()
        self.stem_finder: re.Pattern[str] | None = None
        self.phrase_starts: frozenset[str] = frozenset()
        self.pairs: dict[tuple[str, str], list[tuple[str | None, int]]] = defaultdict(list)
        self.pair_vocabulary: frozenset[tuple[str, str]] = frozenset()
        self._ids_of_word: dict[str, tuple[int, ...]] = {}
        self.word_vocabulary: frozenset[str] = frozenset()
        self._stem_hits: dict[str, tuple[int, ...]] = {}
        self._stemless: set[str] = set()

    def add(self, key: str, truncated: bool, atom_id: int) -> None:
        """Look for atom ``atom_id``: the folded words ``key``, the last one a stem when
        ``truncated``."""
        words = key.split(" ")
        if len(words) == 1:
            (self.stems if truncated else self.words)[key].append(atom_id)
            return
        # A truncated phrase ends in a stem: no space after its last word, which is not a
        # complete word and so not required to be present. A phrase is looked at only when
        # its longest complete word is present: long words are the rare ones.
        needle = f" {key}" if truncated else f" {key} "
        complete = words[:-1] if truncated else words
        if len(complete) >= 2:
            # Gated by its first word pair, found with one set intersection; a two-word
            # phrase is that pair, with nothing left to check.
            exact = len(complete) == 2 and not truncated
            self.pairs[(words[0], words[1])].append((None if exact else needle, atom_id))
            return
        gate = max(complete, key=len)
        self.phrases[gate].append((frozenset(complete), needle, atom_id))
        for word in complete:
            self.words.setdefault(word, [])

    def freeze(self) -> None:
        self.vocabulary = frozenset(self.words)
        self.phrase_starts = frozenset(self.phrases)
        self.pair_vocabulary = frozenset(self.pairs)
        # Words that only serve phrases (ids empty) are left out: nothing to add for them.
        self._ids_of_word = {word: tuple(ids) for word, ids in self.words.items() if ids}
        self.word_vocabulary = frozenset(self._ids_of_word)
        self._stem_hits = {}
        self._stemless = set()
        self.stem_finder = None
        if self.stems:
            self.stem_finder = re.compile("^" + _trie_pattern(self.stems))

    def find(self, texts: tuple[str, ...], hits: set[int]) -> None:
        text = texts[0] if len(texts) == 1 else _SEPARATOR.join(texts)
        tokens = fold_and_split(text)[1]
        token_set = set(tokens)
        present = self.vocabulary.intersection(token_set)
        hits.update(
            chain.from_iterable(
                map(self._ids_of_word.__getitem__, self.word_vocabulary.intersection(present))
            )
        )
        joined = ""
        if self.pair_vocabulary:
            for pair in self.pair_vocabulary.intersection(pairwise(tokens)):
                for pair_needle, atom_id in self.pairs[pair]:
                    if pair_needle is not None:
                        joined = joined or f" {' '.join(tokens)} "
                        if pair_needle not in joined:
                            continue
                    hits.add(atom_id)
        for word in self.phrase_starts.intersection(present):
            for others, needle, atom_id in self.phrases[word]:
                if present.issuperset(others):
                    joined = joined or f" {' '.join(tokens)} "
                    if needle in joined:
                        hits.add(atom_id)
        if self.stem_finder is not None:
            # Words repeat across records (Zipf): after a while almost every word is known
            # to start no stem, and only the few new words are tried against the stems.
            known = self._stem_hits
            for word in token_set.difference(self._stemless):
                found = known.get(word)
                hits.update(found if found is not None else self._hits_of_stemmed_word(word))

    def _hits_of_stemmed_word(self, word: str) -> tuple[int, ...]:
        known = self._stem_hits.get(word)
        if known is not None:
            return known
        found: tuple[int, ...] = ()
        if self.stem_finder is not None and self.stem_finder.match(word):
            found = tuple(
                i for end in range(1, len(word) + 1) for i in self.stems.get(word[:end], ())
            )
        if len(self._stem_hits) + len(self._stemless) < _STEM_CACHE_SIZE:
            if found:
                self._stem_hits[word] = found
            else:
                self._stemless.add(word)
        return found
