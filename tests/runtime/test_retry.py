"""errcat.runtime.retry: the policy comes from the catalog, and the loop does what the policy says."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import partner_invoicing_errors as codes
from errcat.runtime.retry import Action, RetryPolicy, existing_resource_hint, parse_retry_after, should_retry
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


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 120 ") == 120.0
    later = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(later, now=now) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0.0  # in the past: no wait
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    assert parse_retry_after("\u00b2") is None  # a latin-1 byte that str.isdigit() calls a digit


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
