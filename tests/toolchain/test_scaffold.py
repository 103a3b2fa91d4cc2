"""errcat init: a starter project that checks clean, names derived from the directory, never an overwrite."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from tests.hostile import HOSTILE, one_line

from errcat.toolchain.load import load
from errcat.toolchain.scaffold import FILES, init, names_for

STARTER_CODES = {
    "validation_error": 400,
    "authentication_required": 401,
    "permission_denied": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "rate_limited": 429,
    "internal_error": 500,
}


@pytest.mark.parametrize(
    ("directory", "name", "package"),
    [
        ("acme-billing", "Acme Billing API", "acme_billing_errors"),
        ("acme_errors", "Acme API", "acme_errors"),
        ("payments-api", "Payments API", "payments_api_errors"),
        ("9lives", "9lives API", "api_9lives_errors"),
        ("--", "My API", "my_errors"),
    ],
)
def test_names_come_from_the_directory(tmp_path: Path, directory: str, name: str, package: str) -> None:
    assert names_for(tmp_path / directory) == (name, package)


def test_the_starter_project_checks_clean_and_has_the_codes_most_apis_need(tmp_path: Path) -> None:
    done = init(tmp_path / "acme", docs_url="https://docs.acme.test/errors")
    assert done.status == 0, done.stderr
    assert sorted(
        p.relative_to(tmp_path / "acme").as_posix() for p in (tmp_path / "acme").rglob("*") if p.is_file()
    ) == sorted(FILES)
    result = load(tmp_path / "acme" / "catalog" / "errors.yaml")
    assert result.catalog is not None and result.diagnostics == (), result.diagnostics
    catalog = result.catalog
    assert {e.code: e.status for e in catalog.errors} == STARTER_CODES
    assert catalog.api.docs_url == "https://docs.acme.test/errors"
    assert (catalog.server.request_validation, catalog.server.unhandled_exception) == (
        "validation_error",
        "internal_error",
    )
    config = tomllib.loads((tmp_path / "acme" / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "errcat"
    ]
    assert config["package"] == "acme_errors" and config["distribution"] is True
    hooks = yaml.safe_load((tmp_path / "acme" / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks["repos"][0]["hooks"]] == [
        "errcat-check",
        "errcat-generate-check",
        "errcat-docs-check",
    ]
    workflow = yaml.safe_load(
        (tmp_path / "acme" / ".github" / "workflows" / "errors.yml").read_text(encoding="utf-8")
    )
    steps = [step.get("run", "") for step in workflow["jobs"]["catalog"]["steps"]]
    assert "errcat check --format github" in steps and any("errcat generate --check" in s for s in steps)


def test_it_never_overwrites_and_writes_nothing_when_one_file_exists(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    done = init(tmp_path)
    assert done.status == 2 and ".gitignore" in done.stderr and "never overwrites" in done.stderr
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore"]


@pytest.mark.parametrize(
    "name", [one_line(text) for text in HOSTILE] + ["Acme: API #1", "A 'quoted' \"name\""]
)
def test_a_hostile_name_stays_data_in_every_file(tmp_path: Path, name: str) -> None:
    if not name.strip() or not name.isprintable():  # a control character: refused, nothing written
        assert init(tmp_path, name=name).status == 2 and not list(tmp_path.iterdir())
        return
    done = init(tmp_path, name=name, package="hostile_errors")
    assert done.status == 0, done.stderr
    result = load(tmp_path / "catalog" / "errors.yaml")
    assert result.catalog is not None, result.diagnostics
    assert result.catalog.api.name == name
    tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"package": "class"}, "is not a Python package name"),
        ({"package": "errcat"}, "would shadow errcat"),
        ({"docs_url": "ftp://docs"}, "is not an http(s) URL"),
        ({"name": "two\nlines"}, "must be one printable line"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, options: dict[str, str], message: str) -> None:
    done = init(tmp_path / "new", **options)
    assert done.status == 2 and message in done.stderr
    assert not (tmp_path / "new").exists()
