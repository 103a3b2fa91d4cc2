"""The renderers: pure functions from the catalog model to ``{relative path: text}``.

::

    Catalog --python--> <python_dir>/<package>/*.py (+ pyproject.toml, README.md)
            --contracts--> <schemas_dir>/error-response.schema.json, openapi-errors.yaml
            --typescript--> <typescript_dir>/package.json, *.js, *.d.ts (an npm package)
            --site--> the MkDocs project
            --text--> what ``errcat explain`` and ``errcat list`` print

Each reads the model only (never YAML, never a file but its own templates); writing is
:mod:`errcat.toolchain.write`'s job.
"""

from __future__ import annotations

import posixpath

from errcat.toolchain.model import Catalog
from errcat.toolchain.render.contracts import render_contracts
from errcat.toolchain.render.python import Layout, start_python

__all__ = ["render_all"]


def render_all(catalog: Catalog, layout: Layout) -> dict[str, str]:
    """Every file ``layout.outputs`` asks for, by path relative to the output root.

    ruff formats the Python modules in the background while the contracts render.
    """
    formatting = extra = None
    if "python" in layout.outputs:
        formatting, extra = start_python(catalog, layout)
    files: dict[str, str] = {}
    if "schemas" in layout.outputs:
        for name, text in render_contracts(catalog, layout.command).items():
            files[f"{layout.schemas_dir}/{name}".removeprefix("./")] = text
    if "typescript" in layout.outputs:
        from errcat.toolchain.render.typescript import render_typescript

        for name, text in render_typescript(catalog, layout).items():
            files[posixpath.normpath(posixpath.join(layout.typescript_dir, name))] = text
    if formatting is not None and extra is not None:
        files.update(formatting.result())
        files.update(extra)
    return dict(sorted(files.items()))
