"""errcat.integrations.fastapi on a real uvicorn with httpx: bodies, headers, negotiation, logs."""

from __future__ import annotations

import importlib
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tests.hostile import HOSTILE

import partner_invoicing_errors
from errcat.integrations.fastapi import (
    PROBLEM_JSON,
    UNREADABLE_BODY,
    current_request_id,
    error_responses,
    install,
    prefers_problem,
    safe_request_id,
    validation_details,
)
from partner_invoicing_errors import (
    ApiError,
    AuthenticationError,
    ErrorResponse,
    InternalError,
    InvalidToken,
    InvoiceNotFound,
    MethodNotAllowed,
    PermissionDenied,
    RateLimitExceeded,
    RequestTooLarge,
    RouteNotFound,
    ServiceUnavailable,
    ValidationFailed,
)

GENERATED_ID = re.compile(r"req_[0-9a-f]{32}")
SECRET = "s3cr3t-T0KEN-value"
DOCS = "https://docs.invoicing.example.com/errors/codes/"


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

    @app.get("/http/{status}")
    async def http_error(status: int) -> dict[str, str]:
        headers = {401: {"WWW-Authenticate": 'Bearer realm="invoices"'}, 307: {"Location": "/elsewhere"}}.get(
            status
        )
        raise HTTPException(status_code=status, detail=f"internal detail, token={SECRET}", headers=headers)

    @app.get("/leak")
    async def leak() -> dict[str, str]:
        raise ConnectionError("cannot reach postgres://app:S3CR3T-pw@db.internal/app with api_key=S3CR3T-key")

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
    # the traceback is logged formatted and redacted; no exc_info is left for a formatter to print raw
    assert record.exc_info is None and record.exc_text is not None
    name = "RuntimeError" if path == "/boom" else "KeyError"
    assert f"\n{name}: " in record.exc_text
    assert record.getMessage() == f"unhandled {name} in GET {path} (request_id={request_id})"
    assert record.pathname.endswith("fastapi.py")
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


# --- the framework's own errors ---------------------------------------------------------------


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The error in ``response`` in the standard shape, whichever media type was sent."""
    body: dict[str, Any] = response.json()
    return body["error"] if response.headers["content-type"] == "application/json" else body


# method, path, expected status, expected class, metadata, headers the response must carry
FRAMEWORK_ERRORS: list[tuple[str, str, int, type[ApiError], dict[str, Any], dict[str, str]]] = [
    ("GET", "/nowhere", 404, RouteNotFound, {}, {}),
    ("DELETE", "/invoices/inv_1", 405, MethodNotAllowed, {"allowed_methods": "GET"}, {"allow": "GET"}),
    ("GET", "/http/404", 404, RouteNotFound, {}, {}),
    ("GET", "/http/413", 413, RequestTooLarge, {}, {}),
    # statuses the catalog names no code for: its request_validation code (a 4xx), unhandled_exception (a 5xx)
    ("GET", "/http/403", 400, ValidationFailed, {}, {}),
    ("GET", "/http/401", 400, ValidationFailed, {}, {"www-authenticate": 'Bearer realm="invoices"'}),
    ("GET", "/http/503", 500, InternalError, {}, {}),
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
        expected = klass(request_id=request_id, **metadata)
        assert response.json() == (
            expected.to_response() if accept == "application/json" else expected.to_problem()
        )
        for name, value in headers.items():
            assert response.headers[name] == value
        assert SECRET not in response.text and "internal detail" not in response.text  # the detail stays out
        assert record.errcat["code"] == str(klass.code) and record.errcat["request_id"] == request_id  # type: ignore[attr-defined]
        assert record.levelno == (logging.ERROR if status >= 500 else logging.WARNING)
        assert SECRET not in record.getMessage() and SECRET not in json.dumps(record.errcat)  # type: ignore[attr-defined]
    forbidden = records[FRAMEWORK_ERRORS.index(next(e for e in FRAMEWORK_ERRORS if e[1] == "/http/403"))]
    assert forbidden.errcat["http_status"] == 403  # type: ignore[attr-defined]
    assert forbidden.errcat["http_detail"] == "internal detail, token=[REDACTED]"  # type: ignore[attr-defined]
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


@pytest.mark.parametrize(
    ("content_length", "status"), [(b"9" * 5000, 413), (b"1025", 413), (b"1024", 200), (b"abc", 200)]
)
def test_the_limit_reads_the_content_length_as_sent(content_length: bytes, status: int) -> None:
    """The middleware called as an ASGI app: a Content-Length of thousands of digits is over any limit."""
    import asyncio

    from starlette.applications import Starlette

    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"received": len(await request.body())})

    app = Starlette(routes=[Route("/", echo, methods=["POST"])])
    install(app, errors=partner_invoicing_errors, max_body_bytes=1024)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test"), (b"content-length", content_length)],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1234),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"x" * 10, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    logging.getLogger("errcat.integrations.fastapi").disabled = True
    try:  # in a thread of its own: a test before may have left an event loop running in this one
        worker = threading.Thread(target=asyncio.run, args=(app(scope, receive, send),))
        worker.start()
        worker.join(timeout=30)
    finally:
        logging.getLogger("errcat.integrations.fastapi").disabled = False
    assert sent[0]["status"] == status
    if status == 413:
        assert json.loads(sent[1]["body"])["error"]["max_bytes"] == 1024


def test_errors_raised_by_the_apps_own_middleware(live_server: Callable[[object], Any]) -> None:
    """An error raised outside the exception handlers (in the app's own middleware) is answered alike."""
    app = FastAPI()

    @app.middleware("http")
    async def gate(request: Request, call_next: Callable[[Request], Any]) -> Any:
        if request.url.path == "/gate/http":
            raise HTTPException(status_code=404, detail=f"token={SECRET}")
        if request.url.path == "/gate/api":
            raise PermissionDenied("The gate is closed.", business_id="biz_1")
        return await call_next(request)

    install(app, errors=partner_invoicing_errors)
    logging.getLogger("errcat.integrations.fastapi").disabled = True
    try:
        with live_server(app) as running:
            http_error = httpx.get(running.url + "/gate/http", headers={"Accept": PROBLEM_JSON})
            api_error = httpx.get(running.url + "/gate/api")
    finally:
        logging.getLogger("errcat.integrations.fastapi").disabled = False
    assert http_error.status_code == 404 and http_error.headers["content-type"] == PROBLEM_JSON
    assert http_error.json()["code"] == "route_not_found" and SECRET not in http_error.text
    assert api_error.status_code == 403
    assert (
        api_error.json()["error"]
        == PermissionDenied(
            "The gate is closed.", business_id="biz_1", request_id=api_error.headers["x-request-id"]
        ).to_response()["error"]
    )


# --- logging ------------------------------------------------------------------------------------


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
    assert all(r.pathname.endswith("fastapi.py") for r in records)  # the record names errcat's handler


def test_the_unhandled_error_log_redacts_the_exception_and_its_traceback(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="errcat.integrations.fastapi"):
        response = httpx.get(server.url + "/leak")
    assert response.status_code == 500 and "S3CR3T" not in response.text
    [record] = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    printed = logging.Formatter("%(message)s").format(record)
    for text in (caplog.text, printed):
        assert "S3CR3T" not in text
        assert (
            "ConnectionError: cannot reach postgres://[REDACTED]@db.internal/app with api_key=[REDACTED]"
            in text
        )
        assert "Traceback (most recent call last)" in text and "in leak" in text


# --- the body-size limit ----------------------------------------------------------------------------

LIMIT = 1024


class Note(BaseModel):
    text: str


def make_limited_app() -> FastAPI:
    app = FastAPI()
    app.state.entered = 0

    @app.post("/notes")
    async def create_note(note: Note) -> dict[str, int]:
        return {"length": len(note.text)}

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        request.app.state.entered += 1
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
        return {"received": received}

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"ok": "yes"}

    install(app, errors=partner_invoicing_errors, max_body_bytes=LIMIT)
    return app


def _chunks(total: int, size: int = 100) -> Iterator[bytes]:
    while total > 0:
        yield b"x" * min(size, total)
        total -= size


def test_a_body_over_the_limit_is_the_catalogs_413(
    live_server: Callable[[object], Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_limited_app()
    with live_server(app) as running, httpx.Client(base_url=running.url) as client:
        with caplog.at_level(logging.WARNING, logger="errcat.integrations.fastapi"):
            declared = client.post("/upload", content=b"x" * (LIMIT + 1))
            entered_after_declared = app.state.entered
            streamed = client.post("/upload", content=_chunks(LIMIT * 8))
            json_streamed = client.post(
                "/notes", content=_chunks(LIMIT * 3), headers={"Content-Type": "application/json"}
            )
            problem = client.post(
                "/notes",
                json={"text": "a" * LIMIT},
                headers={"Accept": PROBLEM_JSON, "X-Request-ID": "big-1"},
            )
        at_limit = client.post("/upload", content=b"x" * LIMIT)
        streamed_at_limit = client.post("/upload", content=_chunks(LIMIT))
        small = client.post("/notes", json={"text": "hello"})
        after = client.get("/ping")  # the same connection goes on serving
    assert entered_after_declared == 0  # refused on its Content-Length, before the app ran
    assert app.state.entered == 3  # the streamed bodies reached the app, which stopped reading at the limit
    for response in (declared, streamed, json_streamed):
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/json"
        assert (
            response.json()
            == RequestTooLarge(max_bytes=LIMIT, request_id=response.headers["x-request-id"]).to_response()
        )
    assert problem.status_code == 413 and problem.headers["content-type"] == PROBLEM_JSON
    assert problem.json() == RequestTooLarge(max_bytes=LIMIT, request_id="big-1").to_problem()
    assert at_limit.json() == {"received": LIMIT} and streamed_at_limit.json() == {"received": LIMIT}
    assert small.json() == {"length": 5} and after.json() == {"ok": "yes"}
    records = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    assert [r.errcat["code"] for r in records] == ["request_too_large"] * 4  # type: ignore[attr-defined]
    assert all(r.errcat["metadata"] == {"max_bytes": LIMIT} for r in records)  # type: ignore[attr-defined]


def test_the_limit_is_documented_on_operations_that_take_a_body() -> None:
    document = make_limited_app().openapi()
    notes = document["paths"]["/notes"]["post"]["responses"]
    assert sorted(notes) == ["200", "400", "413", "500"]
    example = notes["413"]["content"]["application/json"]["examples"]["request_too_large"]["value"]
    assert example["error"]["max_bytes"] == LIMIT
    assert "413" not in document["paths"]["/ping"]["get"]["responses"]
    assert (
        "413" not in document["paths"]["/upload"]["post"]["responses"]
    )  # it reads the raw stream: no body documented


@pytest.mark.parametrize("limit", [-1, True, 1.5, "1024"])
def test_install_refuses_a_limit_that_is_not_a_number_of_bytes(limit: Any) -> None:
    with pytest.raises(ValueError, match="max_body_bytes must be a whole number of bytes"):
        install(FastAPI(), errors=partner_invoicing_errors, max_body_bytes=limit)


# --- another catalog ---------------------------------------------------------------------------------


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
    # no code for 413 in this catalog: its request_validation code, with that code's status
    assert (too_large.status_code, too_large.json()["error"]["code"]) == (422, "invalid_shipment")
    assert (crash.status_code, crash.json()["error"]["code"]) == (500, "internal_failure")
    records = [r for r in caplog.records if r.name == "errcat.integrations.fastapi"]
    assert [r.levelno for r in records] == [logging.INFO] * 3 + [
        logging.ERROR
    ]  # its client_error level is info
    assert "Kq81-zz19-shp" not in caplog.text  # x-shipper-key is a key of this catalog only
    assert "x-shipper-key: [REDACTED]" in caplog.text


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
            unknown = httpx.get(running.url + "/nowhere", headers={"Accept": PROBLEM_JSON})
            wrong = httpx.post(running.url + "/")
    finally:
        logging.getLogger("errcat.integrations.fastapi").disabled = False
    assert ok.json() == {"request_id": "s-1"} and ok.headers["x-request-id"] == "s-1"
    assert api.status_code == 401 and api.json()["error"]["code"] == "invalid_token"
    assert crash.status_code == 500 and crash.json()["error"]["code"] == "internal_error"
    assert "hidden" not in crash.text
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM_JSON
    assert unknown.json()["code"] == "route_not_found"
    assert wrong.status_code == 405 and wrong.json()["error"]["allowed_methods"] == wrong.headers["allow"]
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "HEAD"}
