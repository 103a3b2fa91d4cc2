"""A generated package is typed for its users: a client of every public name passes mypy and pyright strict.

Both the shipped catalog's package and the second catalog's are checked, with a client that
imports every public name (the enums, CATALOG, every exception class, the models) the ways the
README shows (``from pkg import X`` and ``pkg.X``) and hands the package to errcat's integrations.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import CATALOGS, ROOT

from errcat.toolchain.load import load
from errcat.toolchain.render import render_all
from errcat.toolchain.render.python import Layout
from errcat.toolchain.write import write

PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"


def _client(package: str, names: list[str], some_class: str, category_class: str) -> str:
    """A client that uses every public name of ``package`` and passes the package to every integration."""
    classes = [
        n
        for n in names
        if n[:1].isupper()
        and n
        not in {
            "CATALOG",
            "ErrorCode",
            "HttpStatus",
            "ErrorCategory",
            "ErrorBody",
            "ErrorDetail",
            "ErrorResponse",
        }
    ]
    lines = [
        "from __future__ import annotations",
        "",
        "import logging",
        "",
        "import httpx",
        "from fastapi import FastAPI",
        "",
        f"import {package}",
        "from errcat.integrations.fastapi import error_responses, install",
        "from errcat.integrations.httpx import RetryingTransport, raise_for_error, raise_on_error",
        "from errcat.runtime.catalog import ErrorCatalog",
        "from errcat.runtime.logging import RedactingFilter, log_error",
        "from errcat.runtime.retry import Action, RetryPolicy",
        f"from {package} import CATALOG, ApiError, ErrorBody, ErrorCategory, ErrorCode, ErrorResponse",
        f"from {package} import HttpStatus",
        f"from {package} import {some_class}",
        "",
        "",
        "def classes() -> list[type[ApiError]]:",
        f"    return [{', '.join(f'{package}.{name}' for name in classes)}]",
        "",
        "",
        "def handle(response: httpx.Response) -> str:",
        "    try:",
        f"        raise_for_error(response, {package})",
        f"    except {package}.{category_class} as error:",
        "        return error.to_json()",
        "    except ApiError as error:",
        "        code: ErrorCode | str = error.code",
        "        return str(code)",
        "    return 'ok'",
        "",
        "",
        "def describe(name: str) -> tuple[int, str, str, bool]:",
        "    code: ErrorCode = ErrorCode.lookup(name)",
        "    status: HttpStatus = code.status",
        "    category: ErrorCategory = code.category",
        "    catalog: ErrorCatalog = CATALOG",
        "    return (status.value, category.summary, catalog.docs_url, status.is_client_error)",
        "",
        "",
        "def serve() -> FastAPI:",
        "    app = FastAPI()",
        f"    install(app, errors={package})",
        "",
        f"    @app.get('/thing', responses=error_responses({some_class}))",
        "    async def thing() -> dict[str, str]:",
        f"        raise {some_class}()",
        "",
        "    return app",
        "",
        "",
        "def call() -> httpx.Client:",
        f"    policy: RetryPolicy = RetryPolicy.of({package})",
        f"    assert policy.action({some_class}()) in set(Action)",
        "    logger = logging.getLogger('client')",
        "    logger.addHandler(logging.NullHandler())",
        f"    logger.handlers[0].addFilter(RedactingFilter({package}))",
        f"    log_error(logger, {some_class}(), errors={package})",
        f"    transport = RetryingTransport(errors={package})",
        f"    hooks = {{'response': [raise_on_error({package})]}}",
        "    return httpx.Client(transport=transport, event_hooks=hooks)",
        "",
        "",
        "def parse(body: bytes) -> ErrorBody:",
        "    response: ErrorResponse = ErrorResponse.model_validate_json(body)",
        "    return response.error",
        "",
    ]
    return "\n".join(lines)


def _package(tmp_path: Path, catalog_file: Path, package: str) -> tuple[Path, str]:
    result = load(catalog_file)
    assert result.catalog is not None, result.diagnostics
    catalog = result.catalog
    write(render_all(catalog, Layout(package=package, python_dir=".", outputs=("python",))), tmp_path)
    module = (tmp_path / package / "__init__.pyi").read_text(encoding="utf-8")  # every name
    names = list(ast.literal_eval(module.split("__all__ = ", 1)[1].split("\n\n", 1)[0]))
    entry = next(e for e in catalog.errors if not e.is_retired)
    category = catalog.category(entry.category).class_name
    (tmp_path / "client.py").write_text(_client(package, names, entry.class_name, category), encoding="utf-8")
    return tmp_path, package


CASES = [
    (ROOT / "catalog" / "errors.yaml", "invoicing_client_errors"),
    (CATALOGS / "good" / "shipping.yaml", "shipping_errors"),
]


@pytest.mark.parametrize(("catalog_file", "package"), CASES, ids=["shipped", "shipping"])
def test_a_client_of_every_documented_import_passes_mypy_strict(
    catalog_file: Path, package: str, tmp_path: Path
) -> None:
    where, package = _package(tmp_path, catalog_file, package)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-version=3.11",
            "client.py",
            package,
        ],
        cwd=where,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(ROOT / "src"), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("catalog_file", "package"), CASES, ids=["shipped", "shipping"])
def test_a_client_of_every_documented_import_passes_pyright_strict(
    catalog_file: Path, package: str, tmp_path: Path
) -> None:
    where, package = _package(tmp_path, catalog_file, package)
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT / "src")],
        "include": ["client.py", package],
    }
    (where / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [PYRIGHT, "--pythonpath", sys.executable, "--outputjson"],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)
    problems = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}" for d in report["generalDiagnostics"]
    ]
    assert report["summary"]["errorCount"] == 0, "\n".join(problems)
