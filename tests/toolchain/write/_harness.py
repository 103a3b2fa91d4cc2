"""What the writer's tests share: a tree's exact state, a kill at step N, recovery as the next run does it.

The kill tests run a write in a forked child that SIGKILLs itself at step N (the writer
calls its ``step`` hook before each step); then the next run's first act, recovery, must
leave every output old or every output new, and no temporary file. The site's tests
(tests/toolchain/test_mkdocs.py) use the same helpers on ``errcat docs build``.
"""

from __future__ import annotations

import fcntl  # noqa: F401 (imported before any fork: the writer's lock uses it)
import itertools
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from errcat.toolchain.write import Step, locked, recover, write

State = dict[str, tuple[bytes, int] | None]  # path -> (bytes, mode), or None for a directory
#: The mode a symbolic link has in a :data:`State`; its bytes are where it points.
LINK = -1


def state(root: Path) -> State:
    """Every file (bytes and mode), link and directory below ``root``: temporaries and leftovers show up too.

    A symbolic link is where it points (with the mode :data:`LINK`); what is below a link
    to a directory is not part of the tree.
    """
    found: State = {}
    if not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        status = path.lstat()
        if stat.S_ISLNK(status.st_mode):
            found[relative] = (os.fsencode(os.readlink(path)), LINK)
        elif stat.S_ISDIR(status.st_mode):
            found[relative] = None
        else:
            found[relative] = (path.read_bytes(), stat.S_IMODE(status.st_mode))
    return found


def written(files: Mapping[str, str], root: Path) -> State:
    """Write ``files`` under ``root`` (made when missing); the state that leaves."""
    root.mkdir(parents=True, exist_ok=True)
    write(files, root)
    return state(root)


def restore(source: Path, target: Path) -> None:
    """Make ``target`` what ``source`` is (absent if it is), from hard links.

    The writer never changes a file in place (it writes new files and moves them), so
    linked copies of a state stay that state whatever a run does to the other copy.
    """
    shutil.rmtree(target, ignore_errors=True)
    if source.exists():
        shutil.copytree(source, target, copy_function=os.link)


def killed_at(index: int, action: Callable[[Step], object]) -> bool:
    """Run ``action`` in a forked child that is SIGKILLed at its step ``index``; whether it was killed.

    False means the action finished before reaching that step.
    """
    pid = os.fork()
    if pid == 0:  # the child: no pytest teardown, no cleanup of any kind when it dies
        try:
            counter = itertools.count()

            def step(name: str) -> None:
                if next(counter) == index:
                    os.kill(os.getpid(), signal.SIGKILL)

            action(step)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the writer failed in the child"
    return False


def steps_of(action: Callable[[Step], object]) -> list[str]:
    """The names of the steps ``action`` takes, in order."""
    names: list[str] = []
    action(names.append)
    return names


def each_kind(names: list[str]) -> list[int]:
    """The first and the last step of each kind (``stage``, ``replace``...), and the end: a kill at each.

    Removing directories costs milliseconds apiece on some disks (a built site has many);
    the slow variants kill at every step.
    """
    kinds: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        kinds.setdefault(name.split(" ")[0], []).append(index)
    return sorted({i for found in kinds.values() for i in (found[0], found[-1])} | {len(names)})


def recover_now(root: Path, step: Step | None = None) -> None:
    """What the next run does first: take the lock and finish or undo an interrupted write."""
    with locked(root):
        recover(root, step=step)


def unprivileged() -> list[str]:
    """A command prefix under which permissions hold, also for root (which bypasses them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs util-linux's setpriv to test permission faults")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def generate(project: Path, *prefix: str, preexec_fn: Callable[[], None] | None = None) -> tuple[int, str]:
    """The real ``errcat generate`` in ``project``: its status and its stderr (never a traceback)."""
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "errcat", "generate"],
        cwd=project,
        capture_output=True,
        text=True,
        preexec_fn=preexec_fn,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr
