"""Retries: the policy is coherent, and each code's strategy fits its status or says why not."""

from __future__ import annotations

from errcat.toolchain.validate.checker import Checker

#: 4xx statuses that are retryable by definition: a backoff on them needs no reason.
RETRYABLE_CLIENT_STATUSES = frozenset({408, 425, 429})


def policy(c: Checker) -> None:
    """``retry_policy``: the statuses it retries exist and are errors; the backoff cap is above its start."""
    retry_policy = c.data["retry_policy"]
    for i, status in enumerate(retry_policy["retry_statuses"]):
        path = ("retry_policy", "retry_statuses", i)
        known = c.reference(path, status, c.statuses, "status", "add the status to the statuses table")
        if known and status < 400:
            c.report(
                path,
                f"retry_policy.retry_statuses lists {status}, which is not an error status",
                "only 4xx and 5xx statuses can be retried",
            )
    backoff = retry_policy["backoff"]
    if backoff["max_delay_seconds"] < backoff["base_delay_seconds"]:
        c.report(
            ("retry_policy", "backoff", "max_delay_seconds"),
            "retry_policy.backoff.max_delay_seconds is smaller than base_delay_seconds",
            "the cap must be at least the first delay",
        )
    c.unique(("retry_policy", "transport_failures"), "id", "transport failure")


def strategies(c: Checker) -> None:
    """Each code's retry strategy goes with its status class, or ``retry.reason`` says why it does not."""
    retry_statuses = set(c.data["retry_policy"]["retry_statuses"])
    for at, where, entry in c.entries:
        strategy = entry["retry"]["strategy"]
        status = entry["status"]
        path = at + ("retry", "strategy")
        needs_reason = ""
        if status >= 500 and strategy != "backoff":
            needs_reason = f"{where} is a {status} but is not retried with backoff"
        elif 400 <= status < 500 and strategy == "backoff" and status not in RETRYABLE_CLIENT_STATUSES:
            needs_reason = (
                f"{where} is a {status} but is retried with backoff; the same request gets the same answer"
            )
        elif strategy == "refresh_credentials" and status != 401:
            needs_reason = f"{where} refreshes credentials but its status is {status}, not 401"
        elif strategy == "use_existing_resource" and status != 409:
            needs_reason = f"{where} points at an existing resource but its status is {status}, not 409"
        if needs_reason and not entry["retry"].get("reason"):
            c.report(path, needs_reason, "add retry.reason to say why, or change the strategy")
        if strategy == "backoff" and status not in retry_statuses:
            c.report(
                path,
                f"{where} is retried with backoff but retry_policy.retry_statuses leaves out {status}",
                f"add {status} to retry_policy.retry_statuses, or change the strategy",
            )


def retry_after(c: Checker) -> None:
    """``retry_after_seconds`` only with backoff, and no longer than clients are willing to wait."""
    max_retry_after = c.data["retry_policy"].get("max_retry_after_seconds")
    for at, where, entry in c.entries:
        retry = entry["retry"]
        after = retry.get("retry_after_seconds")
        if after is None:
            continue
        path = at + ("retry", "retry_after_seconds")
        if retry["strategy"] != "backoff":
            c.report(
                path,
                f"{where} sets retry_after_seconds but its strategy is {retry['strategy']}",
                "Retry-After only makes sense for codes retried with backoff",
            )
        elif max_retry_after is not None and after > max_retry_after:
            c.report(
                path,
                f"{where} asks clients to wait {after} s, longer than "
                f"retry_policy.max_retry_after_seconds ({max_retry_after})",
                "clients would give up instead of waiting; lower one or raise the other",
            )
