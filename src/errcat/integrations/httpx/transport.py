"""The retrying transports: the retry protocol written once, and a synchronous and an asynchronous runner.

:func:`_protocol` is the whole decision, without I/O: a generator that yields what to do
next (send, read, close, refresh, sleep) and receives what doing it gave; an exception
from sending or reading is thrown into it. A :class:`_Run` drives it for one request,
and each transport only says how it does each step: :meth:`RetryingTransport._step`
with blocking calls, :meth:`AsyncRetryingTransport._step` with awaits. See
:mod:`errcat.integrations.httpx`.
"""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any

import httpx

from errcat.integrations.httpx.deadline import Budget, Expired, bound_body, cancel_at, close, within
from errcat.integrations.httpx.responses import REFRESH_ERROR
from errcat.runtime.catalog import catalog_of
from errcat.runtime.errors import ApiError
from errcat.runtime.retry import Action, RetryPolicy, checked_deadline, retry_after_of

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = ["AsyncRetryingTransport", "RetryingTransport"]

_ATTEMPTS = "errcat.attempts"
_SEND, _READ, _CLOSE, _REFRESH, _SLEEP = "send", "read", "close", "refresh", "sleep"
Step = tuple[str, Any]


class _Failure:
    """A failed response as the policy reads it: status, code (when the body names one), headers."""

    __slots__ = ("code", "headers", "status")

    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.code = ApiError.from_response(response.status_code, response.content).code  # the raw code
        self.headers = response.headers


def _protocol(
    request: httpx.Request,
    policy: RetryPolicy,
    can_refresh: bool,
    random: Callable[[], float],
    on_retry: Callable[[int, float, object], object] | None,
    clock: Callable[[], float],
    end: float | None,
) -> Generator[Step, Any, httpx.Response]:
    retries = 0
    attempt = 0
    while True:
        attempt += 1
        response: httpx.Response | None = None
        try:
            response = yield (_SEND, request)
        except httpx.TransportError as exc:
            failure: object = exc
        else:
            assert response is not None
            if response.status_code < 400:
                return _finish(response, attempt)
            try:
                yield (_READ, response)
            except httpx.TransportError as exc:  # the connection broke in the body: no answer was had
                yield (_CLOSE, response)
                failure, response = exc, None
            else:
                failure = _Failure(response)
        action = policy.action(failure)
        if action is Action.REFRESH and can_refresh and response is not None:
            can_refresh = False  # once: a second 401 is final
            try:
                token = yield (_REFRESH, None)
            except Exception as exc:  # the refresh failed: give up with the 401 it could not fix
                return _finish(response, attempt, exc)
            if end is not None and clock() >= end:  # no time left to use the new token
                return _finish(response, attempt)
            yield (_CLOSE, response)
            request = _copy(request, headers={"Authorization": f"Bearer {token}"})
            continue
        wait = None
        if action is Action.RETRY and attempt < policy.max_attempts:
            wait = policy.wait(retries + 1, retry_after_of(failure), random)
            if wait is not None and end is not None and clock() + wait >= end:
                wait = None  # the wait would end past the deadline: give up now with what there is
        if wait is None:
            if response is None:
                assert isinstance(failure, httpx.TransportError)
                raise failure
            return _finish(response, attempt)
        retries += 1
        if on_retry is not None:
            on_retry(attempt, wait, failure)
        if response is not None:
            yield (_CLOSE, response)
        yield (_SLEEP, wait)


def _finish(
    response: httpx.Response, attempts: int, refresh_error: BaseException | None = None
) -> httpx.Response:
    extensions = {**response.extensions, _ATTEMPTS: attempts}
    if refresh_error is not None:
        extensions[REFRESH_ERROR] = refresh_error
    response.extensions = extensions
    return response


def _copy(
    request: httpx.Request, *, headers: dict[str, str] | None = None, timeout: float | None = None
) -> httpx.Request:
    """``request`` again (its body was read), with ``headers`` set and each timeout at most ``timeout``."""
    new_headers = httpx.Headers(request.headers)
    for name, value in (headers or {}).items():
        new_headers[name] = value
    extensions = request.extensions
    if timeout is not None:
        timeouts = extensions.get("timeout") or dict.fromkeys(("connect", "read", "write", "pool"))
        capped = {key: timeout if value is None else min(value, timeout) for key, value in timeouts.items()}
        extensions = {**extensions, "timeout": capped}
    return httpx.Request(
        request.method, request.url, headers=new_headers, content=request.content, extensions=extensions
    )


class _Run:
    """One request's way through the protocol: iterated for each step, told what each step gave."""

    __slots__ = ("budget", "failure", "response", "result", "steps")

    def __init__(self, transport: _Retrying, request: httpx.Request) -> None:
        deadline = transport.deadline
        self.budget = None if deadline is None else Budget(request, deadline, transport.clock)
        self.steps = _protocol(
            request,
            transport.policy,
            transport.refresh is not None,
            transport.random,
            transport.on_retry,
            transport.clock,
            None if self.budget is None else self.budget.end,
        )
        self.result: Any = None
        self.failure: Exception | None = None
        self.response: httpx.Response | None = None

    def __iter__(self) -> _Run:
        return self

    def __next__(self) -> Step:
        result, failure, self.result, self.failure = self.result, self.failure, None, None
        try:
            return self.steps.throw(failure) if failure is not None else self.steps.send(result)
        except StopIteration as done:
            self.response = done.value
            raise StopIteration from None

    def failed(self, exc: Exception) -> None:
        """The step raised ``exc``: the protocol decides what it means; past the deadline, it is the end."""
        if isinstance(exc, Expired):
            self.steps.close()
            assert self.budget is not None
            raise self.budget.exceeded() from None
        self.failure = exc

    def outcome(self, *, asynchronous: bool) -> httpx.Response:
        """The response the protocol ended with, its unread body bounded by the deadline."""
        assert self.response is not None
        return bound_body(self.response, self.budget, asynchronous=asynchronous)


class _Retrying:
    """What both transports are told: whose policy, the hooks, the deadline."""

    def _configure(
        self,
        errors: ErrorPackage | ErrorCatalog | None,
        policy: RetryPolicy | None,
        refresh: Callable[[], Any] | None,
        sleep: Callable[[float], Any],
        random: Callable[[], float],
        on_retry: Callable[[int, float, object], object] | None,
        deadline: float | None,
        clock: Callable[[], float],
    ) -> None:
        if policy is None:
            if errors is None:
                name = type(self).__name__
                raise TypeError(
                    f"{name} needs the generated package whose policy it applies: {name}(errors=acme_errors)"
                )
            policy = catalog_of(errors).retry_policy
        self.policy = policy
        self.refresh, self.sleep, self.random, self.on_retry = refresh, sleep, random, on_retry
        self.deadline, self.clock = checked_deadline(deadline), clock


class RetryingTransport(_Retrying, httpx.BaseTransport):
    """An httpx transport that retries as a catalog's policy says and refreshes credentials on a 401.

    ``errors`` is the generated package whose policy it applies; ``policy`` a policy of one's own instead.
    ``deadline`` (seconds, measured by ``clock`` from the call) bounds the whole request,
    every attempt, wait and body read (see :mod:`errcat.integrations.httpx`).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        errors: ErrorPackage | ErrorCatalog | None = None,
        policy: RetryPolicy | None = None,
        refresh: Callable[[], str] | None = None,
        sleep: Callable[[float], object] = time.sleep,
        random: Callable[[], float] = _random.random,
        on_retry: Callable[[int, float, object], object] | None = None,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport or httpx.HTTPTransport()
        self._configure(errors, policy, refresh, sleep, random, on_retry, deadline, clock)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        run = _Run(self, request)
        request.read()  # the body is sent again on a retry
        for op, arg in run:
            try:
                run.result = self._step(op, arg, run.budget)
            except Exception as exc:  # handed to the protocol, which decides what it means
                run.failed(exc)
        return run.outcome(asynchronous=False)

    def _step(self, op: str, arg: Any, budget: Budget | None) -> Any:
        if op == _SEND:
            if budget is None:
                return self.transport.handle_request(arg)
            left = budget.attempt()
            capped = _copy(arg, timeout=left)
            return within(lambda: self.transport.handle_request(capped), left, close)
        if op == _READ:
            return arg.read() if budget is None else within(arg.read, budget.left(), lambda _: arg.close())
        if op == _CLOSE:
            return arg.close()
        if op == _REFRESH:
            assert self.refresh is not None
            return self.refresh()
        return self.sleep(arg)

    def close(self) -> None:
        self.transport.close()


class AsyncRetryingTransport(_Retrying, httpx.AsyncBaseTransport):
    """:class:`RetryingTransport` for ``httpx.AsyncClient``; ``refresh`` may be a coroutine function.

    At the deadline an attempt's network calls are cancelled (through anyio, so asyncio and
    trio alike); ``sleep`` defaults to :func:`asyncio.sleep`.
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        errors: ErrorPackage | ErrorCatalog | None = None,
        policy: RetryPolicy | None = None,
        refresh: Callable[[], str | Awaitable[str]] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        on_retry: Callable[[int, float, object], object] | None = None,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport or httpx.AsyncHTTPTransport()
        self._configure(errors, policy, refresh, sleep, random, on_retry, deadline, clock)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        run = _Run(self, request)
        await request.aread()
        for op, arg in run:
            try:
                run.result = await self._step(op, arg, run.budget)
            except Exception as exc:  # handed to the protocol, which decides what it means
                run.failed(exc)
        return run.outcome(asynchronous=True)

    async def _step(self, op: str, arg: Any, budget: Budget | None) -> Any:
        if op == _SEND:
            if budget is None:
                return await self.transport.handle_async_request(arg)
            capped = _copy(arg, timeout=budget.attempt())
            return await cancel_at(lambda: self.transport.handle_async_request(capped), budget)
        if op == _READ:
            return await (arg.aread() if budget is None else cancel_at(arg.aread, budget, arg.aclose))
        if op == _CLOSE:
            return await arg.aclose()
        if op == _REFRESH:
            assert self.refresh is not None
            token = self.refresh()
            return token if isinstance(token, str) else await token
        return await self.sleep(arg)

    async def aclose(self) -> None:
        await self.transport.aclose()
