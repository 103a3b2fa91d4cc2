"""errcat diff: every change is classified, and the classes follow the contract rules."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import CATALOGS, ROOT

from errcat.toolchain.diff import ERROR_FIELDS, KINDS, diff
from errcat.toolchain.load import load
from errcat.toolchain.model import (
    Catalog,
    Category,
    Deprecation,
    ErrorEntry,
    Retirement,
    Status,
)

HERE = Path(__file__).parent
GOLDEN = HERE / "diff_golden"
BASE = CATALOGS / "diff_base.yaml"  # a frozen copy of the catalog, so golden line numbers hold


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    result = load(ROOT / "catalog" / "errors.yaml")
    assert result.catalog is not None
    return result.catalog


def with_error(catalog: Catalog, index: int, entry: ErrorEntry | None) -> Catalog:
    errors = list(catalog.errors)
    if entry is None:
        del errors[index]
    else:
        errors[index] = entry
    return dataclasses.replace(catalog, errors=tuple(errors))


def test_diff_of_a_catalog_with_itself_is_empty(shipped: Catalog) -> None:
    report = diff(shipped, shipped)
    assert report.changes == ()
    assert report.required_bump == "none"
    assert not report.breaking_unversioned


texts = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())

# For each field: a strategy of a new value given the entry, and the class the change must have.
# None as the class means "at least one change, of any class".
MUTATIONS = {
    "status": (
        lambda e: st.sampled_from([s for s in (400, 403, 404, 409, 500) if s != e.status]),
        "breaking",
    ),
    "category": (
        lambda e: st.sampled_from([c for c in ("resource", "server") if c != e.category]),
        "breaking",
    ),
    "title": (lambda e: texts.filter(lambda t: t != e.title), "cosmetic"),
    "message": (lambda e: texts.filter(lambda t: t != e.message), "cosmetic"),
    "cause": (lambda e: texts.filter(lambda t: t != e.cause), "cosmetic"),
    "solution": (lambda e: texts.filter(lambda t: t != e.solution), "cosmetic"),
    "usage": (lambda e: texts.filter(lambda t: t != e.usage), "cosmetic"),
    "retry": (
        lambda e: st.sampled_from(
            [
                s
                for s in ("backoff", "do_not_retry", "refresh_credentials", "use_existing_resource")
                if s != e.retry.strategy
            ]
        ).map(lambda s: dataclasses.replace(e.retry, strategy=s)),
        "breaking",
    ),
    "example": (
        lambda e: texts.filter(lambda t: t != e.example.message).map(
            lambda t: dataclasses.replace(e.example, message=t)
        ),
        "cosmetic",
    ),
    "doc_url": (lambda e: st.just(e.doc_url + "moved/"), "breaking"),
    "metadata": (lambda e: st.just(e.metadata[1:] if e.metadata else (("extra_id", "An extra."),)), None),
    "see_also": (lambda e: st.just(e.see_also + ("internal_error",)), "cosmetic"),
    "since": (lambda e: st.just("0.9.0"), "cosmetic"),
    "deprecated": (lambda e: st.just(Deprecation(since="1.0.0", reason="Going away.")), "additive"),
    "retired": (lambda e: st.just(Retirement(since="1.0.0", reason="Gone.")), "additive"),
    "replaced_by": (lambda e: st.just("internal_error"), "cosmetic"),
    "aliases": (lambda e: st.just(e.aliases + ("old_name_of_it",)), "additive"),
    "class_name": (lambda e: st.just(e.class_name + "Renamed"), "breaking"),
}


def test_mutations_cover_every_field() -> None:
    assert set(MUTATIONS) | {"code", "line"} == set(ERROR_FIELDS)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_single_field_mutation_is_classified(shipped: Catalog, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(shipped.errors) - 1), label="entry")
    entry = shipped.errors[index]
    field = data.draw(st.sampled_from(sorted(MUTATIONS)), label="field")
    make, expected = MUTATIONS[field]
    value = data.draw(make(entry), label="value")
    mutated = with_error(shipped, index, dataclasses.replace(entry, **{field: value}))

    report = diff(shipped, mutated)
    assert report.changes, f"changing {field} went unnoticed"
    assert all(c.kind in KINDS for c in report.changes)
    assert all(c.subject == f"code {entry.code}" for c in report.changes)
    if expected is not None:
        assert {c.kind for c in report.changes} == {expected}, report.changes
    # The reverse change is noticed as well.
    assert diff(mutated, shipped).changes


@given(data=st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_moving_an_entry_within_the_file_is_no_change(shipped: Catalog, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(shipped.errors) - 1))
    entry = shipped.errors[index]
    moved = with_error(shipped, index, dataclasses.replace(entry, line=entry.line + 100))
    assert diff(shipped, moved).changes == ()


@given(data=st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_removal_rename_and_status_change_are_always_breaking(shipped: Catalog, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(shipped.errors) - 1))
    entry = shipped.errors[index]
    how = data.draw(st.sampled_from(["remove", "rename", "status"]))
    if how == "remove":
        mutated = with_error(shipped, index, None)
    elif how == "rename":
        mutated = with_error(shipped, index, dataclasses.replace(entry, code=entry.code + "_renamed"))
    else:
        status = data.draw(
            st.sampled_from([s for s in (400, 401, 403, 404, 409, 429, 500, 503) if s != entry.status])
        )
        mutated = with_error(shipped, index, dataclasses.replace(entry, status=status))
    report = diff(shipped, mutated)
    assert any(c.kind == "breaking" and c.subject == f"code {entry.code}" for c in report.changes)
    assert report.required_bump == "major"
    assert report.breaking_unversioned  # the version was not bumped
    bumped = dataclasses.replace(mutated, api=dataclasses.replace(mutated.api, version="2.0.0"))
    assert not diff(shipped, bumped).breaking_unversioned


def test_a_rename_that_keeps_the_old_name_as_an_alias_is_not_breaking(shipped: Catalog) -> None:
    index = next(i for i, e in enumerate(shipped.errors) if e.code == "invoice_not_found")
    entry = shipped.errors[index]
    renamed = dataclasses.replace(
        entry,
        code="invoice_missing",
        aliases=("invoice_not_found",),
        doc_url=entry.doc_url.replace("invoice_not_found", "invoice_missing"),
        class_name="InvoiceMissing",  # the old InvoiceNotFound stays as an alias class
    )
    report = diff(shipped, with_error(shipped, index, renamed))
    assert [(c.kind, c.message) for c in report.changes] == [
        ("additive", "code invoice_not_found was renamed to invoice_missing; the old name stays as an alias")
    ]
    assert report.required_bump == "minor"


def test_bringing_back_a_retired_code_is_breaking(shipped: Catalog) -> None:
    entry = shipped.errors[0]
    retired = with_error(shipped, 0, dataclasses.replace(entry, retired=Retirement("1.0.0", "Gone.")))
    report = diff(retired, shipped)
    assert [c.kind for c in report.changes] == ["breaking"]


def test_new_code_status_and_category_are_additive(shipped: Catalog) -> None:
    extra = dataclasses.replace(
        shipped.errors[0],
        code="token_revoked",
        class_name="TokenRevoked",
        doc_url=shipped.errors[0].doc_url.replace(shipped.errors[0].code, "token_revoked"),
    )
    grown = dataclasses.replace(
        shipped,
        errors=(*shipped.errors, extra),
        statuses=(*shipped.statuses, Status(410, "Gone", "Removed.", "Stop asking.")),
        categories=(*shipped.categories, Category("billing", "Billing errors", "About billing.")),
    )
    report = diff(shipped, grown)
    assert sorted(c.message for c in report.changes) == [
        "category billing was added",
        "code token_revoked was added",
        "status 410 was added",
    ]
    assert {c.kind for c in report.changes} == {"additive"}
    assert report.required_bump == "minor"
    assert diff(grown, shipped).required_bump == "major"


# --- the command and its output formats ------------------------------------------------------


def _edited_catalog(tmp_path: Path) -> Path:
    """The shipped catalog with a rename (alias kept), a category change, a removed metadata field,
    a new code and a prose change."""
    text = BASE.read_text("utf-8")
    edits = [
        (
            "  - code: invoice_not_found\n    status: 404",
            "  - code: invoice_missing\n    aliases: [invoice_not_found]\n    status: 404",
        ),
        (
            "see_also: [permission_denied, invoice_not_found]",
            "see_also: [permission_denied, invoice_missing]",
        ),
        (
            "  - code: permission_denied\n    status: 403\n    category: authorization",
            "  - code: permission_denied\n    status: 403\n    category: authentication",
        ),
        ("      external_id: The external_id that is already taken.\n", ""),
        ("        external_id: order-2024-0042\n", ""),
        ("Verify that business_id is correct.", "Check the business_id <and> | its `scope`."),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "errors.yaml"
    path.write_text(text, "utf-8")
    return path


def _errcat(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "errcat", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown"])
def test_diff_output_formats_match_golden_files(tmp_path: Path, fmt: str) -> None:
    _edited_catalog(tmp_path)
    old = tmp_path / "old.yaml"
    old.write_bytes(BASE.read_bytes())
    run = _errcat("diff", "old.yaml", "errors.yaml", "--format", fmt, cwd=tmp_path)
    assert run.returncode == 1, run.stderr  # breaking changes, version not bumped
    golden = GOLDEN / f"diff.{fmt}"
    assert run.stdout == golden.read_text("utf-8")
    if fmt == "json":
        data = json.loads(run.stdout)
        assert data["required_bump"] == "major" and data["bump_ok"] is False


def test_diff_exits_0_when_the_major_version_is_bumped(tmp_path: Path) -> None:
    new = _edited_catalog(tmp_path)
    new.write_text(new.read_text("utf-8").replace("  version: 1.0.0", "  version: 2.0.0", 1), "utf-8")
    run = _errcat("diff", str(BASE), str(new))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1].endswith("1.0.0 -> 2.0.0 is a major bump (ok)")


def test_diff_exit_codes_follow_the_cli_contract(tmp_path: Path) -> None:
    """1 when a catalog has errors (as every command), 2 when a file cannot be read; NEW defaults."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\n", "utf-8")
    assert _errcat("diff", str(BASE), str(bad)).returncode == 1
    assert _errcat("diff", str(BASE), str(tmp_path / "missing.yaml")).returncode == 2
    catalog = tmp_path / "catalog" / "errors.yaml"
    catalog.parent.mkdir()
    catalog.write_bytes(BASE.read_bytes())
    one = _errcat("diff", str(BASE), cwd=tmp_path)  # NEW is the default catalog
    assert one.returncode == 0, one.stderr
    assert one.stdout.strip() == "no contract changes (1.0.0 -> 1.0.0)"
    assert _errcat("diff", cwd=tmp_path).returncode == 2


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    (tmp_path / "errors.yaml").write_bytes(BASE.read_bytes())
    _git(tmp_path, "add", "errors.yaml")
    _git(tmp_path, "commit", "-qm", "catalog")
    return tmp_path


def test_diff_against_a_git_ref(repo: Path) -> None:
    _edited_catalog(repo)
    run = _errcat("diff", "--against", "HEAD", "errors.yaml", cwd=repo)
    assert run.returncode == 1
    assert "breaking: code permission_denied: category changed" in run.stdout
    assert _errcat("diff", "--against", "HEAD~5", "errors.yaml", cwd=repo).returncode == 2


def test_check_against_refuses_a_deleted_entry_and_a_reused_retired_name(repo: Path) -> None:
    text = (repo / "errors.yaml").read_text("utf-8")
    start = text.index("  - code: rate_limit_exceeded")
    end = text.index("  - code: internal_error")
    deleted = text[:start] + text[end:]
    deleted = deleted.replace("retry_statuses: [429, 500, 503]", "retry_statuses: [500, 503]")
    (repo / "errors.yaml").write_text(deleted, "utf-8")
    run = _errcat("check", "--against", "HEAD", "errors.yaml", cwd=repo)
    assert run.returncode == 1
    errors_line = deleted[: deleted.index("  - code: authentication_required")].count("\n") + 1
    assert (
        f"errors.yaml:{errors_line}:1: error: code 'rate_limit_exceeded' was deleted; codes are never deleted"
        in run.stderr
    )

    # Retire a code in one commit, bring it back in the next.
    retired = text.replace(
        "    see_also: [service_unavailable]\n    since: 1.0.0\n",
        "    see_also: [service_unavailable]\n    since: 1.0.0\n    retired:\n      since: 1.0.0\n"
        "      reason: Replaced by service_unavailable.\n",
        1,
    )
    assert retired != text
    (repo / "errors.yaml").write_text(retired, "utf-8")
    _git(repo, "commit", "-qam", "retire internal_error")
    (repo / "errors.yaml").write_text(text, "utf-8")
    run = _errcat("check", "--against", "HEAD", "errors.yaml", cwd=repo)
    assert run.returncode == 1
    line = text[: text.index("  - code: internal_error")].count("\n") + 1
    assert (
        f"errors.yaml:{line}:1: error: code internal_error was retired in 1.0.0 and is reused; "
        "retired names are reserved forever"
    ) in run.stderr
    # Unchanged since the ref: clean.
    (repo / "errors.yaml").write_text(retired, "utf-8")
    assert _errcat("check", "--against", "HEAD", "errors.yaml", cwd=repo).returncode == 0
