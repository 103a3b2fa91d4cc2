"""errcat.integrations.fastapi on a real uvicorn with httpx: bodies, headers, negotiation, logs."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import partner_invoicing_errors
from errcat.integrations.fastapi import (
    PROBLEM_JSON,
    current_request_id,
    error_responses,
    install,
    prefers_problem,
    safe_request_id,
    validation_details,
)
from partner_invoicing_errors import (
    AuthenticationError,
    ErrorResponse,
    InternalError,
    InvalidToken,
    InvoiceNotFound,
    PermissionDenied,
    RateLimitExceeded,
    ServiceUnavailable,
)

GENERATED_ID = re.compile(r"req_[0-9a-f]{32}")
DOCS = "https://docs.invoicing.example.com/errors/codes/"
HOSTILE = [
    "'\"''' \"\"\" \\ \\n \n {{ 7*7 }} </script><script>alert(1)</script>",
    "[x](javascript:alert(1)) | a | b |\u2028\u2029 \u202etxt.exe",
    "token=abc123 Authorization: Bearer s3cr3t",
]


class Body(BaseModel):
    amount: int = Field(gt=0)
    due_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    tags: list[str] = Field(default_factory=list, max_length=2)


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/invoices/{invoice_id}", responses=error_responses(InvoiceNotFound, PermissionDenied))
    async def get_invoice(invoice_id: str, limit: int = Query(1, ge=1)) -> dict[str, str]:
        raise InvoiceNotFound(f"Invoice {invoice_id} was not found.", invoice_id=invoice_id)

    @app.post("/invoices")
    async def create(body: Body) -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/raise")
    async def raise_message(message: str = "") -> dict[str, str]:
        raise PermissionDenied(message, business_id=message)

    @app.get("/boom")
    async def boom(message: str = "") -> dict[str, str]:
        raise RuntimeError(message)

    @app.get("/boom-sync")
    def boom_sync() -> dict[str, str]:
        raise KeyError("sync secret")

    @app.get("/rate-limited")
    async def rate_limited() -> dict[str, str]:
        raise RateLimitExceeded(limit=600, window_seconds=60)

    @app.get("/unavailable")
    async def unavailable() -> dict[str, str]:
        raise ServiceUnavailable(retry_after=2.5)

    @app.get("/whoami")
    async def whoami() -> dict[str, str | None]:
        return {"request_id": current_request_id()}

    install(app, errors=partner_invoicing_errors)
    return app


@pytest.fixture
def server(live_server: Callable[[object], Any]) -> Iterator[Any]:
    with live_server(make_app()) as running:
        yield running


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


@pytest.mark.parametrize(
    "incoming",
    ["x" * 129, "", "has space", "semi;colon", "caf\u00e9", "<script>", "a\tb"],
)
def test_an_unsafe_request_id_is_replaced(server: Any, incoming: str) -> None:
    response = httpx.get(server.url + "/invoices/inv_1", headers={"X-Request-ID": incoming.encode()})
    request_id = response.headers["x-request-id"]
    assert GENERATED_ID.fullmatch(request_id)
    assert response.json()["error"]["request_id"] == request_id


def test_request_ids_on_success_and_inside_the_endpoint(server: Any) -> None:
    assert safe_request_id("x" * 128) == "x" * 128
    response = httpx.get(server.url + "/whoami", headers={"X-Request-ID": "abc.DEF_1:2-3"})
    assert response.headers["x-request-id"] == "abc.DEF_1:2-3"
    assert response.json() == {"request_id": "abc.DEF_1:2-3"}
    generated = httpx.get(server.url + "/whoami")
    assert generated.json() == {"request_id": generated.headers["x-request-id"]}
    assert GENERATED_ID.fullmatch(generated.headers["x-request-id"])


@pytest.mark.parametrize("path", ["/boom", "/boom-sync"])
def test_an_unhandled_exception_is_the_catalogs_500_and_goes_to_the_log(
    server: Any, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="errcat.integrations.fastapi"):
        response = httpx.get(server.url + path, params={"message": HOSTILE[0]})
    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": InternalError.default_message,
            "request_id": request_id,
            "doc_url": DOCS + "internal_error/",
        }
    }
    [record] = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] in (RuntimeError, KeyError)
    assert record.errcat == {  # type: ignore[attr-defined]
        "code": "internal_error",
        "status": 500,
        "request_id": request_id,
        "method": "GET",
        "path": path,
    }
    if path == "/boom":
        assert HOSTILE[0] in caplog.text  # the full error is in the log
        assert "Traceback" in caplog.text


def test_an_unhandled_exception_as_problem_json(server: Any) -> None:
    response = httpx.get(server.url + "/boom", headers={"Accept": PROBLEM_JSON})
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "internal_error"
    assert response.json()["detail"] == InternalError.default_message


def test_hostile_exception_messages_never_reach_the_body(server: Any) -> None:
    @given(message=st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=200)))
    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(message: str) -> None:
        logging.getLogger("errcat.integrations.fastapi").disabled = True
        try:
            response = httpx.get(server.url + "/boom", params={"message": message})
        finally:
            logging.getLogger("errcat.integrations.fastapi").disabled = False
        assert response.status_code == 500
        body = response.json()
        assert body["error"]["message"] == InternalError.default_message
        assert set(body["error"]) == {"code", "message", "request_id", "doc_url"}
        if len(message) > 3:
            assert message not in response.text
            assert json.dumps(message)[1:-1] not in response.text

    check()


def test_hostile_api_error_text_stays_data(server: Any) -> None:
    @given(message=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200)))
    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
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


def test_unknown_routes_keep_the_frameworks_answer_with_a_request_id(server: Any) -> None:
    response = httpx.get(server.url + "/nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert GENERATED_ID.fullmatch(response.headers["x-request-id"])


# --- OpenAPI ----------------------------------------------------------------------------------


def test_error_responses_document_each_status_with_the_model_and_examples() -> None:
    responses = error_responses(InvoiceNotFound, PermissionDenied, AuthenticationError)
    assert sorted(responses) == [401, 403, 404]
    assert all(response["model"] is ErrorResponse for response in responses.values())
    unauthorized = responses[401]
    assert unauthorized["description"] == (
        "Unauthorized: authentication_required (Authentication required); invalid_token (Invalid token)."
    )
    examples = unauthorized["content"]["application/json"]["examples"]
    assert sorted(examples) == ["authentication_required", "invalid_token"]
    for example in examples.values():
        ErrorResponse.model_validate(example["value"])  # every example is a valid body
    problem = unauthorized["content"][PROBLEM_JSON]["examples"]["invalid_token"]["value"]
    assert problem["code"] == "invalid_token" and problem["status"] == 401


def test_error_responses_take_an_instance_as_the_example() -> None:
    error = InvoiceNotFound("Invoice inv_9 was not found.", invoice_id="inv_9", request_id="req_1")
    value = error_responses(error)[404]["content"]["application/json"]["examples"]["invoice_not_found"][
        "value"
    ]
    assert value == error.to_response()


def test_error_responses_refuse_what_has_no_code() -> None:
    from partner_invoicing_errors import ApiError

    assert sorted(error_responses(ApiError)) == [400, 401, 403, 404, 405, 409, 413, 429, 500, 503]
    with pytest.raises(ValueError, match="no error code"):
        error_responses(ApiError("an error without a code"))
    with pytest.raises(TypeError, match="ApiError classes or instances"):
        error_responses(ValueError)  # type: ignore[arg-type]


def test_the_apps_openapi_documents_the_catalogs_errors(server: Any) -> None:
    from openapi_spec_validator import validate

    document = httpx.get(server.url + "/openapi.json").json()
    validate(document)
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert {"ErrorResponse", "ErrorBody", "ErrorDetail"} <= set(schemas)
    for path_item in document["paths"].values():
        for operation in path_item.values():
            responses = operation["responses"]
            assert "422" not in responses
            assert responses["500"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorResponse"
            }
    get_invoice = document["paths"]["/invoices/{invoice_id}"]["get"]["responses"]
    assert sorted(get_invoice) == ["200", "400", "403", "404", "500"]
    assert list(get_invoice["400"]["content"]["application/json"]["examples"]) == ["validation_error"]
    assert "400" not in document["paths"]["/whoami"]["get"]["responses"]  # no parameters, no validation


def test_a_starlette_app(live_server: Callable[[object], Any]) -> None:
    async def endpoint(request: Request) -> JSONResponse:
        if request.query_params.get("fail") == "api":
            raise InvalidToken()
        if request.query_params.get("fail") == "crash":
            raise ZeroDivisionError("hidden")
        return JSONResponse({"request_id": current_request_id()})

    app = Starlette(routes=[Route("/", endpoint)])
    install(app, errors=partner_invoicing_errors)
    logging.getLogger("errcat.integrations.fastapi").disabled = True
    try:
        with live_server(app) as running:
            ok = httpx.get(running.url + "/", headers={"X-Request-ID": "s-1"})
            api = httpx.get(running.url + "/", params={"fail": "api"})
            crash = httpx.get(running.url + "/", params={"fail": "crash"})
    finally:
        logging.getLogger("errcat.integrations.fastapi").disabled = False
    assert ok.json() == {"request_id": "s-1"} and ok.headers["x-request-id"] == "s-1"
    assert api.status_code == 401 and api.json()["error"]["code"] == "invalid_token"
    assert crash.status_code == 500 and crash.json()["error"]["code"] == "internal_error"
    assert "hidden" not in crash.text
