"""[tool.errcat]: found from anywhere in the project, flags over settings, every wrong setting located."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import ROOT

from errcat.toolchain.project import ConfigError, Overrides, find_config, load_project

ERRCAT = [sys.executable, "-m", "errcat"]
MINIMAL = (ROOT / "tests" / "catalogs" / "good" / "minimal.yaml").read_text(encoding="utf-8")


def project(tmp_path: Path, config: str | bytes) -> Path:
    data = config if isinstance(config, bytes) else config.encode("utf-8")
    (tmp_path / "pyproject.toml").write_bytes(data)
    return tmp_path


def errcat(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ERRCAT_CATALOG"}
    return subprocess.run([*ERRCAT, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def test_the_nearest_pyproject_with_the_table_is_the_configuration(tmp_path: Path) -> None:
    project(tmp_path, '[tool.errcat]\npackage = "acme_errors"\n')
    inner = tmp_path / "services" / "billing"
    inner.mkdir(parents=True)
    (tmp_path / "services" / "pyproject.toml").write_text('[project]\nname = "billing"\n', encoding="utf-8")
    assert find_config(inner) == tmp_path / "pyproject.toml"  # a pyproject without [tool.errcat] is skipped
    found = load_project(cwd=inner)
    assert found.root == tmp_path and found.package == "acme_errors"
    assert (
        found.catalog == tmp_path / "catalog" / "errors.yaml" and found.catalog_name == "catalog/errors.yaml"
    )
    assert found.site_dir == tmp_path / "site" and found.out == tmp_path


def test_flags_win_over_settings_and_the_environment_over_the_catalog_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(
        tmp_path, '[tool.errcat]\ncatalog = "api/errors.yaml"\npackage = "acme_errors"\nsite-dir = "docs"\n'
    )
    assert load_project(cwd=tmp_path).catalog == tmp_path / "api" / "errors.yaml"
    monkeypatch.setenv("ERRCAT_CATALOG", "env.yaml")
    assert load_project(cwd=tmp_path).catalog == tmp_path / "env.yaml"
    given = load_project(
        Overrides(catalog="given.yaml", package="other", out="out", site_dir="web"), cwd=tmp_path
    )
    assert (given.catalog, given.package, given.out, given.site_dir) == (
        tmp_path / "given.yaml",
        "other",
        tmp_path / "out",
        tmp_path / "web",
    )
    assert given.from_flags == {"catalog", "package", "site-dir"}


@pytest.mark.parametrize(
    ("config", "line", "column", "message"),
    [
        (
            '[tool.errcat]\npakage = "x"\n',
            2,
            1,
            "unknown setting 'pakage' in [tool.errcat] (did you mean 'package'?)",
        ),
        (
            '[tool.errcat]\npackage = "x"\n  distribution = "yes"\n',
            3,
            3,
            "distribution must be true or false, not a string",
        ),
        ('[tool.errcat]\noutputs = ["python", "pyton"]\n', 2, 1, "unknown output 'pyton'"),
        ('[tool.errcat]\npackage = "class"\n', 2, 1, "'class' is not a Python package name"),
        ('[tool.errcat]\npackage = "errcat.codes"\n', 2, 1, "would shadow errcat itself"),
        ("[tool.errcat]\ncatalog = 3\n", 2, 1, "catalog must be a string, not a number"),
        ('[project]\nname = "x"\n\n[tool.errcat]\n"site-dir" = ""\n', 5, 1, "site-dir is empty"),
        ('[tool.errcat]\npackage = "x\n', 2, 13, "pyproject.toml is not valid TOML"),
        ('[tool.errcat]\npackage = "x"\n[', 3, 2, "pyproject.toml is not valid TOML"),  # at the end
        (f'[tool.errcat]\npackage = "x"\n[x]\ny = {"9" * 5000}\n', 4, 5, "an integer of over 4,300 digits"),
        (b'[tool.errcat]\npackage = "caf\xe9"\n', 1, 1, "the configuration is not UTF-8 text"),
        (
            '[[tool.errcat]]\ncatalog = "x.yaml"\n',
            1,
            1,
            "tool.errcat must be a table, not an array of tables",
        ),
        ('[project]\nname = "x"\n[tool]\nerrcat = "x"\n', 4, 1, "tool.errcat must be a table, not a string"),
        ("tool.errcat = 3\n", 1, 1, "tool.errcat must be a table, not a number"),
        ('[tool]\nerrcat.pakage = "x"\n', 2, 1, "unknown setting 'pakage'"),
        ('[tool.errcat]\npackage = "x"\n\n[tool.errcat.extra]\nflag = 1\n', 4, 1, "unknown setting 'extra'"),
    ],
)
def test_a_wrong_setting_is_a_diagnostic_at_its_line(
    tmp_path: Path, config: str | bytes, line: int, column: int, message: str
) -> None:
    project(tmp_path, config)
    with pytest.raises(ConfigError) as raised:
        load_project(cwd=tmp_path)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == (
        str(tmp_path / "pyproject.toml"),
        line,
        column,
    )
    assert message in diagnostic.message
    done = errcat("generate", cwd=tmp_path)  # every command reports it the same way, exit 2, no traceback
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{tmp_path / 'pyproject.toml'}:{line}:{column}: error: ")


@pytest.mark.parametrize(
    "config",
    [
        '[tool]\nerrcat.catalog = "api/errors.yaml"\nerrcat.package = "acme_errors"\n',
        '[tool]\nerrcat = { catalog = "api/errors.yaml", package = "acme_errors" }\n',
        'tool.errcat.catalog = "api/errors.yaml"\ntool.errcat.package = "acme_errors"\n',
    ],
    ids=["dotted keys", "inline table", "top-level dotted keys"],
)
def test_the_table_is_found_however_toml_spells_it(tmp_path: Path, config: str) -> None:
    project(tmp_path, config)
    (tmp_path / "sub").mkdir()
    assert find_config(tmp_path / "sub") == tmp_path / "pyproject.toml"
    found = load_project(cwd=tmp_path / "sub")
    assert (found.catalog, found.package) == (tmp_path / "api" / "errors.yaml", "acme_errors")


def test_a_dependency_on_errcat_is_not_a_configuration(tmp_path: Path) -> None:
    project(tmp_path, '[tool.errcat]\npackage = "acme_errors"\n')
    inner = tmp_path / "service"
    inner.mkdir()
    (inner / "pyproject.toml").write_text(
        '[project]\nname = "svc"\ndependencies = ["errcat>=0.2"]\n\n'
        '[tool.poetry.dependencies]\nerrcat = "^0.2"\n',
        encoding="utf-8",
    )
    assert find_config(inner) == tmp_path / "pyproject.toml"


def test_with_the_configuration_every_command_needs_no_arguments(tmp_path: Path) -> None:
    project(tmp_path, '[tool.errcat]\ncatalog = "api/errors.yaml"\npackage = "acme_errors"\n')
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "errors.yaml").write_text(MINIMAL, encoding="utf-8")
    deep = tmp_path / "src" / "deep"
    deep.mkdir(parents=True)
    checked = errcat("check", cwd=deep)
    assert checked.returncode == 0 and checked.stdout.startswith("api/errors.yaml: ok, "), checked.stderr
    assert errcat("generate", cwd=deep).returncode == 0
    assert (tmp_path / "src" / "acme_errors" / "codes.py").is_file()
    assert (tmp_path / "schemas" / "openapi-errors.yaml").is_file()
    assert errcat("generate", "--check", cwd=deep).returncode == 0
    assert errcat("list", cwd=deep).returncode == 0


def test_a_missing_package_and_an_impossible_distribution_are_located(tmp_path: Path) -> None:
    project(tmp_path, '[project]\nname = "x"\n\n[tool.errcat]\ncatalog = "errors.yaml"\n')
    (tmp_path / "errors.yaml").write_text(MINIMAL, encoding="utf-8")
    done = errcat("generate", cwd=tmp_path)
    assert (
        done.returncode == 2 and f"{tmp_path / 'pyproject.toml'}:4:1: error: no package name" in done.stderr
    )
    assert "set package in [tool.errcat]" in done.stderr
    project(
        tmp_path, '[tool.errcat]\ncatalog = "errors.yaml"\npackage = "acme_errors"\ndistribution = true\n'
    )
    done = errcat("generate", cwd=tmp_path)
    assert (
        done.returncode == 2
        and f"{tmp_path / 'pyproject.toml'}:4:1: error: distribution = true" in done.stderr
    )
    assert not (tmp_path / "src").exists()
    flagged = errcat("generate", "--package", "not-a-name", "--out", "out", cwd=tmp_path)
    assert flagged.returncode == 2 and flagged.stderr.startswith("errcat: --package: 'not-a-name' is not")


def test_without_any_configuration_the_defaults_apply_and_generate_asks_for_a_package(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "errors.yaml").write_text(MINIMAL, encoding="utf-8")
    assert errcat("check", cwd=tmp_path).returncode == 0
    done = errcat("generate", cwd=tmp_path)
    assert done.returncode == 2 and "pyproject.toml:1:1: error: no package name" in done.stderr
    assert errcat("generate", "--package", "acme_errors", cwd=tmp_path).returncode == 0
    assert (tmp_path / "src" / "acme_errors" / "__init__.py").is_file()
