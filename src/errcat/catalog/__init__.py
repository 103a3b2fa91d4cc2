"""The catalog toolchain: load a catalog file, check it, and build the typed model.

::

    catalog/errors.yaml --load--> Document --schema + rules--> diagnostics
                                                         \\--> Catalog (when there are no errors)

The runtime (``import errcat``) never imports this package: it needs PyYAML
and jsonschema-rs, which live in the ``errcat[toolchain]`` extra.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from errcat.catalog.diagnostics import Diagnostic, has_errors, sort_key

if TYPE_CHECKING:  # the model is imported only when a catalog is built
    from errcat.catalog.model import Catalog

__all__ = ["Catalog", "Diagnostic", "LoadResult", "load", "load_bytes"]


def __getattr__(name: str) -> object:
    if name == "Catalog":
        from errcat.catalog.model import Catalog

        return Catalog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading a catalog gave: the model (when it has no errors) and every diagnostic."""

    catalog: Catalog | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """Whether the catalog has no errors (warnings may remain)."""
        return not has_errors(self.diagnostics)


def load(path: str | Path) -> LoadResult:
    """Load and check the catalog at ``path``."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return LoadResult(
            None,
            (
                Diagnostic(
                    name,
                    1,
                    1,
                    "error",
                    f"cannot read the catalog: {reason}",
                    "pass the path of a catalog file (errcat check PATH)",
                ),
            ),
        )
    return load_bytes(raw, name)


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
    from errcat.catalog import rules, schema, source

    try:
        doc = source.load_document(raw, name)
    except source.SourceError as exc:
        return LoadResult(None, (exc.diagnostic,))
    diagnostics = schema.check_schema(doc)
    if not has_errors(diagnostics):
        diagnostics += rules.check(doc)
    diagnostics.sort(key=sort_key)
    if has_errors(diagnostics) or not build:
        return LoadResult(None, tuple(diagnostics))
    catalog = rules.build(doc, hashlib.sha256(raw).hexdigest())
    return LoadResult(catalog, tuple(diagnostics))
