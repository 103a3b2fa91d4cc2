"""``errcat init`` as a new user meets it: errcat from a wheel, a new project, no flags, errcat's own hooks.

errcat is installed from its wheel (not this checkout) into a fresh virtual environment with
pre-commit. ``errcat init`` scaffolds a project; ``errcat check && errcat generate && errcat docs
build`` then succeed with no flags, and ``pre-commit try-repo`` runs this repository's hooks on it:
a clean catalog passes, a typo fails with the file and line.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.builders import ROOT
from tests.e2e.conftest import fresh_venv, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory, errcat_wheel: Path) -> Path:
    return fresh_venv(
        tmp_path_factory.mktemp("user"), f"errcat[docs] @ {errcat_wheel.as_uri()}", "pre-commit"
    )


def test_init_then_every_command_with_no_flags_then_the_hooks(user_venv: Path, tmp_path: Path) -> None:
    bin_dir = user_venv.parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": "",
        "ERRCAT_CACHE_DIR": str(tmp_path / "cache"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    errcat = bin_dir / "errcat"
    made = run(errcat, "init", "acme-billing", cwd=tmp_path, env=env)
    project = tmp_path / "acme-billing"
    assert "errcat check && errcat generate && errcat docs build" in made.stdout
    for name in (
        "pyproject.toml",
        "catalog/errors.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/errors.yml",
    ):
        assert (project / name).is_file(), name

    checked = run(errcat, "check", cwd=project, env=env)
    assert checked.stdout.startswith("catalog/errors.yaml: ok, 8 codes in 5 categories, 9 statuses")
    run(errcat, "generate", cwd=project, env=env)
    assert (project / "python/src/acme_billing_errors/codes.py").is_file()
    assert (project / "python/pyproject.toml").is_file()
    run(errcat, "docs", "build", cwd=project, env=env)
    assert (project / "site/build/index.html").is_file()
    run(errcat, "generate", "--check", cwd=project, env=env)
    imported = run(
        user_venv,
        "-c",
        "import acme_billing_errors as e; print(e.CATALOG.name, e.ApiError.class_for('not_found').__name__)",
        cwd=project,
        env={**env, "PYTHONPATH": str(project / "python/src")},
    )
    assert imported.stdout.split() == ["Acme", "Billing", "API", "NotFound"]

    again = subprocess.run(
        [errcat, "init", "acme-billing"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert again.returncode == 2 and "never overwrites" in again.stderr and "pyproject.toml" in again.stderr

    run("git", "init", "-q", cwd=project, env=env)
    run("git", "add", ".", cwd=project, env=env)
    run("git", "commit", "-qm", "A new error catalog", cwd=project, env=env)
    for hook in ("errcat-check", "errcat-generate-check"):
        passed = run(bin_dir / "pre-commit", "try-repo", ROOT, hook, "--all-files", cwd=project, env=env)
        assert "Passed" in passed.stdout, passed.stdout

    catalog = project / "catalog" / "errors.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("    status: 404\n", "    staus: 404\n", 1), encoding="utf-8")
    failed = subprocess.run(
        [bin_dir / "pre-commit", "try-repo", ROOT, "errcat-check", "--all-files"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    line = text[: text.index("    status: 404\n")].count("\n") + 1
    assert f"catalog/errors.yaml:{line}:5: error: unknown field 'staus'" in failed.stdout, failed.stdout
