"""A curator's decisions on works, each saved in its own write transaction.

``bims select/reject/maybe ID...`` and ``bims status undo ID`` call these; so does every key
of ``bims triage``, which is why a key is saved at once and Ctrl-C loses nothing.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence

from bimscli.store import Library
from bimscli.store.curation import StatusChange, decide, undo


def default_curator() -> str:
    """Who a decision is recorded as when ``--by`` is not given: the login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


def set_status(
    library: Library, work_ids: Sequence[int], status: str, *, by: str
) -> list[StatusChange]:
    """Decide on works (``selected``, ``maybe``, ``rejected``) in one transaction."""
    with library.transaction():
        return decide(library, work_ids, status, by=by)


def undo_status(library: Library, work_id: int, *, by: str) -> StatusChange:
    """Undo a work's latest status change in one transaction: its previous status returns."""
    with library.transaction():
        return undo(library, work_id, by=by)
