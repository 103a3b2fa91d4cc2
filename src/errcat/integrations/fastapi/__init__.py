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
     |                       the catalog's code for the status, which it keeps
     |                       (``ErrorCatalog.http_error_class``: a ``server.http_errors`` code,
     |                       else the one current code of the status, else none: the body
     |                       says ``http_<status>``), rendered like an ApiError,
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

The parts, by what they do::

    request      a request's id, and the size of its body
    middleware   RequestIdMiddleware, the outermost layer
    handlers     the response and the log line for every error
    openapi      error_responses() and the app's own OpenAPI document
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from errcat.integrations.fastapi.handlers import (
    PROBLEM_JSON,
    UNREADABLE_BODY,
    Responder,
    error_response,
    prefers_problem,
    validation_details,
)
from errcat.integrations.fastapi.middleware import RequestIdMiddleware
from errcat.integrations.fastapi.openapi import document_openapi, error_responses
from errcat.integrations.fastapi.request import (
    REQUEST_ID_HEADER,
    RequestBodyTooLarge,
    body_limit,
    current_request_id,
    new_request_id,
    request_id_of,
    safe_request_id,
)
from errcat.runtime.catalog import catalog_of

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

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
        max_body_bytes=body_limit(max_body_bytes),
    )
    for exception, handler in Responder(catalog, logger).handlers().items():
        app.add_exception_handler(exception, handler)
    if document and callable(getattr(app, "openapi", None)):
        document_openapi(app, catalog, max_body_bytes)
