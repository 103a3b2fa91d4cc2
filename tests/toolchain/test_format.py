"""The ruff post-step: formatted bytes, located failures, and no directory left by a killed run."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from errcat.toolchain.format import FormattingError, format_python, sweep_leftovers


def _leftovers(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.startswith("errcat-format-")]


def test_modules_come_back_formatted_by_path() -> None:
    formatted = format_python({"a/x.py": "x=( 1,2 )\n", "b/x.pyi": "def f( ) -> int :...\n"})
    assert formatted == {"a/x.py": "x = (1, 2)\n", "b/x.pyi": "def f() -> int: ...\n"}


def test_a_module_ruff_cannot_parse_is_named_by_its_path_and_line() -> None:
    with pytest.raises(FormattingError, match=re.escape("Failed to parse pkg/broken.py:1:5")):
        format_python({"pkg/broken.py": "def (:\n"})


def test_the_directories_of_dead_runs_are_swept_and_no_others(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead = tmp_path / f"errcat-format-{int(finished.stdout)}-abc"
    alive = tmp_path / f"errcat-format-{os.getpid()}-def"  # this process: a run under way
    foreign = tmp_path / "errcat-format-nopid"
    other = tmp_path / "something-else"
    for directory in (dead, alive, foreign, other):
        directory.mkdir()
        (directory / "module0.py").write_text("x = 1\n")
    sweep_leftovers(str(tmp_path))
    assert not dead.exists()
    assert alive.exists() and foreign.exists() and other.exists()


def test_a_run_killed_while_ruff_works_leaves_what_the_next_run_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = (
        "import time\n"
        "from errcat.toolchain.format import start_formatting\n"
        "start_formatting({'x.py': 'x = 1\\n'})\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert child.stdout is not None and child.stdout.readline() == "started\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert _leftovers(tmp_path), "the killed run left nothing behind to sweep"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert format_python({"y.py": "y=2\n"}) == {"y.py": "y = 2\n"}
    assert _leftovers(tmp_path) == []
