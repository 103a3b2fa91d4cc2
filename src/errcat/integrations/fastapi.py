"""FastAPI and Starlette integration: every error a service sends is in the catalog's shape.

One call wires a service to the generated package of its catalog::

    import acme_errors
    from fastapi import FastAPI
    from errcat.integrations.fastapi import error_responses, install

    app = FastAPI()
    install(app, errors=acme_errors)   # after the app's own middleware: ours must be the outermost

    @app.get("/orders/{order_id}", responses=error_responses(acme_errors.NotFound))
    async def get_order(order_id: str) -> Order:
        raise acme_errors.NotFound(f"Order {order_id} was not found.", resource_id=order_id)

What :func:`install` registers, outermost first::

    RequestIdMiddleware      every HTTP request gets a request id: the client's X-Request-ID
     |                       when it is safe (at most 128 of A-Z a-z 0-9 . _ : -), else a new
     |                       one; it is echoed in the response header and put in every error
     |                       body. With ``max_body_bytes``, a body over the limit is answered
     |                       with the catalog's code for 413 (``max_bytes`` in its metadata):
     |                       on its Content-Length before the app runs, else as soon as a
     |                       streamed body grows past it. An exception nothing handled
     |                       becomes the catalog's unhandled_exception code (a 500) with its
     |                       generic message; the exception and its traceback go to the log,
     |                       redacted, never to the client.
     +-- ApiError handler     the standard body (``ApiError.to_response()``), or RFC 9457
     |                       ``application/problem+json`` (``to_problem()``) when the Accept
     |                       header prefers it; the error's status; ``Retry-After`` from the
     |                       error's ``retry_after`` or the code's ``retry_after_seconds``.
     +-- HTTPException handler (Starlette's and FastAPI's, the router's 404 and 405 among them)
     |                       the catalog's code for the status
     |                       (``ErrorCatalog.http_error_class``: a ``server.http_errors`` code,
     |                       else the request_validation code for a 4xx and the
     |                       unhandled_exception code for a 5xx), rendered like an ApiError,
     |                       with the exception's headers (``Allow`` listing every method the
     |                       path takes, ``WWW-Authenticate``); a code that declares
     |                       ``allowed_methods`` or ``max_bytes`` gets them. The exception's
     |                       detail is text written for a developer, so it goes to the log,
     |                       not to the client; a status below 400 keeps the framework's
     |                       empty answer.
     +-- RequestValidationError handler (FastAPI)
                             the catalog's request_validation code (a 400) with one
                             ``details[]`` entry per field:
                             ``field`` (a dotted path, without the ``body``/``query``/``path``
                             prefix), ``code`` (pydantic's error type) and ``message``; never
                             the rejected input.

An ``ApiError`` or ``HTTPException`` raised outside the handlers (by the app's own
middleware) reaches the middleware, which answers it the same way. Every error is
logged once (:func:`errcat.runtime.logging.log_error`) at the catalog's level, with the
response's request id and the catalog's redaction keys; validation failures too.

For a FastAPI app, :func:`install` also adds a post-step on its OpenAPI document:
FastAPI's default 422 response (which this service never sends) becomes the catalog's
validation response, every operation documents the catalog's unhandled-error response
(and, with a body limit, every operation that takes a body its 413), and
:func:`error_responses` documents a route's own codes with the generated pydantic
``ErrorResponse`` model and an example per code. The codes come from the catalog's
``server`` section: :func:`install` refuses a package whose catalog names none.

Every body is JSON written by the standard library's encoder, so text from an error
(a message, a metadata value) is data and cannot change the document's structure;
error responses also carry ``X-Content-Type-Options: nosniff``. Responses the app's own
middleware writes itself (a CORS or trusted-host refusal) and errors the server answers
before the app runs (a malformed request line) are theirs, not errcat's.

Needs ``errcat[fastapi]`` (Starlette; FastAPI and pydantic for the validation handler
and :func:`error_responses`).
"""

from __future__ import annotations

import logging
import math
import re
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from contextvars import ContextVar
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from errcat.runtime.catalog import ErrorCatalog, catalog_of
from errcat.runtime.errors import ApiError

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorPackage

__all__ = [
    "PROBLEM_JSON",
    "REQUEST_ID_HEADER",
    "UNREADABLE_BODY",
    "RequestBodyTooLarge",
    "RequestIdMiddleware",
    "current_request_id",
    "error_response",
    "error_responses",
    "install",
    "new_request_id",
    "prefers_problem",
    "request_id_of",
    "safe_request_id",
    "validation_details",
]

#: The media type of RFC 9457 problem details.
PROBLEM_JSON = "application/problem+json"
#: The header that carries the request id, in and out.
REQUEST_ID_HEADER = "X-Request-ID"

_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_REQUEST_ID: ContextVar[str | None] = ContextVar("errcat_request_id", default=None)
_STATE_KEY = "request_id"
# The location prefixes of a validation error that are left out of its field path.
_FIELD_PREFIXES = frozenset({"body", "query", "path"})
_EXAMPLE_REQUEST_ID = "req_4f1c2a9be07d4c3a8d5e6f7a8b9c0d1e"

_log = logging.getLogger("errcat.integrations.fastapi")


# --- request ids -----------------------------------------------------------------------------


def new_request_id() -> str:
    """A fresh request id: ``req_`` and 32 random hexadecimal digits."""
    return "req_" + uuid.uuid4().hex


def safe_request_id(value: str | None) -> str | None:
    """``value`` when it is a usable request id (1 to 128 of ``A-Z a-z 0-9 . _ : -``), else ``None``."""
    if value is not None and _SAFE_REQUEST_ID.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    """The id of the request being handled (inside :class:`RequestIdMiddleware`), else ``None``."""
    return _REQUEST_ID.get()


def request_id_of(request: Request) -> str:
    """The id of ``request``: the one the middleware assigned, else the current one, else a new one."""
    state: MutableMapping[str, Any] = request.scope.setdefault("state", {})
    request_id = state.get(_STATE_KEY) or current_request_id()
    if not isinstance(request_id, str):
        request_id = state[_STATE_KEY] = new_request_id()
    return request_id


class RequestBodyTooLarge(HTTPException):
    """The request body grew past the limit of :func:`install`'s ``max_body_bytes`` (a 413).

    Raised from ``receive()`` while the app reads a body sent without a
    ``Content-Length`` (or with a false one); FastAPI and Starlette pass it, like any
    ``HTTPException``, to the handler, which answers with the catalog's code for 413.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413)
        self.max_bytes = max_bytes


class RequestIdMiddleware:
    """ASGI middleware: a request id for every request, the body-size limit, the last word on errors.

    An ``ApiError`` or ``HTTPException`` that reaches it (raised by the app's own
    middleware, outside the exception handlers) is answered as the handlers answer it;
    any other exception becomes the catalog's unhandled-error code, its redacted
    traceback logged. With ``max_body_bytes``, a request whose ``Content-Length`` is
    larger is answered with the catalog's code for 413 before the app runs, and a body
    that grows larger while the app reads it raises :class:`RequestBodyTooLarge`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        errors: ErrorPackage | ErrorCatalog,
        header: str = REQUEST_ID_HEADER,
        generate: Callable[[], str] = new_request_id,
        logger: logging.Logger | None = None,
        max_body_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.responder = _Responder(catalog_of(errors), logger or _log)
        self.header = header
        self.generate = generate
        self.logger = self.responder.logger
        self.max_body_bytes = _body_limit(max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = safe_request_id(Headers(scope=scope).get(self.header)) or self.generate()
        scope.setdefault("state", {})[_STATE_KEY] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[self.header] = request_id
            await send(message)

        token = _REQUEST_ID.set(request_id)
        try:
            limit = self.max_body_bytes
            if limit is not None:
                declared = _content_length(scope)
                if declared is not None and declared > limit:  # refused before the app reads a byte
                    response = self.responder.http_error(Request(scope), RequestBodyTooLarge(limit))
                    await response(scope, receive, send_with_id)
                    return
                receive = _limited(receive, limit)
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started:  # the response is on its way: nothing can replace it
                self.responder.log_unhandled(Request(scope), exc, request_id)
                raise
            request = Request(scope)
            if isinstance(exc, ApiError):
                response = self.responder.api_error(request, exc)
            elif isinstance(exc, HTTPException):
                response = self.responder.http_error(request, exc)
            else:
                self.responder.log_unhandled(request, exc, request_id)
                response = error_response(self.responder.unhandled(), request)
            await response(scope, receive, send_with_id)
        finally:
            _REQUEST_ID.reset(token)


def _body_limit(max_body_bytes: int | None) -> int | None:
    if max_body_bytes is None:
        return None
    if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int) or max_body_bytes < 0:
        raise ValueError(f"max_body_bytes must be a whole number of bytes, 0 or more; got {max_body_bytes!r}")
    return max_body_bytes


def _content_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, when it is one plain number (a huge one counts as huge)."""
    value = Headers(scope=scope).get("content-length")
    digits = value.strip() if value is not None else ""
    if not digits.isascii() or not digits.isdigit():
        return None
    return int(digits) if len(digits) <= 18 else sys.maxsize  # int() refuses thousands of digits


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises :class:`RequestBodyTooLarge` once the body has grown past ``limit``."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise RequestBodyTooLarge(limit)
        return message

    return receive_within_limit


# --- rendering ---------------------------------------------------------------------------------


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
    answered = _copy(error)
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


class _Responder:
    """How one catalog answers every error a service meets, and how each is logged.

    Every answer is logged once through :func:`errcat.runtime.logging.log_error`, at the
    catalog's level, with the response's request id and the catalog's redaction keys.
    """

    def __init__(self, catalog: ErrorCatalog, logger: logging.Logger) -> None:
        self.catalog = catalog
        self.logger = logger
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

        The code is ``ErrorCatalog.http_error_class(status)`` (whose status the response
        has); a status below 400 is not an error: an empty response with the exception's
        headers (a redirect's ``Location``), as the framework sends a 204 or 304. The
        detail is text the app or the framework wrote for a developer, so it goes to the
        log (redacted), not to the client: the message is the catalog's.
        """
        status = exc.status_code
        if status < 400:
            return Response(status_code=status, headers=exc.headers)
        klass = self.catalog.http_error_class(status)
        declared = _metadata_keys(klass)
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
        error = klass(details=details, **metadata)
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


def _metadata_keys(klass: type[ApiError]) -> tuple[str, ...]:
    """The metadata fields the catalog declares for the class's code."""
    keys: tuple[str, ...] = getattr(klass.code, "metadata_keys", ())
    return keys


def _phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def _handlers(
    catalog: ErrorCatalog, logger: logging.Logger | None = None
) -> dict[Any, Callable[[Request, Exception], Any]]:
    """The exception handlers for one catalog: its codes, its logging guidance."""
    return _Responder(catalog, logger or _log).handlers()


# --- wiring -------------------------------------------------------------------------------------


def install(
    app: Any,
    *,
    errors: ErrorPackage | ErrorCatalog,
    header: str = REQUEST_ID_HEADER,
    generate_request_id: Callable[[], str] = new_request_id,
    logger: logging.Logger | None = None,
    max_body_bytes: int | None = None,
    document: bool = True,
) -> None:
    """Register errcat's middleware and exception handlers on a FastAPI or Starlette ``app``.

    ``errors`` is the generated package of the service's catalog: its codes, its
    ``server`` codes for validation, unhandled and framework errors, its logging
    guidance and redaction keys. Call it before the app serves its first request and
    after adding the app's own middleware. ``max_body_bytes`` limits every request
    body (checked against ``Content-Length`` before the app runs, and while the app
    reads a streamed body), answered with the catalog's code for 413. ``logger`` takes
    the place of the ``errcat.integrations.fastapi`` logger. ``document=False`` leaves
    a FastAPI app's OpenAPI document as FastAPI makes it.
    """
    catalog = catalog_of(errors)
    app.add_middleware(
        RequestIdMiddleware,
        errors=catalog,
        header=header,
        generate=generate_request_id,
        logger=logger,
        max_body_bytes=_body_limit(max_body_bytes),
    )
    for exception, handler in _handlers(catalog, logger).items():
        app.add_exception_handler(exception, handler)
    if document and callable(getattr(app, "openapi", None)):
        _document_openapi(app, catalog, max_body_bytes)


def _document_openapi(app: Any, catalog: ErrorCatalog, max_body_bytes: int | None = None) -> None:
    make_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema  # type: ignore[no-any-return]
        schema: dict[str, Any] = make_openapi()
        _add_catalog_errors(schema, catalog, max_body_bytes)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def _add_catalog_errors(
    schema: dict[str, Any], catalog: ErrorCatalog, max_body_bytes: int | None = None
) -> None:
    """Replace FastAPI's 422 by the catalog's validation response; document its unhandled-error response.

    With a body-size limit, every operation that takes a body also documents the
    catalog's code for 413, its ``max_bytes`` in the example.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in _model_schemas(catalog).items():
        components.setdefault(name, definition)
    invalid = catalog.error_class("request_validation")
    unhandled = catalog.error_class("unhandled_exception")
    bad_request = _as_openapi(error_responses(invalid)[invalid.status])
    server_error = _as_openapi(error_responses(unhandled)[unhandled.status])
    too_large: tuple[str, dict[str, Any]] | None = None
    if max_body_bytes is not None:
        klass = catalog.http_error_class(413)
        metadata: dict[str, Any] = (
            {"max_bytes": max_body_bytes} if "max_bytes" in _metadata_keys(klass) else {}
        )
        example = klass(**metadata)
        too_large = str(klass.status), _as_openapi(error_responses(example)[klass.status])
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if _is_fastapi_422(responses.get("422")):
                del responses["422"]
                responses.setdefault(str(invalid.status), bad_request)
            if too_large is not None and "requestBody" in operation:
                responses.setdefault(*too_large)
            responses.setdefault(str(unhandled.status), server_error)
    # FastAPI's own models, once nothing refers to them (only HTTPValidationError refers to ValidationError)
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"'#/components/schemas/{unused}'" not in repr(schema):
            components.pop(unused, None)


def _is_fastapi_422(response: object) -> bool:
    if not isinstance(response, dict):
        return False
    content = response.get("content", {}).get("application/json", {})
    return bool(content.get("schema") == {"$ref": "#/components/schemas/HTTPValidationError"})


def _model_schemas(catalog: ErrorCatalog) -> dict[str, Any]:
    """The JSON Schemas of ``ErrorResponse`` and the models it uses, as OpenAPI components."""
    ErrorResponse = catalog.response_model  # a class

    schema = ErrorResponse.model_json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    definitions: dict[str, Any] = schema.pop("$defs", {})
    definitions[ErrorResponse.__name__] = schema
    return definitions


def _as_openapi(response: dict[str, Any]) -> dict[str, Any]:
    """A response of :func:`error_responses` as OpenAPI writes it (the model as a schema reference)."""
    response = dict(response)
    model = response.pop("model")
    content = {media: dict(value) for media, value in response["content"].items()}
    content["application/json"]["schema"] = {"$ref": f"#/components/schemas/{model.__name__}"}
    response["content"] = content
    return response


# --- OpenAPI -------------------------------------------------------------------------------------


def error_responses(*errors: type[ApiError] | ApiError) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route that can raise ``errors``: ``{status: {...}}``.

    Give exception classes of one generated package (a category class stands for all of
    its codes) or instances (their message and metadata become the example). Each status
    documents the package's pydantic ``ErrorResponse`` model as ``application/json``, the
    problem+json form, and one example per code::

        @app.get("/orders/{order_id}", responses=error_responses(acme_errors.NotFound))
    """
    catalogs = {id(c): c for c in (_catalog_of_error(error) for error in errors)}
    if len(catalogs) != 1:
        raise ValueError(
            "error_responses() takes the errors of one generated package"
            if catalogs
            else "error_responses() needs at least one error"
        )
    (catalog,) = catalogs.values()
    by_status: dict[int, list[ApiError]] = {}
    for error in errors:
        for instance in _examples_of(error, catalog.api_error):
            by_status.setdefault(instance.status, []).append(instance)
    responses: dict[int | str, dict[str, Any]] = {}
    for status in sorted(by_status):
        examples = sorted(by_status[status], key=lambda error: str(error.code))
        codes = "; ".join(f"{error.code} ({error.summary})" for error in examples)
        try:
            phrase = catalog.statuses.of(status).phrase
        except KeyError:  # a status the catalog's table leaves out
            phrase = f"HTTP {status}"
        responses[status] = {
            "model": catalog.response_model,
            "description": f"{phrase}: {codes}.",
            "content": {
                "application/json": {
                    "examples": {
                        str(error.code): {"summary": error.summary, "value": error.to_response()}
                        for error in examples
                    }
                },
                PROBLEM_JSON: {
                    "schema": _PROBLEM_SCHEMA,
                    "examples": {
                        str(error.code): {"summary": error.summary, "value": error.to_problem()}
                        for error in examples
                    },
                },
            },
        }
    return responses


def _catalog_of_error(error: type[ApiError] | ApiError) -> ErrorCatalog:
    klass = error if isinstance(error, type) else type(error)
    if not (isinstance(klass, type) and issubclass(klass, ApiError)):
        raise TypeError(f"error_responses() takes ApiError classes or instances, not {error!r}")
    catalog = klass.catalog
    if catalog is None:
        raise TypeError(
            f"{klass.__qualname__} belongs to no generated package; give the package's own classes"
        )
    return catalog


def _examples_of(error: type[ApiError] | ApiError, registered: type[ApiError]) -> list[ApiError]:
    if isinstance(error, ApiError):
        if not error.code:
            raise ValueError(f"{error!r} has no error code to document")
        example = _copy(error)
        if example.request_id is None:
            example.request_id = _EXAMPLE_REQUEST_ID
        return [example]
    if not (isinstance(error, type) and issubclass(error, ApiError)):
        raise TypeError(f"error_responses() takes ApiError classes or instances, not {error!r}")
    classes = (
        [error]
        if error.code
        else sorted(
            (klass for klass in registered.codes().values() if issubclass(klass, error)),
            key=lambda klass: str(klass.code),
        )
    )
    if not classes:
        raise ValueError(f"{error.__qualname__} has no error code to document")
    return [klass(request_id=_EXAMPLE_REQUEST_ID) for klass in classes]


def _copy(error: ApiError) -> ApiError:
    copy = type(error).__new__(type(error))
    copy.__dict__.update(error.__dict__)
    copy.args = error.args
    return copy


#: The JSON Schema of the problem+json form of an error (RFC 9457 with errcat's members).
_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The error as RFC 9457 problem details; the code and request id are extension members.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "The code's documentation URL."},
        "title": {"type": "string", "description": "The code's title."},
        "status": {"type": "integer", "description": "The HTTP status."},
        "detail": {"type": "string", "description": "A human-readable message."},
        "code": {"type": "string", "description": "The error code."},
        "request_id": {"type": "string", "description": "The request's id; quote it to support."},
        "errors": {
            "type": "array",
            "description": "Field-level problems, when the code reports them.",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
