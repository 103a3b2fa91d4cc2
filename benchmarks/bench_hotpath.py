"""The hot path of the runtime against pydantic and orjson, in one run (medians of timeit repeats).

``python benchmarks/bench_hotpath.py``:

- ``err.to_json()`` for one error vs pydantic ``model_dump_json`` and ``orjson.dumps(dict)``;
- parsing a response body (bytes) into the right exception vs pydantic ``model_validate_json`` on one model,
  with orjson (used when installed) and with the standard library alone.
"""

from __future__ import annotations

import statistics
import timeit

import orjson
from _codegen_common import row
from pydantic import BaseModel

from errcat import ApiError, ErrorResponse, errors
from errcat.exceptions import InvoiceNotFound


class Flat(BaseModel):
    """One pydantic model of the same error, the peer's natural design."""

    code: str
    message: str
    request_id: str | None = None
    doc_url: str | None = None
    business_id: str | None = None
    invoice_id: str | None = None


class FlatResponse(BaseModel):
    error: Flat


def per_call(statement: object, number: int = 100_000, repeat: int = 7) -> float:
    return statistics.median(t / number for t in timeit.repeat(statement, number=number, repeat=repeat))  # type: ignore[arg-type]


def main() -> None:
    error = InvoiceNotFound(
        request_id="req_01HV3KD6K0W2BC", business_id="biz_7Hq2mX", invoice_id="inv_4Rt6Yp"
    )
    body = error.to_json().encode()
    model = FlatResponse.model_validate_json(body)
    generic = ErrorResponse.model_validate_json(body)
    as_dict = error.to_response()
    assert ApiError.from_response(404, body) == error and orjson.loads(body) == as_dict

    ours = per_call(error.to_json)
    print(row("to_json, one error", ours, per_call(model.model_dump_json), "pydantic dump", "µs", 1e6))
    print(row("to_json, one error", ours, per_call(lambda: orjson.dumps(as_dict)), "orjson.dumps", "µs", 1e6))
    print(
        row(
            "to_json, one error (generic model)",
            ours,
            per_call(generic.model_dump_json),
            "ErrorResponse",
            "µs",
            1e6,
        )
    )
    peer = per_call(lambda: FlatResponse.model_validate_json(body))
    with_orjson = errors._loads
    ours = per_call(lambda: ApiError.from_response(404, body))
    print(row(f"bytes -> exception ({with_orjson.__module__})", ours, peer, "pydantic parse", "µs", 1e6))
    errors._loads = errors._parse_json  # what a client without orjson runs
    try:
        ours = per_call(lambda: ApiError.from_response(404, body))
    finally:
        errors._loads = with_orjson
    print(row("bytes -> exception (json, no orjson)", ours, peer, "pydantic parse", "µs", 1e6))


if __name__ == "__main__":
    main()
