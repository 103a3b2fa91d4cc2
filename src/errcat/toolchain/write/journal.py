"""Staging, the journal that commits a write, applying it, and recovering what a kill left.

Everything a write puts down before its commit point lives in the staging directory
``<root>/.errcat-write/``: the new files under ``files/``, the built directory under
``build/``. The journal, ``journal.json``, is written beside its place and renamed into it,
so it exists whole or not at all; it lists the files to replace and to remove, the
directories to keep, and the built directory to swap in. Its presence is the commit:
:func:`recover` finishes a write that has one and throws away one that has none.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from errcat.toolchain.write.faults import (
    WriteError,
    fix,
    in_the_way_directory,
    io_fault,
    not_a_directory,
    reason,
    unfinished,
)
from errcat.toolchain.write.paths import STAGE, check_relative, parent
from errcat.toolchain.write.plan import Plan

__all__ = ["Step", "apply", "commit_point", "no_step", "record", "recover", "remove_tree", "stage"]

_JOURNAL = "journal.json"
_JOURNAL_FORMAT = 1
_JOURNAL_LIMIT = 64 * 1024 * 1024  # far more than the paths of any site; a larger file is not a journal
#: Called with the name of each step just before it is taken (tests stop a run there).
Step = Callable[[str], None]


def no_step(name: str) -> None:
    """The :data:`Step` of a run that nobody watches."""


# --- stage ---------------------------------------------------------------------------------------


def stage(plan: Plan, files: Mapping[str, str], root: Path, whole: bool, step: Step) -> None:
    """Write each changed file (and, for a build, a link to each unchanged one) below the stage."""
    staged = root / STAGE / "files"
    try:
        staged.mkdir(parents=True)
    except OSError as exc:
        raise io_fault(root / STAGE, exc, "create") from None
    made: set[str] = {""}
    for path, mode in plan.changed:
        step(f"stage {path}")
        _make_parents(staged, path, made)
        try:
            _write_bytes(staged / path, files[path].encode("utf-8"), mode)
        except OSError as exc:
            raise io_fault(root / path, exc) from None
    if not whole:
        return
    for path in plan.unchanged:  # the builder reads the whole project; unchanged files are linked
        step(f"link {path}")
        _make_parents(staged, path, made)
        try:
            os.link(root / path, staged / path)
        except OSError:
            try:
                _write_bytes(staged / path, files[path].encode("utf-8"), 0o644)
            except OSError as exc:
                raise io_fault(root / path, exc, "copy") from None


def _make_parents(staged: Path, path: str, made: set[str]) -> None:
    directory = parent(path)
    if directory not in made:
        try:
            (staged / directory).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise io_fault(staged / directory, exc, "create") from None
        made.add(directory)


def _write_bytes(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, mode)


# --- the journal ---------------------------------------------------------------------------------


def record(root: Path, plan: Plan, own: Sequence[str], build: str | None, step: Step) -> dict[str, Any]:
    """Write the journal of ``plan`` beside its place in the stage; the journal, to apply once committed.

    ``build`` is the directory a build swaps in, if any. Nothing is committed yet.
    """
    journal = {
        "format": _JOURNAL_FORMAT,
        "replace": [path for path, _ in plan.changed],
        "remove": plan.removed,
        "keep": list(own),
        "build": build,
    }
    step("journal")
    stage_dir = root / STAGE
    try:
        _write_bytes(stage_dir / (_JOURNAL + ".tmp"), json.dumps(journal, indent=1).encode(), 0o600)
    except OSError as exc:
        raise _cannot_record(stage_dir, exc) from None
    return journal


def commit_point(root: Path) -> None:
    """Rename the journal :func:`record` wrote into place: from here on, every output is the new one.

    When that fails, nothing has changed, and the stage is removed.
    """
    stage_dir = root / STAGE
    try:
        os.replace(stage_dir / (_JOURNAL + ".tmp"), stage_dir / _JOURNAL)
    except OSError as exc:
        remove_tree(stage_dir)
        raise _cannot_record(stage_dir, exc) from None


def _cannot_record(stage_dir: Path, exc: OSError) -> WriteError:
    return WriteError(stage_dir, f"cannot record the write: {reason(exc)}", fix(exc), exc.errno or 0)


def _read_journal(path: Path) -> dict[str, Any]:
    problem = WriteError(
        path,
        "is not a record of a write errcat can finish (damaged, or from another version)",
        f"check the outputs, remove {path.parent} and run the command again",
    )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as journal:
            if not stat.S_ISREG(os.fstat(journal.fileno()).st_mode):
                raise problem
            data = json.loads(journal.read(_JOURNAL_LIMIT))
    except (OSError, ValueError, RecursionError):
        raise problem from None
    if not (
        isinstance(data, dict)
        and data.get("format") == _JOURNAL_FORMAT
        and all(isinstance(data.get(key), list) for key in ("replace", "remove", "keep"))
        and all(isinstance(p, str) for key in ("replace", "remove", "keep") for p in data[key])
        and (data.get("build") is None or isinstance(data.get("build"), str))
    ):
        raise problem
    try:
        for key in ("replace", "remove", "keep"):
            for entry in data[key]:
                check_relative(entry)
        if data["build"] is not None:
            check_relative(data["build"])
    except ValueError:
        raise problem from None
    return data


# --- apply and recover ---------------------------------------------------------------------------


def recover(root: Path, *, step: Step | None = None) -> bool:
    """Finish or undo a write that was interrupted under ``root``; whether there was one.

    The caller holds the lock (:func:`~errcat.toolchain.write.commit` does;
    :func:`~errcat.toolchain.write.locked` takes it).
    """
    step = step or no_step
    stage_dir = root / STAGE
    if not os.path.lexists(stage_dir):
        return False
    journal_path = stage_dir / _JOURNAL
    if not os.path.lexists(journal_path):
        step("roll back")
        remove_tree(stage_dir)  # never committed: the old outputs are all there
        if os.path.lexists(stage_dir):
            raise WriteError(
                stage_dir,
                "cannot remove what an interrupted errcat left here",
                f"remove {stage_dir} by hand and run the command again",
            )
        return True
    apply(root, _read_journal(journal_path), step)
    return True


def apply(root: Path, journal: Mapping[str, Any], step: Step, *, clean: bool = True) -> None:
    """Carry out a committed write; every step is skipped once done, so running it again is safe.

    The journal goes last; then (with ``clean``) the staging directory, which without a
    journal holds nothing that counts. What stops it (something put in the way since the
    plan, or since a kill) is a :class:`WriteError` at the path at fault; the journal
    stays, and the next run finishes the write once that is fixed.
    """
    stage_dir = root / STAGE
    made: set[str] = {""}
    for path in journal["replace"]:
        staged = stage_dir / "files" / path
        if not os.path.lexists(staged):
            continue  # moved into place by an earlier attempt
        step(f"replace {path}")
        directory = parent(path)
        if directory not in made:
            with _finishing(root / directory, "create"):
                _make_directories(root, directory)
            made.add(directory)
        with _finishing(root / path, "replace"):
            os.replace(staged, root / path)
    for path in journal["remove"]:
        if os.path.lexists(root / path):
            step(f"remove {path}")
            with _finishing(root / path, "remove"):
                (root / path).unlink()
    _prune(root, journal["remove"], journal["keep"], step)
    if journal["build"] is not None:
        output, new, old = root / journal["build"], stage_dir / "build", stage_dir / "old"
        if os.path.lexists(new):
            if os.path.lexists(output):
                if os.path.lexists(old):
                    remove_tree(old)
                step(f"set aside {journal['build']}")
                with _finishing(output, "replace"):
                    os.rename(output, old)
            step(f"swap in {journal['build']}")
            with _finishing(output, "replace"):
                os.rename(new, output)
    step("clean")
    with _finishing(stage_dir / _JOURNAL, "remove"):
        os.unlink(stage_dir / _JOURNAL)
    if clean:
        remove_tree(stage_dir)


@contextlib.contextmanager
def _finishing(path: Path, doing: str) -> Iterator[None]:
    """A fault of a committed write, at ``path`` (met trying to ``doing`` it), as one located line."""
    try:
        yield
    except WriteError as exc:
        raise unfinished(exc) from None
    except IsADirectoryError:
        raise unfinished(in_the_way_directory(path)) from None
    except OSError as exc:
        raise unfinished(io_fault(path, exc, doing)) from None


def _make_directories(root: Path, directory: str) -> None:
    """Make ``root/directory`` and the parents it lacks; a :class:`WriteError` at what stands in the way."""
    current = root
    for part in directory.split("/") if directory else []:
        current = current / part
        try:
            os.mkdir(current)
        except FileExistsError:
            if not os.path.isdir(current):  # a file, or a link to no directory
                raise not_a_directory(current, root / directory) from None
        except OSError as exc:
            raise io_fault(current, exc, "create") from None


def _prune(root: Path, removed: Iterable[str], keep: Iterable[str], step: Step) -> None:
    """Remove the directories that removing files left empty, deepest first, up to ``keep`` or the root.

    A link put where such a directory was is no directory of errcat's, and stays.
    """
    kept = set(keep) | {""}
    emptied = {parent(path) for path in removed} - kept
    while emptied:
        directory = max(emptied, key=lambda d: (d.count("/"), d))
        emptied.discard(directory)
        if os.path.islink(root / directory):
            continue
        try:
            if os.listdir(root / directory):
                continue
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise unfinished(io_fault(root / directory, exc, "read")) from None
        step(f"prune {directory}")
        with _finishing(root / directory, "remove"):
            (root / directory).rmdir()
        above = parent(directory)
        if above not in kept:
            emptied.add(above)


def remove_tree(path: Path) -> None:
    """Remove ``path`` and everything below it, as far as can be; never raises.

    A directory someone made unwritable inside the stage (a copy of a read-only output)
    is made writable first. What cannot be removed stays for :func:`recover` to report.
    """

    def retry(function: Callable[..., Any], name: str, info: Any) -> None:
        for directory in (os.path.dirname(name), name):
            with contextlib.suppress(OSError):
                if os.path.isdir(directory) and not os.path.islink(directory):
                    os.chmod(directory, stat.S_IMODE(os.lstat(directory).st_mode) | stat.S_IRWXU)
        with contextlib.suppress(OSError):
            if os.path.isdir(name) and not os.path.islink(name):
                shutil.rmtree(name, ignore_errors=True)
            else:
                os.unlink(name)

    if os.path.isdir(path) and not os.path.islink(path):
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=retry)
        else:
            shutil.rmtree(path, onerror=retry)
    else:
        with contextlib.suppress(OSError):
            os.unlink(path)
