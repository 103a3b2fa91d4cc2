"""errcat.integrations.fastapi.openapi: the error responses of a route and of the app's own document."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest
from tests.integrations.fastapi._apps import (
    LIMIT,
    make_limited_app,
)

from errcat.integrations.fastapi import (
    PROBLEM_JSON,
    error_responses,
)
from errcat.runtime.envelope import PROBLEM, json_schema
from partner_invoicing_errors import (
    ApiError,
    AuthenticationError,
    ErrorResponse,
    InvoiceNotFound,
    PermissionDenied,
)


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


def test_the_problem_form_is_documented_with_the_envelopes_schema() -> None:
    """The problem+json schema is the runtime envelope's, members and descriptions alike, in place."""
    responses = error_responses(InvoiceNotFound, PermissionDenied)
    for response in responses.values():
        problem = response["content"][PROBLEM_JSON]
        assert problem["schema"] == json_schema(PROBLEM)
        for example in problem["examples"].values():
            jsonschema.Draft202012Validator(problem["schema"]).validate(example["value"])
