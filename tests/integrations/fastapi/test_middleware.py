"""errcat.integrations.fastapi.middleware on a real uvicorn: unhandled errors, errors outside the handlers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tests.hostile import HOSTILE
from tests.integrations.fastapi._apps import (
    DOCS,
    SECRET,
)
from tests.strategies import AGAINST_A_SERVER

import partner_invoicing_errors
from errcat.integrations.fastapi import (
    PROBLEM_JSON,
    current_request_id,
    install,
)
from partner_invoicing_errors import (
    InternalError,
    InvalidToken,
    PermissionDenied,
)


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
    assert Path(record.pathname).parts[-2:] == ("fastapi", "handlers.py")  # errcat's handler, not logging's
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
    @AGAINST_A_SERVER
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
