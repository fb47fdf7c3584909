"""Fixtures of the CLI tests that talk to the replay server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replay_server import ReplayServer, replay_server, services_env

__all__ = ["replay_server", "services_env"]


@pytest.fixture
def env(
    services_env: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ReplayServer:
    """The replay server, a fresh library and a fresh HTTP cache for the CLI."""
    monkeypatch.setenv("BIMS_LIBRARY", str(tmp_path / "library.sqlite"))
    monkeypatch.setenv("BIMS_CACHE_DIR", str(tmp_path / "cache"))
    return services_env
