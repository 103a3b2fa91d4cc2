"""errcat's runtime: what a generated package builds on, the same for every API.

Its modules::

    errcat.runtime  the bases of the generated enums (this module; see below)
    catalog     ErrorCatalog: what a generated package says of its catalog (``CATALOG``)
    errors      ApiError: the base of every generated exception
    registry    each package's exception classes, by code and by status
    envelope    the fields of an error response's body, as data every output reads
    wire        an ApiError to a response body and back (JSON, problem+json)
    failures    what kind of failure, which status, the Retry-After it asks for
    retry       RetryPolicy: retrying as a catalog says
    secret      which keys name a secret (the built-in lists)
    secret_shapes, secret_text   the shapes secrets take in text; SecretFinder, which finds them
    redaction   redact(): every secret out of a value of any shape
    logging     log_error, RedactingFilter: logging errors with secrets kept out

Standard library only. It never imports the toolchain, and never any generated package:
the integrations and the generated code hand it the package to read.

The bases of the generated enums live here, in the package itself, because every
generated ``codes.py`` imports them first: ``from acme_errors import ErrorCode`` then
loads ``errcat``, ``errcat.runtime`` and the package's own two modules, and nothing else
(measured against ``import http`` by ``benchmarks/bench_import.py``; a module of their
own cost a tenth of that import). A generated ``codes.py`` declares three enums on them::

    CatalogStatus (IntEnum)      <- HttpStatus     the catalog's status table
    CatalogCategory (StrEnum)    <- ErrorCategory  one member per category
    CatalogCode (StrEnum)        <- ErrorCode      one member per error code

The bases hold every behaviour (properties, ``lookup``, predicates); the generated
module holds only data. ``HttpStatus`` and ``ErrorCategory`` are small, ordinary enums
written as CPython writes ``HTTPStatus`` (``NOT_FOUND = 404, "Not Found", ...``).
``ErrorCode`` may have thousands of members, and the enum metaclass spends about 8
microseconds on each member it creates from a class body (80 ms for 10,000 codes). So
the generated class body declares its members for type checkers only, and at run time
:func:`install_codes` creates them from one flat list of names and codes, the way
CPython's own ``enum._simple_enum`` does for the standard library's enums: the members,
``_member_map_``, ``_value2member_map_`` and ``_member_names_`` end up exactly as the
metaclass would have made them (a test compares the two on every supported Python).
The facts of each code are a labelled row of the generated ``code_table`` module
(:class:`CodeFacts`), imported the first time one is read.

Nothing here imports :mod:`typing` or ``__future__`` at run time (annotations that need
typing are strings).
"""

from enum import IntEnum, StrEnum

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any, ClassVar, NotRequired, Self, TypedDict

    class CodeFacts(TypedDict):
        """The facts of one code, as a generated ``code_table`` writes them (optional ones when set)."""

        member: str  # the ErrorCode member's name
        code: str
        status: int
        category: str  # the category's id
        title: str
        message: str  # the default message sent in error.message
        doc_url: str
        retry_strategy: str
        class_name: str  # the code's exception class
        retry_after_seconds: NotRequired[int]
        metadata_keys: NotRequired[tuple[str, ...]]
        since: NotRequired[str]
        deprecated_since: NotRequired[str]
        replaced_by: NotRequired[str]
        retired_since: NotRequired[str]


#: The runtime names; CodeFacts is for type checkers only.
__all__ = ["CatalogCategory", "CatalogCode", "CatalogStatus", "install_codes"]


class CatalogStatus(IntEnum):
    """Base of a generated ``HttpStatus``: an HTTP status with its meaning, as CPython's HTTPStatus."""

    phrase: str
    description: str
    action: str
    retryable: bool

    def __new__(cls, value: int, phrase: str, description: str, action: str, retryable: bool) -> "Self":
        member = int.__new__(cls, value)
        member._value_ = value
        member.phrase = phrase
        member.description = description
        member.action = action
        member.retryable = retryable
        return member

    @classmethod
    def of(cls, status: int) -> "Self":
        """The member of a status number: ``HttpStatus.of(404)``; :class:`KeyError` when unknown."""
        member: Self = cls._value2member_map_[status]  # type: ignore[assignment]
        return member

    @property
    def is_success(self) -> bool:
        return 200 <= self.value <= 299

    @property
    def is_client_error(self) -> bool:
        return 400 <= self.value <= 499

    @property
    def is_server_error(self) -> bool:
        return 500 <= self.value <= 599

    @property
    def is_error(self) -> bool:
        return self.value >= 400

    @property
    def is_retryable(self) -> bool:
        """Whether the catalog's retry policy retries this status with backoff."""
        return self.retryable


class CatalogCategory(StrEnum):
    """Base of a generated ``ErrorCategory``: a group of codes with its heading and description."""

    summary: str
    description: str
    class_name: str

    def __new__(cls, value: str, summary: str, description: str, class_name: str) -> "Self":
        member = str.__new__(cls, value)
        member._value_ = value
        member.summary = summary
        member.description = description
        member.class_name = class_name
        return member

    @classmethod
    def of(cls, category_id: str) -> "Self":
        """The member of a category id; :class:`KeyError` when unknown."""
        member: Self = cls._value2member_map_[category_id]  # type: ignore[assignment]
        return member


class CatalogCode(StrEnum):
    """Base of a generated ``ErrorCode``: a code whose members carry the catalog's facts.

    ``title`` is :meth:`str.title` on a string enum, so the catalog's title is ``summary``.
    The facts live in the generated ``code_table`` module, imported on first use.
    """

    _sort_order_: int
    __objclass__: type
    _aliases_: "ClassVar[dict[str, str]]"
    _lookup_: "ClassVar[dict[str, Any]]"
    _table_module_: "ClassVar[str]"
    _table_: "ClassVar[tuple[CodeFacts, ...] | None]"

    @property
    def facts(self) -> "CodeFacts":
        """The member's row of the generated table: every fact of the code, by name."""
        table = type(self)._table_
        if table is None:
            table = type(self)._load_table()
        return table[self._sort_order_]

    @classmethod
    def _load_table(cls) -> "tuple[CodeFacts, ...]":
        from importlib import import_module

        table: tuple[CodeFacts, ...] = import_module(cls._table_module_).CODES
        if len(table) != len(cls._member_names_) or any(
            row["member"] != name for row, name in zip(table, cls._member_names_, strict=False)
        ):
            raise ImportError(f"{cls._table_module_} does not match {cls.__name__}: generate both again")
        cls._table_ = table
        return table

    @property
    def status_code(self) -> int:
        """The HTTP status sent with this code, as an int."""
        return self.facts["status"]

    @property
    def category_id(self) -> str:
        return self.facts["category"]

    @property
    def summary(self) -> str:
        """The catalog's title of the code (a short sentence-case title)."""
        return self.facts["title"]

    @property
    def message(self) -> str:
        """The default human-readable message sent in ``error.message``."""
        return self.facts["message"]

    @property
    def doc_url(self) -> str:
        return self.facts["doc_url"]

    @property
    def retry_strategy(self) -> str:
        """``backoff``, ``refresh_credentials``, ``use_existing_resource`` or ``do_not_retry``."""
        return self.facts["retry_strategy"]

    @property
    def retry_after_seconds(self) -> int | None:
        """The Retry-After value servers send with this code, if any."""
        return self.facts.get("retry_after_seconds")

    @property
    def is_retryable(self) -> bool:
        """Whether a client retries this code with backoff."""
        return self.facts["retry_strategy"] == "backoff"

    @property
    def metadata_keys(self) -> tuple[str, ...]:
        """The extra fields the error object may carry."""
        return self.facts.get("metadata_keys", ())

    @property
    def since(self) -> str:
        """The contract version that introduced the code ("" when the catalog does not say)."""
        return self.facts.get("since", "")

    @property
    def deprecated_since(self) -> str | None:
        return self.facts.get("deprecated_since")

    @property
    def is_deprecated(self) -> bool:
        """Still sent, but to be retired: see ``replaced_by``."""
        return "deprecated_since" in self.facts

    @property
    def replaced_by(self) -> str | None:
        """The code to use instead of this deprecated or retired one."""
        return self.facts.get("replaced_by")

    @property
    def retired_since(self) -> str | None:
        return self.facts.get("retired_since")

    @property
    def is_retired(self) -> bool:
        """No longer sent; the member stays so that old responses still parse."""
        return "retired_since" in self.facts

    @property
    def class_name(self) -> str:
        """The name of the code's generated exception class."""
        return self.facts["class_name"]

    @classmethod
    def lookup(cls, name: str) -> "Self":
        """The member for a code or member name in any case, or a former name of a renamed code.

        Raises :class:`KeyError` for an unknown code; warns with :class:`DeprecationWarning`
        for a deprecated code or a former name.
        """
        key = name.strip().lower().replace("-", "_") if isinstance(name, str) else ""
        member: Self | None = cls._lookup_.get(key)
        if member is None:
            raise KeyError(_unknown_message(cls, name))
        if key in cls._aliases_ or member.is_deprecated:
            import warnings

            if key in cls._aliases_:
                why = f"{key!r} is a former name of the error code {member.value!r}; use {member.value!r}"
            else:
                why = f"the error code {member.value!r} is deprecated"
                if member.replaced_by:
                    why += f"; use {member.replaced_by!r} instead"
            warnings.warn(why, DeprecationWarning, stacklevel=2)
        return member

    @classmethod
    def _missing_(cls, value: object) -> "Self | None":
        """``ErrorCode("old_name")`` gives the member of a renamed code."""
        if isinstance(value, str) and value in cls._aliases_:
            member: Self = cls._lookup_[value]
            return member
        return None


def _unknown_message(cls: "type[CatalogCode]", name: object) -> str:
    import difflib

    text = str(name)
    close = difflib.get_close_matches(text.strip().lower(), cls._lookup_, n=3, cutoff=0.6)
    hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
    return f"unknown error code {text!r} for {cls.__name__}{hint}"


#: From this many codes, :func:`install_codes` pauses the cyclic garbage collector.
_PAUSE_GC_FROM_CODES = 1_000


def install_codes(
    cls: "type[CatalogCode]", members: "Sequence[str]", aliases: "Iterable[tuple[str, str, str]]", table: str
) -> None:
    """Create the members of ``cls``: ``members`` is flat (member name, code, member name, code, ...).

    Every member is made as the enum metaclass makes it (``_value_``, ``_name_``,
    ``__objclass__``, ``_sort_order_``, the class attribute and the three maps).
    ``aliases`` (member name, former code, code) become enum aliases
    (``ErrorCode.OLD is ErrorCode.NEW``) that iteration skips. ``table`` is the module
    whose ``CODES`` holds each member's :class:`CodeFacts`, in member order, imported on
    first use.
    """
    if cls._member_names_:
        raise TypeError(f"{cls.__name__} already has members")
    if len(members) // 2 < _PAUSE_GC_FROM_CODES:  # the few young collections meanwhile are cheap
        _install(cls, members, aliases, table)
        return
    import gc  # thousands of new objects, none of them garbage: each collection would only rescan them

    collecting = gc.isenabled()
    gc.disable()
    try:
        _install(cls, members, aliases, table)
    finally:
        if collecting:
            gc.enable()


def _install(
    cls: "type[CatalogCode]", members: "Sequence[str]", aliases: "Iterable[tuple[str, str, str]]", table: str
) -> None:
    new_member = str.__new__
    set_attribute = type.__setattr__
    member_map: dict[str, Any] = cls._member_map_
    value_map: dict[Any, Any] = cls._value2member_map_
    names = cls._member_names_
    for index in range(0, len(members), 2):
        name, value = members[index], members[index + 1]
        if name in member_map or value in value_map:
            raise ValueError(f"{cls.__name__}: duplicate member {name} = {value!r}")
        member = new_member(cls, value)
        member._value_ = value
        member._name_ = name
        member.__objclass__ = cls
        member._sort_order_ = index >> 1
        set_attribute(cls, name, member)
        member_map[name] = member
        value_map[value] = member
        names.append(name)
    lookup: dict[str, CatalogCode] = dict(value_map)
    alias_map: dict[str, str] = {}
    for alias_name, former, current in aliases:
        member = value_map[current]
        if alias_name in member_map or former in lookup:
            raise ValueError(f"{cls.__name__}: alias {former!r} clashes with a member")
        set_attribute(cls, alias_name, member)
        member_map[alias_name] = member
        lookup[former] = member
        alias_map[former] = current
    set_attribute(cls, "_lookup_", lookup)
    set_attribute(cls, "_aliases_", alias_map)
    set_attribute(cls, "_table_module_", table)
    set_attribute(cls, "_table_", None)
