"""``--check``: every file that is missing, differs or should be gone, and a file in the way as one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from errcat.cli import main
from errcat.toolchain.write import WriteError, check, commit


def test_generate_check_reports_a_directory_in_the_way_as_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "src/acme_errors/models.py").unlink()
    (project / "src/acme_errors/models.py").mkdir()
    monkeypatch.chdir(project)
    assert main(["generate", "--check"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "src/acme_errors/models.py: error: is a directory, where errcat writes a generated file; "
        "move it away and run the command again\n"
    )


def test_check_reads_nothing_it_should_not(tmp_path: Path) -> None:
    assert check({"a.txt": "a"}, tmp_path / "missing") != []  # a missing root: every file is missing
    (tmp_path / "file").write_text("x")
    assert [d.path for d in check({"file/a.txt": "a"}, tmp_path)] == ["file/a.txt"]
    with pytest.raises(WriteError, match="is a directory"):
        (tmp_path / "d.txt").mkdir()
        check({"d.txt": "x"}, tmp_path)


def test_check_names_what_a_commit_would_remove_below_its_own_directories(tmp_path: Path) -> None:
    files = {"gen/a.txt": "a\n", "gen/sub/b.txt": "b\n", "top.txt": "t\n"}
    commit(files, tmp_path, own=("gen",))
    (tmp_path / "mine.txt").write_text("not generated")
    assert check(files, tmp_path, own=("gen",)) == []
    fewer = {"gen/a.txt": "a2\n", "top.txt": "t\n"}
    drifts = check(fewer, tmp_path, own=("gen",))
    assert [d.path for d in drifts] == ["gen/a.txt", "gen/sub/b.txt"]  # changed first, then gone
    assert drifts[1].diff == "--- a/gen/sub/b.txt\n+++ /dev/null\n(no longer generated)\n"
    assert [d.path for d in check(fewer, tmp_path)] == ["gen/a.txt"]  # without own, nothing is stale
    commit(fewer, tmp_path, own=("gen",))
    assert check(fewer, tmp_path, own=("gen",)) == []  # and the commit removed what check named
