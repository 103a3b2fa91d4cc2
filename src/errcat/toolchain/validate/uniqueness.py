"""What the catalog's entries are known by: each status, phrase, category and code appears once."""

from __future__ import annotations

from errcat.toolchain.validate.checker import Checker


def identities(c: Checker) -> None:
    c.unique(("statuses",), "status", "status", keyed=True)
    c.unique(("statuses",), "phrase", "status phrase")
    c.unique(("categories",), "id", "category", keyed=True)
    c.unique(("errors",), "code", "code", keyed=True)
