"""errcat.integrations.httpx.deadline: the transports' total deadline, against real servers that stall.

The server, on 127.0.0.1, trickles, stalls and asks to wait: the bare socket server of
``_raw_server`` (uvicorn always answers promptly).
Each slow-server case asserts the wall time it took, so the deadline is real, with a short
deadline to keep the suite fast; where only the arithmetic matters (Retry-After against
the time left), the clock and the sleep are injected and nothing waits.
"""

from __future__ import annotations

import asyncio
import json
import math
import pickle
import time
from typing import Any

import httpx
import pytest
from tests.fake_time import FakeTime
from tests.integrations._raw_server import RawServer, answer, response_head, trickle

import partner_invoicing_errors as codes
from errcat.integrations.httpx import (
    AsyncRetryingTransport,
    DeadlineExceeded,
    RetryingTransport,
    raise_on_error,
)
from errcat.runtime import retry
from partner_invoicing_errors import ServiceUnavailable

DEADLINE = 0.15
#: How far past the deadline a cut may land: thread start-up and a loaded 2-core machine.
SLACK = 0.6
OK = b'{"id": "inv_1"}'
BODY = json.dumps({"error": {"code": "internal_error", "message": "boom"}}).encode()
BUSY = json.dumps({"error": {"code": "service_unavailable", "message": "maintenance"}}).encode()


def trickled_body(status: int = 200) -> list[Any]:
    """Headers promising 400 bytes, then the bytes one every 20 ms (8 s in all: far past any deadline)."""
    return [response_head(status, length=400), *trickle(b"x" * 400, 0.02)]


def trickled_headers() -> list[Any]:
    """The status line, then 400 bytes of one header, a byte every 20 ms: the head never ends in time."""
    return [b"HTTP/1.1 200 OK\r\n", *trickle(b"X-Slow: " + b"y" * 400, 0.02)]


def stalled_body() -> list[Any]:
    """Headers promising 400 bytes, ten of them, then silence for 5 s."""
    return [response_head(200, length=400) + b"0123456789", 5.0]


def run_sync(url: str, **kwargs: Any) -> httpx.Response:
    transport = RetryingTransport(errors=codes, deadline=DEADLINE, **kwargs)
    with httpx.Client(base_url=url, transport=transport) as client:
        return client.get("/")


def run_async(url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = AsyncRetryingTransport(errors=codes, deadline=DEADLINE, **kwargs)
        async with httpx.AsyncClient(base_url=url, transport=transport) as client:
            return await client.get("/")

    return asyncio.run(go())


RUNNERS = pytest.mark.parametrize("run", [run_sync, run_async], ids=["sync", "async"])


@pytest.mark.parametrize(
    ("run", "script"),
    [
        (run_sync, trickled_body()),
        (run_sync, trickled_headers()),
        (run_sync, stalled_body()),
        (run_sync, trickled_body(status=500)),
        (run_async, trickled_body()),  # a stalled body takes the same road: one cancelled chunk read
        (run_async, trickled_headers()),
        (run_async, trickled_body(status=500)),
    ],
    ids=[
        "sync-trickled-body",
        "sync-trickled-headers",
        "sync-stalled-body",
        "sync-trickled-error-body",
        "async-trickled-body",
        "async-trickled-headers",
        "async-trickled-error-body",
    ],
)
def test_a_slow_server_cannot_hold_the_client_past_the_deadline(run: Any, script: list[Any]) -> None:
    with RawServer(script) as server:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded) as caught:
            run(server.url)
        took = time.monotonic() - started
    assert DEADLINE - 0.05 <= took < DEADLINE + SLACK, took
    error = caught.value
    assert isinstance(error, httpx.TimeoutException) and isinstance(error, retry.DeadlineExceeded)
    assert isinstance(error, TimeoutError)
    assert (error.deadline, error.attempts) == (DEADLINE, 1)
    assert error.request.url.path == "/"
    assert len(server.requests) == 1


@RUNNERS
def test_a_prompt_answer_is_untouched_by_the_deadline(run: Any) -> None:
    with RawServer(answer(200, OK)) as server:
        response = run(server.url)
    assert response.status_code == 200 and response.json() == {"id": "inv_1"}
    assert response.extensions["errcat.attempts"] == 1


def test_a_streamed_body_is_read_in_full_within_the_deadline() -> None:
    body = b"z" * 200_000  # several chunks
    with RawServer(answer(200, body)) as server:
        transport = RetryingTransport(errors=codes, deadline=5.0)
        with httpx.Client(transport=transport) as client, client.stream("GET", server.url) as response:
            assert b"".join(response.iter_bytes()) == body


def test_the_cut_connection_is_released_for_the_next_request() -> None:
    """After a cut, the pool still has room: the same client's next request is answered."""
    with RawServer(stalled_body(), answer(200, OK)) as server:
        transport = RetryingTransport(
            errors=codes,
            deadline=DEADLINE,
            transport=httpx.HTTPTransport(limits=httpx.Limits(max_connections=1)),
        )
        with httpx.Client(base_url=server.url, transport=transport) as client:
            with pytest.raises(DeadlineExceeded):
                client.get("/")
            assert client.get("/").status_code == 200


@RUNNERS
def test_a_500_then_a_trickle_is_cut_on_the_second_attempt(run: Any) -> None:
    """The deadline covers every attempt: the first fails at once, the second trickles."""
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    with RawServer(answer(500, BODY), trickled_body()) as server:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded) as caught:
            run(server.url, sleep=sleep if run is run_sync else asleep, random=lambda: 0.0)
        took = time.monotonic() - started
    assert took < DEADLINE + SLACK
    assert caught.value.attempts == 2 and slept == [0.0] and len(server.requests) == 2


def test_a_long_retry_after_ends_the_retries_at_once() -> None:
    """Retry-After: 120 with 10 s left: no wait, the caller gets the 503 (without a deadline: 8 minutes)."""
    slept: list[float] = []
    transport = RetryingTransport(errors=codes, deadline=10.0, sleep=slept.append)
    with RawServer(answer(503, BUSY, {"Retry-After": "120"})) as server:
        with httpx.Client(
            base_url=server.url, transport=transport, event_hooks={"response": [raise_on_error(codes)]}
        ) as client:
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable) as caught:
                client.get("/")
            took = time.monotonic() - started
    assert caught.value.retry_after == 120.0
    assert slept == [] and len(server.requests) == 1 and took < 2


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_waits_stop_where_the_next_would_end_past_the_deadline(kind: str) -> None:
    """Retry-After: 2 with a 5 s deadline: waits of 2 s at 0 and 2, none at 4 (it would end at 6)."""
    fake = FakeTime()
    with RawServer(answer(503, BUSY, {"Retry-After": "2"})) as server:
        if kind == "sync":
            transport = RetryingTransport(
                errors=codes, deadline=5.0, clock=fake.clock, sleep=fake.sleep, random=lambda: 0.0
            )
            with httpx.Client(base_url=server.url, transport=transport) as client:
                response = client.get("/")
        else:

            async def go() -> httpx.Response:
                transport = AsyncRetryingTransport(
                    errors=codes, deadline=5.0, clock=fake.clock, sleep=fake.asleep, random=lambda: 0.0
                )
                async with httpx.AsyncClient(base_url=server.url, transport=transport) as client:
                    return await client.get("/")

            response = asyncio.run(go())
    assert response.status_code == 503 and response.extensions["errcat.attempts"] == 3
    assert fake.slept == [2.0, 2.0] and len(server.requests) == 3


@pytest.mark.parametrize("deadline", [0, -1.0, math.nan, math.inf, 10**400, True, "5"])
def test_a_deadline_is_a_positive_number_of_seconds(deadline: Any) -> None:
    for transport in (RetryingTransport, AsyncRetryingTransport):
        with pytest.raises(ValueError, match="positive number of seconds"):
            transport(errors=codes, deadline=deadline)


def test_deadline_exceeded_pickles_with_its_facts() -> None:
    """Errors cross process boundaries (multiprocessing, task queues): the facts go along."""
    request = httpx.Request("GET", "http://127.0.0.1/")
    error = DeadlineExceeded("no response", request=request, deadline=2.0, attempts=3)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.deadline, copy.attempts) == (DeadlineExceeded, "no response", 2.0, 3)
    assert copy.request.url == request.url
    plain = pickle.loads(pickle.dumps(retry.DeadlineExceeded("late", deadline=1.0, attempts=2)))
    assert (plain.deadline, plain.attempts) == (1.0, 2)
