"""Text for people and tools at a terminal: ``errcat explain``'s entry, ``errcat list``'s table.

Catalog text is shown, never obeyed: every line goes through
:func:`errcat.toolchain.terminal.printable`.
"""

from __future__ import annotations

import json
import textwrap

from errcat.toolchain.model import RETRY_ADVICE, Catalog, ErrorEntry
from errcat.toolchain.terminal import printable

__all__ = ["explain_text", "find_entry", "list_json", "list_text"]


def find_entry(catalog: Catalog, name: str) -> tuple[ErrorEntry | None, bool]:
    """The entry of a code (any case, ``-`` for ``_``) or of a former name, or of either one's class
    name; and whether ``name`` was a former name."""
    wanted = name.strip()
    normalised = wanted.lower().replace("-", "_")
    for entry in catalog.errors:
        if normalised == entry.code or wanted == entry.class_name:
            return entry, False
    for entry in catalog.errors:
        if normalised in entry.aliases or wanted in entry.alias_class_names:
            return entry, True
    return None, False


def explain_text(catalog: Catalog, entry: ErrorEntry) -> str:
    """One code's entry for a person: its facts, cause, solution, retry advice and an example response."""
    status = catalog.status(entry.status)
    category = catalog.category(entry.category)
    retry = RETRY_ADVICE[entry.retry.strategy]
    if entry.retry.retry_after_seconds:
        retry += f" Servers send Retry-After: {entry.retry.retry_after_seconds}."
    facts = [
        ("Status", f"{status.status} {status.phrase}"),
        ("Category", f"{category.title} ({category.id})"),
        ("Message", entry.message),
        ("Retry", retry),
    ]
    if entry.metadata:
        facts.append(("Metadata", ", ".join(entry.metadata_keys)))
    if entry.since:
        facts.append(("Since", entry.since))
    if entry.deprecated:
        replacement = f"; use {entry.replaced_by} instead" if entry.replaced_by else ""
        facts.append(("Deprecated", f"since {entry.deprecated.since}{replacement}"))
    facts.append(("Docs", entry.doc_url))

    def wrap(text: str) -> str:
        return textwrap.fill(" ".join(text.split()), width=76, initial_indent="  ", subsequent_indent="  ")

    lines = [f"{entry.code}: {entry.title}", ""]
    lines += [f"  {label:<10} {' '.join(value.split())}" for label, value in facts]
    sections = [("Cause", entry.cause), ("Solution", entry.solution)]
    if entry.usage:
        sections.append(("When it is sent", entry.usage))
    if entry.retry.reason:
        sections.append(("Why this retry behaviour", entry.retry.reason))
    if entry.deprecated:
        sections.append(("Why it is deprecated", entry.deprecated.reason))
    for title, text in sections:
        lines += ["", title, wrap(text)]
    if entry.metadata:
        lines += ["", "Metadata"]
        lines += [f"  {name}: {description}" for name, description in entry.metadata]
    body = json.dumps(entry.example_body(), indent=2, ensure_ascii=False)
    response = f"HTTP/1.1 {status.status} {status.phrase}\n{body}"
    lines += ["", "Example response", textwrap.indent(response, "  ")]
    return printable("\n".join(lines))


def list_json(catalog: Catalog) -> str:
    """Every code as JSON, for tools."""
    rows = [
        {
            "code": e.code,
            "status": e.status,
            "category": e.category,
            "title": e.title,
            "retry": e.retry.strategy,
            "deprecated": e.is_deprecated,
            "doc_url": e.doc_url,
        }
        for e in catalog.errors
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def list_text(catalog: Catalog) -> str:
    """Every code as a table for a terminal."""
    headers = ("CODE", "STATUS", "CATEGORY", "RETRY", "TITLE")
    rows = [
        (
            e.code + (" (deprecated)" if e.is_deprecated else ""),
            str(e.status),
            e.category,
            e.retry.strategy,
            e.title,
        )
        for e in catalog.errors
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:-1])]
    lines = []
    for row in (headers, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    return printable("\n".join(lines))
