"""Where errcat's own files are: the catalog schema, the generator templates, and its cache.

In the source tree the data lives at the top level (``schemas/``, ``generators/``); a
wheel carries copies inside the package (``errcat/_data/``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_dir", "catalog_schema_path", "data_dir"]

_PACKAGE = Path(__file__).resolve().parent.parent  # src/errcat
_SOURCE_TREE = _PACKAGE.parent.parent  # src/errcat -> the repository root

#: The environment variable that names errcat's cache directory.
CACHE_ENV = "ERRCAT_CACHE_DIR"


def data_dir(name: str) -> Path:
    """The directory ``name`` (``schemas`` or ``generators``)."""
    for candidate in (_PACKAGE / "_data" / name, _SOURCE_TREE / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"errcat's {name}/ directory is missing from this installation")


def catalog_schema_path() -> Path:
    return data_dir("schemas") / "catalog.schema.json"


def cache_dir() -> Path:
    """errcat's cache: ``$ERRCAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/errcat``, else ``~/.cache/errcat``.

    Every cache errcat keeps (check verdicts, compiled templates) lives below it.
    """
    if env := os.environ.get(CACHE_ENV):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errcat"
