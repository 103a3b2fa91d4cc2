"""httpx integration: error responses become typed exceptions, and failures are retried as the catalog says.

Turning a response into an exception, as a function or as an event hook::

    from errcat.httpx import raise_for_error, raise_on_error

    response = client.get(url)
    raise_for_error(response)          # InvoiceNotFound, PermissionDenied, ... for a 4xx/5xx

    client = httpx.Client(event_hooks={"response": [raise_on_error]})
    client = httpx.AsyncClient(event_hooks={"response": [araise_on_error]})

The exception carries the request id (from the body, else the ``X-Request-ID``
header), the doc URL, the metadata, the parsed ``Retry-After`` (``retry_after``,
seconds) and the raw body text (``raw_body``). A body that is empty, HTML,
truncated or not the standard envelope never crashes: it gives an ``ApiError``
of the status's class that keeps the status and the raw text.

Retrying, as a transport that wraps another one::

    transport = RetryingTransport(refresh=get_new_token)     # httpx.HTTPTransport() inside
    client = httpx.Client(transport=transport, event_hooks={"response": [raise_on_error]})

It retries 5xx, 429, timeouts and connection errors with the catalog's backoff
(honouring ``Retry-After``), never 400/403/404; on a 401 it calls ``refresh``
once (which returns a new access token, sent as ``Authorization: Bearer ...``)
and repeats the request; if the refresh fails, or the repeated request gets
another 401, it gives up and returns that response (with the refresh's
exception as the raised error's ``__cause__``). A 409 ``duplicate_external_id``
is returned at once: :func:`errcat.retry.existing_resource_hint` gives the
existing resource's id from the raised error. ``sleep`` and ``random`` are
injectable, and ``on_retry(attempt, delay, failure)`` sees every wait.

Needs ``errcat[httpx]``.
"""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Awaitable, Callable

import httpx

from errcat.errors import ApiError
from errcat.retry import Action, RetryPolicy, parse_retry_after, retry_after_of

__all__ = [
    "AsyncRetryingTransport",
    "RetryingTransport",
    "araise_on_error",
    "error_from_response",
    "raise_for_error",
    "raise_on_error",
]

_REFRESH_ERROR = "errcat.refresh_error"
_ATTEMPTS = "errcat.attempts"


def error_from_response(response: httpx.Response) -> ApiError:
    """The typed exception for an error response (its body must have been read)."""
    text = _text(response)
    error = ApiError.from_response(response.status_code, response.content)
    error.raw_body = text
    if error.request_id is None:
        error.request_id = response.headers.get("x-request-id")
    header = response.headers.get("retry-after")
    error.retry_after = parse_retry_after(header) if header is not None else None
    cause = response.extensions.get(_REFRESH_ERROR)
    if isinstance(cause, BaseException):
        error.__cause__ = cause
    return error


def raise_for_error(response: httpx.Response) -> None:
    """Raise the typed exception of ``response`` when its status is 4xx or 5xx."""
    if response.status_code >= 400:
        response.read()
        raise error_from_response(response)


def raise_on_error(response: httpx.Response) -> None:
    """A response event hook for ``httpx.Client``: raise the typed exception of an error response."""
    raise_for_error(response)


async def araise_on_error(response: httpx.Response) -> None:
    """A response event hook for ``httpx.AsyncClient``."""
    if response.status_code >= 400:
        await response.aread()
        raise error_from_response(response)


def _text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


# --- retrying -----------------------------------------------------------------------------


class _Failure:
    """A failed response as the policy reads it: status, code (when the body names one), headers."""

    __slots__ = ("code", "headers", "status")

    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.code = ApiError.from_response(response.status_code, response.content).code
        self.headers = response.headers


class _Retrying:
    """The decisions both transports share."""

    def __init__(
        self,
        policy: RetryPolicy | None,
        refresh: object,
        random: Callable[[], float],
        on_retry: Callable[[int, float, object], object] | None,
    ) -> None:
        self.policy = policy or RetryPolicy.from_catalog()
        self.can_refresh = refresh is not None
        self.random = random
        self.on_retry = on_retry
        self.retries = 0

    def step(self, attempt: int, failure: object) -> float | str | None:
        """After failed attempt ``attempt``: the wait before the next one, ``"refresh"``, or None to stop."""
        action = self.policy.action(failure)
        if action is Action.REFRESH and self.can_refresh:
            self.can_refresh = False  # once: a second 401 is final
            return "refresh"
        if action is not Action.RETRY or attempt >= self.policy.max_attempts:
            return None
        self.retries += 1
        wait = self.policy.wait(self.retries, retry_after_of(failure), self.random)
        if wait is not None and self.on_retry is not None:
            self.on_retry(attempt, wait, failure)
        return wait


def _finish(
    response: httpx.Response, attempts: int, refresh_error: BaseException | None = None
) -> httpx.Response:
    extensions = {**response.extensions, _ATTEMPTS: attempts}
    if refresh_error is not None:
        extensions[_REFRESH_ERROR] = refresh_error
    response.extensions = extensions
    return response


def _with_token(request: httpx.Request, token: str) -> httpx.Request:
    headers = httpx.Headers(request.headers)
    headers["Authorization"] = f"Bearer {token}"
    return httpx.Request(
        request.method, request.url, headers=headers, content=request.content, extensions=request.extensions
    )


class RetryingTransport(httpx.BaseTransport):
    """An httpx transport that retries as the catalog's policy says and refreshes credentials on a 401."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        refresh: Callable[[], str] | None = None,
        sleep: Callable[[float], object] = time.sleep,
        random: Callable[[], float] = _random.random,
        on_retry: Callable[[int, float, object], object] | None = None,
    ) -> None:
        self.transport = transport or httpx.HTTPTransport()
        self.policy = policy or RetryPolicy.from_catalog()
        self.refresh = refresh
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body is sent again on a retry
        retrying = _Retrying(self.policy, self.refresh, self.random, self.on_retry)
        attempt = 0
        while True:
            attempt += 1
            response: httpx.Response | None = None
            try:
                response = self.transport.handle_request(request)
            except httpx.TransportError as exc:
                step = retrying.step(attempt, exc)
                if step is None:
                    raise
            else:
                if response.status_code < 400:
                    return _finish(response, attempt)
                response.read()
                step = retrying.step(attempt, _Failure(response))
                if step is None:
                    return _finish(response, attempt)
                response.close()
            if step == "refresh":
                assert self.refresh is not None and response is not None
                try:
                    token = self.refresh()
                except Exception as exc:
                    return _finish(response, attempt, exc)
                request = _with_token(request, token)
            else:
                self.sleep(float(step))

    def close(self) -> None:
        self.transport.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """:class:`RetryingTransport` for ``httpx.AsyncClient``; ``refresh`` may be a coroutine function."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        refresh: Callable[[], str | Awaitable[str]] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        on_retry: Callable[[int, float, object], object] | None = None,
    ) -> None:
        self.transport = transport or httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy.from_catalog()
        self.refresh = refresh
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        retrying = _Retrying(self.policy, self.refresh, self.random, self.on_retry)
        attempt = 0
        while True:
            attempt += 1
            response: httpx.Response | None = None
            try:
                response = await self.transport.handle_async_request(request)
            except httpx.TransportError as exc:
                step = retrying.step(attempt, exc)
                if step is None:
                    raise
            else:
                if response.status_code < 400:
                    return _finish(response, attempt)
                await response.aread()
                step = retrying.step(attempt, _Failure(response))
                if step is None:
                    return _finish(response, attempt)
                await response.aclose()
            if step == "refresh":
                assert self.refresh is not None and response is not None
                try:
                    token = self.refresh()
                    if not isinstance(token, str):
                        token = await token
                except Exception as exc:
                    return _finish(response, attempt, exc)
                request = _with_token(request, token)
            else:
                await self.sleep(float(step))

    async def aclose(self) -> None:
        await self.transport.aclose()
