"""How one catalog answers every error a service meets: the response, its headers, its log line.

The standard body (``ApiError.to_response()``), or RFC 9457 problem details
(``to_problem()``) when the ``Accept`` header prefers them; the catalog's code for a
framework's ``HTTPException`` and for a request that failed validation; every answer
logged once, at the catalog's level. See :mod:`errcat.integrations.fastapi`.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from errcat.integrations.fastapi.request import REQUEST_ID_HEADER, RequestBodyTooLarge, request_id_of
from errcat.runtime.catalog import ErrorCatalog
from errcat.runtime.errors import ApiError
from errcat.runtime.wire import phrase

__all__ = [
    "PROBLEM_JSON",
    "UNREADABLE_BODY",
    "Responder",
    "error_response",
    "metadata_keys",
    "prefers_problem",
    "validation_details",
]

#: The media type of RFC 9457 problem details.
PROBLEM_JSON = "application/problem+json"
# The location prefixes of a validation error that are left out of its field path.
_FIELD_PREFIXES = frozenset({"body", "query", "path"})


def prefers_problem(accept: str | None) -> bool:
    """Whether an ``Accept`` header ranks ``application/problem+json`` above ``application/json``.

    Each media type gets the quality of the most specific range that matches it
    (``type/subtype``, then ``type/*``, then ``*/*``); a tie, or no header, means JSON.
    """
    if not accept:
        return False
    return _quality(accept, "application", "problem+json") > _quality(accept, "application", "json")


def _quality(accept: str, main: str, sub: str) -> float:
    best_specificity, best_quality = -1, 0.0
    for media_range in accept.split(","):
        kind, _, params = media_range.partition(";")
        range_main, _, range_sub = kind.strip().lower().partition("/")
        if range_main == main and range_sub == sub:
            specificity = 2
        elif range_main == main and range_sub == "*":
            specificity = 1
        elif range_main == "*" and range_sub == "*":
            specificity = 0
        else:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:  # nan and out-of-range values mean nothing
                    quality = 0.0
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, quality
    return best_quality


def _retry_after(error: ApiError) -> str | None:
    seconds = error.retry_after
    if seconds is None:
        seconds = getattr(error.code, "retry_after_seconds", None)
    if seconds is None or not math.isfinite(seconds):
        return None
    return str(max(0, math.ceil(seconds)))


# Headers of a framework error that errcat's response sets itself, or that describe a body it replaces.
_OWN_HEADERS = frozenset(
    {
        "content-length",
        "content-type",
        "content-encoding",
        "transfer-encoding",
        "x-content-type-options",
        REQUEST_ID_HEADER.lower(),
    }
)


def _answered(error: ApiError, request: Request) -> ApiError:
    """A copy of ``error`` that carries the request's id (the error itself is not modified)."""
    answered = copy.copy(error)
    answered.request_id = request_id_of(request)
    return answered


def error_response(
    error: ApiError, request: Request, *, headers: Mapping[str, str] | None = None
) -> Response:
    """The response for ``error`` in answer to ``request``: JSON or problem+json, with its headers.

    The body carries the request's id (whatever ``error.request_id`` says); the error
    object itself is not modified. ``headers`` are added (``Allow``, ``WWW-Authenticate``,
    ...), except those the response sets itself (its content type, length, request id).
    """
    request_id = request_id_of(request)
    answered = _answered(error, request)
    if prefers_problem(request.headers.get("accept")):
        body, media_type = answered.to_problem(), PROBLEM_JSON
    else:
        body, media_type = answered.to_response(), "application/json"
    sent = {name: value for name, value in (headers or {}).items() if name.lower() not in _OWN_HEADERS}
    sent |= {REQUEST_ID_HEADER: request_id, "X-Content-Type-Options": "nosniff"}
    retry_after = _retry_after(error)
    if retry_after is not None:
        sent["Retry-After"] = retry_after
    return JSONResponse(body, status_code=error.status, headers=sent, media_type=media_type)


def validation_details(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """``details[]`` entries for pydantic's errors: one per field (the first error of each).

    ``field`` joins the error's location with dots, without a leading ``body``,
    ``query`` or ``path``; a body that is not valid JSON is the field ``body``.
    The rejected input is never copied.
    """
    details: dict[str, dict[str, str]] = {}
    for error in errors:
        loc = tuple(str(part) for part in error.get("loc", ()))
        code = str(error.get("type", "invalid"))
        if code == "json_invalid":
            loc = loc[:1]
        elif len(loc) > 1 and loc[0] in _FIELD_PREFIXES:
            loc = loc[1:]
        field = ".".join(loc) or "body"
        details.setdefault(field, {"field": field, "code": code, "message": str(error.get("msg", ""))})
    return list(details.values())


#: The one ``details[]`` entry of a framework 400 (a body it could not parse): fixed text, never its detail.
UNREADABLE_BODY = {
    "field": "body",
    "code": "body_unreadable",
    "message": "The request body could not be read.",
}


class Responder:
    """How one catalog answers every error a service meets, and how each is logged.

    Every answer is logged once through :func:`errcat.runtime.logging.log_error`, at the
    catalog's level, with the response's request id and the catalog's redaction keys.
    """

    def __init__(self, catalog: ErrorCatalog, logger: logging.Logger | None = None) -> None:
        self.catalog = catalog
        self.logger = logger or logging.getLogger("errcat.integrations.fastapi")
        self.invalid = catalog.error_class("request_validation")
        self.unhandled = catalog.error_class("unhandled_exception")

    def api_error(
        self,
        request: Request,
        error: ApiError,
        headers: Mapping[str, str] | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Response:
        from errcat.runtime.logging import log_error

        answered = _answered(error, request)
        log_error(
            self.logger,
            answered,
            errors=self.catalog,
            method=request.method,
            url=request.url.path,
            context=context,
        )
        return error_response(answered, request, headers=headers)

    def validation_error(self, request: Request, exc: Exception) -> Response:
        errors = exc.errors() if callable(getattr(exc, "errors", None)) else ()  # type: ignore[attr-defined]
        return self.api_error(request, self.invalid(details=validation_details(errors)))

    def http_error(self, request: Request, exc: HTTPException) -> Response:
        """The catalog's code for a framework ``HTTPException``, with its headers; never its detail.

        The code is ``ErrorCatalog.http_error_class(status)``, and the response keeps the
        exception's status; a status below 400 is not an error: an empty response with the
        exception's headers (a redirect's ``Location``), as the framework sends a 204 or 304. The
        detail is text the app or the framework wrote for a developer, so it goes to the
        log (redacted), not to the client: the message is the catalog's.
        """
        status = exc.status_code
        if status < 400:
            return Response(status_code=status, headers=exc.headers)
        klass = self.catalog.http_error_class(status)
        declared = metadata_keys(klass)
        metadata: dict[str, Any] = {}
        headers = dict(exc.headers or {})
        allowed = next((value for name, value in headers.items() if name.lower() == "allow"), None)
        if status == 405 and allowed is not None:
            # the router names the methods of the first route that matched the path; the path may take more
            allowed = _allowed_methods(request, allowed)
            headers = {name: value for name, value in headers.items() if name.lower() != "allow"}
            headers["Allow"] = allowed
        if "allowed_methods" in declared and allowed:
            metadata["allowed_methods"] = allowed
        if "max_bytes" in declared and isinstance(exc, RequestBodyTooLarge):
            metadata["max_bytes"] = exc.max_bytes
        details = [dict(UNREADABLE_BODY)] if status == 400 and klass is self.invalid else []
        context: dict[str, Any] = {}
        if klass.status != status:
            context["http_status"] = status
        if exc.detail != _phrase(status):
            context["http_detail"] = exc.detail
        message = None if klass.code else status_message(self.catalog, status)  # no code to say more
        error = klass(message, details=details, status=None if klass.status == status else status, **metadata)
        return self.api_error(request, error, headers=headers, context=context or None)

    def log_unhandled(self, request: Request, exc: Exception, request_id: str) -> None:
        """Log an exception nothing handled: its traceback redacted, never its ``exc_info``."""
        from errcat.runtime.logging import log_exception

        log_exception(
            self.logger,
            exc,
            "unhandled %s in %s %s (request_id=%s)",
            type(exc).__name__,
            request.method,
            request.url.path,
            request_id,
            errors=self.catalog,
            extra={
                "errcat": {
                    "code": str(self.unhandled.code),
                    "status": self.unhandled.status,
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.url.path,
                }
            },
        )

    def handlers(self) -> dict[Any, Callable[[Request, Exception], Any]]:
        """The exception handlers to register on an app."""

        async def api_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, ApiError)
            return self.api_error(request, exc)

        async def http_exception(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HTTPException)
            return self.http_error(request, exc)

        async def validation_error(request: Request, exc: Exception) -> Response:
            return self.validation_error(request, exc)

        handlers: dict[Any, Callable[[Request, Exception], Any]] = {
            ApiError: api_error,
            HTTPException: http_exception,
        }
        try:
            from fastapi.exceptions import RequestValidationError
        except ImportError:  # a Starlette app without FastAPI installed
            return handlers
        handlers[RequestValidationError] = validation_error
        return handlers


# The methods of HTTP (RFC 9110) and PATCH: those a route of the path may take besides the Allow header's.
_METHODS = ("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE")


def _allowed_methods(request: Request, allow: str) -> str:
    """The methods some route of the app takes for the request's path, sorted.

    A router answers 405 with the methods of the first route whose path matched; the
    same path may have other routes (``GET`` and ``POST`` on a collection). Each method
    is tried on the app's routes (mounted apps are left to the router's answer).
    """
    from starlette.routing import Match, Mount

    methods = {method.strip().upper() for method in allow.split(",") if method.strip()}
    router = getattr(request.scope.get("app"), "router", None)
    routes = [route for route in getattr(router, "routes", ()) if not isinstance(route, Mount)]
    for method in set(_METHODS) - methods:
        scope = {**request.scope, "method": method}
        for route in routes:
            try:
                match, _ = route.matches(scope)
            except Exception:  # a route that cannot judge this scope takes no part
                continue
            if match is Match.FULL:
                methods.add(method)
                break
    return ", ".join(sorted(methods))


def status_message(catalog: ErrorCatalog, status: int) -> str:
    """What the catalog says of ``status`` (its description), else the status's reason phrase.

    The message of an error no code answers: a framework error of a status the catalog
    names no single code for.
    """
    try:
        return str(catalog.statuses.of(status).description)
    except KeyError:
        return phrase(status)


def metadata_keys(klass: type[ApiError]) -> tuple[str, ...]:
    """The metadata fields the catalog declares for the class's code."""
    keys: tuple[str, ...] = getattr(klass.code, "metadata_keys", ())
    return keys


def _phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None
