"""The envelope as data (:mod:`errcat.runtime.envelope`): what the runtime sends, what every output says.

The members are the runtime's own: ``to_response`` and ``to_problem`` send exactly them,
in their order, and the JSON Schema the module writes accepts every body. Each output that
describes the envelope (the contracts, the generated models and TypeScript declarations,
the site's home page) carries every member's description word for word.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml
from tests.builders import ROOT

import partner_invoicing_errors as shipped
from errcat.runtime.envelope import DETAIL, ENVELOPE_FIELDS, ERROR, PROBLEM, RESPONSE, WireObject, json_schema
from partner_invoicing_errors import InvoiceNotFound, ValidationFailed

FULL = ValidationFailed(
    "Fix the fields.",
    request_id="req_1",
    details=[{"field": "amount", "code": "too_small", "message": "At least 1."}],
    doc_url="https://docs.example.com/codes/validation_error/",
)


def test_the_names_metadata_may_not_take_are_the_error_objects_fields_and_status() -> None:
    assert {member.name for member in ERROR.members} | {"status"} == ENVELOPE_FIELDS
    assert ERROR.member("code").always and ERROR.member("message").always
    assert not any(member.always for member in ERROR.members[2:])
    with pytest.raises(KeyError, match="ErrorBody has no member 'status'"):
        ERROR.member("status")


def test_the_runtime_sends_the_members_in_their_order() -> None:
    body = FULL.to_response()
    assert list(body) == [member.name for member in RESPONSE.members]
    assert list(body["error"]) == [member.name for member in ERROR.members]
    assert list(body["error"]["details"][0]) == [member.name for member in DETAIL.members]
    bare = InvoiceNotFound().to_response()["error"]
    assert set(bare) == {"code", "message", "doc_url"}  # what is not always sent is left out
    problem = FULL.to_problem()
    assert list(problem) == [member.name for member in PROBLEM.members]
    assert [m.name for m in PROBLEM.members if m.always] == list(InvoiceNotFound().to_problem())


@pytest.mark.parametrize(
    "error",
    [FULL, InvoiceNotFound(invoice_id="inv_1", business_id="biz_1"), shipped.ApiError("boom", status=418)],
    ids=repr,
)
def test_its_json_schema_accepts_every_body_the_runtime_writes(error: shipped.ApiError) -> None:
    for wire_object, body in (
        (RESPONSE, error.to_response()),
        (RESPONSE, json.loads(error.to_json())),
        (ERROR, error.to_response()["error"]),
        (PROBLEM, error.to_problem()),
    ):
        jsonschema.Draft202012Validator(json_schema(wire_object)).validate(body)


def test_its_json_schema_refuses_a_body_without_what_is_always_sent() -> None:
    schema = json_schema(ERROR)
    with pytest.raises(jsonschema.ValidationError, match="'message' is a required property"):
        jsonschema.validate({"code": "x"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"code": "x", "message": "m", "details": [{"field": "f"}]}, schema)


def test_an_object_held_by_a_member_is_referred_to_or_written_in_place() -> None:
    referring = json_schema(ERROR, "#/$defs/")
    assert referring["properties"]["details"]["items"] == {"$ref": "#/$defs/ErrorDetail"}
    assert json_schema(ERROR)["properties"]["details"]["items"] == json_schema(DETAIL)
    assert json_schema(RESPONSE, "#/components/schemas/")["properties"] == {
        "error": {"$ref": "#/components/schemas/ErrorBody"}
    }
    assert "additionalProperties" not in json_schema(DETAIL)  # no metadata in a detail


# --- every output reads the same sentences ----------------------------------------------------------


def descriptions(wire_object: WireObject) -> list[str]:
    """The object's description, then each member's."""
    return [wire_object.description] + [member.description for member in wire_object.members]


def assert_described(schemas: dict[str, Any]) -> None:
    """Each envelope object in ``schemas`` (by name) says what the envelope says of it and its members."""
    for wire_object in (DETAIL, ERROR, PROBLEM, RESPONSE):
        written = schemas[wire_object.name]
        assert written["description"] == wire_object.description
        assert written["required"] == [member.name for member in wire_object.members if member.always]
        for member in wire_object.members:
            if member.type != "object":  # an object member is its $ref alone
                assert written["properties"][member.name]["description"] == member.description


def test_the_contracts_describe_every_member_as_the_envelope_does() -> None:
    schema = json.loads((ROOT / "schemas" / "error-response.schema.json").read_text())
    assert_described({**schema["$defs"], RESPONSE.name: schema})
    openapi = yaml.safe_load((ROOT / "schemas" / "openapi-errors.yaml").read_text())
    assert_described(openapi["components"]["schemas"])


def test_the_generated_models_and_declarations_describe_every_member() -> None:
    models = shipped.ErrorResponse, shipped.ErrorBody, shipped.ErrorDetail
    for model, wire_object in zip(models, (RESPONSE, ERROR, DETAIL), strict=True):
        assert " ".join((model.__doc__ or "").split()) == wire_object.description
        for member in wire_object.members:
            if member.type != "object":
                assert model.model_fields[member.name].description == member.description
    declarations = (ROOT / "src" / "typescript" / "errors.d.ts").read_text()
    for wire_object in (DETAIL, ERROR, PROBLEM, RESPONSE):
        for text in descriptions(wire_object):
            assert f"/** {text} */" in declarations, text


def test_the_sites_home_page_describes_every_field() -> None:
    page = (ROOT / "site" / "docs" / "index.md").read_text().replace("&#39;", "'")
    for member in ERROR.members:
        assert f"<td><code>error.{member.name}</code></td><td>{member.type}</td>" in page
        assert member.description in page
    assert ERROR.extra in page
