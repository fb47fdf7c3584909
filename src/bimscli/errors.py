"""The one error hierarchy of bims.

Every error a user can cause is a :class:`BimsError`. The CLI turns it into a one-line message
and an exit code at a single place; library code never prints or exits.
"""

from __future__ import annotations


class BimsError(Exception):
    """Base class of every error bims reports to a user."""

    exit_code = 1


class UsageError(BimsError, ValueError):
    """The user asked for something that cannot be done as asked (bad option, unknown id)."""

    exit_code = 2


class InputError(BimsError, ValueError):
    """An input file cannot be read at all (not text, wrong encoding, unknown format)."""

    exit_code = 1


class FormatNotRecognisedError(InputError):
    """No parser recognised an input."""


class UnsafeInputError(InputError):
    """An input tries something bims refuses to do (XML entity expansion, a DTD, network)."""


class LibraryError(BimsError):
    """The SQLite library is missing, locked for too long, or from a newer bims."""


class NotFoundError(UsageError, LookupError):
    """A work, record or tag named by the user does not exist."""


class RuleError(UsageError):
    """A tag rule or query does not parse; the message shows where."""


class NetworkError(BimsError):
    """An online service could not be reached or answered badly."""


class NotCachedError(NetworkError):
    """Offline, and the answer is not in the cache."""


class ServiceUnavailableError(NetworkError):
    """A service could not be reached or kept failing: asking it again now is pointless."""


class UnusableAnswerError(NetworkError):
    """One answer was refused (too large, malformed, not about what was asked); a service's
    other answers may be fine."""


class QueryRejectedError(UsageError):
    """An online service refused a search query (a syntax error, an unknown field)."""
