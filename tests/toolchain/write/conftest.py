"""Fixtures of the writer's tests: two generations of the shipped catalog's outputs, a project to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.builders import ROOT, build, shipped_data
from tests.toolchain.write._harness import generate

from errcat.toolchain.render import render_all
from errcat.toolchain.render.python import Layout


@pytest.fixture(scope="package")
def outputs() -> tuple[dict[str, str], dict[str, str]]:
    """The generated package and contracts of two versions of the shipped catalog (old, new)."""
    old = shipped_data()
    new = shipped_data()
    new["errors"][3]["title"] = "A title edited in the new version"
    new["api"]["version"] = "9.9.9"
    layout = Layout(package="acme_errors")
    return render_all(build(old), layout), render_all(build(new), layout)


@pytest.fixture(scope="package")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose outputs are generated from an older catalog than the one it now has."""
    project = tmp_path_factory.mktemp("generated") / "project"
    (project / "catalog").mkdir(parents=True)
    shutil.copy(ROOT / "catalog" / "errors.yaml", project / "catalog" / "errors.yaml")
    (project / "pyproject.toml").write_text('[tool.errcat]\npackage = "acme_errors"\n')
    assert generate(project)[0] == 0
    catalog = project / "catalog" / "errors.yaml"
    text = catalog.read_text("utf-8")
    assert "title: Invoice not found\n" in text
    catalog.write_text(text.replace("title: Invoice not found\n", "title: Invoice not found (edited)\n", 1))
    return project


@pytest.fixture
def project(generated_project: Path, tmp_path: Path) -> Path:
    """A copy of the generated project, for one test to break."""
    copy = tmp_path / "project"
    shutil.copytree(generated_project, copy, symlinks=True)
    return copy
