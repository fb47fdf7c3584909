"""Fixtures of the network tests: the replay server and HTTP clients pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bimscli.net.http import HttpClient, HttpSettings
from tests.replay_server import other_replay_server, replay_server, services_env

__all__ = ["other_replay_server", "replay_server", "services_env"]

MakeClient = Callable[..., HttpClient]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """The on-disk HTTP cache of one test."""
    return tmp_path / "http-cache"


@pytest.fixture
def make_client(cache_dir: Path) -> Iterator[MakeClient]:
    """Builds HTTP clients with short backoff, closed after the test.

    The timeout is generous: the tests run on busy machines, where a local answer can take a
    second to arrive. Tests about timeouts pass their own short ``timeout`` and stall the server
    for much longer than it.
    """
    clients: list[HttpClient] = []

    def make(**overrides: object) -> HttpClient:
        settings: dict[str, object] = {
            "cache_dir": cache_dir,
            "timeout": 10.0,
            "backoff": 0.05,
            "max_retries": 3,
            "max_wait": 5.0,
        }
        settings.update(overrides)
        client = HttpClient(HttpSettings(**settings))  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
