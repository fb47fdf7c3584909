"""Data shipped with bims: tag rule sets (``rules/*.toml``)."""
