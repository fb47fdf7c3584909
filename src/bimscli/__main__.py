"""``python -m bimscli``: the same as the ``bims`` command."""

from __future__ import annotations

from bimscli.cli.app import main

if __name__ == "__main__":
    main()
