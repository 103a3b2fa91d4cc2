"""A content-hash cache of check results, so an unchanged catalog is checked in milliseconds.

The key is the SHA-256 of the catalog's bytes together with a fingerprint of
the toolchain that judges it (the catalog schema and the checker's own source),
so editing either invalidates every entry. Entries are small JSON files under
errcat's cache directory (:func:`errcat.toolchain.resources.cache_dir`).
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

from errcat.toolchain.diagnostics import Diagnostic
from errcat.toolchain.resources import cache_dir

_FORMAT = 2  # bump when the entry layout changes


@functools.cache
def toolchain_fingerprint() -> str:
    from errcat import __version__
    from errcat.toolchain.resources import catalog_schema_path

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


def get(key: str, name: str) -> tuple[list[Diagnostic], dict[str, int]] | None:
    """The cached diagnostics (attributed to the file ``name``) and counts for ``key``; None on a miss."""
    try:
        entry = json.loads((cache_dir() / f"{key}.json").read_text("utf-8"))
        diagnostics = [Diagnostic(file=name, **item) for item in entry["diagnostics"]]
        counts = {str(k): int(v) for k, v in entry["counts"].items()}
        return diagnostics, counts
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def put(key: str, diagnostics: list[Diagnostic], counts: dict[str, int]) -> None:
    entries = {
        "diagnostics": [
            {"line": d.line, "column": d.column, "severity": d.severity, "message": d.message, "hint": d.hint}
            for d in diagnostics
        ],
        "counts": counts,
    }
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entries, f)
        os.replace(tmp, directory / f"{key}.json")
    except OSError:
        pass
