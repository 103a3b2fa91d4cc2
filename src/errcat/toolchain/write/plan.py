"""The plan of a write: what changes, and whether it can be done, before anything is written.

Every file is compared with the disk. Only what changes is checked: a directory where a
file goes or a file where a directory goes, a directory errcat may not write in or that is
on another file system, a generated file someone made read-only. Each directory a file is
written in, and each of its parents up to the root, is a directory or absent (then it is
made): a symbolic link to a directory is followed, one to nothing, to a file or round in a
loop is refused, since making the directory would fail only after the commit point. The
first of them is a :class:`~errcat.toolchain.write.faults.WriteError`, and nothing has been
written.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from errcat.toolchain.write.faults import (
    WriteError,
    in_the_way_directory,
    in_the_way_file,
    io_fault,
    link_kind,
    not_a_directory,
)
from errcat.toolchain.write.paths import check_relative, parent

__all__ = ["Plan", "plan", "stale"]


@dataclass(slots=True)
class Plan:
    """What a write changes, by path relative to its root."""

    changed: list[tuple[str, int]]  # (path, the mode it gets)
    unchanged: list[str]
    removed: list[str]


def plan(files: Mapping[str, str], root: Path, own: Sequence[str], build_output: str | None) -> Plan:
    """What the write changes; :class:`WriteError` for the first thing that stands in its way.

    ``build_output`` is the directory a build swaps in, if any. Only what changes is
    checked for permission: a read-only directory whose files are already right is no
    obstacle.
    """
    device = os.stat(root).st_dev
    new_mode = 0o666 & ~_umask()
    directories: dict[str, None] = {}  # directories already found fit to write in

    def fit(directory: str) -> None:
        _fit_directory(root, directory, device, directories)

    fit("")  # the stage is made there
    found = Plan([], [], [])
    for path in sorted(files):
        target = root / path
        try:
            status = os.lstat(target)
        except OSError as exc:
            fit(parent(path))  # names what stands in the way of its directories: a file, a link to nothing
            if not isinstance(exc, (FileNotFoundError, NotADirectoryError)):
                raise io_fault(target, exc, "look at") from None
            found.changed.append((path, new_mode))
            continue
        if stat.S_ISDIR(status.st_mode):
            raise in_the_way_directory(target)
        if not stat.S_ISREG(status.st_mode):
            raise WriteError(
                target,
                "is not a regular file (a link, a pipe, a socket or a device), where errcat writes one",
                "move it away and run the command again",
            )
        if _read_bytes(target) == files[path].encode("utf-8"):
            found.unchanged.append(path)
            continue
        _refuse_read_only(target, status)
        fit(parent(path))
        found.changed.append((path, stat.S_IMODE(status.st_mode)))
    found.removed = stale(root, own, files)
    for path in found.removed:
        status = os.lstat(root / path)
        if stat.S_ISREG(status.st_mode):
            _refuse_read_only(root / path, status)
        fit(parent(path))
    for directory in _emptied(root, found.removed, own):
        fit(parent(directory))  # where it is removed from
    if build_output is not None:
        check_relative(build_output)
        output = root / build_output
        fit(parent(build_output))
        _fit_build_output(output)
    return found


def _fit_build_output(output: Path) -> None:
    """Check that the built directory can be swapped in at ``output``: absent, or a writable directory.

    The build output is swapped in as a whole (one rename), so what is inside the old one
    is errcat's to replace, a file someone made read-only included: it is a build, made
    again from the pages each time, as MkDocs itself empties its output. A symbolic link
    there is refused, even to a directory: the rename would replace the link itself and
    leave what it points to as it was.
    """
    try:
        status = os.lstat(output)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise io_fault(output, exc, "look at") from None
    if stat.S_ISLNK(status.st_mode):
        aside = " (it would replace the link, not what the link points to)" if output.is_dir() else ""
        raise WriteError(
            output,
            f"is {link_kind(output)}, where errcat puts the built directory as a whole{aside}",
            "remove the link and run the command again (the built directory goes in its place)",
            errno.ENOTDIR,
        )
    if not stat.S_ISDIR(status.st_mode):
        raise in_the_way_file(output, output)
    if not os.access(output, os.W_OK):
        raise WriteError(
            output,
            "cannot replace it: permission denied (a directory is moved only when writable)",
            "make it writable (chmod u+w) or remove it",
            errno.EACCES,
        )


def stale(root: Path, own: Sequence[str], files: Mapping[str, str]) -> list[str]:
    """Every file below the ``own`` directories that ``files`` does not name, sorted."""
    found = []
    for top in own:
        for directory, _, names in os.walk(root / top):
            relative = Path(directory).relative_to(root).as_posix()
            found += [f"{relative}/{name}" for name in names]
    return sorted(path for path in found if path not in files)


def _emptied(root: Path, removed: Sequence[str], keep: Iterable[str]) -> list[str]:
    """The directories that removing ``removed`` leaves empty (and so removes), deepest first."""
    kept = set(keep) | {""}
    gone = set(removed)
    emptied: list[str] = []
    candidates = {parent(path) for path in removed} - kept
    while candidates:
        directory = max(candidates, key=lambda d: (d.count("/"), d))
        candidates.discard(directory)
        try:
            names = os.listdir(root / directory)
        except OSError:
            continue
        if all(f"{directory}/{name}" in gone for name in names):
            emptied.append(directory)
            gone.add(directory)
            if (above := parent(directory)) not in kept:
                candidates.add(above)
    return emptied


def _fit_directory(root: Path, directory: str, device: int, seen: dict[str, None]) -> None:
    """Check that errcat can put files in ``root/directory`` (made when missing), on the same file system.

    Each part of the way is a directory (a symbolic link to one is followed) or absent (made,
    with the parts below it, when a file is written there); a file, or a link to no
    directory, is named.
    """
    if directory in seen:
        return
    parts = directory.split("/") if directory else []
    existing = root
    for index in range(len(parts)):
        candidate = root.joinpath(*parts[: index + 1])
        try:
            status = os.lstat(candidate)  # its parent is a directory: only candidate itself can be a link
            if stat.S_ISLNK(status.st_mode):
                status = os.stat(candidate)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.lexists(candidate):  # a link to nothing
                raise not_a_directory(candidate, root / directory) from None
            break  # absent: made, with everything below it
        except OSError as exc:
            if os.path.islink(candidate):  # a loop of links, or one errcat cannot follow
                raise not_a_directory(candidate, root / directory) from None
            raise io_fault(candidate, exc, "look at") from None
        if not stat.S_ISDIR(status.st_mode):
            raise not_a_directory(candidate, root / directory)
        existing = candidate
    status = os.stat(existing)
    if status.st_dev != device:
        raise WriteError(
            existing,
            f"is on another file system than {root}, so errcat cannot replace its files in one step",
            "keep the generated outputs on one file system (no mount point below the output root)",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        if _read_only_file_system(existing):
            raise WriteError(
                existing,
                "cannot write in it: the file system is read-only",
                "write the outputs somewhere writable",
                errno.EROFS,
            )
        raise WriteError(
            existing,
            "cannot write in it: permission denied",
            "make it writable (chmod u+w) or write the outputs somewhere else",
            errno.EACCES,
        )
    seen[directory] = None


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise io_fault(path, exc, "read") from None


def _refuse_read_only(target: Path, status: os.stat_result) -> None:
    """A generated file someone made read-only is left alone, and the write refused."""
    if status.st_mode & 0o222 == 0 or not os.access(target, os.W_OK):
        raise WriteError(
            target,
            "is read-only, so errcat leaves it as it is and writes nothing",
            "make it writable (chmod u+w) to let errcat update it, or leave the catalog as it was",
            errno.EACCES,
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
