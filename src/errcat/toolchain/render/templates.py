"""The Jinja2 environment of the code templates (``generators/``), with a cache of compiled templates.

One template per output file, shared macros in one ``_helpers.j2`` per kind; the
environment uses ``trim_blocks``, ``lstrip_blocks`` and ``keep_trailing_newline`` and
``StrictUndefined``, so a missing value is an error, never an empty string. Every
catalog value reaches a template through a filter of :mod:`errcat.toolchain.render.escape`.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from functools import cache
from typing import Any

import jinja2

from errcat.runtime import envelope
from errcat.toolchain.render.escape import (
    comment_text,
    js_string,
    jsdoc_text,
    json_value,
    markdown_text,
    py_docstring,
    py_docstring_inline,
    py_literal,
    yaml_value,
)
from errcat.toolchain.resources import cache_dir, data_dir

__all__ = ["code_environment", "make_environment"]

#: The settings every template environment shares (they shape the compiled templates: they key the cache).
_COMMON_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


def make_environment(**options: Any) -> jinja2.Environment:
    """An environment over ``generators/`` with the shared settings, plus ``options``."""
    settings = {**_COMMON_OPTIONS, **options}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("generators"))),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(settings),
        **settings,
    )
    # The wire envelope's objects and members, which the models, the TypeScript declarations
    # and the site's home page describe: every template reads them from the runtime's one copy.
    env.globals["envelope"] = envelope
    return env


@cache
def code_environment() -> jinja2.Environment:
    """The environment of the code and contract templates: no HTML, each value escaped by a filter."""
    env = make_environment(autoescape=False)
    env.filters.update(
        py=py_literal,
        pydoc=py_docstring,
        pydoc_inline=py_docstring_inline,
        comment=comment_text,
        json=json_value,
        yaml=yaml_value,
        md=markdown_text,
        js=js_string,
        jsdoc=jsdoc_text,
    )
    return env


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache of compiled templates, where a failed write only costs the next run time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(settings: dict[str, Any]) -> jinja2.BytecodeCache | None:
    """A cache of compiled templates in errcat's cache directory, or none when it cannot be made.

    Compiling the templates costs more than rendering them for a small catalog, so
    each run after the first loads them compiled. Jinja2 checks each entry against
    the template's source and the Python version; the directory's name adds
    Jinja2's version and the environment's settings, which also shape the code.
    A setting that is a function (a finalizer) is keyed by its qualified name.
    """
    shown = sorted((name, getattr(value, "__qualname__", value)) for name, value in settings.items())
    key = repr((jinja2.__version__, sys.version, shown, "StrictUndefined"))
    directory = cache_dir() / ("jinja2-" + hashlib.sha256(key.encode()).hexdigest()[:16])
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(directory))
