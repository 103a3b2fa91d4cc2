"""Plain YAML scalars read by the YAML 1.2 core schema, integers within 64 bits."""

from __future__ import annotations

import math

import pytest

from errcat.toolchain.scalars import INT_MAX, INT_MIN, PLAIN_SPECIAL_FIRST, resolve_plain


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("no", "no"),  # YAML 1.1's boolean; a string in 1.2
        ("yes", "yes"),
        ("1.0.0", "1.0.0"),
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("0x1F", 31),
        ("0o17", 15),
        ("-42", -42),
        ("+7", 7),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-.inf", -math.inf),
        ("0b101", "0b101"),  # not in the core schema
        ("invoice_not_found", "invoice_not_found"),
    ],
)
def test_the_core_schema(written: str, value: object) -> None:
    assert resolve_plain(written) == value and type(resolve_plain(written)) is type(value)


def test_nan_is_a_float() -> None:
    assert math.isnan(resolve_plain(".nan"))


def test_integers_fit_in_64_bits() -> None:
    assert resolve_plain(str(INT_MAX)) == INT_MAX and resolve_plain(str(INT_MIN)) == INT_MIN
    assert resolve_plain("0x" + "0" * 100 + "7fffffffffffffff") == INT_MAX  # leading zeros do not count
    for too_long in (str(INT_MAX + 1), str(INT_MIN - 1), "0x10000000000000000", "9" * 5000):
        with pytest.raises(OverflowError):
            resolve_plain(too_long)


def test_only_the_special_first_characters_can_resolve_to_anything_but_a_string() -> None:
    for first in "abcdeghijklmopqrsuvwxyzABCDEGHIJKLMOPQRSUVWXYZ_/":
        assert first not in PLAIN_SPECIAL_FIRST
        assert resolve_plain(first + "1") == first + "1"
