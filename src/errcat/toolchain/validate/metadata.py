"""Each code's metadata: names that generated code can expose, and an example that shows them all."""

from __future__ import annotations

import keyword

from errcat.runtime.envelope import PROBLEM_FIELDS
from errcat.runtime.errors import ENVELOPE_FIELDS, RESERVED_KEYWORDS  # names metadata may not reuse
from errcat.toolchain.diagnostics import closest
from errcat.toolchain.validate.checker import Checker


def names(c: Checker) -> None:
    for at, where, entry in c.entries:
        for name in entry.get("metadata", {}):
            if problem := _name_problem(name):
                clash, hint = problem
                c.report(
                    at + ("metadata", name), f"metadata field {name!r} of {where} {clash}", hint, key=True
                )


def example(c: Checker) -> None:
    """The example sets only declared metadata, and (a warning) every declared field."""
    for at, where, entry in c.entries:
        declared = list(entry.get("metadata", {}))
        shown = entry["example"].get("metadata", {})
        for name in shown:
            if name not in declared:
                message = f"example of {where} sets metadata {name!r}, which the code does not declare"
                if close := closest(name, declared):
                    message += f" (did you mean {close!r}?)"
                c.report(
                    at + ("example", "metadata", name),
                    message,
                    "declare it under metadata, or remove it from the example",
                    key=True,
                )
        missing = [name for name in declared if name not in shown]
        if missing:
            c.report(
                at + ("example",),
                f"example of {where} leaves out metadata {', '.join(map(repr, missing))}",
                "show a realistic value for every metadata field",
                severity="warning",
            )


def _name_problem(name: str) -> tuple[str, str] | None:
    """Why no metadata field may be called ``name``: the end of the message and the hint; None if it may."""
    if name in ENVELOPE_FIELDS:
        fields = ", ".join(sorted(ENVELOPE_FIELDS))
        return "clashes with the error envelope", f"the error object already has {fields}; pick another name"
    if name in PROBLEM_FIELDS:
        fields = ", ".join(sorted(PROBLEM_FIELDS))
        return (
            "clashes with the problem+json form of the error",
            f"RFC 9457 problem details already have {fields}; pick another name",
        )
    if name in RESERVED_KEYWORDS:
        arguments = ", ".join(sorted(RESERVED_KEYWORDS))
        return (
            f"clashes with the {name} argument of ApiError",
            f"ApiError's own keyword arguments ({arguments}) are not metadata; pick another name",
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return (
            "is a Python keyword",
            "generated code exposes metadata by name; pick a name that is not a keyword",
        )
    return None
