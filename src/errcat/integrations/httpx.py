"""httpx integration: error responses become typed exceptions, and failures are retried as the catalog says.

Every function takes the generated package whose codes the API sends (``acme_errors``).
Turning a response into an exception, as a function or as an event hook::

    import acme_errors
    from errcat.integrations.httpx import araise_on_error, raise_for_error, raise_on_error

    response = client.get(url)
    raise_for_error(response, acme_errors)      # acme_errors.NotFound, ... for a 4xx/5xx

    client = httpx.Client(event_hooks={"response": [raise_on_error(acme_errors)]})
    client = httpx.AsyncClient(event_hooks={"response": [araise_on_error(acme_errors)]})

The exception carries the request id (from the body, else the ``X-Request-ID``
header), the doc URL, the metadata, the parsed ``Retry-After`` (``retry_after``,
seconds) and the raw body text (``raw_body``). A body that is empty, HTML,
truncated or not the standard envelope never crashes: it gives an ``ApiError``
of the status's class that keeps the status and the raw text.

Retrying, as a transport that wraps another one::

    transport = RetryingTransport(errors=acme_errors, refresh=get_new_token)  # httpx.HTTPTransport() inside
    client = httpx.Client(transport=transport, event_hooks={"response": [raise_on_error(acme_errors)]})

It retries what the catalog's policy retries (say 5xx, 429, timeouts and connection
errors) with its backoff (honouring ``Retry-After``), never a 400/403/404; on a 401 it calls ``refresh``
once (which returns a new access token, sent as ``Authorization: Bearer ...``)
and repeats the request; if the refresh fails, or the repeated request gets
another 401, it gives up and returns that response (with the refresh's
exception as the raised error's ``__cause__``). A code whose strategy is
``use_existing_resource`` is returned at once: :func:`errcat.runtime.retry.existing_resource_hint`
gives the existing resource's id from the raised error. A connection that breaks while
an error's body is read (a reset mid-body) is a transport failure like any other, retried
as the policy says. ``sleep``, ``random`` and ``clock`` are injectable, and
``on_retry(attempt, delay, failure)`` sees every wait.

A total deadline bounds everything a request may take, across every attempt::

    transport = RetryingTransport(errors=acme_errors, deadline=10.0)  # seconds, from the call

It never starts a wait that would end past the deadline: with ``Retry-After: 120`` and
ten seconds left it gives up at once and returns that response (so ``raise_on_error``
raises the 503 with its ``retry_after``), as it does when the policy's retries run out.
An attempt still under way at the deadline (connecting, sending, waiting for the
headers, reading an error's body or, for a response it returns, the caller reading the
body) is cut short with :class:`DeadlineExceeded`, an ``httpx.TimeoutException``: a
server that trickles a body, or its headers, one byte at a time cannot hold the client
past it. Each of an attempt's network waits is given at most the time left. The
synchronous transport runs an attempt's network calls on a worker thread so that it can
stop waiting for them; one given up on ends there on its own, its response closed. A
``refresh`` is the caller's code and is not interrupted. The deadline is per request the
transport is handed: a redirect the client follows is a request of its own.

Needs ``errcat[httpx]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import random as _random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from errcat.runtime import retry
from errcat.runtime.catalog import catalog_of
from errcat.runtime.errors import ApiError
from errcat.runtime.retry import Action, RetryPolicy, parse_retry_after, retry_after_of

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = [
    "AsyncRetryingTransport",
    "DeadlineExceeded",
    "RetryingTransport",
    "araise_on_error",
    "error_from_response",
    "raise_for_error",
    "raise_on_error",
]

_REFRESH_ERROR = "errcat.refresh_error"
_ATTEMPTS = "errcat.attempts"


def error_from_response(response: httpx.Response, errors: ErrorPackage | ErrorCatalog) -> ApiError:
    """The typed exception of ``errors`` for an error response (its body must have been read)."""
    text = _text(response)
    error = catalog_of(errors).api_error.from_response(response.status_code, response.content)
    error.raw_body = text
    if error.request_id is None:
        error.request_id = response.headers.get("x-request-id")
    header = response.headers.get("retry-after")
    error.retry_after = parse_retry_after(header) if header is not None else None
    cause = response.extensions.get(_REFRESH_ERROR)
    if isinstance(cause, BaseException):
        error.__cause__ = cause
    return error


def raise_for_error(response: httpx.Response, errors: ErrorPackage | ErrorCatalog) -> None:
    """Raise the typed exception of ``response`` when its status is 4xx or 5xx."""
    if response.status_code >= 400:
        response.read()
        raise error_from_response(response, errors)


def raise_on_error(errors: ErrorPackage | ErrorCatalog) -> Callable[[httpx.Response], None]:
    """A response event hook for ``httpx.Client`` that raises the typed exception of an error response."""
    catalog = catalog_of(errors)

    def hook(response: httpx.Response) -> None:
        raise_for_error(response, catalog)

    return hook


def araise_on_error(errors: ErrorPackage | ErrorCatalog) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response event hook for ``httpx.AsyncClient``: raise the typed exception of an error response."""
    catalog = catalog_of(errors)

    async def hook(response: httpx.Response) -> None:
        if response.status_code >= 400:
            await response.aread()
            raise error_from_response(response, catalog)

    return hook


def _text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


# --- retrying -----------------------------------------------------------------------------


class DeadlineExceeded(httpx.TimeoutException, retry.DeadlineExceeded):
    """The transport's total deadline passed while an attempt was still under way.

    An ``httpx.TimeoutException`` (so ``except httpx.TimeoutException`` and ``except
    httpx.HTTPError`` see it) and an :class:`errcat.runtime.retry.DeadlineExceeded` (a
    ``TimeoutError``); ``request`` is the request, ``deadline`` the total in seconds and
    ``attempts`` the attempts started.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        deadline: float | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message, request=request)
        self.deadline = deadline
        self.attempts = attempts


class _Failure:
    """A failed response as the policy reads it: status, code (when the body names one), headers."""

    __slots__ = ("code", "headers", "status")

    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.code = ApiError.from_response(response.status_code, response.content).code  # the raw code
        self.headers = response.headers


# The retry protocol, once, without I/O: a generator that yields what to do next
# (send, read, close, refresh, sleep) and receives its result; each transport runs it
# with its own kind of I/O. Exceptions from sending and reading are thrown into the generator.
_SEND, _READ, _CLOSE, _REFRESH, _SLEEP = "send", "read", "close", "refresh", "sleep"
Step = tuple[str, Any]


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
        extensions[_REFRESH_ERROR] = refresh_error
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


def _policy(errors: ErrorPackage | ErrorCatalog | None, policy: RetryPolicy | None, name: str) -> RetryPolicy:
    if policy is not None:
        return policy
    if errors is None:
        raise TypeError(
            f"{name} needs the generated package whose policy it applies: {name}(errors=acme_errors)"
        )
    return catalog_of(errors).retry_policy


def _deadline(deadline: float | None) -> float | None:
    if deadline is not None and not deadline > 0:  # NaN too
        raise ValueError(f"a deadline is a positive number of seconds, not {deadline!r}")
    return deadline


class _Expired(Exception):
    """The deadline passed during a step (turned into :class:`DeadlineExceeded` by the transport)."""


class _Budget:
    """One request's deadline: the time left, and the error for a step it cut short."""

    __slots__ = ("attempts", "clock", "deadline", "end", "request")

    def __init__(self, request: httpx.Request, deadline: float, clock: Callable[[], float]) -> None:
        self.request = request
        self.deadline = deadline
        self.clock = clock
        self.end = clock() + deadline
        self.attempts = 0

    def left(self) -> float:
        """The seconds left; :class:`_Expired` when none are."""
        left = self.end - self.clock()
        if left <= 0:
            raise _Expired
        return left

    def exceeded(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"no response within the {self.deadline:g} s deadline (attempt {self.attempts})",
            request=self.request,
            deadline=self.deadline,
            attempts=self.attempts,
        )


T = TypeVar("T")


def _within(call: Callable[[], T], timeout: float, on_late: Callable[[T | None], object]) -> T:
    """``call()`` on a daemon thread, waited for at most ``timeout`` seconds (:class:`_Expired` past that).

    A blocking socket read cannot be interrupted from another thread, so the caller stops
    waiting instead. A call it gave up on (at the deadline, or when the wait itself was
    interrupted) ends on its own, its network waits capped at the deadline; ``on_late`` then
    receives its result (None if it failed) on that thread, to close what it opened, since
    nobody else will. The caller's context variables go along to the thread.
    """
    done = threading.Event()
    lock = threading.Lock()
    outcome: list[tuple[T | None, BaseException | None]] = []
    abandoned = False

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = call()
        except BaseException as exc:  # handed to the caller, or dropped if it has gone
            error = exc
        with lock:
            outcome.append((result, error))
            late = abandoned
        done.set()
        if late:
            _late(on_late, result)

    def abandon() -> bool:
        """Leave the call to end on its own; False when it has already ended."""
        nonlocal abandoned
        with lock:
            abandoned = not outcome
        return abandoned

    threading.Thread(
        target=contextvars.copy_context().run, args=(run,), daemon=True, name="errcat-deadline"
    ).start()
    try:
        finished = done.wait(timeout)
    except BaseException:  # interrupted (Ctrl-C): nobody will use the result
        if not abandon():
            _late(on_late, outcome[0][0])
        raise
    if not finished and abandon():
        raise _Expired
    result, error = outcome[0]
    if error is not None:
        raise error
    return result  # type: ignore[return-value]  # None only with an error


def _late(on_late: Callable[[T | None], object], result: T | None) -> None:
    with contextlib.suppress(Exception):  # nobody is left to be told
        on_late(result)


def _close(response: httpx.Response | None) -> None:
    if response is not None:
        response.close()


def _closing(response: httpx.Response) -> Callable[[object], None]:
    """An ``on_late`` for reading ``response``: close it once the read has ended."""
    return lambda _: response.close()


class _SyncDeadlineStream(httpx.SyncByteStream):
    """A response body whose reading ends at the deadline, each chunk waited for on a worker thread."""

    def __init__(self, stream: httpx.SyncByteStream, budget: _Budget) -> None:
        self._stream = stream
        self._budget = budget
        self._abandoned = False

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            try:
                chunk = _within(lambda: next(chunks, None), self._budget.left(), self._close_late)
            except _Expired:
                self._abandoned = True  # the worker closes the stream when its read ends
                raise self._budget.exceeded() from None
            if chunk is None:
                return
            yield chunk

    def _close_late(self, _: object) -> None:
        self._stream.close()

    def close(self) -> None:
        if not self._abandoned:
            self._stream.close()


class _AsyncDeadlineStream(httpx.AsyncByteStream):
    """A response body whose reading is cancelled at the deadline."""

    def __init__(self, stream: httpx.AsyncByteStream, budget: _Budget) -> None:
        self._stream = stream
        self._budget = budget

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import anyio

        chunks = self._stream.__aiter__()
        while True:
            try:
                left = self._budget.left()
            except _Expired:
                await self._stream.aclose()
                raise self._budget.exceeded() from None
            with anyio.move_on_after(left) as scope:
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    return
            if scope.cancelled_caught:
                await self._stream.aclose()
                raise self._budget.exceeded()
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


class RetryingTransport(httpx.BaseTransport):
    """An httpx transport that retries as a catalog's policy says and refreshes credentials on a 401.

    ``errors`` is the generated package whose policy it applies; ``policy`` a policy of one's own instead.
    ``deadline`` (seconds, measured by ``clock`` from the call) bounds the whole request,
    every attempt, wait and body read (see the module's documentation).
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
        self.policy = _policy(errors, policy, type(self).__name__)
        self.refresh = refresh
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry
        self.deadline = _deadline(deadline)
        self.clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        budget = None if self.deadline is None else _Budget(request, self.deadline, self.clock)
        request.read()  # the body is sent again on a retry
        steps = _protocol(
            request,
            self.policy,
            self.refresh is not None,
            self.random,
            self.on_retry,
            self.clock,
            None if budget is None else budget.end,
        )
        result: Any = None
        failure: BaseException | None = None
        while True:
            try:
                op, arg = steps.throw(failure) if failure is not None else steps.send(result)
            except StopIteration as done:
                response: httpx.Response = done.value
                if budget is not None and not response.is_stream_consumed:
                    assert isinstance(response.stream, httpx.SyncByteStream)
                    response.stream = _SyncDeadlineStream(response.stream, budget)
                return response
            result = failure = None
            try:
                if op == _SEND:
                    result = self._send(arg, budget)
                elif op == _READ:
                    if budget is None:
                        arg.read()
                    else:
                        _within(arg.read, budget.left(), _closing(arg))
                elif op == _CLOSE:
                    arg.close()
                elif op == _REFRESH:
                    assert self.refresh is not None
                    result = self.refresh()
                else:
                    self.sleep(arg)
            except _Expired:
                steps.close()
                assert budget is not None
                raise budget.exceeded() from None
            except Exception as exc:  # handed to the protocol, which decides what it means
                failure = exc

    def _send(self, request: httpx.Request, budget: _Budget | None) -> httpx.Response:
        if budget is None:
            return self.transport.handle_request(request)
        left = budget.left()
        budget.attempts += 1
        capped = _copy(request, timeout=left)
        return _within(lambda: self.transport.handle_request(capped), left, _close)

    def close(self) -> None:
        self.transport.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
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
        self.policy = _policy(errors, policy, type(self).__name__)
        self.refresh = refresh
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry
        self.deadline = _deadline(deadline)
        self.clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        budget = None if self.deadline is None else _Budget(request, self.deadline, self.clock)
        await request.aread()
        steps = _protocol(
            request,
            self.policy,
            self.refresh is not None,
            self.random,
            self.on_retry,
            self.clock,
            None if budget is None else budget.end,
        )
        result: Any = None
        failure: BaseException | None = None
        while True:
            try:
                op, arg = steps.throw(failure) if failure is not None else steps.send(result)
            except StopIteration as done:
                response: httpx.Response = done.value
                if budget is not None and not response.is_stream_consumed:
                    assert isinstance(response.stream, httpx.AsyncByteStream)
                    response.stream = _AsyncDeadlineStream(response.stream, budget)
                return response
            result = failure = None
            try:
                if op == _SEND:
                    result = await self._send(arg, budget)
                elif op == _READ:
                    if budget is None:
                        await arg.aread()
                    else:
                        await _cancel_at(arg.aread, budget, arg.aclose)
                elif op == _CLOSE:
                    await arg.aclose()
                elif op == _REFRESH:
                    assert self.refresh is not None
                    result = self.refresh()
                    if not isinstance(result, str):
                        result = await result
                else:
                    await self.sleep(arg)
            except _Expired:
                steps.close()
                assert budget is not None
                raise budget.exceeded() from None
            except Exception as exc:  # handed to the protocol, which decides what it means
                failure = exc

    async def _send(self, request: httpx.Request, budget: _Budget | None) -> httpx.Response:
        if budget is None:
            return await self.transport.handle_async_request(request)
        left = budget.left()
        budget.attempts += 1
        capped = _copy(request, timeout=left)
        return await _cancel_at(lambda: self.transport.handle_async_request(capped), budget)

    async def aclose(self) -> None:
        await self.transport.aclose()


async def _cancel_at(
    call: Callable[[], Awaitable[T]], budget: _Budget, cleanup: Callable[[], Awaitable[object]] | None = None
) -> T:
    """``await call()``, cancelled at the deadline (:class:`_Expired`, after ``cleanup``)."""
    import anyio

    with anyio.move_on_after(budget.left()) as scope:
        return await call()
    if cleanup is not None and scope.cancelled_caught:
        await cleanup()
    raise _Expired
