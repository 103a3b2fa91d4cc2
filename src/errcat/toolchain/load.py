"""Load a catalog file: read it, check it, and build the typed model.

::

    catalog/errors.yaml --source--> Document --schema + validate--> diagnostics
                                                              \\--build--> Catalog (when there are no errors)

The runtime never imports the toolchain: it needs PyYAML and jsonschema-rs, which live
in the ``errcat[toolchain]`` extra.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from errcat.toolchain.diagnostics import Diagnostic, has_errors, sort_key

if TYPE_CHECKING:  # the model is imported only when a catalog is built
    from errcat.toolchain.model import Catalog

__all__ = ["LoadResult", "Unreadable", "load", "load_bytes", "read_catalog"]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading a catalog gave: the model (when it has no errors), every diagnostic and its size."""

    catalog: Catalog | None
    diagnostics: tuple[Diagnostic, ...]
    #: How many codes, categories and statuses it has, once it passed the schema ({} before).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the catalog has no errors (warnings may remain)."""
        return not has_errors(self.diagnostics)


class Unreadable(Exception):
    """The catalog file cannot be read at all; ``diagnostic`` says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def read_catalog(path: str | Path, name: str | None = None) -> bytes:
    """The bytes of the catalog file at ``path``; :class:`Unreadable` when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, IsADirectoryError):
            reason = "it is a directory"
        raise Unreadable(
            Diagnostic(
                name or str(path),
                1,
                1,
                "error",
                f"cannot read the catalog: {reason}",
                "pass the path of a catalog file, or set catalog in [tool.errcat] of pyproject.toml",
            )
        ) from None


def load(path: str | Path, name: str | None = None) -> LoadResult:
    """Load and check the catalog at ``path`` (named ``name`` in diagnostics and banners)."""
    try:
        raw = read_catalog(path, name)
    except Unreadable as exc:
        return LoadResult(None, (exc.diagnostic,))
    return load_bytes(raw, name or str(path))


def load_bytes(raw: bytes, name: str, *, build: bool = True) -> LoadResult:
    """Load and check a catalog from its bytes; ``name`` is used in diagnostics.

    With ``build=False`` only the diagnostics are computed (what ``errcat check`` needs).
    """
    # Loading allocates a few objects per line and frees none of them until the end:
    # the cyclic collector would only rescan them again and again (a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(raw, name, build)
    finally:
        if collecting:
            gc.enable()


def _load(raw: bytes, name: str, build: bool) -> LoadResult:
    from errcat.toolchain import schema, source, validate

    try:
        doc = source.load_document(raw, name)
    except source.SourceError as exc:
        return LoadResult(None, (exc.diagnostic,))
    diagnostics = schema.check_schema(doc)
    counts: dict[str, int] = {}
    if not has_errors(diagnostics):
        diagnostics += validate.check(doc)
        counts = {section: len(doc.data[section]) for section in ("errors", "categories", "statuses")}
    diagnostics.sort(key=sort_key)
    if has_errors(diagnostics) or not build:
        return LoadResult(None, tuple(diagnostics), counts)
    from errcat.toolchain.build import build as build_catalog

    catalog = build_catalog(doc, hashlib.sha256(raw).hexdigest())
    return LoadResult(catalog, tuple(diagnostics), counts)
