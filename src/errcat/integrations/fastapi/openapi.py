"""The OpenAPI side of the FastAPI integration: a route's error responses, and the app's own document.

:func:`error_responses` documents a route's codes (the generated pydantic
``ErrorResponse`` model, an example per code, the problem+json form, whose schema is
:data:`errcat.runtime.envelope.PROBLEM`'s). :func:`document_openapi`, which
:func:`~errcat.integrations.fastapi.install` calls for a FastAPI app, replaces FastAPI's
422 (never sent) by the catalog's validation response and documents the unhandled-error
response (and, with a body limit, the 413) on every operation. See
:mod:`errcat.integrations.fastapi`.
"""

from __future__ import annotations

import copy
from typing import Any

from errcat.integrations.fastapi.handlers import PROBLEM_JSON, metadata_keys, status_message
from errcat.runtime.catalog import ErrorCatalog
from errcat.runtime.envelope import PROBLEM, json_schema
from errcat.runtime.errors import ApiError

__all__ = ["document_openapi", "error_responses"]

_EXAMPLE_REQUEST_ID = "req_4f1c2a9be07d4c3a8d5e6f7a8b9c0d1e"
#: The JSON Schema of the problem+json form of an error (RFC 9457 with errcat's members).
_PROBLEM_SCHEMA = json_schema(PROBLEM)


def document_openapi(app: Any, catalog: ErrorCatalog, max_body_bytes: int | None = None) -> None:
    make_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema  # type: ignore[no-any-return]
        schema: dict[str, Any] = make_openapi()
        _add_catalog_errors(schema, catalog, max_body_bytes)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def _add_catalog_errors(
    schema: dict[str, Any], catalog: ErrorCatalog, max_body_bytes: int | None = None
) -> None:
    """Replace FastAPI's 422 by the catalog's validation response; document its unhandled-error response.

    With a body-size limit, every operation that takes a body also documents the
    catalog's code for 413, its ``max_bytes`` in the example.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in _model_schemas(catalog).items():
        components.setdefault(name, definition)
    invalid = catalog.error_class("request_validation")
    unhandled = catalog.error_class("unhandled_exception")
    bad_request = _as_openapi(error_responses(invalid)[invalid.status])
    server_error = _as_openapi(error_responses(unhandled)[unhandled.status])
    too_large: tuple[str, dict[str, Any]] | None = None
    if max_body_bytes is not None:
        klass = catalog.http_error_class(413)
        metadata: dict[str, Any] = (
            {"max_bytes": max_body_bytes} if "max_bytes" in metadata_keys(klass) else {}
        )
        message = None if klass.code else status_message(catalog, 413)
        example = klass(message, status=None if klass.status == 413 else 413, **metadata)
        too_large = "413", _as_openapi(error_responses(example)[413])
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if _is_fastapi_422(responses.get("422")):
                del responses["422"]
                responses.setdefault(str(invalid.status), bad_request)
            if too_large is not None and "requestBody" in operation:
                responses.setdefault(*too_large)
            responses.setdefault(str(unhandled.status), server_error)
    # FastAPI's own models, once nothing refers to them (only HTTPValidationError refers to ValidationError)
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"'#/components/schemas/{unused}'" not in repr(schema):
            components.pop(unused, None)


def _is_fastapi_422(response: object) -> bool:
    if not isinstance(response, dict):
        return False
    content = response.get("content", {}).get("application/json", {})
    return bool(content.get("schema") == {"$ref": "#/components/schemas/HTTPValidationError"})


def _model_schemas(catalog: ErrorCatalog) -> dict[str, Any]:
    """The JSON Schemas of ``ErrorResponse`` and the models it uses, as OpenAPI components."""
    ErrorResponse = catalog.response_model  # a class

    schema = ErrorResponse.model_json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    definitions: dict[str, Any] = schema.pop("$defs", {})
    definitions[ErrorResponse.__name__] = schema
    return definitions


def _as_openapi(response: dict[str, Any]) -> dict[str, Any]:
    """A response of :func:`error_responses` as OpenAPI writes it (the model as a schema reference)."""
    response = dict(response)
    model = response.pop("model")
    content = {media: dict(value) for media, value in response["content"].items()}
    content["application/json"]["schema"] = {"$ref": f"#/components/schemas/{model.__name__}"}
    response["content"] = content
    return response


def error_responses(*errors: type[ApiError] | ApiError) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route that can raise ``errors``: ``{status: {...}}``.

    Give exception classes of one generated package (a category class stands for all of
    its codes) or instances (their message and metadata become the example). Each status
    documents the package's pydantic ``ErrorResponse`` model as ``application/json``, the
    problem+json form, and one example per code::

        @app.get("/orders/{order_id}", responses=error_responses(acme_errors.NotFound))
    """
    catalogs = {id(c): c for c in (_catalog_of_error(error) for error in errors)}
    if len(catalogs) != 1:
        raise ValueError(
            "error_responses() takes the errors of one generated package"
            if catalogs
            else "error_responses() needs at least one error"
        )
    (catalog,) = catalogs.values()
    by_status: dict[int, list[ApiError]] = {}
    for error in errors:
        for instance in _examples_of(error, catalog.api_error):
            by_status.setdefault(instance.status, []).append(instance)
    responses: dict[int | str, dict[str, Any]] = {}
    for status in sorted(by_status):
        examples = sorted(by_status[status], key=lambda error: str(error.code))
        codes = "; ".join(f"{error.code} ({error.summary})" for error in examples)
        try:
            phrase = catalog.statuses.of(status).phrase
        except KeyError:  # a status the catalog's table leaves out
            phrase = f"HTTP {status}"
        responses[status] = {
            "model": catalog.response_model,
            "description": f"{phrase}: {codes}.",
            "content": {
                "application/json": {
                    "examples": {
                        str(error.code): {"summary": error.summary, "value": error.to_response()}
                        for error in examples
                    }
                },
                PROBLEM_JSON: {
                    "schema": _PROBLEM_SCHEMA,
                    "examples": {
                        str(error.code): {"summary": error.summary, "value": error.to_problem()}
                        for error in examples
                    },
                },
            },
        }
    return responses


def _catalog_of_error(error: type[ApiError] | ApiError) -> ErrorCatalog:
    klass = error if isinstance(error, type) else type(error)
    if not (isinstance(klass, type) and issubclass(klass, ApiError)):
        raise TypeError(f"error_responses() takes ApiError classes or instances, not {error!r}")
    catalog = klass.catalog
    if catalog is None:
        raise TypeError(
            f"{klass.__qualname__} belongs to no generated package; give the package's own classes"
        )
    return catalog


def _examples_of(error: type[ApiError] | ApiError, registered: type[ApiError]) -> list[ApiError]:
    if isinstance(error, ApiError):
        if not error.code:
            raise ValueError(f"{error!r} has no error code to document")
        example = copy.copy(error)
        if example.request_id is None:
            example.request_id = _EXAMPLE_REQUEST_ID
        return [example]
    if not (isinstance(error, type) and issubclass(error, ApiError)):
        raise TypeError(f"error_responses() takes ApiError classes or instances, not {error!r}")
    classes = (
        [error]
        if error.code
        else sorted(
            (klass for klass in registered.codes().values() if issubclass(klass, error)),
            key=lambda klass: str(klass.code),
        )
    )
    if not classes:
        raise ValueError(f"{error.__qualname__} has no error code to document")
    return [klass(request_id=_EXAMPLE_REQUEST_ID) for klass in classes]
