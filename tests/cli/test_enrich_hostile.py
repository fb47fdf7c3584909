"""bims add and bims enrich against hostile servers: no key leaks, one line, a clean exit code."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.formats.base import SourceFormat
from tests.replay_server import (
    REPLAY,
    SEED_DOIS,
    ReplayServer,
    Scripted,
    entity_bomb,
    gzip_bomb,
    replay_server,
    services_env,
    zeros,
)

__all__ = ["replay_server", "services_env"]

runner = CliRunner()
NCBI_KEY = "NCBI-KEY-cli-5e4d3c2b1a09"  # fake keys the test looks for
S2_KEY = "S2-KEY-cli-0a1b2c3d4e5f"
MAIL = "curator+cli@example.org"
DOI = SEED_DOIS[0]
WORK_PATH = f"/crossref/works/{DOI}"


def _stored(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())


def test_bims_add_through_redirects_leaks_no_key(
    env: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NCBI_API_KEY", NCBI_KEY)
    monkeypatch.setenv("S2_API_KEY", S2_KEY)
    monkeypatch.setenv("BIMS_MAILTO", MAIL)
    echo = Scripted(302, headers={"Location": "/moved{path}?{query}"}, echo=True)
    for path in ("/eutils/esearch.fcgi", "/eutils/efetch.fcgi", WORK_PATH):
        env.script("GET", path, *[echo] * 5)
    env.script("GET", f"/crossref/works/{SEED_DOIS[1]}", echo)
    env.script("POST", "/s2/paper/batch", *[Scripted(307, headers=echo.headers, echo=True)] * 5)
    result = runner.invoke(app, ["add", DOI, "40481102"])
    assert result.exit_code == 0, result.output
    assert "added as work 1" in result.output
    moved = {r.path.split("/")[2] for r in env.requests_to("/moved")}
    assert moved == {"eutils", "crossref", "s2"}  # every service redirected, and followed
    stored = _stored(tmp_path)
    assert b"Electrochemotherapy" in stored  # library and cache are readable as bytes
    for secret in (NCBI_KEY, S2_KEY, MAIL):
        for spelling in {secret, quote_plus(secret), quote(secret, safe="")}:
            assert spelling.encode() not in stored, spelling
            assert spelling not in result.output


def _redirect(to: str) -> Scripted:
    return Scripted(302, headers={"Location": to})


HOSTILE = [
    pytest.param(
        [Scripted(stream=zeros(1 << 30))], {}, r"more than 1 MiB \(as sent\)", id="1-gigabyte"
    ),
    pytest.param(
        [Scripted(stream=gzip_bomb(1 << 30), headers={"Content-Encoding": "gzip"})],
        {},
        r"more than 1 MiB \(once expanded\)",
        id="gzip-bomb",
    ),
    pytest.param(
        [Scripted(stream=lambda: itertools.repeat(b" "), gap=0.02)],
        {"BIMS_HTTP_DEADLINE": "1"},
        "no complete answer within 1 s",
        id="drip",
    ),
    pytest.param(
        [Scripted(delay=30)] * 10,
        {"BIMS_HTTP_DEADLINE": "1", "BIMS_HTTP_TIMEOUT": "0.3"},
        "no complete answer within 1 s",
        id="stall",
    ),
    pytest.param(
        [_redirect("file:///etc/passwd")], {}, "redirected to file:///etc/passwd", id="file-url"
    ),
    pytest.param([_redirect(WORK_PATH)], {}, "redirects in a loop", id="redirect-loop"),
    pytest.param(
        [Scripted(body=b"[" * 100_000 + b"]" * 100_000)],
        {},
        "JSON nested more than 100 levels deep",
        id="nested-json",
    ),
    pytest.param([Scripted(400, body=b"no")], {}, "answered HTTP 400", id="http-400"),
]


@pytest.mark.parametrize(("answers", "limits", "message"), HOSTILE)
def test_a_hostile_answer_ends_in_one_line_and_exit_code_3(
    answers: list[Scripted],
    limits: dict[str, str],
    message: str,
    env: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BIMS_HTTP_MAX_ANSWER_MB", "1")
    for name, value in limits.items():
        monkeypatch.setenv(name, value)
    env.script("GET", WORK_PATH, *answers)
    started = time.monotonic()
    result = runner.invoke(app, ["add", "--source", "crossref", DOI])
    assert time.monotonic() - started < 10
    assert result.exit_code == 3, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    (problem,) = [line for line in result.output.splitlines() if "problem:" in line]
    assert re.search(message, problem), problem


def test_bad_limit_settings_are_a_usage_error(
    env: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIMS_HTTP_DEADLINE", "soon")
    result = runner.invoke(app, ["add", "--source", "crossref", DOI])
    assert result.exit_code == 2
    assert "BIMS_HTTP_DEADLINE must be a positive number, not 'soon'" in result.output
    assert env.requests == []


def test_bims_add_of_a_doi_answered_about_another_keeps_nothing(env: ReplayServer) -> None:
    other = (REPLAY / "crossref" / f"{DOI.replace('/', '_')}.json").read_bytes()
    env.script("GET", "/crossref/works/10.5555/x", Scripted(body=other))
    result = runner.invoke(app, ["add", "--source", "crossref", "10.5555/x"])
    assert result.exit_code == 3, result.output
    (conflict,) = [line for line in result.output.splitlines() if "conflict:" in line]
    assert f"the answer is about {DOI}; nothing was added" in conflict
    assert json.loads(runner.invoke(app, ["list", "--json"]).output) == []


def test_an_efetch_declaring_entities_is_reported_and_the_run_goes_on(
    env: ReplayServer, test_format: SourceFormat, tmp_path: Path
) -> None:
    path = tmp_path / "dois.txt"
    path.write_text("#testlines\n" + "".join(f"{n}||{d}\n" for n, d in enumerate(SEED_DOIS)))
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    env.script("GET", "/eutils/efetch.fcgi", Scripted(body=entity_bomb()))
    result = runner.invoke(app, ["enrich"])
    assert result.exit_code == 3, result.output  # a problem of one answer, not of the run
    (problem,) = [line for line in result.output.splitlines() if "problem:" in line]
    assert "pubmed: GET" in problem
    assert "DOCTYPE that declares its own entities" in problem
    assert "added 18 source records" in " ".join(result.output.split())  # Crossref and S2
    assert env.requests_to("/s2")  # the service after PubMed was still asked
