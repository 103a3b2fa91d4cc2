"""Catalogs built from data (the shipped one, a hostile one, any dict) and packages generated from them."""

from __future__ import annotations

import copy
import importlib
import sys
from pathlib import Path
from typing import Any

import yaml
from tests.hostile import HOSTILE, one_line

from errcat.toolchain.load import load_bytes
from errcat.toolchain.model import Catalog
from errcat.toolchain.render import render_all
from errcat.toolchain.render.escape import yaml_value
from errcat.toolchain.render.python import Layout
from errcat.toolchain.write import write

ROOT = Path(__file__).resolve().parents[1]
#: The catalogs the tests read: good/, bad/ (with their pinned diagnostics), diff_base.yaml.
CATALOGS = ROOT / "tests" / "catalogs"


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "catalog" / "errors.yaml").read_text())
    return data


def hostile_data() -> dict[str, Any]:
    """The shipped catalog with a hostile string in every free-text field (and aliases, a retirement)."""
    data = copy.deepcopy(shipped_data())
    texts = iter(HOSTILE * 40)
    data["api"]["name"] = one_line(next(texts))
    data["api"]["description"] = next(texts)
    for status in data["statuses"]:
        status["description"], status["action"] = next(texts), next(texts)
    for category in data["categories"]:
        category["title"], category["description"] = one_line(next(texts)), next(texts)
    for error in data["errors"]:
        error["title"] = one_line(next(texts))
        for field in ("message", "cause", "solution", "usage"):
            error[field] = next(texts)
        error["example"]["message"] = next(texts)
        error["example"]["request_id"] = one_line(next(texts))
        for key in error.get("metadata", {}):
            error["metadata"][key] = next(texts)
            error["example"].setdefault("metadata", {})[key] = next(texts)
    first = data["errors"][0]
    first["aliases"] = ["auth_missing", "no_credentials"]
    return data


def build(data: dict[str, Any], name: str = "catalog.yaml") -> Catalog:
    """The model of a catalog given as data, written as flow YAML by errcat's own YAML writer."""
    raw = yaml_value(data).encode()
    result = load_bytes(raw, name)
    assert result.catalog is not None, "\n".join(str(d) for d in result.diagnostics)
    return result.catalog


_counter = iter(range(1_000_000))


def generate_package(catalog: Catalog, root: Path, package: str | None = None) -> tuple[str, dict[str, str]]:
    """Generate a standalone package for ``catalog`` under ``root`` and import it; (name, files)."""
    package = package or f"generated_{next(_counter)}"
    files = render_all(
        catalog, Layout(package=package, python_dir=".", command=f"errcat generate --package {package}")
    )
    write(files, root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return package, files
