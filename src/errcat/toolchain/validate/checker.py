"""What every rule works with: the document, where to report, and the indexes rules share."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from errcat.toolchain.diagnostics import Diagnostic, Severity, closest
from errcat.toolchain.schema import describe_path
from errcat.toolchain.source import Document, Path

__all__ = ["Checker"]


class Checker:
    """A document that passed the schema, the diagnostics found in it so far, and its indexes.

    ``statuses``, ``categories`` and ``codes`` map each status, category id and code to the
    index of its first entry, so a rule can resolve a reference without walking the document;
    repeats are the uniqueness rules' to report. ``entries`` holds each error code's path, how
    messages name it (``errors[3] (invoice_not_found)``) and its entry, made once for all rules.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data = doc.data
        self.out: list[Diagnostic] = []
        self.statuses = _first_index(self.data["statuses"], "status")
        self.categories = _first_index(self.data["categories"], "id")
        self.codes = _first_index(self.data["errors"], "code")
        self.entries: list[tuple[Path, str, dict[str, Any]]] = [
            (("errors", i), f"errors[{i}] ({entry['code']})", entry)
            for i, entry in enumerate(self.data["errors"])
        ]

    def report(
        self,
        path: Path,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: Severity = "error",
    ) -> None:
        line, column = self.doc.at(path, key=key)
        self.out.append(Diagnostic(self.doc.file, line, column, severity, message, hint))

    def line(self, path: Path) -> int:
        """The line of the node at ``path``, to point at it from a message."""
        return self.doc.at(path)[0]

    def where(self, path: Path) -> str:
        return describe_path(self.data, path)

    def unique(self, section: Path, field: str, what: str, *, keyed: bool = False) -> None:
        """Report every repeat of ``item[field]`` among the items of the list at ``section``.

        ``keyed``: the field is what other entries name (a status, a category, a code), so the
        message names the entry and the line of the first, and the hint how to fix it; otherwise
        the message names the value and the hint the line of the first.
        """
        items: Any = self.data
        for step in section:
            items = items.get(step, []) if isinstance(items, dict) else []
        seen: dict[Any, int] = {}
        for i, item in enumerate(items):
            value = item[field]
            if value not in seen:
                seen[value] = i
                continue
            first_line = self.line(section + (seen[value], field))
            if keyed:
                self.report(
                    section + (i, field),
                    f"duplicate {what} {value!r} in {section[-1]}[{i}] (first defined at line {first_line})",
                    f"each {what} may appear once; remove or rename one of them",
                )
            else:
                self.report(
                    section + (i, field),
                    f"duplicate {what} {value!r}",
                    f"it is already defined at line {first_line}",
                )

    def reference(self, path: Path, value: Any, known: Collection[Any], what: str, hint: str) -> bool:
        """Whether ``value`` is one of ``known`` (a dict or set); reports it when not."""
        if value in known:
            return True
        message = f"{self.where(path)} names unknown {what} {value!r}"
        if close := closest(str(value), map(str, known)):
            message += f" (did you mean {close!r}?)"
        self.report(path, message, hint)
        return False


def _first_index(items: list[dict[str, Any]], field: str) -> dict[Any, int]:
    index: dict[Any, int] = {}
    for i, item in enumerate(items):
        index.setdefault(item[field], i)
    return index
