"""The contracts renderer: the JSON Schema and the OpenAPI 3.1 components of the error response.

Both documents are built here as data and written by a serializer (:mod:`json`, and
PyYAML for the OpenAPI file), never assembled as text: a catalog string can only ever
be a string value in them. The banner is a ``$comment`` in the JSON Schema and ``#``
lines above the YAML.

The error code is an *open* enum: the field is ``anyOf`` the ``ErrorCode`` enum and a
non-empty string. Tried with the generators clients run (see the tests), that shape is
the one each renders as "a known code, or any other string": openapi-typescript writes
``components["schemas"]["ErrorCode"] | string`` (the named union stays available for
exhaustive ``switch`` statements), openapi-python-client ``ErrorCode | str`` with a
parser that tries the enum first, datamodel-code-generator ``ErrorCode | constr(min_length=1)``.
``x-extensible-enum`` is read by none of the three (each makes a plain string of it), and
a closed ``enum`` would make a newer server's code fail an older client.

The objects, their members, which members every response carries and what each holds
are the runtime's :mod:`errcat.runtime.envelope`, written as JSON Schema by its
:func:`~errcat.runtime.envelope.json_schema`; this module adds the catalog's code enum. A
metadata field may hold any JSON value.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from errcat.runtime.envelope import DETAIL, ENVELOPE_FIELDS, ERROR, PROBLEM, RESPONSE, json_schema
from errcat.toolchain.model import Catalog, ErrorEntry
from errcat.toolchain.names import class_name
from errcat.toolchain.render.escape import comment_text
from errcat.toolchain.render.python import sorted_codes

__all__ = ["CONTRACT_FILES", "contract_documents", "render_contracts"]

#: The contract files and what each holds (the site offers them for download).
CONTRACT_FILES = {
    "error-response.schema.json": "JSON Schema (draft 2020-12) of the error response body",
    "openapi-errors.yaml": "OpenAPI 3.1 components: the error schemas and one response per status",
}


def render_contracts(catalog: Catalog, command: str) -> dict[str, str]:
    """The response contracts, by file name (:data:`CONTRACT_FILES`)."""
    schema, openapi = contract_documents(catalog, command)
    banner = _banner(catalog, command)
    return {
        "error-response.schema.json": json.dumps(schema, indent=2, ensure_ascii=True) + "\n",
        "openapi-errors.yaml": _yaml_header(banner) + _dump_yaml(openapi),
    }


def contract_documents(catalog: Catalog, command: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema and the OpenAPI document, as the data the files hold."""
    codes = sorted_codes(catalog.errors)
    version = catalog.api.version
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{catalog.api.docs_url.rstrip('/')}/schemas/error-response.schema.json",
        "$comment": _banner(catalog, command),
        "title": f"{catalog.api.name} error response",
        **json_schema(RESPONSE, "#/$defs/"),
        "$defs": _component_schemas(codes, version, "#/$defs/"),
    }
    components = _component_schemas(codes, version, "#/components/schemas/")
    components[RESPONSE.name] = json_schema(RESPONSE, "#/components/schemas/")
    openapi: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": f"{catalog.api.name} errors",
            "version": version,
            "description": catalog.api.description,
        },
        # The components are served by whichever API document refers to them; "/" is OpenAPI's
        # own default, written out so that a linter sees a server.
        "servers": [{"url": "/", "description": "The server of the API document that refers to these."}],
        "paths": {},
        "components": {"schemas": components, "responses": _responses(catalog, codes)},
    }
    return schema, openapi


def _component_schemas(codes: list[ErrorEntry], version: str, ref: str) -> dict[str, Any]:
    """``ErrorCode`` and the envelope's objects, referring to each other by ``ref``.

    The code of ``ErrorBody`` and ``Problem`` is the open enum: the catalog's codes, or any
    other non-empty string.
    """
    code = ERROR.member("code")
    code_field = {
        "description": code.description,
        "anyOf": [
            {"$ref": f"{ref}ErrorCode"},
            {
                "type": "string",
                "minLength": 1,
                "description": "A code this version of the contract does not list.",
            },
        ],
    }
    schemas: dict[str, Any] = {
        "ErrorCode": {
            "description": f"The error codes of the catalog, version {version}.",
            "type": "string",
            "enum": [entry.code for entry in codes],
        }
    }
    for wire_object in (DETAIL, ERROR, PROBLEM):
        schemas[wire_object.name] = json_schema(wire_object, ref)
    for wire_object in (ERROR, PROBLEM):
        schemas[wire_object.name]["properties"]["code"] = code_field
    return schemas


def _responses(catalog: Catalog, codes: list[ErrorEntry]) -> dict[str, Any]:
    """One response per status that has codes, named after its phrase, with an example per code."""
    responses: dict[str, Any] = {}
    names: dict[str, int] = {}
    for status in sorted(catalog.statuses, key=lambda s: s.status):
        with_status = [e for e in codes if e.status == status.status]
        if not with_status:
            continue
        name = class_name(status.member_name.lower())
        names[name] = names.get(name, 0) + 1
        examples: dict[str, Any] = {}
        for entry in with_status:
            example: dict[str, Any] = {"summary": entry.title}
            if note := _example_note(entry):
                example["description"] = note
            example["value"] = _example_body(entry)
            examples[entry.code] = example
        responses[name if names[name] == 1 else f"{name}{status.status}"] = {
            "description": f"{status.status} {status.phrase}: {status.description}",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorResponse"},
                    "examples": examples,
                },
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
            },
        }
    return responses


def _example_body(entry: ErrorEntry) -> dict[str, Any]:
    """The example body with its metadata fields sorted (their order in the YAML is not data)."""
    error = entry.example_body()["error"]
    envelope = {k: v for k, v in error.items() if k in ENVELOPE_FIELDS}
    return {"error": {**envelope, **{k: error[k] for k in sorted(error) if k not in ENVELOPE_FIELDS}}}


def _example_note(entry: ErrorEntry) -> str:
    if entry.retired:
        return f"Retired in {entry.retired.since}: no longer sent."
    if entry.deprecated:
        replacement = f" Use {entry.replaced_by} instead." if entry.replaced_by else ""
        return f"Deprecated since {entry.deprecated.since}.{replacement}"
    return ""


# --- writing ----------------------------------------------------------------------------------


def _banner(catalog: Catalog, command: str) -> str:
    return (
        f"Generated by errcat from {catalog.source} (sha256 {catalog.sha256}) with `{command}`. "
        "Do not edit: change the catalog and run the command again."
    )


def _yaml_header(banner: str) -> str:
    return (
        f"# {comment_text(banner)}\n"
        "#\n"
        "# OpenAPI 3.1 components for the error responses of the API: the error body's\n"
        "# schemas and one response per error status, with the catalog's examples.\n"
        "# Reference them from your paths: $ref: 'openapi-errors.yaml#/components/responses/NotFound'\n"
    )


#: A string that every YAML reader (1.1 or 1.2, PyYAML, js-yaml, ruamel) reads back as that string
#: when written plain; anything else is double-quoted, with escapes for all but printable ASCII.
_PLAIN = re.compile(r"[A-Za-z_$][A-Za-z0-9_$./+-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})

_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _ContractDumper(_BaseDumper):  # type: ignore[misc,valid-type]  # libyaml's emitter when PyYAML has it
    """PyYAML's safe dumper: every string plain and unambiguous or double-quoted; no aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True  # a schema used twice is written twice: readers need no anchors


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    plain = _PLAIN.fullmatch(value) is not None and value.lower() not in _YAML_WORDS
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')


_ContractDumper.add_representer(str, _represent_str)


def _dump_yaml(document: dict[str, Any]) -> str:
    text: str = yaml.dump(
        document,
        Dumper=_ContractDumper,
        sort_keys=False,
        allow_unicode=False,  # everything beyond printable ASCII as an escape
        default_flow_style=False,
        width=1 << 30,  # one line per value: no folding inside quoted strings
        indent=2,
    )
    return text
