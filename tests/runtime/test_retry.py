"""errcat.runtime.retry: the policy comes from the catalog, and the loop does what the policy says."""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fake_time import FakeTime

import partner_invoicing_errors as codes
from errcat.runtime import retry
from errcat.runtime.retry import (
    RETRY_AFTER_CAP,
    Action,
    DeadlineExceeded,
    RetryPolicy,
    existing_resource_hint,
    should_retry,
)
from errcat.toolchain.load import load
from partner_invoicing_errors import (
    DuplicateExternalId,
    InternalError,
    InvalidToken,
    InvoiceNotFound,
    PermissionDenied,
    RateLimitExceeded,
    ServiceUnavailable,
    ValidationFailed,
)


@pytest.fixture(scope="module")
def policy() -> RetryPolicy:
    return RetryPolicy.of(codes)


def test_the_policy_is_the_catalogs(policy: RetryPolicy, catalog_path: object) -> None:
    catalog = load(catalog_path).catalog  # type: ignore[arg-type]
    assert catalog is not None
    data = catalog.retry_policy
    assert policy.retry_statuses == frozenset(data.retry_statuses)
    assert policy.transport_failures == frozenset(t.id for t in data.transport_failures)
    assert (policy.base_delay, policy.multiplier, policy.max_delay, policy.max_attempts, policy.jitter) == (
        data.backoff.base_delay_seconds,
        data.backoff.multiplier,
        data.backoff.max_delay_seconds,
        data.backoff.max_attempts,
        data.backoff.jitter,
    )
    assert policy.delays() == tuple(data.backoff.delay(n) for n in range(1, data.backoff.max_attempts))
    assert policy.delays() == (1.0, 2.0, 4.0, 8.0)


@pytest.mark.parametrize(
    ("error", "action"),
    [
        (InternalError(), Action.RETRY),
        (ServiceUnavailable(), Action.RETRY),
        (RateLimitExceeded(), Action.RETRY),
        (InvalidToken(), Action.REFRESH),
        (DuplicateExternalId(), Action.USE_EXISTING),
        (InvoiceNotFound(), Action.STOP),
        (PermissionDenied(), Action.STOP),
        (ValidationFailed(), Action.STOP),
        (TimeoutError(), Action.RETRY),
        (ConnectionRefusedError(), Action.RETRY),
        (ValueError(), Action.STOP),
        (502, Action.STOP),  # not in the catalog's retry_statuses
        (500, Action.RETRY),
        (401, Action.REFRESH),
        (404, Action.STOP),
    ],
)
def test_actions(policy: RetryPolicy, error: object, action: Action) -> None:
    assert policy.action(error) is action
    assert should_retry(error, policy) is (action is Action.RETRY)


def test_every_code_acts_as_its_catalog_strategy(policy: RetryPolicy) -> None:
    from partner_invoicing_errors import ApiError

    for member in codes.ErrorCode:
        error = ApiError.from_response(member.status_code, {"error": {"code": member.value, "message": "m"}})
        assert policy.action(error).value == member.retry_strategy, member


def test_unknown_code_falls_back_on_its_status(policy: RetryPolicy) -> None:
    from partner_invoicing_errors import ApiError

    newer = ApiError.from_response(503, {"error": {"code": "brand_new_outage", "message": "m"}})
    assert policy.action(newer) is Action.RETRY
    newer_404 = ApiError.from_response(404, {"error": {"code": "brand_new_missing", "message": "m"}})
    assert policy.action(newer_404) is Action.STOP


@given(retry=st.integers(1, 60), r=st.floats(0, 1))
def test_jitter_stays_within_the_nominal_delay(retry: int, r: float) -> None:
    policy = RetryPolicy.of(codes)
    nominal = policy.delay(retry)
    assert nominal <= policy.max_delay
    assert 0 <= policy.replace(jitter="full").jittered(retry, lambda: r) <= nominal
    assert nominal / 2 <= policy.replace(jitter="equal").jittered(retry, lambda: r) <= nominal
    assert policy.replace(jitter="none").jittered(retry, lambda: r) == nominal


def test_retry_after_wins_when_longer_and_ends_retries_when_too_long(policy: RetryPolicy) -> None:
    assert policy.wait(1, retry_after=7, random=lambda: 1.0) == 7
    assert policy.wait(3, retry_after=1, random=lambda: 1.0) == 4.0
    assert policy.max_retry_after is not None
    assert policy.wait(1, retry_after=policy.max_retry_after + 1, random=lambda: 1.0) is None
    assert policy.replace(honor_retry_after=False).wait(1, retry_after=7, random=lambda: 1.0) == 1.0


def test_call_retries_then_succeeds_with_the_policys_delays(policy: RetryPolicy) -> None:
    outcomes: list[object] = [InternalError(), ServiceUnavailable(), "done"]
    slept: list[float] = []

    def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    assert policy.call(attempt, sleep=slept.append, random=lambda: 1.0) == "done"
    assert slept == [1.0, 2.0]


def test_call_gives_up_after_max_attempts(policy: RetryPolicy) -> None:
    calls = 0
    slept: list[float] = []

    def attempt() -> None:
        nonlocal calls
        calls += 1
        raise TimeoutError("slow")

    with pytest.raises(TimeoutError):
        policy.call(attempt, sleep=slept.append, random=lambda: 0.5)
    assert calls == policy.max_attempts
    assert slept == [d * 0.5 for d in policy.delays()]


def test_call_refreshes_once_on_401(policy: RetryPolicy) -> None:
    tokens = ["old"]
    refreshed: list[str] = []

    def attempt() -> str:
        if tokens[-1] == "old":
            raise InvalidToken()
        return tokens[-1]

    def refresh() -> None:
        refreshed.append("x")
        tokens.append("new")

    assert policy.call(attempt, refresh=refresh, sleep=pytest.fail) == "new"
    assert refreshed == ["x"]

    # A refresh that does not help: the second 401 is final, and no sleep happens.
    with pytest.raises(InvalidToken):
        policy.call(lambda: (_ for _ in ()).throw(InvalidToken()), refresh=lambda: None, sleep=pytest.fail)
    # No refresh callback: the 401 is final at once.
    with pytest.raises(InvalidToken):
        policy.call(lambda: (_ for _ in ()).throw(InvalidToken()), sleep=pytest.fail)


def test_acall_is_the_same_loop_for_coroutines(policy: RetryPolicy) -> None:
    outcomes: list[object] = [TimeoutError(), InvalidToken(), "ok"]
    slept: list[float] = []
    refreshed: list[bool] = []

    async def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    async def refresh() -> None:
        refreshed.append(True)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = asyncio.run(policy.acall(attempt, refresh=refresh, sleep=sleep, random=lambda: 1.0))
    assert (result, slept, refreshed) == ("ok", [1.0], [True])


def test_existing_resource_hint() -> None:
    error = DuplicateExternalId(external_id="order-1", existing_invoice_id="inv_1")
    assert existing_resource_hint(error) == {"external_id": "order-1", "existing_invoice_id": "inv_1"}
    assert existing_resource_hint(InvoiceNotFound(invoice_id="inv_1")) == {}


def test_wait_never_asks_for_an_unbounded_sleep(policy: RetryPolicy) -> None:
    endless = policy.replace(max_retry_after=None)
    assert endless.wait(1, retry_after=math.inf, random=lambda: 1.0) == RETRY_AFTER_CAP
    assert endless.wait(1, retry_after=math.nan, random=lambda: 1.0) == 1.0  # NaN says nothing
    assert policy.wait(1, retry_after=math.inf, random=lambda: 1.0) is None  # past max_retry_after: stop


# --- the total deadline of the loops --------------------------------------------------------------


def test_call_starts_no_wait_that_would_end_past_the_deadline(policy: RetryPolicy) -> None:
    """A Retry-After of 2 s with a 5 s deadline: waits at 0 s and 2 s, then the failure itself is raised."""
    fake = FakeTime()
    calls = 0

    def attempt() -> None:
        nonlocal calls
        calls += 1
        raise ServiceUnavailable(retry_after=2)

    with pytest.raises(ServiceUnavailable):
        policy.call(attempt, sleep=fake.sleep, random=lambda: 0.0, deadline=5.0, clock=fake.clock)
    assert fake.slept == [2.0, 2.0] and calls == 3


def test_call_without_a_deadline_waits_as_before(policy: RetryPolicy) -> None:
    fake = FakeTime()
    with pytest.raises(ServiceUnavailable):
        policy.call(
            lambda: (_ for _ in ()).throw(ServiceUnavailable(retry_after=2)),
            sleep=fake.sleep,
            random=lambda: 0.0,
            clock=fake.clock,
        )
    assert fake.slept == [2.0] * 4  # every retry the policy allows


def test_call_makes_no_attempt_after_a_refresh_that_ran_past_the_deadline(policy: RetryPolicy) -> None:
    fake = FakeTime()
    calls = 0

    def attempt() -> None:
        nonlocal calls
        calls += 1
        raise InvalidToken()

    def refresh() -> None:
        fake.now += 10

    with pytest.raises(InvalidToken):
        policy.call(attempt, refresh=refresh, sleep=fake.sleep, deadline=5.0, clock=fake.clock)
    assert calls == 1


def test_acall_cuts_an_attempt_short_at_the_deadline(policy: RetryPolicy) -> None:
    calls = 0

    async def attempt() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise InternalError()
        await asyncio.sleep(30)  # a hung attempt

    async def sleep(seconds: float) -> None:
        pass

    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as caught:
        asyncio.run(policy.acall(attempt, sleep=sleep, random=lambda: 0.0, deadline=0.2))
    assert time.monotonic() - started < 1.5
    assert (caught.value.deadline, caught.value.attempts, calls) == (0.2, 2, 2)
    assert isinstance(caught.value, TimeoutError)


def test_acall_retries_an_attempts_own_timeout_within_the_deadline(policy: RetryPolicy) -> None:
    """A TimeoutError the attempt raises itself is a failure like any other, not the deadline."""
    outcomes: list[object] = [TimeoutError("slow upstream"), "ok"]

    async def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    fake = FakeTime()
    result = asyncio.run(policy.acall(attempt, sleep=fake.asleep, random=lambda: 1.0, deadline=60.0))
    assert result == "ok" and fake.slept == [1.0]


@pytest.mark.parametrize("deadline", [0, -1.0, math.nan, math.inf, 10**400, True, "5"])
def test_a_loop_deadline_is_a_positive_number_of_seconds(policy: RetryPolicy, deadline: Any) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        policy.call(lambda: None, deadline=deadline)


def test_importing_retry_imports_neither_asyncio_nor_email() -> None:
    """The runtime's import stays light: asyncio (about 40 ms) and email.utils load when used."""
    script = (
        "import sys\nimport errcat.runtime.retry\n"
        "print(sorted({'asyncio', 'email.utils', 'httpx'} & set(sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(retry.__file__).parents[2])}
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert shown.stdout.strip() == "[]", shown.stderr
