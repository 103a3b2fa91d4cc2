"""A small invoicing service whose every error comes from the Partner Invoicing API's catalog.

Businesses and invoices live in memory. A partner authenticates with a Bearer token
whose scope lists the businesses it may act for. Every failure is an exception of
``partner_invoicing_errors``, the package ``errcat generate`` writes from
``catalog/errors.yaml``, and ``errcat.integrations.fastapi.install`` renders it:

    no Authorization header                         401 authentication_required
    a header that is not a known Bearer token       401 invalid_token
    a business the partner does not know            404 business_not_found
    a business outside the token's scope            403 permission_denied
    a body, path or query parameter that is wrong   400 validation_error (one detail per field)
    a query parameter given twice                   400 validation_error (code repeated)
    an invoice the business does not have           404 invoice_not_found
    a create that repeats an external_id            409 duplicate_external_id, with
                                                        existing_invoice_id and external_id
    a path no route matches                         404 route_not_found
    a method the path does not take                 405 method_not_allowed, with allowed_methods
                                                        (and the Allow header)
    a body larger than MAX_BODY_BYTES               413 request_too_large, with max_bytes

Run it with ``uvicorn app:app`` from this directory (or ``--app-dir examples/invoice_service``);
``create_app()`` gives a fresh service with the demo data below.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

import partner_invoicing_errors
from errcat.integrations.fastapi import error_responses, install
from partner_invoicing_errors import (
    AuthenticationRequired,
    BusinessNotFound,
    DuplicateExternalId,
    InvalidToken,
    InvoiceNotFound,
    PermissionDenied,
    ValidationFailed,
)

__all__ = [
    "DEMO_BUSINESSES",
    "DEMO_TOKENS",
    "MAX_BODY_BYTES",
    "Business",
    "Invoice",
    "InvoiceList",
    "ListQuery",
    "NewInvoice",
    "create_app",
]

#: The demo tokens: each one is allowed to act for these businesses.
DEMO_TOKENS: dict[str, frozenset[str]] = {
    "tok_acme": frozenset({"biz_acme"}),
    "tok_globex": frozenset({"biz_globex"}),
    "tok_partner": frozenset({"biz_acme", "biz_globex"}),
}
#: The largest request body the service reads (an invoice is well under 1 KiB); a larger one is
#: answered with 413 request_too_large before it is read in full.
MAX_BODY_BYTES = 64 * 1024
#: The demo businesses: biz_initech exists but no demo token may act for it.
DEMO_BUSINESSES = {"biz_acme": "Acme Corporation", "biz_globex": "Globex", "biz_initech": "Initech"}

# Identifiers are short and plain; anything else is a validation error, not a lookup.
BusinessId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
InvoiceId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _whole_number(value: object) -> object:
    """JSON's idea of an integer: 12 and 12.0 are, "12" and true are not (pydantic's lax mode takes both)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


class ListQuery(BaseModel):
    """The query of a list request; an unknown parameter (a typo such as ``limt``) is a validation error."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100, description="At most this many invoices.")


class Business(BaseModel):
    """A business a partner invoices for."""

    id: str
    name: str


class NewInvoice(BaseModel):
    """The body of a create request."""

    # strict: "5" is not an amount and 5.0 is not a count of cents; unknown fields are mistakes
    model_config = ConfigDict(extra="forbid", strict=True)

    external_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The partner's own id for the invoice; repeating it returns 409 duplicate_external_id.",
    )
    amount: Annotated[int, BeforeValidator(_whole_number)] = Field(
        gt=0, le=100_000_000_000, strict=False, description="The amount in minor units (cents)."
    )
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="An ISO 4217 currency code.")
    due_date: str = Field(
        pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
        description="The due date, YYYY-MM-DD (a day 1 to 28, so every month has it).",
    )
    description: str = Field(default="", max_length=500)


class Invoice(NewInvoice):
    """An invoice as stored."""

    id: str
    business_id: str
    created_at: str


class InvoiceList(BaseModel):
    """A page of a business's invoices, oldest first."""

    invoices: list[Invoice]


_bearer = HTTPBearer(auto_error=False, description="A partner token, such as tok_acme.")


class Store:
    """The service's state: businesses, and each business's invoices by id and by external_id."""

    def __init__(self) -> None:
        self.businesses = dict(DEMO_BUSINESSES)
        self.invoices: dict[str, dict[str, Invoice]] = {business: {} for business in self.businesses}
        self.external_ids: dict[str, dict[str, str]] = {business: {} for business in self.businesses}


def scope_of(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> frozenset[str]:
    """The businesses the request's token may act for."""
    if "authorization" not in request.headers:
        raise AuthenticationRequired()
    scope = DEMO_TOKENS.get(credentials.credentials) if credentials is not None else None
    if scope is None:
        raise InvalidToken()
    return scope


def store_of(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


TokenScope = Annotated[frozenset[str], Depends(scope_of)]
AppStore = Annotated[Store, Depends(store_of)]


def business(store: Store, business_id: str, scope: frozenset[str]) -> str:
    """``business_id`` when it exists and the token may act for it."""
    if business_id not in store.businesses:
        raise BusinessNotFound(f"Business {business_id} was not found.", business_id=business_id)
    if business_id not in scope:
        raise PermissionDenied(
            f"The token does not grant access to business {business_id}.", business_id=business_id
        )
    return business_id


def single_valued_query(request: Request) -> None:
    """Every query parameter once: ``?limit=5&limit=50`` is a mistake, not a choice of the last one."""
    repeated = sorted(name for name in request.query_params if len(request.query_params.getlist(name)) > 1)
    if repeated:
        raise ValidationFailed(
            details=[
                {"field": name, "code": "repeated", "message": "The parameter was given more than once."}
                for name in repeated
            ]
        )


router = APIRouter(dependencies=[Depends(single_valued_query)])
# Each route documents every code it can send (one error_responses call: codes share statuses).
AUTH_ERRORS = (AuthenticationRequired, InvalidToken)
BUSINESS_ERRORS = (*AUTH_ERRORS, PermissionDenied, BusinessNotFound)


@router.get("/businesses", responses=error_responses(*AUTH_ERRORS))
async def list_businesses(store: AppStore, scope: TokenScope) -> list[Business]:
    """The businesses this token may act for."""
    return [Business(id=key, name=store.businesses[key]) for key in sorted(scope)]


@router.get("/businesses/{business_id}", responses=error_responses(*BUSINESS_ERRORS))
async def get_business(business_id: BusinessId, store: AppStore, scope: TokenScope) -> Business:
    """One business."""
    key = business(store, business_id, scope)
    return Business(id=key, name=store.businesses[key])


@router.get("/businesses/{business_id}/invoices", responses=error_responses(*BUSINESS_ERRORS))
async def list_invoices(
    business_id: BusinessId, query: Annotated[ListQuery, Query()], store: AppStore, scope: TokenScope
) -> InvoiceList:
    """The business's invoices, oldest first, at most ``limit``."""
    key = business(store, business_id, scope)
    return InvoiceList(invoices=list(store.invoices[key].values())[: query.limit])


@router.post(
    "/businesses/{business_id}/invoices",
    status_code=201,
    responses=error_responses(*BUSINESS_ERRORS, DuplicateExternalId),
)
async def create_invoice(
    business_id: BusinessId, body: NewInvoice, store: AppStore, scope: TokenScope
) -> Invoice:
    """Create an invoice; a repeated ``external_id`` is answered with the existing invoice's id."""
    key = business(store, business_id, scope)
    existing = store.external_ids[key].get(body.external_id)
    if existing is not None:
        raise DuplicateExternalId(
            f"An invoice with external_id {body.external_id} already exists.",
            external_id=body.external_id,
            existing_invoice_id=existing,
        )
    invoice = Invoice(
        **body.model_dump(),
        id="inv_" + uuid.uuid4().hex[:12],
        business_id=key,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    store.invoices[key][invoice.id] = invoice
    store.external_ids[key][body.external_id] = invoice.id
    return invoice


@router.get(
    "/businesses/{business_id}/invoices/{invoice_id}",
    responses=error_responses(*BUSINESS_ERRORS, InvoiceNotFound),
)
async def get_invoice(
    business_id: BusinessId, invoice_id: InvoiceId, store: AppStore, scope: TokenScope
) -> Invoice:
    """One invoice of the business."""
    key = business(store, business_id, scope)
    invoice = store.invoices[key].get(invoice_id)
    if invoice is None:
        raise InvoiceNotFound(
            f"Invoice {invoice_id} was not found for business {key}.", business_id=key, invoice_id=invoice_id
        )
    return invoice


def create_app() -> FastAPI:
    """A fresh service with the demo businesses and no invoices."""
    app = FastAPI(
        title="Invoice service (errcat example)",
        version="1.0.0",
        description="Businesses and invoices in memory; every error is a code of the catalog.",
    )
    app.state.store = Store()
    app.include_router(router)
    install(app, errors=partner_invoicing_errors, max_body_bytes=MAX_BODY_BYTES)
    return app


app = create_app()
