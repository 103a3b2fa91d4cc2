"""The catalogs a command reads: the project's own, checked; or one to compare, from a file or a git ref."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from errcat.toolchain.commands.outcome import EXIT_FAILED, EXIT_USAGE, Stop, problems
from errcat.toolchain.diagnostics import format_text
from errcat.toolchain.project import Project

if TYPE_CHECKING:
    from errcat.toolchain.model import Catalog


def load_catalog(project: Project) -> Catalog:
    """The project's checked catalog; :class:`Stop` with its diagnostics when it cannot be had."""
    from errcat.toolchain.load import Unreadable, load_bytes, read_catalog

    try:
        raw = read_catalog(project.catalog, project.catalog_name)
    except Unreadable as exc:
        raise Stop(problems([exc.diagnostic], EXIT_USAGE)) from None
    result = load_bytes(raw, project.catalog_name)
    if result.catalog is None:
        raise Stop(problems(list(result.diagnostics), EXIT_FAILED))
    return result.catalog


class InputError(Exception):
    """A catalog to compare could not be had: exit 1 when it has errors, 2 when it cannot be read."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def load_strict(path: Path, name: str, raw: bytes | None = None) -> Catalog:
    """The catalog in ``path`` (or ``raw``, its bytes), called ``name``; :class:`InputError` if invalid."""
    from errcat.toolchain.load import Unreadable, load_bytes, read_catalog

    if raw is None:
        try:
            raw = read_catalog(path, name)
        except Unreadable as exc:
            raise InputError(f"{name}: {exc.diagnostic.message}") from None
    result = load_bytes(raw, name)
    if result.catalog is None:
        raise InputError(
            f"{name} has errors; fix them first:\n" + format_text(result.diagnostics), EXIT_FAILED
        )
    return result.catalog


def catalog_at(ref: str, project: Project, path: Path | None = None) -> Catalog:
    """The catalog file ``path`` (the project's catalog by default) as it is at the git ref ``ref``."""
    from errcat.toolchain.history import HistoryError, file_at

    path = path or project.catalog
    try:
        raw = file_at(ref, path)
    except HistoryError as exc:
        raise InputError(str(exc)) from None
    return load_strict(path, f"{ref}:{project.catalog_name}", raw)
