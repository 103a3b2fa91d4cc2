"""errcat.integrations.fastapi.request on a real uvicorn: request ids, and the body-size limit."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tests.integrations.fastapi._apps import (
    GENERATED_ID,
    LIMIT,
    chunks,
    make_limited_app,
)

import partner_invoicing_errors
from errcat.integrations.fastapi import (
    PROBLEM_JSON,
    install,
    safe_request_id,
)
from partner_invoicing_errors import (
    RequestTooLarge,
)


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


@pytest.mark.parametrize(
    ("content_length", "status"), [(b"9" * 5000, 413), (b"1025", 413), (b"1024", 200), (b"abc", 200)]
)
def test_the_limit_reads_the_content_length_as_sent(content_length: bytes, status: int) -> None:
    """The middleware called as an ASGI app: a Content-Length of thousands of digits is over any limit."""
    import asyncio

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


def test_a_body_over_the_limit_is_the_catalogs_413(
    live_server: Callable[[object], Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_limited_app()
    with live_server(app) as running, httpx.Client(base_url=running.url) as client:
        with caplog.at_level(logging.WARNING, logger="errcat.integrations.fastapi"):
            declared = client.post("/upload", content=b"x" * (LIMIT + 1))
            entered_after_declared = app.state.entered
            streamed = client.post("/upload", content=chunks(LIMIT * 8))
            json_streamed = client.post(
                "/notes", content=chunks(LIMIT * 3), headers={"Content-Type": "application/json"}
            )
            problem = client.post(
                "/notes",
                json={"text": "a" * LIMIT},
                headers={"Accept": PROBLEM_JSON, "X-Request-ID": "big-1"},
            )
        at_limit = client.post("/upload", content=b"x" * LIMIT)
        streamed_at_limit = client.post("/upload", content=chunks(LIMIT))
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


@pytest.mark.parametrize("limit", [-1, True, 1.5, "1024"])
def test_install_refuses_a_limit_that_is_not_a_number_of_bytes(limit: Any) -> None:
    with pytest.raises(ValueError, match="max_body_bytes must be a whole number of bytes"):
        install(FastAPI(), errors=partner_invoicing_errors, max_body_bytes=limit)
