"""The catalog model's classes behave as the frozen, slotted dataclasses they replace.

``errcat.toolchain.model`` writes out what ``@dataclass(frozen=True, slots=True)`` would
generate (it made the module ten times cheaper to import); these tests pin that every
class still is a dataclass to ``dataclasses`` and keeps the old behaviour.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from errcat.toolchain import model
from errcat.toolchain.model import Api, Backoff, Catalog, Category, ErrorEntry, Example, Logging, Retry

RECORDS = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type) and cls.__module__ == model.__name__ and dataclasses.is_dataclass(cls)
]


def test_every_public_class_is_a_record() -> None:
    defined = {
        name
        for name, cls in vars(model).items()
        if isinstance(cls, type) and cls.__module__ == model.__name__ and not name.startswith("_")
    }
    assert {cls.__name__ for cls in RECORDS} == defined
    assert len(RECORDS) == 21


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_fields_slots_and_init_agree(cls: type) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    assert names == list(cls.__annotations__)
    assert sorted(cls.__slots__) == sorted(names)
    assert list(inspect.signature(cls).parameters) == names
    assert cls.__match_args__ == tuple(names)


def _entry() -> ErrorEntry:
    return ErrorEntry(
        code="invoice_not_found",
        status=404,
        category="resource",
        title="Invoice not found",
        message="No invoice has this id.",
        cause="c",
        solution="s",
        retry=Retry("do_not_retry"),
        example=Example("m", "req_1", metadata=(("invoice_id", "inv_1"),)),
        doc_url="https://errors.example.com/codes/invoice_not_found/",
    )


def test_frozen() -> None:
    entry = _entry()
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.code = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del entry.code
    with pytest.raises(AttributeError):
        entry.unknown = 1  # type: ignore[attr-defined]


def test_equality_hash_and_repr_as_a_dataclass() -> None:
    entry = _entry()
    same = dataclasses.replace(entry)
    assert entry == same and hash(entry) == hash(same) and entry is not same
    changed = dataclasses.replace(entry, title="Other")
    assert entry != changed and changed.title == "Other"
    assert entry != dataclasses.astuple(entry) and (entry == object()) is False
    assert hash(Retry("backoff", "r", 3)) == hash(("backoff", "r", 3))

    @dataclasses.dataclass(frozen=True, slots=True)
    class Reference:
        strategy: str
        reason: str = ""
        retry_after_seconds: int | None = None

    reference = repr(Reference("backoff", 'it\'s "quoted"', 3)).replace("Reference", "Retry")
    assert repr(Retry("backoff", 'it\'s "quoted"', 3)).split("(", 1)[1] == reference.split("(", 1)[1]
    assert repr(Retry("backoff")).startswith("Retry(strategy='backoff'")


def test_defaults_and_derived_names() -> None:
    assert Api("A", "1.0.0", "https://x").description == ""
    assert Category("payment_method", "T", "D").class_name == "PaymentMethodError"
    assert Category("payment_method", "T", "D", "CardError").class_name == "CardError"
    assert _entry().class_name == "InvoiceNotFound"
    assert dataclasses.replace(_entry(), class_name="Gone").class_name == "Gone"
    backoff = Backoff(0.5, 2.0, 30.0, 5, "full")
    assert (
        Catalog(
            "c.yaml",
            "0" * 64,
            Api("A", "1.0.0", "https://x"),
            (),
            (),
            (),
            model.RetryPolicy((503,), (), backoff, True),
        ).logging
        == Logging()
    )


def test_asdict_pickle_and_copy() -> None:
    entry = _entry()
    data = dataclasses.asdict(entry)
    assert data["retry"] == {"strategy": "do_not_retry", "reason": "", "retry_after_seconds": None}
    assert data["example"]["metadata"] == (("invoice_id", "inv_1"),)
    assert list(data) == [f.name for f in dataclasses.fields(ErrorEntry)]
    for clone in (pickle.loads(pickle.dumps(entry)), copy.copy(entry), copy.deepcopy(entry)):
        assert clone == entry and type(clone) is ErrorEntry


def test_a_record_must_name_its_fields_in_slots() -> None:
    with pytest.raises(TypeError, match="__slots__"):

        class Broken(model._Frozen):
            __slots__ = ("a",)
            a: int
            b: int
