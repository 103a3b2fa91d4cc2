"""Writing generated files: atomically, or not at all (``--check``).

:func:`write` works in two phases. First every changed file is written to a
temporary file beside its target; if any of that fails (a full disk, a
read-only directory), the temporary files are removed and no output has
changed. Then each temporary file replaces its target with :func:`os.replace`,
which is atomic: a reader sees the old file or the new one, never half of one.
Files whose bytes are already right are left alone (their modification time too).

:func:`check` writes nothing; it reports every file that is missing or differs,
with a unified diff.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Drift", "check", "write"]


@dataclass(frozen=True, slots=True)
class Drift:
    """A generated file that is missing or differs from what the catalog produces."""

    path: str
    diff: str  # a unified diff from the file on disk to the fresh output


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None


def check(files: Mapping[str, str], root: Path) -> list[Drift]:
    """The files under ``root`` that differ from ``files`` (path -> text), sorted by path."""
    import difflib  # only --check needs it; plain generation skips the import

    drifts = []
    for path in sorted(files):
        current = _read(root / path)
        if current == files[path]:
            continue
        diff = "".join(
            difflib.unified_diff(
                (current or "").splitlines(keepends=True),
                files[path].splitlines(keepends=True),
                fromfile=f"a/{path}" if current is not None else "/dev/null",
                tofile=f"b/{path}",
            )
        )
        drifts.append(Drift(path, diff))
    return drifts


def write(files: Mapping[str, str], root: Path) -> list[str]:
    """Write ``files`` (path -> text) under ``root``; the paths that changed, sorted."""
    pending: list[tuple[str, Path]] = []  # (temporary file, target)
    try:
        for path in sorted(files):
            target = root / path
            data = files[path].encode("utf-8")
            try:
                if target.read_bytes() == data:
                    continue
                mode = target.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o666 & ~_umask()
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            pending.append((temporary, target))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(temporary, mode)
    except BaseException:
        for temporary, _ in pending:
            Path(temporary).unlink(missing_ok=True)
        raise
    for temporary, target in pending:
        os.replace(temporary, target)
    return sorted(str(target.relative_to(root)) for _, target in pending)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
