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
     |                       body. An exception nothing handled becomes the catalog's
     |                       unhandled_exception code (a 500) with its generic message; the
     |                       exception and its traceback go to the log, never to the client.
     +-- ApiError handler     the standard body (``ApiError.to_response()``), or RFC 9457
     |                       ``application/problem+json`` (``to_problem()``) when the Accept
     |                       header prefers it; the error's status; ``Retry-After`` from the
     |                       error's ``retry_after`` or the code's ``retry_after_seconds``.
     +-- RequestValidationError handler (FastAPI)
                             the catalog's request_validation code (a 400) with one
                             ``details[]`` entry per field:
                             ``field`` (a dotted path, without the ``body``/``query``/``path``
                             prefix), ``code`` (pydantic's error type) and ``message``; never
                             the rejected input.

and, for a FastAPI app, a post-step on its OpenAPI document: FastAPI's default 422
response (which this service never sends) becomes the catalog's validation response,
every operation documents the catalog's unhandled-error response, and
:func:`error_responses` documents a route's own codes with the generated pydantic
``ErrorResponse`` model and an example per code. The codes come from the catalog's
``server`` section: :func:`install` refuses a package whose catalog names none.

Every body is JSON written by the standard library's encoder, so text from an error
(a message, a metadata value) is data and cannot change the document's structure;
error responses also carry ``X-Content-Type-Options: nosniff``.

Needs ``errcat[fastapi]`` (Starlette; FastAPI and pydantic for the validation handler
and :func:`error_responses`).
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from errcat.runtime.catalog import ErrorCatalog, catalog_of
from errcat.runtime.errors import ApiError

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorPackage

__all__ = [
    "PROBLEM_JSON",
    "REQUEST_ID_HEADER",
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


class RequestIdMiddleware:
    """ASGI middleware: a request id for every request; the catalog's unhandled-error code for exceptions."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        errors: ErrorPackage | ErrorCatalog,
        header: str = REQUEST_ID_HEADER,
        generate: Callable[[], str] = new_request_id,
        logger: logging.Logger | None = None,
    ) -> None:
        self.app = app
        self.unhandled = catalog_of(errors).error_class("unhandled_exception")
        self.header = header
        self.generate = generate
        self.logger = logger or _log

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
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            request = Request(scope)
            self.logger.exception(
                "unhandled %s in %s %s (request_id=%s)",
                type(exc).__name__,
                request.method,
                request.url.path,
                request_id,
                extra={
                    "errcat": {
                        "code": str(self.unhandled.code),
                        "status": 500,
                        "request_id": request_id,
                        "method": request.method,
                        "path": request.url.path,
                    }
                },
            )
            if started:  # the response is on its way: nothing can replace it
                raise
            response = error_response(self.unhandled(), request)
            await response(scope, receive, send_with_id)
        finally:
            _REQUEST_ID.reset(token)


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


def error_response(error: ApiError, request: Request) -> Response:
    """The response for ``error`` in answer to ``request``: JSON or problem+json, with its headers.

    The body carries the request's id (whatever ``error.request_id`` says); the error
    object itself is not modified.
    """
    request_id = request_id_of(request)
    answered = _copy(error)
    answered.request_id = request_id
    if prefers_problem(request.headers.get("accept")):
        body, media_type = answered.to_problem(), PROBLEM_JSON
    else:
        body, media_type = answered.to_response(), "application/json"
    headers = {REQUEST_ID_HEADER: request_id, "X-Content-Type-Options": "nosniff"}
    retry_after = _retry_after(error)
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return JSONResponse(body, status_code=error.status, headers=headers, media_type=media_type)


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


def _handlers(catalog: ErrorCatalog) -> dict[Any, Callable[[Request, Exception], Any]]:
    """The exception handlers for one catalog: its validation code, its logging guidance."""
    invalid = catalog.error_class("request_validation")

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        from errcat.runtime.logging import log_error

        log_error(_log, exc, errors=catalog, method=request.method, url=str(request.url.path))
        return error_response(exc, request)

    async def validation_error(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if hasattr(exc, "errors") else ()
        return error_response(invalid(details=validation_details(errors)), request)

    async def http_exception(request: Request, exc: Exception) -> Response:
        """A framework 400 (a body it could not parse) becomes the validation code; other statuses stay."""
        assert isinstance(exc, HTTPException)
        if exc.status_code == 400:
            detail = {"field": "body", "code": "json_invalid", "message": str(exc.detail)}
            return error_response(invalid(details=[detail]), request)
        try:
            from fastapi.exception_handlers import http_exception_handler
        except ImportError:  # Starlette alone: its own plain-text rendering
            if exc.status_code in {204, 304}:
                return Response(status_code=exc.status_code, headers=exc.headers)
            return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
        return await http_exception_handler(request, exc)

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


# --- wiring -------------------------------------------------------------------------------------


def install(
    app: Any,
    *,
    errors: ErrorPackage | ErrorCatalog,
    header: str = REQUEST_ID_HEADER,
    generate_request_id: Callable[[], str] = new_request_id,
    logger: logging.Logger | None = None,
    document: bool = True,
) -> None:
    """Register errcat's middleware and exception handlers on a FastAPI or Starlette ``app``.

    ``errors`` is the generated package of the service's catalog: its codes, its
    ``server`` codes for validation and unhandled errors, its logging guidance. Call it
    before the app serves its first request and after adding the app's own middleware.
    ``document=False`` leaves a FastAPI app's OpenAPI document as FastAPI makes it.
    """
    catalog = catalog_of(errors)
    app.add_middleware(
        RequestIdMiddleware, errors=catalog, header=header, generate=generate_request_id, logger=logger
    )
    for exception, handler in _handlers(catalog).items():
        app.add_exception_handler(exception, handler)
    if document and callable(getattr(app, "openapi", None)):
        _document_openapi(app, catalog)


def _document_openapi(app: Any, catalog: ErrorCatalog) -> None:
    make_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema  # type: ignore[no-any-return]
        schema: dict[str, Any] = make_openapi()
        _add_catalog_errors(schema, catalog)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def _add_catalog_errors(schema: dict[str, Any], catalog: ErrorCatalog) -> None:
    """Replace FastAPI's 422 by the catalog's validation response; document its unhandled-error response."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in _model_schemas(catalog).items():
        components.setdefault(name, definition)
    invalid = catalog.error_class("request_validation")
    unhandled = catalog.error_class("unhandled_exception")
    bad_request = _as_openapi(error_responses(invalid)[invalid.status])
    server_error = _as_openapi(error_responses(unhandled)[unhandled.status])
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if _is_fastapi_422(responses.get("422")):
                del responses["422"]
                responses.setdefault(str(invalid.status), bad_request)
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
    catalog = klass._root_.catalog
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
            (klass for klass in registered._by_code_.values() if issubclass(klass, error)),
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
