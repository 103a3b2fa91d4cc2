"""The total deadline of a retrying transport: the time left, and cutting a network wait short at it.

A :class:`Budget` is one request's deadline. The synchronous transport cannot interrupt a
blocking socket read, so it waits for each network call on a worker thread and stops
waiting at the deadline (:func:`within`); the asynchronous one cancels the call, through
anyio, so asyncio and trio alike (:func:`cancel_at`). A response handed back to the
caller reads its body within what is left (:func:`bound_body`). See
:mod:`errcat.integrations.httpx`.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

import httpx

from errcat.runtime import retry

__all__ = ["Budget", "DeadlineExceeded", "Expired", "bound_body", "cancel_at", "close", "within"]

T = TypeVar("T")


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


class Expired(Exception):
    """The deadline passed during a step (turned into :class:`DeadlineExceeded` by the transport)."""


class Budget:
    """One request's deadline: the time left, and the error for a step it cut short."""

    __slots__ = ("attempts", "clock", "deadline", "end", "request")

    def __init__(self, request: httpx.Request, deadline: float, clock: Callable[[], float]) -> None:
        self.request = request
        self.deadline = deadline
        self.clock = clock
        self.end = clock() + deadline
        self.attempts = 0

    def left(self) -> float:
        """The seconds left; :class:`Expired` when none are."""
        left = self.end - self.clock()
        if left <= 0:
            raise Expired
        return left

    def attempt(self) -> float:
        """Count an attempt that starts now; the seconds it has (:class:`Expired` when none are)."""
        left = self.left()
        self.attempts += 1
        return left

    def exceeded(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"no response within the {self.deadline:g} s deadline (attempt {self.attempts})",
            request=self.request,
            deadline=self.deadline,
            attempts=self.attempts,
        )


def within(call: Callable[[], T], timeout: float, on_late: Callable[[T | None], object]) -> T:
    """``call()`` on a daemon thread, waited for at most ``timeout`` seconds (:class:`Expired` past that).

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
        raise Expired
    result, error = outcome[0]
    if error is not None:
        raise error
    return result  # type: ignore[return-value]  # None only with an error


def _late(on_late: Callable[[T | None], object], result: T | None) -> None:
    with contextlib.suppress(Exception):  # nobody is left to be told
        on_late(result)


def close(response: httpx.Response | None) -> None:
    """An ``on_late`` for sending a request: close the response it got, if any."""
    if response is not None:
        response.close()


async def cancel_at(
    call: Callable[[], Awaitable[T]], budget: Budget, cleanup: Callable[[], Awaitable[object]] | None = None
) -> T:
    """``await call()``, cancelled at the deadline (:class:`Expired`, after ``cleanup``)."""
    import anyio

    with anyio.move_on_after(budget.left()) as scope:
        return await call()
    if cleanup is not None and scope.cancelled_caught:
        await cleanup()
    raise Expired


def bound_body(response: httpx.Response, budget: Budget | None, *, asynchronous: bool) -> httpx.Response:
    """``response``, its body (when still unread) to be read within ``budget``; as it is without one."""
    if budget is None or response.is_stream_consumed:
        return response
    stream = response.stream
    if asynchronous:
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _AsyncDeadlineStream(stream, budget)
    else:
        assert isinstance(stream, httpx.SyncByteStream)
        response.stream = _SyncDeadlineStream(stream, budget)
    return response


class _SyncDeadlineStream(httpx.SyncByteStream):
    """A response body whose reading ends at the deadline, each chunk waited for on a worker thread."""

    def __init__(self, stream: httpx.SyncByteStream, budget: Budget) -> None:
        self._stream = stream
        self._budget = budget
        self._abandoned = False

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            try:
                chunk = within(lambda: next(chunks, None), self._budget.left(), self._close_late)
            except Expired:
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

    def __init__(self, stream: httpx.AsyncByteStream, budget: Budget) -> None:
        self._stream = stream
        self._budget = budget

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import anyio

        chunks = self._stream.__aiter__()
        while True:
            try:
                left = self._budget.left()
            except Expired:
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
