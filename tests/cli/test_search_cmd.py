"""bims search and bims watch through the CLI, against the simulated services on 127.0.0.1."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from tests.replay_server import ReplayServer, replay_server, services_env
from tests.search.conftest import efetch_fails_from
from tests.search_replay import (
    RecordedEuropePmc,
    SimulatedPubMed,
    generated_articles,
    recorded_europepmc,
    simulated_pubmed,
)

__all__ = ["recorded_europepmc", "replay_server", "services_env", "simulated_pubmed"]

runner = CliRunner()
TOPIC = "bone metastases"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def env(services_env: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh library for the CLI; the services' URLs point at the replay server."""
    library = tmp_path / "library.sqlite"
    monkeypatch.setenv("BIMS_LIBRARY", str(library))
    return library


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["search", "pubmed"], id="search-pubmed"),
        pytest.param(["search", "europepmc"], id="search-europepmc"),
        pytest.param(["watch", "add"], id="watch-add"),
        pytest.param(["watch", "list"], id="watch-list"),
        pytest.param(["watch", "remove"], id="watch-remove"),
        pytest.param(["watch", "run"], id="watch-run"),
    ],
)
def test_every_subcommand_has_help_with_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: bims" in result.output
    assert not re.search(r"\{\w+\}|<\w+(\[\w+\])?>", result.output)  # names a person reads


def test_search_pubmed_stores_and_says_so(env: Path, simulated_pubmed: SimulatedPubMed) -> None:
    simulated_pubmed.articles = generated_articles(250, TOPIC, datetime(2025, 5, 1).date())
    result = runner.invoke(app, ["search", "pubmed", TOPIC, "--since", "2025-05-01"])
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert 'PubMed searched: "bone metastases"[All Fields] AND' in out
    assert "250 records found in pubmed (entered since 2025-05-01): stored 250 new" in out
    listing = json.loads(runner.invoke(app, ["list", "--json"]).output)
    assert len(listing) == 250


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["bad[xx"], 2, "PubMed rejected the query 'bad[xx'", id="rejected"),
        pytest.param(["--since", "2025-13-01", TOPIC], 2, "not a date: '2025-13-01'", id="date"),
    ],
)
def test_a_query_error_is_one_line(
    env: Path, simulated_pubmed: SimulatedPubMed, args: list[str], code: int, message: str
) -> None:
    simulated_pubmed.rejected["bad[xx"] = "Invalid query syntax"
    result = runner.invoke(app, ["search", "pubmed", *args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert [line for line in lines if not line.startswith("created a new library")] == [
        lines[-1]
    ]  # one line for the error (a new library says so too)


def test_an_empty_result(env: Path, simulated_pubmed: SimulatedPubMed) -> None:
    result = runner.invoke(app, ["search", "pubmed", "zzyzx"])
    assert result.exit_code == 0, result.output
    assert "no records found in pubmed (all dates); nothing stored" in _flat(result.output)
    assert "PubMed found nothing for 'zzyzx'" in _flat(result.output)


def test_a_service_that_is_down(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIMS_EUTILS_URL", "http://127.0.0.1:9/eutils")
    result = runner.invoke(app, ["search", "pubmed", TOPIC])
    assert result.exit_code == 1, result.output
    assert "bims: error: cannot connect to pubmed" in _flat(result.output)


def test_a_run_that_stops_half_way_exits_3(
    env: Path, simulated_pubmed: SimulatedPubMed, services_env: ReplayServer
) -> None:
    simulated_pubmed.articles = generated_articles(450, TOPIC, datetime(2025, 5, 1).date())
    services_env.handlers.insert(0, efetch_fails_from(400))
    result = runner.invoke(app, ["search", "pubmed", TOPIC])
    assert result.exit_code == 3, result.output
    out = _flat(result.output)
    assert "stored 400 new" in out
    assert "stopped after 400 of 450" in out
    assert "run again to fetch the rest" in out


def test_search_europepmc(env: Path, recorded_europepmc: RecordedEuropePmc) -> None:
    result = runner.invoke(app, ["search", "europepmc", "bone metastases electrochemotherapy"])
    assert result.exit_code == 0, result.output
    assert "5 records found in europepmc (all dates): stored 5 new" in _flat(result.output)


def test_the_watch_loop(env: Path, simulated_pubmed: SimulatedPubMed) -> None:
    today = datetime.now(UTC).date()
    simulated_pubmed.articles = generated_articles(30, TOPIC, today - timedelta(days=2))
    added = runner.invoke(app, ["watch", "add", "spine", "--pubmed", TOPIC])
    assert added.exit_code == 0, added.output
    dry = runner.invoke(app, ["watch", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "spine: 30 records found in pubmed (all dates); 30 would be new" in _flat(dry.output)
    first = runner.invoke(app, ["watch", "run"])
    assert first.exit_code == 0, first.output
    assert "spine: 30 records found in pubmed (all dates): stored 30 new" in _flat(first.output)
    second = runner.invoke(app, ["watch", "run", "spine"])
    assert second.exit_code == 0, second.output
    assert "stored 0 new, 30 already in the library" in _flat(second.output)
    listing = json.loads(runner.invoke(app, ["watch", "list", "--json"]).output)
    assert [(w["name"], w["query"]) for w in listing] == [("spine", TOPIC)]
    assert listing[0]["last_success_at"] is not None
    removed = runner.invoke(app, ["watch", "remove", "spine"])
    assert removed.exit_code == 0, removed.output
    assert runner.invoke(app, ["watch", "list"]).output.startswith("no watches yet")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["watch", "add", "x"], "one of --pubmed", id="no-query"),
        pytest.param(["watch", "add", "x", "--pubmed", "a", "--europepmc", "b"], "one of",
                     id="two-queries"),
        pytest.param(["watch", "run", "nope"], "no watch called 'nope'", id="unknown"),
    ],
)  # fmt: skip
def test_watch_mistakes_are_one_line(env: Path, args: list[str], message: str) -> None:
    runner.invoke(app, ["watch", "add", "other", "--pubmed", TOPIC])  # makes the library
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_running_no_watches_says_how_to_add_one(env: Path) -> None:
    missing = runner.invoke(app, ["watch", "run"])
    assert missing.exit_code == 2, missing.output
    assert "no library at" in _flat(missing.output)
    runner.invoke(app, ["watch", "add", "x", "--pubmed", TOPIC])
    runner.invoke(app, ["watch", "remove", "x"])
    result = runner.invoke(app, ["watch", "run"])
    assert result.exit_code == 2, result.output
    assert "no watches yet; add one with bims watch add NAME --pubmed 'QUERY'" in _flat(
        result.output
    )
