"""``errcat check``: the catalog's problems, or one line that says it is clean; ``--against`` a git ref.

A plain check is on the fast path: a catalog found clean before is answered from the cache
(:mod:`errcat.toolchain.cache`) without YAML, the validator or a renderer, so this module
imports them only where a full check needs them.
"""

from __future__ import annotations

from errcat.toolchain.commands.catalogs import InputError, catalog_at
from errcat.toolchain.commands.outcome import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Outcome
from errcat.toolchain.diagnostics import Diagnostic, format_github, format_json, format_text, has_errors
from errcat.toolchain.project import Project
from errcat.toolchain.terminal import printable


def check(project: Project, *, fmt: str = "text", use_cache: bool = True, quiet: bool = False) -> Outcome:
    """``errcat check``: every problem of the catalog, or one line that says it is clean."""
    from errcat.toolchain import cache
    from errcat.toolchain.load import Unreadable, load_bytes, read_catalog

    name = project.catalog_name
    try:
        raw = read_catalog(project.catalog, name)
    except Unreadable as exc:
        return _check_outcome([exc.diagnostic], {}, fmt, name, quiet, EXIT_USAGE)
    # The cache knows clean catalogs only: a hit means no diagnostic at all, a miss a full check.
    key = cache.key_for(raw) if use_cache else None
    cached = cache.get(key) if key else None
    if cached is not None:
        found: list[Diagnostic] = []
        counts = cached
    else:
        result = load_bytes(raw, name, build=False)
        found, counts = list(result.diagnostics), result.counts
        if key and not found:
            cache.put(key, counts)
    return _check_outcome(found, counts, fmt, name, quiet)


def check_against(project: Project, ref: str) -> Outcome:
    """``errcat check --against REF``: also refuse codes deleted and retired names reused since ``ref``."""
    from errcat.toolchain import diff
    from errcat.toolchain.load import load

    result = load(project.catalog, project.catalog_name)
    found = list(result.diagnostics)
    if result.catalog is not None:
        try:
            old = catalog_at(ref, project)
        except InputError as exc:
            found.append(
                Diagnostic(
                    project.catalog_name,
                    1,
                    1,
                    "error",
                    exc.message,
                    "pass a git ref where the catalog exists and is valid",
                )
            )
        else:
            errors_line = min((e.line for e in result.catalog.errors), default=1)
            found += diff.lifecycle_diagnostics(
                diff.diff(old, result.catalog), project.catalog_name, errors_line
            )
    return _check_outcome(found, result.counts, "text", project.catalog_name, quiet=False)


def _check_outcome(
    found: list[Diagnostic],
    counts: dict[str, int],
    fmt: str,
    name: str,
    quiet: bool,
    status: int | None = None,
) -> Outcome:
    failed = has_errors(found)
    if status is None:
        status = EXIT_FAILED if failed else EXIT_OK
    if fmt == "json":
        return Outcome(status, stdout=format_json(found), diagnostics=tuple(found))
    if fmt == "github":
        return Outcome(status, stdout=format_github(found), diagnostics=tuple(found))
    text = printable(format_text(found)) if found else ""
    if not failed and not quiet:
        warnings = f", {len(found)} warning{'s' if len(found) != 1 else ''}" if found else ""
        summary = (
            f"{printable(name)}: ok, {_count(counts, 'errors', 'code')} in "
            f"{_count(counts, 'categories', 'category', 'categories')}, "
            f"{_count(counts, 'statuses', 'status', 'statuses')}{warnings}"
        )
        return Outcome(status, stdout=summary, stderr=text, diagnostics=tuple(found))
    return Outcome(status, stderr=text, diagnostics=tuple(found))


def _count(counts: dict[str, int], key: str, one: str, many: str | None = None) -> str:
    number = counts.get(key, 0)
    return f"{number} {one if number == 1 else many or one + 's'}"
