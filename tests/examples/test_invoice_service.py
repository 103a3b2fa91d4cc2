"""Every error path of the example invoice service, over a real uvicorn, with httpx and errcat's helpers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from tests.examples._service import load_service

import partner_invoicing_errors
from errcat.integrations.httpx import RetryingTransport, raise_for_error
from errcat.runtime.retry import existing_resource_hint
from partner_invoicing_errors import DuplicateExternalId, InvalidToken, InvoiceNotFound, PermissionDenied

ERRORS = partner_invoicing_errors

DOCS = "https://docs.invoicing.example.com/errors/codes/"
ACME = {"Authorization": "Bearer tok_acme"}
INVOICE = {"external_id": "order-2024-0042", "amount": 12500, "currency": "EUR", "due_date": "2026-07-01"}


@pytest.fixture
def url(live_server: Callable[[object], Any]) -> Iterator[str]:
    with live_server(load_service().create_app()) as server:
        yield server.url


def error_of(response: httpx.Response, code: str, status: int, message: str, **metadata: Any) -> None:
    """``response`` is exactly the catalog's error body for ``code``."""
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    request_id = response.headers["x-request-id"]
    assert response.json() == {
        "error": {
            "code": code,
            "message": message,
            "request_id": request_id,
            "doc_url": f"{DOCS}{code}/",
            **metadata,
        }
    }


def test_no_authorization_header(url: str) -> None:
    error_of(
        httpx.get(url + "/businesses"),
        "authentication_required",
        401,
        "Authentication credentials were not provided.",
    )


@pytest.mark.parametrize("header", ["Bearer tok_unknown", "Basic dXNlcjpwYXNz", "Bearer", "tok_acme"])
def test_an_unusable_token(url: str, header: str) -> None:
    response = httpx.get(url + "/businesses", headers={"Authorization": header})
    error_of(response, "invalid_token", 401, "The access token is invalid or has expired.")


def test_the_tokens_businesses(url: str) -> None:
    response = httpx.get(url + "/businesses", headers={"Authorization": "Bearer tok_partner"})
    assert response.json() == [
        {"id": "biz_acme", "name": "Acme Corporation"},
        {"id": "biz_globex", "name": "Globex"},
    ]


def test_an_unknown_business(url: str) -> None:
    error_of(
        httpx.get(url + "/businesses/biz_nope/invoices", headers=ACME),
        "business_not_found",
        404,
        "Business biz_nope was not found.",
        business_id="biz_nope",
    )


@pytest.mark.parametrize("business", ["biz_globex", "biz_initech"])
def test_a_business_outside_the_tokens_scope(url: str, business: str) -> None:
    error_of(
        httpx.get(f"{url}/businesses/{business}", headers=ACME),
        "permission_denied",
        403,
        f"The token does not grant access to business {business}.",
        business_id=business,
    )


def test_an_unknown_invoice(url: str) -> None:
    error_of(
        httpx.get(url + "/businesses/biz_acme/invoices/inv_missing", headers=ACME),
        "invoice_not_found",
        404,
        "Invoice inv_missing was not found for business biz_acme.",
        business_id="biz_acme",
        invoice_id="inv_missing",
    )


def test_a_body_that_breaks_the_rules(url: str) -> None:
    body = {"external_id": "has space", "amount": -5, "currency": "euro", "due_date": "2026-02-30", "x": 1}
    response = httpx.post(url + "/businesses/biz_acme/invoices", headers=ACME, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [(d["field"], d["code"]) for d in error["details"]] == [
        ("external_id", "string_pattern_mismatch"),
        ("amount", "greater_than"),
        ("currency", "string_pattern_mismatch"),
        ("due_date", "string_pattern_mismatch"),
        ("x", "extra_forbidden"),
    ]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [({"limit": "0"}, "limit", "greater_than_equal"), ({"limt": "5"}, "limt", "extra_forbidden")],
)
def test_a_query_that_breaks_the_rules(url: str, query: dict[str, str], field: str, code: str) -> None:
    response = httpx.get(url + "/businesses/biz_acme/invoices", headers=ACME, params=query)
    assert response.status_code == 400
    [detail] = response.json()["error"]["details"]
    assert (detail["field"], detail["code"]) == (field, code)


def test_a_query_parameter_given_twice(url: str) -> None:
    response = httpx.get(url + "/businesses/biz_acme/invoices?limit=5&limit=2.0", headers=ACME)
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "limit", "code": "repeated", "message": "The parameter was given more than once."}
    ]


def test_a_string_is_not_an_amount_but_a_whole_float_is(url: str) -> None:
    text = httpx.post(url + "/businesses/biz_acme/invoices", headers=ACME, json={**INVOICE, "amount": "5"})
    assert text.status_code == 400
    assert text.json()["error"]["details"][0] == {
        "field": "amount",
        "code": "int_type",
        "message": "Input should be a valid integer",
    }
    whole = httpx.post(url + "/businesses/biz_acme/invoices", headers=ACME, json={**INVOICE, "amount": 125.0})
    assert whole.status_code == 201 and whole.json()["amount"] == 125


def test_an_idempotent_create(url: str) -> None:
    created = httpx.post(url + "/businesses/biz_acme/invoices", headers=ACME, json=INVOICE)
    assert created.status_code == 201
    invoice = created.json()
    assert invoice["external_id"] == "order-2024-0042" and invoice["business_id"] == "biz_acme"
    fetched = httpx.get(f"{url}/businesses/biz_acme/invoices/{invoice['id']}", headers=ACME)
    assert fetched.json() == invoice
    again = httpx.post(url + "/businesses/biz_acme/invoices", headers=ACME, json={**INVOICE, "amount": 1})
    error_of(
        again,
        "duplicate_external_id",
        409,
        "An invoice with external_id order-2024-0042 already exists.",
        external_id="order-2024-0042",
        existing_invoice_id=invoice["id"],
    )
    # the same external_id in another business is another invoice
    other = httpx.post(
        url + "/businesses/biz_globex/invoices", headers={"Authorization": "Bearer tok_partner"}, json=INVOICE
    )
    assert other.status_code == 201 and other.json()["id"] != invoice["id"]


def test_the_httpx_helpers_turn_responses_into_typed_exceptions(url: str) -> None:
    with httpx.Client(base_url=url, headers=ACME) as client:
        invoice = client.post("/businesses/biz_acme/invoices", json=INVOICE).json()
        with pytest.raises(DuplicateExternalId) as duplicate:
            raise_for_error(client.post("/businesses/biz_acme/invoices", json=INVOICE), ERRORS)
        assert existing_resource_hint(duplicate.value) == {
            "external_id": "order-2024-0042",
            "existing_invoice_id": invoice["id"],
        }
        with pytest.raises(InvoiceNotFound) as missing:
            raise_for_error(client.get("/businesses/biz_acme/invoices/inv_x"), ERRORS)
        assert missing.value.metadata == {"business_id": "biz_acme", "invoice_id": "inv_x"}
        assert missing.value.request_id is not None and missing.value.request_id.startswith("req_")
        with pytest.raises(PermissionDenied):
            raise_for_error(client.get("/businesses/biz_initech"), ERRORS)


def test_the_retrying_transport_refreshes_an_expired_token(url: str) -> None:
    refreshed: list[str] = []

    def refresh() -> str:
        refreshed.append("tok_acme")
        return "tok_acme"

    transport = RetryingTransport(errors=ERRORS, refresh=refresh, sleep=lambda seconds: None)
    with httpx.Client(
        base_url=url, transport=transport, headers={"Authorization": "Bearer tok_expired"}
    ) as client:
        response = client.get("/businesses/biz_acme")
    assert response.status_code == 200 and response.json() == {"id": "biz_acme", "name": "Acme Corporation"}
    assert refreshed == ["tok_acme"]

    def failing_refresh() -> str:
        return "tok_still_bad"

    transport = RetryingTransport(errors=ERRORS, refresh=failing_refresh, sleep=lambda seconds: None)
    with httpx.Client(
        base_url=url, transport=transport, headers={"Authorization": "Bearer tok_expired"}
    ) as client:
        with pytest.raises(InvalidToken):
            raise_for_error(client.get("/businesses/biz_acme"), ERRORS)


def test_the_services_openapi_lists_every_code_a_route_sends(url: str) -> None:
    from openapi_spec_validator import validate

    document = httpx.get(url + "/openapi.json").json()
    validate(document)
    get_invoice = document["paths"]["/businesses/{business_id}/invoices/{invoice_id}"]["get"]["responses"]
    assert sorted(get_invoice) == ["200", "400", "401", "403", "404", "500"]
    assert sorted(get_invoice["404"]["content"]["application/json"]["examples"]) == [
        "business_not_found",
        "invoice_not_found",
    ]
    create = document["paths"]["/businesses/{business_id}/invoices"]["post"]["responses"]
    assert sorted(create) == ["201", "400", "401", "403", "404", "409", "413", "500"]
    limit = create["413"]["content"]["application/json"]["examples"]["request_too_large"]["value"]
    assert limit["error"]["max_bytes"] == load_service().MAX_BODY_BYTES
    assert document["components"]["securitySchemes"] == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner token, such as tok_acme.",
        }
    }


def test_the_frameworks_errors_are_the_catalogs_too(url: str) -> None:
    error_of(
        httpx.get(url + "/invoicez", headers=ACME),
        "route_not_found",
        404,
        "No endpoint matches the request path.",
    )
    wrong = httpx.delete(url + "/businesses/biz_acme/invoices", headers=ACME)
    error_of(
        wrong,
        "method_not_allowed",
        405,
        "The endpoint does not take this HTTP method.",
        allowed_methods="GET, POST",
    )
    assert wrong.headers["allow"] == "GET, POST"  # both routes of the path, not only the first that matched
    problem = httpx.get(url + "/invoicez", headers={"Accept": "application/problem+json"})
    assert problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["code"] == "route_not_found" and problem.json()["status"] == 404


def test_a_body_over_the_services_limit(url: str) -> None:
    limit = load_service().MAX_BODY_BYTES
    big = {**INVOICE, "description": "x" * limit}

    def chunks() -> Iterator[bytes]:
        text = json.dumps(big).encode()
        for start in range(0, len(text), 4096):
            yield text[start : start + 4096]

    for response in (
        httpx.post(url + "/businesses/biz_acme/invoices", headers=ACME, json=big),
        httpx.post(
            url + "/businesses/biz_acme/invoices",
            headers={**ACME, "Content-Type": "application/json"},
            content=chunks(),  # no Content-Length: stopped while it streams
        ),
    ):
        error_of(
            response,
            "request_too_large",
            413,
            "The request body is larger than the API accepts.",
            max_bytes=limit,
        )
    listed = httpx.get(url + "/businesses/biz_acme/invoices", headers=ACME)
    assert listed.json() == {"invoices": []}  # nothing was created
