# needs: authentication_required invalid_token
import errcat
from errcat.retry import Action, RetryPolicy

policy = RetryPolicy.from_catalog()
expired = errcat.ApiError.from_response(
    401, {"error": {"code": "invalid_token", "message": "The access token has expired."}}
)
assert isinstance(expired, errcat.AuthenticationError)  # both 401 codes
assert policy.action(expired) is Action.REFRESH  # refresh the token once, then repeat

tokens = iter(["expired-token", "fresh-token"])
token = next(tokens)


def send() -> str:
    if token == "expired-token":
        raise expired
    return "200 OK"


def refresh() -> None:
    global token
    token = next(tokens)


assert policy.call(send, refresh=refresh) == "200 OK"
