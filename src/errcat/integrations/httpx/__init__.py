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

The parts, by what they do::

    responses   a response to its exception: raise_for_error, the event hooks
    transport   the retry protocol, once, and the two transports that run it
    deadline    the total deadline: the time left, cutting a network wait short

Needs ``errcat[httpx]``.
"""

from errcat.integrations.httpx.deadline import DeadlineExceeded
from errcat.integrations.httpx.responses import (
    araise_on_error,
    error_from_response,
    raise_for_error,
    raise_on_error,
)
from errcat.integrations.httpx.transport import AsyncRetryingTransport, RetryingTransport

__all__ = [
    "AsyncRetryingTransport",
    "DeadlineExceeded",
    "RetryingTransport",
    "araise_on_error",
    "error_from_response",
    "raise_for_error",
    "raise_on_error",
]
