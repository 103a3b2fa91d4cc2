"""``install_codes`` and ``install_members`` make enums exactly as the enum metaclass would.

On every Python we can find: enum internals vary by version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import ROOT

# Runs in a fresh interpreter: errcat.runtime.enums needs only the standard library.
SCRIPT = r'''
import copy, pickle, sys, types
from enum import StrEnum
from errcat.runtime.enums import CatalogCode, install_codes

names = [("INVOICE_NOT_FOUND", "invoice_not_found"), ("RATE_LIMITED", "rate_limited"), ("NAME", "name"),
         ("VALUE", "value"), ("A2", "a2")]
table = types.ModuleType("fake_table")
table.CODES = tuple((n, v, 404, "c", "t", "m", "u", "do_not_retry", None, (), "", None, None, None, "K")
                    for n, v in names)
sys.modules["fake_table"] = table

class Fast(CatalogCode):
    """Built by install_codes."""

install_codes(Fast, [x for pair in names for x in pair], [("OLD_NAME", "old_name", "rate_limited")],
              "fake_table")
Fast.__module__ = __name__
Normal = StrEnum("Normal", names, module=__name__)

def shape(e):
    return {
        "list": [(m.name, m.value, str(m), format(m), repr(m).replace(e.__name__, "E")) for m in e],
        "len": len(e), "members": list(e.__members__)[: len(names)],
        "lookup": [e(v).name for _, v in names] + [e[n].value for n, _ in names],
        "attrs": [getattr(e, n) is e[n] for n, _ in names],
        "contains": [e(v) in e for _, v in names] + [type(_error(lambda: "nope" in e)).__name__],
        "hash": [hash(m) == hash(m.value) for m in e], "eq": [m == m.value for m in e],
        "pickle": [pickle.loads(pickle.dumps(m)) is m for m in e] + [copy.deepcopy(m) is m for m in e],
        "order": [m._sort_order_ for m in e], "rev": [m.name for m in reversed(e)],
        "dir": all(n in dir(e) for n, _ in names),
        "bad": type(_error(lambda: e("nope"))).__name__,
        "isinstance": [isinstance(m, (e, str)) for m in e],
    }

def _error(call):
    try:
        call()
    except Exception as exc:
        return exc

assert shape(Fast) == shape(Normal), (shape(Fast), shape(Normal))
assert Fast.OLD_NAME is Fast.RATE_LIMITED and Fast("old_name") is Fast.RATE_LIMITED
assert [m.name for m in Fast] == [n for n, _ in names] and len(Fast.__members__) == len(names) + 1
assert Fast.INVOICE_NOT_FOUND.status_code == 404 and Fast.NAME.name == "NAME" and Fast.VALUE.value == "value"
print("same")
'''


# install_members (HttpStatus, ErrorCategory) against the same rows in a class made by the metaclass.
MEMBERS_SCRIPT = r'''
import copy, pickle, sys
from errcat.runtime.enums import CatalogCategory, CatalogStatus, install_members

statuses = [("OK", (200, "OK", "Fine.", "Go on.", False)), ("NOT_FOUND", (404, "Not Found", "d", "a", False)),
            ("NAME", (500, "Boom", "d", "a", True)), ("VALUE", (503, "Later", "d", "a", True))]
categories = [("RESOURCE", ("resource", "Resource", "d", "ResourceError")),
              ("NAME", ("name", "N", "d", "NameError_")), ("AUTH", ("auth", "Auth", "d\n\"x\"", "AuthError"))]

class FastStatus(CatalogStatus):
    """Built by install_members."""

install_members(FastStatus, statuses)
NormalStatus = CatalogStatus("NormalStatus", statuses, module=__name__)

class FastCategory(CatalogCategory):
    """Built by install_members."""

install_members(FastCategory, categories)
NormalCategory = CatalogCategory("NormalCategory", categories, module=__name__)
FastStatus.__module__ = FastCategory.__module__ = __name__

def shape(e, rows, extra):
    return {
        "list": [(m.name, m.value, str(m), format(m), repr(m).replace(e.__name__, "E")) for m in e],
        "len": len(e), "members": list(e.__members__),
        "lookup": [e(args[0]).name for _, args in rows] + [e[n].value for n, _ in rows],
        "attrs": [getattr(e, n) is e[n] for n, _ in rows],
        "extra": [tuple(getattr(m, a) for a in extra) for m in e],
        "contains": [e(args[0]) in e for _, args in rows],
        "hash": [hash(m) == hash(m.value) for m in e], "eq": [m == m.value for m in e],
        "pickle": [pickle.loads(pickle.dumps(m)) is m for m in e] + [copy.deepcopy(m) is m for m in e],
        "order": [m._sort_order_ for m in e], "rev": [m.name for m in reversed(e)],
        "dir": all(n in dir(e) for n, _ in rows), "maps": sorted(map(str, e._value2member_map_)),
        "bad": type(_error(lambda: e("nope"))).__name__, "bad_of": type(_error(lambda: e.of(999))).__name__,
        "isinstance": [isinstance(m, e) for m in e],
    }

def _error(call):
    try:
        call()
    except Exception as exc:
        return exc

status_fields = ("phrase", "description", "action", "retryable", "is_client_error", "is_retryable")
assert shape(FastStatus, statuses, status_fields) == shape(NormalStatus, statuses, status_fields), (
    shape(FastStatus, statuses, status_fields), shape(NormalStatus, statuses, status_fields))
category_fields = ("summary", "description", "class_name")
fast = shape(FastCategory, categories, category_fields)
normal = shape(NormalCategory, categories, category_fields)
assert fast == normal, (
    fast, normal)
assert FastStatus.of(404) is FastStatus.NOT_FOUND and FastStatus(503).is_retryable
print("same")
'''


def interpreters() -> list[str]:
    """This Python and any other CPython 3.11+ on PATH or under pyenv (enum internals vary by version)."""
    candidates = [shutil.which(f"python3.{minor}") for minor in range(11, 15)]
    candidates += [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.1[1-9]*/bin/python3"))]
    found = [sys.executable]
    versions = {sys.version}
    for path in filter(None, candidates):
        done = subprocess.run(
            [path, "-c", "import sys; print(sys.version_info >= (3, 11), sys.version)"],
            capture_output=True,
            text=True,
            check=False,
        )
        newer, _, version = done.stdout.strip().partition(" ")
        if done.returncode == 0 and newer == "True" and version not in versions:
            versions.add(version)
            found.append(path)
    return found


@pytest.mark.parametrize("python", interpreters())
def test_fast_enum_behaves_like_a_normal_one(python: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([python, "-c", SCRIPT], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr


@pytest.mark.parametrize("python", interpreters())
def test_small_enums_behave_like_normal_ones(python: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [python, "-c", MEMBERS_SCRIPT], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr
