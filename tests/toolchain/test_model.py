"""The typed model: frozen records, what it derives, the shipped catalog built into it, the seed's content."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re

import pytest
from tests.builders import ROOT

from errcat.toolchain.diff import KINDS
from errcat.toolchain.load import load
from errcat.toolchain.model import (
    Api,
    Backoff,
    Catalog,
    Category,
    ErrorEntry,
    Example,
    Logging,
    Retry,
    RetryPolicy,
    Status,
    doc_url,
    status_class,
)

#: The document the shipped catalog was written from (its status table, codes and retry strategy).
SEED = ROOT / "tests" / "catalogs" / "seed.txt"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    result = load(ROOT / "catalog" / "errors.yaml")
    assert result.diagnostics == ()
    assert result.catalog is not None
    return result.catalog


def test_derived_urls_and_status_classes() -> None:
    assert [status_class(s) for s in (101, 204, 302, 404, 503)] == [
        "informational",
        "success",
        "redirection",
        "client_error",
        "server_error",
    ]
    assert doc_url("https://x.example/errors", "a_b") == "https://x.example/errors/codes/a_b/"
    assert doc_url("https://x.example/errors/", "a_b") == "https://x.example/errors/codes/a_b/"


def test_the_model_is_immutable(catalog: Catalog) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.errors[0].code = "other"  # type: ignore[misc]
    assert isinstance(catalog.errors, tuple) and isinstance(catalog.errors[0].metadata, tuple)
    assert hash(catalog.errors[0].retry) == hash(dataclasses.replace(catalog.errors[0].retry))


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


def test_defaults_and_derived_class_names() -> None:
    assert Api("A", "1.0.0", "https://x").description == ""
    assert Category("payment_method", "T", "D").class_name == "PaymentMethodError"
    assert Category("payment_method", "T", "D", "CardError").class_name == "CardError"
    assert _entry().class_name == "InvoiceNotFound"
    assert dataclasses.replace(_entry(), class_name="Gone").class_name == "Gone"
    assert dataclasses.replace(_entry(), code="none", class_name="").class_name == "None_"
    policy = RetryPolicy((503,), (), Backoff(0.5, 2.0, 30.0, 5, "full"), True)
    assert (
        Catalog("c.yaml", "0" * 64, Api("A", "1.0.0", "https://x"), (), (), (), policy).logging == Logging()
    )


def test_records_pickle_and_copy_to_equal_records(catalog: Catalog) -> None:
    for record in (catalog, _entry(), catalog.retry_policy):
        for clone in (pickle.loads(pickle.dumps(record)), copy.copy(record), copy.deepcopy(record)):
            assert clone == record and type(clone) is type(record) and hash(clone) == hash(record)
    entry = _entry()
    assert not hasattr(entry, "__dict__")  # slotted: no attribute beyond the fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.title = "Other"  # type: ignore[misc]


@pytest.mark.parametrize("record", [Status, Category, ErrorEntry], ids=lambda r: r.__name__)
def test_every_field_errcat_diff_compares_says_how_a_change_of_it_is_classified(record: type) -> None:
    """A new field of a status, a category or a code must declare its class (or its own rule) where
    it is declared: errcat diff reads it from there."""
    for f in dataclasses.fields(record):
        assert "change" in f.metadata, f"{record.__name__}.{f.name} declares no change class"
        assert f.metadata["change"] in (*KINDS, None), f.name


def test_entries_carry_derived_names_urls_and_lines(catalog: Catalog) -> None:
    text = (ROOT / "catalog" / "errors.yaml").read_text("utf-8").splitlines()
    for entry in catalog.errors:
        assert entry.doc_url == f"https://docs.invoicing.example.com/errors/codes/{entry.code}/"
        assert entry.member_name == entry.code.upper()
        assert text[entry.line - 1] == f"  - code: {entry.code}"
    validation = catalog.error("validation_error")
    assert validation.class_name == "ValidationFailed"  # explicit: ValidationError is the category's
    assert catalog.category("validation").class_name == "ValidationError"
    assert catalog.error("invoice_not_found").class_name == "InvoiceNotFound"
    assert catalog.sha256 and re.fullmatch(r"[0-9a-f]{64}", catalog.sha256)


def test_statuses_are_sorted_and_the_error_codes_use_error_statuses(catalog: Catalog) -> None:
    statuses = [s.status for s in catalog.statuses]
    assert statuses == sorted(statuses)
    assert all(catalog.status(e.status).is_error for e in catalog.errors)
    assert catalog.status(404).member_name == "NOT_FOUND"
    assert catalog.retry_policy.retry_statuses == (429, 500, 503)


def test_example_body_is_the_response_the_api_sends(catalog: Catalog) -> None:
    assert catalog.error("invoice_not_found").example_body() == {
        "error": {
            "code": "invoice_not_found",
            "message": "Invoice inv_4Rt6Yp was not found for business biz_7Hq2mX.",
            "request_id": "req_01HV3KD6K0W2BC",
            "doc_url": "https://docs.invoicing.example.com/errors/codes/invoice_not_found/",
            "business_id": "biz_7Hq2mX",
            "invoice_id": "inv_4Rt6Yp",
        }
    }
    body = catalog.error("validation_error").example_body()["error"]
    assert list(body) == ["code", "message", "details", "request_id", "doc_url"]
    assert body["details"][0] == {
        "field": "amount",
        "code": "must_be_positive",
        "message": "Amount must be greater than 0.",
    }
    limits = catalog.error("rate_limit_exceeded").example_body()["error"]
    assert (limits["limit"], limits["window_seconds"]) == (600, 60)  # numbers stay numbers


def test_every_code_belongs_to_a_category_and_lookups_fail_loudly(catalog: Catalog) -> None:
    assert sum(len(catalog.errors_in(c.id)) for c in catalog.categories) == len(catalog.errors)
    with pytest.raises(KeyError):
        catalog.error("nope")
    with pytest.raises(KeyError):
        catalog.status(418)


# --- the seed document ------------------------------------------------------------------------


def _seed_text() -> str:
    return SEED.read_text("utf-8")


def _normalise(text: str) -> str:
    """Compare prose as the seed writes it: curly apostrophes, contractions, 'auth' for 'authentication'."""
    text = text.replace("\u2019", "'").rstrip(".").lower().replace("n't", " not")
    text = re.sub(r"\b(a|the)\b ", "", text)
    return " ".join(text.replace("authentication", "auth").split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z_]+", _normalise(text)))


def test_the_status_table_holds_every_row_of_the_seed(catalog: Catalog) -> None:
    rows = re.findall(r"^\| (\d{3}) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", _seed_text(), re.MULTILINE)
    assert [int(r[0]) for r in rows] == [200, 201, 400, 401, 403, 404, 409, 500]
    for status, meaning, description, action in rows:
        entry = catalog.status(int(status))
        # The seed abbreviates 500's phrase ("Server Error"); the catalog uses the registered one.
        assert entry.phrase == meaning.strip() or (status, entry.phrase) == ("500", "Internal Server Error")
        assert _words(description) <= _words(entry.description), status
        assert _words(action) <= _words(entry.action), status


def _seed_codes(text: str) -> list[tuple[str, int, str, str]]:
    """(code, status, cause, solution) of each code the seed lists, in order."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if re.fullmatch(r"[a-z_]+", line) and lines[i + 1].startswith("- Status: "):
            status = int(lines[i + 1].removeprefix("- Status: "))
            cause = lines[i + 2].removeprefix("- Cause: ")
            solution = [lines[i + 3].removeprefix("- Solution: ")]
            for more in lines[i + 4 :]:  # a solution broken over lines ("Check\ndetailsfield ...")
                if re.fullmatch(r"[a-z_]+", more) or more.endswith("Errors") or more == "Retry Strategy":
                    break
                solution.append(more)
            out.append((line, status, cause, " ".join(solution)))
    return out


def test_the_seven_seed_codes_with_their_statuses_causes_and_solutions(catalog: Catalog) -> None:
    found = _seed_codes(_seed_text())
    assert [code for code, *_ in found] == [
        "authentication_required",
        "invalid_token",
        "permission_denied",
        "validation_error",
        "business_not_found",
        "invoice_not_found",
        "duplicate_external_id",
    ]
    for code, status, cause, solution in found:
        entry = catalog.error(code)
        assert entry.status == status
        assert _normalise(entry.cause) == _normalise(cause)
        # Every word of the seed's solution is in the catalog's, which may say more.
        seed_words = set(
            re.findall(r"[a-z_]+", _normalise(solution.replace("detailsfield", "details field")))
        )
        assert seed_words <= set(re.findall(r"[a-z_]+", _normalise(entry.solution))), code


def test_the_retry_strategy_of_the_seed(catalog: Catalog) -> None:
    text = _seed_text()
    assert "500-level errors (server errors)" in text and "Network timeouts" in text
    policy = catalog.retry_policy
    assert {s for s in policy.retry_statuses if s >= 500} == {500, 503}
    assert {t.id for t in policy.transport_failures} == {"timeout", "connection_error"}
    assert not {400, 401, 403, 404} & set(policy.retry_statuses)  # the seed's "do not retry" list
    strategies = {e.code: e.retry.strategy for e in catalog.errors}
    assert strategies["authentication_required"] == strategies["invalid_token"] == "refresh_credentials"
    assert strategies["permission_denied"] == "do_not_retry"  # "fix permissions"
    assert strategies["business_not_found"] == strategies["invoice_not_found"] == "do_not_retry"
    assert strategies["duplicate_external_id"] == "use_existing_resource"
    assert strategies["internal_error"] == "backoff"
    backoff = policy.backoff
    assert backoff.base_delay_seconds > 0 and backoff.multiplier > 1 and backoff.max_attempts >= 2
    assert [backoff.delay(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff.delay(100) == backoff.max_delay_seconds
    assert policy.honor_retry_after


def test_the_seed_scenarios_and_links(catalog: Catalog) -> None:
    text = _seed_text()
    for title in ("Handling Validation Errors", "Handling Authentication Errors"):
        assert title in text
        assert any(s.title.lower() == title.lower() for s in catalog.scenarios)
    assert {link.title for link in catalog.links} == {"Authentication", "API Reference"}
    assert "authorization" in catalog.logging.redacted_keys
