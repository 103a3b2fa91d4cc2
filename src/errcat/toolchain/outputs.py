"""What ``errcat generate`` can write, and what the packages it writes may be called.

``[tool.errcat]`` is checked against these facts (:mod:`errcat.toolchain.project`) before
any renderer is loaded, so that every command, a cached ``errcat check`` included, reads its
settings without importing Jinja2 or PyYAML; the renderers' ``Layout`` checks the same facts.
"""

from __future__ import annotations

import keyword
import re

__all__ = ["OUTPUTS", "default_npm_package", "npm_package_problem", "package_name_problem"]

#: What ``errcat generate`` can write.
OUTPUTS = ("python", "schemas", "typescript")

_PACKAGE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# npm's rules for a package name: lower case, URL-safe, at most 214 characters, an optional @scope/.
_NPM_NAME = re.compile(r"(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*")


def package_name_problem(package: str) -> str | None:
    """Why ``package`` cannot be a generated package's name, or None when it can."""
    if not _PACKAGE_NAME.fullmatch(package):
        return f"{package!r} is not a Python package name (letters, digits and _, parts joined by dots)"
    if any(keyword.iskeyword(part) for part in package.split(".")):
        return f"{package!r} is not a Python package name (a part of it is a keyword)"
    if package.split(".")[0] == "errcat":
        return f"{package!r} would shadow errcat itself; choose another package name"
    return None


def npm_package_problem(name: str) -> str | None:
    """Why ``name`` cannot be an npm package's name, or None when it can."""
    if len(name) > 214 or not _NPM_NAME.fullmatch(name):
        return (
            f"{name!r} is not an npm package name "
            "(lower-case letters, digits, - . _ ~, at most 214 characters, optionally @scope/name)"
        )
    return None


def default_npm_package(package: str) -> str:
    """The npm package name for a Python package name: ``acme_errors`` -> ``acme-errors``."""
    name = re.sub(r"[^a-z0-9]+", "-", package.lower()).strip("-")
    return name or "errors"
