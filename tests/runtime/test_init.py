"""errcat.runtime itself, the bases of the generated enums.

``install_codes`` makes ``ErrorCode`` exactly as the enum metaclass would, and the small
enums' bases behave.

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

# Runs in a fresh interpreter: errcat.runtime needs only the standard library.
SCRIPT = r'''
import copy, pickle, sys, types
from enum import StrEnum
from errcat.runtime import CatalogCode, install_codes

names = [("INVOICE_NOT_FOUND", "invoice_not_found"), ("RATE_LIMITED", "rate_limited"), ("NAME", "name"),
         ("VALUE", "value"), ("A2", "a2")]
table = types.ModuleType("fake_table")
table.CODES = tuple({"member": n, "code": v, "status": 404, "category": "c", "title": "t", "message": "m",
                     "doc_url": "u", "retry_strategy": "do_not_retry", "class_name": "K"} for n, v in names)
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


# HttpStatus and ErrorCategory are plain class bodies on the bases: what the bases add must hold.
MEMBERS_SCRIPT = r"""
import copy, pickle
from errcat.runtime import CatalogCategory, CatalogStatus

class Status(CatalogStatus):
    OK = 200, "OK", "Fine.", "Go on.", False
    NOT_FOUND = 404, "Not Found", "d", "a", False
    NAME = 500, "Boom", "d", "a", True

class Category(CatalogCategory):
    RESOURCE = "resource", "Resource", "d", "ResourceError"
    NAME = "name", "N", "d\n\"x\"", "NameError_"

assert [m.value for m in Status] == [200, 404, 500] and Status.of(404) is Status.NOT_FOUND
assert (Status.NAME.phrase, Status.NAME.is_retryable, Status.NAME.is_server_error) == ("Boom", True, True)
assert Status.NOT_FOUND.is_client_error and not Status.OK.is_error and Status.OK.is_success
assert Status(404) is Status.NOT_FOUND and Status.NOT_FOUND == 404 and str(Status.NOT_FOUND) == "404"
assert Category.of("name") is Category.NAME and Category.NAME.summary == "N" and Category.NAME == "name"
assert (Category.RESOURCE.description, Category.RESOURCE.class_name) == ("d", "ResourceError")
assert all(pickle.loads(pickle.dumps(m)) is m and copy.deepcopy(m) is m for m in [*Status, *Category])
for call in (lambda: Status.of(999), lambda: Category.of("nope")):
    try:
        call()
    except KeyError:
        pass
    else:
        raise AssertionError("of() must refuse an unknown value")
print("same")
"""


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
