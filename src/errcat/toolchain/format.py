"""The formatting post-step of generated Python: ``ruff format`` with fixed settings.

Templates do not juggle whitespace; ruff makes the output look hand-written
(double quotes, wrapped long tuples). It runs as the binary of the ``ruff``
wheel, with ``--isolated`` so that no configuration file found near the output
can change the bytes, and with errcat's own line length and target version, so
the result also passes ``ruff format --check`` under errcat's pyproject.toml.

One ruff process formats every module (starting ruff costs more than formatting
a module), on copies in a private temporary directory, and it runs in the
background: :func:`start_formatting` returns at once, so the caller renders the
contracts while ruff works, then asks for the :meth:`Formatting.result`.

A run killed before it cleans up leaves its directory behind; its name carries the
process id (``errcat-format-<pid>-...``), so the next run removes the directories of
processes that no longer exist (:func:`sweep_leftovers`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

__all__ = [
    "RUFF_FORMAT_ARGS",
    "Formatting",
    "FormattingError",
    "format_python",
    "ruff_binary",
    "start_formatting",
    "sweep_leftovers",
]

RUFF_FORMAT_ARGS = ("format", "--isolated", "--line-length=110", "--target-version=py311")


class FormattingError(RuntimeError):
    """ruff could not format a generated module (a bug in a template)."""


def ruff_binary() -> str:
    from importlib import import_module

    try:
        ruff_main = import_module("ruff.__main__")  # the wheel ships no type information
    except ImportError as exc:
        raise ImportError(
            "ruff is needed to format generated code: pip install 'errcat[toolchain]'", name="ruff"
        ) from exc
    return str(ruff_main.find_ruff_bin())


class Formatting:
    """A ``ruff format`` run over some modules, under way in the background."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        ruff = ruff_binary()
        sweep_leftovers()
        self._directory = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-")
        try:
            # Files named by their position (the generated paths may nest or repeat a name), with their
            # suffix: ruff formats a stub (.pyi) as a stub.
            self._files = {
                path: Path(self._directory, f"module{index}{PurePosixPath(path).suffix or '.py'}")
                for index, path in enumerate(sources)
            }
            for path, file in self._files.items():
                file.write_bytes(sources[path].encode("utf-8"))
            self._process = subprocess.Popen(
                [ruff, *RUFF_FORMAT_ARGS, "--no-cache", "--", *map(str, self._files.values())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except BaseException:
            shutil.rmtree(self._directory, ignore_errors=True)
            raise

    def result(self) -> dict[str, str]:
        """Each module formatted (path -> text), once ruff is done; :class:`FormattingError` if it failed."""
        try:
            _, stderr = self._process.communicate()
            if self._process.returncode != 0:
                message = stderr.decode(errors="replace").strip()
                for path, file in self._files.items():
                    message = message.replace(str(file), path)
                raise FormattingError(f"ruff format failed on generated code: {message}")
            return {path: file.read_bytes().decode("utf-8") for path, file in self._files.items()}
        finally:
            shutil.rmtree(self._directory, ignore_errors=True)


_PREFIX = "errcat-format-"


def sweep_leftovers(directory: str | None = None) -> None:
    """Remove the formatting directories that runs killed before their clean-up left in ``directory``.

    Only those whose process is gone: a directory of a live process (this one, a run at the
    same time) is left as it is, and so is any name that does not carry a process id.
    """
    root = Path(directory or tempfile.gettempdir())
    try:
        leftovers = [entry for entry in root.iterdir() if entry.name.startswith(_PREFIX)]
    except OSError:
        return
    for entry in leftovers:
        pid = entry.name[len(_PREFIX) :].partition("-")[0]
        if not pid.isdigit() or _alive(int(pid)) or entry.is_symlink():
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # another user's process; no such number
        return True
    return True


def start_formatting(sources: Mapping[str, str]) -> Formatting:
    """Start formatting each module of ``sources`` (path -> text) with ruff, in the background."""
    return Formatting(sources)


def format_python(sources: Mapping[str, str]) -> dict[str, str]:
    """Each module of ``sources`` (path -> text) formatted by ruff."""
    return start_formatting(sources).result()
