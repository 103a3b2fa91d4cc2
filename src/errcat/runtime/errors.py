"""``ApiError``, the base of every generated exception: its fields, construction, equality and pickling.

A generated package's ``exceptions`` module declares its own root and one class per
category and per code, as bare classes whose keyword arguments register them (the
generated part holds no logic)::

    errcat.ApiError                      the runtime's base, the same for every API
     +-- acme_errors.ApiError             root=True: the package's own registry of codes
          +-- AuthenticationError         category=ErrorCategory.AUTHENTICATION
          |    +-- AuthenticationRequired     code=ErrorCode.AUTHENTICATION_REQUIRED (401)
          |    +-- InvalidToken               code=ErrorCode.INVALID_TOKEN (401)
          +-- ResourceError               category=ErrorCategory.RESOURCE
               +-- NotFound                   code=ErrorCode.NOT_FOUND (404)
               ...

``except AuthenticationError`` catches both 401 codes and ``except errcat.ApiError``
every error of every package. The work is shared out by job:

- this module: the class itself, its fields and the one way an instance gets them
  (:meth:`ApiError._fill`, which ``__init__``, :meth:`ApiError.from_response` and
  unpickling all end in), equality, hashing;
- :mod:`errcat.runtime.registry`: each root's classes by code and by status
  (:meth:`ApiError.class_for` and :meth:`ApiError.codes` are its public face);
- :mod:`errcat.runtime.wire`: the response body, both ways (:meth:`ApiError.to_json`,
  :meth:`ApiError.to_response`, :meth:`ApiError.to_problem`, :meth:`ApiError.from_response`);
- :mod:`errcat.runtime.envelope`: what the body's fields are.

Only the standard library is used, so clients and services need nothing else.
"""

from __future__ import annotations

from errcat.runtime import wire
from errcat.runtime.envelope import ENVELOPE_FIELDS
from errcat.runtime.registry import Registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any, ClassVar

    from errcat.runtime import CatalogCategory, CatalogCode
    from errcat.runtime.catalog import ErrorCatalog

__all__ = ["ENVELOPE_FIELDS", "RESERVED_KEYWORDS", "ApiError"]

#: The keyword arguments of ``ApiError`` that are not envelope fields (no metadata field may take them).
RESERVED_KEYWORDS = frozenset({"retry_after"})


class ApiError(Exception):
    """An error response of the API: a code, its HTTP status, a message and the code's metadata."""

    #: The error code (an ``ErrorCode`` member, or the raw code a newer server sent).
    code: str = ""
    #: The HTTP status of the response.
    status: int = 500
    #: The category of the code, when its class knows it.
    category: CatalogCategory | None = None
    #: The documentation URL of the code.
    doc_url: str | None = None
    #: The catalog's title of the code.
    summary: str = ""
    #: The message used when none is given.
    default_message: str = "The API returned an error."
    #: The Retry-After of the response it came from, in seconds (or the one a server will send).
    retry_after: float | None = None
    #: The raw text of the response body it came from (set by ``errcat.integrations.httpx``).
    raw_body: str | None = None

    message: str
    request_id: str | None
    details: tuple[dict[str, Any], ...]
    metadata: dict[str, Any]

    #: The catalog of the generated package whose root this class descends from (None for errcat's base).
    catalog: ClassVar[ErrorCatalog | None] = None
    #: The classes of this class's root, by code (:mod:`errcat.runtime.registry`).
    _registry_: ClassVar[Registry]

    def __init_subclass__(
        cls,
        *,
        code: CatalogCode | None = None,
        category: CatalogCategory | None = None,
        root: bool = False,
        catalog: ErrorCatalog | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if root:
            cls._registry_ = Registry(cls)
        if catalog is not None:
            cls.catalog = catalog
        if category is not None:
            cls.category = category
        if code is not None:
            cls._registry_.add(cls, code)
            cls.code = code
            cls.status = code.status_code
            cls.doc_url = code.doc_url
            cls.summary = code.summary
            cls.default_message = code.message

    def __init__(
        self,
        /,  # a metadata field may be called "self"
        message: str | None = None,
        *,
        request_id: str | None = None,
        details: Iterable[Mapping[str, Any]] = (),
        status: int | None = None,
        code: str | None = None,
        doc_url: str | None = None,
        retry_after: float | None = None,
        **metadata: Any,
    ) -> None:
        self._fill(
            self.default_message if message is None else message,
            code,
            status,
            doc_url,
            request_id,
            tuple(dict(detail) for detail in details),
            metadata,
            retry_after,
        )

    def _fill(
        self,
        message: str,
        code: str | None,
        status: int | None,
        doc_url: str | None,
        request_id: str | None,
        details: tuple[dict[str, Any], ...],
        metadata: dict[str, Any],
        retry_after: float | None = None,
    ) -> None:
        """Give the error its fields: the one place every instance gets them.

        ``code``, ``status``, ``doc_url`` and ``retry_after`` are left to the class
        (its code's) when None, so an error carries only what differs from its class.
        """
        self.args = (message,)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if doc_url is not None:
            self.doc_url = doc_url
        if retry_after is not None:
            self.retry_after = retry_after
        self.request_id = request_id
        self.details = details
        self.metadata = metadata

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"[{self.status}{code}] {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r}, code={str(self.code)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiError) or type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        # Only what is always hashable: a request id that is not a string (set by hand) is left out.
        request_id = self.request_id if isinstance(self.request_id, str) else None
        return hash((type(self), str(self.code), self.status, str(self.message), request_id))

    def _key(self) -> tuple[object, ...]:
        return (
            str(self.code),
            self.status,
            self.message,
            self.request_id,
            self.doc_url,
            self.details,
            self.metadata,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class and its fields; unpickling goes through :meth:`_fill`, never ``__init__``.

        A subclass may give ``__init__`` arguments of its own, so the class is not called
        again: the error comes back with exactly the fields it had.
        """
        return (_unpickle, (type(self), self.message), self.__dict__)

    # --- the wire format (errcat.runtime.wire) ---------------------------------------------

    @property
    def wire_code(self) -> str:
        """The code the error's body names: its own, or its catalog's for its status.

        See :func:`errcat.runtime.wire.wire_code`.
        """
        return wire.wire_code(self)

    to_response = wire.to_response
    to_json = wire.to_json
    to_problem = wire.to_problem
    from_response = classmethod(wire.from_response)

    # --- the registry (errcat.runtime.registry) --------------------------------------------

    @classmethod
    def class_for(cls, code: str) -> type[ApiError]:
        """The class of ``code`` (a code, a member of the code enum, or a former name) in this registry.

        :class:`KeyError` for a code the registry does not know.
        """
        return cls._registry_.class_for(code)

    @classmethod
    def class_for_status(cls, status: int) -> type[ApiError]:
        """The class that owns every known code of ``status`` in this registry (a category), else the root."""
        return cls._registry_.for_status(status)

    @classmethod
    def codes(cls) -> dict[str, type[ApiError]]:
        """Every code of this registry and its class, in code order."""
        return cls._registry_.codes()


ApiError._registry_ = Registry(ApiError)


def _unpickle(cls: type[ApiError], message: str) -> ApiError:
    """An error of ``cls`` with only its message, whose other fields unpickling then sets."""
    error = cls.__new__(cls)
    error._fill(message, None, None, None, None, (), {})
    return error
