"""The typed, immutable catalog: the only thing renderers ever see.

A :class:`Catalog` is built by :func:`errcat.toolchain.build.build` from a catalog file
that passed every check, so renderers can trust it: every reference resolves, every name
is unique. Names derived from codes (enum members, class names, documentation URLs) come
from :mod:`errcat.toolchain.names`, once, so that every renderer agrees.

Every class is a frozen, slotted dataclass. Each field of the records that ``errcat diff``
compares field by field (:class:`Status`, :class:`Category`, :class:`ErrorEntry`) says in
its metadata how a change of it reaches clients, so that a new field is classified where
it is declared: ``BREAKING`` (a client written against the old catalog can misbehave),
``COSMETIC`` (prose), or ``OWN_RULE`` (compared by a rule of its own in
:mod:`errcat.toolchain.diff`, or not part of the contract).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from errcat.toolchain.names import alias_class_names, category_class_name, class_name, member_name
from errcat.toolchain.names import status_member_name as _status_member_name
from errcat.toolchain.versions import semver_tuple

RetryStrategy = Literal["backoff", "refresh_credentials", "use_existing_resource", "do_not_retry"]
Jitter = Literal["full", "equal", "none"]
MetadataValue = str | int | float | bool
Lifecycle = Literal["active", "deprecated", "retired"]

#: What a client does for each retry strategy, in one sentence (the CLI and the site both say it).
RETRY_ADVICE: dict[str, str] = {
    "backoff": "Retry with exponential backoff, honouring Retry-After.",
    "refresh_credentials": "Refresh the access token once, then repeat the request.",
    "use_existing_resource": "Do not retry: the resource already exists; use the one named in the metadata.",
    "do_not_retry": "Do not retry: the same request gets the same answer until it is fixed.",
}

# How a change of a field is classified, as its metadata (errcat diff reads the "change" key).
BREAKING = MappingProxyType({"change": "breaking"})
COSMETIC = MappingProxyType({"change": "cosmetic"})
OWN_RULE = MappingProxyType({"change": None})


def status_class(status: int) -> str:
    """``client_error`` for 4xx, ``server_error`` for 5xx, and so on."""
    return {1: "informational", 2: "success", 3: "redirection", 4: "client_error", 5: "server_error"}[
        status // 100
    ]


@dataclass(frozen=True, slots=True)
class Api:
    """The API the catalog describes."""

    name: str
    version: str
    docs_url: str
    description: str = ""

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        return semver_tuple(self.version)


@dataclass(frozen=True, slots=True)
class Status:
    """One HTTP status of the status table."""

    status: int = field(metadata=OWN_RULE)  # the matching key
    phrase: str = field(metadata=COSMETIC)
    description: str = field(metadata=COSMETIC)
    action: str = field(metadata=COSMETIC)

    @property
    def member_name(self) -> str:
        """The ``HttpStatus`` member name, as CPython spells it: ``Not Found`` -> ``NOT_FOUND``."""
        return _status_member_name(self.phrase)

    @property
    def is_error(self) -> bool:
        return self.status >= 400


@dataclass(frozen=True, slots=True)
class Category:
    """A group of codes, with the exception base class they share."""

    id: str = field(metadata=OWN_RULE)  # the matching key
    title: str = field(metadata=COSMETIC)
    description: str = field(metadata=COSMETIC)
    #: Explicit in the catalog, or derived from the id; the exception base class is Python API.
    class_name: str = field(default="", metadata=BREAKING)

    def __post_init__(self) -> None:
        if not self.class_name:
            object.__setattr__(self, "class_name", category_class_name(self.id))

    @property
    def member_name(self) -> str:
        return member_name(self.id)


@dataclass(frozen=True, slots=True)
class Retry:
    """How a client should retry one code."""

    strategy: RetryStrategy
    reason: str = ""
    retry_after_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Detail:
    """One entry of an example's ``details``: which field, what code, what message."""

    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Example:
    """The parts of a code's example response that are not derived from the code."""

    message: str
    request_id: str
    details: tuple[Detail, ...] = ()
    metadata: tuple[tuple[str, MetadataValue], ...] = ()


@dataclass(frozen=True, slots=True)
class Deprecation:
    """Since when a code is deprecated, and why."""

    since: str
    reason: str


@dataclass(frozen=True, slots=True)
class Retirement:
    """Since when a code is no longer sent, and why."""

    since: str
    reason: str


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    """One error code and everything a client needs to know about it."""

    code: str = field(metadata=OWN_RULE)  # the matching key: removals and renames
    status: int = field(metadata=BREAKING)
    category: str = field(metadata=BREAKING)
    title: str = field(metadata=COSMETIC)
    message: str = field(metadata=COSMETIC)
    cause: str = field(metadata=COSMETIC)
    solution: str = field(metadata=COSMETIC)
    retry: Retry = field(metadata=OWN_RULE)  # strategy and Retry-After are behaviour; the reason is prose
    example: Example = field(metadata=COSMETIC)
    doc_url: str = field(metadata=BREAKING)
    usage: str = field(default="", metadata=COSMETIC)
    #: (name, description), in catalog order: removing one breaks, adding one does not.
    metadata: tuple[tuple[str, str], ...] = field(default=(), metadata=OWN_RULE)
    see_also: tuple[str, ...] = field(default=(), metadata=COSMETIC)
    since: str = field(default="", metadata=COSMETIC)
    #: Deprecating is additive; the reason is prose.
    deprecated: Deprecation | None = field(default=None, metadata=OWN_RULE)
    #: Retiring is additive; bringing a retired code back is breaking.
    retired: Retirement | None = field(default=None, metadata=OWN_RULE)
    replaced_by: str | None = field(default=None, metadata=COSMETIC)
    #: Former names of a renamed code: removing one breaks, adding one does not.
    aliases: tuple[str, ...] = field(default=(), metadata=OWN_RULE)
    #: Where the entry starts in the catalog file: not part of the contract.
    line: int = field(default=0, metadata=OWN_RULE)
    #: Explicit in the catalog, or derived from the code; the exception class is Python API.
    class_name: str = field(default="", metadata=BREAKING)

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
        return alias_class_names(self.aliases, self.class_name)

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
    """The exponential backoff every retrying client uses."""

    base_delay_seconds: float
    multiplier: float
    max_delay_seconds: float
    max_attempts: int
    jitter: Jitter

    def delay(self, retry: int) -> float:
        """The delay before retry number ``retry`` (1 for the first retry), before jitter.

        The runtime's own formula (``errcat.runtime.retry.backoff_delay``), so that the site's table of
        delays and the clients' waits cannot disagree.
        """
        from errcat.runtime.retry import backoff_delay

        return backoff_delay(retry, self.base_delay_seconds, self.multiplier, self.max_delay_seconds)


@dataclass(frozen=True, slots=True)
class TransportFailure:
    """A failure below HTTP (a reset connection, a timeout) that clients retry."""

    id: str
    description: str


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The catalog's retry policy: which failures to retry, and how."""

    retry_statuses: tuple[int, ...]
    transport_failures: tuple[TransportFailure, ...]
    backoff: Backoff
    honor_retry_after: bool
    max_retry_after_seconds: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LogField:
    """A field to log with every error."""

    field: str
    description: str


@dataclass(frozen=True, slots=True)
class Redaction:
    """A kind of value never to log, and the keys a redactor matches it by."""

    name: str
    description: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LogLevel:
    """The log level for one kind of error."""

    when: str
    level: str
    description: str


@dataclass(frozen=True, slots=True)
class Logging:
    """What to log with every error, what never to log, and at which level."""

    include: tuple[LogField, ...] = ()
    redact: tuple[Redaction, ...] = ()
    levels: tuple[LogLevel, ...] = ()

    @property
    def redacted_keys(self) -> tuple[str, ...]:
        return tuple(sorted({key for r in self.redact for key in r.keys}))


@dataclass(frozen=True, slots=True)
class Server:
    """The codes a server answers its framework's own errors with ("" where the catalog names none)."""

    request_validation: str = ""
    unhandled_exception: str = ""
    http_errors: tuple[str, ...] = ()  # each answers the framework's HTTP errors of its status

    def roles(self) -> tuple[tuple[str, str], ...]:
        """(role, code) for each role the catalog names a code for."""
        named = (
            ("request_validation", self.request_validation),
            ("unhandled_exception", self.unhandled_exception),
        )
        return tuple((role, code) for role, code in named if code)


@dataclass(frozen=True, slots=True)
class Scenario:
    """Worked guidance: a situation, the codes it involves, and the steps to take."""

    id: str
    title: str
    summary: str
    codes: tuple[str, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """Where to read next."""

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
    logging: Logging = Logging()
    server: Server = Server()
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


def doc_url(docs_url: str, code: str) -> str:
    """The stable documentation URL of a code: ``<docs_url>/codes/<code>/``."""
    return f"{docs_url.rstrip('/')}/codes/{code}/"
