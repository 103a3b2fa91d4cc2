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
gives the existing resource's id from the raised error. ``sleep`` and ``random`` are
injectable, and ``on_retry(attempt, delay, failure)`` sees every wait.

Needs ``errcat[httpx]``.
"""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any

import httpx

from errcat.runtime.catalog import catalog_of
from errcat.runtime.errors import ApiError
from errcat.runtime.retry import Action, RetryPolicy, parse_retry_after, retry_after_of

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

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


class _Failure:
    """A failed response as the policy reads it: status, code (when the body names one), headers."""

    __slots__ = ("code", "headers", "status")

    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.code = ApiError.from_response(response.status_code, response.content).code  # the raw code
        self.headers = response.headers


# The retry protocol, once, without I/O: a generator that yields what to do next
# (send, read, close, refresh, sleep) and receives its result; each transport runs it
# with its own kind of I/O. Exceptions from sending are thrown into the generator.
_SEND, _READ, _CLOSE, _REFRESH, _SLEEP = "send", "read", "close", "refresh", "sleep"
Step = tuple[str, Any]


def _protocol(
    request: httpx.Request,
    policy: RetryPolicy,
    can_refresh: bool,
    random: Callable[[], float],
    on_retry: Callable[[int, float, object], object] | None,
) -> Generator[Step, Any, httpx.Response]:
    retries = 0
    attempt = 0
    while True:
        attempt += 1
        try:
            response: httpx.Response = yield (_SEND, request)
        except httpx.TransportError as exc:
            failure: object = exc
            response = None  # type: ignore[assignment]
        else:
            if response.status_code < 400:
                return _finish(response, attempt)
            yield (_READ, response)
            failure = _Failure(response)
        action = policy.action(failure)
        if action is Action.REFRESH and can_refresh and response is not None:
            can_refresh = False  # once: a second 401 is final
            try:
                token = yield (_REFRESH, None)
            except Exception as exc:  # the refresh failed: give up with the 401 it could not fix
                return _finish(response, attempt, exc)
            yield (_CLOSE, response)
            request = _with_token(request, token)
            continue
        wait = None
        if action is Action.RETRY and attempt < policy.max_attempts:
            wait = policy.wait(retries + 1, retry_after_of(failure), random)
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


def _with_token(request: httpx.Request, token: str) -> httpx.Request:
    headers = httpx.Headers(request.headers)
    headers["Authorization"] = f"Bearer {token}"
    return httpx.Request(
        request.method, request.url, headers=headers, content=request.content, extensions=request.extensions
    )


def _policy(errors: ErrorPackage | ErrorCatalog | None, policy: RetryPolicy | None, name: str) -> RetryPolicy:
    if policy is not None:
        return policy
    if errors is None:
        raise TypeError(
            f"{name} needs the generated package whose policy it applies: {name}(errors=acme_errors)"
        )
    return catalog_of(errors).retry_policy


class RetryingTransport(httpx.BaseTransport):
    """An httpx transport that retries as a catalog's policy says and refreshes credentials on a 401.

    ``errors`` is the generated package whose policy it applies; ``policy`` a policy of one's own instead.
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
    ) -> None:
        self.transport = transport or httpx.HTTPTransport()
        self.policy = _policy(errors, policy, type(self).__name__)
        self.refresh = refresh
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body is sent again on a retry
        steps = _protocol(request, self.policy, self.refresh is not None, self.random, self.on_retry)
        result: Any = None
        failure: BaseException | None = None
        while True:
            try:
                op, arg = steps.throw(failure) if failure is not None else steps.send(result)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            result = failure = None
            try:
                if op == _SEND:
                    result = self.transport.handle_request(arg)
                elif op == _READ:
                    arg.read()
                elif op == _CLOSE:
                    arg.close()
                elif op == _REFRESH:
                    assert self.refresh is not None
                    result = self.refresh()
                else:
                    self.sleep(arg)
            except Exception as exc:  # handed to the protocol, which decides what it means
                failure = exc

    def close(self) -> None:
        self.transport.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """:class:`RetryingTransport` for ``httpx.AsyncClient``; ``refresh`` may be a coroutine function."""

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
    ) -> None:
        self.transport = transport or httpx.AsyncHTTPTransport()
        self.policy = _policy(errors, policy, type(self).__name__)
        self.refresh = refresh
        self.sleep = sleep
        self.random = random
        self.on_retry = on_retry

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        steps = _protocol(request, self.policy, self.refresh is not None, self.random, self.on_retry)
        result: Any = None
        failure: BaseException | None = None
        while True:
            try:
                op, arg = steps.throw(failure) if failure is not None else steps.send(result)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            result = failure = None
            try:
                if op == _SEND:
                    result = await self.transport.handle_async_request(arg)
                elif op == _READ:
                    await arg.aread()
                elif op == _CLOSE:
                    await arg.aclose()
                elif op == _REFRESH:
                    assert self.refresh is not None
                    result = self.refresh()
                    if not isinstance(result, str):
                        result = await result
                else:
                    await self.sleep(arg)
            except Exception as exc:  # handed to the protocol, which decides what it means
                failure = exc

    async def aclose(self) -> None:
        await self.transport.aclose()
