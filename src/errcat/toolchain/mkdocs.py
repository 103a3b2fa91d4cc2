"""The site's writer and build step: rendered files to disk, then the real ``mkdocs build --strict``.

:func:`write_site` writes what :func:`errcat.toolchain.render.site.render_site` produced under
the site directory and removes generated files the catalog no longer produces, as one
transaction of :mod:`errcat.toolchain.write`; with ``build=True`` the HTML is built by MkDocs
from a staged copy of the new pages and swapped into ``build/`` in the same transaction, so the
pages and the HTML are all old or all new, and a failed build changes nothing.
:func:`check_site` writes nothing and reports drift. :func:`build_site` runs MkDocs in a child
process, so what it checks is exactly what ``mkdocs build --strict`` checks. :func:`serve_site`
runs ``mkdocs serve`` for authors, renders the pages again when the catalog changes, and never
leaves the child behind (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from errcat.toolchain.write import Build, Drift, Step, WriteError, check, commit, io_fault

__all__ = ["BUILD_DIR", "BuildFailed", "SiteBuild", "build_site", "check_site", "serve_site", "write_site"]

#: Generated files live under these parts of the site directory; anything else there is a stale output.
GENERATED_DIRS = ("docs",)
#: Where ``write_site(..., build=True)`` puts the built HTML, below the site directory.
BUILD_DIR = "build"


class BuildFailed(Exception):
    """``mkdocs build --strict`` failed; the message holds its output."""


@dataclass(frozen=True, slots=True)
class SiteBuild:
    """What a write changed: the files written and the stale ones removed; the built HTML, if built."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]
    output: Path | None = None


def write_site(
    files: Mapping[str, str], site_dir: Path, *, build: bool = False, step: Step | None = None
) -> SiteBuild:
    """Write ``files`` under ``site_dir``, remove the generated files no longer produced, and build.

    ``files`` is the whole MkDocs project. With ``build``, MkDocs builds it (from a staged
    copy) into ``site_dir/build``, in the same transaction as the pages. Raises
    :class:`~errcat.toolchain.write.WriteError` when the files cannot be written and
    :class:`BuildFailed` when MkDocs refuses the pages; either way nothing has changed.
    """

    def run(project: Path, output: Path, keep_fds: tuple[int, ...]) -> None:
        _run_build(project, output, keep_fds, shown=site_dir / BUILD_DIR)

    written = commit(
        files, site_dir, own=GENERATED_DIRS, build=Build(BUILD_DIR, run) if build else None, step=step
    )
    return SiteBuild(written.changed, written.removed, site_dir / BUILD_DIR if build else None)


def check_site(files: Mapping[str, str], site_dir: Path) -> list[Drift]:
    """The generated files that are missing, differ, or should no longer exist; writes nothing."""
    return check(files, site_dir, own=GENERATED_DIRS)


def _mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def _environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material's end-of-life banner


def build_site(site_dir: Path, output: Path | None = None) -> Path:
    """Run ``mkdocs build --strict`` on the project in ``site_dir``; the HTML goes to ``output``.

    The build step alone, in place (``output`` is emptied first): what tests and benchmarks
    build in directories of their own. ``errcat docs build`` uses ``write_site(..., build=True)``.
    """
    output = output or site_dir / BUILD_DIR
    if output.exists():
        shutil.rmtree(output)
    _run_build(site_dir, output, ())
    return output


def _run_build(site_dir: Path, output: Path, keep_fds: tuple[int, ...], shown: Path | None = None) -> None:
    """``mkdocs build --strict`` of ``site_dir`` into ``output``; its complaints as :class:`BuildFailed`.

    When MkDocs dies of an I/O error (a full disk while it copies the theme's assets), that
    is a :class:`~errcat.toolchain.write.WriteError` at the file it could not write (named
    where it would end up, ``shown``), not MkDocs' traceback. Another traceback is cut to
    its last line.
    """
    # Not --quiet: it drops the warnings before --strict can count them, and the build passes.
    done = subprocess.run(
        _mkdocs("build", "--strict", "-f", str(site_dir / "mkdocs.yml"), "-d", str(output.resolve())),
        capture_output=True,
        text=True,
        env=_environment(),
        pass_fds=keep_fds,
        check=False,
    )
    if done.returncode == 0:
        return
    said = [line for line in (done.stdout + done.stderr).splitlines() if not line.startswith("INFO ")]
    if "Traceback (most recent call last):" in said:
        last = next((line for line in reversed(said) if line.strip()), "")
        if fault := _io_fault(last, output.resolve(), shown or output):
            raise fault
        hint = f"(run mkdocs build -f {site_dir / 'mkdocs.yml'} to see where)"
        raise BuildFailed(f"MkDocs stopped with {last.strip()} {hint}")
    raise BuildFailed("\n".join(said).strip() or f"mkdocs exited with {done.returncode}")


#: The last line of a traceback of an OSError: ``PermissionError: [Errno 13] Permission denied: 'a' -> 'b'``.
_OS_ERROR = re.compile(r"^(?:\w+\.)*\w*Error: \[Errno (\d+)\] ([^:]+?)(?:: '([^']*)')?(?: -> '([^']*)')?\s*$")


def _io_fault(line: str, output: Path, shown: Path) -> WriteError | None:
    """The :class:`WriteError` a traceback's last ``line`` reports, at the file of ``output`` it names."""
    match = _OS_ERROR.match(line.strip())
    if match is None:
        return None
    number, reason, source, target = match.groups()
    path = Path(target or source or output)
    if path.is_relative_to(output):
        path = shown / path.relative_to(output)
    return io_fault(path, OSError(int(number), reason), "write" if target or not source else "use")


def serve_site(
    site_dir: Path,
    address: str,
    *,
    watch: Path | None = None,
    on_change: Callable[[], None] | None = None,
    interval: float = 0.5,
) -> int:
    """Run ``mkdocs serve`` on ``site_dir`` until it exits or errcat is stopped; its exit status.

    When the file ``watch`` (the catalog) changes, ``on_change`` renders the pages again and
    MkDocs' own watcher reloads the browser. Ctrl-C, SIGTERM and SIGHUP (the terminal went
    away) stop the child and wait for it: no traceback, no mkdocs process left running.
    Ctrl-C exits 0, the others 128 + the signal's number. The handlers are in place before
    the child starts, so no signal can end errcat while leaving the child behind.
    """
    stopped: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.append(signum)

    handled = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, stop) for sig in handled}
    try:
        child = subprocess.Popen(
            _mkdocs("serve", "--strict", "-f", str(site_dir / "mkdocs.yml"), "-a", address),
            env=_environment(),
            start_new_session=True,  # errcat forwards the signals itself, then waits
        )
    except BaseException:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        raise
    try:
        seen = _stamp(watch)
        while child.poll() is None and not stopped:
            time.sleep(interval)
            if stopped:
                break
            current = _stamp(watch)
            if current != seen and on_change is not None:
                seen = current
                on_change()
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopped:
        return 0 if stopped[0] == signal.SIGINT else 128 + stopped[0]
    return child.returncode


def _stamp(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size)
