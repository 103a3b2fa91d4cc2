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
warning, a 5xx at error, a retried transport failure at warning).

Whatever is logged goes through :func:`~errcat.runtime.redaction.redact`, with the
catalog's ``logging.redact`` keys beside errcat's built-in ones: secrets in mappings,
header objects, requests, URLs, text and tracebacks are replaced by ``[REDACTED]``
(:mod:`errcat.runtime.secret` says what a secret looks like). :class:`RedactingFilter`
applies the same to every record that passes through a handler, for logs errcat did
not write: the message and its arguments, the traceback, the stack and every ``extra``
field, each keeping its type. It never raises into the application: a log call whose
arguments do not fit its message is logged with the arguments shown after it.

The redaction API is importable from here too (``from errcat.runtime.logging import
redact, RedactingFilter``), as it was before it had a module of its own.

Standard library only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from errcat.runtime.failures import status_of, transport_failure
from errcat.runtime.redaction import (
    BUILTIN_REDACT_KEYS,
    BUILTIN_REDACT_PARTS,
    REDACTED,
    Redactor,
    format_exception,
    is_secret_key,
    redact,
    redactor_for,
    safe_repr,
    safe_str,
)

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = [
    "BUILTIN_REDACT_KEYS",
    "BUILTIN_REDACT_PARTS",
    "DEFAULT_LOG_LEVELS",
    "REDACTED",
    "RedactingFilter",
    "error_fields",
    "format_exception",
    "is_secret_key",
    "level_for",
    "log_error",
    "log_exception",
    "redact",
]

#: The level of each kind of failure when no catalog says otherwise.
DEFAULT_LOG_LEVELS = {"client_error": "warning", "server_error": "error", "transport_failure": "warning"}

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


def level_for(error: object, levels: Mapping[str, str] | None = None) -> int:
    """The logging level of this failure: by status class, or transport failure.

    ``levels`` maps ``client_error``, ``server_error`` and ``transport_failure`` to level
    names (a catalog's ``log_levels``); :data:`DEFAULT_LOG_LEVELS` fills what it leaves out.
    """
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
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The log fields of ``error``, redacted (the built-in keys and ``keys``), as a JSON-friendly dict.

    ``context`` adds fields of the caller's own (after the catalog's ones).
    """
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
    for name, value in (context or {}).items():
        fields.setdefault(name, value)
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
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Log ``error`` with its fields under ``extra={"errcat": ...}``; returns them.

    ``errors`` (a generated package) gives the level of each kind of failure and the keys
    to redact beyond the built-in ones; ``level`` overrides the level; ``context`` adds
    fields of the caller's own.
    """
    catalog = _catalog(errors)
    keys = catalog.redact_keys if catalog is not None else None
    fields = error_fields(
        error, method=method, url=url, attempt=attempt, retry_delay=retry_delay, keys=keys, context=context
    )
    summary = " ".join(
        f"{name}={fields[name]}"
        for name in ("code", "status", "request_id", "method", "path", "attempt", "retry_delay_seconds")
        if fields.get(name) is not None
    )
    message = redact(safe_str(error), keys) if isinstance(error, BaseException) else ""
    logger.log(
        level if level is not None else level_for(error, catalog.log_levels if catalog is not None else None),
        "%s%s%s",
        summary,
        ": " if message else "",
        message,
        extra={"errcat": fields},
        stacklevel=2,  # the record names the caller of log_error, not this module
    )
    return fields


def log_exception(
    logger: logging.Logger,
    error: BaseException,
    message: str,
    *args: object,
    errors: ErrorPackage | ErrorCatalog | None = None,
    level: int = logging.ERROR,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Log ``message % args`` with the traceback of ``error``, both redacted, at ``level``.

    The record carries the redacted traceback as its ``exc_text`` (which every formatter
    prints) and no ``exc_info``, so that no formatter can print the exception unredacted.
    ``errors`` adds the catalog's keys to the built-in ones; ``extra`` is redacted too.
    """
    if not logger.isEnabledFor(level):
        return
    catalog = _catalog(errors)
    keys = catalog.redact_keys if catalog is not None else None
    redactor = redactor_for(keys)
    try:
        text = message % args if args else message
    except Exception:
        text = f"{message} {' '.join(safe_repr(arg) for arg in args)}"
    try:
        filename, line, function, _ = logger.findCaller(False, 2)
    except ValueError:  # no caller frame to name
        filename, line, function = "(unknown file)", 0, "(unknown function)"
    fields = {name: redactor.value(value) for name, value in (extra or {}).items()}
    record = logger.makeRecord(
        logger.name, level, filename, line, redactor.text(text), (), None, function, fields
    )
    record.exc_text = format_exception(error, keys)
    logger.handle(record)


# --- the handler filter ------------------------------------------------------------------------

_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}


def _message_of(record: logging.LogRecord) -> str:
    """The record's message, or its template with the arguments after it when they do not fit."""
    try:
        return record.getMessage()
    except Exception:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        shown = ", ".join(safe_repr(arg) for arg in args)
        return f"{safe_str(record.msg)} [log arguments that do not fit the message: {shown}]"


class RedactingFilter(logging.Filter):
    """A handler filter that redacts everything a record carries; it never raises into the application.

    It redacts the built-in keys, the keys of ``errors`` (a generated package) and
    ``keys``: in the message (its template and every argument), the traceback and stack
    (formatted now, into ``exc_text`` and ``stack_info``) and every ``extra`` field (the
    ``errcat`` fields among them). Arguments and fields keep their types (a tuple of
    header pairs stays a tuple, bytes stay bytes; a mapping becomes a dict). A message
    whose arguments do not fit it is kept, with the arguments shown after it.

    The exception itself (``exc_info``) is cleared by default, so that no formatter and
    no handler after this one can print it unredacted: formatters that format
    ``exc_info`` themselves (python-json-logger's, structlog's) and handlers that read
    the exception and its frames' locals (Sentry's) see only the redacted ``exc_text``.
    The cost is that they lose the exception object. ``keep_exc_info=True`` keeps it:
    :class:`logging.Formatter` and its subclasses still print the redacted ``exc_text``
    (they format ``exc_info`` only when ``exc_text`` is empty), but a formatter or handler
    that formats ``exc_info`` itself prints the traceback unredacted.
    """

    def __init__(
        self,
        errors: ErrorPackage | ErrorCatalog | None = None,
        *,
        keys: Iterable[str] = (),
        name: str = "",
        keep_exc_info: bool = False,
    ) -> None:
        super().__init__(name)
        catalog = _catalog(errors)
        self._keys = frozenset(keys) | (catalog.redact_keys if catalog is not None else frozenset())
        self.keep_exc_info = keep_exc_info

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        try:
            self._redact(record, redactor_for(self._keys))
        except Exception:  # the last resort: a record that cannot be redacted says only that
            level = logging.getLevelName(record.levelno)
            record.msg = f"[a {level} record of {record.name} that could not be redacted]"
            record.args = None
            record.exc_info = record.exc_text = record.stack_info = None
        return True

    def _redact(self, record: logging.LogRecord, redactor: Redactor) -> None:
        # Arguments first, by structure (mapping keys count), then the whole formatted message.
        if record.args:
            record.args = (
                tuple(redactor.value(arg, strict=False, keep_types=True) for arg in record.args)
                if isinstance(record.args, tuple)
                else redactor.value(record.args, strict=False, keep_types=True)
            )
        if not isinstance(record.msg, str):
            record.msg = redactor.value(record.msg, strict=False, keep_types=True)
        colored = record.__dict__.get("color_message")
        if isinstance(colored, str) and record.args:  # uvicorn's second template, for the same arguments
            try:
                record.__dict__["color_message"] = colored % record.args
            except Exception:
                record.__dict__["color_message"] = record.msg
        record.msg = redactor.text(_message_of(record))
        record.args = None
        if "message" in record.__dict__:  # formatted by an earlier handler
            record.message = record.msg
        if record.exc_info:
            record.exc_text = format_exception(record.exc_info, self._keys)
            if not self.keep_exc_info:
                record.exc_info = None
        elif record.exc_text:
            record.exc_text = redactor.text(safe_str(record.exc_text))
        if record.stack_info:
            record.stack_info = redactor.text(safe_str(record.stack_info))
        for name in record.__dict__.keys() - _RECORD_ATTRIBUTES:
            value = record.__dict__[name]
            record.__dict__[name] = (
                REDACTED if redactor.secret(name) else redactor.value(value, keep_types=True)
            )
