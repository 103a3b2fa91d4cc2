"""errcat.runtime.logging: the catalog's log fields, its levels, and secrets that never reach a log."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

import partner_invoicing_errors as codes
from errcat.runtime.logging import REDACTED, RedactingFilter, error_fields, level_for, log_error, redact
from partner_invoicing_errors import InternalError, InvoiceNotFound, ValidationFailed

SECRET = "s3cr3t-T0KEN-value"


@pytest.mark.parametrize(
    "value",
    [
        {"Authorization": f"Bearer {SECRET}"},
        {"headers": {"authorization": f"Basic {SECRET}", "Proxy-Authorization": SECRET}},
        {"url": f"https://api.example.com/invoices?access_token={SECRET}&page=2"},
        {"url": f"https://api.example.com/invoices?page=2&API_KEY={SECRET}"},
        {
            "details": [
                {"field": "refresh_token", "code": "invalid", "message": f"refresh_token={SECRET} is bad"}
            ]
        },
        {"nested": {"deeper": [{"client_secret": SECRET}]}},
        f"calling with Authorization: Bearer {SECRET} failed",
        f'body was {{"password": "{SECRET}"}}',
        f"https://user:{SECRET}@api.example.com/x",
        [("token", SECRET)],
        "Authorization: Basic dXNlcjpwYXNz",  # the scheme word goes with its credential
        "Authorization: Token abcdefghijklmnop",
        f"authorization=Bearer {SECRET}",
    ],
)
def test_secrets_are_redacted_wherever_they_hide(value: object) -> None:
    out = redact(value)
    for secret in (SECRET, "dXNlcjpwYXNz", "abcdefghijklmnop"):
        assert secret not in json.dumps(out)
    assert REDACTED in json.dumps(out)


@pytest.mark.parametrize(
    "prose",
    [
        "The access token is invalid or has expired.",
        "Never log Bearer tokens or Basic credentials.",
        "Include a valid Bearer token in the Authorization header.",
    ],
)
def test_prose_about_tokens_is_left_alone(prose: str) -> None:
    assert redact(prose) == prose
    for member in codes.ErrorCode:  # the catalog's own messages survive logging
        assert redact(member.message) == member.message


def test_redaction_keeps_everything_else_and_never_mutates() -> None:
    original = {
        "headers": {"Authorization": f"Bearer {SECRET}", "Accept": "application/json"},
        "url": "https://x.example/invoices?page=2&token=abc",
        "invoice_id": "inv_1",
    }
    snapshot = json.dumps(original)
    out = redact(original)
    assert json.dumps(original) == snapshot
    assert out == {
        "headers": {"Authorization": REDACTED, "Accept": "application/json"},
        "url": f"https://x.example/invoices?page=2&token={REDACTED}",
        "invoice_id": "inv_1",
    }


def test_the_redaction_keys_are_the_catalogs() -> None:
    assert "authorization" in codes.CATALOG.redact_keys and "access_token" in codes.CATALOG.redact_keys
    assert redact({"x_custom": "v"}, keys=["x_custom"]) == {"x_custom": REDACTED}
    assert redact({"x_custom": "v"}) == {"x_custom": "v"}


@given(
    header=st.text(min_size=1, max_size=30),
    query=st.from_regex(r"[A-Za-z0-9._~%+/=-]{1,40}", fullmatch=True),
    key=st.sampled_from(sorted(codes.CATALOG.redact_keys)),
)
def test_any_secret_value_is_redacted_from_headers_and_queries(header: str, query: str, key: str) -> None:
    out = redact({key.upper(): header, "url": f"https://h.example/p?page=1&{key}={query}&next=2"})
    assert out[key.upper()] == REDACTED
    assert out["url"] == f"https://h.example/p?page=1&{key}={REDACTED}&next=2"


def test_error_fields_follow_the_catalog() -> None:
    error = InvoiceNotFound(request_id="req_1", business_id="biz_1", invoice_id="inv_1")
    fields = error_fields(
        error,
        method="get",
        url=f"https://api.example.com/invoices/inv_1?access_token={SECRET}",
        attempt=2,
        retry_delay=1.23456,
    )
    assert fields == {
        "code": "invoice_not_found",
        "status": 404,
        "request_id": "req_1",
        "method": "GET",
        "path": "/invoices/inv_1",
        "attempt": 2,
        "retry_delay_seconds": 1.235,
        "metadata": {"business_id": "biz_1", "invoice_id": "inv_1"},
    }
    assert {f["field"] for f in []} <= set(fields)


def test_log_error_uses_the_catalogs_levels_and_a_json_friendly_extra(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("errcat.test")
    with caplog.at_level(logging.DEBUG, logger="errcat.test"):
        log_error(logger, InvoiceNotFound(request_id="req_1"))
        log_error(logger, InternalError(request_id="req_2"), attempt=5)
        log_error(logger, TimeoutError("read timed out"), attempt=1, retry_delay=2.0)
        log_error(
            logger, ValidationFailed(details=[{"field": "token", "code": "x", "message": f"token={SECRET}"}])
        )
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.WARNING, logging.ERROR, logging.WARNING, logging.WARNING]
    assert caplog.records[2].errcat["code"] == "timeout"  # type: ignore[attr-defined]
    for record in caplog.records:
        json.dumps(record.errcat)  # type: ignore[attr-defined]
        assert SECRET not in record.getMessage() and SECRET not in json.dumps(record.errcat)  # type: ignore[attr-defined]
    assert level_for(InvoiceNotFound()) == logging.WARNING


def test_redacting_filter_cleans_records_it_did_not_write(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("errcat.test.filter")
    handler = caplog.handler
    handler.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="errcat.test.filter"):
            logger.info("request headers %s", {"Authorization": f"Bearer {SECRET}"})
            logger.info("GET https://api.example.com/x?token=%s", SECRET)
    finally:
        handler.removeFilter(handler.filters[-1])
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in text
    assert text.count(REDACTED) == 2
