"""The contracts renderer: the JSON Schema and the OpenAPI 3.1 components of the error response.

One template per file (``generators/schemas/*.j2``); every catalog value reaches them
through the ``json`` or ``yaml`` filter, and the JSON is parsed and written again, so
that a template slip shows as an error rather than as a broken contract.
"""

from __future__ import annotations

import json
from typing import Any

from errcat.runtime.errors import ENVELOPE_FIELDS
from errcat.toolchain.model import Catalog, ErrorEntry, class_name
from errcat.toolchain.render.python import banner, sorted_codes
from errcat.toolchain.render.templates import code_environment

__all__ = ["CONTRACT_FILES", "render_contracts"]

#: The contract files and what each holds (the site offers them for download).
CONTRACT_FILES = {
    "error-response.schema.json": "JSON Schema (draft 2020-12) of the error response body",
    "openapi-errors.yaml": "OpenAPI 3.1 components: the error schemas and one response per status",
}


def render_contracts(catalog: Catalog, command: str) -> dict[str, str]:
    """The response contracts, by file name (:data:`CONTRACT_FILES`)."""
    env = code_environment()
    context = _schema_context(catalog, command)
    schema = env.get_template("schemas/error-response.schema.json.j2").render(context)
    openapi = env.get_template("schemas/openapi-errors.yaml.j2").render(context)
    return {
        "error-response.schema.json": json.dumps(json.loads(schema), indent=2) + "\n",
        "openapi-errors.yaml": openapi,
    }


def _schema_context(catalog: Catalog, command: str) -> dict[str, Any]:
    codes = sorted_codes(catalog.errors)
    responses = []
    names: dict[str, int] = {}
    for status in sorted(catalog.statuses, key=lambda s: s.status):
        with_status = [e for e in codes if e.status == status.status]
        if not with_status:
            continue
        name = class_name(status.member_name.lower())
        names[name] = names.get(name, 0) + 1
        responses.append(
            {
                "name": name if names[name] == 1 else f"{name}{status.status}",
                "description": f"{status.status} {status.phrase}: {status.description}",
                "codes": [
                    {"code": e.code, "title": e.title, "note": _example_note(e), "body": _example_body(e)}
                    for e in with_status
                ],
            }
        )
    return {
        "catalog": catalog,
        "banner": banner(catalog, command),
        "codes": codes,
        "responses": responses,
        "schema_id": f"{catalog.api.docs_url.rstrip('/')}/schemas/error-response.schema.json",
    }


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
