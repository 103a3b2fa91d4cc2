"""A code's lifecycle: introduced, deprecated and retired in order, no later than the catalog's version,
and replaced by a code that is still sent."""

from __future__ import annotations

from typing import Any

from errcat.toolchain.source import Path
from errcat.toolchain.validate.checker import Checker
from errcat.toolchain.versions import semver_tuple


def versions(c: Checker) -> None:
    api_version = c.data["api"]["version"]
    current = semver_tuple(api_version)
    for at, where, entry in c.entries:
        since = entry.get("since")
        if since and semver_tuple(since) > current:
            c.report(
                at + ("since",),
                f"{where} is introduced in {since}, after the catalog's version {api_version}",
                "raise api.version, or correct since",
            )
        deprecated = entry.get("deprecated")
        if deprecated:
            dep_since = deprecated["since"]
            if since and semver_tuple(dep_since) < semver_tuple(since):
                c.report(
                    at + ("deprecated", "since"),
                    f"{where} is deprecated in {dep_since}, before it was introduced in {since}",
                )
            if semver_tuple(dep_since) > current:
                c.report(
                    at + ("deprecated", "since"),
                    f"{where} is deprecated in {dep_since}, after the catalog's version {api_version}",
                    "raise api.version, or correct deprecated.since",
                )
        retired = entry.get("retired")
        if retired:
            _retirement(c, at, where, retired["since"], since, deprecated, api_version)


def _retirement(
    c: Checker,
    at: Path,
    where: str,
    ret_since: str,
    since: str | None,
    deprecated: dict[str, Any] | None,
    api_version: str,
) -> None:
    path = at + ("retired", "since")
    if semver_tuple(ret_since) > semver_tuple(api_version):
        c.report(
            path,
            f"{where} is retired in {ret_since}, after the catalog's version {api_version}",
            "raise api.version, or correct retired.since",
        )
    if since and semver_tuple(ret_since) < semver_tuple(since):
        c.report(path, f"{where} is retired in {ret_since}, before it was introduced in {since}")
    if deprecated and semver_tuple(ret_since) < semver_tuple(deprecated["since"]):
        c.report(
            path, f"{where} is retired in {ret_since}, before it was deprecated in {deprecated['since']}"
        )


def replacements(c: Checker) -> None:
    """``replaced_by`` belongs to a deprecated or retired code and names another code that is still sent."""
    for at, where, entry in c.entries:
        replaced_by = entry.get("replaced_by")
        if replaced_by is None:
            continue
        path = at + ("replaced_by",)
        if replaced_by == entry["code"]:
            c.report(path, f"{where} is replaced by itself", "name the code that replaces it")
            continue
        if not entry.get("deprecated") and not entry.get("retired"):
            c.report(
                path,
                f"{where} names a replacement but is neither deprecated nor retired",
                "add deprecated (since, reason), or remove replaced_by",
            )
        if not c.reference(path, replaced_by, c.codes, "code", "name an existing code"):
            continue
        target = c.data["errors"][c.codes[replaced_by]]
        if target.get("retired"):
            c.report(
                path,
                f"{where} is replaced by {replaced_by!r}, which is retired",
                "point at a code that is still sent",
            )
        elif target.get("deprecated"):
            c.report(
                path,
                f"{where} is replaced by {replaced_by!r}, which is deprecated too",
                f"point at the code that replaces {replaced_by!r} instead",
            )
