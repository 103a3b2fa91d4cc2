"""The Python names a catalog becomes: derived in one place, each a valid name or refused with a reason."""

from __future__ import annotations

import builtins
import keyword

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hostile import HOSTILE_CODES, HOSTILE_PHRASES

from errcat.runtime import CatalogCategory, CatalogCode, CatalogStatus
from errcat.toolchain.names import (
    BUILTIN_CLASS_NAMES,
    PACKAGE_NAMES,
    alias_class_names,
    category_class_name,
    class_name,
    class_name_problem,
    member_name,
    status_member_name,
)
from errcat.toolchain.schema import catalog_schema


def test_derived_names() -> None:
    assert member_name("invoice_not_found") == "INVOICE_NOT_FOUND"
    assert member_name("none") == "NONE"
    assert member_name("true") == "TRUE"  # not a keyword once upper-cased
    assert class_name("invoice_not_found") == "InvoiceNotFound"
    assert class_name("a_1_b") == class_name("a1_b") == "A1B"  # why the checker refuses the pair
    assert category_class_name("rate_limit") == "RateLimitError"


def test_a_derived_class_name_that_is_a_keyword_gets_a_trailing_underscore() -> None:
    assert [class_name(c) for c in ("none", "true", "false")] == ["None_", "True_", "False_"]
    assert [category_class_name(c) for c in ("none", "true")] == ["NoneError", "TrueError"]
    assert member_name("class") == "CLASS" and class_name("class") == "Class"  # not keywords once cased


def test_class_name_problem_says_why_a_name_cannot_be_a_class() -> None:
    assert class_name_problem("None") == class_name_problem("True") == "is a Python keyword"
    for name in ("Exception", "NotImplemented", "Warning", "TimeoutError", "LookupError", "Ellipsis"):
        assert class_name_problem(name) == "would shadow Python's builtin of that name", name
    assert class_name_problem("ApiError") == "is already defined by errcat's runtime"
    assert class_name_problem("CATALOG") == "is already defined by every generated package"
    assert class_name_problem("not a name") == "is not a Python identifier"
    for name in ("None_", "InvoiceNotFound", "NoneError", "Catalog", "TypeChecking", "Match"):
        assert class_name_problem(name) is None, name


def test_the_builtin_names_cover_every_capitalised_builtin_of_this_python() -> None:
    """A new Python's new builtins fail this test until they are added to the list."""
    assert {name for name in vars(builtins) if name[:1].isupper()} <= BUILTIN_CLASS_NAMES


def test_a_former_name_that_cannot_be_a_class_keeps_no_class() -> None:
    aliases = ("lookup_failed", "not_implemented", "api_error", "none", "lookup")
    assert alias_class_names(aliases, "Lookup") == ("LookupFailed", "None_")


# Names the schema allows, from its own patterns (with their repeats bounded, to keep the draws short).
_DEFS = catalog_schema()["$defs"]


def _allowed(pattern: str, longest: int) -> st.SearchStrategy[str]:
    bounded = pattern.replace("*", "{0,8}").replace("+", "{1,8}")
    return st.from_regex(bounded, fullmatch=True).filter(lambda name: len(name) <= longest)


_CODES = _allowed(_DEFS["code_name"]["pattern"], 64)
_IDS = _allowed(_DEFS["identifier"]["pattern"], 64)
_PHRASES = _allowed(_DEFS["status"]["properties"]["phrase"]["pattern"], 100)
#: Every attribute the generated enums have before their members: none may be a member's name.
_ENUM_ATTRIBUTES = (
    frozenset(dir(CatalogCode)) | frozenset(dir(CatalogCategory)) | frozenset(dir(CatalogStatus))
)


def _is_enum_member_name(name: str) -> bool:
    """An identifier, no keyword or soft keyword, no _sunder_ or __dunder__ name, no attribute of the enum."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and not name.startswith("_")
        and name not in _ENUM_ATTRIBUTES
    )


@settings(max_examples=200, deadline=None)
@given(code=st.one_of(_CODES, _IDS, st.sampled_from(HOSTILE_CODES)))
def test_every_code_or_id_the_schema_allows_gives_a_member_and_a_class_name_or_a_reason(code: str) -> None:
    assert _is_enum_member_name(member_name(code)), member_name(code)
    for name in (class_name(code), category_class_name(code)):
        assert name.isidentifier() and not keyword.iskeyword(name), name
        # refused exactly when it would hide a builtin or a name the package defines
        refused = name in vars(builtins) or name in PACKAGE_NAMES
        assert (class_name_problem(name) is not None) == refused, name


@settings(max_examples=200, deadline=None)
@given(phrase=st.one_of(_PHRASES, st.sampled_from(HOSTILE_PHRASES)))
def test_every_phrase_the_schema_allows_gives_a_usable_member(phrase: str) -> None:
    assert _is_enum_member_name(status_member_name(phrase)), status_member_name(phrase)
