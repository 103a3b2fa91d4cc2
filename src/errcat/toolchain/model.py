"""The typed, immutable catalog: the only thing renderers ever see.

A :class:`Catalog` is built by :func:`errcat.toolchain.load.load` from a catalog file
that passed every check, so renderers can trust it: every reference resolves,
every name is unique. Names derived from codes (enum members, class names,
documentation URLs) are computed here, once, so that every renderer agrees.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from dataclasses import FrozenInstanceError, dataclass
from operator import attrgetter
from typing import Any, Literal

RetryStrategy = Literal["backoff", "refresh_credentials", "use_existing_resource", "do_not_retry"]
Jitter = Literal["full", "equal", "none"]
MetadataValue = str | int | float | bool

#: What a client does for each retry strategy, in one sentence (the CLI and the site both say it).
RETRY_ADVICE: dict[str, str] = {
    "backoff": "Retry with exponential backoff, honouring Retry-After.",
    "refresh_credentials": "Refresh the access token once, then repeat the request.",
    "use_existing_resource": "Do not retry: the resource already exists; use the one named in the metadata.",
    "do_not_retry": "Do not retry: the same request gets the same answer until it is fixed.",
}

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
#: The names a generated package defines beside its classes; its facade re-exports them all.
PACKAGE_NAMES = RUNTIME_CLASS_NAMES | {"CATALOG"}


#: Python's builtins that a class name can spell (those that start with a capital letter), on every
#: Python errcat supports: 3.11's, and PythonFinalizationError of 3.13. A generated class of one of
#: these names would shadow the builtin in its own modules (the package's ``__getattr__`` raises
#: AttributeError) and in every ``from <package> import *``. The tests check the list against
#: the running Python's builtins.
BUILTIN_CLASS_NAMES = frozenset(
    """
    ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError
    BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError
    ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis
    EncodingWarning EnvironmentError Exception ExceptionGroup False FileExistsError
    FileNotFoundError FloatingPointError FutureWarning GeneratorExit IOError ImportError
    ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError
    KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError None NotADirectoryError
    NotImplemented NotImplementedError OSError OverflowError PendingDeprecationWarning
    PermissionError ProcessLookupError PythonFinalizationError RecursionError ReferenceError
    ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration SyntaxError
    SyntaxWarning SystemError SystemExit TabError TimeoutError True TypeError UnboundLocalError
    UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning
    UserWarning ValueError Warning ZeroDivisionError
    """.split()  # noqa: SIM905  # 75 names read better as words than as one literal a line
)

# How names are derived. Each name a generated package (or any other renderer) uses comes from
# one of these functions, and the checker (errcat.toolchain.rules) calls the same ones, so it
# refuses exactly what they cannot make:
#
# - enum members (member_name, status_member_name) are upper case, so they are never a keyword,
#   a soft keyword, a _sunder_ or __dunder__ name or one of the enums' own attributes (lookup,
#   status, name, value, ...: all lower case); the checker refuses two phrases that give the
#   same HttpStatus member. Codes and category ids are unique lower snake case, so their
#   members are unique too;
# - a derived class name that is a keyword (codes none, true, false) gets a trailing underscore,
#   as PEP 8 advises: None_. Any other unusable class name (class_name_problem) is refused with
#   a hint to set class_name, except a former name's (aliases cannot be renamed): that alias
#   keeps its enum member and loses only its extra class (alias_class_names).


def member_name(identifier: str) -> str:
    """The enum member name for a code or category id: ``invoice_not_found`` -> ``INVOICE_NOT_FOUND``."""
    name = identifier.upper().replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def status_member_name(phrase: str) -> str:
    """The ``HttpStatus`` member of a reason phrase, as CPython spells it: ``Not Found`` -> ``NOT_FOUND``."""
    return member_name(phrase.replace("'", "").replace(" ", "_"))


def _camel_case(identifier: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in identifier.replace("-", "_").split("_"))


def class_name(identifier: str) -> str:
    """The class name for a code: ``invoice_not_found`` -> ``InvoiceNotFound``, ``none`` -> ``None_``."""
    name = _camel_case(identifier)
    return f"{name}_" if keyword.iskeyword(name) else name


_class_name = class_name  # for the methods whose parameter ``class_name`` hides the function


def category_class_name(identifier: str) -> str:
    """The exception base class of a category: ``authentication`` -> ``AuthenticationError``."""
    return _camel_case(identifier) + "Error"


def class_name_problem(name: str) -> str | None:
    """Why no generated exception class can be called ``name`` (to end a sentence); None when one can."""
    if not name.isidentifier():
        return "is not a Python identifier"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name in BUILTIN_CLASS_NAMES:
        return "would shadow Python's builtin of that name"
    if name in RUNTIME_CLASS_NAMES:
        return "is already defined by errcat's runtime"
    if name in PACKAGE_NAMES:
        return "is already defined by every generated package"
    return None


def alias_class_names(aliases: Iterable[str], own: str) -> tuple[str, ...]:
    """The extra classes a renamed code keeps for its former names ``aliases`` (its class is ``own``).

    One per distinct derived name, except the code's own and those that cannot be a class
    (:func:`class_name_problem`): such a former name keeps its enum member and its wire name.
    """
    names = (_class_name(alias) for alias in aliases)
    return tuple(dict.fromkeys(n for n in names if n != own and class_name_problem(n) is None))


def status_class(status: int) -> str:
    """``client_error`` for 4xx, ``server_error`` for 5xx, and so on."""
    return {1: "informational", 2: "success", 3: "redirection", 4: "client_error", 5: "server_error"}[
        status // 100
    ]


class _Frozen:
    """What ``@dataclass(frozen=True, slots=True)`` would generate, written once for every model class.

    Each class below annotates its fields (in order), names them again in ``__slots__``
    and writes its ``__init__``; ``@dataclass(init=False, repr=False, eq=False)`` then only records the
    fields, so ``dataclasses.fields``, ``asdict`` and ``replace`` work as on any dataclass.
    The decorator's own code generation (an ``exec`` per method per class) was most of
    the cost of importing this module, which every command pays.
    """

    __slots__ = ()
    _fields: tuple[str, ...]  # set for each subclass: its field names, in order
    _field_values: attrgetter[Any]  # set for each subclass: its fields' values, as a tuple

    def __init_subclass__(cls) -> None:
        fields = tuple(cls.__annotations__)
        if set(fields) != set(cls.__slots__) or len(fields) < 2:  # attrgetter of one name gives no tuple
            raise TypeError(f"{cls.__name__}: __slots__ must name its two or more annotated fields")
        cls._fields = fields
        cls._field_values = attrgetter(*fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values: tuple[Any, ...] = self._field_values(self)
        others: tuple[Any, ...] = self._field_values(other)
        return values == others

    def __hash__(self) -> int:
        return hash(self._field_values(self))

    def __repr__(self) -> str:
        values: tuple[Any, ...] = self._field_values(self)
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, values, strict=True))
        return f"{self.__class__.__qualname__}({fields})"

    def __getstate__(self) -> tuple[Any, ...]:
        values: tuple[Any, ...] = self._field_values(self)
        return values

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._fields, state, strict=True):
            _set(self, name, value)


_set = object.__setattr__  # how each __init__ fills a frozen instance


@dataclass(init=False, repr=False, eq=False)
class Api(_Frozen):
    """The API the catalog describes."""

    __slots__ = ("description", "docs_url", "name", "version")
    name: str
    version: str
    docs_url: str
    description: str

    def __init__(self, name: str, version: str, docs_url: str, description: str = "") -> None:
        _set(self, "name", name)
        _set(self, "version", version)
        _set(self, "docs_url", docs_url)
        _set(self, "description", description)

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        return semver_tuple(self.version)


@dataclass(init=False, repr=False, eq=False)
class Status(_Frozen):
    """One HTTP status of the status table."""

    __slots__ = ("action", "description", "phrase", "status")
    status: int
    phrase: str
    description: str
    action: str

    def __init__(self, status: int, phrase: str, description: str, action: str) -> None:
        _set(self, "status", status)
        _set(self, "phrase", phrase)
        _set(self, "description", description)
        _set(self, "action", action)

    @property
    def member_name(self) -> str:
        """The ``HttpStatus`` member name, as CPython spells it: ``Not Found`` -> ``NOT_FOUND``."""
        return status_member_name(self.phrase)

    @property
    def is_error(self) -> bool:
        return self.status >= 400


@dataclass(init=False, repr=False, eq=False)
class Category(_Frozen):
    """A group of codes, with the exception base class they share."""

    __slots__ = ("class_name", "description", "id", "title")
    id: str
    title: str
    description: str
    class_name: str  # explicit in the catalog, or derived from the id

    def __init__(self, id: str, title: str, description: str, class_name: str = "") -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "description", description)
        _set(self, "class_name", class_name or category_class_name(id))

    @property
    def member_name(self) -> str:
        return member_name(self.id)


@dataclass(init=False, repr=False, eq=False)
class Retry(_Frozen):
    """How a client should retry one code."""

    __slots__ = ("reason", "retry_after_seconds", "strategy")
    strategy: RetryStrategy
    reason: str
    retry_after_seconds: int | None

    def __init__(
        self, strategy: RetryStrategy, reason: str = "", retry_after_seconds: int | None = None
    ) -> None:
        _set(self, "strategy", strategy)
        _set(self, "reason", reason)
        _set(self, "retry_after_seconds", retry_after_seconds)


@dataclass(init=False, repr=False, eq=False)
class Detail(_Frozen):
    """One entry of an example's ``details``: which field, what code, what message."""

    __slots__ = ("code", "field", "message")
    field: str
    code: str
    message: str

    def __init__(self, field: str, code: str, message: str) -> None:
        _set(self, "field", field)
        _set(self, "code", code)
        _set(self, "message", message)


@dataclass(init=False, repr=False, eq=False)
class Example(_Frozen):
    """The parts of a code's example response that are not derived from the code."""

    __slots__ = ("details", "message", "metadata", "request_id")
    message: str
    request_id: str
    details: tuple[Detail, ...]
    metadata: tuple[tuple[str, MetadataValue], ...]

    def __init__(
        self,
        message: str,
        request_id: str,
        details: tuple[Detail, ...] = (),
        metadata: tuple[tuple[str, MetadataValue], ...] = (),
    ) -> None:
        _set(self, "message", message)
        _set(self, "request_id", request_id)
        _set(self, "details", details)
        _set(self, "metadata", metadata)


@dataclass(init=False, repr=False, eq=False)
class Deprecation(_Frozen):
    """Since when a code is deprecated, and why."""

    __slots__ = ("reason", "since")
    since: str
    reason: str

    def __init__(self, since: str, reason: str) -> None:
        _set(self, "since", since)
        _set(self, "reason", reason)


@dataclass(init=False, repr=False, eq=False)
class Retirement(_Frozen):
    """Since when a code is no longer sent, and why."""

    __slots__ = ("reason", "since")
    since: str
    reason: str

    def __init__(self, since: str, reason: str) -> None:
        _set(self, "since", since)
        _set(self, "reason", reason)


Lifecycle = Literal["active", "deprecated", "retired"]


@dataclass(init=False, repr=False, eq=False)
class ErrorEntry(_Frozen):
    """One error code and everything a client needs to know about it."""

    __slots__ = (
        "aliases",
        "category",
        "cause",
        "class_name",
        "code",
        "deprecated",
        "doc_url",
        "example",
        "line",
        "message",
        "metadata",
        "replaced_by",
        "retired",
        "retry",
        "see_also",
        "since",
        "solution",
        "status",
        "title",
        "usage",
    )
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
    usage: str
    metadata: tuple[tuple[str, str], ...]  # (name, description), in catalog order
    see_also: tuple[str, ...]
    since: str
    deprecated: Deprecation | None
    retired: Retirement | None
    replaced_by: str | None
    aliases: tuple[str, ...]  # former names of a renamed code
    line: int  # where the entry starts in the catalog file
    class_name: str  # explicit in the catalog, or derived from the code

    def __init__(
        self,
        code: str,
        status: int,
        category: str,
        title: str,
        message: str,
        cause: str,
        solution: str,
        retry: Retry,
        example: Example,
        doc_url: str,
        usage: str = "",
        metadata: tuple[tuple[str, str], ...] = (),
        see_also: tuple[str, ...] = (),
        since: str = "",
        deprecated: Deprecation | None = None,
        retired: Retirement | None = None,
        replaced_by: str | None = None,
        aliases: tuple[str, ...] = (),
        line: int = 0,
        class_name: str = "",
    ) -> None:
        _set(self, "code", code)
        _set(self, "status", status)
        _set(self, "category", category)
        _set(self, "title", title)
        _set(self, "message", message)
        _set(self, "cause", cause)
        _set(self, "solution", solution)
        _set(self, "retry", retry)
        _set(self, "example", example)
        _set(self, "doc_url", doc_url)
        _set(self, "usage", usage)
        _set(self, "metadata", metadata)
        _set(self, "see_also", see_also)
        _set(self, "since", since)
        _set(self, "deprecated", deprecated)
        _set(self, "retired", retired)
        _set(self, "replaced_by", replaced_by)
        _set(self, "aliases", aliases)
        _set(self, "line", line)
        _set(self, "class_name", class_name or _class_name(code))

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


@dataclass(init=False, repr=False, eq=False)
class Backoff(_Frozen):
    """The exponential backoff every retrying client uses."""

    __slots__ = ("base_delay_seconds", "jitter", "max_attempts", "max_delay_seconds", "multiplier")
    base_delay_seconds: float
    multiplier: float
    max_delay_seconds: float
    max_attempts: int
    jitter: Jitter

    def __init__(
        self,
        base_delay_seconds: float,
        multiplier: float,
        max_delay_seconds: float,
        max_attempts: int,
        jitter: Jitter,
    ) -> None:
        _set(self, "base_delay_seconds", base_delay_seconds)
        _set(self, "multiplier", multiplier)
        _set(self, "max_delay_seconds", max_delay_seconds)
        _set(self, "max_attempts", max_attempts)
        _set(self, "jitter", jitter)

    def delay(self, retry: int) -> float:
        """The delay before retry number ``retry`` (1 for the first retry), before jitter.

        The runtime's own formula (``errcat.runtime.retry.backoff_delay``), so that the site's table of
        delays and the clients' waits cannot disagree.
        """
        from errcat.runtime.retry import backoff_delay

        return backoff_delay(retry, self.base_delay_seconds, self.multiplier, self.max_delay_seconds)


@dataclass(init=False, repr=False, eq=False)
class TransportFailure(_Frozen):
    """A failure below HTTP (a reset connection, a timeout) that clients retry."""

    __slots__ = ("description", "id")
    id: str
    description: str

    def __init__(self, id: str, description: str) -> None:
        _set(self, "id", id)
        _set(self, "description", description)


@dataclass(init=False, repr=False, eq=False)
class RetryPolicy(_Frozen):
    """The catalog's retry policy: which failures to retry, and how."""

    __slots__ = (
        "backoff",
        "honor_retry_after",
        "max_retry_after_seconds",
        "notes",
        "retry_statuses",
        "transport_failures",
    )
    retry_statuses: tuple[int, ...]
    transport_failures: tuple[TransportFailure, ...]
    backoff: Backoff
    honor_retry_after: bool
    max_retry_after_seconds: int | None
    notes: tuple[str, ...]

    def __init__(
        self,
        retry_statuses: tuple[int, ...],
        transport_failures: tuple[TransportFailure, ...],
        backoff: Backoff,
        honor_retry_after: bool,
        max_retry_after_seconds: int | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        _set(self, "retry_statuses", retry_statuses)
        _set(self, "transport_failures", transport_failures)
        _set(self, "backoff", backoff)
        _set(self, "honor_retry_after", honor_retry_after)
        _set(self, "max_retry_after_seconds", max_retry_after_seconds)
        _set(self, "notes", notes)


@dataclass(init=False, repr=False, eq=False)
class LogField(_Frozen):
    """A field to log with every error."""

    __slots__ = ("description", "field")
    field: str
    description: str

    def __init__(self, field: str, description: str) -> None:
        _set(self, "field", field)
        _set(self, "description", description)


@dataclass(init=False, repr=False, eq=False)
class Redaction(_Frozen):
    """A kind of value never to log, and the keys a redactor matches it by."""

    __slots__ = ("description", "keys", "name")
    name: str
    description: str
    keys: tuple[str, ...]

    def __init__(self, name: str, description: str, keys: tuple[str, ...]) -> None:
        _set(self, "name", name)
        _set(self, "description", description)
        _set(self, "keys", keys)


@dataclass(init=False, repr=False, eq=False)
class LogLevel(_Frozen):
    """The log level for one kind of error."""

    __slots__ = ("description", "level", "when")
    when: str
    level: str
    description: str

    def __init__(self, when: str, level: str, description: str) -> None:
        _set(self, "when", when)
        _set(self, "level", level)
        _set(self, "description", description)


@dataclass(init=False, repr=False, eq=False)
class Logging(_Frozen):
    """What to log with every error, what never to log, and at which level."""

    __slots__ = ("include", "levels", "redact")
    include: tuple[LogField, ...]
    redact: tuple[Redaction, ...]
    levels: tuple[LogLevel, ...]

    def __init__(
        self,
        include: tuple[LogField, ...] = (),
        redact: tuple[Redaction, ...] = (),
        levels: tuple[LogLevel, ...] = (),
    ) -> None:
        _set(self, "include", include)
        _set(self, "redact", redact)
        _set(self, "levels", levels)

    @property
    def redacted_keys(self) -> tuple[str, ...]:
        return tuple(sorted({key for r in self.redact for key in r.keys}))


_NO_LOGGING = Logging()


@dataclass(init=False, repr=False, eq=False)
class Server(_Frozen):
    """The codes a server answers its framework's own errors with ("" where the catalog names none)."""

    __slots__ = ("http_errors", "request_validation", "unhandled_exception")
    request_validation: str
    unhandled_exception: str
    http_errors: tuple[str, ...]  # each answers the framework's HTTP errors of its status

    def __init__(
        self, request_validation: str = "", unhandled_exception: str = "", http_errors: tuple[str, ...] = ()
    ) -> None:
        _set(self, "request_validation", request_validation)
        _set(self, "unhandled_exception", unhandled_exception)
        _set(self, "http_errors", http_errors)

    def roles(self) -> tuple[tuple[str, str], ...]:
        """(role, code) for each role the catalog names a code for."""
        named = (
            ("request_validation", self.request_validation),
            ("unhandled_exception", self.unhandled_exception),
        )
        return tuple((role, code) for role, code in named if code)


_NO_SERVER = Server()


@dataclass(init=False, repr=False, eq=False)
class Scenario(_Frozen):
    """Worked guidance: a situation, the codes it involves, and the steps to take."""

    __slots__ = ("codes", "id", "steps", "summary", "title")
    id: str
    title: str
    summary: str
    codes: tuple[str, ...]
    steps: tuple[str, ...]

    def __init__(
        self,
        id: str,
        title: str,
        summary: str,
        codes: tuple[str, ...],
        steps: tuple[str, ...],
    ) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "summary", summary)
        _set(self, "codes", codes)
        _set(self, "steps", steps)


@dataclass(init=False, repr=False, eq=False)
class Link(_Frozen):
    """Where to read next."""

    __slots__ = ("description", "title", "url")
    title: str
    url: str
    description: str

    def __init__(self, title: str, url: str, description: str = "") -> None:
        _set(self, "title", title)
        _set(self, "url", url)
        _set(self, "description", description)


@dataclass(init=False, repr=False, eq=False)
class Catalog(_Frozen):
    """A whole, checked catalog."""

    __slots__ = (
        "api",
        "categories",
        "errors",
        "links",
        "logging",
        "retry_policy",
        "scenarios",
        "server",
        "sha256",
        "source",
        "statuses",
    )
    source: str  # the catalog's path as given, for banners and messages
    sha256: str  # of the catalog file's bytes
    api: Api
    statuses: tuple[Status, ...]
    categories: tuple[Category, ...]
    errors: tuple[ErrorEntry, ...]
    retry_policy: RetryPolicy
    logging: Logging
    server: Server
    scenarios: tuple[Scenario, ...]
    links: tuple[Link, ...]

    def __init__(
        self,
        source: str,
        sha256: str,
        api: Api,
        statuses: tuple[Status, ...],
        categories: tuple[Category, ...],
        errors: tuple[ErrorEntry, ...],
        retry_policy: RetryPolicy,
        logging: Logging = _NO_LOGGING,
        server: Server = _NO_SERVER,
        scenarios: tuple[Scenario, ...] = (),
        links: tuple[Link, ...] = (),
    ) -> None:
        _set(self, "source", source)
        _set(self, "sha256", sha256)
        _set(self, "api", api)
        _set(self, "statuses", statuses)
        _set(self, "categories", categories)
        _set(self, "errors", errors)
        _set(self, "retry_policy", retry_policy)
        _set(self, "logging", logging)
        _set(self, "server", server)
        _set(self, "scenarios", scenarios)
        _set(self, "links", links)

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


@dataclass(init=False, repr=False, eq=False)
class Release(_Frozen):
    """What one contract version changed in the catalog, from the codes' lifecycle fields."""

    __slots__ = ("added", "deprecated", "retired", "version")
    version: str
    added: tuple[str, ...]
    deprecated: tuple[str, ...]
    retired: tuple[str, ...]

    def __init__(
        self,
        version: str,
        added: tuple[str, ...] = (),
        deprecated: tuple[str, ...] = (),
        retired: tuple[str, ...] = (),
    ) -> None:
        _set(self, "version", version)
        _set(self, "added", added)
        _set(self, "deprecated", deprecated)
        _set(self, "retired", retired)


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
