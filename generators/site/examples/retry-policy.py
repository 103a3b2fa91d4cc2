# needs: internal_error invoice_not_found rate_limit_exceeded
import errcat
from errcat.retry import Action, RetryPolicy

policy = RetryPolicy.from_catalog()  # the policy on this page, from the generated code
assert policy.delays() == (1.0, 2.0, 4.0, 8.0)  # waits before retries 1..4, before jitter

# What to do about a failure: retry a 5xx or 429, never a 404.
assert policy.action(errcat.InternalError()) is Action.RETRY
assert policy.action(errcat.InvoiceNotFound()) is Action.STOP

# A loop that retries as the policy says; a 429's Retry-After is honoured.
responses = iter(
    [(429, {"error": {"code": "rate_limit_exceeded", "message": "Slow down."}}), (200, {"id": "inv_4Rt6Yp"})]
)
waits: list[float] = []


def send() -> dict[str, str]:
    status, body = next(responses)
    if status >= 400:
        raise errcat.ApiError.from_response(status, body)
    return body


invoice = policy.call(send, sleep=waits.append)
assert invoice == {"id": "inv_4Rt6Yp"} and len(waits) == 1
