"""An httpx response to the typed exception of a generated package: as a function, or as an event hook.

See :mod:`errcat.integrations.httpx`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx

from errcat.runtime.catalog import catalog_of
from errcat.runtime.errors import ApiError
from errcat.runtime.failures import parse_retry_after

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = ["REFRESH_ERROR", "araise_on_error", "error_from_response", "raise_for_error", "raise_on_error"]

#: The response extension in which the retrying transports leave a failed refresh's exception.
REFRESH_ERROR = "errcat.refresh_error"


def error_from_response(response: httpx.Response, errors: ErrorPackage | ErrorCatalog) -> ApiError:
    """The typed exception of ``errors`` for an error response (its body must have been read)."""
    text = _text(response)
    error = catalog_of(errors).api_error.from_response(response.status_code, response.content)
    error.raw_body = text
    if error.request_id is None:
        error.request_id = response.headers.get("x-request-id")
    header = response.headers.get("retry-after")
    error.retry_after = parse_retry_after(header) if header is not None else None
    cause = response.extensions.get(REFRESH_ERROR)
    if isinstance(cause, BaseException):
        error.__cause__ = cause
    return error


def raise_for_error(response: httpx.Response, errors: ErrorPackage | ErrorCatalog) -> None:
    """Raise the typed exception of ``response`` when its status is 4xx or 5xx."""
    if response.status_code >= 400:
        response.read()
        raise error_from_response(response, errors)


def raise_on_error(errors: ErrorPackage | ErrorCatalog) -> Callable[[httpx.Response], None]:
    """A response event hook for ``httpx.Client`` that raises the typed exception of an error response."""
    catalog = catalog_of(errors)

    def hook(response: httpx.Response) -> None:
        raise_for_error(response, catalog)

    return hook


def araise_on_error(errors: ErrorPackage | ErrorCatalog) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response event hook for ``httpx.AsyncClient``: raise the typed exception of an error response."""
    catalog = catalog_of(errors)

    async def hook(response: httpx.Response) -> None:
        if response.status_code >= 400:
            await response.aread()
            raise error_from_response(response, catalog)

    return hook


def _text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")
