"""Writing generated files: all old or all new, even when errcat is killed halfway; or not at all.

A write is one transaction on an output root (the project for ``errcat generate``, the
site directory for ``errcat docs build``)::

    lock ──▶ recover ──▶ plan ──▶ stage ──▶ (build) ──▶ commit ──▶ apply ──▶ clean
                                                        │
                       before this point: the old outputs; after it: the new ones

1. **Lock**: an exclusive ``flock`` on the root directory itself, so a second errcat
   writing the same root waits for the first instead of racing it (no lock file is left).
2. **Recover** what an interrupted run left (below).
3. **Plan**: compare every file with the disk, and refuse, before anything is written,
   what cannot work: a directory where a file goes or a file where a directory goes, a
   directory errcat may not write in, another file system, a generated file made read-only.
4. **Stage** every changed file under ``<root>/.errcat-write/files/``, with its final mode.
5. **Build** (the site only): the builder reads a complete staged copy of the project and
   writes ``<root>/.errcat-write/build/``; if it fails, nothing has changed.
6. **Commit**: the journal ``<root>/.errcat-write/journal.json`` is written beside it and
   renamed into place, so it exists whole or not at all. It lists the files to replace and
   to remove and the built directory to swap in.
7. **Apply**: move each staged file over its target (``os.replace``), remove stale files
   and the directories they leave empty, swap the built directory in.
8. **Clean**: remove the journal, then the staging directory.

Recovery, the first thing every write does: with no journal, the interrupted run never
committed, so its staging directory is removed and every old output is as it was; with a
journal, it committed, so the apply step is run again (each of its moves is skipped once
done) and every output is new. Either way no temporary file is left. Between a kill and
the next run the files may be a mix; the next write, of any catalog, first finishes the
interrupted one. The protection is against the process being stopped at any point (kill
-9, Ctrl-C, a crash), not against the machine losing power: nothing is fsynced, which keeps
a site of thousands of pages quick to write; the outputs are committed to version control.

A generated file that is read-only (no write permission bit) is never replaced or removed:
errcat reports it and writes nothing, since someone protected it on purpose.

:func:`check` writes nothing; it reports every file that is missing or differs, with a
unified diff.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = [
    "STAGE",
    "Build",
    "Drift",
    "Step",
    "WriteError",
    "Written",
    "check",
    "commit",
    "io_fault",
    "locked",
    "recover",
    "write",
]

#: The staging directory of a write in progress, directly below its root.
STAGE = ".errcat-write"
_JOURNAL = "journal.json"
_JOURNAL_FORMAT = 1
_JOURNAL_LIMIT = 64 * 1024 * 1024  # far more than the paths of any site; a larger file is not a journal
#: Called with the name of each step just before it is taken (tests stop a run there).
Step = Callable[[str], None]


class WriteError(OSError):
    """An output cannot be written; ``path`` is where, ``problem`` what, ``fix`` what to do."""

    def __init__(self, path: Path, problem: str, fix: str, code: int = 0) -> None:
        super().__init__(code, problem)
        self.path = path
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}; {self.fix}"


@dataclass(frozen=True, slots=True)
class Drift:
    """A generated file that is missing or differs from what the catalog produces."""

    path: str
    diff: str  # a unified diff from the file on disk to the fresh output


@dataclass(frozen=True, slots=True)
class Build:
    """A directory built from the staged files, swapped in with them (the site's HTML).

    ``run(project, out, keep_fds)`` builds the staged ``project`` directory into ``out``.
    A child process it starts must keep ``keep_fds`` open (``subprocess``'s ``pass_fds``):
    they hold the lock, so that if errcat is killed during the build, the next run waits
    for the orphaned child to finish before it removes the staging directory.
    """

    output: str  # the built directory, relative to the root
    run: Callable[[Path, Path, tuple[int, ...]], None]


@dataclass(frozen=True, slots=True)
class Written:
    """What a write changed: the files written and the stale ones removed, sorted."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]


# --- check ---------------------------------------------------------------------------------------


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a file where a parent directory should be: the output is missing
        return None
    except IsADirectoryError:
        raise _in_the_way_directory(path) from None
    except OSError as exc:
        raise WriteError(path, f"cannot read it: {_reason(exc)}", _fix(exc), exc.errno or 0) from None


def check(files: Mapping[str, str], root: Path) -> list[Drift]:
    """The files under ``root`` that differ from ``files`` (path -> text), sorted by path."""
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
    return drifts


# --- write ---------------------------------------------------------------------------------------


def write(files: Mapping[str, str], root: Path, *, step: Step | None = None) -> list[str]:
    """Write ``files`` (path -> text) under ``root`` as one transaction; the paths that changed, sorted."""
    return list(commit(files, root, step=step).changed)


def commit(
    files: Mapping[str, str],
    root: Path,
    *,
    own: Sequence[str] = (),
    build: Build | None = None,
    step: Step | None = None,
) -> Written:
    """Make the files under ``root`` exactly ``files`` (path -> text), all at once.

    ``own`` names directories that hold generated files only: a file below one of them
    that ``files`` does not name is removed, and so are the directories it leaves empty
    (never the ``own`` directories themselves). With ``build``, ``files`` is a whole
    project: the builder reads a staged copy of it, and its output replaces
    ``build.output`` in the same transaction. :class:`WriteError` says what stood in the
    way; when it is raised, nothing has changed.
    """
    step = step or _no_step
    for path in files:
        _check_relative(path)
    for top in own:
        _check_relative(top)
    existed = os.path.lexists(root)
    with locked(root, create=True) as lock:
        try:
            return _commit(files, root, own, build, step, lock)
        except BaseException:
            if not existed:  # a root made for a write that failed goes again (when still empty)
                with contextlib.suppress(OSError):
                    root.rmdir()
            raise


def _commit(
    files: Mapping[str, str], root: Path, own: Sequence[str], build: Build | None, step: Step, lock: int
) -> Written:
    """:func:`commit`, with the lock held (its descriptor is ``lock``)."""
    recover(root, step=step)
    plan = _plan(files, root, own, build)
    if not plan.changed and not plan.removed and build is None:
        return Written((), ())
    stage = root / STAGE
    try:
        _stage(plan, files, root, build is not None, step)
        if build is not None:
            step("build")
            build.run(stage / "files", stage / "build", (lock,))
        journal = {
            "format": _JOURNAL_FORMAT,
            "replace": [path for path, _ in plan.changed],
            "remove": plan.removed,
            "keep": list(own),
            "build": build.output if build is not None else None,
        }
        step("journal")
        try:
            _write_bytes(stage / (_JOURNAL + ".tmp"), json.dumps(journal, indent=1).encode(), 0o600)
        except OSError as exc:
            raise WriteError(
                stage, f"cannot record the write: {_reason(exc)}", _fix(exc), exc.errno or 0
            ) from None
        step("commit")
    except BaseException:  # not committed: nothing has changed, and nothing is left
        _remove_tree(stage)
        raise
    with _signals_held():  # Ctrl-C or SIGTERM take effect once every output is new
        try:
            os.replace(stage / (_JOURNAL + ".tmp"), stage / _JOURNAL)  # the commit point
        except OSError as exc:
            _remove_tree(stage)
            raise WriteError(
                stage, f"cannot record the write: {_reason(exc)}", _fix(exc), exc.errno or 0
            ) from None
        _apply(root, journal, step, clean=False)
    _remove_tree(stage)
    return Written(tuple(path for path, _ in plan.changed), tuple(plan.removed))


def _no_step(name: str) -> None:
    pass


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP while the outputs are replaced (a few renames).

    A kill -9 cannot be held back; recovery covers that. Off the main thread, or where
    signal masks do not exist, nothing is held.
    """
    held = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _check_relative(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or ".." in pure.parts or pure.parts[0] == STAGE or "\\" in path:
        raise ValueError(f"not a path errcat writes: {path!r}")


# --- the lock ------------------------------------------------------------------------------------


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
                raise _in_the_way_file(_file_in_the_way(self._root), self._root) from None
            except OSError as exc:
                raise _cannot_create(self._root, exc) from None
        try:
            return os.open(self._root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except FileNotFoundError:
            if self._create:
                raise
            return -1
        except NotADirectoryError:
            raise _in_the_way_file(_file_in_the_way(self._root), self._root) from None
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
                f"cannot lock it against a second errcat: {_reason(exc)}",
                "write the outputs to a local file system",
                exc.errno or 0,
            ) from None

    def __exit__(self, *exc: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = -1


def _file_in_the_way(path: Path) -> Path:
    """The nearest of ``path`` and its parents that exists (the file where a directory belongs)."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return path


# --- plan ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    changed: list[tuple[str, int]]  # (path, the mode it gets)
    unchanged: list[str]
    removed: list[str]


def _plan(files: Mapping[str, str], root: Path, own: Sequence[str], build: Build | None) -> _Plan:
    """What the write changes; :class:`WriteError` for the first thing that stands in its way.

    Only what changes is checked for permission: a read-only directory whose files are
    already right is no obstacle.
    """
    device = os.stat(root).st_dev
    new_mode = 0o666 & ~_umask()
    directories: dict[str, None] = {}  # directories already found fit to write in

    def fit(directory: str) -> None:
        _fit_directory(root, directory, device, directories)

    fit("")  # the stage is made there
    plan = _Plan([], [], [])
    for path in sorted(files):
        target = root / path
        try:
            status = os.lstat(target)
        except (FileNotFoundError, NotADirectoryError):
            fit(_parent(path))  # names a file in the way of its directories
            plan.changed.append((path, new_mode))
            continue
        except OSError as exc:
            raise WriteError(
                target, f"cannot look at it: {_reason(exc)}", _fix(exc), exc.errno or 0
            ) from None
        if stat.S_ISDIR(status.st_mode):
            raise _in_the_way_directory(target)
        if not stat.S_ISREG(status.st_mode):
            raise WriteError(
                target,
                "is not a regular file (a link, a pipe, a socket or a device), where errcat writes one",
                "move it away and run the command again",
            )
        if _read_bytes(target) == files[path].encode("utf-8"):
            plan.unchanged.append(path)
            continue
        _refuse_read_only(target, status)
        fit(_parent(path))
        plan.changed.append((path, stat.S_IMODE(status.st_mode)))
    plan.removed = _stale(root, own, files)
    for path in plan.removed:
        status = os.lstat(root / path)
        if stat.S_ISREG(status.st_mode):
            _refuse_read_only(root / path, status)
        fit(_parent(path))
    for directory in _emptied(root, plan.removed, own):
        fit(_parent(directory))  # where it is removed from
    if build is not None:
        _check_relative(build.output)
        output = root / build.output
        fit(_parent(build.output))
        if os.path.lexists(output):
            if not output.is_dir():
                raise _in_the_way_file(output, output)
            if not os.path.islink(output) and not os.access(output, os.W_OK):
                raise WriteError(
                    output,
                    "cannot replace it: permission denied (a directory is moved only when writable)",
                    "make it writable (chmod u+w) or remove it",
                    errno.EACCES,
                )
    return plan


def _emptied(root: Path, removed: Sequence[str], keep: Iterable[str]) -> list[str]:
    """The directories that removing ``removed`` leaves empty (and so removes), deepest first."""
    kept = set(keep) | {""}
    gone = set(removed)
    emptied: list[str] = []
    candidates = {_parent(path) for path in removed} - kept
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
            if (parent := _parent(directory)) not in kept:
                candidates.add(parent)
    return emptied


def _parent(path: str) -> str:
    """The directory part of a relative path ('' for a file directly in the root)."""
    return path.rpartition("/")[0]


def _fit_directory(root: Path, directory: str, device: int, seen: dict[str, None]) -> None:
    """Check that errcat can put files in ``root/directory`` (made when missing), on the same file system."""
    if directory in seen:
        return
    parts = directory.split("/") if directory else []
    existing = root
    for index in range(len(parts)):
        candidate = root.joinpath(*parts[: index + 1])
        try:
            status = os.stat(candidate)
        except FileNotFoundError:
            break
        except NotADirectoryError:
            break  # reported below, at the file in the way
        except OSError as exc:
            raise WriteError(
                candidate, f"cannot look at it: {_reason(exc)}", _fix(exc), exc.errno or 0
            ) from None
        if not stat.S_ISDIR(status.st_mode):
            raise _in_the_way_file(candidate, root / directory)
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
        raise WriteError(path, f"cannot read it: {_reason(exc)}", _fix(exc), exc.errno or 0) from None


def _refuse_read_only(target: Path, status: os.stat_result) -> None:
    """A generated file someone made read-only is left alone, and the write refused."""
    if status.st_mode & 0o222 == 0 or not os.access(target, os.W_OK):
        raise WriteError(
            target,
            "is read-only, so errcat leaves it as it is and writes nothing",
            "make it writable (chmod u+w) to let errcat update it, or leave the catalog as it was",
            errno.EACCES,
        )


def _stale(root: Path, own: Sequence[str], files: Mapping[str, str]) -> list[str]:
    """Every file below the ``own`` directories that ``files`` does not name, sorted."""
    found = []
    for top in own:
        for directory, _, names in os.walk(root / top):
            relative = Path(directory).relative_to(root).as_posix()
            found += [f"{relative}/{name}" for name in names]
    return sorted(path for path in found if path not in files)


# --- stage ---------------------------------------------------------------------------------------


def _stage(plan: _Plan, files: Mapping[str, str], root: Path, whole: bool, step: Step) -> None:
    """Write each changed file (and, for a build, a link to each unchanged one) below the stage."""
    staged = root / STAGE / "files"
    try:
        staged.mkdir(parents=True)
    except OSError as exc:
        raise _cannot_create(root / STAGE, exc) from None
    made: set[str] = {""}
    for path, mode in plan.changed:
        step(f"stage {path}")
        _make_parents(staged, path, made)
        try:
            _write_bytes(staged / path, files[path].encode("utf-8"), mode)
        except OSError as exc:
            raise WriteError(
                root / path, f"cannot write it: {_reason(exc)}", _fix(exc), exc.errno or 0
            ) from None
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
                raise WriteError(
                    root / path, f"cannot copy it: {_reason(exc)}", _fix(exc), exc.errno or 0
                ) from None


def _make_parents(staged: Path, path: str, made: set[str]) -> None:
    parent = _parent(path)
    if parent not in made:
        try:
            (staged / parent).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _cannot_create(staged / parent, exc) from None
        made.add(parent)


def _write_bytes(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, mode)


# --- apply and recover ---------------------------------------------------------------------------


def recover(root: Path, *, step: Step | None = None) -> bool:
    """Finish or undo a write that was interrupted under ``root``; whether there was one.

    The caller holds the lock (:func:`commit` does; :func:`locked` takes it).
    """
    step = step or _no_step
    stage = root / STAGE
    if not os.path.lexists(stage):
        return False
    journal_path = stage / _JOURNAL
    if not os.path.lexists(journal_path):
        step("roll back")
        _remove_tree(stage)  # never committed: the old outputs are all there
        if os.path.lexists(stage):
            raise WriteError(
                stage,
                "cannot remove what an interrupted errcat left here",
                f"remove {stage} by hand and run the command again",
            )
        return True
    _apply(root, _read_journal(journal_path), step)
    return True


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
                _check_relative(entry)
        if data["build"] is not None:
            _check_relative(data["build"])
    except ValueError:
        raise problem from None
    return data


def _apply(root: Path, journal: Mapping[str, Any], step: Step, *, clean: bool = True) -> None:
    """Carry out a committed write; every step is skipped once done, so running it again is safe.

    The journal goes last; then (with ``clean``) the staging directory, which without a
    journal holds nothing that counts.
    """
    stage = root / STAGE
    try:
        made: set[str] = {""}
        for path in journal["replace"]:
            staged = stage / "files" / path
            if not os.path.lexists(staged):
                continue  # moved into place by an earlier attempt
            step(f"replace {path}")
            parent = _parent(path)
            if parent not in made:
                (root / parent).mkdir(parents=True, exist_ok=True)
                made.add(parent)
            os.replace(staged, root / path)
        for path in journal["remove"]:
            if os.path.lexists(root / path):
                step(f"remove {path}")
                (root / path).unlink()
        _prune(root, journal["remove"], journal["keep"], step)
        if journal["build"] is not None:
            output, new, old = root / journal["build"], stage / "build", stage / "old"
            if os.path.lexists(new):
                if os.path.lexists(output):
                    if os.path.lexists(old):
                        _remove_tree(old)
                    step(f"set aside {journal['build']}")
                    os.rename(output, old)
                step(f"swap in {journal['build']}")
                os.rename(new, output)
        step("clean")
        os.unlink(stage / _JOURNAL)
    except OSError as exc:
        raise WriteError(
            root / STAGE,
            f"the write was committed but could not be finished: {_reason(exc)}",
            "fix that and run the command again: it finishes the write before anything else",
            exc.errno or 0,
        ) from None
    if clean:
        _remove_tree(stage)


def _prune(root: Path, removed: Iterable[str], keep: Iterable[str], step: Step) -> None:
    """Remove the directories that removing files left empty, deepest first, up to ``keep`` or the root."""
    kept = set(keep) | {""}
    emptied = {_parent(path) for path in removed} - kept
    while emptied:
        directory = max(emptied, key=lambda d: (d.count("/"), d))
        emptied.discard(directory)
        try:
            if os.listdir(root / directory):
                continue
        except (FileNotFoundError, NotADirectoryError):
            continue
        step(f"prune {directory}")
        (root / directory).rmdir()
        parent = _parent(directory)
        if parent not in kept:
            emptied.add(parent)


def _remove_tree(path: Path) -> None:
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


# --- messages ------------------------------------------------------------------------------------


def io_fault(path: Path, exc: OSError, doing: str = "write") -> WriteError:
    """The :class:`WriteError` of ``exc``, met while trying to ``doing`` (a verb) ``path``."""
    return WriteError(path, f"cannot {doing} it: {_reason(exc)}", _fix(exc), exc.errno or 0)


def _reason(exc: OSError) -> str:
    reasons = {
        errno.EFBIG: "the file is larger than the file size limit of this process",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc)).replace("\n", " ")


def _fix(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some space and run the command again"
    if exc.errno == errno.EFBIG:
        return "raise the limit (ulimit -f) and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "fix the permissions and run the command again"
    if exc.errno == errno.EROFS:
        return "write the outputs somewhere writable"
    return "fix that and run the command again"


def _in_the_way_directory(path: Path) -> WriteError:
    return WriteError(
        path,
        "is a directory, where errcat writes a generated file",
        "move it away and run the command again",
        errno.EISDIR,
    )


def _in_the_way_file(path: Path, needed: Path) -> WriteError:
    """``path`` is a file where errcat needs a directory: ``needed``, or one of its parents."""
    if path == needed or not needed.is_relative_to(path.parent):
        what = "a directory"
    else:  # named from where the file is, as the line starts with the file
        what = f"the directory {needed.relative_to(path.parent).as_posix()}"
    return WriteError(
        path,
        f"is a file, where errcat needs {what}",
        "move it away and run the command again",
        errno.ENOTDIR,
    )


def _cannot_create(path: Path, exc: OSError) -> WriteError:
    return WriteError(path, f"cannot create it: {_reason(exc)}", _fix(exc), exc.errno or 0)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
