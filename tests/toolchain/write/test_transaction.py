"""A write as one transaction: only what differs changes, modes are kept, stale files go, nothing is left."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from tests.toolchain.write._harness import state

from errcat.toolchain.write import STAGE, commit, write


def test_write_changes_only_what_differs_keeps_modes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    files = {"a.txt": "a\n", "sub/deeper/b.txt": "b\n", "c.sh": "#!/bin/sh\n"}
    assert write(files, tmp_path) == ["a.txt", "c.sh", "sub/deeper/b.txt"]
    (tmp_path / "c.sh").chmod(0o755)
    before = (tmp_path / "a.txt").stat().st_mtime_ns
    time.sleep(0.01)
    assert write({**files, "c.sh": "#!/bin/sh\nexit 0\n"}, tmp_path) == ["c.sh"]
    assert (tmp_path / "a.txt").stat().st_mtime_ns == before  # unchanged files are left alone
    assert stat.S_IMODE((tmp_path / "c.sh").stat().st_mode) == 0o755  # a replaced file keeps its mode
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o666 & ~_umask()
    assert write({**files, "c.sh": "#!/bin/sh\nexit 0\n"}, tmp_path) == []
    assert sorted(state(tmp_path)) == ["a.txt", "c.sh", "sub", "sub/deeper", "sub/deeper/b.txt"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_commit_removes_stale_files_below_owned_directories_only(tmp_path: Path) -> None:
    commit({"docs/a.md": "a", "docs/x/y/b.md": "b", "keep.txt": "k"}, tmp_path, own=("docs",))
    (tmp_path / "mine.txt").write_text("not generated")
    done = commit({"docs/a.md": "a2", "keep.txt": "k"}, tmp_path, own=("docs",))
    assert (done.changed, done.removed) == (("docs/a.md",), ("docs/x/y/b.md",))
    assert sorted(state(tmp_path)) == ["docs", "docs/a.md", "keep.txt", "mine.txt"]
    done = commit({"keep.txt": "k"}, tmp_path, own=("docs",))
    assert sorted(state(tmp_path)) == ["docs", "keep.txt", "mine.txt"]  # the owned directory stays


def test_paths_outside_the_root_are_refused(tmp_path: Path) -> None:
    for path in ("../x", "/etc/x", f"{STAGE}/files/x", ""):
        with pytest.raises(ValueError, match="not a path errcat writes"):
            write({path: "x"}, tmp_path)
