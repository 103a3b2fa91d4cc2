"""Redaction: every secret out of a value of any shape, before it reaches a log.

:func:`redact` replaces each secret (:mod:`errcat.runtime.secret` says what one looks like:
errcat's built-in keys and parts, a catalog's ``logging.redact`` keys, and the shapes
secrets take in text) by ``[REDACTED]``:

- in mappings at any depth (keys of any type), header objects, named tuples,
  ``(name, value)`` pairs (str or bytes) and ``{"name": ..., "value": ...}`` mappings;
- in httpx requests and URLs, and any other object, by its text;
- in text, as :class:`~errcat.runtime.secret.SecretFinder` finds them;
- in tracebacks: :func:`format_exception` gives a redacted one.

:mod:`errcat.runtime.logging` applies it to everything errcat logs, and its
``RedactingFilter`` to every record a handler passes on. Standard library only.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping
from typing import Any

from errcat.runtime.secret import BUILTIN_REDACT_KEYS, BUILTIN_REDACT_PARTS, REDACTED
from errcat.runtime.secret_text import SecretFinder

__all__ = [
    "BUILTIN_REDACT_KEYS",
    "BUILTIN_REDACT_PARTS",
    "REDACTED",
    "Redactor",
    "format_exception",
    "is_secret_key",
    "redact",
    "redactor_for",
]


def safe_str(value: object) -> str:
    """``str(value)``, or a placeholder naming its type when its ``__str__`` raises."""
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def safe_repr(value: object) -> str:
    """``repr(value)``, or a placeholder naming its type when its ``__repr__`` raises."""
    try:
        return repr(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


class Redactor(SecretFinder):
    """Redaction of values of any shape for one set of secret keys."""

    def value(self, value: Any, depth: int = 0, *, strict: bool = True, keep_types: bool = False) -> Any:
        """``value`` redacted; ``strict`` turns objects it does not know into redacted text.

        By default the result is JSON-friendly (mappings as dicts with text keys, sequences
        as lists, bytes as text); ``keep_types`` keeps tuples, named tuples, sets and bytes
        as they were (mappings still come back as dicts with text keys, which JSON
        formatters need), for a value that goes back where it came from, such as a log
        record's arguments and fields.
        """
        return self._value(value, depth, strict, keep_types)

    def _value(self, value: Any, depth: int, strict: bool, keep: bool) -> Any:
        if depth > 32:  # a structure this deep is not a log field; don't recurse forever
            return REDACTED
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            if not keep:
                return self.text(bytes(value).decode("utf-8", "backslashreplace"))
            text = self.text(bytes(value).decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape"
            )
            return bytearray(text) if isinstance(value, bytearray) else text
        if isinstance(value, Mapping):
            return self._mapping(value.items(), depth, strict, keep)
        geturl = getattr(value, "geturl", None)
        if callable(geturl):  # urllib's SplitResult and ParseResult (tuples that print as parts)
            return self.text(safe_str(geturl()))
        fields = _fields_of(value) if isinstance(value, tuple) and type(value) is not tuple else None
        if fields is not None:  # a named tuple: its fields are keys
            items = [
                _redacted_like(item, keep)
                if self.secret(name)
                else self._value(item, depth + 1, strict, keep)
                for name, item in zip(fields, value, strict=True)
            ]
            return _rebuilt(value, items) if keep else items
        if _is_pair(value):
            name = value[0]
            item = (
                _redacted_like(value[1], keep)
                if self.secret(name)
                else self._value(value[1], depth + 1, strict, keep)
            )
            if keep:
                return (name, item) if isinstance(value, tuple) else [name, item]
            return [name.decode("latin-1") if isinstance(name, (bytes, bytearray)) else name, item]
        if isinstance(value, (list, tuple, set, frozenset)):
            redacted = [self._value(item, depth + 1, strict, keep) for item in value]
            return _rebuilt(value, redacted) if keep else redacted
        multi_items = getattr(value, "multi_items", None)
        pairs = multi_items if callable(multi_items) else getattr(value, "items", None)
        if callable(pairs):  # header objects (httpx.Headers, starlette's Headers, ...)
            return self._mapping(pairs(), depth, strict, keep)
        if _is_request(value):  # an HTTP request object: what it is sent to and with
            return {
                "method": safe_str(value.method),
                "url": self.text(safe_str(value.url)),
                "headers": self._value(value.headers, depth + 1, strict, keep),
            }
        if not strict:
            return value
        return self.text(safe_str(value))  # URL objects and the like: their text, redacted

    def _mapping(
        self, items: Iterable[tuple[Any, Any]], depth: int, strict: bool, keep: bool
    ) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        value_key: Any = None
        names: list[Any] = []
        for key, item in items:
            if type(key) is str:
                shown, secret = key, self.secret(key)
            else:
                shown, secret = self._key(key), self._secret_key(key, depth)
            if type(shown) is str and len(shown) <= 5:  # {"name": "X-Api-Key", "value": ...}
                lowered = shown.lower()
                if lowered == "value":
                    value_key = shown
                elif lowered in ("name", "key"):
                    names.append(item)
            if shown in out and isinstance(out[shown], str) and isinstance(item, (str, bytes)):
                # a header sent twice (multi_items): keep both values, as the header would
                item = f"{out[shown]}, {self._value(item, depth + 1, strict, keep)}"
                out[shown] = REDACTED if secret else item
                continue
            out[shown] = _redacted_like(item, keep) if secret else self._value(item, depth + 1, strict, keep)
        if value_key is not None and any(_names_secret(self, name) for name in names):
            out[value_key] = _redacted_like(out[value_key], keep)
        return out

    def _key(self, key: Any) -> Any:
        """A mapping key as a redacted mapping shows it: text (or a JSON scalar), its secrets out."""
        if isinstance(key, (str, bool, int, float)) or key is None:
            return key
        if isinstance(key, (bytes, bytearray)):
            return bytes(key).decode("latin-1")
        return self.text(safe_str(key))  # a tuple, an enum member, an object: its text, as JSON needs

    def _secret_key(self, key: Any, depth: int = 0) -> bool:
        """Whether the value of ``key`` is secret: by its name, any part of a tuple, or another key's text."""
        if isinstance(key, (str, bytes, bytearray)):
            return self.secret(key)
        if key is None or isinstance(key, (bool, int, float)):
            return False
        if isinstance(key, (tuple, frozenset)):
            return depth < 8 and any(self._secret_key(part, depth + 1) for part in key)
        return self.secret(safe_str(key))  # an enum member (Field.PASSWORD), an object


def _names_secret(finder: SecretFinder, name: object) -> bool:
    """Whether ``name`` (the "name" of a name/value pair) is a secret key: an identifier, without spaces."""
    if isinstance(name, (bytes, bytearray)):
        name = bytes(name).decode("latin-1")
    return isinstance(name, str) and 0 < len(name) <= 128 and " " not in name and finder.secret(name)


def _redacted_like(value: object, keep: bool) -> object:
    """:data:`REDACTED`, as bytes where ``value`` was bytes and types are kept."""
    if keep and isinstance(value, (bytes, bytearray, memoryview)):
        return REDACTED.encode()
    return REDACTED


def _fields_of(value: tuple[Any, ...]) -> tuple[str, ...] | None:
    """The field names of a named tuple; ``None`` for any other tuple subclass."""
    fields = getattr(type(value), "_fields", None)
    if isinstance(fields, tuple) and len(fields) == len(value) and all(isinstance(f, str) for f in fields):
        return fields
    return None


def _rebuilt(original: Any, items: list[Any]) -> Any:
    """``items`` in a container of the type of ``original`` (a list, a tuple or named tuple, a set)."""
    try:
        if isinstance(original, list):
            return items
        if isinstance(original, tuple):
            make = getattr(type(original), "_make", None)
            return make(items) if callable(make) else tuple(items)
        return frozenset(items) if isinstance(original, frozenset) else set(items)
    except Exception:  # a named tuple that cannot be made again, unhashable items: the items as a tuple
        return tuple(items)


def _is_pair(value: object) -> bool:
    """A ``(name, value)`` pair, as in httpx's params, header lists and ASGI's raw headers."""
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and isinstance(value[0], (str, bytes, bytearray))
        and not hasattr(value, "geturl")
    )


def _is_request(value: object) -> bool:
    return all(hasattr(value, name) for name in ("method", "url", "headers"))


_REDACTORS: dict[frozenset[str], Redactor] = {}


def redactor_for(keys: Iterable[str] | None) -> Redactor:
    """The redactor of the built-in keys and ``keys`` (one per set of keys, kept for reuse)."""
    wanted = BUILTIN_REDACT_KEYS.union(k.lower() for k in keys or ())
    redactor = _REDACTORS.get(wanted)
    if redactor is None:
        if len(_REDACTORS) > 64:  # many key sets (one per catalog, usually): keep the cache small
            _REDACTORS.clear()
        redactor = _REDACTORS[wanted] = Redactor(wanted)
    return redactor


def redact(value: Any, keys: Iterable[str] | None = None) -> Any:
    """``value`` with every secret replaced by ``[REDACTED]``: the built-in keys and ``keys``.

    Mappings (and header objects) come back as new dicts, with text keys (a key that is
    not text, a tuple or an enum member, as its redacted text; its value is a secret if any
    part of it names one), sequences, pairs and named tuples as lists, bytes as text;
    request objects (anything with ``method``, ``url`` and ``headers``) as a dict of the
    three; strings with their secrets replaced (:class:`~errcat.runtime.secret.SecretFinder`);
    numbers, booleans and ``None`` as they are; any other object as its redacted text.
    The fields of a named tuple and the ``value`` of a ``{"name": ..., "value": ...}``
    mapping are secrets when the field or the name is a secret key. The input is never
    modified; the result is JSON-friendly.
    """
    return redactor_for(keys).value(value)


def is_secret_key(key: str | bytes, keys: Iterable[str] | None = None) -> bool:
    """Whether the value of ``key`` is redacted: a built-in key or part, or one of ``keys``."""
    return redactor_for(keys).secret(key)


def format_exception(error: BaseException | tuple[Any, Any, Any], keys: Iterable[str] | None = None) -> str:
    """The traceback of ``error`` (an exception or an ``exc_info`` tuple) as text, secrets redacted.

    The same text :class:`logging.Formatter` prints, with the exception's message, its
    chained causes, its notes and every source line that appears redacted.
    """
    try:
        if isinstance(error, BaseException):
            lines = traceback.format_exception(type(error), error, error.__traceback__)
        else:
            lines = traceback.format_exception(*error)
        text = "".join(lines)
    except Exception:  # a traceback the traceback module cannot print
        text = f"<unprintable traceback of {type(error).__name__}>"
    return redactor_for(keys).text(text.rstrip("\n"))
