"""A write as one transaction: :func:`commit` takes the steps of the other modules in order.

lock, recover, plan, stage, (build), journal, commit point, apply, clean: the package's
docstring says what each step does and why the order keeps the outputs all old or all new.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from errcat.toolchain.write.journal import (
    Step,
    apply,
    commit_point,
    no_step,
    record,
    recover,
    remove_tree,
    stage,
)
from errcat.toolchain.write.lock import locked
from errcat.toolchain.write.paths import STAGE, check_relative
from errcat.toolchain.write.plan import plan

__all__ = ["Build", "Written", "commit", "write"]


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
    ``build.output`` in the same transaction. :class:`~errcat.toolchain.write.WriteError`
    says what stood in the way; when it is raised, nothing has changed.
    """
    step = step or no_step
    for path in files:
        check_relative(path)
    for top in own:
        check_relative(top)
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
    output = build.output if build is not None else None
    planned = plan(files, root, own, output)
    if not planned.changed and not planned.removed and build is None:
        return Written((), ())
    staged = root / STAGE
    try:
        stage(planned, files, root, build is not None, step)
        if build is not None:
            step("build")
            build.run(staged / "files", staged / "build", (lock,))
        journal = record(root, planned, own, output, step)
        step("commit")
    except BaseException:  # not committed: nothing has changed, and nothing is left
        remove_tree(staged)
        raise
    with _signals_held():  # Ctrl-C or SIGTERM take effect once every output is new
        commit_point(root)
        apply(root, journal, step, clean=False)
    remove_tree(staged)
    return Written(tuple(path for path, _ in planned.changed), tuple(planned.removed))


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
