"""What hostile servers cost ``bims add``: wall time, exit code and peak memory per case.

Runs the installed ``bims add --source crossref DOI`` in a child process (its own library and
cache) against the replay server of the tests, once answering normally (the floor) and once per
hostile answer: a gigabyte streamed with and without a Content-Length, gzip bombs of 1 and
10 GiB, a body and headers dripped a byte at a time, a stall, a redirect to file://, a redirect
loop, JSON nested 100,000 deep. Limits are the defaults (64 MiB an answer, 30 s per wait) except
the deadline, set to 5 s by BIMS_HTTP_DEADLINE so that the drips and the stall end in seconds
(the default is 120 s). Prints each case's wall time and peak RSS (from ``wait4``), each as a
ratio to the floor, and the problem the child reported.

Run from the project root: PYTHONPATH=src:. python benchmarks/hostile_servers.py
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.replay_server import (
    SEED_DOIS,
    ReplayServer,
    Scripted,
    gzip_bomb,
    zeros,
)

DOI = SEED_DOIS[0]
WORK_PATH = f"/crossref/works/{DOI}"
GIB = 1 << 30
CASES: list[tuple[str, list[Scripted]]] = [
    ("floor: a normal answer", []),
    ("1 GiB, no Content-Length", [Scripted(stream=zeros(GIB))]),
    (
        "1 GiB, Content-Length given",
        [Scripted(stream=zeros(GIB), headers={"Content-Length": str(GIB)})],
    ),
    (
        "gzip bomb, 1 GiB expanded",
        [Scripted(stream=gzip_bomb(GIB), headers={"Content-Encoding": "gzip"})],
    ),
    (
        "gzip bomb, 10 GiB expanded",
        [Scripted(stream=gzip_bomb(10 * GIB), headers={"Content-Encoding": "gzip"})],
    ),
    ("body dripped 1 byte/20 ms", [Scripted(stream=lambda: itertools.repeat(b" "), gap=0.02)]),
    ("headers dripped 1 byte/100 ms", [Scripted(body=b"{}", drip_head=True, gap=0.1)]),
    ("stalled", [Scripted(delay=600)] * 10),
    ("redirect to file://", [Scripted(302, headers={"Location": "file:///etc/passwd"})]),
    ("redirect loop", [Scripted(302, headers={"Location": WORK_PATH})]),
    ("JSON nested 100,000 deep", [Scripted(body=b"[" * 100_000 + b"]" * 100_000)]),
]


def _bims() -> str:
    found = shutil.which("bims") or str(Path(sys.executable).parent / "bims")
    return found


def _run_case(
    server: ReplayServer, answers: list[Scripted], home: Path
) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MiB, exit code and problem line of one ``bims add``."""
    server.script("GET", WORK_PATH, *answers)
    env = {
        **os.environ,
        "BIMS_LIBRARY": str(home / "library.sqlite"),
        "BIMS_CACHE_DIR": str(home / "cache"),
        "BIMS_CROSSREF_URL": server.url + "/crossref",
        "BIMS_HTTP_DEADLINE": "5",
    }
    started = time.perf_counter()
    child = subprocess.Popen(
        [_bims(), "add", "--source", "crossref", DOI],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    said = [line for line in output.splitlines() if "problem:" in line] or [""]
    return wall, usage.ru_maxrss / 1024, child.returncode, said[0][:150]


def main() -> None:
    rows: list[tuple[str, float, float, int, str]] = []
    for name, answers in CASES:
        server = ReplayServer()  # a fresh one: a case's unused answers must not reach the next
        server.start()
        try:
            with tempfile.TemporaryDirectory() as home:
                rows.append((name, *_run_case(server, answers, Path(home))))
        finally:
            server.stop()
    floor_wall, floor_rss = rows[0][1], rows[0][2]
    print(f"{'case':30} {'exit':>4} {'wall s':>7} {'x floor':>7} {'RSS MiB':>8} {'x floor':>7}")
    for name, wall, rss, code, last in rows:
        ratios = f"{wall / floor_wall:7.1f} {rss:8.0f} {rss / floor_rss:7.2f}"
        print(f"{name:30} {code:4} {wall:7.2f} {ratios}")
        if code != 0:
            print(f"    {last}")


if __name__ == "__main__":
    main()
