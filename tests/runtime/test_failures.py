"""errcat.runtime.failures: what kind of failure, which status, and a Retry-After read safely.

A Retry-After is read from a header by :func:`parse_retry_after` and from a failure by
:func:`retry_after_of`; neither raises, and neither answers NaN, a negative number or
more than :data:`RETRY_AFTER_CAP`, whatever the text or the value set by hand.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from errcat.runtime.failures import (
    CONNECTION_ERROR,
    RETRY_AFTER_CAP,
    TIMEOUT,
    parse_retry_after,
    retry_after_of,
    status_of,
    transport_failure,
)
from partner_invoicing_errors import InvoiceNotFound, ServiceUnavailable

REQUEST = httpx.Request("GET", "https://api.example.com/")


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (TimeoutError("read timed out"), TIMEOUT),
        (httpx.ReadTimeout("slow", request=REQUEST), TIMEOUT),
        (httpx.ConnectTimeout("slow", request=REQUEST), TIMEOUT),
        (ConnectionResetError("reset"), CONNECTION_ERROR),
        (httpx.ConnectError("refused", request=REQUEST), CONNECTION_ERROR),
        (httpx.RemoteProtocolError("cut", request=REQUEST), CONNECTION_ERROR),
        (httpx.ReadError("reset mid-body", request=REQUEST), CONNECTION_ERROR),
        (ValueError("not a transport failure"), None),
        (ServiceUnavailable(), None),  # a response came: not a transport failure
        (503, None),
    ],
    ids=repr,
)
def test_a_failure_without_a_response_is_a_timeout_or_a_connection_error(
    failure: object, kind: str | None
) -> None:
    assert transport_failure(failure) == kind


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (InvoiceNotFound(), 404),
        (httpx.Response(503, request=REQUEST), 503),
        (429, 429),
        (True, None),  # a bool is not a status
        ("503", None),
        (TimeoutError(), None),
    ],
    ids=repr,
)
def test_the_status_of_an_error_a_response_or_a_number(outcome: object, status: int | None) -> None:
    assert status_of(outcome) == status


def test_retry_after_of_reads_the_error_then_the_response_header() -> None:
    assert retry_after_of(ServiceUnavailable(retry_after=3)) == 3.0
    assert retry_after_of(httpx.Response(503, headers={"Retry-After": "7"}, request=REQUEST)) == 7.0
    assert retry_after_of(ServiceUnavailable()) is None
    assert retry_after_of(TimeoutError()) is None


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


# --- Retry-After values no float holds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("9" * 309, RETRY_AFTER_CAP),  # float(int(...)) overflowed
        ("9" * 5000, RETRY_AFTER_CAP),  # past int()'s 4,300 digits
        ("1" + "0" * 9, RETRY_AFTER_CAP),  # the cap itself
        ("1" + "0" * 10, RETRY_AFTER_CAP),
        ("999999999", 999_999_999.0),
        ("0" * 5000 + "7", 7.0),  # leading zeros are no magnitude
        ("0", 0.0),
        ("Fri, 31 Dec 9999 23:59:59 GMT", RETRY_AFTER_CAP),
        ("Mon, 01 Jan 99999999999999999999 00:00:00 GMT", None),  # no datetime holds the year
        ("Mon, 01 Jan 2024 00:00:00 +9999", None),
        ("1.5", None),
        ("", None),
        ("\x00", None),
    ],
)
def test_parse_retry_after_bounds_absurd_values(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, now=datetime(2026, 1, 1, tzinfo=UTC)) == seconds


HEADER_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="0123456789", min_size=1, max_size=6000),
    st.builds(
        lambda day, year, zone: f"Mon, {day} Jan {year} 00:00:00 {zone}",
        st.integers(-5, 40),
        st.integers(-(10**30), 10**30),
        st.sampled_from(["GMT", "+0000", "-2359", "+9999", "", "UT", "EST"]),
    ),
)


@settings(max_examples=300)
@given(value=HEADER_TEXT, offset=st.integers(-(10**10), 10**10))
@example(value="9" * 309, offset=0)
def test_parse_retry_after_never_raises_and_stays_in_bounds(value: str, offset: int) -> None:
    now = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=offset)  # some 300 years either way
    seconds = parse_retry_after(value, now=now)
    assert seconds is None or (math.isfinite(seconds) and 0.0 <= seconds <= RETRY_AFTER_CAP)


class _Failure:
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        self.status = 503


@pytest.mark.parametrize(
    ("given_seconds", "read"),
    [(math.inf, RETRY_AFTER_CAP), (-5.0, 0.0), (math.nan, None), (1e300, RETRY_AFTER_CAP)],
)
def test_a_retry_after_set_by_hand_is_bounded_too(given_seconds: float, read: float | None) -> None:
    assert retry_after_of(_Failure(given_seconds)) == read
