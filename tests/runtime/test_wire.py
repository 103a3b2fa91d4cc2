"""The wire format both ways (:mod:`errcat.runtime.wire`): its fast paths give what the obvious code gives.

``to_json`` writes strings piece by piece and caches constant pieces; ``from_response``
parses with the C scanner directly (or orjson) and pops the envelope fields. These
properties compare them with ``json.dumps(to_response())`` and ``json.loads``, and check
that every body errcat writes is one the response schema accepts.

The parser's contract is :func:`json.loads`, with orjson or without it: orjson is only a
faster road to its answer. The parity tests write JSON *text* (not values through
``json.dumps``), so the inputs include what a serializer would never write: a BOM, UTF-16
and UTF-32, ``NaN`` and ``Infinity``, numbers past a float (``1e400``) and integers past
64 bits, lone surrogates (escaped and raw), nesting past both parsers' limits, duplicate
keys, stray whitespace and broken text. Each input goes through the standard library's
road and orjson's, and the results must be identical: the same values of the same types
(``1`` is not ``1.0``, ``-0.0`` is not ``0.0``), or the same error.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.builders import ROOT
from tests.hostile import HOSTILE as HOSTILE_STRINGS
from tests.hostile import WIRE_HOSTILE

import errcat.runtime.errors
import partner_invoicing_errors
from errcat.runtime import wire
from errcat.runtime.catalog import ErrorCatalog
from errcat.runtime.envelope import ENVELOPE_FIELDS
from partner_invoicing_errors import (
    ApiError,
    AuthenticationError,
    InternalError,
    InvoiceNotFound,
    ResourceError,
    ServerError,
)

HOSTILE = st.sampled_from(HOSTILE_STRINGS + WIRE_HOSTILE)
TEXT = st.one_of(st.text(), HOSTILE, st.lists(HOSTILE).map("".join))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
JSON_VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner, max_size=3)),
    max_leaves=8,
)
KEYS = st.one_of(st.text(min_size=1), st.sampled_from(sorted(ENVELOPE_FIELDS)))


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- writing -------------------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    message=st.one_of(TEXT, st.none()),
    request_id=st.one_of(st.none(), TEXT, st.integers()),
    metadata=st.dictionaries(KEYS, JSON_VALUE, max_size=4),
    details=st.lists(st.dictionaries(st.text(), SCALAR, max_size=2), max_size=2),
    doc_url=st.one_of(st.none(), TEXT),
)
def test_to_json_is_json_dumps_of_to_response(
    message: str | None,
    request_id: Any,
    metadata: dict[str, Any],
    details: list[dict[str, Any]],
    doc_url: str | None,
) -> None:
    error = InvoiceNotFound(message, request_id=request_id, details=details)
    error.metadata = metadata  # any key, an envelope field's too, which to_response leaves out
    if doc_url is not None:
        error.doc_url = doc_url
    expected = dumps(error.to_response())
    assert error.to_json() == expected
    assert error.to_json() == expected  # the cached pieces give the same bytes again


def test_to_json_of_an_unknown_code_and_a_non_string_value() -> None:
    error = ApiError("m", code="from_the_future", status=599, count=3, ok=None)
    assert error.to_json() == '{"error":{"code":"from_the_future","message":"m","count":3,"ok":null}}'


# --- every body errcat writes passes the response schema -------------------------------------------

SCHEMA = json.loads((ROOT / "schemas" / "error-response.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def assert_valid(error: errcat.runtime.errors.ApiError) -> None:
    for body in (error.to_response(), json.loads(error.to_json())):
        problems = [e.message for e in VALIDATOR.iter_errors(body)]
        assert not problems, (body, problems)
        assert body["error"]["code"] == error.wire_code
    assert error.to_problem()["code"] == error.wire_code


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ApiError("boom"), "internal_error"),  # the catalog's code for an unhandled error
        (ApiError("boom", status=503), "service_unavailable"),  # the one code of 503
        (ApiError("boom", status=404), "route_not_found"),  # server.http_errors names 404
        (ApiError("boom", status=405), "method_not_allowed"),
        (ApiError("boom", status=418), "http_418"),  # a status no code has
        (ResourceError("gone", status=404), "route_not_found"),
        (AuthenticationError("who?", status=401), "http_401"),  # two codes have 401: neither is chosen
        (ServerError(), "internal_error"),
        (errcat.runtime.errors.ApiError("boom"), "http_500"),  # errcat's own base knows no catalog
        (errcat.runtime.errors.ApiError("boom", status=404), "http_404"),
        (ApiError.from_response(502, b"<html>bad gateway</html>"), "http_502"),  # no code in the body
        (InvoiceNotFound(), "invoice_not_found"),  # a code of its own is sent as it is
        (ApiError("m", code="from_the_future", status=599), "from_the_future"),
    ],
    ids=repr,
)
def test_an_error_without_a_code_sends_one_the_schema_accepts(
    error: errcat.runtime.errors.ApiError, code: str
) -> None:
    """A bare ApiError("boom") used to send "code": "", which the response schema rejects."""
    assert error.wire_code == code
    assert_valid(error)
    if code != "from_the_future" and type(error) is not InvoiceNotFound:
        assert error.code == ""  # only the body says more


def test_a_catalog_without_codes_for_framework_errors_sends_http_status() -> None:
    """A root whose catalog lists no code for any status sends http_<status> too."""
    shipped = partner_invoicing_errors.CATALOG
    bare = ErrorCatalog(
        package=shipped.package,
        name="No server section",
        version="1.0.0",
        docs_url=shipped.docs_url,
        statuses=shipped.statuses,
        categories=shipped.categories,
        codes=shipped.codes,
        retry_policy={"retry_statuses": frozenset({500})},
        redact_keys=frozenset(),
        log_fields=(),
        log_levels={},
        server_codes={},
    )

    class Root(errcat.runtime.errors.ApiError, root=True, catalog=bare):
        """A root with its own (empty) registry."""

    assert Root("boom").wire_code == "http_500" and Root("x", status=404).wire_code == "http_404"
    assert_valid(Root("boom"))


METADATA_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT
)
METADATA_KEYS = st.text(min_size=1).filter(lambda key: key not in ENVELOPE_FIELDS)
CLASSES = st.sampled_from(
    [ApiError, ResourceError, ServerError, AuthenticationError, InternalError, InvoiceNotFound]
    + [errcat.runtime.errors.ApiError]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    klass=CLASSES,
    status=st.one_of(st.none(), st.integers(100, 599)),
    message=st.one_of(st.none(), TEXT),
    request_id=st.one_of(st.none(), TEXT),
    metadata=st.dictionaries(METADATA_KEYS, METADATA_VALUES, max_size=3),
    details=st.lists(st.fixed_dictionaries({"field": TEXT, "code": TEXT, "message": TEXT}), max_size=2),
)
def test_every_body_errcat_writes_passes_the_response_schema(
    klass: type[errcat.runtime.errors.ApiError],
    status: int | None,
    message: str | None,
    request_id: str | None,
    metadata: dict[str, Any],
    details: list[dict[str, str]],
) -> None:
    error = klass(message, status=status, request_id=request_id, details=details, **metadata)
    assert error.wire_code and error.wire_code == error.wire_code  # never empty, the same every time
    assert_valid(error)


# --- reading -------------------------------------------------------------------------------------

JSON_TEXTS = st.one_of(
    JSON_VALUE.map(dumps),
    JSON_VALUE.map(lambda v: json.dumps(v, indent=1)),
    st.builds(
        lambda v, a, b: a + json.dumps(v) + b,
        JSON_VALUE,
        st.sampled_from(["", " ", "\n\t"]),
        st.sampled_from(["", " ", "\r\n", "x", "\x0b", "]"]),
    ),
    TEXT,
)


@settings(max_examples=400)
@given(text=JSON_TEXTS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "str"]))
def test_the_stdlib_parser_is_json_loads(text: str, encoding: str) -> None:
    try:
        data: bytes | str = text if encoding == "str" else text.encode(encoding)
    except UnicodeEncodeError:  # a lone surrogate has no UTF encoding
        data = text.encode("utf-8", "surrogatepass")
    try:
        expected = json.loads(data)
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            wire._parse_json(data)
        return
    got = wire._parse_json(data)
    assert got == expected or (got != got and expected != expected)  # NaN is not equal to itself


@pytest.mark.parametrize("loader", ["stdlib", "default"])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(KEYS, JSON_VALUE, max_size=6),
    code=st.sampled_from(["invoice_not_found", "nope", 3]),
)
def test_from_response_of_text_equals_from_response_of_the_parsed_body(
    loader: str,
    fields: dict[str, Any],
    code: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if loader == "stdlib":
        monkeypatch.setattr(wire, "_loads", wire._parse_json)
    body = {"error": {"code": code, **fields}}
    text = dumps(body)
    data = json.dumps(body, ensure_ascii=True).encode()
    parsed = json.loads(text)
    from_text = ApiError.from_response(404, data)
    from_dict = ApiError.from_response(404, parsed)
    assert type(from_text) is type(from_dict) and from_text == from_dict
    assert list(from_text.metadata) == [k for k in parsed["error"] if k not in ENVELOPE_FIELDS]
    assert parsed == json.loads(text)  # the caller's body is left as it was


@pytest.mark.parametrize("body", [b"", b"<html>", b"[1]", b'{"error": 1}', b"\xff", b"[" * 100_000])
def test_from_response_never_raises_on_a_bad_body(body: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "_loads", wire._parse_json)
    error = ApiError.from_response(502, body)
    assert isinstance(error, ApiError) and error.status == 502 and error.message == "Bad Gateway"


@pytest.mark.parametrize("orjson_installed", [True, False])
def test_the_parser_is_chosen_on_first_use(orjson_installed: bool) -> None:
    """orjson is imported by the first parse, not by importing the runtime; without it, json's."""
    script = (
        "import sys\n"
        + ("" if orjson_installed else "sys.modules['orjson'] = None  # as if it were not installed\n")
        + "from errcat.runtime import wire\nfrom partner_invoicing_errors import ApiError\n"
        "print('orjson' in sys.modules and sys.modules['orjson'] is not None)\n"
        'error = ApiError.from_response(404, b\'{"error": {"code": "invoice_not_found"}}\')\n'
        "print(type(error).__name__, wire._loads.__name__)\n"
        "print('orjson' in sys.modules and sys.modules['orjson'] is not None)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(wire.__file__).parents[2])}
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    expected = "_parse_fast" if orjson_installed else "_parse_json"  # orjson comes with errcat[dev]
    assert shown.stdout.split() == ["False", "InvoiceNotFound", expected, str(orjson_installed)], shown.stderr


# --- fields of the wrong type in a body ---------------------------------------------------------


@pytest.mark.parametrize("request_id", [["req_1"], {"id": 1}, 7, 1.5, True])
def test_a_request_id_that_is_not_a_string_is_dropped(request_id: object) -> None:
    """A list request_id made the error unhashable; any non-string is no request id at all."""
    body = {"error": {"code": "invoice_not_found", "message": "m", "request_id": request_id}}
    for given_body in (body, json.dumps(body).encode()):
        error = ApiError.from_response(404, given_body)
        assert type(error) is InvoiceNotFound and error.request_id is None
        assert hash(error) == hash(ApiError.from_response(404, given_body))
        assert "request_id" not in error.to_response()["error"]


def test_a_doc_url_that_is_not_a_string_gives_the_codes_own() -> None:
    error = ApiError.from_response(404, b'{"error": {"code": "invoice_not_found", "doc_url": ["x"]}}')
    assert error.doc_url == InvoiceNotFound.doc_url


# --- the two parsers: orjson and the standard library give one answer ------------------------------

#: The fast road exists only with orjson (errcat[speed], which errcat[dev] brings).
needs_orjson = pytest.mark.skipif(
    importlib.util.find_spec("orjson") is None, reason="orjson is not installed"
)


def same(a: Any, b: Any) -> bool:
    """Whether two parsed values are identical: types, order, NaN and the sign of zero included.

    Iterative, as the values may nest past the recursion limit.
    """
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if type(x) is dict:
            if list(x) != list(y):
                return False
            stack += zip(x.values(), y.values(), strict=True)
        elif type(x) in (list, tuple):
            if len(x) != len(y):
                return False
            stack += zip(x, y, strict=True)
        elif type(x) is float:
            if not (math.isnan(x) and math.isnan(y)) and (
                x != y or math.copysign(1, x) != math.copysign(1, y)
            ):
                return False
        elif x != y:
            return False
    return True


# --- JSON text, as a server might send it ---------------------------------------------------------

NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(2**63 - 3, 2**64 + 3).map(str),
    st.integers(-(2**63) - 3, -(2**63) + 3).map(str),
    st.integers(18, 400).map(lambda n: "9" * n),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.builds(
        lambda m, f, e: f"{m}.{f}e{e}",
        st.integers(-(10**20), 10**20),
        st.integers(0, 10**30),
        st.integers(-400, 400),
    ),
    st.sampled_from(
        [
            "1e400",
            "-1e400",
            "1E400",
            "1e-400",
            "-1e-400",
            "-0",
            "-0.0",
            "0.1",
            "1e308",
            "1.7976931348623157e308",
            "1.8e308",
            "5e-324",
            "2.2250738585072014e-308",
            "9007199254740993",
            "1.00000000000000011102230246251565404236316680908203125",
            "NaN",
            "Infinity",
            "-Infinity",
            "1" * 4301,  # past int()'s limit on digits
        ]
    ),
)
RAW_STRINGS = st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE_STRINGS + WIRE_HOSTILE))
STRINGS = st.one_of(
    st.builds(lambda s, ascii_only: json.dumps(s, ensure_ascii=ascii_only), RAW_STRINGS, st.booleans()),
    st.sampled_from(['"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"', '"a\\u0000b"', '"\\/"']),
)
SCALARS = st.one_of(NUMBERS, STRINGS, st.sampled_from(["true", "false", "null"]))
KEY_TEXTS = st.one_of(
    st.sampled_from(["code", "message", "details", "request_id", "doc_url", "status", "invoice_id", "a"]).map(
        json.dumps
    ),
    STRINGS,
)
SPACE = st.sampled_from(["", "", "", " ", "\n", "\t", "\r\n "])


def array(items: list[str]) -> str:
    return "[" + ",".join(items) + "]"


def obj(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f"{k}:{v}" for k, v in pairs) + "}"


VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(array), st.lists(st.tuples(KEY_TEXTS, inner), max_size=4).map(obj)
    ),
    max_leaves=10,
)
DEEP = st.builds(lambda depth, leaf: "[" * depth + leaf + "]" * depth, st.integers(200, 1100), SCALARS)
CODES = st.sampled_from(
    [
        '"invoice_not_found"',
        '"internal_error"',
        '"nope"',
        "3",
        "18446744073709551616",
        "1e400",
        "null",
        "[1]",
        '"\\ud800"',
    ]
)


@st.composite
def envelopes(draw: st.DrawFn) -> str:
    """``{"error": {...}}`` with a code (sometimes two), fields of every kind, sometimes more beside it."""
    pairs = [('"code"', draw(CODES))] + draw(
        st.lists(st.tuples(KEY_TEXTS, st.one_of(VALUES, DEEP)), max_size=5)
    )
    if draw(st.booleans()):
        pairs.append(('"code"', draw(CODES)))
    order = draw(st.permutations(range(len(pairs))))
    error = obj([pairs[i] for i in order])
    top = [('"error"', error)] + draw(st.lists(st.tuples(KEY_TEXTS, VALUES), max_size=2))
    space = draw(SPACE)
    return space + obj(top) + draw(SPACE)


BROKEN_TAILS = st.sampled_from(["", "", "", "x", "]", "\x0b", "\x00", "\u00a0", "}", ",", " {}"])


@st.composite
def bodies(draw: st.DrawFn) -> bytes | str:
    """A body as it arrives: text in some encoding (or a str), sometimes broken."""
    text = draw(st.one_of(envelopes(), VALUES, DEEP))
    text += draw(BROKEN_TAILS)
    if draw(st.integers(0, 9)) == 0:  # cut short anywhere
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(
        st.sampled_from(
            [
                "utf-8",
                "utf-8",
                "utf-8",
                "utf-8-sig",
                "utf-16",
                "utf-16-le",
                "utf-16-be",
                "utf-32",
                "utf-32-be",
                "str",
            ]
        )
    )
    if encoding == "str":
        return text
    return text.encode(encoding, "surrogatepass")  # a lone surrogate goes through as its bytes


def outcome(parse: Any, data: bytes | str) -> tuple[str, Any]:
    try:
        return "value", parse(data)
    except (ValueError, RecursionError) as exc:
        return "error", (type(exc), str(exc))


def same_outcome(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    return a[0] == b[0] and (a[1] == b[1] if a[0] == "error" else same(a[1], b[1]))


ISSUE_CASES = [
    b'\xef\xbb\xbf{"error": {"code": "invoice_not_found"}}',
    '{"error": {"code": "invoice_not_found"}}'.encode("utf-16"),
    '{"error": {"code": "invoice_not_found"}}'.encode("utf-32"),
    b'{"error": {"code": "invoice_not_found", "n": NaN, "i": Infinity, "j": -Infinity}}',
    b'{"error": {"code": "invoice_not_found", "n": 1e400}}',
    b'{"error": {"code": "invoice_not_found", "s": "\\ud800"}}',
    '{"error": {"code": "invoice_not_found", "s": "\ud800"}}'.encode("utf-8", "surrogatepass"),
    b'{"error": {"code": "invoice_not_found", "n": 18446744073709551616, "m": -9223372036854775809}}',
    b'{"error": {"code": 18446744073709551616}}',
    b'{"error": {"code": "invoice_not_found", "n": ' + b"[" * 1000 + b"]" * 1000 + b"}}",
    b'{"error": {"code": "invoice_not_found", "n": ' + b"[" * 300 + b"]" * 300 + b"}}",
    b'{"error": {"code": "nope", "code": "invoice_not_found", "a": 1, "a": 2}}',
    b'{"error": {"code": "invoice_not_found", "n": ' + b"1" * 5000 + b"}}",
]


@needs_orjson
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=bodies())
def test_the_fast_parser_is_json_loads(data: bytes | str) -> None:
    """The parse itself: the same value, value for value, or the same error, as json.loads."""
    assert same_outcome(outcome(wire._parse_fast, data), outcome(json.loads, data))


@needs_orjson
@pytest.mark.parametrize("data", ISSUE_CASES)
def test_the_fast_parser_is_json_loads_on_the_reported_cases(data: bytes) -> None:
    assert same_outcome(outcome(wire._parse_fast, data), outcome(json.loads, data))


def describe(error: ApiError) -> tuple[Any, ...]:
    return (
        type(error),
        type(error.code),
        str(error.code),
        error.status,
        error.message,
        error.request_id,
        error.doc_url,
        error.details,
        list(error.metadata.items()),
    )


def from_response_with(
    parse: Any, status: int, data: bytes | str, monkeypatch: pytest.MonkeyPatch
) -> ApiError:
    monkeypatch.setattr(wire, "_loads", parse)
    return ApiError.from_response(status, data)


@needs_orjson
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=bodies(), status=st.sampled_from([404, 500, 503, 418]))
@example(data=ISSUE_CASES[0], status=404)
def test_from_response_is_the_same_with_either_parser(
    data: bytes | str, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = from_response_with(wire._parse_fast, status, data, monkeypatch)
    slow = from_response_with(wire._parse_json, status, data, monkeypatch)
    assert same(describe(fast), describe(slow))
    hash(fast)  # whatever the body held, the error is hashable


@needs_orjson
@pytest.mark.parametrize("data", ISSUE_CASES)
def test_from_response_reads_the_code_as_json_loads_does(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reported body names a code: both roads keep it wherever json.loads reads the body."""
    fast = from_response_with(wire._parse_fast, 404, data, monkeypatch)
    slow = from_response_with(wire._parse_json, 404, data, monkeypatch)
    assert same(describe(fast), describe(slow))
    try:
        expected = str(json.loads(data)["error"]["code"])
    except (ValueError, RecursionError):  # 1,000 levels, 5,000 digits: json.loads refuses the body
        expected = ""
    assert str(fast.code) == expected
    assert expected or b"[" * 1000 in data or b"1" * 5000 in data
