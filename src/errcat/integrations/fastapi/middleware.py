"""The ASGI middleware of :func:`~errcat.integrations.fastapi.install`: the outermost layer of a service.

It gives every request its id, enforces the body limit, and has the last word on any
error that reached it. See :mod:`errcat.integrations.fastapi`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from errcat.integrations.fastapi.handlers import Responder, error_response
from errcat.integrations.fastapi.request import (
    REQUEST_ID,
    REQUEST_ID_HEADER,
    STATE_KEY,
    RequestBodyTooLarge,
    body_limit,
    content_length,
    limited,
    new_request_id,
    safe_request_id,
)
from errcat.runtime.catalog import catalog_of
from errcat.runtime.errors import ApiError

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = ["RequestIdMiddleware"]


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
        self.responder = Responder(catalog_of(errors), logger)
        self.header = header
        self.generate = generate
        self.logger = self.responder.logger
        self.max_body_bytes = body_limit(max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = safe_request_id(Headers(scope=scope).get(self.header)) or self.generate()
        scope.setdefault("state", {})[STATE_KEY] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[self.header] = request_id
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            limit = self.max_body_bytes
            if limit is not None:
                declared = content_length(scope)
                if declared is not None and declared > limit:  # refused before the app reads a byte
                    response = self.responder.http_error(Request(scope), RequestBodyTooLarge(limit))
                    await response(scope, receive, send_with_id)
                    return
                receive = limited(receive, limit)
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
            REQUEST_ID.reset(token)
