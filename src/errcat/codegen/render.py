"""The renderers: pure functions from the catalog model to ``{relative path: text}``.

One Jinja2 template per output file (``generators/python/*.j2``,
``generators/schemas/*.j2``), shared macros in one helpers template per kind. The
templates stay dumb: this module sorts everything and prepares the values, and
every catalog string reaches a template through a filter that escapes it for its
destination (:func:`py_literal`, :func:`py_docstring`, :func:`comment_text`,
:func:`json_value`). Formatting is a post-step: ``ruff format`` for Python (see
:mod:`errcat.codegen.formatting`), a parse and re-dump for JSON.

The same catalog gives the same bytes: no timestamps, no dict-order or
machine-dependent values, and ``ruff`` runs with fixed settings, ignoring any
configuration it might find.
"""

from __future__ import annotations

import contextlib
import json
import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

import jinja2

from errcat._resources import data_dir
from errcat.catalog.model import Catalog, ErrorEntry, class_name
from errcat.codegen.formatting import Formatting, start_formatting
from errcat.errors import ENVELOPE_FIELDS

__all__ = [
    "DEFAULT_COMMAND",
    "Layout",
    "comment_text",
    "json_value",
    "py_docstring",
    "py_literal",
    "render_all",
    "render_python",
    "render_schemas",
    "yaml_string",
    "yaml_value",
]

DEFAULT_COMMAND = "errcat generate"
PYTHON_TEMPLATES = ("codes.py", "code_table.py", "exceptions.py", "models.py")
_PACKAGE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the outputs go (relative to the output root) and how the package is made."""

    package: str = "errcat"
    python_dir: str = "src/errcat"
    schema_dir: str = "schemas"
    #: Whether the package declares its own ``ApiError`` root and an ``__init__.py``
    #: (a package generated for another catalog), or lives inside errcat itself.
    standalone: bool = False
    command: str = DEFAULT_COMMAND

    @classmethod
    def for_package(cls, package: str, command: str) -> Layout:
        """A standalone package ``package`` under the output root, its contracts in ``schemas/``."""
        if not _PACKAGE_NAME.match(package) or any(keyword.iskeyword(p) for p in package.split(".")):
            raise ValueError(f"{package!r} is not a Python package name (use letters, digits, _ and dots)")
        if package.split(".")[0] == "errcat":
            raise ValueError(f"{package!r} would shadow errcat itself; choose another package name")
        return cls(
            package=package,
            python_dir=package.replace(".", "/"),
            schema_dir="schemas",
            standalone=True,
            command=command,
        )


def render_all(catalog: Catalog, layout: Layout) -> dict[str, str]:
    """Every generated file of ``catalog``: Python modules and contracts.

    ruff formats the Python modules in the background while the contracts render.
    """
    formatting, extra = _start_python(catalog, layout)
    schemas = render_schemas(catalog, layout)
    return {**formatting.result(), **extra, **schemas}


def render_python(catalog: Catalog, layout: Layout) -> dict[str, str]:
    """The generated Python modules (formatted with ruff), by path."""
    formatting, extra = _start_python(catalog, layout)
    return {**formatting.result(), **extra}


def _start_python(catalog: Catalog, layout: Layout) -> tuple[Formatting, dict[str, str]]:
    """The Python modules rendered and their formatting started; the files that need none."""
    env = _environment()
    context = _python_context(catalog, layout)
    names = [*PYTHON_TEMPLATES, "__init__.py"] if layout.standalone else list(PYTHON_TEMPLATES)
    rendered = {
        f"{layout.python_dir}/{name}": env.get_template(f"python/{name}.j2").render(context) for name in names
    }
    extra = {f"{layout.python_dir}/py.typed": ""} if layout.standalone else {}
    return start_formatting(rendered), extra


def render_schemas(catalog: Catalog, layout: Layout) -> dict[str, str]:
    """The response contracts: the JSON Schema and the OpenAPI 3.1 components, by path."""
    env = _environment()
    context = _schema_context(catalog, layout)
    schema = env.get_template("schemas/error-response.schema.json.j2").render(context)
    openapi = env.get_template("schemas/openapi-errors.yaml.j2").render(context)
    return {
        f"{layout.schema_dir}/error-response.schema.json": json.dumps(json.loads(schema), indent=2) + "\n",
        f"{layout.schema_dir}/openapi-errors.yaml": openapi,
    }


# --- filters: catalog text made safe for each destination -----------------------------------


def py_literal(value: object) -> str:
    """A Python literal equal to ``value``; strings are ASCII-only (escapes for everything else)."""
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} has no Python literal")
        return repr(value)
    if isinstance(value, str):
        return ascii(value)
    if isinstance(value, tuple | list):
        items = ", ".join(py_literal(item) for item in value)
        if isinstance(value, list):
            return f"[{items}]"
        return f"({items},)" if len(value) == 1 else f"({items})"
    raise TypeError(f"no Python literal for {type(value).__name__}")


_PLAIN = re.compile(r"^[ !#-\[\]-~]*[!#-\[\]-~]$")  # printable ASCII without " or \, not ending in space


def py_docstring(text: str) -> str:
    """A docstring statement: ``\"\"\"text\"\"\"`` when that is safe, else an escaped literal."""
    if _PLAIN.match(text) and not text.startswith(" "):
        return f'"""{text}"""'
    return ascii(text)


def py_docstring_inline(text: str) -> str:
    """Text to place inside a triple-quoted docstring: escaped so it can never close it."""
    if _PLAIN.match(text):
        return text
    return ascii(text)[1:-1].replace('"', '\\"')


def comment_text(text: str) -> str:
    """Text for a ``#`` comment: one line of printable ASCII."""
    return ascii(text)[1:-1]


def json_value(value: object) -> str:
    """A JSON value, ASCII-only (so also a valid YAML flow scalar)."""
    return json.dumps(value, ensure_ascii=True)


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar of printable ASCII.

    JSON's escapes, except that characters beyond U+FFFF are written ``\\UXXXXXXXX``:
    YAML reads a JSON surrogate pair as two lone surrogates.
    """
    if text.isascii():  # the common case, in C: JSON's escapes are YAML's; DEL is the one left to escape
        return encode_basestring_ascii(text).replace("\x7f", "\\u007f")
    escaped = encode_basestring(text)
    return "".join(
        ch if " " <= ch <= "~" else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
        for ch in escaped
    )


def yaml_value(value: object) -> str:
    """A YAML 1.1 flow value that any YAML parser reads back as ``value``.

    JSON syntax, except that floats always carry a decimal point (``1e+100`` is a
    string to YAML 1.1 parsers such as PyYAML, ``1.0e+100`` a float) and strings
    are written by :func:`yaml_string`.
    """
    if isinstance(value, str):
        return yaml_string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{yaml_string(str(k))}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, float) and not isinstance(value, bool):
        text = repr(value)
        if "e" in text and "." not in text:
            text = text.replace("e", ".0e", 1)
        return text
    return json_value(value)


#: The settings of the template environment (they shape the compiled templates, so they key their cache).
_ENVIRONMENT_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "autoescape": False,  # nothing here is HTML; each value is escaped by a filter for its language
}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("generators"))),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(),
        **_ENVIRONMENT_OPTIONS,
    )
    env.filters.update(
        py=py_literal,
        pydoc=py_docstring,
        pydoc_inline=py_docstring_inline,
        comment=comment_text,
        json=json_value,
        yaml=yaml_value,
    )
    return env


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache of compiled templates, where a failed write only costs the next run time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """A cache of compiled templates in the user's cache directory, or none when it cannot be made.

    Compiling the templates costs more than rendering them for a small catalog, so
    each run after the first loads them compiled. Jinja2 checks each entry against
    the template's source and the Python version; the directory's name adds
    Jinja2's version and the environment's settings, which also shape the code.
    """
    import hashlib
    import os
    import sys
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = repr((jinja2.__version__, sys.version, sorted(_ENVIRONMENT_OPTIONS.items()), "StrictUndefined"))
    directory = Path(base, "errcat", "jinja2-" + hashlib.sha256(key.encode()).hexdigest()[:16])
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(directory))


# --- template contexts ----------------------------------------------------------------------


def banner(catalog: Catalog, layout: Layout) -> dict[str, str]:
    return {"source": catalog.source, "sha256": catalog.sha256, "command": layout.command}


def _natural_key(name: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _exports(names: Iterable[str]) -> list[str]:
    """``__all__`` in ruff's isort-style order: constants, classes, then the rest, naturally sorted."""

    def key(name: str) -> tuple[int, tuple[object, ...]]:
        group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
        return (group, _natural_key(name))

    return sorted(names, key=key)


def _sorted_codes(entries: Iterable[ErrorEntry]) -> list[ErrorEntry]:
    return sorted(entries, key=lambda e: e.code)


def _code_docstring(catalog: Catalog, entry: ErrorEntry) -> str:
    text = f"{entry.status} {entry.code}: {entry.title}."
    if entry.retired:
        text += f" Retired in {entry.retired.since}: no longer sent."
    elif entry.deprecated:
        text += f" Deprecated since {entry.deprecated.since}."
    if entry.replaced_by:
        text += f" Use {catalog.error(entry.replaced_by).class_name} instead."
    return text


def _python_context(catalog: Catalog, layout: Layout) -> dict[str, Any]:
    codes = _sorted_codes(catalog.errors)
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
    code_exports = [
        "ErrorCategory",
        "ErrorCode",
        "HttpStatus",
        "API_NAME",
        "API_VERSION",
        "DOCS_URL",
        "RETRY_STATUSES",
        "TRANSPORT_FAILURES",
        "BACKOFF_BASE_DELAY_SECONDS",
        "BACKOFF_MULTIPLIER",
        "BACKOFF_MAX_DELAY_SECONDS",
        "BACKOFF_MAX_ATTEMPTS",
        "BACKOFF_JITTER",
        "HONOR_RETRY_AFTER",
        "MAX_RETRY_AFTER_SECONDS",
        "REDACT_KEYS",
        "LOG_FIELDS",
        "LOG_LEVELS",
    ]
    class_exports = ["ApiError"] + [c.class_name for c in categories] + [e.class_name for e in codes]
    class_exports += [alias for e in codes for alias in e.alias_class_names]
    return {
        "catalog": catalog,
        "banner": banner(catalog, layout),
        "package": layout.package,
        "own_root": layout.standalone,
        "statuses": sorted(catalog.statuses, key=lambda s: s.status),
        "categories": categories,
        "codes": codes,
        "codes_by_category": {c.id: [e for e in codes if e.category == c.id] for c in categories},
        "metadata_keys": {e.code: tuple(sorted(e.metadata_keys)) for e in codes},
        "docstrings": {e.code: _code_docstring(catalog, e) for e in codes},
        "category_docstrings": {c.id: f"{c.title} (the {c.id} category)." for c in categories},
        "aliases": aliases,
        "retry_statuses": tuple(sorted(policy.retry_statuses)),
        "transport_failures": tuple(sorted(t.id for t in policy.transport_failures)),
        "backoff": policy.backoff,
        "redact_keys": tuple(sorted(catalog.logging.redacted_keys)),
        "log_fields": tuple(f.field for f in catalog.logging.include),
        "log_levels": sorted((lv.when, lv.level) for lv in catalog.logging.levels),
        "exports": _exports(code_exports),
        "class_exports": _exports(class_exports),
    }


def _schema_context(catalog: Catalog, layout: Layout) -> dict[str, Any]:
    codes = _sorted_codes(catalog.errors)
    responses = []
    names: dict[str, int] = {}
    for status in sorted(catalog.statuses, key=lambda s: s.status):
        with_status = [e for e in codes if e.status == status.status]
        if not with_status:
            continue
        name = class_name(status.member_name.lower())
        names[name] = names.get(name, 0) + 1
        responses.append(
            {
                "name": name if names[name] == 1 else f"{name}{status.status}",
                "description": f"{status.status} {status.phrase}: {status.description}",
                "codes": [
                    {"code": e.code, "title": e.title, "note": _example_note(e), "body": _example_body(e)}
                    for e in with_status
                ],
            }
        )
    return {
        "catalog": catalog,
        "banner": banner(catalog, layout),
        "codes": codes,
        "responses": responses,
        "schema_id": f"{catalog.api.docs_url.rstrip('/')}/schemas/error-response.schema.json",
    }


def _example_body(entry: ErrorEntry) -> dict[str, Any]:
    """The example body with its metadata fields sorted (their order in the YAML is not data)."""
    error = entry.example_body()["error"]
    envelope = {k: v for k, v in error.items() if k in ENVELOPE_FIELDS}
    return {"error": {**envelope, **{k: error[k] for k in sorted(error) if k not in ENVELOPE_FIELDS}}}


def _example_note(entry: ErrorEntry) -> str:
    if entry.retired:
        return f"Retired in {entry.retired.since}: no longer sent."
    if entry.deprecated:
        replacement = f" Use {entry.replaced_by} instead." if entry.replaced_by else ""
        return f"Deprecated since {entry.deprecated.since}.{replacement}"
    return ""
