"""A content-hash cache of check results, so an unchanged catalog is checked in milliseconds.

The key is the SHA-256 of the catalog's bytes together with a fingerprint of
the toolchain that judges it (the catalog schema and the checker's own source),
so editing either invalidates every entry. Entries are small JSON files under
``$ERRCAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/errcat``, else ``~/.cache/errcat``.
The cache is an optimisation only: any failure to read or write it is ignored.

This module is on the fast path of ``errcat check``: it must not import YAML
or the validator.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from errcat.catalog.diagnostics import Diagnostic

_FORMAT = 1  # bump when the entry layout changes


def cache_dir() -> Path:
    if env := os.environ.get("ERRCAT_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errcat"


@functools.cache
def toolchain_fingerprint() -> str:
    from errcat import __version__
    from errcat._resources import catalog_schema_path

    digest = hashlib.sha256(f"{_FORMAT}:{__version__}".encode())
    digest.update(catalog_schema_path().read_bytes())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def key_for(raw: bytes) -> str:
    digest = hashlib.sha256(toolchain_fingerprint().encode())
    digest.update(raw)
    return digest.hexdigest()


def get(key: str, name: str) -> list[Diagnostic] | None:
    """The cached diagnostics for ``key``, attributed to the file ``name``; None on a miss."""
    try:
        entries = json.loads((cache_dir() / f"{key}.json").read_text("utf-8"))
        return [Diagnostic(file=name, **entry) for entry in entries]
    except (OSError, ValueError, TypeError):
        return None


def put(key: str, diagnostics: list[Diagnostic]) -> None:
    entries = [
        {"line": d.line, "column": d.column, "severity": d.severity, "message": d.message, "hint": d.hint}
        for d in diagnostics
    ]
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entries, f)
        os.replace(tmp, directory / f"{key}.json")
    except OSError:
        pass
