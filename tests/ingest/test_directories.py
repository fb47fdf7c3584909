"""A directory ingest reads the directory's own regular files, and says what it left out."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from bimscli.ingest import FileStatus, ingest_sources
from bimscli.ingest.sources import collect_sources
from bimscli.store import Library

GOOD = "#testlines\na|First paper|10.1000/a\n"


def _by_name(root: Path, names: list[str]) -> dict[str, str | None]:
    return {Path(s.name).relative_to(root).as_posix(): s.skipped for s in collect_sources(names)}


@pytest.mark.usefixtures("test_format")
@pytest.mark.timeout(60)
def test_a_fifo_in_a_directory_is_skipped_not_waited_on(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "1-good.txt").write_text(GOOD)
    os.mkfifo(folder / "2-pipe")  # no writer: opening it would block for ever
    report = ingest_sources(library, collect_sources([str(folder)]))
    good, pipe = report.files
    assert good.status is FileStatus.ADDED
    assert pipe.status is FileStatus.SKIPPED
    assert pipe.error == "a FIFO (named pipe), not a file; skipped"
    assert report.exit_code == 0


def test_sockets_are_skipped_too(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.sock"))
        assert _by_name(tmp_path, [str(tmp_path)]) == {"s.sock": "a socket, not a file; skipped"}
    finally:
        server.close()


def test_links_are_followed_only_inside_the_directory_named(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0\n")
    root = tmp_path / "inbox"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(GOOD)
    (root / "to-secret.txt").symlink_to(outside / "secret.txt")
    (root / "to-outside").symlink_to(outside)
    (root / "to-a.txt").symlink_to(root / "sub" / "a.txt")
    (root / "sub" / "loop").symlink_to(root)
    (root / "broken.txt").symlink_to(root / "nowhere")
    found = _by_name(root, [str(root)])
    assert found == {
        "broken.txt": "a broken symbolic link; skipped",
        "sub/a.txt": None,
        "sub/loop": f"a link to {root.resolve()}, already read (through a link); not read",
        "to-a.txt": None,
        "to-outside": f"a link to {outside.resolve()}, outside {root}; not read "
        "(name it on the command line to read it)",
        "to-secret.txt": f"a link to {(outside / 'secret.txt').resolve()}, outside {root}; "
        "not read (name it on the command line to read it)",
    }
    # Named on the command line, a link is the user's choice.
    (named,) = collect_sources([str(root / "to-secret.txt")])
    assert named.skipped is None


@pytest.mark.usefixtures("test_format")
def test_skipped_paths_are_reported_and_change_no_exit_code(
    library: Library, tmp_path: Path
) -> None:
    root = tmp_path / "inbox"
    root.mkdir()
    (root / "good.txt").write_text(GOOD)
    (root / "passwd").symlink_to("/etc/passwd")
    report = ingest_sources(library, collect_sources([str(root)]))
    assert [f.status for f in report.files] == [FileStatus.ADDED, FileStatus.SKIPPED]
    assert "outside" in (report.files[1].error or "")
    assert report.exit_code == 0
    assert library.count_source_records() == 1


def test_a_folder_reached_twice_is_read_once(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    (root / "2025-06").mkdir(parents=True)
    (root / "2025-06" / "a.txt").write_text(GOOD)
    (root / "0-latest").symlink_to(root / "2025-06")  # sorts first: read through the link
    found = _by_name(root, [str(root)])
    assert found == {
        "0-latest/a.txt": None,
        "2025-06": "a folder, already read (through a link); not read",
    }
