"""Retrying as the catalog says: what to retry, how long to wait, and when to stop.

The policy is a catalog's ``retry_policy`` and each code's retry strategy, as a
generated package carries them; nothing here keeps a table of its own::

    >>> import acme_errors
    >>> policy = RetryPolicy.of(acme_errors)   # the same as acme_errors.CATALOG.retry_policy
    >>> policy.delays()                        # nominal waits before retries 1, 2, ...
    (1.0, 2.0, 4.0, 8.0)
    >>> policy.action(acme_errors.NotFound())  # a 404 is never retried
    <Action.STOP: 'do_not_retry'>

What a failure calls for (:meth:`RetryPolicy.action`):

==========================  =================================================
``Action.RETRY``            5xx and 429 (the catalog's ``retry_statuses`` and codes whose
                            strategy is ``backoff``), timeouts, connection errors
``Action.REFRESH``          401: refresh the credentials once, then retry
``Action.USE_EXISTING``     409 ``duplicate_external_id``: the resource exists; its id is in the
                            error's metadata (:func:`existing_resource_hint`)
``Action.STOP``             any other 4xx: fix the request first
==========================  =================================================

Waits use exponential backoff with jitter (full jitter by default: a uniform
random wait between 0 and the nominal delay), capped, for at most
``max_attempts`` attempts in all. A ``Retry-After`` header (seconds or an HTTP
date) that asks for longer wins, up to ``max_retry_after_seconds``; one that
asks for more than that ends the retries. Every Retry-After is read by
:func:`~errcat.runtime.failures.parse_retry_after`, which never raises and never answers more than
:data:`RETRY_AFTER_CAP` (an absurd value still means "longer than any policy waits").
:meth:`RetryPolicy.call` and :meth:`RetryPolicy.acall` run the loop for sync and
async callables with an injectable ``sleep``, ``random`` and ``clock``, so tests never wait.

A loop may be given a total ``deadline`` in seconds. It never starts a wait that would
end past the deadline: it gives up at once with the last failure instead (the error or
the response the caller would have had after the last attempt). :meth:`RetryPolicy.acall`
also cuts an attempt still running at the deadline short, with :class:`DeadlineExceeded`;
:meth:`RetryPolicy.call` cannot interrupt a plain callable, whose own timeouts bound it.

This module is part of the runtime: standard library only. (tenacity and
stamina were considered: the catalog-driven classification, the one-shot
credential refresh and the Retry-After rules are most of the logic, and would
have to be written as callbacks for either, at the cost of a dependency.)
"""

from __future__ import annotations

import dataclasses
import enum
import math
import random as _random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from errcat.runtime.failures import (
    CONNECTION_ERROR,
    RETRY_AFTER_CAP,
    TIMEOUT,
    bounded_retry_after,
    parse_retry_after,
    retry_after_of,
    status_of,
    transport_failure,
)

if TYPE_CHECKING:  # asyncio is imported by the code that needs it
    from errcat.runtime import CatalogCode
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = [
    "CONNECTION_ERROR",
    "RETRY_AFTER_CAP",
    "TIMEOUT",
    "Action",
    "DeadlineExceeded",
    "RetryPolicy",
    "backoff_delay",
    "checked_deadline",
    "existing_resource_hint",
    "parse_retry_after",
    "retry_after_of",
    "should_retry",
    "status_of",
    "transport_failure",
]

T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    """The total deadline of a retry loop passed while an attempt was still under way.

    ``deadline`` is the total the loop was given, in seconds, and ``attempts`` the number
    of attempts it had started. A :class:`TimeoutError`, so ``except TimeoutError`` sees it.
    """

    deadline: float | None
    attempts: int

    def __init__(self, message: str, *, deadline: float | None = None, attempts: int = 0) -> None:
        super().__init__(message)
        self.deadline = deadline
        self.attempts = attempts


class Action(enum.StrEnum):
    """What a client does about one failed attempt."""

    RETRY = "backoff"
    REFRESH = "refresh_credentials"
    USE_EXISTING = "use_existing_resource"
    STOP = "do_not_retry"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Which failures are retried and how long to wait before each retry.

    ``codes`` is the code enum of the catalog the policy comes from: it gives the retry
    strategy of a code received as a plain string. Build one with :meth:`of`, or by hand.
    """

    retry_statuses: frozenset[int]
    transport_failures: frozenset[str] = frozenset({TIMEOUT, CONNECTION_ERROR})
    base_delay: float = 1.0
    multiplier: float = 2.0
    max_delay: float = 30.0
    max_attempts: int = 5
    jitter: str = "full"  # full, equal or none
    honor_retry_after: bool = True
    max_retry_after: float | None = None
    codes: type[CatalogCode] | None = dataclasses.field(default=None, compare=False)

    @classmethod
    def of(cls, errors: ErrorPackage | ErrorCatalog) -> RetryPolicy:
        """The policy of a generated package's catalog: ``RetryPolicy.of(acme_errors)``."""
        from errcat.runtime.catalog import catalog_of

        return catalog_of(errors).retry_policy

    def replace(self, **changes: Any) -> RetryPolicy:
        return dataclasses.replace(self, **changes)

    # --- the schedule ----------------------------------------------------------------------

    def delay(self, retry: int) -> float:
        """The nominal wait before retry number ``retry`` (1 for the first retry), before jitter."""
        return backoff_delay(retry, self.base_delay, self.multiplier, self.max_delay)

    def delays(self) -> tuple[float, ...]:
        """The nominal waits before each retry the policy allows (``max_attempts - 1`` of them)."""
        return tuple(self.delay(retry) for retry in range(1, self.max_attempts))

    def jittered(self, retry: int, random: Callable[[], float] = _random.random) -> float:
        """The wait before retry ``retry`` with the policy's jitter applied."""
        nominal = self.delay(retry)
        if self.jitter == "full":
            return nominal * random()
        if self.jitter == "equal":
            return nominal / 2 + nominal / 2 * random()
        return nominal

    def wait(
        self, retry: int, retry_after: float | None = None, random: Callable[[], float] = _random.random
    ) -> float | None:
        """How long to wait before retry ``retry``.

        None when the server's Retry-After asks for longer than the policy allows. A
        Retry-After that is not a number of seconds (NaN) is ignored, a negative one is 0
        and one past :data:`RETRY_AFTER_CAP` is the cap.
        """
        wait = self.jittered(retry, random)
        retry_after = bounded_retry_after(retry_after)
        if retry_after is not None and self.honor_retry_after:
            if self.max_retry_after is not None and retry_after > self.max_retry_after:
                return None
            wait = max(wait, retry_after)
        return wait

    # --- what a failure calls for ----------------------------------------------------------

    def action(self, outcome: object) -> Action:
        """What to do about ``outcome``: an ``ApiError``, a response, a status or a transport exception."""
        failure = transport_failure(outcome)
        if failure is not None:
            return Action.RETRY if failure in self.transport_failures else Action.STOP
        status = status_of(outcome)
        if status is None or status < 400:
            return Action.STOP
        strategy = _strategy_of_code(getattr(outcome, "code", None), self.codes)
        if strategy is not None:
            return Action(strategy)
        if status == 401:
            return Action.REFRESH
        return Action.RETRY if status in self.retry_statuses else Action.STOP

    def should_retry(self, outcome: object) -> bool:
        """Whether ``outcome`` is retried with backoff (401 is not: it needs a credential refresh first)."""
        return self.action(outcome) is Action.RETRY

    # --- the loops -------------------------------------------------------------------------

    def call(
        self,
        attempt: Callable[[], T],
        *,
        refresh: Callable[[], object] | None = None,
        sleep: Callable[[float], object] = time.sleep,
        random: Callable[[], float] = _random.random,
        on_retry: Callable[[int, float, object], object] | None = None,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> T:
        """Call ``attempt`` until it succeeds or the policy gives up.

        ``attempt`` raises on failure (an ``ApiError`` or a transport exception) or returns
        the result. On a 401, ``refresh`` (when given) is called once and the attempt
        repeated; a second 401, or a refresh that raises, ends the loop with that error.
        ``on_retry(attempt_number, wait, failure)`` is told of every wait.

        ``deadline`` (seconds, measured by ``clock`` from this call) ends the loop with the
        last failure rather than start a wait that would end past it, or an attempt after
        it. An attempt already running is not interrupted: its own timeouts bound it.
        """
        state = _Loop(self, refresh is not None, deadline, clock)
        while True:
            try:
                return attempt()
            except Exception as failure:  # classified by the policy; re-raised when final
                step = state.next(failure, random)
                if step is None:
                    raise
                if isinstance(step, str):  # "refresh"
                    assert refresh is not None
                    refresh()
                    if state.expired():
                        raise
                    continue
                if on_retry is not None:
                    on_retry(state.attempts, step, failure)
                sleep(step)

    async def acall(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        refresh: Callable[[], Awaitable[object]] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        random: Callable[[], float] = _random.random,
        on_retry: Callable[[int, float, object], object] | None = None,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> T:
        """:meth:`call` for coroutines (``sleep`` defaults to :func:`asyncio.sleep`).

        With a ``deadline``, an attempt still running when it passes is cancelled and
        :class:`DeadlineExceeded` raised.
        """
        import asyncio

        pause = asyncio.sleep if sleep is None else sleep
        state = _Loop(self, refresh is not None, deadline, clock)
        while True:
            scope: asyncio.Timeout | None = None
            try:
                if state.end is None:
                    return await attempt()
                async with asyncio.timeout(state.end - clock()) as scope:
                    return await attempt()
            except Exception as failure:  # classified by the policy; re-raised when final
                if scope is not None and scope.expired():
                    raise state.exceeded() from failure
                step = state.next(failure, random)
                if step is None:
                    raise
                if isinstance(step, str):  # "refresh"
                    assert refresh is not None
                    await refresh()
                    if state.expired():
                        raise
                    continue
                if on_retry is not None:
                    on_retry(state.attempts, step, failure)
                await pause(step)


class _Loop:
    """The bookkeeping both loops share: attempts made, whether the refresh was spent, the deadline."""

    __slots__ = ("attempts", "can_refresh", "clock", "deadline", "end", "policy", "retries")

    def __init__(
        self,
        policy: RetryPolicy,
        can_refresh: bool,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.attempts = 0
        self.retries = 0
        self.can_refresh = can_refresh
        self.clock = clock
        self.deadline = checked_deadline(deadline)
        self.end = None if self.deadline is None else clock() + self.deadline

    def expired(self) -> bool:
        """Whether the deadline has passed: no attempt may start."""
        return self.end is not None and self.clock() >= self.end

    def exceeded(self) -> DeadlineExceeded:
        """The error for an attempt cut short by the deadline."""
        assert self.deadline is not None
        return DeadlineExceeded(
            f"no answer within the {self.deadline:g} s deadline (attempt {self.attempts + 1})",
            deadline=self.deadline,
            attempts=self.attempts + 1,
        )

    def next(self, failure: object, random: Callable[[], float]) -> float | str | None:
        """The wait before the next attempt, ``"refresh"``, or None to give up."""
        self.attempts += 1
        action = self.policy.action(failure)
        if action is Action.REFRESH:
            if not self.can_refresh:
                return None
            self.can_refresh = False  # once only: a second 401 is final
            return "refresh"
        if action is not Action.RETRY or self.attempts >= self.policy.max_attempts:
            return None
        wait = self.policy.wait(self.retries + 1, retry_after_of(failure), random)
        if wait is None or (self.end is not None and self.clock() + wait >= self.end):
            return None  # the wait is too long for the policy, or would end past the deadline
        self.retries += 1
        return wait


def checked_deadline(deadline: float | None) -> float | None:
    """``deadline`` as a float of seconds, when it is a positive finite number, or None.

    Anything else is a :class:`ValueError` at once, not a failure of every later request:
    ``True`` (a bool is not a duration), ``"5"``, NaN, infinity, an integer no float holds.
    """
    if deadline is None:
        return None
    if isinstance(deadline, (int, float)) and not isinstance(deadline, bool):
        try:
            seconds = float(deadline)
        except OverflowError:
            seconds = math.inf
        if 0 < seconds < math.inf:
            return seconds
    raise ValueError(f"a deadline is a positive number of seconds, not {deadline!r:.40}")


def backoff_delay(retry: int, base: float, multiplier: float, cap: float) -> float:
    """Exponential backoff: ``min(cap, base * multiplier ** (retry - 1))`` for retry 1, 2, ...

    The one formula behind every schedule: the retry loops here and the reference
    site's table of delays (through the catalog model) both call it.
    """
    if retry < 1:
        raise ValueError("retries are counted from 1")
    return float(min(cap, base * multiplier ** (retry - 1)))


def should_retry(outcome: object, policy: RetryPolicy) -> bool:
    """Whether ``policy`` retries ``outcome`` with backoff."""
    return policy.should_retry(outcome)


def existing_resource_hint(error: object) -> dict[str, Any]:
    """The metadata that names the existing resource of a ``use_existing_resource`` error (else ``{}``).

    For a code such as ``duplicate_external_id`` that is its metadata, e.g.
    ``{"external_id": ..., "existing_invoice_id": ...}``.
    """
    if _strategy_of_code(getattr(error, "code", None)) != Action.USE_EXISTING.value:
        return {}
    metadata = getattr(error, "metadata", None)
    return dict(metadata) if isinstance(metadata, Mapping) else {}


def _strategy_of_code(code: object, codes: type[CatalogCode] | None = None) -> str | None:
    """The catalog's retry strategy of a code (a member of a code enum, or a code of ``codes``).

    None when the code is unknown: a plain string that ``codes`` does not hold.
    """
    strategy = getattr(code, "retry_strategy", None)
    if isinstance(strategy, str):
        return strategy
    if codes is not None and isinstance(code, str) and code:
        member = codes._value2member_map_.get(code) or codes._lookup_.get(code)
        if member is not None:
            found: str = getattr(member, "retry_strategy")  # noqa: B009  # a CatalogCode member
            return found
    return None
