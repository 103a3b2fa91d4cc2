"""errcat.integrations.httpx.responses: a response to its typed exception, whatever its body holds.

Real responses from a real uvicorn server on 127.0.0.1 (or a raw socket server for what
uvicorn would not send), read by real httpx.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tests.integrations._raw_server import RawServer, answer
from tests.integrations.httpx._script import Script, body

import partner_invoicing_errors as codes
from errcat.integrations.httpx import raise_for_error, raise_on_error
from errcat.runtime.retry import RETRY_AFTER_CAP
from partner_invoicing_errors import (
    ApiError,
    AuthenticationError,
    InvoiceNotFound,
    ResourceError,
    ServerError,
)

HUGE = "9" * 309  # float() of it overflows


@pytest.mark.parametrize(
    ("status", "content_type", "body", "expected"),
    [
        (500, "text/html", b"<html><body>Bad Gateway</body></html>", ServerError),
        (404, "application/json", b'{"error": {"code": "invoice_not_fo', ResourceError),  # truncated
        (401, "application/json", b"", AuthenticationError),
        (502, "text/plain", b"upstream \xff broken", ApiError),
        (404, "application/json", b'["not", "an", "envelope"]', ResourceError),
    ],
)
def test_bodies_that_are_not_the_envelope_never_crash(
    live_server: Any, status: int, content_type: str, body: bytes, expected: type[ApiError]
) -> None:
    app = Script((status, body, {"content-type": content_type, "x-request-id": "req_hdr"}))
    with live_server(app) as server, httpx.Client(base_url=server.url) as c:
        response = c.get("/")
    with pytest.raises(ApiError) as caught:
        raise_for_error(response, codes)
    error = caught.value
    assert type(error) is expected
    assert error.status == status
    assert error.raw_body == body.decode("utf-8", errors="replace")
    assert error.request_id == "req_hdr"


def test_the_hook_reads_an_absurd_retry_after_without_a_crash() -> None:
    """raise_on_error alone, no retrying transport."""
    with RawServer(answer(429, body("rate_limit_exceeded", "slow down"), {"Retry-After": HUGE})) as server:
        with httpx.Client(base_url=server.url, event_hooks={"response": [raise_on_error(codes)]}) as c:
            with pytest.raises(ApiError) as caught:
                c.get("/")
    assert caught.value.status == 429 and caught.value.retry_after == RETRY_AFTER_CAP


def test_a_request_id_that_is_not_a_string_gives_way_to_the_header(live_server: Any) -> None:
    """A list request_id used to make the error unhashable; it is dropped, and X-Request-ID used."""
    body = json.dumps({"error": {"code": "invoice_not_found", "message": "m", "request_id": ["a"]}}).encode()
    app = Script((404, body, {"x-request-id": "req_hdr"}))
    with live_server(app) as server, httpx.Client(base_url=server.url) as c:
        response = c.get("/")
    with pytest.raises(InvoiceNotFound) as caught:
        raise_for_error(response, codes)
    assert caught.value.request_id == "req_hdr"
    assert hash(caught.value) == hash(caught.value)
