"""The client half of the end-to-end test: real httpx against the shipping service, every answer checked.

Run in the fresh virtual environment with the service's URL; prints one JSON document of what it
saw, and exits non-zero with the failed assertion when an answer is not the shipping catalog's.
"""

from __future__ import annotations

import io
import json
import logging
import sys

import httpx
import shipping_errors

from errcat.integrations.httpx import RetryingTransport, raise_on_error
from errcat.runtime.logging import RedactingFilter, log_error

DOCS = "https://errors.shipping.example.net/v2/codes/"


def main(url: str) -> None:
    seen: dict[str, object] = {}
    with httpx.Client(base_url=url) as plain:
        missing = plain.get("/parcels/1Z999").json()["error"]
        assert missing["code"] == "parcel_missing" and missing["doc_url"] == DOCS + "parcel_missing/", missing
        invalid = plain.post("/shipments", json={"weight_grams": 0, "destination": "x"})
        body = invalid.json()["error"]
        assert invalid.status_code == 422 and body["code"] == "invalid_shipment", body
        assert {d["field"] for d in body["details"]} == {"weight_grams", "destination"}, body
        boom = plain.get("/boom")
        assert boom.status_code == 500 and boom.json()["error"]["code"] == "internal_failure", boom.text
        assert "4711" not in boom.text
        nowhere = plain.get("/no/such/path")
        assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "no_such_endpoint", (
            nowhere.text
        )
        wrong = plain.delete("/shipments")
        assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "wrong_method", wrong.text
        seen["bodies"] = [missing, body]

    waits: list[float] = []
    transport = RetryingTransport(errors=shipping_errors, sleep=waits.append)
    with httpx.Client(
        base_url=url, transport=transport, event_hooks={"response": [raise_on_error(shipping_errors)]}
    ) as client:
        assert client.get("/flaky").json() == {"carrier": "answered"}
        assert waits == [0.5, 1.5], waits  # base 0.5 s, multiplier 3, no jitter
        for path, expected in (
            ("/throttled", shipping_errors.Throttled),
            ("/boom", shipping_errors.InternalFailure),
        ):
            waits.clear()
            try:
                client.get(path)
            except shipping_errors.ApiError as error:
                assert type(error) is expected, (path, type(error))
            else:
                raise AssertionError(f"{path} did not raise")
            assert waits == [], (path, waits)  # neither a 429 nor a 500 is retried by this catalog
    seen["policy"] = {
        "retry_statuses": sorted(shipping_errors.CATALOG.retry_policy.retry_statuses),
        "delays": list(shipping_errors.CATALOG.retry_policy.delays()),
    }

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(shipping_errors))
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("shipping.client")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    error = shipping_errors.ParcelMissing(tracking_number="1Z999", collection_pin="4711")
    fields = log_error(logger, error, errors=shipping_errors, method="GET", url=url + "/parcels/1Z999")
    log_error(logger, shipping_errors.CarrierUnreachable(), errors=shipping_errors)
    logger.info("retrying with x-shipper-key: sk_live_abc123")
    logged = stream.getvalue()
    levels = [line.split(" ", 1)[0] for line in logged.splitlines()]
    assert levels == ["INFO", "CRITICAL", "INFO"], logged  # the catalog's levels: 4xx info, 5xx critical
    assert "4711" not in logged and "sk_live_abc123" not in logged, logged
    assert fields["metadata"]["collection_pin"] == "[REDACTED]", fields
    seen["log"] = logged.splitlines()
    print(json.dumps(seen))


if __name__ == "__main__":
    main(sys.argv[1])
