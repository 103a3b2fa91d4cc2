"""errcat.runtime.redaction: secrets out of values of every shape, the corpus through redact().

The redaction corpus (tests/runtime/redaction_cases.py) goes through :func:`redact`; the
same corpus goes through the logging filter in ``test_logging.py``, and which keys and
texts count as secrets is ``test_secret.py``.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.runtime.redaction_cases import CASES, SECRET, Case, Field, Login, failing_connect

import partner_invoicing_errors as codes
from errcat.runtime.redaction import REDACTED, format_exception, redact, redactor_for


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


def test_keys_that_are_not_text_named_tuples_and_name_value_pairs() -> None:
    assert redact({("password",): SECRET, ("page",): 2}) == {"('password',)": REDACTED, "('page',)": 2}
    assert redact({Field.PASSWORD: SECRET, 3: "x"}) == {"Field.PASSWORD": REDACTED, 3: "x"}
    assert redact(Login("bob", SECRET)) == ["bob", REDACTED]
    assert redact({"name": "X-Api-Key", "value": SECRET}) == {"name": "X-Api-Key", "value": REDACTED}
    assert redact([{"Key": "db_password", "Value": SECRET}]) == [{"Key": "db_password", "Value": REDACTED}]
    assert redact({"name": "page", "value": "2"}) == {"name": "page", "value": "2"}
    assert redact({"name": "the password field", "value": "2"}) == {
        "name": "the password field",
        "value": "2",
    }


def test_types_are_kept_when_asked_and_json_friendly_otherwise() -> None:
    value = {
        "headers": (("Accept", "json"), ("X-Api-Key", SECRET)),
        "login": Login("bob", SECRET),
        "raw": f"token={SECRET}".encode(),
        "tags": {"a"},
        b"pairs": [["token", SECRET]],
    }
    kept = redactor_for(None).value(value, keep_types=True)
    assert kept == {
        "headers": (("Accept", "json"), ("X-Api-Key", REDACTED)),
        "login": Login("bob", REDACTED),
        "raw": b"token=[REDACTED]",
        "tags": {"a"},
        "pairs": [["token", REDACTED]],  # mapping keys are text either way, as JSON formatters need
    }
    assert type(kept["login"]) is Login
    assert json.loads(json.dumps(redact(value))) == {
        "headers": [["Accept", "json"], ["X-Api-Key", REDACTED]],
        "login": ["bob", REDACTED],
        "raw": "token=[REDACTED]",
        "tags": ["a"],
        "pairs": [["token", REDACTED]],
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


# --- the corpus ---------------------------------------------------------------------------------


def test_the_corpus_is_large_and_every_case_has_a_name_of_its_own() -> None:
    assert len(CASES) >= 250
    assert len({case.id for case in CASES}) == len(CASES)
    assert all(case.secrets and all(len(secret) >= 4 for secret in case.secrets) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_corpus_leaks_nothing_through_redact(case: Case) -> None:
    out = redact(case.value, case.keys)
    text = json.dumps(out)  # what redact returns is JSON-friendly, whatever went in
    for secret in case.secrets:
        assert secret not in text and secret not in repr(out), (case.id, out)
    assert REDACTED in text
    assert redact(out, case.keys) == out  # redacting twice changes nothing more


# --- tracebacks -----------------------------------------------------------------------------------


def test_a_traceback_is_redacted_in_its_message_cause_notes_and_source_lines() -> None:
    try:
        failing_connect()
    except RuntimeError as exc:
        text = format_exception(exc)
        from_exc_info = format_exception((type(exc), exc, exc.__traceback__))
    assert text == from_exc_info
    assert "Tr4ceb4ck-pw" not in text and SECRET not in text
    assert "Traceback (most recent call last)" in text
    assert "ConnectionError: cannot reach postgres://[REDACTED]@db.internal/app" in text
    assert 'raise ConnectionError("cannot reach postgres://[REDACTED]@db.internal/app")' in text
    assert "RuntimeError: login failed with api_key=[REDACTED]" in text
    assert "Authorization: [REDACTED]" in text  # the note
