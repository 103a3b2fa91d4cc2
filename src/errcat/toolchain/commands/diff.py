"""``errcat diff``: every change between two catalogs, classified, and the version bump it needs."""

from __future__ import annotations

from pathlib import Path

from errcat.toolchain.commands.catalogs import InputError, catalog_at, load_strict
from errcat.toolchain.commands.outcome import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Outcome
from errcat.toolchain.project import Project
from errcat.toolchain.terminal import printable


def diff(project: Project, old: Path | None, new: Path | None, *, against: str | None, fmt: str) -> Outcome:
    """``errcat diff``: classify every change between two catalogs and say which version bump it needs."""
    from errcat.toolchain import diff as differ
    from errcat.toolchain import diff_output

    new_path = new or project.catalog
    new_name = project.catalog_name if new is None else str(new)
    try:
        before = (
            catalog_at(against, project, new_path) if against else load_strict(old, str(old)) if old else None
        )
        after = load_strict(new_path, new_name)
    except InputError as exc:
        return Outcome(exc.status, stderr=printable(f"errcat: {exc.message}"))
    if before is None:
        return Outcome(EXIT_USAGE, stderr="errcat diff: give the old catalog (OLD [NEW]) or --against REF")
    report = differ.diff(before, after)
    if fmt == "json":
        text = diff_output.format_json(report)
    elif fmt == "github":
        text = diff_output.format_github(report, new_name)
    elif fmt == "markdown":
        text = diff_output.format_markdown(report).rstrip("\n")
    else:
        text = printable(diff_output.format_text(report, new_name))
    return Outcome(EXIT_FAILED if report.breaking_unversioned else EXIT_OK, stdout=text)
