"""Project configuration: the ``[tool.errcat]`` table of a ``pyproject.toml``, and the flags that override it.

Every command reads it, so that in a configured repository ``errcat check``,
``errcat generate [--check]``, ``errcat docs build`` and the pre-commit hooks need no
arguments::

    [tool.errcat]
    catalog = "catalog/errors.yaml"   # the source of truth
    package = "acme_errors"           # the generated Python package
    outputs = ["python", "schemas"]   # what errcat generate writes (also "typescript")
    python-dir = "src"                # the package goes to src/acme_errors/
    distribution = false              # true: pyproject.toml and README.md beside python-dir too
    schemas-dir = "schemas"           # error-response.schema.json, openapi-errors.yaml
    site-dir = "site"                 # the MkDocs project of errcat docs build
    typescript-dir = "typescript"     # the npm package of the typescript output (its package.json)
    typescript-package = "acme-errors"  # its npm name (default: from package)

The configuration is the nearest ``pyproject.toml`` with a ``[tool.errcat]`` table, from
the working directory up; paths in it are relative to its directory. Flags win over it
(their paths are relative to the working directory), and ``$ERRCAT_CATALOG`` over the
``catalog`` setting. A setting errcat does not know, or of the wrong type, is a
:class:`~errcat.toolchain.diagnostics.Diagnostic` at its line of the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from errcat.toolchain.diagnostics import Diagnostic, closest, type_name

__all__ = ["CATALOG_ENV", "SETTINGS", "ConfigError", "Overrides", "Project", "find_config", "load_project"]

CATALOG_ENV = "ERRCAT_CATALOG"
CONFIG_FILE = "pyproject.toml"
TABLE = "tool.errcat"


@dataclass(frozen=True, slots=True)
class _Setting:
    kind: type
    default: Any
    help: str


#: Every setting of ``[tool.errcat]``: its type, its default and what it is for.
SETTINGS: dict[str, _Setting] = {
    "catalog": _Setting(str, "catalog/errors.yaml", "the catalog file"),
    "package": _Setting(str, None, "the generated Python package, such as acme_errors"),
    "outputs": _Setting(
        list, ["python", "schemas"], "what errcat generate writes: python, schemas, typescript"
    ),
    "python-dir": _Setting(str, "src", "the directory that holds the generated package's directory"),
    "distribution": _Setting(bool, False, "also write pyproject.toml and README.md beside python-dir"),
    "schemas-dir": _Setting(str, "schemas", "the directory of the response contracts"),
    "site-dir": _Setting(str, "site", "the MkDocs project of the reference site"),
    "typescript-dir": _Setting(
        str,
        "typescript",
        "the directory of the generated npm package (its package.json), for the typescript output",
    ),
    "typescript-package": _Setting(
        str,
        None,
        "the generated npm package's name, such as acme-errors or @acme/errors (default: from package)",
    ),
}


class ConfigError(Exception):
    """The configuration cannot be used; ``diagnostics`` say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says; None where it says nothing. Paths are relative to the working directory."""

    catalog: str | None = None
    package: str | None = None
    out: str | None = None
    site_dir: str | None = None
    config: str | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """Where the catalog is and what is generated from it, with every path resolved."""

    #: The configuration file read, if any.
    config: Path | None
    #: The directory relative paths start from: the configuration's, else the working directory.
    root: Path
    #: The catalog file, and how banners and messages name it: as given on the command line,
    #: else relative to ``root``.
    catalog: Path
    catalog_name: str
    package: str | None
    outputs: tuple[str, ...]
    #: The root of every generated path (``--out``, else ``root``) and the directories below it.
    out: Path
    python_dir: str
    distribution: bool
    schemas_dir: str
    site_dir: Path
    #: The npm package's directory (relative to ``out``) and its name (None: derived from ``package``).
    typescript_dir: str = "typescript"
    typescript_package: str | None = None
    #: Where each setting was given (for located diagnostics about it later): name -> (line, column).
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: The settings the command line gave (their problems are the flag's, not the file's).
    from_flags: frozenset[str] = frozenset()

    def locate(self, setting: str) -> tuple[str, int, int]:
        """The file, line and column to report a problem with ``setting`` at."""
        if self.config is None:
            return (CONFIG_FILE, 1, 1)
        line, column = self.positions.get(setting, self.positions.get("", (1, 1)))
        return (str(self.config), line, column)


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` that configures errcat, from ``start`` up."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if b"errcat" in data:  # errcat's, most likely: say that it cannot be read
                return candidate
            continue
        if _configures_errcat(text):
            return candidate
    return None


def _configures_errcat(text: str) -> bool:
    """Whether the file has a ``tool.errcat`` of any form, so that a wrong one is reported, not skipped.

    The ``[tool.errcat]`` header answers at once; any other mention of errcat is parsed, so
    that dotted keys (``[tool]`` ``errcat.catalog = ...``), an inline table, ``[[tool.errcat]]``
    or a ``tool.errcat`` that is not a table count too, while a dependency on errcat does not.
    A file that is not valid TOML counts if it spells out ``tool.errcat`` (its error is then
    reported).
    """
    if _HEADER.search(text):
        return True
    if "errcat" not in text:
        return False
    try:
        tool = tomllib.loads(text).get("tool")
    except ValueError:  # TOMLDecodeError, or an integer past Python's digit limit
        return any(_TOOL_ERRCAT.fullmatch(path) for path, _, _ in _key_paths(text))
    return isinstance(tool, dict) and "errcat" in tool


_HEADER = re.compile(r"^\s*\[\s*tool\s*\.\s*errcat\s*\]\s*(#.*)?$", re.MULTILINE)
_TOOL_ERRCAT = re.compile(r"tool\.errcat(\..*)?")


def load_project(overrides: Overrides | None = None, cwd: Path | None = None) -> Project:
    """The project as the configuration and ``overrides`` describe it; :class:`ConfigError` if they cannot."""
    overrides = overrides or Overrides()
    cwd = cwd or Path.cwd()
    config = (cwd / overrides.config) if overrides.config else find_config(cwd)
    settings: dict[str, Any] = {}
    positions: dict[str, tuple[int, int]] = {}
    if config is not None:
        settings, positions = _read(config)
    root = config.parent if config is not None else cwd

    def value(name: str) -> Any:
        return settings.get(name, SETTINGS[name].default)

    catalog_given = overrides.catalog or os.environ.get(CATALOG_ENV)
    catalog = cwd / catalog_given if catalog_given else root / str(value("catalog"))
    return Project(
        config=config,
        root=root,
        catalog=catalog,
        catalog_name=catalog_given or _shown(catalog, root),
        package=overrides.package or value("package"),
        outputs=tuple(value("outputs")),
        out=cwd / overrides.out if overrides.out else root,
        python_dir=str(value("python-dir")),
        distribution=bool(value("distribution")),
        schemas_dir=str(value("schemas-dir")),
        site_dir=cwd / overrides.site_dir if overrides.site_dir else root / str(value("site-dir")),
        typescript_dir=str(value("typescript-dir")),
        typescript_package=value("typescript-package"),
        positions=positions,
        from_flags=frozenset(
            name
            for name, given in (
                ("catalog", overrides.catalog),
                ("package", overrides.package),
                ("site-dir", overrides.site_dir),
            )
            if given
        ),
    )


def _shown(path: Path, *bases: Path) -> str:
    """``path`` relative to the first base it is under, with ``/`` (a banner must not vary by machine)."""
    normal = Path(os.path.normpath(path))
    for base in bases:
        if normal.is_relative_to(base):
            return normal.relative_to(base).as_posix()
    return normal.as_posix()


def _read(config: Path) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    name = str(config)
    try:
        text = config.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            [Diagnostic(name, 1, 1, "error", f"cannot read the configuration: {exc.strerror or exc}")]
        ) from None
    except UnicodeDecodeError:
        raise ConfigError([Diagnostic(name, 1, 1, "error", "the configuration is not UTF-8 text")]) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_position(str(exc), text)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(exc))
        raise ConfigError(
            [Diagnostic(name, line, column, "error", f"{CONFIG_FILE} is not valid TOML: {message}")]
        ) from None
    except ValueError:  # an integer past the digits Python converts (sys.get_int_max_str_digits())
        line, column = _long_integer(text)
        message = f"{CONFIG_FILE} holds an integer of over 4,300 digits, more than Python reads"
        raise ConfigError(
            [Diagnostic(name, line, column, "error", message, "write it as a string, or shorten it")]
        ) from None
    tool = document.get("tool", {})
    table = tool.get("errcat", {}) if isinstance(tool, dict) else {}
    positions = _positions(text)
    problems: list[Diagnostic] = []
    if not isinstance(table, dict):
        line, column = positions.get("", (1, 1))
        kind = "an array of tables" if isinstance(table, list) else _toml_type(table)
        raise ConfigError(
            [
                Diagnostic(
                    name,
                    line,
                    column,
                    "error",
                    f"tool.errcat must be a table, not {kind}",
                    "write the settings under one [tool.errcat] header",
                )
            ]
        )
    for key, setting_value in table.items():
        line, column = positions.get(key, positions.get("", (1, 1)))
        setting = SETTINGS.get(key)
        if setting is None:
            message = f"unknown setting {key!r} in [tool.errcat]"
            hint = "the settings are " + ", ".join(SETTINGS)
            if close := closest(key, SETTINGS):
                message += f" (did you mean {close!r}?)"
            problems.append(Diagnostic(name, line, column, "error", message, hint))
            continue
        if problem := _problem(key, setting, setting_value):
            problems.append(Diagnostic(name, line, column, "error", problem, f"{key}: {setting.help}"))
    if problems:
        raise ConfigError(problems)
    return table, positions


def _problem(key: str, setting: _Setting, value: Any) -> str | None:
    kinds = {str: "a string", bool: "true or false", list: "a list of strings"}
    if not isinstance(value, setting.kind) or (setting.kind is not bool and isinstance(value, bool)):
        return f"[tool.errcat] {key} must be {kinds[setting.kind]}, not {_toml_type(value)}"
    if isinstance(value, str) and not value.strip():
        return f"[tool.errcat] {key} is empty"
    if key == "package" and isinstance(value, str):
        from errcat.toolchain.outputs import package_name_problem

        return package_name_problem(value)
    if key == "typescript-package" and isinstance(value, str):
        from errcat.toolchain.outputs import npm_package_problem

        return npm_package_problem(value)
    if key == "outputs" and isinstance(value, list):
        from errcat.toolchain.outputs import OUTPUTS

        for item in value:
            if not isinstance(item, str):
                return f"[tool.errcat] outputs must be a list of strings, not of {_toml_type(item)}"
            if item not in OUTPUTS:
                close = closest(item, OUTPUTS)
                guess = f" (did you mean {close!r}?)" if close else ""
                return (
                    f"unknown output {item!r} in [tool.errcat] outputs{guess}; the outputs are "
                    + ", ".join(OUTPUTS)
                )
    return None


def _toml_type(value: object) -> str:
    return type_name(value, integer="a number", mapping="a table")


def _toml_position(message: str, text: str) -> tuple[int, int]:
    if match := re.search(r"at line (\d+), column (\d+)", message):
        return (int(match.group(1)), int(match.group(2)))
    if "end of document" in message:
        lines = text.splitlines() or [""]
        return (len(lines), len(lines[-1]) + 1)
    return (1, 1)


def _long_integer(text: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), start=1):
        if match := re.search(r"[0-9_]{4300,}", line):
            return (number, match.start() + 1)
    return (1, 1)


_TABLE_LINE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_PART = r"""(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)"""
_KEY_LINE = re.compile(rf"^(\s*)({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_PARTS = re.compile(_PART)


def _dotted(key: str) -> str:
    """``tool . "errcat"`` as ``tool.errcat``: each part unquoted, joined by dots."""
    return ".".join(part.strip("\"'") for part in _PARTS.findall(key))


def _key_paths(text: str) -> list[tuple[str, int, int]]:
    """Every table header's and key's full dotted path, with its line and column.

    tomllib keeps no positions, so the lines are scanned: a header is ``[a.b]`` or ``[[a.b]]``,
    a key is ``name =`` or ``a."b".c =`` at the start of a line, below the last header. A
    value spread over several lines does not confuse it in practice: its own lines rarely
    start with ``name =``, and only keys below ``tool.errcat`` are looked up.
    """
    paths: list[tuple[str, int, int]] = []
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _TABLE_LINE.match(line):
            table = _dotted(header.group(1))
            paths.append((table, number, 1))
        elif key := _KEY_LINE.match(line):
            path = _dotted(key.group(2))
            paths.append((f"{table}.{path}" if table else path, number, len(key.group(1)) + 1))
    return paths


def _positions(text: str) -> dict[str, tuple[int, int]]:
    """Where each setting of ``tool.errcat`` is written (line, column); ``""`` is the table itself.

    A setting is found however it is written: ``catalog =`` under ``[tool.errcat]``,
    ``errcat.catalog =`` under ``[tool]``, or a sub-table ``[tool.errcat.catalog]``.
    """
    found: dict[str, tuple[int, int]] = {}
    for path, line, column in _key_paths(text):
        if path == "tool.errcat":
            found.setdefault("", (line, column))
        elif path.startswith("tool.errcat."):
            found.setdefault("", (line, column))
            found.setdefault(path.split(".", 3)[2], (line, column))
    return found
