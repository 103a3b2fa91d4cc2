"""Code generation: the catalog's typed model in, every generated file out.

::

    Catalog --render.render_all--> {relative path: text} --writer.write / writer.check--> files

Rendering (:mod:`errcat.codegen.render`) is pure: Jinja2 templates under
``generators/`` fed with the model, then a formatting post-step (``ruff format``
for Python, a JSON round trip for JSON). Writing (:mod:`errcat.codegen.writer`) is
a separate step: atomic, or a drift report in ``--check`` mode.

This is toolchain: it needs Jinja2 and ruff (``errcat[toolchain]``); the runtime
never imports it.
"""

from __future__ import annotations

from errcat.codegen.render import Layout, render_all
from errcat.codegen.writer import Drift, check, write

__all__ = ["Drift", "Layout", "check", "render_all", "write"]
