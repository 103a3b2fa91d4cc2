"""The apps the FastAPI integration's tests serve, and what they share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.requests import Request

import partner_invoicing_errors
from errcat.integrations.fastapi import (
    current_request_id,
    error_responses,
    install,
)
from partner_invoicing_errors import (
    ApiError,
    AuthenticationError,
    InvoiceNotFound,
    MethodNotAllowed,
    PermissionDenied,
    RateLimitExceeded,
    RequestTooLarge,
    RouteNotFound,
    ServiceUnavailable,
)

GENERATED_ID = re.compile(r"req_[0-9a-f]{32}")
SECRET = "s3cr3t-T0KEN-value"
DOCS = "https://docs.invoicing.example.com/errors/codes/"


GENERATED_ID = re.compile(r"req_[0-9a-f]{32}")
SECRET = "s3cr3t-T0KEN-value"
DOCS = "https://docs.invoicing.example.com/errors/codes/"


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
    # statuses server.http_errors leaves out: the catalog's one current code of the status, else the
    # class that owns the status (no code: the body says http_<status>); the status is kept
    ("GET", "/http/403", 403, PermissionDenied, {}, {}),
    ("GET", "/http/401", 401, AuthenticationError, {}, {"www-authenticate": 'Bearer realm="invoices"'}),
    ("GET", "/http/503", 503, ServiceUnavailable, {}, {}),
]


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


def chunks(total: int, size: int = 100) -> Iterator[bytes]:
    while total > 0:
        yield b"x" * min(size, total)
        total -= size
