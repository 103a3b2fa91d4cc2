"""errcat generate as a pipeline: golden outputs, --check, determinism, atomic writes, the CLI."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.builders import ROOT, build, shipped_data
from tests.hostile import HOSTILE

from errcat.toolchain.render import render_all
from errcat.toolchain.render.escape import py_docstring, py_literal, yaml_value
from errcat.toolchain.render.python import Layout
from errcat.toolchain.write import check, write

ERRCAT = [sys.executable, "-m", "errcat"]
OUTPUTS = (
    "src/acme_errors/__init__.py",
    "src/acme_errors/__init__.pyi",
    "src/acme_errors/codes.py",
    "src/acme_errors/code_table.py",
    "src/acme_errors/exceptions.py",
    "src/acme_errors/models.py",
    "src/acme_errors/py.typed",
    "schemas/error-response.schema.json",
    "schemas/openapi-errors.yaml",
)
CONFIG = '[tool.errcat]\npackage = "acme_errors"\n'


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([*ERRCAT, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def test_committed_outputs_match_a_fresh_generation() -> None:
    """The golden record: `errcat generate --check` on the repository passes."""
    done = run(["generate", "--check"], ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_check_reports_drift_with_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    shutil.copy(ROOT / "catalog" / "errors.yaml", tmp_path / "catalog" / "errors.yaml")
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    assert run(["generate"], tmp_path).returncode == 0
    assert sorted(
        str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file() and p.parts[-2] != "catalog"
    ) == sorted([*OUTPUTS, "pyproject.toml"])
    codes = tmp_path / "src/acme_errors/codes.py"
    edited = codes.read_text().replace('"Not Found"', '"Gone Missing"')
    codes.write_text(edited)
    (tmp_path / "schemas/openapi-errors.yaml").unlink()
    done = run(["generate", "--check"], tmp_path)
    assert done.returncode == 1
    assert (
        '-    NOT_FOUND = 404, "Gone Missing"' in done.stdout
        and '+    NOT_FOUND = 404, "Not Found"' in done.stdout
    )
    assert "--- /dev/null" in done.stdout and "+++ b/schemas/openapi-errors.yaml" in done.stdout
    assert "2 file(s) differ" in done.stderr
    assert codes.read_text() == edited and not (tmp_path / "schemas/openapi-errors.yaml").exists()
    assert run(["generate"], tmp_path).returncode == 0
    assert run(["generate", "--check"], tmp_path).returncode == 0


def test_banner_on_every_file() -> None:
    catalog = build(shipped_data(), "catalog/errors.yaml")
    for path, text in render_all(catalog, Layout(package="acme_errors")).items():
        if path.endswith("py.typed"):  # PEP 561's marker: empty
            continue
        head = text[:600]
        assert "catalog/errors.yaml" in head and catalog.sha256 in head and "errcat generate" in head, path
        assert "Do not edit" in head, path


def _shuffled(value: Any, rng: random.Random) -> Any:
    """``value`` with the keys of every mapping in another order (lists keep theirs)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def test_same_catalog_same_bytes_whatever_the_key_order() -> None:
    data = shipped_data()
    first = render_all(build(data), Layout(package="acme_errors"))
    again = render_all(build(data), Layout(package="acme_errors"))
    assert first == again
    for seed in range(3):
        reordered = _shuffled(data, random.Random(seed))
        # lists whose order carries no meaning may be reordered too
        random.Random(seed).shuffle(reordered["errors"])
        random.Random(seed).shuffle(reordered["categories"])
        random.Random(seed).shuffle(reordered["statuses"])
        other = build(reordered)
        assert other.sha256 != build(data).sha256
        assert {
            p: t.replace(other.sha256, "SHA")
            for p, t in render_all(other, Layout(package="acme_errors")).items()
        } == {p: t.replace(build(data).sha256, "SHA") for p, t in first.items()}


def test_a_failed_write_leaves_every_previous_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"a.txt": "new a\n", "sub/b.txt": "new b\n", "c.txt": "new c\n"}
    (tmp_path / "sub").mkdir()
    for name in files:
        (tmp_path / name).write_text("old\n")
    real_fdopen = os.fdopen
    calls = []

    def failing_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(fd)
        if len(calls) == 3:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    with pytest.raises(OSError, match="No space"):
        write(files, tmp_path)
    monkeypatch.undo()
    assert {name: (tmp_path / name).read_text() for name in files} == dict.fromkeys(files, "old\n")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.txt", "c.txt", "sub"]  # no temporaries
    assert write(files, tmp_path) == ["a.txt", "c.txt", "sub/b.txt"]
    assert write(files, tmp_path) == []  # unchanged files are left alone
    assert check(files, tmp_path) == []
    assert oct((tmp_path / "a.txt").stat().st_mode & 0o777) != oct(0o600)


def test_standalone_package_from_the_cli(tmp_path: Path) -> None:
    done = run(
        [
            "generate",
            "--catalog",
            str(ROOT / "catalog/errors.yaml"),
            "--out",
            "out",
            "--package",
            "acme.errors",
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    made = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert made == [
        "schemas/error-response.schema.json",
        "schemas/openapi-errors.yaml",
        "src/acme/errors/__init__.py",
        "src/acme/errors/__init__.pyi",
        "src/acme/errors/code_table.py",
        "src/acme/errors/codes.py",
        "src/acme/errors/exceptions.py",
        "src/acme/errors/models.py",
        "src/acme/errors/py.typed",
    ]
    script = (
        "import sys\nfrom acme.errors import ErrorCode, HttpStatus\n"
        "assert not {'pydantic', 'yaml', 'jinja2', 'jsonschema_rs'} & set(sys.modules)\n"
        "from acme.errors import ApiError\nimport errcat\n"
        'e = ApiError.from_response(404, b\'{"error": {"code": "invoice_not_found", "message": "m"}}\')\n'
        "print(type(e).__name__, isinstance(e, errcat.ApiError), type(e).__module__)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "out/src"), str(ROOT / "src")])}
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert shown.stdout.split() == ["InvoiceNotFound", "True", "acme.errors.exceptions"], shown.stderr
    assert run(["generate", "--out", "out", "--package", "class"], tmp_path).returncode == 2
    assert run(["generate", "--out", "out", "--package", "errcat"], tmp_path).returncode == 2


def test_bad_catalog_gives_located_errors_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("format_version: 1\napi: {name: x}\n")
    done = run(["generate", "--catalog", "bad.yaml", "--out", "out", "--package", "acme_errors"], tmp_path)
    assert done.returncode == 1 and re.search(r"bad\.yaml:\d+:\d+: error", done.stderr)
    assert not (tmp_path / "out").exists()


def test_runtime_import_is_light() -> None:
    script = (
        "import sys\nfrom partner_invoicing_errors import ErrorCode, HttpStatus\n"
        "heavy = {'pydantic', 'jinja2', 'yaml', 'jsonschema', 'jsonschema_rs', 'mkdocs', 'errcat.toolchain',"
        " 'errcat.runtime.retry', 'errcat.runtime.errors', 'partner_invoicing_errors.exceptions',"
        " 'partner_invoicing_errors.code_table'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "ErrorCode.INVOICE_NOT_FOUND.status\nprint('partner_invoicing_errors.code_table' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert shown.stdout.split("\n")[:2] == ["[]", "True"]


# --- the filters: catalog text in, a literal that reads back exactly ---------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_filters_round_trip_hostile_text(text: str) -> None:
    import yaml

    assert eval(py_literal(text)) == text
    assert py_literal(text).isascii()
    docstring = py_docstring(text)
    namespace: dict[str, Any] = {}
    exec(f"def f():\n    {docstring}\n", namespace)
    assert namespace["f"].__doc__ == text
    assert yaml.safe_load(yaml_value({"k": [text]})) == {"k": [text]}
