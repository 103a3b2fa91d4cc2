"""The import rules of the layout, enforced by import-linter's contracts in pyproject.toml.

The runtime never imports the toolchain or generated code, the integrations never import
generated code, a generated package imports only the runtime, and the layers go one way
(cli > toolchain > integrations > runtime). The planted-import test proves the contracts bite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where / "src")}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=where, capture_output=True, text=True, env=env, check=False
    )


def test_every_contract_is_kept() -> None:
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout and " KEPT" in done.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("errcat/runtime/retry.py", "import partner_invoicing_errors", "never import generated code"),
        (
            "errcat/integrations/httpx/transport.py",
            "from partner_invoicing_errors import ApiError",
            "never import generated",
        ),
        ("errcat/runtime/errors.py", "import yaml", "imports no toolchain or optional library"),
        (
            "errcat/runtime/logging.py",
            "import errcat.toolchain.model",
            "cli > toolchain > integrations > runtime",
        ),
        ("errcat/runtime/secret.py", "import errcat.runtime.redaction", "logging > redaction > secret_text"),
        (
            "errcat/runtime/secret_shapes.py",
            "import errcat.runtime.secret_text",
            "logging > redaction > secret_text",
        ),
        (
            "partner_invoicing_errors/codes.py",
            "import errcat.toolchain.load",
            "imports only errcat's runtime",
        ),
        ("errcat/toolchain/render/text.py", "import errcat.toolchain.source", "render reads the model only"),
        ("errcat/toolchain/model.py", "import errcat.toolchain.render.text", "the model imports no renderer"),
        (
            "errcat/toolchain/validate/names.py",
            "import errcat.toolchain.model",
            "the checks never import the model",
        ),
        (
            "errcat/toolchain/outputs.py",
            "import errcat.toolchain.render.python",
            "settings are read without a renderer",
        ),
    ],
)
def test_a_planted_import_breaks_its_contract(
    tmp_path: Path, module: str, planted: str, contract: str
) -> None:
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}  # planted\n", encoding="utf-8")
    done = lint(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    broken = [line for line in done.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), done.stdout
