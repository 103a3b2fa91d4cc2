"""What the entries name: every status, category and code they refer to exists and fits."""

from __future__ import annotations

from errcat.toolchain.source import Path
from errcat.toolchain.validate.checker import Checker


def statuses_and_categories(c: Checker) -> None:
    """Each code's status is in the table and is an error status; its category exists."""
    for at, where, entry in c.entries:
        status = entry["status"]
        known = c.reference(
            at + ("status",),
            status,
            c.statuses,
            "status",
            "add the status to the statuses table, or use a status it lists",
        )
        if known and status < 400:
            c.report(
                at + ("status",),
                f"{where} has status {status}, but an error code needs a 4xx or 5xx status",
                "successful statuses (2xx) and redirects (3xx) carry no error code",
            )
        c.reference(
            at + ("category",),
            entry["category"],
            c.categories,
            "category",
            "add the category to categories, or use one it lists",
        )


def see_also(c: Checker) -> None:
    for at, where, entry in c.entries:
        for j, other in enumerate(entry.get("see_also", [])):
            path: Path = (*at, "see_also", j)
            if other == entry["code"]:
                c.report(path, f"{where} lists itself in see_also")
            else:
                c.reference(path, other, c.codes, "code", "list existing codes only")


def unused_categories(c: Checker) -> None:
    """A category no code belongs to is a warning: a page with nothing on it."""
    used = {entry["category"] for entry in c.data["errors"]}
    for category_id, i in c.categories.items():
        if category_id not in used:
            c.report(
                ("categories", i, "id"),
                f"category {category_id!r} has no codes",
                "remove it, or give it a code",
                severity="warning",
            )


def scenarios(c: Checker) -> None:
    c.unique(("scenarios",), "id", "scenario")
    for i, scenario in enumerate(c.data.get("scenarios", [])):
        for j, code in enumerate(scenario["codes"]):
            c.reference(("scenarios", i, "codes", j), code, c.codes, "code", "list existing codes only")
