"""``--check``: which generated files are missing, differ, or should be gone; nothing is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from errcat.toolchain.write.faults import in_the_way_directory, io_fault
from errcat.toolchain.write.lock import locked
from errcat.toolchain.write.plan import stale

__all__ = ["Drift", "check"]


@dataclass(frozen=True, slots=True)
class Drift:
    """A generated file that is missing or differs from what the catalog produces."""

    path: str
    diff: str  # a unified diff from the file on disk to the fresh output


def check(files: Mapping[str, str], root: Path, *, own: Sequence[str] = ()) -> list[Drift]:
    """The files under ``root`` that differ from ``files`` (path -> text), sorted by path.

    ``own`` names directories that hold generated files only, as for
    :func:`~errcat.toolchain.write.commit`: each file below them that ``files`` does not
    name follows, sorted, as one that should no longer exist.
    """
    import difflib  # only --check needs it; plain generation skips the import

    drifts = []
    with locked(root, shared=True):
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
        for path in stale(root, own, files):
            drifts.append(Drift(path, f"--- a/{path}\n+++ /dev/null\n(no longer generated)\n"))
    return drifts


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a file where a parent directory should be: the output is missing
        return None
    except IsADirectoryError:
        raise in_the_way_directory(path) from None
    except OSError as exc:
        raise io_fault(path, exc, "read") from None
