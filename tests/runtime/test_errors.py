"""``ApiError`` itself (:mod:`errcat.runtime.errors`): construction, equality, hashing and pickling.

Every instance gets its fields in one place, whether it is made by hand, read from a
response or unpickled; these tests hold the three roads to one answer. The wire format
is ``test_wire.py``, the registry of classes ``test_registry.py``.
"""

from __future__ import annotations

import copy
import importlib
import pickle
from collections.abc import Iterator
from types import ModuleType

import pytest
from tests.builders import ROOT

import errcat.runtime.errors
import partner_invoicing_errors
from partner_invoicing_errors import ApiError, InvoiceNotFound, ResourceError, ValidationFailed

#: A generated package of a feature-rich catalog: renamed, deprecated and retired codes, metadata.
GOLDEN_SRC = ROOT / "tests" / "golden" / "python" / "src"


def test_retry_after_is_an_argument_not_metadata() -> None:
    """``retry_after`` sets the Retry-After a server sends; it never lands in the body."""
    error = InvoiceNotFound(retry_after=30, invoice_id="inv_1")
    assert error.retry_after == 30 and error.metadata == {"invoice_id": "inv_1"}
    assert "retry_after" not in error.to_json() and "retry_after" not in error.to_problem()
    assert InvoiceNotFound().retry_after is None


def test_any_metadata_name_the_catalog_allows_is_a_keyword_argument() -> None:
    """``self`` is not a Python keyword, so a catalog may declare it: it must not clash with the method's."""
    error = InvoiceNotFound("m", self="s", cls="c", metadata="x")
    assert error.metadata == {"self": "s", "cls": "c", "metadata": "x"} and error.message == "m"


def test_an_error_made_by_hand_with_an_odd_request_id_is_still_hashable() -> None:
    error = InvoiceNotFound(request_id=["by", "hand"])  # type: ignore[arg-type]
    assert hash(error) == hash(InvoiceNotFound(request_id=["by", "hand"]))  # type: ignore[arg-type]
    assert error == InvoiceNotFound(request_id=["by", "hand"])  # type: ignore[arg-type]


def test_an_error_keeps_only_what_differs_from_its_class() -> None:
    """Made by hand or read from a body, the same error has the same fields, and no more."""
    by_hand = InvoiceNotFound("m", request_id="req_1", invoice_id="inv_1")
    read = ApiError.from_response(404, by_hand.to_json().encode())
    assert (
        vars(read)
        == vars(by_hand)
        == {
            "message": "m",
            "request_id": "req_1",
            "details": (),
            "metadata": {"invoice_id": "inv_1"},
        }
    )
    assert read.args == by_hand.args == ("m",)
    assert InvoiceNotFound().args == (InvoiceNotFound.default_message,)
    moved = InvoiceNotFound(status=410, code="invoice_gone", doc_url="https://example.com/gone")
    assert (moved.status, moved.code, moved.doc_url) == (410, "invoice_gone", "https://example.com/gone")
    assert type(moved.code) is str and type(InvoiceNotFound().code) is partner_invoicing_errors.ErrorCode


def test_equality_is_by_class_and_fields() -> None:
    error = InvoiceNotFound("m", request_id="r", invoice_id="i")
    assert error == InvoiceNotFound("m", request_id="r", invoice_id="i")
    assert error != InvoiceNotFound("m", request_id="r", invoice_id="j")
    assert error != InvoiceNotFound("m", request_id="s", invoice_id="i")
    assert error != ResourceError("m", request_id="r", invoice_id="i", code="invoice_not_found", status=404)
    assert error != "m" and hash(error) == hash(InvoiceNotFound("m", request_id="r", invoice_id="i"))


# --- pickling and copying ----------------------------------------------------------------------------


@pytest.fixture
def golden() -> Iterator[ModuleType]:
    """The golden record's generated exceptions, importable for the test (pickle finds classes by name)."""
    import sys

    sys.path.insert(0, str(GOLDEN_SRC))
    try:
        yield importlib.import_module("golden_errors.exceptions")
    finally:
        sys.path.remove(str(GOLDEN_SRC))


def round_trips(error: errcat.runtime.errors.ApiError) -> None:
    """``error`` comes back from pickle (every protocol), copy and deepcopy as an equal error of its class."""
    copies = [pickle.loads(pickle.dumps(error, protocol)) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)]
    copies += [copy.copy(error), copy.deepcopy(error)]
    for again in copies:
        assert type(again) is type(error) and again == error and error == again
        assert vars(again) == vars(error) and again.args == error.args and hash(again) == hash(error)
        assert again.to_json() == error.to_json() and str(again) == str(error)


def classes_of(module: ModuleType) -> list[type[errcat.runtime.errors.ApiError]]:
    return [
        klass
        for name in module.__all__
        if isinstance(klass := getattr(module, name), type)
        and issubclass(klass, errcat.runtime.errors.ApiError)
    ]


def test_every_generated_class_round_trips_through_pickle_and_copy(golden: ModuleType) -> None:
    shipped = classes_of(partner_invoicing_errors.exceptions)
    assert len(shipped) > 10 and len(classes_of(golden)) > 10
    for klass in shipped + classes_of(golden):
        round_trips(klass())
        round_trips(klass("a message of its own", request_id="req_1"))
        round_trips(klass.from_response(klass.status, klass(request_id="req_2").to_json()))


def test_an_error_with_metadata_details_and_a_retry_after_round_trips() -> None:
    error = ValidationFailed(
        "Fix the fields.",
        request_id="req_1",
        details=[{"field": "amount", "code": "too_small", "message": "At least 1."}],
        retry_after=2.5,
        nested={"list": [1, 2.0, None], "text": "\u202e"},
    )
    error.raw_body = '{"error": {}}'
    error.add_note("seen twice")
    round_trips(error)
    again = pickle.loads(pickle.dumps(error))
    assert (
        again.retry_after == 2.5 and again.raw_body == '{"error": {}}' and again.__notes__ == ["seen twice"]
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"error": {"code": "from_the_future", "message": "m", "extra": [1, {"x": null}]}}',
        b'{"error": {"message": "no code"}}',
        b"<html>Bad Gateway</html>",
        b'{"error": {"code": 3, "request_id": ["odd"]}}',
    ],
)
def test_an_unknown_codes_error_round_trips(body: bytes) -> None:
    error = ApiError.from_response(599, body)
    round_trips(error)
    assert pickle.loads(pickle.dumps(error)).status == 599


def test_a_subclass_with_arguments_of_its_own_unpickles_without_calling_them() -> None:
    """A service's own subclass may take other arguments: unpickling never calls ``__init__`` again."""
    round_trips(OrderNotFound("ord_1"))
    assert pickle.loads(pickle.dumps(OrderNotFound("ord_1"))).metadata == {"invoice_id": "ord_1"}


class OrderNotFound(InvoiceNotFound):
    """A subclass whose constructor takes an id, not a message (module level, so pickle finds it)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"Order {order_id} was not found.", invoice_id=order_id)
