"""What a command says: an :class:`Outcome`, its output and exit status; :class:`Stop` when it cannot go on.

Also the outcomes that more than one command gives: diagnostics, an I/O fault as one located
line, generated files that drift from the catalog.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from errcat.toolchain.diagnostics import Diagnostic, format_text
from errcat.toolchain.terminal import printable

if TYPE_CHECKING:
    from errcat.toolchain.project import Project
    from errcat.toolchain.write import Drift

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command says (to stdout and stderr) and its exit status."""

    status: int
    stdout: str = ""
    stderr: str = ""
    #: Diagnostics behind the outcome, for callers that want them as data.
    diagnostics: tuple[Diagnostic, ...] = field(default=())


class Stop(Exception):
    """A command cannot go on; ``outcome`` says why."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.stderr or outcome.stdout)
        self.outcome = outcome


def problems(diagnostics: list[Diagnostic], status: int) -> Outcome:
    """An outcome that reports ``diagnostics`` (as text, on stderr)."""
    return Outcome(status, stderr=printable(format_text(diagnostics)), diagnostics=tuple(diagnostics))


def io_problem(exc: OSError) -> Outcome:
    """An I/O fault as one located line: ``path: error: what went wrong; what to do``, exit 1."""
    from errcat.toolchain.write import WriteError

    if isinstance(exc, WriteError):
        line = f"{shown_path(exc.path)}: error: {exc.problem}; {exc.fix}"
    else:
        where = shown_path(Path(os.fsdecode(exc.filename))) if exc.filename is not None else "errcat"
        line = f"{where}: error: {exc.strerror or exc}; fix that and run the command again"
    return Outcome(EXIT_FAILED, stderr=printable(line.replace("\n", " ")))


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else as it is."""
    try:
        relative = os.path.relpath(path)
    except (OSError, ValueError):  # no working directory, or another drive
        return str(path)
    return str(path) if relative == "." or relative.startswith("..") else relative


def drift_outcome(drifts: Sequence[Drift], project: Project, command: str, shown: int = 10) -> Outcome:
    """Files that differ from the catalog: their diffs on stdout, the first ``shown`` named on stderr."""
    if not drifts:
        return Outcome(EXIT_OK)
    paths = [d.path for d in drifts]
    listed = ", ".join(paths[:shown]) + (" ..." if len(paths) > shown else "")
    return Outcome(
        EXIT_FAILED,
        stdout="".join(d.diff for d in drifts),
        stderr=printable(
            f"errcat: {len(drifts)} file(s) differ from {project.catalog_name}: {listed}; "
            f"run '{command}' and commit the result"
        ),
    )
