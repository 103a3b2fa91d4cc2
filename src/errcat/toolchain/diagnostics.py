"""Diagnostics: what the loader and the checks say about a catalog.

Every problem found in a catalog becomes a :class:`Diagnostic` that names the
file, the line and the column to fix, in the style of a compiler::

    catalog/errors.yaml:42:7: error: unknown field 'staus' in errors[3] (did you mean 'status'?)

Nothing in the toolchain raises for a bad catalog; problems are collected and
reported together, so one run shows all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place in a catalog file."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    help: {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like ``word`` (a probable typo), for a "did you mean" hint; None if none is close."""
    import difflib  # only when a catalog has a mistake: a clean check never pays for the import

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message (a name can be as long as a file)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(value: object, *, integer: str = "an integer", mapping: str = "a mapping") -> str:
    """How a value's type reads in a diagnostic; ``integer`` and ``mapping`` are what the file's
    language calls those (TOML: ``a number`` and ``a table``)."""
    if value is None:
        return "null"
    for kind, name in ((bool, "a boolean"), (int, integer), (float, "a number"), (str, "a string")):
        if isinstance(value, kind):
            return name
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return mapping
    return type(value).__name__


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.column, d.message)


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = [str(d) for d in diagnostics]
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic."""
    out = []
    for d in diagnostics:
        message = d.message + (f" ({d.hint})" if d.hint else "")
        out.append(
            f"::{d.severity} file={github_property(d.file)},line={d.line},col={d.column},"
            f"title=errcat::{github_data(message)}"
        )
    return "\n".join(out)


def github_data(text: str) -> str:
    """Text escaped for the message of a GitHub Actions workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """Text escaped for a property (file=..., title=...) of a GitHub Actions workflow command."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
