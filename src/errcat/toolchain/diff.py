"""Compare two versions of a catalog and classify every change, like buf's breaking-change rules.

A catalog is a contract: services send its codes and clients branch on them.
Each change between two versions is one of

- **breaking**: a client written against the old catalog can now misbehave (a code removed or renamed
  without an alias, a status, category or retry behaviour changed, a metadata field removed, the
  documentation URL moved, a generated class renamed). It needs a new major version.
- **additive**: new things a client can ignore (a new code, status, category, metadata field or alias;
  a code deprecated or retired; backoff numbers tuned). It needs a new minor version.
- **cosmetic**: prose (titles, messages, causes, examples, guidance). A patch version is enough.

Codes are matched by name; a code that disappears while another code lists it in ``aliases`` was
renamed, which is additive. The classification tables below cover every field of the model, and a test
fails when a new field is added without a class.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from errcat.toolchain.diagnostics import Diagnostic
from errcat.toolchain.model import Catalog, Category, ErrorEntry, Status, semver_tuple

Kind = Literal["breaking", "additive", "cosmetic"]
Bump = Literal["major", "minor", "patch", "none"]

KINDS: tuple[Kind, ...] = ("breaking", "additive", "cosmetic")
_BUMP_FOR: dict[Kind, Bump] = {"breaking": "major", "additive": "minor", "cosmetic": "patch"}

#: How a change of each field of an error code is classified. ``None``: handled by a rule of its own.
ERROR_FIELDS: dict[str, Kind | None] = {
    "code": None,  # matching key: removals and renames
    "status": "breaking",
    "category": "breaking",
    "title": "cosmetic",
    "message": "cosmetic",
    "cause": "cosmetic",
    "solution": "cosmetic",
    "retry": None,  # strategy and Retry-After are behaviour; the reason is prose
    "example": "cosmetic",
    "doc_url": "breaking",
    "usage": "cosmetic",
    "metadata": None,  # removing a field breaks, adding one does not, descriptions are prose
    "see_also": "cosmetic",
    "since": "cosmetic",
    "deprecated": None,  # deprecating is additive; its reason is prose
    "retired": None,  # retiring is additive; bringing a retired code back is breaking
    "replaced_by": "cosmetic",
    "aliases": None,  # removing an alias breaks, adding one does not
    "line": None,  # where the entry sits in the file: not part of the contract
    "class_name": "breaking",  # the generated exception class is Python API
}
STATUS_FIELDS: dict[str, Kind | None] = {
    "status": None,
    "phrase": "cosmetic",
    "description": "cosmetic",
    "action": "cosmetic",
}
CATEGORY_FIELDS: dict[str, Kind | None] = {
    "id": None,
    "title": "cosmetic",
    "description": "cosmetic",
    "class_name": "breaking",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two catalogs."""

    kind: Kind
    subject: str  # what changed: "code invoice_not_found", "status 404", "retry_policy", ...
    message: str
    field: str = ""
    old: Any = None
    new: Any = None
    line: int = 0  # where to look in the new catalog (or the old one, for removals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "field": self.field,
            "message": self.message,
            "old": _jsonable(self.old),
            "new": _jsonable(self.new),
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Every change, the version bump they need, and whether the new version provides it."""

    old_version: str
    new_version: str
    changes: tuple[Change, ...]

    @property
    def required_bump(self) -> Bump:
        for kind in KINDS:
            if any(c.kind == kind for c in self.changes):
                return _BUMP_FOR[kind]
        return "none"

    @property
    def actual_bump(self) -> Bump:
        return version_bump(self.old_version, self.new_version)

    @property
    def breaking_unversioned(self) -> bool:
        """A breaking change without the major version bump it needs."""
        return self.required_bump == "major" and not bump_satisfies(
            self.old_version, self.new_version, "major"
        )

    @property
    def bump_ok(self) -> bool:
        return bump_satisfies(self.old_version, self.new_version, self.required_bump)

    def count(self, kind: Kind) -> int:
        return sum(c.kind == kind for c in self.changes)


def version_bump(old: str, new: str) -> Bump:
    o, n = semver_tuple(old), semver_tuple(new)
    if n[0] > o[0]:
        return "major"
    if n[:2] > o[:2]:
        return "minor"
    if n > o:
        return "patch"
    return "none"


def bump_satisfies(old: str, new: str, needed: Bump) -> bool:
    """Whether going from ``old`` to ``new`` is a big enough bump (0.x counts a minor bump as major)."""
    order = {"none": 0, "patch": 1, "minor": 2, "major": 3}
    actual = version_bump(old, new)
    if semver_tuple(old)[0] == 0 and actual == "minor":
        actual = "major"  # semver: anything may change in 0.y.z; a minor bump is as good as a major one
    return order[actual] >= order[needed]


def diff(old: Catalog, new: Catalog) -> Report:
    """Every change from ``old`` to ``new``, in a stable order."""
    changes: list[Change] = []
    changes += _diff_api(old, new)
    changes += _diff_keyed("status", old.statuses, new.statuses, lambda s: str(s.status), STATUS_FIELDS)
    changes += _diff_keyed("category", old.categories, new.categories, lambda c: c.id, CATEGORY_FIELDS)
    changes += _diff_errors(old, new)
    changes += _diff_retry_policy(old, new)
    changes += _diff_guidance(old, new)
    return Report(old.api.version, new.api.version, tuple(changes))


def _diff_api(old: Catalog, new: Catalog) -> list[Change]:
    out = []
    if old.api.docs_url != new.api.docs_url:
        out.append(
            Change(
                "breaking",
                "api",
                "the documentation base URL changed: every code's doc_url moves",
                "docs_url",
                old.api.docs_url,
                new.api.docs_url,
            )
        )
    for name in ("name", "description"):
        a, b = getattr(old.api, name), getattr(new.api, name)
        if a != b:
            out.append(Change("cosmetic", "api", f"api.{name} changed", name, a, b))
    return out


def _diff_keyed(
    what: str,
    old: Sequence[Status] | Sequence[Category],
    new: Sequence[Status] | Sequence[Category],
    key: Any,
    fields: dict[str, Kind | None],
) -> list[Change]:
    out = []
    old_by = {key(x): x for x in old}
    new_by = {key(x): x for x in new}
    for k in old_by:
        if k not in new_by:
            out.append(Change("breaking", f"{what} {k}", f"{what} {k} was removed"))
    for k, item in new_by.items():
        if k not in old_by:
            out.append(Change("additive", f"{what} {k}", f"{what} {k} was added"))
            continue
        before = old_by[k]
        for name, kind in fields.items():
            if kind is None:
                continue
            a, b = getattr(before, name), getattr(item, name)
            if a != b:
                out.append(Change(kind, f"{what} {k}", f"{what} {k}: {name} changed", name, a, b))
    return out


def _diff_errors(old: Catalog, new: Catalog) -> list[Change]:
    out: list[Change] = []
    new_by = {e.code: e for e in new.errors}
    old_by = {e.code: e for e in old.errors}
    renamed_to = {alias: e for e in new.errors for alias in e.aliases}
    for code, before in old_by.items():
        if code in new_by:
            out += _diff_error(before, new_by[code])
        elif code in renamed_to:
            target = renamed_to[code]
            out.append(
                Change(
                    "additive",
                    f"code {code}",
                    f"code {code} was renamed to {target.code}; the old name stays as an alias",
                    "code",
                    code,
                    target.code,
                    target.line,
                )
            )
            # The rest of the entry still counts. The page moves with the name (the old URL redirects),
            # and the old exception class name stays as an alias of the new class.
            kept = {"doc_url", "aliases"}
            if before.class_name in (target.class_name, *target.alias_class_names):
                kept.add("class_name")
            out += [c for c in _diff_error(before, target) if c.field not in kept]
        else:
            out.append(
                Change(
                    "breaking",
                    f"code {code}",
                    f"code {code} was removed without an alias",
                    "code",
                    code,
                    None,
                    before.line,
                )
            )
    for code, after in new_by.items():
        if code in old_by or any(a in old_by and a not in new_by for a in after.aliases):
            continue  # compared above, or a rename reported above
        out.append(
            Change("additive", f"code {code}", f"code {code} was added", "code", None, code, after.line)
        )
    return out


def _diff_error(a: ErrorEntry, b: ErrorEntry) -> list[Change]:
    subject = f"code {a.code}"
    out = []

    def change(kind: Kind, field: str, message: str, old: Any, new: Any) -> None:
        out.append(Change(kind, subject, f"{subject}: {message}", field, old, new, b.line))

    for name, kind in ERROR_FIELDS.items():
        if kind is None:
            continue
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            change(kind, name, f"{name} changed", x, y)

    if a.retry.strategy != b.retry.strategy:
        change("breaking", "retry.strategy", "retry behaviour changed", a.retry.strategy, b.retry.strategy)
    if a.retry.retry_after_seconds != b.retry.retry_after_seconds:
        change(
            "breaking",
            "retry.retry_after_seconds",
            "Retry-After changed",
            a.retry.retry_after_seconds,
            b.retry.retry_after_seconds,
        )
    if a.retry.reason != b.retry.reason:
        change("cosmetic", "retry.reason", "retry.reason changed", a.retry.reason, b.retry.reason)

    old_meta, new_meta = dict(a.metadata), dict(b.metadata)
    for key in old_meta.keys() - new_meta.keys():
        change("breaking", "metadata", f"metadata field {key} was removed", key, None)
    for key in new_meta.keys() - old_meta.keys():
        change("additive", "metadata", f"metadata field {key} was added", None, key)
    for key in sorted(old_meta.keys() & new_meta.keys()):
        if old_meta[key] != new_meta[key]:
            change(
                "cosmetic",
                "metadata",
                f"description of metadata field {key} changed",
                old_meta[key],
                new_meta[key],
            )

    for alias in sorted(set(a.aliases) - set(b.aliases)):
        change("breaking", "aliases", f"alias {alias} was removed", alias, None)
    for alias in sorted(set(b.aliases) - set(a.aliases)):
        change("additive", "aliases", f"alias {alias} was added", None, alias)

    if a.deprecated is None and b.deprecated is not None:
        change("additive", "deprecated", f"deprecated in {b.deprecated.since}", None, b.deprecated.since)
    elif a.deprecated is not None and b.deprecated is None:
        change("additive", "deprecated", "no longer deprecated", a.deprecated.since, None)
    elif a.deprecated != b.deprecated:
        change("cosmetic", "deprecated", "deprecation notice changed", a.deprecated, b.deprecated)

    if a.retired is None and b.retired is not None:
        change("additive", "retired", f"retired in {b.retired.since}: no longer sent", None, b.retired.since)
    elif a.retired is not None and b.retired is None:
        change(
            "breaking",
            "retired",
            "a retired code is sent again; retired names are reserved forever",
            a.retired.since,
            None,
        )
    elif a.retired != b.retired:
        change("cosmetic", "retired", "retirement notice changed", a.retired, b.retired)
    return out


def _diff_retry_policy(old: Catalog, new: Catalog) -> list[Change]:
    a, b = old.retry_policy, new.retry_policy
    out = []
    subject = "retry_policy"
    for status in sorted(set(a.retry_statuses) - set(b.retry_statuses)):
        out.append(
            Change(
                "breaking", subject, f"status {status} is no longer retried", "retry_statuses", status, None
            )
        )
    for status in sorted(set(b.retry_statuses) - set(a.retry_statuses)):
        out.append(
            Change("breaking", subject, f"status {status} is now retried", "retry_statuses", None, status)
        )
    old_failures = {t.id for t in a.transport_failures}
    new_failures = {t.id for t in b.transport_failures}
    for failure in sorted(old_failures ^ new_failures):
        now = "now" if failure in new_failures else "no longer"
        out.append(
            Change(
                "breaking",
                subject,
                f"transport failure {failure} is {now} retried",
                "transport_failures",
                failure if now == "no longer" else None,
                failure if now == "now" else None,
            )
        )
    if a.honor_retry_after != b.honor_retry_after:
        out.append(
            Change(
                "breaking",
                subject,
                "honor_retry_after changed",
                "honor_retry_after",
                a.honor_retry_after,
                b.honor_retry_after,
            )
        )
    for field in dataclasses.fields(a.backoff):
        x, y = getattr(a.backoff, field.name), getattr(b.backoff, field.name)
        if x != y:
            out.append(
                Change("additive", subject, f"backoff.{field.name} changed", f"backoff.{field.name}", x, y)
            )
    if a.max_retry_after_seconds != b.max_retry_after_seconds:
        out.append(
            Change(
                "additive",
                subject,
                "max_retry_after_seconds changed",
                "max_retry_after_seconds",
                a.max_retry_after_seconds,
                b.max_retry_after_seconds,
            )
        )
    old_descriptions = {t.id: t.description for t in a.transport_failures}
    for t in b.transport_failures:
        if t.id in old_descriptions and old_descriptions[t.id] != t.description:
            out.append(
                Change(
                    "cosmetic",
                    subject,
                    f"description of transport failure {t.id} changed",
                    "transport_failures",
                    old_descriptions[t.id],
                    t.description,
                )
            )
    if a.notes != b.notes:
        out.append(Change("cosmetic", subject, "retry notes changed", "notes", a.notes, b.notes))
    return out


def _diff_guidance(old: Catalog, new: Catalog) -> list[Change]:
    out = []
    for name in ("logging", "scenarios", "links"):
        if getattr(old, name) != getattr(new, name):
            out.append(Change("cosmetic", name, f"{name} guidance changed", name))
    return out


# --- output -------------------------------------------------------------------------------------


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
    from errcat.toolchain.diagnostics import github_data, github_property

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


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def lifecycle_diagnostics(report: Report, new_file: str, errors_line: int) -> list[Diagnostic]:
    """What ``errcat check --against`` refuses: entries deleted outright and retired names reused."""
    out = []
    for c in report.changes:
        if c.kind != "breaking":
            continue
        if c.field == "code" and c.new is None:
            out.append(
                Diagnostic(
                    new_file,
                    errors_line,
                    1,
                    "error",
                    f"code {c.old!r} was deleted; codes are never deleted",
                    "restore its entry and mark it retired (retired: since, reason), or keep its name in the "
                    "aliases of the code that replaces it",
                )
            )
        elif c.field == "retired":
            out.append(
                Diagnostic(
                    new_file,
                    c.line,
                    1,
                    "error",
                    f"{c.subject} was retired in {c.old} and is reused; retired names are reserved forever",
                    "keep it retired and add a new code with another name",
                )
            )
    return out
