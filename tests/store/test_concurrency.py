"""Two bims processes ingesting into one library at the same time both land everything."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bimscli.store import Library

ROOT = Path(__file__).resolve().parents[2]

# Each process registers the test-only line format and ingests its own file.
_INGEST = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{src!r}, {root!r}]
    import bimscli.formats
    from tests.conftest import TEST_FORMAT
    bimscli.formats.FORMATS = (*bimscli.formats.FORMATS, TEST_FORMAT)
    from bimscli.ingest import ingest_sources
    from bimscli.ingest.sources import collect_sources
    from bimscli.store import Library
    with Library.open(__import__("pathlib").Path(sys.argv[1])) as library:
        report = ingest_sources(library, collect_sources(sys.argv[2:]))
    sys.exit(report.exit_code)
    """
)


def test_two_processes_ingest_into_one_library(library_path: Path, tmp_path: Path) -> None:
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.txt"
        lines = [f"{name}{i}|Title {name} {i}|10.1000/{name}.{i}" for i in range(20000)]
        path.write_text("#testlines\n" + "\n".join(lines) + "\n")
        files.append(path)
    script = _INGEST.format(src=str(ROOT / "src"), root=str(ROOT))
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(library_path), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    with Library.open(library_path) as library:
        assert library.count_source_records() == 40000
        assert library.count_works() == 40000
        assert sorted(r.name for r in library.inputs()) == sorted(str(p) for p in files)
