"""Where the library lives: ``--library``, else ``BIMS_LIBRARY``, else a per-user default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

LIBRARY_ENV = "BIMS_LIBRARY"
DEFAULT_NAME = "library.sqlite"


def default_library_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/bims/library.sqlite``, else ``~/.local/share/bims/library.sqlite``.

    >>> str(default_library_path({"XDG_DATA_HOME": "/data"}))
    '/data/bims/library.sqlite'
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bims" / DEFAULT_NAME


def resolve_library_path(option: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The library file to use, by the documented order of precedence.

    >>> str(resolve_library_path(None, {"BIMS_LIBRARY": "/tmp/x.sqlite"}))
    '/tmp/x.sqlite'
    >>> str(resolve_library_path("mine.sqlite", {"BIMS_LIBRARY": "/tmp/x.sqlite"}))
    'mine.sqlite'
    """
    env = os.environ if environ is None else environ
    if option:
        return Path(option).expanduser()
    if env.get(LIBRARY_ENV):
        return Path(env[LIBRARY_ENV]).expanduser()
    return default_library_path(env)
