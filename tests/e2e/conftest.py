"""What the end-to-end tests share: errcat built into a wheel once, fresh venvs, a command runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import ROOT


def run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def errcat_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """errcat itself, built into a wheel as a package index would hold it."""
    out = tmp_path_factory.mktemp("errcat-wheel")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT, cwd=ROOT)
    (wheel,) = out.glob("errcat-*.whl")
    return wheel


def fresh_venv(where: Path, *requirements: str) -> Path:
    """A new virtual environment under ``where`` with ``requirements`` installed; its python."""
    venv = where / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=where)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", *requirements, cwd=where)
    return python
