"""The wire fast paths of ``ApiError`` give exactly what the slow, obvious code gives.

``to_json`` writes strings piece by piece and caches constant pieces; ``from_response``
parses with the C scanner directly (or orjson) and pops the envelope fields. These
properties compare them with ``json.dumps(to_response())`` and ``json.loads``, and check
that every body errcat writes is one the response schema accepts. (Parity of the two
parsers is ``test_wire_parity.py``.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import ROOT
from tests.hostile import HOSTILE as HOSTILE_STRINGS
from tests.hostile import WIRE_HOSTILE

import errcat.runtime.errors
import partner_invoicing_errors
from errcat.runtime import errors
from errcat.runtime.catalog import ErrorCatalog
from errcat.runtime.errors import ENVELOPE_FIELDS
from partner_invoicing_errors import (
    ApiError,
    AuthenticationError,
    InternalError,
    InvoiceNotFound,
    ResourceError,
    ServerError,
)

HOSTILE = st.sampled_from(HOSTILE_STRINGS + WIRE_HOSTILE)
TEXT = st.one_of(st.text(), HOSTILE, st.lists(HOSTILE).map("".join))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
JSON_VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner, max_size=3)),
    max_leaves=8,
)
KEYS = st.one_of(st.text(min_size=1), st.sampled_from(sorted(ENVELOPE_FIELDS)))


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    message=st.one_of(TEXT, st.none()),
    request_id=st.one_of(st.none(), TEXT, st.integers()),
    metadata=st.dictionaries(KEYS, JSON_VALUE, max_size=4),
    details=st.lists(st.dictionaries(st.text(), SCALAR, max_size=2), max_size=2),
    doc_url=st.one_of(st.none(), TEXT),
)
def test_to_json_is_json_dumps_of_to_response(
    message: str | None,
    request_id: Any,
    metadata: dict[str, Any],
    details: list[dict[str, Any]],
    doc_url: str | None,
) -> None:
    error = InvoiceNotFound(message, request_id=request_id, details=details)
    error.metadata = metadata  # any key, an envelope field's too, which to_response leaves out
    if doc_url is not None:
        error.doc_url = doc_url
    expected = dumps(error.to_response())
    assert error.to_json() == expected
    assert error.to_json() == expected  # the cached pieces give the same bytes again


def test_to_json_of_an_unknown_code_and_a_non_string_value() -> None:
    error = ApiError("m", code="from_the_future", status=599, count=3, ok=None)
    assert error.to_json() == '{"error":{"code":"from_the_future","message":"m","count":3,"ok":null}}'


def test_retry_after_is_an_argument_not_metadata() -> None:
    """``retry_after`` sets the Retry-After a server sends; it never lands in the body."""
    error = InvoiceNotFound(retry_after=30, invoice_id="inv_1")
    assert error.retry_after == 30 and error.metadata == {"invoice_id": "inv_1"}
    assert "retry_after" not in error.to_json() and "retry_after" not in error.to_problem()
    assert InvoiceNotFound().retry_after is None


def test_any_metadata_name_the_catalog_allows_is_a_keyword_argument() -> None:
    """``self`` is not a Python keyword, so a catalog may declare it: it must not clash with the method's."""
    error = InvoiceNotFound("m", self="s", cls="c", metadata="x")
    assert error.metadata == {"self": "s", "cls": "c", "metadata": "x"} and error.message == "m"


JSON_TEXTS = st.one_of(
    JSON_VALUE.map(dumps),
    JSON_VALUE.map(lambda v: json.dumps(v, indent=1)),
    st.builds(
        lambda v, a, b: a + json.dumps(v) + b,
        JSON_VALUE,
        st.sampled_from(["", " ", "\n\t"]),
        st.sampled_from(["", " ", "\r\n", "x", "\x0b", "]"]),
    ),
    TEXT,
)


@settings(max_examples=400)
@given(text=JSON_TEXTS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "str"]))
def test_the_stdlib_parser_is_json_loads(text: str, encoding: str) -> None:
    try:
        data: bytes | str = text if encoding == "str" else text.encode(encoding)
    except UnicodeEncodeError:  # a lone surrogate has no UTF encoding
        data = text.encode("utf-8", "surrogatepass")
    try:
        expected = json.loads(data)
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            errors._parse_json(data)
        return
    got = errors._parse_json(data)
    assert got == expected or (got != got and expected != expected)  # NaN is not equal to itself


@pytest.mark.parametrize("loader", ["stdlib", "default"])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(KEYS, JSON_VALUE, max_size=6),
    code=st.sampled_from(["invoice_not_found", "nope", 3]),
)
def test_from_response_of_text_equals_from_response_of_the_parsed_body(
    loader: str,
    fields: dict[str, Any],
    code: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if loader == "stdlib":
        monkeypatch.setattr(errors, "_loads", errors._parse_json)
    body = {"error": {"code": code, **fields}}
    text = dumps(body)
    data = json.dumps(body, ensure_ascii=True).encode()
    parsed = json.loads(text)
    from_text = ApiError.from_response(404, data)
    from_dict = ApiError.from_response(404, parsed)
    assert type(from_text) is type(from_dict) and from_text == from_dict
    assert list(from_text.metadata) == [k for k in parsed["error"] if k not in ENVELOPE_FIELDS]
    assert parsed == json.loads(text)  # the caller's body is left as it was


@pytest.mark.parametrize("body", [b"", b"<html>", b"[1]", b'{"error": 1}', b"\xff", b"[" * 100_000])
def test_from_response_never_raises_on_a_bad_body(body: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors, "_loads", errors._parse_json)
    error = ApiError.from_response(502, body)
    assert isinstance(error, ApiError) and error.status == 502 and error.message == "Bad Gateway"


@pytest.mark.parametrize("orjson_installed", [True, False])
def test_the_parser_is_chosen_on_first_use(orjson_installed: bool) -> None:
    """orjson is imported by the first parse, not by importing errcat.runtime.errors; without it, json's."""
    script = (
        "import sys\n"
        + ("" if orjson_installed else "sys.modules['orjson'] = None  # as if it were not installed\n")
        + "from errcat.runtime import errors\nfrom partner_invoicing_errors import ApiError\n"
        "print('orjson' in sys.modules and sys.modules['orjson'] is not None)\n"
        'error = ApiError.from_response(404, b\'{"error": {"code": "invoice_not_found"}}\')\n'
        "print(type(error).__name__, errors._loads.__name__)\n"
        "print('orjson' in sys.modules and sys.modules['orjson'] is not None)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(errors.__file__).parents[2])}
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    expected = "_parse_fast" if orjson_installed else "_parse_json"  # orjson comes with errcat[dev]
    assert shown.stdout.split() == ["False", "InvoiceNotFound", expected, str(orjson_installed)], shown.stderr


# --- fields of the wrong type in a body ---------------------------------------------------------


@pytest.mark.parametrize("request_id", [["req_1"], {"id": 1}, 7, 1.5, True])
def test_a_request_id_that_is_not_a_string_is_dropped(request_id: object) -> None:
    """A list request_id made the error unhashable; any non-string is no request id at all."""
    body = {"error": {"code": "invoice_not_found", "message": "m", "request_id": request_id}}
    for given_body in (body, json.dumps(body).encode()):
        error = ApiError.from_response(404, given_body)
        assert type(error) is InvoiceNotFound and error.request_id is None
        assert hash(error) == hash(ApiError.from_response(404, given_body))
        assert "request_id" not in error.to_response()["error"]


def test_a_doc_url_that_is_not_a_string_gives_the_codes_own() -> None:
    error = ApiError.from_response(404, b'{"error": {"code": "invoice_not_found", "doc_url": ["x"]}}')
    assert error.doc_url == InvoiceNotFound.doc_url


def test_an_error_made_by_hand_with_an_odd_request_id_is_still_hashable() -> None:
    error = InvoiceNotFound(request_id=["by", "hand"])  # type: ignore[arg-type]
    assert hash(error) == hash(InvoiceNotFound(request_id=["by", "hand"]))  # type: ignore[arg-type]
    assert error == InvoiceNotFound(request_id=["by", "hand"])  # type: ignore[arg-type]


# --- every body errcat writes passes the response schema -------------------------------------------

SCHEMA = json.loads((ROOT / "schemas" / "error-response.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def assert_valid(error: errcat.runtime.errors.ApiError) -> None:
    for body in (error.to_response(), json.loads(error.to_json())):
        problems = [e.message for e in VALIDATOR.iter_errors(body)]
        assert not problems, (body, problems)
        assert body["error"]["code"] == error.wire_code
    assert error.to_problem()["code"] == error.wire_code


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ApiError("boom"), "internal_error"),  # the catalog's code for an unhandled error
        (ApiError("boom", status=503), "internal_error"),  # a 5xx server.http_errors leaves out
        (ApiError("boom", status=404), "route_not_found"),  # server.http_errors names 404
        (ApiError("boom", status=405), "method_not_allowed"),
        (ApiError("boom", status=418), "validation_error"),  # a 4xx it leaves out: request_validation's
        (ResourceError("gone", status=404), "route_not_found"),
        (AuthenticationError("who?", status=401), "validation_error"),
        (ServerError(), "internal_error"),
        (errcat.runtime.errors.ApiError("boom"), "http_500"),  # errcat's own base knows no catalog
        (errcat.runtime.errors.ApiError("boom", status=404), "http_404"),
        (ApiError.from_response(502, b"<html>bad gateway</html>"), "internal_error"),  # no code in the body
        (InvoiceNotFound(), "invoice_not_found"),  # a code of its own is sent as it is
        (ApiError("m", code="from_the_future", status=599), "from_the_future"),
    ],
    ids=repr,
)
def test_an_error_without_a_code_sends_one_the_schema_accepts(
    error: errcat.runtime.errors.ApiError, code: str
) -> None:
    """A bare ApiError("boom") used to send "code": "", which the response schema rejects."""
    assert error.wire_code == code
    assert_valid(error)
    if code != "from_the_future" and type(error) is not InvoiceNotFound:
        assert error.code == ""  # only the body says more


def test_a_catalog_without_codes_for_framework_errors_sends_http_status() -> None:
    """A generated root whose catalog names no server codes falls back to http_<status> too."""
    shipped = partner_invoicing_errors.CATALOG
    bare = ErrorCatalog(
        package=shipped.package,
        name="No server section",
        version="1.0.0",
        docs_url=shipped.docs_url,
        statuses=shipped.statuses,
        categories=shipped.categories,
        codes=shipped.codes,
        retry_policy={"retry_statuses": frozenset({500})},
        redact_keys=frozenset(),
        log_fields=(),
        log_levels={},
        server_codes={},
    )

    class Root(errcat.runtime.errors.ApiError, root=True, catalog=bare):
        """A root with its own (empty) registry."""

    assert Root("boom").wire_code == "http_500" and Root("x", status=404).wire_code == "http_404"
    assert_valid(Root("boom"))


METADATA_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT
)
METADATA_KEYS = st.text(min_size=1).filter(lambda key: key not in ENVELOPE_FIELDS)
CLASSES = st.sampled_from(
    [ApiError, ResourceError, ServerError, AuthenticationError, InternalError, InvoiceNotFound]
    + [errcat.runtime.errors.ApiError]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    klass=CLASSES,
    status=st.one_of(st.none(), st.integers(100, 599)),
    message=st.one_of(st.none(), TEXT),
    request_id=st.one_of(st.none(), TEXT),
    metadata=st.dictionaries(METADATA_KEYS, METADATA_VALUES, max_size=3),
    details=st.lists(st.fixed_dictionaries({"field": TEXT, "code": TEXT, "message": TEXT}), max_size=2),
)
def test_every_body_errcat_writes_passes_the_response_schema(
    klass: type[errcat.runtime.errors.ApiError],
    status: int | None,
    message: str | None,
    request_id: str | None,
    metadata: dict[str, Any],
    details: list[dict[str, str]],
) -> None:
    error = klass(message, status=status, request_id=request_id, details=details, **metadata)
    assert error.wire_code and error.wire_code == error.wire_code  # never empty, the same every time
    assert_valid(error)
