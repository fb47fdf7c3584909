"""The review loop of ``bims dedup --review`` on a terminal (or ``--interactive``): one pair of
works at a time, side by side, answered with one key.

Every answer is committed the moment it is given, so stopping at any point (``q``, Ctrl-C, the
end of the input) loses nothing. On a terminal a key is read without Enter; otherwise a line
is read from stdin (``a``, ``accept``, ``r``…), so the loop also runs from a script or a test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bimscli.cli.context import console
from bimscli.cli.dedup_render import pair_side_by_side, work_sizes
from bimscli.dedup.library.decisions import ReviewDecision, Verdict, answer_pair, undo_answer
from bimscli.dedup.library.review import ReviewPair, pair_id, review_queue
from bimscli.store import Library

KEYS = "[a]ccept  [r]eject  [s]kip  [u]ndo last  [q]uit"
_WORDS = {
    "a": "a",
    "accept": "a",
    "r": "r",
    "reject": "r",
    "s": "s",
    "skip": "s",
    "u": "u",
    "undo": "u",
    "q": "q",
    "quit": "q",
}

KeyReader = Callable[[], str]
"""Returns the next key (``a``, ``r``, ``s``, ``u``, ``q``, or anything else), ``q`` at the end."""


@contextmanager
def terminal_keys() -> Iterator[KeyReader]:
    """Keys from the terminal without Enter, for as long as the loop runs.

    The terminal stays in cbreak mode from before the first prompt until the loop ends (then
    it is restored), so a key typed the moment a prompt appears is never lost, and Ctrl-C
    still interrupts. Ctrl-D quits.
    """
    import termios  # noqa: PLC0415 - POSIX only: the rest of the CLI still loads on Windows
    import tty  # noqa: PLC0415 - as termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd, termios.TCSANOW)

    def read_key() -> str:
        key = os.read(fd, 32).decode("utf-8", errors="replace")[:1]
        if key in ("", "\x04"):
            return "q"
        console.print(key, markup=False)
        return key.lower()

    try:
        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def line_keys() -> str:
    """One answer per line from stdin (``a`` or ``accept``…); the end of the input quits."""
    line = sys.stdin.readline()
    console.print(line.strip(), markup=False)  # what a terminal would have echoed
    if not line:
        return "q"
    return _WORDS.get(line.strip().lower(), line.strip())


@dataclass
class ReviewSession:
    """What happened in one run of the loop (``history`` is what ``u`` can take back)."""

    accepted: int = 0
    rejected: int = 0
    skipped: set[str] = field(default_factory=set)
    history: list[tuple[str, ReviewDecision | None]] = field(default_factory=list)
    show_first: str | None = None

    def summary(self) -> str:
        """``2 accepted, 1 rejected, 1 skipped; every answer is saved``."""
        return (
            f"{self.accepted} accepted, {self.rejected} rejected, {len(self.skipped)} skipped;"
            " every answer is saved"
        )


def _next_pair(library: Library, session: ReviewSession) -> tuple[ReviewPair, int] | None:
    queue = [p for p in review_queue(library) if p.pair_id not in session.skipped]
    if not queue:
        return None
    wanted, session.show_first = session.show_first, None
    return next((p for p in queue if p.pair_id == wanted), queue[0]), len(queue)


def _show(library: Library, pair: ReviewPair, left: int) -> None:
    ids = [pair.best.record_a, pair.best.record_b]
    records = {s.id: s.record for s in library.source_records(ids)}
    sizes = work_sizes(library, [pair.work_a, pair.work_b])
    console.print()
    console.print(pair_side_by_side(pair, records, sizes, f"{left} left:"))
    console.print(f"{KEYS}? ", end="", markup=False)


def _answer(library: Library, session: ReviewSession, pair: ReviewPair, key: str) -> None:
    verdict = Verdict.ACCEPT if key == "a" else Verdict.REJECT
    with library.transaction():
        answer = answer_pair(library, (pair.work_a, pair.work_b), verdict)
    session.history.append((pair.pair_id, answer))
    if verdict is Verdict.ACCEPT:
        session.accepted += 1
        console.print(
            f"accepted {pair.pair_id}: one work now, work {min(pair.work_a, pair.work_b)}"
        )
    else:
        session.rejected += 1
        console.print(f"rejected {pair.pair_id}: different works, never joined")


def _undo(library: Library, session: ReviewSession) -> None:
    if not session.history:
        console.print("nothing to undo")
        return
    shown, answer = session.history.pop()
    if answer is None:
        session.skipped.discard(shown)
        session.show_first = shown
        console.print(f"back to {shown}")
        return
    with library.transaction():
        works = undo_answer(library, answer)
    if answer.verdict is Verdict.ACCEPT:
        session.accepted -= 1
    else:
        session.rejected -= 1
    session.show_first = pair_id(*works)
    console.print(f"took back {answer.verdict.value} of {shown}; now pair {session.show_first}")


def _undo_before_leaving(library: Library, session: ReviewSession, read_key: KeyReader) -> bool:
    """No pair is left; the last answer may have been a slip: offer to take it back."""
    if not session.history:
        console.print("No pair left to review.")
        return False
    console.print("No pair left to review. [u]ndo last  [q]uit? ", end="", markup=False)
    if read_key() != "u":
        return False
    _undo(library, session)
    return True


def run_review_loop(library: Library, read_key: KeyReader) -> ReviewSession:
    """Show pairs best first until none is left or the person quits; answer each key at once."""
    session = ReviewSession()
    while True:
        found = _next_pair(library, session)
        if found is None:
            if _undo_before_leaving(library, session, read_key):
                continue
            break
        pair, left = found
        _show(library, pair, left)
        key = read_key()
        if key == "q":
            break
        if key in ("a", "r"):
            _answer(library, session, pair, key)
        elif key == "s":
            session.skipped.add(pair.pair_id)
            session.history.append((pair.pair_id, None))
        elif key == "u":
            _undo(library, session)
        else:
            session.show_first = pair.pair_id
            console.print(f"{key!r} is not a key here; {KEYS}", markup=False)
    return session
