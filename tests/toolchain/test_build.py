"""The document -> model step: each catalog object's properties are its model class's fields."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from tests.builders import ROOT

from errcat.toolchain import model
from errcat.toolchain.load import load_bytes
from errcat.toolchain.schema import catalog_schema

_DEFS = catalog_schema()["$defs"]
_POLICY = _DEFS["retry_policy"]["properties"]
_LOGGING = _DEFS["logging"]["properties"]

#: Each model class built from a catalog object, that object's schema, and the fields the model
#: derives instead of reading them (the build step fills them in).
RECORDS: list[tuple[type[Any], dict[str, Any], set[str]]] = [
    (model.Api, _DEFS["api"], set()),
    (model.Status, _DEFS["status"], set()),
    (model.Category, _DEFS["category"], set()),
    (model.Retry, _DEFS["retry"], set()),
    (model.Detail, _DEFS["detail"], set()),
    (model.Example, _DEFS["example"], set()),
    (model.Deprecation, _DEFS["deprecation"], set()),
    (model.Retirement, _DEFS["retirement"], set()),
    (model.ErrorEntry, _DEFS["error"], {"doc_url", "line"}),
    (model.RetryPolicy, _DEFS["retry_policy"], set()),
    (model.Backoff, _POLICY["backoff"], set()),
    (model.TransportFailure, _POLICY["transport_failures"]["items"], set()),
    (model.Logging, _DEFS["logging"], set()),
    (model.LogField, _LOGGING["include"]["items"], set()),
    (model.Redaction, _LOGGING["redact"]["items"], set()),
    (model.LogLevel, _LOGGING["levels"]["items"], set()),
    (model.Server, _DEFS["server"], set()),
    (model.Scenario, _DEFS["scenario"], set()),
    (model.Link, _DEFS["link"], set()),
]


@pytest.mark.parametrize(("record", "schema", "derived"), RECORDS, ids=lambda r: getattr(r, "__name__", ""))
def test_every_property_of_a_catalog_object_is_a_field_of_its_model_class(
    record: type[Any], schema: dict[str, Any], derived: set[str]
) -> None:
    """build() passes an object's properties to its class by name: a property the model lacks
    would fail the build of a valid catalog, and a field the schema lacks could never be set."""
    assert schema.get("additionalProperties") is False
    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(record)} - derived


def test_the_records_cover_every_model_class_but_the_catalog_itself() -> None:
    classes = {
        value
        for value in vars(model).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == model.__name__
    }
    assert classes - {record for record, _, _ in RECORDS} == {model.Catalog}


def test_lists_become_tuples_and_derived_fields_are_filled_in() -> None:
    raw = (ROOT / "catalog" / "errors.yaml").read_bytes()
    catalog = load_bytes(raw, "catalog/errors.yaml").catalog
    assert catalog is not None
    entry = catalog.error("invoice_not_found")
    assert isinstance(entry.see_also, tuple) and isinstance(catalog.retry_policy.notes, tuple)
    assert all(isinstance(r.keys, tuple) for r in catalog.logging.redact)
    assert isinstance(catalog.server.http_errors, tuple) and catalog.server.http_errors
    assert entry.doc_url == "https://docs.invoicing.example.com/errors/codes/invoice_not_found/"
    assert raw.decode().splitlines()[entry.line - 1] == "  - code: invoice_not_found"
    assert hash(catalog)  # every value is immutable, all the way down
