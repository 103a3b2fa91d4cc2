"""errcat.integrations.httpx.transport against a real uvicorn server on 127.0.0.1, with real httpx.

Every test asserts the exact exception class, the attempts the server saw and the
delays the client asked to sleep (sleep is injected, so nothing waits).
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest
from tests.integrations._raw_server import RESET, RawServer, answer, response_head
from tests.integrations.httpx._script import OK, Script, body, client

import partner_invoicing_errors as codes
from errcat.integrations.httpx import (
    AsyncRetryingTransport,
    RetryingTransport,
    araise_on_error,
)
from errcat.runtime.retry import RETRY_AFTER_CAP, existing_resource_hint, transport_failure
from partner_invoicing_errors import (
    AuthenticationError,
    DuplicateExternalId,
    InternalError,
    InvalidToken,
    InvoiceNotFound,
    ServerError,
    ServiceUnavailable,
)


def test_two_500s_then_success(live_server: Any, slept: list[float]) -> None:
    app = Script((500, body("internal_error", "boom"), {}), (500, body("internal_error", "boom"), {}), OK)
    with live_server(app) as server, client(server.url, slept) as c:
        response = c.post("/invoices", json={"external_id": "order-1"})
    assert response.json() == {"id": "inv_1"}
    assert len(app.seen) == 3
    assert [s["body"] for s in app.seen] == ['{"external_id":"order-1"}'] * 3  # the body is sent again
    assert slept == [1.0, 2.0]  # the catalog's backoff, full jitter at its maximum
    assert response.extensions["errcat.attempts"] == 3


def test_401_then_success_after_one_refresh(live_server: Any, slept: list[float]) -> None:
    app = Script((401, body("invalid_token", "expired"), {}), OK)
    refreshes: list[str] = []

    def refresh() -> str:
        refreshes.append("called")
        return "fresh-token"

    with live_server(app) as server, client(server.url, slept, refresh=refresh) as c:
        response = c.get("/invoices/inv_1", headers={"Authorization": "Bearer stale-token"})
    assert response.status_code == 200
    assert refreshes == ["called"]
    assert [s["authorization"] for s in app.seen] == ["Bearer stale-token", "Bearer fresh-token"]
    assert slept == []


def test_a_refresh_that_fails_gives_up_cleanly(live_server: Any, slept: list[float]) -> None:
    app = Script((401, body("invalid_token", "expired"), {}))

    def refresh() -> str:
        raise RuntimeError("the refresh token was revoked")

    with live_server(app) as server, client(server.url, slept, refresh=refresh) as c:
        with pytest.raises(InvalidToken) as caught:
            c.get("/invoices/inv_1")
    assert isinstance(caught.value, AuthenticationError)
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert len(app.seen) == 1 and slept == []


def test_a_second_401_after_refresh_is_final(live_server: Any, slept: list[float]) -> None:
    app = Script((401, body("invalid_token", "expired"), {}))
    with live_server(app) as server, client(server.url, slept, refresh=lambda: "also-bad") as c:
        with pytest.raises(InvalidToken):
            c.get("/invoices/inv_1")
    assert len(app.seen) == 2 and slept == []


def test_404_is_not_retried(live_server: Any, slept: list[float]) -> None:
    app = Script((404, body("invoice_not_found", "no such invoice", invoice_id="inv_9"), {}))
    with live_server(app) as server, client(server.url, slept) as c:
        with pytest.raises(InvoiceNotFound) as caught:
            c.get("/invoices/inv_9")
    error = caught.value
    assert (error.status, error.request_id, error.metadata) == (404, "req_1", {"invoice_id": "inv_9"})
    assert error.doc_url is not None and error.doc_url.endswith("/codes/invoice_not_found/")
    assert len(app.seen) == 1 and slept == []


def test_409_surfaces_the_existing_resource(live_server: Any, slept: list[float]) -> None:
    app = Script(
        (
            409,
            body("duplicate_external_id", "taken", external_id="order-1", existing_invoice_id="inv_4Rt6Yp"),
            {},
        )
    )
    with live_server(app) as server, client(server.url, slept) as c:
        with pytest.raises(DuplicateExternalId) as caught:
            c.post("/invoices", json={"external_id": "order-1"})
    assert existing_resource_hint(caught.value) == {
        "external_id": "order-1",
        "existing_invoice_id": "inv_4Rt6Yp",
    }
    assert len(app.seen) == 1 and slept == []


def test_503_with_retry_after_is_honoured(live_server: Any) -> None:
    app = Script((503, body("service_unavailable", "maintenance"), {"retry-after": "2"}), OK)
    slept: list[float] = []
    transport = RetryingTransport(errors=codes, sleep=slept.append, random=lambda: 0.0)  # jitter would wait 0
    with live_server(app) as server, httpx.Client(base_url=server.url, transport=transport) as c:
        assert c.get("/").status_code == 200
    assert slept == [2.0]


def test_503_exhausting_retries_raises_with_retry_after(live_server: Any, slept: list[float]) -> None:
    app = Script((503, body("service_unavailable", "maintenance"), {"retry-after": "3"}))
    with live_server(app) as server, client(server.url, slept) as c:
        with pytest.raises(ServiceUnavailable) as caught:
            c.get("/")
    assert caught.value.retry_after == 3.0
    assert len(app.seen) == 5 and slept == [3.0, 3.0, 4.0, 8.0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_retried_then_raised(slept: list[float]) -> None:
    with client(f"http://127.0.0.1:{_free_port()}", slept) as c, pytest.raises(httpx.ConnectError):
        c.get("/")
    assert slept == [1.0, 2.0, 4.0, 8.0]


def test_async_client_retries_and_raises_typed_errors(live_server: Any) -> None:
    app = Script((500, body("internal_error", "boom"), {}), (404, body("invoice_not_found", "gone"), {}))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def run(url: str) -> None:
        transport = AsyncRetryingTransport(errors=codes, sleep=sleep, random=lambda: 1.0)
        async with httpx.AsyncClient(
            base_url=url, transport=transport, event_hooks={"response": [araise_on_error(codes)]}
        ) as c:
            await c.get("/invoices/inv_1")

    with live_server(app) as server, pytest.raises(InvoiceNotFound):
        asyncio.run(run(server.url))
    assert len(app.seen) == 2 and slept == [1.0]


def test_async_refresh_may_be_a_coroutine(live_server: Any) -> None:
    app = Script((401, body("invalid_token", "expired"), {}), OK)

    async def refresh() -> str:
        return "fresh"

    async def run(url: str) -> int:
        transport = AsyncRetryingTransport(errors=codes, refresh=refresh, sleep=pytest.fail)  # type: ignore[arg-type]
        async with httpx.AsyncClient(base_url=url, transport=transport) as c:
            return (await c.get("/")).status_code

    with live_server(app) as server:
        assert asyncio.run(run(server.url)) == 200
    assert app.seen[-1]["authorization"] == "Bearer fresh"


def test_on_retry_sees_every_wait(live_server: Any, slept: list[float]) -> None:
    app = Script((500, body("internal_error", "boom"), {}), OK)
    seen: list[tuple[int, float, int]] = []
    with (
        live_server(app) as server,
        client(
            server.url,
            slept,
            on_retry=lambda attempt, wait, failure: seen.append((attempt, wait, failure.status)),
        ) as c,
    ):
        c.get("/")
    assert seen == [(1, 1.0, 500)]
    assert isinstance(InternalError(), ServerError)


# --- a connection reset while an error's body is read ------------------------------------------

RESET_500 = [response_head(500, length=len(body("internal_error", "boom"))) + b'{"error": {"co', 0.05, RESET]
OK_RAW = answer(200, b'{"id": "inv_1"}')


def test_a_reset_in_a_5xx_body_is_a_transport_failure_and_retried(slept: list[float]) -> None:
    """The headers arrive, the body breaks off with an RST: the policy retries it like a connection error."""
    seen: list[object] = []
    with RawServer(RESET_500, OK_RAW) as server:
        with client(server.url, slept, on_retry=lambda attempt, wait, failure: seen.append(failure)) as c:
            response = c.get("/")
    assert response.status_code == 200 and response.json() == {"id": "inv_1"}
    assert len(server.requests) == 2 and slept == [1.0]
    assert len(seen) == 1 and isinstance(seen[0], httpx.TransportError)
    assert transport_failure(seen[0]) == "connection_error"


def test_resets_in_every_5xx_body_exhaust_the_retries_then_raise_the_transport_error(
    slept: list[float],
) -> None:
    with RawServer(RESET_500) as server:
        with client(server.url, slept) as c, pytest.raises(httpx.TransportError):
            c.get("/")
    assert len(server.requests) == 5 and slept == [1.0, 2.0, 4.0, 8.0]


def test_async_a_reset_in_a_5xx_body_is_retried() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def run(url: str) -> httpx.Response:
        transport = AsyncRetryingTransport(errors=codes, sleep=sleep, random=lambda: 1.0)
        async with httpx.AsyncClient(base_url=url, transport=transport) as c:
            return await c.get("/")

    with RawServer(RESET_500, OK_RAW) as server:
        response = asyncio.run(run(server.url))
    assert response.status_code == 200 and len(server.requests) == 2 and slept == [1.0]


# --- a Retry-After no number can hold ----------------------------------------------------------

HUGE = "9" * 309  # float() of it overflows; 5,000 digits would also pass int()'s limit on digits
BUSY = body("service_unavailable", "maintenance")


@pytest.mark.parametrize("header", [HUGE, "9" * 5000, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_an_absurd_retry_after_ends_the_retries_without_a_crash(slept: list[float], header: str) -> None:
    """Far past the policy's max_retry_after: one attempt, no wait, the 503 raised with the capped value."""
    with RawServer(answer(503, BUSY, {"Retry-After": header})) as server, client(server.url, slept) as c:
        with pytest.raises(ServiceUnavailable) as caught:
            c.get("/")
    assert caught.value.retry_after == RETRY_AFTER_CAP
    assert len(server.requests) == 1 and slept == []


def test_async_an_absurd_retry_after_ends_the_retries_without_a_crash() -> None:
    async def run(url: str) -> None:
        transport = AsyncRetryingTransport(errors=codes, sleep=pytest.fail)  # type: ignore[arg-type]
        async with httpx.AsyncClient(
            base_url=url, transport=transport, event_hooks={"response": [araise_on_error(codes)]}
        ) as c:
            await c.get("/")

    with (
        RawServer(answer(503, BUSY, {"Retry-After": HUGE})) as server,
        pytest.raises(ServiceUnavailable) as caught,
    ):
        asyncio.run(run(server.url))
    assert caught.value.retry_after == RETRY_AFTER_CAP and len(server.requests) == 1


# --- bodies whose fields have the wrong types ----------------------------------------------------
