"""Scripted servers and clients for the httpx tests: a server answers with the next response it was given."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

import partner_invoicing_errors as codes
from errcat.integrations.httpx import RetryingTransport, raise_on_error


def body(code: str, message: str, **extra: Any) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "request_id": "req_1", **extra}}).encode()


class Script:
    """An ASGI app that answers each request with the next scripted response and records what it saw."""

    def __init__(self, *responses: tuple[int, bytes, dict[str, str]]) -> None:
        self.responses = list(responses)
        self.seen: list[dict[str, str]] = []

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.seen.append({**headers, "body": body.decode(), "path": scope["path"]})
        status, content, extra = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        content_type = extra.pop("content-type", "application/json") if extra else "application/json"
        raw_headers = [(b"content-type", content_type.encode())] + [
            (k.encode(), v.encode()) for k, v in extra.items()
        ]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": content})


OK = (200, b'{"id": "inv_1"}', {})


def client(server_url: str, slept: list[float], **kwargs: Any) -> httpx.Client:
    transport = RetryingTransport(errors=codes, sleep=slept.append, random=lambda: 1.0, **kwargs)
    return httpx.Client(
        base_url=server_url, transport=transport, event_hooks={"response": [raise_on_error(codes)]}
    )
