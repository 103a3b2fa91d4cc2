"""``ApiError``, the base of every generated exception, and how responses become exceptions.

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
every error of every package. :meth:`ApiError.from_response` turns a status and a
body into the right class of the root it is called on: the code's class; for a code
this client does not know (a newer server), the class of the category that owns every
known code of that status, else the root class. It never fails: a body that is not
the standard envelope still gives an :class:`ApiError` that keeps what it could.
:meth:`ApiError.class_for` is the public code -> class lookup.

Only the standard library is used, so clients and services need nothing else.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from json.scanner import make_scanner

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any, ClassVar, Self

    from errcat.runtime.catalog import ErrorCatalog
    from errcat.runtime.enums import CatalogCategory, CatalogCode

__all__ = ["ENVELOPE_FIELDS", "RESERVED_KEYWORDS", "ApiError"]

#: The fields of the error object that are not metadata.
ENVELOPE_FIELDS = frozenset({"code", "message", "details", "request_id", "doc_url", "status"})
#: The keyword arguments of ``ApiError`` that are not envelope fields (no metadata field may take them).
RESERVED_KEYWORDS = frozenset({"retry_after"})

_scan: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed


def _parse_json(text: bytes | bytearray | str) -> Any:
    """Parse JSON text with the standard library, in fewer steps than :func:`json.loads`.

    The common body (UTF-8, no surrounding whitespace) goes straight to the C scanner
    that ``json.loads`` ends in, skipping its encoding detection and two whitespace
    matches; anything else (a BOM, UTF-16, whitespace, trailing data, bad JSON) is
    handed to ``json.loads`` itself, so the result and the errors are exactly its own.
    """
    try:
        decoded = text if isinstance(text, str) else text.decode()
        value, end = _scan(decoded, 0)
    except (ValueError, StopIteration):  # not UTF-8, or not a JSON value at index 0
        return json.loads(text)
    if end != len(decoded):  # whitespace or more after the value
        return json.loads(text)
    return value


#: Texts this long or shorter cannot nest deeper than :data:`_FAST_DEPTH` (each opening
#: bracket of valid JSON has its closing one), so they need no count of their brackets.
_FAST_DEPTH = 256
_SHORT = 2 * _FAST_DEPTH + 1


def _parse_fast(text: bytes | bytearray | str) -> Any:
    """Parse JSON text with orjson where its answer is :func:`json.loads`'s, else with the standard library.

    The contract is :func:`json.loads`: what it accepts, the values it gives, the errors
    it raises. orjson is only a faster road to the same answer, taken when it cannot
    differ, and the standard library (:func:`_parse_json`) decides everything else:

    - anything orjson refuses: a BOM, UTF-16 and UTF-32, ``NaN`` and ``Infinity``, a number
      too large for a float (``1e400``), lone surrogates, trailing data, bad JSON;
    - any float in the value: orjson reads an integer past 64 bits as a float, where
      :mod:`json` keeps it exact, and its float parser is not Python's;
    - more than :data:`_FAST_DEPTH` opening brackets: :mod:`json` stops at the interpreter's
      recursion limit (less the caller's own stack), orjson at 1024 levels.

    Duplicate keys and whitespace are read alike by both (the last value wins, in the
    first key's place).
    """
    try:
        value = _orjson_loads(text)
    except ValueError:  # refused: the standard library gives the answer, or the error
        return _parse_json(text)
    if len(text) > _SHORT and _openings(text) > _FAST_DEPTH:
        return _parse_json(text)
    try:
        exact = _exact(value)
    except RecursionError:  # the caller's own stack is nearly full: json.loads decides
        exact = False
    return value if exact else _parse_json(text)


def _openings(text: bytes | bytearray | str) -> int:
    """How many ``[`` and ``{`` the text holds (inside strings too): a bound on its depth."""
    if isinstance(text, str):
        return text.count("[") + text.count("{")
    return text.count(b"[") + text.count(b"{")


def _exact(value: Any) -> bool:
    """Whether orjson's value is exactly :mod:`json`'s: no float in it, at any depth."""
    kind = type(value)
    if kind is dict:
        items: Iterable[Any] = value.values()
    elif kind is list:
        items = value
    else:
        return kind is not float
    for item in items:
        kind = type(item)
        if kind is str:
            continue
        if kind is float or ((kind is dict or kind is list) and not _exact(item)):
            return False
    return True


def _import_orjson(text: bytes | bytearray | str) -> Any:
    """``orjson.loads``, imported by its first call (a ``ValueError``, a refusal, without orjson)."""
    global _orjson_loads
    try:
        from orjson import loads
    except ImportError as exc:
        raise ValueError("orjson is not installed") from exc
    _orjson_loads = loads
    return loads(text)


_orjson_loads: Callable[[bytes | bytearray | str], Any] = _import_orjson


def _first_loads(text: bytes | bytearray | str) -> Any:
    """Parse the first body: choose the parser (orjson when installed), then use it from now on.

    orjson, an optional accelerator, parses a small body several times faster than
    :mod:`json`; importing it costs a few milliseconds, so it is imported on first
    use, not by ``import errcat.runtime.errors`` (the code generator and plain raisers never parse).
    Either way the answer is :func:`json.loads`'s (see :func:`_parse_fast`).
    """
    global _loads
    try:
        import orjson  # noqa: F401  # only whether it is there: _orjson_loads binds its loads
    except ImportError:  # the standard library is the baseline
        _loads = _parse_json
    else:
        _loads = _parse_fast
    return _loads(text)


_loads: Callable[[bytes | bytearray | str], Any] = _first_loads
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

_TEXT = (bytes, bytearray, str)

#: JSON pieces already written: each code's opening up to its message, each doc URL and
#: metadata key with its separators. Bounded: codes a newer server invents must not grow them.
_HEADS: dict[str, str] = {}
_DOC_URLS: dict[str, str] = {}
_KEYS: dict[str, str] = {}
_CACHE_LIMIT = 100_000


def _head(code: str) -> str:
    piece = '{"error":{"code":' + encode_basestring(code) + ',"message":'
    if len(_HEADS) < _CACHE_LIMIT:
        _HEADS[code] = piece
    return piece


def _doc_url_piece(doc_url: str) -> str:
    piece = ',"doc_url":' + encode_basestring(doc_url)
    if len(_DOC_URLS) < _CACHE_LIMIT:
        _DOC_URLS[doc_url] = piece
    return piece


def _key_piece(key: str) -> str:
    piece = "," + encode_basestring(key) + ":"
    if len(_KEYS) < _CACHE_LIMIT:
        _KEYS[key] = piece
    return piece


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

    _root_: ClassVar[type[ApiError]]
    _by_code_: ClassVar[dict[str, type[ApiError]]]
    _code_enum_: ClassVar[type[CatalogCode] | None]
    _by_status_: ClassVar[dict[int, type[ApiError]]]

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
            _make_root(cls)
        if catalog is not None:
            cls.catalog = catalog
        registry = cls._root_
        if category is not None:
            cls.category = category
        if code is not None:
            if code.value in registry._by_code_:
                taken = registry._by_code_[code.value].__qualname__
                raise TypeError(f"{cls.__qualname__}: the code {code.value!r} already belongs to {taken}")
            cls.code = code
            cls.status = code.status_code
            cls.doc_url = code.doc_url
            cls.summary = code.summary
            cls.default_message = code.message
            registry._by_code_[code.value] = cls
            registry._code_enum_ = type(code)
            registry._by_status_.clear()

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
        self.message = self.default_message if message is None else message
        super().__init__(self.message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if doc_url is not None:
            self.doc_url = doc_url
        if retry_after is not None:
            self.retry_after = retry_after
        self.request_id = request_id
        self.details = tuple(dict(detail) for detail in details)
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

    # --- to the wire -----------------------------------------------------------------------

    @property
    def wire_code(self) -> str:
        """The code the error's body names: its own code, or one for an error that has none.

        The response schema wants a non-empty code, so an error without one (a bare
        ``ApiError("boom")``, a category class, a response whose body named none) sends the
        code its catalog answers a framework error of its status with
        (:meth:`~errcat.runtime.catalog.ErrorCatalog.http_error_class`: ``internal_error`` for
        a 500 in the shipped catalog), and, under errcat's own base class or a catalog that
        names no such code, ``http_<status>`` (``http_500``). The error's ``code`` stays
        empty; only the body says more.
        """
        code = str(self.code)
        return code or _code_for_status(type(self), self.status)

    def to_response(self) -> dict[str, Any]:
        """The standard error body: ``{"error": {"code", "message", "details", "request_id", ...}}``.

        ``code`` is :attr:`wire_code` (never empty); ``details`` is left out when empty,
        ``request_id`` and ``doc_url`` when unknown; the metadata fields follow the envelope
        fields (a metadata key that names an envelope field is left out).
        """
        error: dict[str, Any] = {"code": self.wire_code, "message": self.message}
        if self.details:
            error["details"] = [dict(detail) for detail in self.details]
        if self.request_id is not None:
            error["request_id"] = self.request_id
        if self.doc_url is not None:
            error["doc_url"] = self.doc_url
        for key, value in self.metadata.items():
            if key not in ENVELOPE_FIELDS:
                error[key] = value
        return {"error": error}

    def to_json(self) -> str:
        """:meth:`to_response` as compact JSON: ``json.dumps`` with ``(",", ":")`` separators, not ASCII-only.

        The common shape (string values, no details) is written piece by piece with
        the C string encoder, the constant pieces (the code's opening, the doc URL,
        each metadata key) cached: several times faster than building the dict and
        dumping it. Anything else (details, a number, ``None`` in a field) takes
        that slower road, so the bytes are always ``json.dumps``'s own.
        """
        if self.details:
            return _dumps(self.to_response())
        code = self.code or self.wire_code
        try:
            parts = [_HEADS.get(code) or _head(code), encode_basestring(self.message)]
            request_id = self.request_id
            if request_id is not None:
                parts += (',"request_id":', encode_basestring(request_id))
            doc_url = self.doc_url
            if doc_url is not None:
                parts.append(_DOC_URLS.get(doc_url) or _doc_url_piece(doc_url))
            for key, value in self.metadata.items():
                piece = _KEYS.get(key)
                if piece is None:
                    if key in ENVELOPE_FIELDS:
                        continue
                    piece = _key_piece(key)
                parts += (piece, encode_basestring(value))
        except TypeError:  # a value that is not a string (the encoder refuses it), an unhashable one
            return _dumps(self.to_response())
        parts.append("}}")
        return "".join(parts)

    def to_problem(self) -> dict[str, Any]:
        """The error as RFC 9457 ``application/problem+json``.

        ``type`` is the code's documentation URL (``about:blank`` when unknown), ``title``
        the code's title, ``detail`` the message; ``code`` (:attr:`wire_code`), ``request_id``, ``errors``
        (the field details) and the metadata are extension members.
        """
        problem: dict[str, Any] = {
            "type": self.doc_url or "about:blank",
            "title": self.summary or _phrase(self.status),
            "status": self.status,
            "detail": self.message,
            "code": self.wire_code,
        }
        if self.request_id is not None:
            problem["request_id"] = self.request_id
        if self.details:
            problem["errors"] = [dict(detail) for detail in self.details]
        for key, value in self.metadata.items():
            problem.setdefault(key, value)
        return problem

    # --- from the wire ---------------------------------------------------------------------

    @classmethod
    def from_response(cls, status: int, body: bytes | bytearray | str | Mapping[str, Any] | None) -> ApiError:
        """The exception for an error response: its status and its body (JSON text or parsed).

        Never raises: an unknown code keeps its raw code and fields, and a body that is
        not the standard envelope gives the status's class with the HTTP reason phrase.
        Each envelope field keeps its type or is dropped: a ``message`` that is not a string
        gives the class's message, a ``request_id`` that is not a string gives None, a
        ``doc_url`` that is not a string the class's URL, ``details`` only its objects.
        JSON text is read as :func:`json.loads` reads it, whether orjson is installed or not.
        """
        root = cls._root_
        error: Any = None
        owned = False  # whether ``error`` is a dict of ours, which may be emptied as it is read
        if isinstance(body, _TEXT):
            try:
                body = _loads(body)
            except (ValueError, RecursionError):  # not JSON, or nested beyond the parser's limit
                body = None
            owned = True
        if type(body) is dict:
            error = body.get("error")
        if type(error) is not dict:
            return root._for_status(status)._make(status, "", _phrase(status), None, None, (), {})
        # Each envelope field is popped; what is left is the metadata, in the body's order.
        fields = error if owned else error.copy()
        pop = fields.pop
        code = pop("code", None)
        klass = root._by_code_.get(code) if type(code) is str else None
        if klass is not None:
            code = klass.code  # the enum member
        else:
            klass, code = root._unknown_code(code, status)
        message = pop("message", None)
        if type(message) is not str:
            message = klass.default_message
        details = pop("details", None)
        request_id = pop("request_id", None)
        if type(request_id) is not str:
            request_id = None
        doc_url = pop("doc_url", klass.doc_url)
        if type(doc_url) is not str:
            doc_url = klass.doc_url
        pop("status", None)
        instance = klass.__new__(klass, message)  # sets ``args``; ``__init__`` is not run
        instance.message = message
        if code is not klass.code:
            instance.code = code
        if status != klass.status:
            instance.status = status
        if doc_url != klass.doc_url:
            instance.doc_url = doc_url
        instance.request_id = request_id
        instance.details = tuple(d for d in details if type(d) is dict) if type(details) is list else ()
        instance.metadata = fields
        return instance

    @classmethod
    def _make(
        cls,
        status: int,
        code: str,
        message: str,
        request_id: Any,
        doc_url: Any,
        details: tuple[dict[str, Any], ...],
        metadata: dict[str, Any],
    ) -> Self:
        error = cls.__new__(cls)
        error.args = (message,)
        error.message = message
        if code != cls.code:
            error.code = code
        if status != cls.status:
            error.status = status
        if doc_url != cls.doc_url:
            error.doc_url = doc_url
        error.request_id = request_id
        error.details = details
        error.metadata = metadata
        return error

    @classmethod
    def class_for(cls, code: str) -> type[ApiError]:
        """The class of ``code`` (a code, a member of the code enum, or a former name) in this registry.

        :class:`KeyError` for a code the registry does not know.
        """
        root = cls._root_
        klass = root._by_code_.get(str(code))
        if klass is None:
            enum = root._code_enum_
            if enum is not None and code in enum._aliases_:
                return root._by_code_[enum._aliases_[code]]
            raise KeyError(f"{root.__module__}.{root.__qualname__} has no class for the code {str(code)!r}")
        return klass

    @classmethod
    def codes(cls) -> dict[str, type[ApiError]]:
        """Every code of this registry and its class, in code order."""
        registry = cls._root_._by_code_
        return {code: registry[code] for code in sorted(registry)}

    @classmethod
    def _unknown_code(cls, code: object, status: int) -> tuple[type[ApiError], str]:
        """The class for a code that is not in the registry: a renamed code's, or the status's."""
        if type(code) is not str:
            return cls._for_status(status), "" if code is None else str(code)
        enum = cls._code_enum_
        if enum is not None and code in enum._aliases_:
            klass = cls._by_code_[enum._aliases_[code]]
            return klass, klass.code
        return cls._for_status(status), code

    @classmethod
    def _for_status(cls, status: int) -> type[ApiError]:
        """The category class that owns every known code of ``status``, else the root."""
        if not cls._by_status_:
            owners: dict[int, set[type[ApiError]]] = {}
            for klass in cls._by_code_.values():
                owners.setdefault(klass.status, set()).add(klass.__mro__[1])
            for known, classes in owners.items():
                cls._by_status_[known] = next(iter(classes)) if len(classes) == 1 else cls
            cls._by_status_.setdefault(0, cls)
        return cls._by_status_.get(status, cls)


def _code_for_status(cls: type[ApiError], status: int) -> str:
    """The code a body names for an error of ``cls`` without one (see :attr:`ApiError.wire_code`)."""
    catalog = cls.catalog
    if catalog is not None:
        try:
            code = str(catalog.http_error_class(status).code)
        except LookupError:  # the catalog names no code for framework errors
            code = ""
        if code:
            return code
    return f"http_{status}"


def _make_root(cls: type[ApiError]) -> None:
    cls._root_ = cls
    cls._by_code_ = {}
    cls._code_enum_ = None
    cls._by_status_ = {}


_make_root(ApiError)


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
