"""How an ``errcat diff`` report is shown: as text, as JSON, as GitHub annotations, or as a Markdown
comment for a pull request. Each carries the verdict: the version bump the changes need, and
whether the new version makes it."""

from __future__ import annotations

import json

from errcat.toolchain.diagnostics import github_data, github_property
from errcat.toolchain.diff import KINDS, Report

__all__ = ["format_github", "format_json", "format_markdown", "format_text", "verdict"]


def verdict(report: Report) -> str:
    needed = report.required_bump
    if needed == "none":
        return f"no contract changes ({report.old_version} -> {report.new_version})"
    counts = ", ".join(f"{report.count(k)} {k}" for k in KINDS if report.count(k))
    status = "ok" if report.bump_ok else "NOT ENOUGH"
    return (
        f"{counts}: needs a {needed} version bump; "
        f"{report.old_version} -> {report.new_version} is a {report.actual_bump} bump ({status})"
    )


def format_text(report: Report, new_file: str = "") -> str:
    lines = []
    for c in report.changes:
        where = f"{new_file}:{c.line}: " if new_file and c.line else ""
        lines.append(f"{where}{c.kind}: {c.message}")
    lines.append(verdict(report))
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return json.dumps(
        {
            "old_version": report.old_version,
            "new_version": report.new_version,
            "required_bump": report.required_bump,
            "actual_bump": report.actual_bump,
            "bump_ok": report.bump_ok,
            "changes": [c.to_dict() for c in report.changes],
        },
        indent=2,
        ensure_ascii=False,
    )


def format_github(report: Report, new_file: str) -> str:
    level = {
        "breaking": "error" if report.breaking_unversioned else "warning",
        "additive": "notice",
        "cosmetic": "notice",
    }
    out = []
    for c in report.changes:
        location = f"file={github_property(new_file)}" + (f",line={c.line}" if c.line else "")
        out.append(f"::{level[c.kind]} {location},title=errcat diff ({c.kind})::{github_data(c.message)}")
    out.append(
        f"::{'error' if not report.bump_ok else 'notice'} title=errcat diff::{github_data(verdict(report))}"
    )
    return "\n".join(out)


def format_markdown(report: Report) -> str:
    """A pull-request comment: a summary line, then one table per kind of change."""
    lines = ["### Error catalog changes", "", verdict(report), ""]  # versions and counts only
    for kind in KINDS:
        rows = [c for c in report.changes if c.kind == kind]
        if not rows:
            continue
        lines += [f"#### {kind.capitalize()} ({len(rows)})", "", "| subject | change |", "| --- | --- |"]
        lines += [
            f"| {_md_cell(c.subject)} | {_md_cell(c.message.removeprefix(c.subject + ': '))} |" for c in rows
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md_cell(text: str) -> str:
    """Catalog text inside a Markdown table cell: no markup, no cell breaks."""
    escaped = "".join("\\" + ch if ch in "\\`*_{}[]()<>#+!|~" else ch for ch in text)
    return " ".join(escaped.split())
