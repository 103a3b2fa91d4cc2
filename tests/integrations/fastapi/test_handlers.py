"""errcat.integrations.fastapi.handlers on a real uvicorn: bodies, headers, negotiation, logs."""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from tests.hostile import HOSTILE
from tests.integrations.fastapi._apps import (
    DOCS,
    FRAMEWORK_ERRORS,
    GENERATED_ID,
    SECRET,
    body_of,
)
from tests.strategies import AGAINST_A_SERVER

from errcat.integrations.fastapi import (
    PROBLEM_JSON,
    UNREADABLE_BODY,
    install,
    prefers_problem,
    validation_details,
)
from partner_invoicing_errors import HttpStatus


def test_an_api_error_is_the_standard_body_with_the_request_id(server: Any) -> None:
    response = httpx.get(server.url + "/invoices/inv_1", headers={"X-Request-ID": "client-42"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "client-42"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "retry-after" not in response.headers
    assert response.json() == {
        "error": {
            "code": "invoice_not_found",
            "message": "Invoice inv_1 was not found.",
            "request_id": "client-42",
            "doc_url": DOCS + "invoice_not_found/",
            "invoice_id": "inv_1",
        }
    }


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("application/json", "application/json"),
        ("application/problem+json", PROBLEM_JSON),
        ("application/problem+json, application/json;q=0.5", PROBLEM_JSON),
        ("application/json, application/problem+json;q=0.9", "application/json"),
        ("application/problem+json;q=0.4, application/*;q=0.5", "application/json"),
        ("*/*", "application/json"),
        ("text/html", "application/json"),
    ],
)
def test_problem_json_when_the_client_prefers_it(server: Any, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = httpx.get(server.url + "/invoices/inv_1", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == media_type
    if media_type == PROBLEM_JSON:
        assert response.json() == {
            "type": DOCS + "invoice_not_found/",
            "title": "Invoice not found",
            "status": 404,
            "detail": "Invoice inv_1 was not found.",
            "code": "invoice_not_found",
            "invoice_id": "inv_1",
            "request_id": response.headers["x-request-id"],
        }


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", False),
        ("application/problem+json", True),
        ("APPLICATION/PROBLEM+JSON", True),
        ("application/json;q=0, application/problem+json", True),
        ("application/problem+json;q=0", False),
        ("application/problem+json;q=nan", False),
        ("application/problem+json;q=2", False),
        ("application/problem+json;q=1, application/json;q=1", False),
        ("application/*, application/problem+json;q=0.1", False),
    ],
)
def test_accept_ranking(accept: str, expected: bool) -> None:
    assert prefers_problem(accept) is expected


def test_retry_after_from_the_catalog_and_from_the_raiser(server: Any) -> None:
    limited = httpx.get(server.url + "/rate-limited")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "30"  # the catalog's retry_after_seconds
    assert limited.json()["error"]["limit"] == 600
    unavailable = httpx.get(server.url + "/unavailable")
    assert unavailable.status_code == 503
    assert unavailable.headers["retry-after"] == "3"  # 2.5 seconds, rounded up
    assert "retry_after" not in unavailable.json()["error"]  # the header, not a metadata field


def test_hostile_api_error_text_stays_data(server: Any) -> None:
    @given(message=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200)))
    @AGAINST_A_SERVER
    def check(message: str) -> None:
        for accept in ("application/json", PROBLEM_JSON):
            response = httpx.get(
                server.url + "/raise", params={"message": message}, headers={"Accept": accept}
            )
            assert response.status_code == 403
            body = response.json()  # still one well-formed JSON document
            error = body if accept == PROBLEM_JSON else body["error"]
            assert error["business_id"] == message
            assert error["detail" if accept == PROBLEM_JSON else "message"] == message

    logging.getLogger("errcat.integrations.fastapi").disabled = True
    try:
        check()
    finally:
        logging.getLogger("errcat.integrations.fastapi").disabled = False


def test_validation_failures_give_one_detail_per_field(server: Any) -> None:
    response = httpx.post(
        server.url + "/invoices", json={"amount": 0, "due_date": "tomorrow", "tags": ["a", "b", "c"]}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "validation_error",
            "message": "The request data failed validation.",
            "details": [
                {"field": "amount", "code": "greater_than", "message": "Input should be greater than 0"},
                {
                    "field": "due_date",
                    "code": "string_pattern_mismatch",
                    "message": "String should match pattern '^\\d{4}-\\d{2}-\\d{2}$'",
                },
                {
                    "field": "tags",
                    "code": "too_long",
                    "message": "List should have at most 2 items after validation, not 3",
                },
            ],
            "request_id": response.headers["x-request-id"],
            "doc_url": DOCS + "validation_error/",
        }
    }
    query = httpx.get(server.url + "/invoices/inv_1", params={"limit": "zero"})
    assert query.status_code == 400
    assert query.json()["error"]["details"] == [
        {
            "field": "limit",
            "code": "int_parsing",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]


def test_missing_fields_and_the_rejected_input_never_echoed(server: Any) -> None:
    response = httpx.post(server.url + "/invoices", json={"due_date": "s3cr3t-value"})
    details = response.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [
        ("amount", "missing"),
        ("due_date", "string_pattern_mismatch"),
    ]
    assert "s3cr3t-value" not in response.text


@pytest.mark.parametrize(
    ("content", "code"), [(b'{"amount": ', "json_invalid"), (b"\xff\xfe{}", "json_invalid")]
)
def test_a_body_that_is_not_json(server: Any, content: bytes, code: str) -> None:
    response = httpx.post(
        server.url + "/invoices", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    [detail] = response.json()["error"]["details"]
    assert (detail["field"], detail["code"]) == ("body", code)


def test_validation_details_paths() -> None:
    errors = [
        {"loc": ("body", "items", 0, "amount"), "type": "greater_than", "msg": "m1", "input": "secret"},
        {"loc": ("body", "items", 0, "amount"), "type": "int_type", "msg": "second error of the same field"},
        {"loc": ("query", "limit"), "type": "missing", "msg": "m2"},
        {"loc": ("path", "invoice_id"), "type": "string_too_long", "msg": "m3"},
        {"loc": ("header", "x-token"), "type": "missing", "msg": "m4"},
        {"loc": ("body",), "type": "missing", "msg": "m5"},
        {"loc": ("body", 17), "type": "json_invalid", "msg": "JSON decode error"},
    ]
    assert validation_details(errors) == [
        {"field": "items.0.amount", "code": "greater_than", "message": "m1"},
        {"field": "limit", "code": "missing", "message": "m2"},
        {"field": "invoice_id", "code": "string_too_long", "message": "m3"},
        {"field": "header.x-token", "code": "missing", "message": "m4"},
        {"field": "body", "code": "missing", "message": "m5"},
    ]


@pytest.mark.parametrize("accept", ["application/json", PROBLEM_JSON])
def test_the_frameworks_own_errors_come_out_in_the_catalogs_shape(
    server: Any, accept: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="errcat.integrations.fastapi"):
        responses = [
            httpx.request(method, server.url + path, headers={"Accept": accept})
            for method, path, *_ in FRAMEWORK_ERRORS
        ]
    records = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    assert len(records) == len(FRAMEWORK_ERRORS)  # each answer logged once
    for response, record, (_, path, status, klass, metadata, headers) in zip(
        responses, records, FRAMEWORK_ERRORS, strict=True
    ):
        request_id = response.headers["x-request-id"]
        assert response.status_code == status, path
        assert response.headers["content-type"] == accept
        assert response.headers["x-content-type-options"] == "nosniff"
        message = None if klass.code else HttpStatus.of(status).description  # no code: the status's words
        expected = klass(message, request_id=request_id, status=status, **metadata)
        assert response.json() == (
            expected.to_response() if accept == "application/json" else expected.to_problem()
        )
        for name, value in headers.items():
            assert response.headers[name] == value
        assert SECRET not in response.text and "internal detail" not in response.text  # the detail stays out
        assert (
            record.errcat["code"] == (str(klass.code) or None) and record.errcat["request_id"] == request_id
        )  # type: ignore[attr-defined]
        assert record.levelno == (logging.ERROR if status >= 500 else logging.WARNING)
        assert SECRET not in record.getMessage() and SECRET not in json.dumps(record.errcat)  # type: ignore[attr-defined]
    forbidden = records[FRAMEWORK_ERRORS.index(next(e for e in FRAMEWORK_ERRORS if e[1] == "/http/403"))]
    assert forbidden.errcat["http_detail"] == "internal detail, token=[REDACTED]"  # type: ignore[attr-defined]
    unnamed = responses[FRAMEWORK_ERRORS.index(next(e for e in FRAMEWORK_ERRORS if e[1] == "/http/401"))]
    assert body_of(unnamed)["code"] == "http_401"  # two codes have 401: the body names none of them
    assert "http_status" not in records[0].errcat and "http_detail" not in records[0].errcat  # type: ignore[attr-defined]


def test_a_framework_400_is_the_validation_code_with_a_fixed_detail(server: Any) -> None:
    response = httpx.get(server.url + "/http/400")
    assert response.status_code == 400
    assert body_of(response)["details"] == [UNREADABLE_BODY]
    assert "internal detail" not in response.text


def test_a_framework_status_below_400_is_not_an_error(server: Any) -> None:
    not_modified = httpx.get(server.url + "/http/304")
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert GENERATED_ID.fullmatch(not_modified.headers["x-request-id"])
    redirect = httpx.get(server.url + "/http/307")
    assert redirect.status_code == 307 and redirect.headers["location"] == "/elsewhere"
    assert redirect.content == b"" and "internal detail" not in redirect.text


def test_handled_errors_are_logged_with_the_responses_request_id(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="errcat.integrations.fastapi"):
        given_id = httpx.get(server.url + "/invoices/inv_1", headers={"X-Request-ID": "client-7"})
        generated = httpx.get(server.url + "/invoices/inv_1")
        invalid = httpx.post(server.url + "/invoices", json={"amount": 0, "due_date": "x"})
    records = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    assert [r.errcat["request_id"] for r in records] == [  # type: ignore[attr-defined]
        "client-7",
        generated.headers["x-request-id"],
        invalid.headers["x-request-id"],
    ]
    assert given_id.json()["error"]["request_id"] == "client-7"
    validation = records[2]
    assert validation.levelno == logging.WARNING  # the catalog's client_error level
    assert validation.errcat["code"] == "validation_error" and validation.errcat["status"] == 400  # type: ignore[attr-defined]
    assert [d["field"] for d in validation.errcat["details"]] == ["amount", "due_date"]  # type: ignore[attr-defined]
    assert f"request_id={invalid.headers['x-request-id']}" in validation.getMessage()
    assert all(Path(r.pathname).parts[-2:] == ("fastapi", "handlers.py") for r in records)  # errcat's handler


@pytest.fixture(scope="module")
def shipping_errors(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The Parcel Shipping API's generated package (tests/catalogs/good/shipping.yaml)."""
    from tests.builders import CATALOGS, generate_package

    from errcat.toolchain.load import load_bytes

    catalog = load_bytes((CATALOGS / "good" / "shipping.yaml").read_bytes(), "shipping.yaml").catalog
    assert catalog is not None
    package, _ = generate_package(catalog, tmp_path_factory.mktemp("shipping"), "shipping_server_errors")
    return importlib.import_module(package)


def test_a_service_answers_and_logs_with_its_own_catalog(
    shipping_errors: Any, live_server: Callable[[object], Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = FastAPI()

    @app.get("/parcels/{tracking_number}")
    async def parcel(tracking_number: str) -> dict[str, str]:
        raise RuntimeError("carrier refused x-shipper-key: Kq81-zz19-shp")

    install(app, errors=shipping_errors, max_body_bytes=16)
    with caplog.at_level(logging.DEBUG, logger="errcat.integrations.fastapi"):
        with live_server(app) as running:
            unknown = httpx.get(running.url + "/nowhere")
            wrong = httpx.delete(running.url + "/parcels/1Z999")
            too_large = httpx.post(running.url + "/parcels/1Z999", content=b"x" * 17)
            crash = httpx.get(running.url + "/parcels/1Z999")
    docs = "https://errors.shipping.example.net/v2/codes/"
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "no_such_endpoint")
    assert unknown.json()["error"]["doc_url"] == docs + "no_such_endpoint/"
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "wrong_method")
    assert (
        wrong.headers["allow"] == "GET" and "allowed_methods" not in wrong.json()["error"]
    )  # not declared here
    # no code for 413 in this catalog: the status is kept, and the body names none of its codes
    assert (too_large.status_code, too_large.json()["error"]["code"]) == (413, "http_413")
    assert (crash.status_code, crash.json()["error"]["code"]) == (500, "internal_failure")
    records = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    assert [r.levelno for r in records] == [logging.INFO] * 3 + [
        logging.ERROR
    ]  # its client_error level is info
    assert "Kq81-zz19-shp" not in caplog.text  # x-shipper-key is a key of this catalog only
    assert "x-shipper-key: [REDACTED]" in caplog.text
