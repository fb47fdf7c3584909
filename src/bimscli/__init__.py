"""bims: a command-line reference ingester and tagger for biomedical literature curators."""

from __future__ import annotations

__version__ = "0.1.0"
