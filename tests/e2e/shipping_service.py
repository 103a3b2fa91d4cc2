"""A small service of the Parcel Shipping API (tests/catalogs/good/shipping.yaml), on its generated package.

The end-to-end tests install errcat and ``shipping_errors`` from wheels into a fresh virtual
environment and serve this module with uvicorn; nothing here knows the Partner Invoicing API.
"""

from __future__ import annotations

import itertools

import shipping_errors
from fastapi import FastAPI
from pydantic import BaseModel, Field

from errcat.integrations.fastapi import install

app = FastAPI(title="Parcel shipping (an errcat test service)")
install(app, errors=shipping_errors)

_flaky = itertools.count()


class Shipment(BaseModel):
    weight_grams: int = Field(ge=1)
    destination: str = Field(min_length=2)


@app.get("/parcels/{tracking_number}")
async def parcel(tracking_number: str) -> dict[str, str]:
    raise shipping_errors.ParcelMissing(
        f"No parcel has tracking number {tracking_number}.", tracking_number=tracking_number
    )


@app.post("/shipments")
async def book(shipment: Shipment) -> dict[str, str]:
    return {"booked": shipment.destination}


@app.get("/flaky")
async def flaky() -> dict[str, str]:
    """502, 502, then 200: a carrier that recovers."""
    if next(_flaky) % 3 < 2:
        raise shipping_errors.CarrierUnreachable()
    return {"carrier": "answered"}


@app.get("/throttled")
async def throttled() -> dict[str, str]:
    raise shipping_errors.Throttled()


@app.get("/boom")
async def boom() -> dict[str, str]:
    raise RuntimeError("collection_pin=4711 leaked into an exception")
