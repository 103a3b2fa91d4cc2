"""The lock of an output root: one writer at a time, and readers that never see a write half done."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from errcat.toolchain.write.faults import WriteError, io_fault, not_a_directory, reason

__all__ = ["locked"]


class locked:  # a context manager used like a function: with locked(root): ...
    """Hold a ``flock`` on the directory ``root`` (exclusive, or ``shared`` for readers).

    The lock is the open directory itself, so there is no lock file to leave behind; the
    kernel releases it when the process ends, however it ends. With ``create`` the
    directory is made first when missing. A missing root with nothing to read needs no lock.
    """

    def __init__(self, root: Path, *, shared: bool = False, create: bool = False) -> None:
        self._root = root
        self._shared = shared
        self._create = create
        self._fd = -1

    def __enter__(self) -> int:
        # A writer that made the root and then failed removes it again; one that waited for
        # its lock meanwhile holds a directory no longer there, and takes the lock anew.
        while True:
            fd = self._open()
            if fd < 0:
                return fd
            self._lock(fd)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self._root))
            except OSError:
                same = False
            if same:
                self._fd = fd
                return fd
            os.close(fd)

    def _open(self) -> int:
        if self._create:
            try:
                self._root.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise not_a_directory(_file_in_the_way(self._root), self._root) from None
            except OSError as exc:
                raise io_fault(self._root, exc, "create") from None
        try:
            return os.open(self._root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except FileNotFoundError:
            if self._create:
                raise
            return -1
        except NotADirectoryError:
            raise not_a_directory(_file_in_the_way(self._root), self._root) from None
        except OSError as exc:
            raise io_fault(self._root, exc, "open") from None

    def _lock(self, fd: int) -> None:
        if sys.platform == "win32":
            return
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_SH if self._shared else fcntl.LOCK_EX)
        except OSError as exc:
            os.close(fd)
            raise WriteError(
                self._root,
                f"cannot lock it against a second errcat: {reason(exc)}",
                "write the outputs to a local file system",
                exc.errno or 0,
            ) from None

    def __exit__(self, *exc: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = -1


def _file_in_the_way(path: Path) -> Path:
    """The nearest of ``path`` and its parents that exists (the file or link where a directory belongs)."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return path
