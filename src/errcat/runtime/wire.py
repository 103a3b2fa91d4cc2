"""The wire format of errors: an ``ApiError`` to a response body, and a response back to an ``ApiError``.

The body's fields are described once, in :mod:`errcat.runtime.envelope`. Here they are
written and read, on the hot path of every client and service, so both directions are
tuned and both are held to the obvious code by the tests:

- :func:`to_response`, :func:`to_json` and :func:`to_problem` serialise an error (as
  :meth:`ApiError.to_response <errcat.runtime.errors.ApiError.to_response>` and its
  siblings); ``to_json`` gives exactly ``json.dumps(to_response())``'s bytes.
- :func:`from_response` turns a status and a body into the right class of a root
  (:meth:`ApiError.from_response <errcat.runtime.errors.ApiError.from_response>`). It never
  fails, and reads JSON text exactly as :func:`json.loads` reads it: that is the parser's
  contract, kept whether the optional orjson is installed or not (:func:`_parse_fast`).

Only the standard library is needed (orjson, when installed, only makes parsing faster).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from json.scanner import make_scanner

from errcat.runtime.envelope import ENVELOPE_FIELDS, REASON_PHRASES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    from errcat.runtime.errors import ApiError

__all__ = ["from_response", "phrase", "to_json", "to_problem", "to_response", "wire_code"]

# --- reading JSON ----------------------------------------------------------------------------------

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
    use, not with the runtime (the code generator and plain raisers never parse).
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


#: The parser of response bodies: :func:`_first_loads` until the first body, then the one it chose.
_loads: Callable[[bytes | bytearray | str], Any] = _first_loads


# --- writing -----------------------------------------------------------------------------------------

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

#: JSON pieces already written: each code's opening up to its message, each doc URL and
#: metadata key with its separators. Bounded: codes a newer server invents must not grow them.
_HEADS: dict[str, str] = {}
_DOC_URLS: dict[str, str] = {}
_KEYS: dict[str, str] = {}
_CACHE_LIMIT = 100_000


def _cached(cache: dict[str, str], key: str, piece: str) -> str:
    if len(cache) < _CACHE_LIMIT:
        cache[key] = piece
    return piece


def wire_code(error: ApiError) -> str:
    """The code the error's body names: its own code, or one for an error that has none.

    The response schema wants a non-empty code, so an error without one (a bare
    ``ApiError("boom")``, a category class, a response whose body named none) sends the
    code its catalog answers a framework error of its status with
    (:meth:`~errcat.runtime.catalog.ErrorCatalog.http_error_class`: ``internal_error`` for
    a 500 in the shipped catalog), and, under errcat's own base class or a catalog that
    names no such code, ``http_<status>`` (``http_500``). The error's ``code`` stays
    empty; only the body says more.
    """
    code = str(error.code)
    if code:
        return code
    catalog = error.catalog
    if catalog is not None:
        try:
            code = str(catalog.http_error_class(error.status).code)
        except LookupError:  # the catalog names no code for framework errors
            code = ""
    return code or f"http_{error.status}"


def to_response(error: ApiError) -> dict[str, Any]:
    """The standard error body: ``{"error": {"code", "message", "details", "request_id", ...}}``.

    ``code`` is :attr:`~errcat.runtime.errors.ApiError.wire_code` (never empty); ``details``
    is left out when empty, ``request_id`` and ``doc_url`` when unknown; the metadata fields
    follow the envelope fields (a metadata key that names an envelope field is left out).
    """
    body: dict[str, Any] = {"code": wire_code(error), "message": error.message}
    if error.details:
        body["details"] = [dict(detail) for detail in error.details]
    if error.request_id is not None:
        body["request_id"] = error.request_id
    if error.doc_url is not None:
        body["doc_url"] = error.doc_url
    for key, value in error.metadata.items():
        if key not in ENVELOPE_FIELDS:
            body[key] = value
    return {"error": body}


def to_json(error: ApiError) -> str:
    """:func:`to_response` as compact JSON: ``json.dumps`` with ``(",", ":")`` separators, not ASCII-only.

    The common shape (string values, no details) is written piece by piece with
    the C string encoder, the constant pieces (the code's opening, the doc URL,
    each metadata key) cached: several times faster than building the dict and
    dumping it. Anything else (details, a number, ``None`` in a field) takes
    that slower road, so the bytes are always ``json.dumps``'s own.
    """
    if error.details:
        return _dumps(to_response(error))
    code = error.code or wire_code(error)
    try:
        head = _HEADS.get(code) or _cached(
            _HEADS, code, '{"error":{"code":' + encode_basestring(code) + ',"message":'
        )
        parts = [head, encode_basestring(error.message)]
        request_id = error.request_id
        if request_id is not None:
            parts += (',"request_id":', encode_basestring(request_id))
        doc_url = error.doc_url
        if doc_url is not None:
            parts.append(
                _DOC_URLS.get(doc_url)
                or _cached(_DOC_URLS, doc_url, ',"doc_url":' + encode_basestring(doc_url))
            )
        for key, value in error.metadata.items():
            piece = _KEYS.get(key)
            if piece is None:
                if key in ENVELOPE_FIELDS:
                    continue
                piece = _cached(_KEYS, key, "," + encode_basestring(key) + ":")
            parts += (piece, encode_basestring(value))
    except TypeError:  # a value that is not a string (the encoder refuses it), an unhashable one
        return _dumps(to_response(error))
    parts.append("}}")
    return "".join(parts)


def to_problem(error: ApiError) -> dict[str, Any]:
    """The error as RFC 9457 ``application/problem+json`` (:data:`errcat.runtime.envelope.PROBLEM`).

    ``type`` is the code's documentation URL (``about:blank`` when unknown), ``title`` the
    code's title, ``detail`` the message; ``code`` (the wire code), ``request_id``, ``errors``
    (the field details) and the metadata are extension members.
    """
    problem: dict[str, Any] = {
        "type": error.doc_url or "about:blank",
        "title": error.summary or phrase(error.status),
        "status": error.status,
        "detail": error.message,
        "code": wire_code(error),
    }
    if error.request_id is not None:
        problem["request_id"] = error.request_id
    if error.details:
        problem["errors"] = [dict(detail) for detail in error.details]
    for key, value in error.metadata.items():
        problem.setdefault(key, value)
    return problem


# --- reading a response ----------------------------------------------------------------------------

_TEXT = (bytes, bytearray, str)


def from_response(
    root: type[ApiError], status: int, body: bytes | bytearray | str | Mapping[str, Any] | None
) -> ApiError:
    """The exception for an error response: its status and its body (JSON text or parsed).

    The class is one of ``root``'s registry (:mod:`errcat.runtime.registry`). Never
    raises: an unknown code keeps its raw code and fields, and a body that is not the
    standard envelope gives the status's class with the HTTP reason phrase. Each envelope
    field keeps its type or is dropped: a ``message`` that is not a string gives the
    class's message, a ``request_id`` that is not a string gives None, a ``doc_url`` that
    is not a string the class's URL, ``details`` only its objects. JSON text is read as
    :func:`json.loads` reads it, whether orjson is installed or not.
    """
    registry = root._registry_
    found: Any = None
    owned = False  # whether ``found`` is a dict of ours, which may be emptied as it is read
    if isinstance(body, _TEXT):
        try:
            body = _loads(body)
        except (ValueError, RecursionError):  # not JSON, or nested beyond the parser's limit
            body = None
        owned = True
    if type(body) is dict:
        found = body.get("error")
    if type(found) is not dict:
        klass = registry.for_status(status)
        error = klass.__new__(klass)
        error._fill(phrase(status), None, None if status == klass.status else status, None, None, (), {})
        return error
    # Each envelope field is popped; what is left is the metadata, in the body's order.
    fields: dict[str, Any] = found if owned else found.copy()
    pop = fields.pop
    code = pop("code", None)
    known = registry.by_code.get(code) if type(code) is str else None
    if known is not None:
        klass, code = known, known.code  # the enum member
    else:
        klass, code = registry.resolve(code, status)
    message = pop("message", None)
    if type(message) is not str:
        message = klass.default_message
    details = pop("details", None)
    request_id = pop("request_id", None)
    if type(request_id) is not str:
        request_id = None
    doc_url = pop("doc_url", None)
    if type(doc_url) is not str or doc_url == klass.doc_url:
        doc_url = None  # the class's own
    pop("status", None)
    error = klass.__new__(klass)
    error._fill(
        message,
        None if code is klass.code else code,
        None if status == klass.status else status,
        doc_url,
        request_id,
        tuple(d for d in details if type(d) is dict) if type(details) is list else (),
        fields,
    )
    return error


def phrase(status: int) -> str:
    """The reason phrase of an error status (``HTTP <status>`` for one the standard does not name).

    From :data:`errcat.runtime.envelope.REASON_PHRASES`, which the TypeScript package reads too,
    so the two languages (and every Python version) give one message.
    """
    return REASON_PHRASES.get(status) or f"HTTP {status}"
