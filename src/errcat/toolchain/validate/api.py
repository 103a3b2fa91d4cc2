"""The ``api`` section: the base URL every code's documentation page hangs off."""

from __future__ import annotations

from errcat.toolchain.validate.checker import Checker


def docs_url(c: Checker) -> None:
    if c.data["api"]["docs_url"].endswith("/"):
        c.report(
            ("api", "docs_url"),
            "api.docs_url ends with '/'",
            "write the base URL without a trailing slash; code pages live at <docs_url>/codes/<code>/",
        )
