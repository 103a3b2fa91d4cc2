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
renamed, which is additive. Each field of a status, a category and a code is classified where the model
declares it (its ``change`` metadata, :mod:`errcat.toolchain.model`); the fields marked ``OWN_RULE``
are compared by the rules below. How a report is shown is :mod:`errcat.toolchain.diff_output`'s job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from errcat.toolchain.diagnostics import Diagnostic
from errcat.toolchain.model import Catalog, Category, ErrorEntry, Status
from errcat.toolchain.versions import Bump, bump_satisfies, version_bump

Kind = Literal["breaking", "additive", "cosmetic"]

KINDS: tuple[Kind, ...] = ("breaking", "additive", "cosmetic")
_BUMP_FOR: dict[Kind, Bump] = {"breaking": "major", "additive": "minor", "cosmetic": "patch"}


def field_classes(record: type[Any]) -> dict[str, Kind | None]:
    """How a change of each field of the model class ``record`` is classified, from its metadata;
    None for a field compared by a rule of its own."""
    return {f.name: f.metadata["change"] for f in dataclasses.fields(record)}


ERROR_FIELDS = field_classes(ErrorEntry)
STATUS_FIELDS = field_classes(Status)
CATEGORY_FIELDS = field_classes(Category)


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
        for kind, name, a, b in _field_changes(old_by[k], item, fields):
            out.append(Change(kind, f"{what} {k}", f"{what} {k}: {name} changed", name, a, b))
    return out


def _field_changes(
    before: Any, after: Any, fields: dict[str, Kind | None]
) -> Iterator[tuple[Kind, str, Any, Any]]:
    """(class, field, old value, new value) of each classified field that differs between two records."""
    for name, kind in fields.items():
        if kind is not None and (a := getattr(before, name)) != (b := getattr(after, name)):
            yield kind, name, a, b


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

    for kind, name, x, y in _field_changes(a, b, ERROR_FIELDS):
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
    for key in sorted(old_meta.keys() - new_meta.keys()):
        change("breaking", "metadata", f"metadata field {key} was removed", key, None)
    for key in sorted(new_meta.keys() - old_meta.keys()):
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

    def change(kind: Kind, message: str, field: str, before: Any, after: Any) -> None:
        out.append(Change(kind, "retry_policy", message, field, before, after))

    for status in sorted(set(a.retry_statuses) - set(b.retry_statuses)):
        change("breaking", f"status {status} is no longer retried", "retry_statuses", status, None)
    for status in sorted(set(b.retry_statuses) - set(a.retry_statuses)):
        change("breaking", f"status {status} is now retried", "retry_statuses", None, status)
    old_failures = {t.id: t.description for t in a.transport_failures}
    new_failures = {t.id: t.description for t in b.transport_failures}
    for failure in sorted(old_failures.keys() ^ new_failures.keys()):
        if failure in new_failures:
            change(
                "breaking", f"transport failure {failure} is now retried", "transport_failures", None, failure
            )
        else:
            change(
                "breaking",
                f"transport failure {failure} is no longer retried",
                "transport_failures",
                failure,
                None,
            )
    if a.honor_retry_after != b.honor_retry_after:
        change(
            "breaking",
            "honor_retry_after changed",
            "honor_retry_after",
            a.honor_retry_after,
            b.honor_retry_after,
        )
    for field in dataclasses.fields(a.backoff):
        x, y = getattr(a.backoff, field.name), getattr(b.backoff, field.name)
        if x != y:
            change("additive", f"backoff.{field.name} changed", f"backoff.{field.name}", x, y)
    if a.max_retry_after_seconds != b.max_retry_after_seconds:
        change(
            "additive",
            "max_retry_after_seconds changed",
            "max_retry_after_seconds",
            a.max_retry_after_seconds,
            b.max_retry_after_seconds,
        )
    for failure, description in new_failures.items():
        if failure in old_failures and old_failures[failure] != description:
            change(
                "cosmetic",
                f"description of transport failure {failure} changed",
                "transport_failures",
                old_failures[failure],
                description,
            )
    if a.notes != b.notes:
        change("cosmetic", "retry notes changed", "notes", a.notes, b.notes)
    return out


def _diff_guidance(old: Catalog, new: Catalog) -> list[Change]:
    out = []
    for name in ("logging", "scenarios", "links"):
        if getattr(old, name) != getattr(new, name):
            out.append(Change("cosmetic", name, f"{name} guidance changed", name))
    return out


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
