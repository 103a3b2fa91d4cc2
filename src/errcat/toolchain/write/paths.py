"""The paths a write works with: the staging directory below its root, and the paths it may write."""

from __future__ import annotations

from pathlib import PurePosixPath

__all__ = ["STAGE", "check_relative", "parent"]

#: The staging directory of a write in progress, directly below its root.
STAGE = ".errcat-write"


def check_relative(path: str) -> None:
    """Refuse (``ValueError``) a path that is not a plain relative path below the root, or is in the stage."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or ".." in pure.parts or pure.parts[0] == STAGE or "\\" in path:
        raise ValueError(f"not a path errcat writes: {path!r}")


def parent(path: str) -> str:
    """The directory part of a relative path ('' for a file directly in the root)."""
    return path.rpartition("/")[0]
