"""The TypeScript output: the npm package against its catalog, the Python package and the real tools.

One file of cases (typescript/cases.json) holds both languages to the same classes, codes, retry
decisions and delays; tsc --strict checks the package of the shipped, a hostile and hypothesis-built
catalogs with a client of it; node's own test runner runs the cases and the fetch wrapper over real
HTTP on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from tests.builders import ROOT, build, generate_package, hostile_data, shipped_data
from tests.examples._service import load_service
from tests.hostile import HOSTILE
from tests.strategies import catalogs

import partner_invoicing_errors
from errcat.runtime.retry import parse_retry_after
from errcat.toolchain.load import load_bytes
from errcat.toolchain.model import Catalog
from errcat.toolchain.render import render_all
from errcat.toolchain.render.python import Layout
from errcat.toolchain.render.typescript import npm_package_problem, render_typescript
from errcat.toolchain.write import write

HERE = Path(__file__).resolve().parent / "typescript"
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
NODE_BIN = ROOT / "node_modules" / ".bin"
ERRCAT = [sys.executable, "-m", "errcat"]


def catalog_of(name: str) -> Catalog:
    entry = next(c for c in CASES["catalogs"] if c["name"] == name)
    path = ROOT / entry["catalog"]
    result = load_bytes(path.read_bytes(), entry["catalog"])
    assert result.catalog is not None
    return result.catalog


def typescript_files(catalog: Catalog, package: str = "acme_errors") -> dict[str, str]:
    return render_typescript(catalog, Layout(package=package, outputs=("typescript",)))


def write_package(catalog: Catalog, directory: Path) -> Path:
    for name, text in typescript_files(catalog).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def tool(name: str) -> Path:
    path = NODE_BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run .ci/install-tools (npm ci) first")
    return path


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is missing: .ci/install-tools needs Node.js 20 or later")
    return found


# --- the shared cases, in Python ----------------------------------------------------------------


def python_package(name: str, tmp_path: Path) -> Any:
    if name == "shipped":
        return partner_invoicing_errors
    package, _ = generate_package(catalog_of(name), tmp_path, f"cases_{name}")
    return importlib.import_module(package)


@pytest.mark.parametrize("name", [c["name"] for c in CASES["catalogs"]])
def test_the_python_package_meets_the_shared_cases(name: str, tmp_path: Path) -> None:
    """The same file the Node suite reads: if the two languages drift, one of the suites fails."""
    entry = next(c for c in CASES["catalogs"] if c["name"] == name)
    package = python_package(name, tmp_path)
    policy = package.CATALOG.retry_policy
    root = package.ApiError
    for case in entry["cases"]:
        bodies = [case["text"]] if "text" in case else [case["body"], json.dumps(case["body"])]
        for body in bodies:
            where = f"{case['status']} {body!r}"
            error = root.from_response(case["status"], body)
            assert type(error).__name__ == case["class"], where
            assert str(error.code) == case["code"], where
            assert error.status == case["status"], where
            assert policy.action(error).value == case["action"], where
            assert policy.should_retry(error) is (case["action"] == "backoff"), where
            if "message" in case:
                assert error.message == case["message"], where
            if "metadata" in case:
                assert error.metadata == case["metadata"], where
            if "json" in case:
                assert error.to_json() == case["json"], where
    assert list(policy.delays()) == entry["delays"]
    for wait in entry["waits"]:
        retry_after = wait["retry_after"]  # "NaN" stands for the number JSON cannot write
        retry_after = float(retry_after) if isinstance(retry_after, str) else retry_after
        assert policy.wait(wait["retry"], retry_after, lambda w=wait: w["random"]) == wait["wait"], wait


def test_retry_after_values_read_as_the_shared_cases_say() -> None:
    for case in CASES["retry_after"]:
        now = datetime.fromisoformat(case["now"].replace("Z", "+00:00")) if "now" in case else None
        assert parse_retry_after(case["value"], now) == case["seconds"], case


# --- the package's files ------------------------------------------------------------------------


def test_the_package_is_deterministic_with_a_banner_and_no_dependencies(hostile_catalog: Catalog) -> None:
    for catalog in (catalog_of("shipped"), hostile_catalog):
        files = typescript_files(catalog)
        assert files == typescript_files(catalog)
        assert sorted(files) == sorted(
            ["package.json"]
            + [
                f"{m}{s}"
                for m in ("codes", "errors", "exceptions", "index", "retry")
                for s in (".js", ".d.ts")
            ]
        )
        manifest = json.loads(files["package.json"])
        assert manifest["type"] == "module" and manifest["exports"]["."] == {
            "types": "./index.d.ts",
            "default": "./index.js",
        }
        assert not {"dependencies", "peerDependencies", "optionalDependencies"} & set(manifest)
        assert manifest["name"] == "acme-errors" and manifest["version"] == catalog.api.version
        for name, text in files.items():
            assert text.isascii(), name
            if name != "package.json":
                assert text.startswith(
                    f"// Generated by errcat from {catalog.source} (sha256 {catalog.sha256}).\n"
                ), name


def comment_lines(text: str) -> list[str]:
    """The lines of ``text`` that are comments: ``//`` lines and the lines of ``/** ... */`` blocks."""
    found, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("/*"):
            inside = True
        if inside or stripped.startswith("//"):
            found.append(stripped)
        if inside and stripped.endswith("*/"):
            inside = False
    return found


def test_hostile_text_stays_inside_its_strings_and_comments(hostile_catalog: Catalog) -> None:
    """No catalog text closes a comment, starts a tag, or ends a script the file is inlined in."""
    shipped = typescript_files(catalog_of("shipped"))
    tags = re.compile(r"(?<!\\)@\w")
    for name, text in typescript_files(hostile_catalog).items():
        assert "</" not in text and "\u2028" not in text and "\u2029" not in text, name
        if name == "package.json":
            continue
        lines = comment_lines(text)
        for line in lines:
            assert line.startswith(("//", "/**", "*")), (name, line)  # no line break escaped a comment
            assert "*/" not in line.removesuffix("*/"), (
                name,
                line,
            )  # it ends only where the template ends it
        ours = sum(len(tags.findall(line)) for line in comment_lines(shipped[name]))
        assert sum(len(tags.findall(line)) for line in lines) == ours, name  # JSDoc tags are the template's
    assert any("*/" in text for text in HOSTILE) and any("${" in text for text in HOSTILE)


def test_names_a_class_of_the_catalog_takes_are_left_to_the_class() -> None:
    """A code retry_policy is the class RetryPolicy: the index exports the class, retry.js its type."""
    data = shipped_data()
    data["errors"][0]["class_name"] = "RetryPolicy"
    files = typescript_files(build(data))
    index = files["index.d.ts"]
    assert "RetryPolicy" not in index.split('from "./exceptions.js";', 1)[1]
    assert "export interface RetryPolicy" in files["retry.d.ts"]
    assert "export declare class RetryPolicy extends" in files["exceptions.d.ts"]


def test_npm_names() -> None:
    for good in ("acme-errors", "@acme/errors", "a", "x.y_z~1"):
        assert npm_package_problem(good) is None, good
    for bad in ("Acme", "-x", "@acme", "a b", "a" * 215, ""):
        assert npm_package_problem(bad) is not None, bad
    assert Layout(package="Acme_Errors.v2").npm_package == "acme-errors-v2"
    with pytest.raises(ValueError, match="npm package name"):
        Layout(package="acme_errors", typescript_package="Acme")


# --- errcat generate with the typescript output ------------------------------------------------


def run_errcat(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([*ERRCAT, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def project(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "catalog").mkdir()
    shutil.copy(ROOT / "catalog" / "errors.yaml", tmp_path / "catalog" / "errors.yaml")
    (tmp_path / "pyproject.toml").write_text(f'[tool.errcat]\npackage = "acme_errors"\n{settings}')
    return tmp_path


def test_generate_writes_the_package_and_check_reports_its_drift(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        'outputs = ["typescript"]\ntypescript-dir = "web/errors"\ntypescript-package = "@acme/errors"\n',
    )
    done = run_errcat(["generate"], root)
    assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(root / "web" / "errors")) for p in (root / "web" / "errors").iterdir())
    assert "package.json" in written and "index.d.ts" in written and len(written) == 11
    assert json.loads((root / "web/errors/package.json").read_text())["name"] == "@acme/errors"
    assert not (root / "src").exists() and not (root / "schemas").exists()
    assert run_errcat(["generate", "--check"], root).returncode == 0
    codes = root / "web" / "errors" / "codes.js"
    codes.write_text(codes.read_text().replace("Invoice not found", "Invoice gone"))
    drift = run_errcat(["generate", "--check"], root)
    assert drift.returncode == 1 and "+++ b/web/errors/codes.js" in drift.stdout, drift.stdout + drift.stderr
    assert "Invoice gone" in codes.read_text()  # --check writes nothing


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            'typescript-package = "Acme Errors"\n',
            "pyproject.toml:3:1: error: 'Acme Errors' is not an npm package name",
        ),
        (
            "typescript-dir = 3\n",
            "pyproject.toml:3:1: error: [tool.errcat] typescript-dir must be a string, not a number",
        ),
        (
            'outputs = ["typescrpt"]\n',
            "unknown output 'typescrpt' in [tool.errcat] outputs (did you mean 'typescript'?)",
        ),
    ],
)
def test_wrong_typescript_settings_are_located_diagnostics(
    tmp_path: Path, settings: str, message: str
) -> None:
    done = run_errcat(["generate"], project(tmp_path, settings))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# --- the real tools ---------------------------------------------------------------------------

CLIENT = """import {
  ApiError, ErrorCode, HttpStatus, RETRY_POLICY, backoffDelay, createRetryingFetch,
  existingResourceHint, fromResponse, isErrorCode, lookupErrorCode, raiseForError, shouldRetry,
  type ErrorResponse,
} from "./pkg/index.js";

export async function handle(url: string): Promise<string> {
  const send = createRetryingFetch({ refresh: async () => "t", sleep: async () => {}, random: () => 0.5 });
  try {
    await raiseForError(await send(url, { method: "POST", body: "{}" }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return error.code;
    if (error instanceof ApiError) return `${existingResourceHint(error).id} ${error.toProblem().title}`;
  }
  const error = fromResponse(404, '{"error": {"code": "from_the_future", "message": "m"}}');
  const body: ErrorResponse = error.toJSON();
  const code = body.error.code;
  const known = isErrorCode(code) ? ErrorCode[code].title : lookupErrorCode(code) ?? "unknown";
  const first = Object.keys(HttpStatus)[0];
  return `${known} ${first} ${backoffDelay(1, RETRY_POLICY)} ${shouldRetry(error)} ${error.wireCode}`;
}
"""

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2022",
        "lib": ["es2022", "dom"],
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "types": [],
        "skipLibCheck": False,
        "noUnusedLocals": True,
    },
}


def typecheck(catalog: Catalog, directory: Path, extra: str = "") -> None:
    """``tsc --strict --noEmit`` over the package and a client that uses it."""
    write_package(catalog, directory / "pkg")
    (directory / "client.ts").write_text(CLIENT + extra)
    (directory / "tsconfig.json").write_text(json.dumps({**TSCONFIG, "files": ["client.ts"]}))
    (directory / "package.json").write_text('{"type": "module", "private": true}')
    done = subprocess.run(
        [tool("tsc"), "-p", "."], cwd=directory, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


FACTS = """
const pkg = await import(process.argv[1]);
const facts = Object.values(pkg.ErrorCode).map((f) => f.toJSON());
const classes = Object.fromEntries(Object.keys(pkg.ErrorCode).map((c) => [c, pkg.ApiError.classFor(c).name]));
console.log(JSON.stringify({
  facts, classes, names: Object.keys(pkg).sort(),
  categories: Object.values(pkg.ErrorCategory), statuses: Object.values(pkg.HttpStatus),
  example: new pkg[facts[0].className]().toJSON(),
}));
"""


def node_facts(directory: Path) -> dict[str, Any]:
    done = subprocess.run(
        [node(), "--input-type=module", "-e", FACTS, "--", (directory / "index.js").as_uri()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def assert_package_is_its_catalog(catalog: Catalog, directory: Path) -> None:
    """Tidy, both ways: every code's facts are the catalog's, character for character, and nothing else."""
    seen = node_facts(directory)
    by_code = {f["code"]: f for f in seen["facts"]}
    assert sorted(by_code) == sorted(e.code for e in catalog.errors)
    for entry in catalog.errors:
        facts = by_code[entry.code]
        assert (facts["status"], facts["category"], facts["title"], facts["message"]) == (
            entry.status,
            entry.category,
            entry.title,
            entry.message,
        )
        assert (facts["docUrl"], facts["retryStrategy"], facts["retryAfterSeconds"]) == (
            entry.doc_url,
            entry.retry.strategy,
            entry.retry.retry_after_seconds,
        )
        assert facts["metadataKeys"] == sorted(entry.metadata_keys)
        assert facts["deprecatedSince"] == (entry.deprecated.since if entry.deprecated else None)
        assert facts["replacedBy"] == entry.replaced_by and facts["formerNames"] == sorted(entry.aliases)
        assert seen["classes"][entry.code] == entry.class_name == facts["className"]
    assert [(c["id"], c["title"], c["description"]) for c in seen["categories"]] == [
        (c.id, c.title, c.description) for c in sorted(catalog.categories, key=lambda c: c.id)
    ]
    assert [(s["status"], s["description"], s["action"]) for s in seen["statuses"]] == [
        (s.status, s.description, s.action) for s in sorted(catalog.statuses, key=lambda s: s.status)
    ]
    declared = set()
    for name in ("index.d.ts", "exceptions.d.ts", "errors.d.ts", "codes.d.ts", "retry.d.ts"):
        text = (directory / name).read_text()
        declared |= set(re.findall(r"^export declare (?:class|const|function) (\w+)", text, re.MULTILINE))
    assert declared <= set(seen["names"]) | {"defineCategory", "defineCode"}  # every declared value exists
    first = min(catalog.errors, key=lambda e: e.code)
    assert (
        seen["example"]["error"]["code"] == first.code
        and seen["example"]["error"]["message"] == first.message
    )


@pytest.mark.slow
def test_tsc_strict_accepts_the_shipped_and_hostile_packages_and_node_reads_their_text(
    tmp_path: Path, hostile_catalog: Catalog
) -> None:
    committed = ROOT / "src" / "typescript"
    assert_package_is_its_catalog(catalog_of("shipped"), committed)
    for label, catalog in (("shipped", catalog_of("shipped")), ("hostile", hostile_catalog)):
        (tmp_path / label).mkdir()
        typecheck(catalog, tmp_path / label)
        assert_package_is_its_catalog(catalog, tmp_path / label / "pkg")
    uses = (
        'import { AuthenticationError, InvoiceNotFound } from "./pkg/index.js";\n'
        "export const caught = (e: unknown): boolean => e instanceof AuthenticationError;\n"
        "export const known: ErrorCode = InvoiceNotFound.code;\n"
    )
    typecheck(catalog_of("shipped"), tmp_path / "shipped", uses)
    # a misspelt code does not compile against the generated union
    misspelt = 'export const wrong: ErrorCode = "invoice_not_foud";\n'
    with pytest.raises(AssertionError, match="is not assignable to type 'ErrorCode'"):
        typecheck(catalog_of("shipped"), tmp_path / "shipped", misspelt)


@pytest.mark.slow
@settings(
    max_examples=4,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a shrink would rerun tsc for minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=catalogs(max_codes=8))
def test_property_tsc_strict_accepts_any_catalogs_package(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    catalog = build(data)
    directory = tmp_path_factory.mktemp("ts")
    typecheck(catalog, directory)
    assert_package_is_its_catalog(catalog, directory / "pkg")


def node_test(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node(), "--test", "--test-reporter=tap", str(HERE / script)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
        timeout=300,
    )


@pytest.mark.slow
def test_node_runs_the_shared_cases_on_both_catalogs_packages(tmp_path: Path) -> None:
    bookshelf = write_package(catalog_of("bookshelf"), tmp_path / "bookshelf")
    packages = {"shipped": str(ROOT / "src" / "typescript"), "bookshelf": str(bookshelf)}
    done = node_test("cases.test.mjs", {"PACKAGES": json.dumps(packages)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout and "# pass 5" in done.stdout, done.stdout


class Flaky:
    """An ASGI app: each /flaky/<key> answers 500 twice (with ?retry_after=N a Retry-After), then 200."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        assert scope["type"] == "http"
        key = scope["path"]
        self.counts[key] = count = self.counts.get(key, 0) + 1
        query = dict(part.split("=", 1) for part in scope["query_string"].decode().split("&") if "=" in part)
        headers = [(b"content-type", b"application/json")]
        if count < 3:
            status = 500
            body = {
                "error": {"code": "internal_error", "message": "An unexpected error occurred. Retry later."}
            }
            if "retry_after" in query:
                headers.append((b"retry-after", query["retry_after"].encode()))
        else:
            status, body = 200, {"ok": True, "attempts": count}
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})


@pytest.fixture
def servers(live_server: Callable[[object], Any]) -> Iterator[tuple[str, str]]:
    with live_server(load_service().create_app()) as service, live_server(Flaky()) as flaky:
        yield service.url, flaky.url


@pytest.mark.slow
def test_the_fetch_wrapper_against_real_services(servers: tuple[str, str]) -> None:
    service, flaky = servers
    with socket.socket() as closed:  # a port nothing listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {
        "PACKAGE": str(ROOT / "src" / "typescript"),
        "SERVICE_URL": service,
        "FLAKY_URL": flaky,
        "CLOSED_URL": f"http://127.0.0.1:{port}/",
    }
    done = node_test("fetch.test.mjs", env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout and "# pass 7" in done.stdout, done.stdout


def test_render_all_places_the_package_under_typescript_dir(tmp_path: Path) -> None:
    catalog = build(hostile_data())
    layout = Layout(package="acme_errors", outputs=("typescript",), typescript_dir="./web//errors")
    files = render_all(catalog, layout)
    assert sorted(files) == sorted(f"web/errors/{name}" for name in typescript_files(catalog))
    write(files, tmp_path)
    assert (tmp_path / "web" / "errors" / "index.js").is_file()
