"""``from_response`` gives the same answer with orjson and without it: both parsers, the same inputs.

The contract is :func:`json.loads`: orjson is only a faster road to its answer. Hypothesis
writes JSON *text* (not values through ``json.dumps``), so the inputs include what a
serializer would never write: a BOM, UTF-16 and UTF-32, ``NaN`` and ``Infinity``, numbers
past a float (``1e400``) and integers past 64 bits, lone surrogates (escaped and raw),
nesting past both parsers' limits, duplicate keys, stray whitespace and broken text.
Each input goes through the standard library's road and orjson's, and the results must
be identical: the same values of the same types (``1`` is not ``1.0``, ``-0.0`` is not
``0.0``), or the same error.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.hostile import HOSTILE, WIRE_HOSTILE

from errcat.runtime import errors
from partner_invoicing_errors import ApiError

pytest.importorskip("orjson")  # the fast road exists only with it (errcat[speed], in errcat[dev])


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
RAW_STRINGS = st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE + WIRE_HOSTILE))
STRINGS = st.one_of(
    st.builds(lambda s, ascii_only: json.dumps(s, ensure_ascii=ascii_only), RAW_STRINGS, st.booleans()),
    st.sampled_from(['"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"', '"a\\u0000b"', '"\\/"']),
)
SCALARS = st.one_of(NUMBERS, STRINGS, st.sampled_from(["true", "false", "null"]))
KEYS = st.one_of(
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
        st.lists(inner, max_size=4).map(array), st.lists(st.tuples(KEYS, inner), max_size=4).map(obj)
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
    pairs = [('"code"', draw(CODES))] + draw(st.lists(st.tuples(KEYS, st.one_of(VALUES, DEEP)), max_size=5))
    if draw(st.booleans()):
        pairs.append(('"code"', draw(CODES)))
    order = draw(st.permutations(range(len(pairs))))
    error = obj([pairs[i] for i in order])
    top = [('"error"', error)] + draw(st.lists(st.tuples(KEYS, VALUES), max_size=2))
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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=bodies())
def test_the_fast_parser_is_json_loads(data: bytes | str) -> None:
    """The parse itself: the same value, value for value, or the same error, as json.loads."""
    assert same_outcome(outcome(errors._parse_fast, data), outcome(json.loads, data))


@pytest.mark.parametrize("data", ISSUE_CASES)
def test_the_fast_parser_is_json_loads_on_the_reported_cases(data: bytes) -> None:
    assert same_outcome(outcome(errors._parse_fast, data), outcome(json.loads, data))


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
    monkeypatch.setattr(errors, "_loads", parse)
    return ApiError.from_response(status, data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=bodies(), status=st.sampled_from([404, 500, 503, 418]))
@example(data=ISSUE_CASES[0], status=404)
def test_from_response_is_the_same_with_either_parser(
    data: bytes | str, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = from_response_with(errors._parse_fast, status, data, monkeypatch)
    slow = from_response_with(errors._parse_json, status, data, monkeypatch)
    assert same(describe(fast), describe(slow))
    hash(fast)  # whatever the body held, the error is hashable


@pytest.mark.parametrize("data", ISSUE_CASES)
def test_from_response_reads_the_code_as_json_loads_does(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reported body names a code: both roads keep it wherever json.loads reads the body."""
    fast = from_response_with(errors._parse_fast, 404, data, monkeypatch)
    slow = from_response_with(errors._parse_json, 404, data, monkeypatch)
    assert same(describe(fast), describe(slow))
    try:
        expected = str(json.loads(data)["error"]["code"])
    except (ValueError, RecursionError):  # 1,000 levels, 5,000 digits: json.loads refuses the body
        expected = ""
    assert str(fast.code) == expected
    assert expected or b"[" * 1000 in data or b"1" * 5000 in data
