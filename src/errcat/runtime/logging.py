"""Logging errors the way the catalog's logging guidance says, with secrets kept out.

Every error is logged with the fields a catalog's logging guidance lists (code,
status, request_id, method, path, attempt, retry_delay_seconds, metadata), under one
JSON-friendly ``extra`` key, ``errcat``, so a JSON formatter emits them as they are::

    import logging
    import acme_errors
    from errcat.runtime.logging import log_error

    log = logging.getLogger("acme.client")
    try:
        client.get_order(...)
    except acme_errors.ApiError as exc:
        log_error(log, exc, errors=acme_errors, method="GET", url=str(request.url), attempt=1)

The level follows the catalog's ``logging.levels`` (without a catalog: a 4xx at
warning, a 5xx at error, a retried transport failure at warning). Whatever is logged
goes through :func:`redact`, which replaces the value of every secret key
(errcat's built-in list, :data:`BUILTIN_REDACT_KEYS`, plus the keys the catalog names),
case-insensitively, in mappings at any depth, in URL query strings, in ``key=value``
text and in ``Bearer``/``Basic`` credentials. :class:`RedactingFilter` applies the same
to every record that passes through a handler, for logs errcat did not write.

Standard library only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = [
    "BUILTIN_REDACT_KEYS",
    "DEFAULT_LOG_LEVELS",
    "REDACTED",
    "RedactingFilter",
    "error_fields",
    "level_for",
    "log_error",
    "redact",
]

REDACTED = "[REDACTED]"

#: Keys whose values are secrets in any API: redacted whatever the catalog says (its keys add to these).
BUILTIN_REDACT_KEYS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "authorization",
        "client_secret",
        "cookie",
        "id_token",
        "password",
        "proxy-authorization",
        "refresh_token",
        "secret",
        "set-cookie",
        "token",
        "x-api-key",
    }
)

#: The level of each kind of failure when no catalog says otherwise.
DEFAULT_LOG_LEVELS = {"client_error": "warning", "server_error": "error", "transport_failure": "warning"}

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


class _Redactor:
    """Redaction for one set of secret keys; the patterns are compiled once per set."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(k.lower() for k in keys)
        names = "|".join(sorted((re.escape(k) for k in self.keys), key=len, reverse=True))
        # key=value or key: value in free text and query strings (quoted values included); an
        # auth scheme before the value ("Authorization: Basic dXNl...") goes with it
        self.pairs = (
            re.compile(
                rf"""(?ix)(?P<key>["']?\b(?:{names})\b["']?\s*[=:]\s*)(?P<value>"[^"]*"|'[^']*'|(?:(?:Bearer|Basic|Digest|Token|Negotiate)\s+)?[^\s&;,"'}}]+)"""
            )
            if names
            else None
        )
        # A credential after an auth scheme: it must hold a digit or a symbol, so that prose such as
        # "Bearer tokens" or "the access token is invalid" stays as written.
        self.schemes = re.compile(
            r"(?i)\b(Bearer|Basic)\s+(?=[A-Za-z._~+/=-]*(?:[0-9_~+/=-]|\.[A-Za-z0-9]))[A-Za-z0-9._~+/=-]{4,}"
        )
        self.userinfo = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")

    def text(self, value: str) -> str:
        value = self.schemes.sub(lambda m: f"{m.group(1)} {REDACTED}", value)
        value = self.userinfo.sub(lambda m: f"{m.group(1)}{REDACTED}@", value)
        if self.pairs is not None:
            value = self.pairs.sub(lambda m: m.group("key") + REDACTED, value)
        return value

    def value(self, value: Any, depth: int = 0) -> Any:
        if depth > 32:  # a structure this deep is not a log field; don't recurse forever
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                key: REDACTED if str(key).lower() in self.keys else self.value(item, depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            # a (key, value) pair, as in httpx's params and header lists
            secret = value[0].lower() in self.keys
            return [value[0], REDACTED if secret else self.value(value[1], depth + 1)]
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.value(item, depth + 1) for item in value]
        if hasattr(value, "items") and callable(value.items):  # header objects (httpx.Headers, ...)
            return self.value(dict(value.items()), depth)
        return value


_REDACTORS: dict[frozenset[str], _Redactor] = {}


def _redactor(keys: Iterable[str] | None) -> _Redactor:
    wanted = BUILTIN_REDACT_KEYS.union(k.lower() for k in keys or ())
    redactor = _REDACTORS.get(wanted)
    if redactor is None:
        redactor = _REDACTORS[wanted] = _Redactor(wanted)
    return redactor


def redact(value: Any, keys: Iterable[str] | None = None) -> Any:
    """``value`` with every secret replaced by ``[REDACTED]``: the built-in keys and ``keys``.

    Mappings (and header objects) come back as new dicts, sequences as lists; strings
    have secret query parameters, ``key=value`` pairs, credentials in URLs and
    ``Bearer``/``Basic`` credentials replaced. The input is never modified.
    """
    return _redactor(keys).value(value)


def level_for(error: object, levels: Mapping[str, str] | None = None) -> int:
    """The logging level of this failure: by status class, or transport failure.

    ``levels`` maps ``client_error``, ``server_error`` and ``transport_failure`` to level
    names (a catalog's ``log_levels``); :data:`DEFAULT_LOG_LEVELS` fills what it leaves out.
    """
    from errcat.runtime.retry import status_of, transport_failure

    if transport_failure(error) is not None:
        kind = "transport_failure"
    else:
        status = status_of(error) or 500
        kind = "server_error" if status >= 500 else "client_error"
    return _LEVELS[(levels or {}).get(kind) or DEFAULT_LOG_LEVELS[kind]]


def _catalog(errors: ErrorPackage | ErrorCatalog | None) -> ErrorCatalog | None:
    if errors is None:
        return None
    from errcat.runtime.catalog import catalog_of

    return catalog_of(errors)


def error_fields(
    error: object,
    *,
    method: str | None = None,
    url: str | None = None,
    attempt: int | None = None,
    retry_delay: float | None = None,
    keys: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The log fields of ``error``, redacted (the built-in keys and ``keys``), as a JSON-friendly dict."""
    from errcat.runtime.retry import status_of, transport_failure

    failure = transport_failure(error)
    fields: dict[str, Any] = {
        "code": failure or str(getattr(error, "code", "") or "") or None,
        "status": status_of(error) if failure is None else None,
        "request_id": getattr(error, "request_id", None),
    }
    if method is not None:
        fields["method"] = method.upper()
    if url is not None:
        fields["path"] = urlsplit(url).path or "/"  # never the query string: tokens live there
    if attempt is not None:
        fields["attempt"] = attempt
    if retry_delay is not None:
        fields["retry_delay_seconds"] = round(retry_delay, 3)
    metadata = getattr(error, "metadata", None)
    if isinstance(metadata, Mapping) and metadata:
        fields["metadata"] = dict(metadata)
    details = getattr(error, "details", None)
    if details:
        fields["details"] = list(details)
    return redact(fields, keys)  # type: ignore[no-any-return]


def log_error(
    logger: logging.Logger | logging.LoggerAdapter[Any],
    error: object,
    *,
    errors: ErrorPackage | ErrorCatalog | None = None,
    method: str | None = None,
    url: str | None = None,
    attempt: int | None = None,
    retry_delay: float | None = None,
    level: int | None = None,
) -> dict[str, Any]:
    """Log ``error`` with its fields under ``extra={"errcat": ...}``; returns them.

    ``errors`` (a generated package) gives the level of each kind of failure and the keys
    to redact beyond the built-in ones; ``level`` overrides the level.
    """
    catalog = _catalog(errors)
    keys = catalog.redact_keys if catalog is not None else None
    fields = error_fields(error, method=method, url=url, attempt=attempt, retry_delay=retry_delay, keys=keys)
    summary = " ".join(
        f"{name}={fields[name]}"
        for name in ("code", "status", "request_id", "method", "path", "attempt", "retry_delay_seconds")
        if fields.get(name) is not None
    )
    message = redact(str(error), keys) if isinstance(error, BaseException) else ""
    logger.log(
        level if level is not None else level_for(error, catalog.log_levels if catalog is not None else None),
        "%s%s%s",
        summary,
        ": " if message else "",
        message,
        extra={"errcat": fields},
    )
    return fields


class RedactingFilter(logging.Filter):
    """A handler filter that redacts the message, its arguments and the ``errcat`` extra of every record.

    It redacts the built-in keys, the keys of ``errors`` (a generated package) and ``keys``.
    """

    def __init__(
        self,
        errors: ErrorPackage | ErrorCatalog | None = None,
        *,
        keys: Iterable[str] = (),
        name: str = "",
    ) -> None:
        super().__init__(name)
        catalog = _catalog(errors)
        self._keys = frozenset(keys) | (catalog.redact_keys if catalog is not None else frozenset())

    def filter(self, record: logging.LogRecord) -> bool:
        redactor = _redactor(self._keys)
        # Redact the formatted message: a secret may arrive in the template or in any argument.
        if record.args:
            record.args = (
                tuple(redactor.value(arg) for arg in record.args)
                if isinstance(record.args, tuple)
                else redactor.value(record.args)
            )
        record.msg = redactor.text(record.getMessage())
        record.args = None
        fields = getattr(record, "errcat", None)
        if fields is not None:
            record.errcat = redactor.value(fields)
        return True
