"""Where errcat's data files are: the catalog schema and the generator templates.

In the source tree they live at the top level (``schemas/``, ``generators/``);
a wheel carries copies inside the package (``errcat/_data/``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parent.parent  # src/errcat -> the repository root


def data_dir(name: str) -> Path:
    """The directory ``name`` (``schemas`` or ``generators``)."""
    for candidate in (_PACKAGE / "_data" / name, _SOURCE_TREE / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"errcat's {name}/ directory is missing from this installation")


def catalog_schema_path() -> Path:
    return data_dir("schemas") / "catalog.schema.json"
