"""The typed, immutable catalog: the only thing renderers ever see.

A :class:`Catalog` is built by :func:`errcat.catalog.load` from a catalog file
that passed every check, so renderers can trust it: every reference resolves,
every name is unique. Names derived from codes (enum members, class names,
documentation URLs) are computed here, once, so that every renderer agrees.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import Any, Literal

RetryStrategy = Literal["backoff", "refresh_credentials", "use_existing_resource", "do_not_retry"]
Jitter = Literal["full", "equal", "none"]
MetadataValue = str | int | float | bool

#: The fields of the error object that every response carries; metadata may not reuse them.
ENVELOPE_FIELDS = frozenset({"code", "message", "details", "request_id", "doc_url", "status"})

#: Names the runtime defines beside the generated classes.
RUNTIME_CLASS_NAMES = frozenset(
    {
        "ApiError",
        "ErrorCode",
        "ErrorCategory",
        "HttpStatus",
        "ErrorResponse",
        "ErrorBody",
        "ErrorDetail",
        "Problem",
    }
)


def member_name(identifier: str) -> str:
    """The enum member name for a code or category id: ``invoice_not_found`` -> ``INVOICE_NOT_FOUND``."""
    name = identifier.upper().replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def class_name(identifier: str) -> str:
    """The class name for a code: ``invoice_not_found`` -> ``InvoiceNotFound``."""
    return "".join(part[:1].upper() + part[1:] for part in identifier.replace("-", "_").split("_"))


def category_class_name(identifier: str) -> str:
    """The exception base class of a category: ``authentication`` -> ``AuthenticationError``."""
    return class_name(identifier) + "Error"


def status_class(status: int) -> str:
    """``client_error`` for 4xx, ``server_error`` for 5xx, and so on."""
    return {1: "informational", 2: "success", 3: "redirection", 4: "client_error", 5: "server_error"}[
        status // 100
    ]


@dataclass(frozen=True, slots=True)
class Api:
    name: str
    version: str
    docs_url: str
    description: str = ""

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        return semver_tuple(self.version)


@dataclass(frozen=True, slots=True)
class Status:
    status: int
    phrase: str
    description: str
    action: str

    @property
    def member_name(self) -> str:
        """The ``HttpStatus`` member name, as CPython spells it: ``Not Found`` -> ``NOT_FOUND``."""
        return member_name(self.phrase.replace("'", "").replace(" ", "_"))

    @property
    def is_error(self) -> bool:
        return self.status >= 400


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    title: str
    description: str
    class_name: str = ""  # explicit in the catalog, or derived from the id

    def __post_init__(self) -> None:
        if not self.class_name:
            object.__setattr__(self, "class_name", category_class_name(self.id))

    @property
    def member_name(self) -> str:
        return member_name(self.id)


@dataclass(frozen=True, slots=True)
class Retry:
    strategy: RetryStrategy
    reason: str = ""
    retry_after_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Detail:
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Example:
    message: str
    request_id: str
    details: tuple[Detail, ...] = ()
    metadata: tuple[tuple[str, MetadataValue], ...] = ()


@dataclass(frozen=True, slots=True)
class Deprecation:
    since: str
    reason: str


@dataclass(frozen=True, slots=True)
class Retirement:
    since: str
    reason: str


Lifecycle = Literal["active", "deprecated", "retired"]


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    """One error code and everything a client needs to know about it."""

    code: str
    status: int
    category: str
    title: str
    message: str
    cause: str
    solution: str
    retry: Retry
    example: Example
    doc_url: str
    usage: str = ""
    metadata: tuple[tuple[str, str], ...] = ()  # (name, description), in catalog order
    see_also: tuple[str, ...] = ()
    since: str = ""
    deprecated: Deprecation | None = None
    retired: Retirement | None = None
    replaced_by: str | None = None
    aliases: tuple[str, ...] = ()  # former names of a renamed code
    line: int = 0  # where the entry starts in the catalog file
    class_name: str = ""  # explicit in the catalog, or derived from the code

    def __post_init__(self) -> None:
        if not self.class_name:
            object.__setattr__(self, "class_name", class_name(self.code))

    @property
    def member_name(self) -> str:
        return member_name(self.code)

    @property
    def metadata_keys(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.metadata)

    @property
    def is_deprecated(self) -> bool:
        return self.deprecated is not None

    @property
    def is_retired(self) -> bool:
        return self.retired is not None

    @property
    def lifecycle(self) -> Lifecycle:
        """``retired`` (no longer sent), ``deprecated`` (sent, to be retired) or ``active``."""
        if self.retired is not None:
            return "retired"
        return "deprecated" if self.deprecated is not None else "active"

    @property
    def alias_member_names(self) -> tuple[str, ...]:
        return tuple(member_name(alias) for alias in self.aliases)

    @property
    def alias_class_names(self) -> tuple[str, ...]:
        """The exception class names of the former names, kept as aliases of :attr:`class_name`."""
        names = (class_name(alias) for alias in self.aliases)
        return tuple(dict.fromkeys(n for n in names if n != self.class_name))

    def example_body(self) -> dict[str, Any]:
        """The example response body, as the API sends it: ``{"error": {...}}``."""
        example = self.example
        error: dict[str, Any] = {"code": self.code, "message": example.message}
        if example.details:
            error["details"] = [
                {"field": d.field, "code": d.code, "message": d.message} for d in example.details
            ]
        error["request_id"] = example.request_id
        error["doc_url"] = self.doc_url
        error.update(example.metadata)
        return {"error": error}


@dataclass(frozen=True, slots=True)
class Backoff:
    base_delay_seconds: float
    multiplier: float
    max_delay_seconds: float
    max_attempts: int
    jitter: Jitter

    def delay(self, retry: int) -> float:
        """The delay before retry number ``retry`` (1 for the first retry), before jitter."""
        return min(self.max_delay_seconds, self.base_delay_seconds * self.multiplier ** (retry - 1))


@dataclass(frozen=True, slots=True)
class TransportFailure:
    id: str
    description: str


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retry_statuses: tuple[int, ...]
    transport_failures: tuple[TransportFailure, ...]
    backoff: Backoff
    honor_retry_after: bool
    max_retry_after_seconds: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LogField:
    field: str
    description: str


@dataclass(frozen=True, slots=True)
class Redaction:
    name: str
    description: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LogLevel:
    when: str
    level: str
    description: str


@dataclass(frozen=True, slots=True)
class Logging:
    include: tuple[LogField, ...] = ()
    redact: tuple[Redaction, ...] = ()
    levels: tuple[LogLevel, ...] = ()

    @property
    def redacted_keys(self) -> tuple[str, ...]:
        return tuple(sorted({key for r in self.redact for key in r.keys}))


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    summary: str
    codes: tuple[str, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Catalog:
    """A whole, checked catalog."""

    source: str  # the catalog's path as given, for banners and messages
    sha256: str  # of the catalog file's bytes
    api: Api
    statuses: tuple[Status, ...]
    categories: tuple[Category, ...]
    errors: tuple[ErrorEntry, ...]
    retry_policy: RetryPolicy
    logging: Logging = field(default_factory=Logging)
    scenarios: tuple[Scenario, ...] = ()
    links: tuple[Link, ...] = ()

    def error(self, code: str) -> ErrorEntry:
        for entry in self.errors:
            if entry.code == code:
                return entry
        raise KeyError(code)

    def status(self, status: int) -> Status:
        for entry in self.statuses:
            if entry.status == status:
                return entry
        raise KeyError(status)

    def category(self, category_id: str) -> Category:
        for entry in self.categories:
            if entry.id == category_id:
                return entry
        raise KeyError(category_id)

    def errors_in(self, category_id: str) -> tuple[ErrorEntry, ...]:
        return tuple(e for e in self.errors if e.category == category_id)


@dataclass(frozen=True, slots=True)
class Release:
    """What one contract version changed in the catalog, from the codes' lifecycle fields."""

    version: str
    added: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()


def changelog(catalog: Catalog) -> tuple[Release, ...]:
    """Per contract version, newest first: the codes it added, deprecated and retired.

    Built from ``since``, ``deprecated.since`` and ``retired.since``, so it can never
    disagree with the entries; codes without ``since`` are left out of "added".
    """
    added: dict[str, list[str]] = {}
    deprecated: dict[str, list[str]] = {}
    retired: dict[str, list[str]] = {}
    for entry in catalog.errors:
        if entry.since:
            added.setdefault(entry.since, []).append(entry.code)
        if entry.deprecated:
            deprecated.setdefault(entry.deprecated.since, []).append(entry.code)
        if entry.retired:
            retired.setdefault(entry.retired.since, []).append(entry.code)
    versions = sorted(added.keys() | deprecated.keys() | retired.keys(), key=semver_tuple, reverse=True)
    return tuple(
        Release(
            version=v,
            added=tuple(sorted(added.get(v, ()))),
            deprecated=tuple(sorted(deprecated.get(v, ()))),
            retired=tuple(sorted(retired.get(v, ()))),
        )
        for v in versions
    )


def doc_url(docs_url: str, code: str) -> str:
    """The stable documentation URL of a code: ``<docs_url>/codes/<code>/``."""
    return f"{docs_url.rstrip('/')}/codes/{code}/"


def semver_tuple(version: str) -> tuple[int, int, int]:
    core = version.split("+", 1)[0].split("-", 1)[0]
    major, minor, patch = (int(part) for part in core.split("."))
    return (major, minor, patch)
