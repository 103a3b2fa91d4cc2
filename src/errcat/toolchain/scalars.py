"""How a plain (unquoted) YAML scalar reads: the YAML 1.2 core schema, with integers kept to 64 bits.

``no`` stays a string, ``1.0.0`` stays a string, ``0x1F`` is an int, ``.inf`` a float; an
integer beyond 64 bits is refused (:class:`OverflowError`) before it is ever converted.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["INT_MAX", "INT_MIN", "PLAIN_SPECIAL_FIRST", "resolve_plain"]

#: The range of a catalog's integers: 64 bits, signed, what validators, orjson and most
#: languages read exactly. A longer integer is refused while it is read, so that no step after
#: this one meets a number that cannot be printed (Python refuses ``str()`` beyond 4,300 digits).
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_MAX_DIGITS = {10: 19, 8: 22, 16: 16}  # the most significant digits a 64-bit integer can have
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = frozenset((".nan", ".NaN", ".NAN"))
#: The first characters of the plain scalars that may resolve to something but a string.
PLAIN_SPECIAL_FIRST = frozenset("-+.0123456789~nNtTfF")


def resolve_plain(value: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema.

    Raises :class:`OverflowError` for an integer outside :data:`INT_MIN`..:data:`INT_MAX`.
    """
    if value in _NULLS:
        return None
    if value[0] not in PLAIN_SPECIAL_FIRST:
        return value
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.match(value):
        return _integer(value, value.lstrip("+-"), 10)
    if _INT_OCT.match(value):
        return _integer(value, value[2:], 8)
    if _INT_HEX.match(value):
        return _integer(value, value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if value in _NAN:
        return math.nan
    return value


def _integer(written: str, digits: str, base: int) -> int:
    """The integer ``digits`` (in ``base``) of a plain scalar; :class:`OverflowError` beyond 64 bits.

    The length is checked before converting, so a 5,000-digit scalar costs nothing and
    never reaches ``int()``'s own limit on decimal strings.
    """
    significant = digits.lstrip("0")
    if len(significant) <= _MAX_DIGITS[base]:
        number = int(significant or "0", base)
        if written.startswith("-"):  # only decimals have a sign
            number = -number
        if INT_MIN <= number <= INT_MAX:
            return number
    raise OverflowError(f"{written[:40]} does not fit in 64 bits")
