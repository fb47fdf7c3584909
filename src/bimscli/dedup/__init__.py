"""Deduplication: recognising the source records that describe one work.

A pure library, no store: callers turn records into :class:`RecordFeatures` once
(:func:`features_from_record`), then call :func:`deduplicate` for a whole set or
:func:`match_new` for new records against a kept :class:`BlockingIndex`; a library's ingest
gives :func:`~bimscli.dedup.engine.judge_blocks` the blocks it reads from its store instead.
Results name records by the caller's ids and say, pair by pair, which rule joined or
separated them.
"""

from __future__ import annotations

from bimscli.dedup.blocking import BlockingIndex
from bimscli.dedup.cluster import UserDecisions
from bimscli.dedup.engine import (
    DedupResult,
    build_index,
    cluster_decisions,
    deduplicate,
    groups_csv,
    match_new,
)
from bimscli.dedup.features import Notice, RecordFeatures, features_from_record
from bimscli.dedup.match import DEFAULT_THRESHOLD, Outcome, PairDecision, decide_pair

__all__ = [
    "DEFAULT_THRESHOLD",
    "BlockingIndex",
    "DedupResult",
    "Notice",
    "Outcome",
    "PairDecision",
    "RecordFeatures",
    "UserDecisions",
    "build_index",
    "cluster_decisions",
    "decide_pair",
    "deduplicate",
    "features_from_record",
    "groups_csv",
    "match_new",
]
