"""Each root's registry of classes (:mod:`errcat.runtime.registry`): by code, former name and status.

The golden record's package has what the shipped catalog lacks: former names of a renamed
code, and a status (404) whose codes belong to two categories.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from tests.builders import ROOT

import errcat.runtime.errors
import partner_invoicing_errors as shipped
from errcat.runtime.registry import Registry

GOLDEN_SRC = ROOT / "tests" / "golden" / "python" / "src"


@pytest.fixture
def golden() -> Iterator[ModuleType]:
    sys.path.insert(0, str(GOLDEN_SRC))
    try:
        yield importlib.import_module("golden_errors")
    finally:
        sys.path.remove(str(GOLDEN_SRC))


def test_each_root_has_its_own_registry(golden: ModuleType) -> None:
    assert isinstance(shipped.ApiError._registry_, Registry)
    assert (
        shipped.InvoiceNotFound._registry_ is shipped.ApiError._registry_ is shipped.ResourceError._registry_
    )
    assert golden.ApiError._registry_ is not shipped.ApiError._registry_
    assert errcat.runtime.errors.ApiError.codes() == {}  # errcat's own base registers no code
    assert "invoice_not_found" not in golden.ApiError.codes()


def test_class_for_takes_a_code_a_member_or_a_former_name(golden: ModuleType) -> None:
    assert shipped.ApiError.class_for("invoice_not_found") is shipped.InvoiceNotFound
    assert shipped.ResourceError.class_for(shipped.ErrorCode.INTERNAL_ERROR) is shipped.InternalError
    assert golden.ApiError.class_for("card_invalid") is golden.CardExpired is golden.StaleCard
    with pytest.raises(
        KeyError, match=r"partner_invoicing_errors\.exceptions\.ApiError has no class .*'nope'"
    ):
        shipped.ApiError.class_for("nope")
    with pytest.raises(KeyError):
        golden.ApiError.class_for("invoice_not_found")  # another package's code


def test_codes_lists_every_code_in_order() -> None:
    codes = shipped.ApiError.codes()
    assert list(codes) == sorted(code.value for code in shipped.ErrorCode)
    assert all(codes[code].code == code for code in codes)
    assert shipped.RequestError.codes() == codes  # any class of the root answers for the root


def test_a_code_belongs_to_one_class_only() -> None:
    registry = shipped.ApiError._registry_
    before = dict(registry.by_code)
    with pytest.raises(TypeError, match="'invoice_not_found' already belongs to InvoiceNotFound"):

        class Again(shipped.ResourceError, code=shipped.ErrorCode.INVOICE_NOT_FOUND):
            pass

    assert registry.by_code == before


def test_an_unknown_code_takes_the_class_that_owns_its_status(golden: ModuleType) -> None:
    """One category owns every code of 401: its class; two share 404: the root; none has 418: the root."""
    registry = golden.ApiError._registry_
    assert registry.for_status(401) is golden.CardholderError
    assert registry.for_status(404) is golden.ApiError
    assert registry.for_status(418) is golden.ApiError
    assert registry.resolve("from_the_future", 401) == (golden.CardholderError, "from_the_future")
    assert registry.resolve("stale_card", 500) == (golden.CardExpired, golden.ErrorCode.CARD_EXPIRED)
    assert registry.resolve(None, 401) == (golden.CardholderError, "")
    assert registry.resolve(3, 404) == (golden.ApiError, "3")
    assert type(golden.ApiError.from_response(401, b'{"error": {"code": "new"}}')) is golden.CardholderError


def test_a_new_class_is_seen_by_the_status_owners() -> None:
    """Registering a code rebuilds the owners of each status on the next question."""

    class Root(errcat.runtime.errors.ApiError, root=True):
        pass

    class Resource(Root, category=shipped.ErrorCategory.RESOURCE):
        pass

    assert Root._registry_.for_status(404) is Root

    class Missing(Resource, code=shipped.ErrorCode.INVOICE_NOT_FOUND):
        pass

    assert Root._registry_.for_status(404) is Resource and Root.class_for("invoice_not_found") is Missing
