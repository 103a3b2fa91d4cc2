"""What each contract version changed, derived from the codes' lifecycle fields (the site's changelog)."""

from __future__ import annotations

from dataclasses import dataclass

from errcat.toolchain.model import Catalog
from errcat.toolchain.versions import semver_tuple

__all__ = ["Release", "changelog"]


@dataclass(frozen=True, slots=True)
class Release:
    """What one contract version changed in the catalog, from the codes' lifecycle fields."""

    version: str
    added: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()


def changelog(catalog: Catalog) -> tuple[Release, ...]:
    """Per contract version, newest first: the codes it added, deprecated and retired.

    Built from ``since``, ``deprecated.since`` and ``retired.since``, so it can never
    disagree with the entries; codes without ``since`` are left out of "added".
    """
    added: dict[str, list[str]] = {}
    deprecated: dict[str, list[str]] = {}
    retired: dict[str, list[str]] = {}
    for entry in catalog.errors:
        if entry.since:
            added.setdefault(entry.since, []).append(entry.code)
        if entry.deprecated:
            deprecated.setdefault(entry.deprecated.since, []).append(entry.code)
        if entry.retired:
            retired.setdefault(entry.retired.since, []).append(entry.code)
    versions = sorted(added.keys() | deprecated.keys() | retired.keys(), key=semver_tuple, reverse=True)
    return tuple(
        Release(
            version=v,
            added=tuple(sorted(added.get(v, ()))),
            deprecated=tuple(sorted(deprecated.get(v, ()))),
            retired=tuple(sorted(retired.get(v, ()))),
        )
        for v in versions
    )
