"""Reading a failure: what kind it is, its HTTP status, and the Retry-After it asks for.

Whatever a client meets (an ``ApiError``, an httpx response or exception, a plain
status, a ``TimeoutError``) is read the same way by the retry policy
(:mod:`errcat.runtime.retry`), the logging of errors (:mod:`errcat.runtime.logging`) and
the httpx integration. :func:`parse_retry_after` never raises and never answers more
than :data:`RETRY_AFTER_CAP` (an absurd value still means "longer than any policy waits").

Standard library only (:mod:`datetime` and :mod:`email.utils` are imported by the date
parser, on the first date it reads).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "CONNECTION_ERROR",
    "RETRY_AFTER_CAP",
    "TIMEOUT",
    "bounded_retry_after",
    "parse_retry_after",
    "retry_after_of",
    "status_of",
    "transport_failure",
]

TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"

#: The longest Retry-After errcat reads, in seconds (about 31.7 years). A longer one, or a
#: later date, is read as this: far beyond any policy's ``max_retry_after``, so it still ends
#: the retries, yet a float any ``sleep`` accepts, where ``Retry-After: 1e309``-sized digits
#: would overflow one.
RETRY_AFTER_CAP = 1_000_000_000.0
_CAP_DIGITS = len(str(int(RETRY_AFTER_CAP)))


def transport_failure(outcome: object) -> str | None:
    """``timeout`` or ``connection_error`` for a failure that got no response; else None."""
    if not isinstance(outcome, BaseException):
        return None
    names = {cls.__name__ for cls in type(outcome).__mro__}
    # httpx: TimeoutException (ConnectTimeout, ReadTimeout, ...), ConnectError, RemoteProtocolError...
    if isinstance(outcome, TimeoutError) or "TimeoutException" in names:
        return TIMEOUT
    if isinstance(outcome, ConnectionError) or names & {
        "ConnectError",
        "RemoteProtocolError",
        "ReadError",
        "WriteError",
        "NetworkError",
    }:
        return CONNECTION_ERROR
    return None


def status_of(outcome: object) -> int | None:
    """The HTTP status of an ``ApiError``, a response (``status_code``) or a plain int."""
    if isinstance(outcome, bool):
        return None
    if isinstance(outcome, int):
        return int(outcome)
    for attribute in ("status", "status_code"):
        value = getattr(outcome, attribute, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    return None


def retry_after_of(outcome: object) -> float | None:
    """The Retry-After of a failure, in seconds: from its ``retry_after`` or its response's header.

    Bounded as :func:`parse_retry_after` bounds a header: never NaN, negative or past the cap.
    """
    value = getattr(outcome, "retry_after", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bounded_retry_after(value)
    headers = getattr(outcome, "headers", None)
    if headers is None:
        response = getattr(outcome, "response", None)
        headers = getattr(response, "headers", None)
    if headers is not None:
        header = headers.get("retry-after")
        if isinstance(header, str):
            return parse_retry_after(header)
    return None


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait for a ``Retry-After`` value: delta-seconds or an HTTP date; None if unreadable.

    Never raises, whatever the text. Delta-seconds are ASCII digits, of any length; a date
    in the past is 0. A value past :data:`RETRY_AFTER_CAP` (a thousand digits, the year
    9999) is read as the cap: the server asks for longer than any policy waits, which
    ends the retries, and the number stays one that a ``sleep`` and a float accept.
    """
    text = value.strip()
    if text.isascii() and text.isdigit():  # "²".isdigit() is true, but int() refuses it
        digits = text.lstrip("0")
        if len(digits) > _CAP_DIGITS:  # int() of thousands of digits is slow, float() of it overflows
            return RETRY_AFTER_CAP
        return min(float(int(digits or "0")), RETRY_AFTER_CAP)
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):  # not a date, or no datetime holds it
        return None
    return bounded_retry_after(seconds)


def bounded_retry_after(seconds: float | None) -> float | None:
    """A Retry-After in seconds made safe to wait on: None for NaN, 0 for the past, at most the cap."""
    if seconds is None or math.isnan(seconds):
        return None
    return min(max(0.0, float(seconds)), RETRY_AFTER_CAP)
