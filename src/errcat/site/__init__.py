"""The reference site: the catalog rendered as a MkDocs (Material) project and built with MkDocs.

::

    Catalog --render_site--> {path: text} --write_site / check_site--> site/ --build_site--> site/build/

:mod:`errcat.site.render` is pure (the model in, files out); :mod:`errcat.site.build` writes
them atomically, copies the published contracts for download and runs the real
``mkdocs build --strict``. This is toolchain (Jinja2, MkDocs and mkdocs-material, in
``errcat[docs]``); the runtime never imports it.
"""

from __future__ import annotations

from errcat.site.build import (
    BuildFailed,
    SiteBuild,
    build_site,
    check_site,
    contracts_in,
    serve_site,
    write_site,
)
from errcat.site.render import CONTRACT_FILES, SiteOptions, render_site

__all__ = [
    "CONTRACT_FILES",
    "BuildFailed",
    "SiteBuild",
    "SiteOptions",
    "build_site",
    "check_site",
    "contracts_in",
    "render_site",
    "serve_site",
    "write_site",
]
