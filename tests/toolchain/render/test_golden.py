"""The golden record: every output of a feature-rich catalog, committed, compared directory-wide.

tests/golden/ is an errcat project of its own (catalog.yaml and its [tool.errcat]); its outputs
(a Python distribution, the contracts, the TypeScript package) are committed beside them, as
openapi-python-client keeps its golden record. A change of any template shows here as a diff
of real generated code, for a catalog with renamed, deprecated and retired codes, metadata of
every kind and every retry strategy. Regenerate it with ``cd tests/golden && errcat generate``.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from tests.builders import ROOT

from errcat.toolchain.commands import layout_of
from errcat.toolchain.load import load
from errcat.toolchain.project import load_project
from errcat.toolchain.render import render_all

GOLDEN = ROOT / "tests" / "golden"
SOURCES = {"catalog.yaml", "pyproject.toml"}


def _on_disk() -> dict[str, str]:
    return {
        path.relative_to(GOLDEN).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(GOLDEN.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(GOLDEN).as_posix() not in SOURCES
    }


def test_a_fresh_generation_is_the_golden_record_file_for_file() -> None:
    project = load_project(cwd=GOLDEN)
    result = load(project.catalog, project.catalog_name)
    assert result.catalog is not None and result.diagnostics == (), result.diagnostics
    fresh = render_all(result.catalog, layout_of(project, "errcat generate"))
    recorded = _on_disk()
    assert sorted(fresh) == sorted(recorded), (
        "files added or gone; regenerate: cd tests/golden && errcat generate"
    )
    stale = [
        "".join(
            difflib.unified_diff(recorded[p].splitlines(True), fresh[p].splitlines(True), f"a/{p}", f"b/{p}")
        )
        for p in sorted(fresh)
        if fresh[p] != recorded[p]
    ]
    assert not stale, (
        "the golden record is stale; regenerate: cd tests/golden && errcat generate\n" + "".join(stale)
    )


@pytest.fixture(scope="module")
def golden() -> object:
    sys.path.insert(0, str(GOLDEN / "python" / "src"))
    try:
        import golden_errors

        yield golden_errors
    finally:
        sys.path.remove(str(GOLDEN / "python" / "src"))


def test_the_recorded_package_carries_every_feature(golden: object) -> None:
    errors = golden
    code = errors.ErrorCode  # type: ignore[attr-defined]
    # a renamed code: former names are enum aliases, classes and wire names
    assert code.CARD_INVALID is code.CARD_EXPIRED and code("stale_card") is code.CARD_EXPIRED
    assert errors.CardInvalid is errors.CardExpired and errors.StaleCard is errors.CardExpired  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match="former name"):
        assert code.lookup("CARD_INVALID") is code.CARD_EXPIRED
    # a deprecated and a retired code keep their members, classes and pages
    with pytest.warns(DeprecationWarning, match="use 'book_not_found'"):
        assert code.lookup("title_not_found").is_deprecated
    with pytest.warns(DeprecationWarning, match="deprecated"):  # deprecated in 2.0.0, then retired
        retired = code.lookup("shelf_mark_unknown")
    assert retired.is_retired and retired.is_deprecated and retired.replaced_by == "book_not_found"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert code.lookup("book_not_found") is code.BOOK_NOT_FOUND  # an active code: no warning
    # class_name overrides, metadata, Retry-After, the catalog's own facts
    assert errors.SlowDown.status == 429 and code.TOO_MANY_REQUESTS.retry_after_seconds == 15  # type: ignore[attr-defined]
    assert issubclass(errors.CardExpired, errors.CardholderError)  # type: ignore[attr-defined]
    assert code.BOOK_NOT_FOUND.metadata_keys == ("branches_searched", "digital_only", "isbn")
    catalog = errors.CATALOG  # type: ignore[attr-defined]
    assert catalog.retry_policy.delays() == (0.25, 0.5, 1.0)
    assert catalog.error_class("request_validation") is errors.InvalidRequest  # type: ignore[attr-defined]
    assert catalog.http_error_class(405) is errors.MethodRefused  # type: ignore[attr-defined]
    error = errors.ApiError.from_response(
        409, b'{"error": {"code": "already_on_loan", "message": "m", "loan_id": "l1"}}'
    )  # type: ignore[attr-defined]
    assert type(error) is errors.AlreadyOnLoan and error.metadata == {"loan_id": "l1"}  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_recorded_distribution_builds_a_wheel(tmp_path: Path) -> None:
    """Its pyproject.toml is a real project: a wheel builds from it, holding the typed package."""
    import zipfile

    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(GOLDEN / "python")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("golden_errors-3.1.0-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "golden_errors/py.typed" in names and "golden_errors/codes.py" in names


def test_no_output_of_another_api_names_the_shipped_catalogs_codes() -> None:
    """Templates show each catalog's own codes in their examples, never the shipped catalog's."""
    shipped = load(ROOT / "catalog" / "errors.yaml", "catalog/errors.yaml").catalog
    golden = load(GOLDEN / "catalog.yaml", "catalog.yaml").catalog
    assert shipped is not None and golden is not None
    foreign = {e.code for e in shipped.errors} - {e.code for e in golden.errors}
    found = {
        (path, name)
        for path, text in _on_disk().items()
        for name in foreign
        if re.search(rf"\b{name}\b", text)
    }
    assert not found, sorted(found)
