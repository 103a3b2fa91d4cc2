"""What errcat takes from a request: its id, and the size of its body.

Every request gets an id: the client's ``X-Request-ID`` when it is safe (1 to 128 of
``A-Z a-z 0-9 . _ : -``), else a new ``req_<32 hex>``, readable inside the app with
:func:`current_request_id`. A body over :func:`~errcat.integrations.fastapi.install`'s
``max_body_bytes`` is refused on its ``Content-Length``, or as it grows
(:class:`RequestBodyTooLarge`). See :mod:`errcat.integrations.fastapi`.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message, Receive, Scope

__all__ = [
    "REQUEST_ID_HEADER",
    "RequestBodyTooLarge",
    "current_request_id",
    "new_request_id",
    "request_id_of",
    "safe_request_id",
]

#: The header that carries the request id, in and out.
REQUEST_ID_HEADER = "X-Request-ID"

_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: The id of the request being handled, set by the middleware for the request's whole run.
REQUEST_ID: ContextVar[str | None] = ContextVar("errcat_request_id", default=None)
STATE_KEY = "request_id"


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
    return REQUEST_ID.get()


def request_id_of(request: Request) -> str:
    """The id of ``request``: the one the middleware assigned, else the current one, else a new one."""
    state: MutableMapping[str, Any] = request.scope.setdefault("state", {})
    request_id = state.get(STATE_KEY) or current_request_id()
    if not isinstance(request_id, str):
        request_id = state[STATE_KEY] = new_request_id()
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


def body_limit(max_body_bytes: int | None) -> int | None:
    if max_body_bytes is None:
        return None
    if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int) or max_body_bytes < 0:
        raise ValueError(f"max_body_bytes must be a whole number of bytes, 0 or more; got {max_body_bytes!r}")
    return max_body_bytes


def content_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, when it is one plain number (a huge one counts as huge)."""
    value = Headers(scope=scope).get("content-length")
    digits = value.strip() if value is not None else ""
    if not digits.isascii() or not digits.isdigit():
        return None
    return int(digits) if len(digits) <= 18 else sys.maxsize  # int() refuses thousands of digits


def limited(receive: Receive, limit: int) -> Receive:
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
