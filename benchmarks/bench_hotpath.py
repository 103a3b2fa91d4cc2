"""The hot path of the runtime against pydantic and orjson, in one run (medians of timeit repeats).

``python benchmarks/bench_hotpath.py``:

- ``err.to_json()`` for one error vs pydantic ``model_dump_json`` and ``orjson.dumps(dict)``;
- parsing a response body (bytes) into the right exception vs pydantic ``model_validate_json`` on one model,
  with orjson (used when installed, where its answer cannot differ from ``json.loads``'s) and with the
  standard library alone.

The ``reference`` line times a %-template fixed for this one error, with only its four strings
escaped by the C encoder (no attribute reads, no checks, nothing else handled), next to the time
5x faster than pydantic's dump would allow: what a Python ``to_json`` cannot beat.
"""

from __future__ import annotations

import statistics
import timeit
from json.encoder import encode_basestring

import orjson
from _codegen_common import row
from pydantic import BaseModel

from errcat.runtime import wire
from partner_invoicing_errors import ApiError, ErrorResponse, InvoiceNotFound


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


#: The issue's target for ``to_json``: at least this many times faster than pydantic's dump.
TO_JSON_TARGET = 5


def main() -> None:
    error = InvoiceNotFound(
        request_id="req_01HV3KD6K0W2BC", business_id="biz_7Hq2mX", invoice_id="inv_4Rt6Yp"
    )
    body = error.to_json().encode()
    model = FlatResponse.model_validate_json(body)
    generic = ErrorResponse.model_validate_json(body)
    as_dict = error.to_response()
    if ApiError.from_response(404, body) != error or orjson.loads(body) != as_dict:
        raise SystemExit("the compared designs disagree on this error")

    ours = per_call(error.to_json)
    dump = per_call(model.model_dump_json)
    print(row("to_json, one error", ours, dump, "pydantic dump", "µs", 1e6))
    print(row("to_json, one error", ours, per_call(lambda: orjson.dumps(as_dict)), "orjson.dumps", "µs", 1e6))
    generic_dump = per_call(generic.model_dump_json)
    print(row("to_json, one error (generic model)", ours, generic_dump, "ErrorResponse", "µs", 1e6))

    # A reference point: this one error's JSON from a template fixed for its code, with only
    # the four strings escaped (no attribute reads, no checks, no other code or key handled).
    template = (
        '{"error":{"code":"invoice_not_found","message":%s,"request_id":%s,"doc_url":'
        + encode_basestring(str(error.doc_url))
        + ',"business_id":%s,"invoice_id":%s}}'
    )
    one, two, three, four = (error.message, error.request_id, *error.metadata.values())
    if template % tuple(map(encode_basestring, (one, two, three, four))) != error.to_json():
        raise SystemExit("the template does not give to_json's bytes")
    fixed = per_call(
        lambda: (
            template
            % (
                encode_basestring(one),
                encode_basestring(two),
                encode_basestring(three),
                encode_basestring(four),
            )
        )
    )
    print(
        f"reference: a fixed template, four strings C-encoded: {fixed * 1e6:.2f} µs; "
        f"{TO_JSON_TARGET}x faster than pydantic's dump is {dump / TO_JSON_TARGET * 1e6:.2f} µs"
    )

    peer = per_call(lambda: FlatResponse.model_validate_json(body))
    chosen = wire._loads
    try:
        for label, loads in (("orjson", wire._parse_fast), ("json, no orjson", wire._parse_json)):
            wire._loads = loads
            ours = per_call(lambda: ApiError.from_response(404, body))
            print(row(f"bytes -> exception ({label})", ours, peer, "pydantic parse", "µs", 1e6))
    finally:
        wire._loads = chosen


if __name__ == "__main__":
    main()
