"""Redaction: every secret out of a value of any shape, before it reaches a log.

:func:`redact` replaces each secret (:mod:`errcat.runtime.secret` says what one looks like:
errcat's built-in keys and parts, a catalog's ``logging.redact`` keys, and the shapes
secrets take in text) by ``[REDACTED]``:

- in mappings at any depth, header objects and ``(name, value)`` pairs (str or bytes);
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

from errcat.runtime.secret import BUILTIN_REDACT_KEYS, BUILTIN_REDACT_PARTS, REDACTED, SecretFinder

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

    def value(self, value: Any, depth: int = 0, *, strict: bool = True) -> Any:
        """``value`` redacted; ``strict`` turns objects it does not know into redacted text."""
        if depth > 32:  # a structure this deep is not a log field; don't recurse forever
            return REDACTED
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return self.text(bytes(value).decode("utf-8", "backslashreplace"))
        if isinstance(value, Mapping):
            return self._mapping(value.items(), depth, strict)
        if _is_pair(value):
            name = value[0]
            shown = name.decode("latin-1") if isinstance(name, (bytes, bytearray)) else name
            return [shown, REDACTED if self.secret(name) else self.value(value[1], depth + 1, strict=strict)]
        geturl = getattr(value, "geturl", None)
        if callable(geturl):  # urllib's SplitResult and ParseResult (tuples that print as parts)
            return self.text(safe_str(geturl()))
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.value(item, depth + 1, strict=strict) for item in value]
        multi_items = getattr(value, "multi_items", None)
        items = multi_items if callable(multi_items) else getattr(value, "items", None)
        if callable(items):  # header objects (httpx.Headers, starlette's Headers, ...)
            return self._mapping(items(), depth, strict)
        if _is_request(value):  # an HTTP request object: what it is sent to and with
            return {
                "method": safe_str(value.method),
                "url": self.text(safe_str(value.url)),
                "headers": self.value(value.headers, depth + 1, strict=strict),
            }
        if not strict:
            return value
        return self.text(safe_str(value))  # URL objects and the like: their text, redacted

    def _mapping(self, items: Iterable[tuple[Any, Any]], depth: int, strict: bool) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, item in items:
            shown = key.decode("latin-1") if isinstance(key, (bytes, bytearray)) else key
            if shown in out and isinstance(out[shown], str) and isinstance(item, (str, bytes)):
                # a header sent twice (multi_items): keep both values, as the header would
                item = f"{out[shown]}, {self.value(item, depth + 1, strict=strict)}"
                out[shown] = REDACTED if self.secret(key) else item
                continue
            out[shown] = REDACTED if self.secret(key) else self.value(item, depth + 1, strict=strict)
        return out


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

    Mappings (and header objects) come back as new dicts, sequences and pairs as lists,
    bytes as text; request objects (anything with ``method``, ``url`` and ``headers``) as
    a dict of the three; strings with their secrets replaced (:class:`~errcat.runtime.secret.SecretFinder`);
    numbers, booleans and ``None`` as they are; any other object as its redacted text.
    The input is never modified.
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
