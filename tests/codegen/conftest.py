"""Helpers of the code generation tests: hostile strings, catalogs built from data, generated packages."""

from __future__ import annotations

import copy
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from errcat.toolchain.load import load_bytes
from errcat.toolchain.model import Catalog
from errcat.toolchain.render import render_all
from errcat.toolchain.render.escape import yaml_value
from errcat.toolchain.render.python import Layout
from errcat.toolchain.write import write

ROOT = Path(__file__).resolve().parents[2]

#: Strings that try to break out of every kind of generated text.
HOSTILE = (
    'quote " and \' and """ and \'\'\' end"',
    "back\\slash \\n \\u2028 \\",
    "line\nbreak\r\nand\ttab",
    "{{ 7*7 }} {% raw %} {# comment #}",
    "</script><script>alert(1)</script>",
    "[x](javascript:alert(1)) | pipe | ` backtick",
    "line\u2028separator\u2029paragraph\x85next",
    "rtl \u202eevil\u202c and \u2066isolate\u2069",
    "# not a comment\n# -*- coding: latin-1 -*-",
    "null byte \x00 bell \x07 del \x7f",
    "emoji \U0001f600 and accents \u00e9\u00e8 and \u0430 cyrillic",
    "'; DROP TABLE errors; --",
    "${HOME} $(rm -rf /) %s %(x)s {0}",
)


def one_line(text: str) -> str:
    """``text`` made valid for a one-line catalog field."""
    return text.replace("\r", " ").replace("\n", " ").replace("\x85", " ").replace("\u2028", " ")[:200]


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


@pytest.fixture
def hostile_catalog() -> Catalog:
    return build(hostile_data())
