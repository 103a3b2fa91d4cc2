"""The Python renderer: the catalog model in, a generated package (and, optionally, its project) out.

One Jinja2 template per module (``generators/python/*.j2``), shared macros in
``_helpers.j2``. The templates stay dumb: this module sorts everything and prepares
the values, and every catalog string reaches a template through a filter of
:mod:`errcat.toolchain.render.escape`. Formatting is a post-step, ``ruff format`` with
fixed settings (:mod:`errcat.toolchain.format`), so the same catalog always gives the
same bytes.

A package is written to ``<python_dir>/<package>/``: ``__init__.py`` (the typed facade),
``codes.py`` (the enums and ``CATALOG``), ``code_table.py``, ``exceptions.py``,
``models.py`` and ``py.typed``. As a distribution (``distribution = true``), the parent
of ``python_dir`` also gets ``pyproject.toml`` and ``README.md``, so that a build can
``pip install`` or publish it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from errcat.toolchain.format import Formatting, start_formatting
from errcat.toolchain.model import Catalog, ErrorEntry
from errcat.toolchain.outputs import OUTPUTS, default_npm_package, npm_package_problem, package_name_problem
from errcat.toolchain.render.escape import py_docstring_block
from errcat.toolchain.render.templates import code_environment

__all__ = [
    "DEFAULT_COMMAND",
    "OUTPUTS",
    "Layout",
    "package_name_problem",
    "pep440_version",
    "render_python",
    "start_python",
]

DEFAULT_COMMAND = "errcat generate"
MODULE_TEMPLATES = ("__init__.py", "__init__.pyi", "codes.py", "code_table.py", "exceptions.py", "models.py")


@dataclass(frozen=True, slots=True)
class Layout:
    """What ``errcat generate`` writes and where, relative to the output root."""

    package: str
    #: The directory that holds the package's directory (``src`` puts it at ``src/<package>/``).
    python_dir: str = "src"
    schemas_dir: str = "schemas"
    #: Whether the parent of ``python_dir`` gets ``pyproject.toml`` and ``README.md`` too.
    distribution: bool = False
    outputs: tuple[str, ...] = ("python", "schemas")
    command: str = DEFAULT_COMMAND
    #: The directory of the generated npm package (its ``package.json``), for the ``typescript`` output.
    typescript_dir: str = "typescript"
    #: The npm package's name; empty: derived from ``package`` (``acme_errors`` -> ``acme-errors``).
    typescript_package: str = ""

    def __post_init__(self) -> None:
        if problem := package_name_problem(self.package):
            raise ValueError(problem)
        unknown = sorted(set(self.outputs) - set(OUTPUTS))
        if unknown:
            raise ValueError(f"unknown output {unknown[0]!r}; the outputs are {', '.join(OUTPUTS)}")
        if self.typescript_package and (problem := npm_package_problem(self.typescript_package)):
            raise ValueError(problem)

    @property
    def npm_package(self) -> str:
        """The npm package's name: ``typescript_package``, else one derived from ``package``."""
        return self.typescript_package or default_npm_package(self.package)

    @property
    def package_dir(self) -> str:
        """The generated package's directory, relative to the output root."""
        return _join(self.python_dir, self.package.replace(".", "/"))

    @property
    def project_dir(self) -> str:
        """The directory of the distribution's ``pyproject.toml`` (the parent of ``python_dir``)."""
        return posixpath.dirname(posixpath.normpath(self.python_dir)) or "."


def _join(*parts: str) -> str:
    return posixpath.normpath(posixpath.join(*parts))


def render_python(catalog: Catalog, layout: Layout) -> dict[str, str]:
    """The generated package (formatted with ruff) and its project files, by path."""
    formatting, extra = start_python(catalog, layout)
    return {**formatting.result(), **extra}


def start_python(catalog: Catalog, layout: Layout) -> tuple[Formatting, dict[str, str]]:
    """The modules rendered and their formatting started in the background; the files that need none."""
    env = code_environment()
    context = python_context(catalog, layout)
    rendered = {
        f"{layout.package_dir}/{name}": env.get_template(f"python/{name}.j2").render(context)
        for name in MODULE_TEMPLATES
    }
    extra = {f"{layout.package_dir}/py.typed": ""}
    if layout.distribution:
        extra.update(
            _distribution_files(catalog, layout, env.get_template("python/README.md.j2").render(context))
        )
    return start_formatting(rendered), extra


# --- the distribution ---------------------------------------------------------------------


def _distribution_files(catalog: Catalog, layout: Layout, readme: str) -> dict[str, str]:
    import tomli_w

    from errcat import __version__

    major, minor = (int(part) for part in __version__.split(".")[:2])
    runtime = (
        f"errcat>={major}.{minor},<{major}.{minor + 1}"
        if major == 0
        else f"errcat>={major}.{minor},<{major + 1}"
    )
    top = layout.package.split(".")[0]
    package_path = _join(posixpath.relpath(layout.python_dir, layout.project_dir), top)
    project = {
        "build-system": {"requires": ["hatchling>=1.24"], "build-backend": "hatchling.build"},
        "project": {
            "name": top.replace("_", "-"),
            "version": pep440_version(catalog.api.version),
            "description": f"The error definitions of {catalog.api.name}: enums, exceptions and models.",
            "readme": "README.md",
            "requires-python": ">=3.11",
            "dependencies": [runtime],
            "optional-dependencies": {"pydantic": ["pydantic>=2.6"]},
            "classifiers": ["Programming Language :: Python :: 3", "Typing :: Typed"],
        },
        "tool": {"hatch": {"build": {"targets": {"wheel": {"packages": [package_path]}}}}},
    }
    banner = (
        f"# Generated by errcat from {_comment(catalog.source)} (sha256 {catalog.sha256}).\n"
        f"# Command: {_comment(layout.command)}\n"
        "# Do not edit: change the catalog and run the command again.\n"
    )
    return {
        _join(layout.project_dir, "pyproject.toml"): banner + tomli_w.dumps(project),
        _join(layout.project_dir, "README.md"): readme,
    }


def _comment(text: str) -> str:
    from errcat.toolchain.render.escape import comment_text

    return comment_text(text)


_SEMVER_PRE = re.compile(r"(alpha|a|beta|b|rc|c|pre|preview)\.?(\d*)", re.IGNORECASE)
_PEP440_PRE = {
    "alpha": "a",
    "a": "a",
    "beta": "b",
    "b": "b",
    "rc": "rc",
    "c": "rc",
    "pre": "rc",
    "preview": "rc",
}


def pep440_version(semver: str) -> str:
    """A semantic version as a Python package version (PEP 440).

    ``1.4.0`` stays; a pre-release becomes ``a``/``b``/``rc`` (``1.4.0-beta.2`` -> ``1.4.0b2``),
    or a development release when it names none of them (``1.4.0-nightly.7`` -> ``1.4.0.dev7``);
    build metadata (``+build.5``) is left out, since package indexes refuse local versions.
    """
    core, _, rest = semver.partition("-")
    core = core.split("+", 1)[0]
    if not rest:
        return core
    pre = rest.split("+", 1)[0]
    if match := _SEMVER_PRE.fullmatch(pre):
        return f"{core}{_PEP440_PRE[match.group(1).lower()]}{int(match.group(2) or 0)}"
    digits = re.findall(r"\d+", pre)
    return f"{core}.dev{int(digits[-1]) if digits else 0}"


# --- the template context -------------------------------------------------------------------


def banner(catalog: Catalog, command: str) -> dict[str, str]:
    return {"source": catalog.source, "sha256": catalog.sha256, "command": command}


def _natural_key(name: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _exports(names: Iterable[str]) -> list[str]:
    """``__all__`` in ruff's isort-style order: constants, classes, then the rest, naturally sorted."""

    def key(name: str) -> tuple[int, tuple[object, ...]]:
        group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
        return (group, _natural_key(name))

    return sorted(names, key=key)


def _import_order(names: Iterable[str]) -> list[str]:
    """Names of a ``from ... import`` in isort's order: constants, classes, the rest; case-folded first."""

    def key(name: str) -> tuple[int, tuple[object, ...], tuple[object, ...]]:
        group = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
        return (group, _natural_key(name.lower()), _natural_key(name))

    return sorted(names, key=key)


def sorted_codes(entries: Iterable[ErrorEntry]) -> list[ErrorEntry]:
    return sorted(entries, key=lambda e: e.code)


def code_facts(entry: ErrorEntry) -> list[tuple[str, object]]:
    """The facts of a code as the runtime reads them (``errcat.runtime.CodeFacts``), set ones only.

    The one place that maps the model's entry to what a generated package knows of a code.
    """
    facts: list[tuple[str, object]] = [
        ("member", entry.member_name),
        ("code", entry.code),
        ("status", entry.status),
        ("category", entry.category),
        ("title", entry.title),
        ("message", entry.message),
        ("doc_url", entry.doc_url),
        ("retry_strategy", entry.retry.strategy),
        ("class_name", entry.class_name),
    ]
    optional = {
        "retry_after_seconds": entry.retry.retry_after_seconds,
        "metadata_keys": tuple(sorted(entry.metadata_keys)) or None,
        "since": entry.since or None,
        "deprecated_since": entry.deprecated.since if entry.deprecated else None,
        "replaced_by": entry.replaced_by,
        "retired_since": entry.retired.since if entry.retired else None,
    }
    return facts + [(name, value) for name, value in optional.items() if value is not None]


def status_answers(catalog: Catalog) -> list[tuple[int, str]]:
    """(status, code): the code that answers an error of each status that names no code of its own.

    That is an HTTP error the framework raises itself, or an error raised without a code. The
    code ``server.http_errors`` names for the status, else the status's one current code
    (neither deprecated nor retired) when it has exactly one; a status with neither is left
    out, and its body names ``http_<status>``. The Python and TypeScript packages both carry it.
    """
    answers = {catalog.error(code).status: code for code in catalog.server.http_errors}
    current: dict[int, list[str]] = {}
    for entry in catalog.errors:
        if entry.deprecated is None and entry.retired is None:
            current.setdefault(entry.status, []).append(entry.code)
    for status, codes in current.items():
        if len(codes) == 1:
            answers.setdefault(status, codes[0])
    return sorted(answers.items())


def code_summary(catalog: Catalog, entry: ErrorEntry) -> str:
    """A code in one line, as its class documents it in every language: status, code, title, lifecycle."""
    text = f"{entry.status} {entry.code}: {entry.title}."
    if entry.retired:
        text += f" Retired in {entry.retired.since}: no longer sent."
    elif entry.deprecated:
        text += f" Deprecated since {entry.deprecated.since}."
    if entry.replaced_by:
        text += f" Use {catalog.error(entry.replaced_by).class_name} instead."
    return text


def _code_docstring(catalog: Catalog, entry: ErrorEntry) -> str:
    """A code's exception docstring: its summary line, then its cause and solution."""
    lines = [code_summary(catalog, entry), f"Cause: {entry.cause}", f"Solution: {entry.solution}"]
    return py_docstring_block(lines, indent="    ")


def python_context(catalog: Catalog, layout: Layout) -> dict[str, Any]:
    codes = sorted_codes(catalog.errors)
    categories = sorted(catalog.categories, key=lambda c: c.id)
    policy = catalog.retry_policy
    aliases = sorted(
        (
            {"member_name": member, "former": former, "code": e.code, "target_member_name": e.member_name}
            for e in codes
            for former, member in zip(e.aliases, e.alias_member_names, strict=True)
        ),
        key=lambda a: a["former"],
    )
    code_exports = ["CATALOG", "ErrorCategory", "ErrorCode", "HttpStatus"]
    class_exports = ["ApiError"] + [c.class_name for c in categories] + [e.class_name for e in codes]
    class_exports += [alias for e in codes for alias in e.alias_class_names]
    model_exports = ["ErrorBody", "ErrorDetail", "ErrorResponse"]
    return {
        "catalog": catalog,
        "banner": banner(catalog, layout.command),
        "package": layout.package,
        "distribution_name": layout.package.split(".")[0].replace("_", "-"),
        "statuses": sorted(catalog.statuses, key=lambda s: s.status),
        "categories": categories,
        "codes": codes,
        "codes_by_category": {c.id: [e for e in codes if e.category == c.id] for c in categories},
        "facts": {e.code: code_facts(e) for e in codes},
        "docstrings": {e.code: _code_docstring(catalog, e) for e in codes},
        "category_docstrings": {c.id: f"{c.title} (the {c.id} category)." for c in categories},
        "aliases": aliases,
        "retry_statuses": tuple(sorted(policy.retry_statuses)),
        "transport_failures": tuple(sorted(t.id for t in policy.transport_failures)),
        "backoff": policy.backoff,
        "redact_keys": tuple(sorted(catalog.logging.redacted_keys)),
        "log_fields": tuple(f.field for f in catalog.logging.include),
        "log_levels": sorted((lv.when, lv.level) for lv in catalog.logging.levels),
        "server_codes": catalog.server.roles(),
        "http_error_codes": status_answers(catalog),
        "exports": _exports(code_exports),
        "class_exports": _exports(class_exports),
        "class_imports": _import_order(class_exports),
        "package_exports": _exports([*code_exports, *class_exports, *model_exports, "__version__"]),
    }
