"""Curating works: decisions (select, reject, maybe, undo) and the triage loop.

The status itself, its history and how it survives merges live in the store
(:mod:`bimscli.store.curation`); this package is what commands call: each decision is its own
write transaction (:mod:`.decisions`), and :mod:`.triage` builds what the triage loop shows
and applies its keys.
"""
