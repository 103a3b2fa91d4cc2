"""What stands in a write's way, as one :class:`WriteError`: where, what went wrong, what to do.

Every I/O fault a write meets (a full disk, a file size limit, permissions, a read-only file
system, a file where a directory belongs or the other way round, a symbolic link to nothing)
becomes one of these, so that the command says one located line instead of a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = [
    "WriteError",
    "fix",
    "in_the_way_directory",
    "in_the_way_file",
    "io_fault",
    "link_kind",
    "not_a_directory",
    "reason",
    "unfinished",
]


class WriteError(OSError):
    """An output cannot be written; ``path`` is where, ``problem`` what, ``fix`` what to do."""

    def __init__(self, path: Path, problem: str, fix: str, code: int = 0) -> None:
        super().__init__(code, problem)
        self.path = path
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}; {self.fix}"


def io_fault(path: Path, exc: OSError, doing: str = "write") -> WriteError:
    """The :class:`WriteError` of ``exc``, met while trying to ``doing`` (a verb) ``path``."""
    return WriteError(path, f"cannot {doing} it: {reason(exc)}", fix(exc), exc.errno or 0)


def reason(exc: OSError) -> str:
    """What went wrong, in words a person reads on one line."""
    reasons = {
        errno.EFBIG: "the file is larger than the file size limit of this process",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc)).replace("\n", " ")


def fix(exc: OSError) -> str:
    """What to do about ``exc`` before running the command again."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some space and run the command again"
    if exc.errno == errno.EFBIG:
        return "raise the limit (ulimit -f) and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "fix the permissions and run the command again"
    if exc.errno == errno.EROFS:
        return "write the outputs somewhere writable"
    return "fix that and run the command again"


def in_the_way_directory(path: Path) -> WriteError:
    """``path`` is a directory where errcat writes a file."""
    return WriteError(
        path,
        "is a directory, where errcat writes a generated file",
        "move it away and run the command again",
        errno.EISDIR,
    )


def in_the_way_file(path: Path, needed: Path) -> WriteError:
    """``path`` is a file where errcat needs a directory: ``needed``, or one of its parents."""
    return WriteError(
        path,
        f"is a file, where errcat needs {_needed(path, needed)}",
        "move it away and run the command again",
        errno.ENOTDIR,
    )


def not_a_directory(path: Path, needed: Path) -> WriteError:
    """``path`` stands where errcat needs a directory (``needed``, or one of its parents), and is none.

    A file, or a symbolic link that leads to no directory: to nothing, to a file, round in
    a loop. A link to a directory is a directory, and no fault.
    """
    link = link_kind(path)
    if link is None:
        return in_the_way_file(path, needed)
    return WriteError(
        path,
        f"is {link}, where errcat needs {_needed(path, needed)}",
        "remove the link (or point it to a directory) and run the command again",
        errno.ENOTDIR,
    )


def link_kind(path: Path) -> str | None:
    """The symbolic link ``path`` in words ("a symbolic link to x, which does not exist"); None if no link."""
    try:
        target = os.readlink(path)
    except OSError:
        return None
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return f"a symbolic link to {target}, which does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"a symbolic link to {target}, a loop of links that leads nowhere"
        return f"a symbolic link to {target}, which cannot be followed: {reason(exc)}"
    if stat.S_ISDIR(status.st_mode):
        return f"a symbolic link to the directory {target}"
    return f"a symbolic link to {target}, which is not a directory"


def _needed(path: Path, needed: Path) -> str:
    if path == needed or not needed.is_relative_to(path.parent):
        return "a directory"
    return f"the directory {needed.relative_to(path.parent).as_posix()}"  # from where the line starts


def unfinished(fault: WriteError) -> WriteError:
    """``fault``, met after the commit point: the next run finishes the write once it is fixed."""
    return WriteError(
        fault.path,
        f"{fault.problem}, so the committed write cannot be finished",
        f"{fault.fix}: it finishes the write before anything else",
        fault.errno or 0,
    )
