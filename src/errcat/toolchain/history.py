"""A catalog file as it was at a git revision (``errcat diff --against``, ``errcat check --against``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["HistoryError", "file_at"]


class HistoryError(Exception):
    """git could not give the file at that revision; the message says why."""


def file_at(ref: str, path: Path) -> bytes:
    """The bytes of ``path`` at the git revision ``ref`` of the repository that holds it."""
    file = path.resolve()
    try:
        shown = subprocess.run(
            ["git", "-C", str(file.parent), "show", f"{ref}:./{file.name}"],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise HistoryError(f"cannot run git: {exc.strerror or exc}") from None
    if shown.returncode != 0:
        reason = shown.stderr.decode(errors="replace").strip()
        raise HistoryError(f"cannot read {path} at {ref}: {reason}")
    return shown.stdout
