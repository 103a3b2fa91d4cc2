"""The generated package against its catalog, both ways (tidy-style), for the shipped, a hostile and
hypothesis-built catalogs; plus the static checks (ruff, mypy --strict) and the contracts' validity."""

from __future__ import annotations

import builtins
import functools
import importlib
import json
import keyword
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from tests.builders import ROOT, build, generate_package, shipped_data
from tests.strategies import dump, named_catalogs, positions_of

from errcat.runtime import CatalogCode, CatalogStatus
from errcat.toolchain.load import load_bytes
from errcat.toolchain.model import Catalog
from errcat.toolchain.names import RUNTIME_CLASS_NAMES, category_class_name, class_name, status_member_name


def tidy(catalog: Catalog, package: str, files: dict[str, str]) -> None:
    """Every catalog code has its member, exception and schema entry; every artifact has its code."""
    codes_module = importlib.import_module(f"{package}.codes")
    exceptions = importlib.import_module(f"{package}.exceptions")
    models = importlib.import_module(f"{package}.models")
    error_code = codes_module.ErrorCode
    root = exceptions.ApiError
    schema = json.loads(files["schemas/error-response.schema.json"])

    # catalog -> artifacts
    by_code = {e.code: e for e in catalog.errors}
    for entry in catalog.errors:
        member = error_code(entry.code)
        assert member is getattr(error_code, entry.member_name)
        assert (member.value, member.status, member.status_code) == (entry.code, entry.status, entry.status)
        assert member.category.value == entry.category
        assert (member.summary, member.message, member.doc_url) == (entry.title, entry.message, entry.doc_url)
        assert member.retry_strategy == entry.retry.strategy
        assert member.retry_after_seconds == entry.retry.retry_after_seconds
        assert member.metadata_keys == tuple(sorted(entry.metadata_keys))
        assert member.is_deprecated == entry.is_deprecated and member.is_retired == entry.is_retired
        klass = getattr(exceptions, entry.class_name)
        assert list(
            dict.fromkeys(  # unique classes: a former name is the same class under another name
                c
                for c in vars(exceptions).values()
                if isinstance(c, type) and c.__dict__.get("code") == member
            )
        ) == [klass]
        assert (klass.code, klass.status, klass.doc_url) == (member, entry.status, entry.doc_url)
        assert klass.category.value == entry.category
        assert issubclass(klass, getattr(exceptions, catalog.category(entry.category).class_name))
        assert entry.code in schema["$defs"]["ErrorCode"]["enum"]
        for alias, alias_member in zip(entry.aliases, entry.alias_member_names, strict=True):
            assert getattr(error_code, alias_member) is member and error_code(alias) is member
            with pytest.warns(DeprecationWarning, match=alias):
                assert error_code.lookup(alias.upper()) is member
            assert type(root.from_response(entry.status, {"error": {"code": alias, "message": "m"}})) is klass
        for alias_class in entry.alias_class_names:  # a renamed code keeps its former class name
            assert getattr(exceptions, alias_class) is klass and alias_class in exceptions.__all__
        with warnings.catch_warnings():
            warnings.simplefilter("ignore" if entry.is_deprecated else "error")
            assert error_code.lookup(entry.code.upper()) is member
            assert error_code.lookup(f" {entry.code} ") is member

        # the wire, both ways
        example = entry.example
        error = klass(
            example.message,
            request_id=example.request_id,
            details=[{"field": d.field, "code": d.code, "message": d.message} for d in example.details],
            **dict(example.metadata),
        )
        assert error.to_response() == entry.example_body()
        assert error.to_json() == json.dumps(error.to_response(), separators=(",", ":"), ensure_ascii=False)
        assert root.from_response(entry.status, error.to_response()) == error
        assert root.from_response(entry.status, error.to_json().encode()) == error
        parsed = models.ErrorResponse.model_validate_json(error.to_json())
        assert parsed.error.code is member
        assert parsed.model_dump(mode="json", exclude_unset=True) == error.to_response()
        assert parsed.to_exception(entry.status) == error
        problem = error.to_problem()
        assert (problem["type"], problem["code"], problem["status"]) == (
            entry.doc_url,
            entry.code,
            entry.status,
        )

    # artifacts -> catalog
    assert {m.value for m in error_code} == set(by_code) and len(error_code) == len(by_code)
    assert set(schema["$defs"]["ErrorCode"]["enum"]) == set(by_code)
    coded = dict.fromkeys(
        c for c in vars(exceptions).values() if isinstance(c, type) and issubclass(c, root) and c.code
    )
    assert sorted(c.code for c in coded) == sorted(by_code)
    assert sorted(exceptions.__all__) == sorted(
        [
            "ApiError",
            *(c.class_name for c in catalog.categories),
            *(e.class_name for e in catalog.errors),
            *(alias for e in catalog.errors for alias in e.alias_class_names),
        ]
    )
    assert {c.value for c in codes_module.ErrorCategory} == {c.id for c in catalog.categories}
    assert {s.value for s in codes_module.HttpStatus} == {s.status for s in catalog.statuses}

    # a code this client does not know keeps its raw code and fields
    unknown = root.from_response(599, b'{"error": {"code": "from_the_future", "message": "m", "x": [1]}}')
    assert isinstance(unknown, root) and unknown.code == "from_the_future" and unknown.metadata == {"x": [1]}
    body = models.ErrorResponse.model_validate({"error": {"code": "from_the_future", "message": "m", "x": 1}})
    assert body.error.code == "from_the_future" and body.error.metadata == {"x": 1}
    with pytest.raises(KeyError, match="from_the_future"):
        error_code.lookup("from_the_future")


def test_shipped_catalog_package(tmp_path: Path) -> None:
    catalog = build(shipped_data())
    package, files = generate_package(catalog, tmp_path)
    tidy(catalog, package, files)


def test_hostile_catalog_package(tmp_path: Path, hostile_catalog: Catalog) -> None:
    package, files = generate_package(hostile_catalog, tmp_path)
    tidy(hostile_catalog, package, files)
    codes = importlib.import_module(f"{package}.codes")
    assert hostile_catalog.api.name == codes.CATALOG.name
    for status in hostile_catalog.statuses:
        member = codes.HttpStatus.of(status.status)
        assert (member.description, member.action) == (status.description, status.action)
    for category in hostile_catalog.categories:
        member = codes.ErrorCategory.of(category.id)
        assert (member.summary, member.description) == (category.title, category.description)


def test_generated_code_passes_ruff_and_mypy_strict(tmp_path: Path, hostile_catalog: Catalog) -> None:
    """One mypy run over a whole generated package full of hostile strings, and a client using it."""
    package, _ = generate_package(hostile_catalog, tmp_path, "hostile_errors")
    names, _ = generate_package(build(hostile_names_data()), tmp_path, "hostile_names")
    (tmp_path / "names_client.py").write_text(
        "from hostile_names import ErrorCode, HttpStatus, Lookup, LookupFailed, None_, NoneError\n\n\n"
        "def names() -> tuple[ErrorCode, ErrorCode, HttpStatus, str]:\n"
        "    error: NoneError = None_()\n"
        "    assert LookupFailed is Lookup\n"
        "    return ErrorCode.NONE, ErrorCode.NOT_IMPLEMENTED, HttpStatus.TYPE_CHECKING, error.code\n"
    )
    (tmp_path / "client.py").write_text(
        "from hostile_errors import ApiError, ErrorCode, ErrorResponse, HttpStatus\n"
        "from hostile_errors.exceptions import AuthenticationError, AuthenticationRequired\n\n\n"
        "def handle(status: int, body: bytes) -> str:\n"
        "    error = ApiError.from_response(status, body)\n"
        "    code: ErrorCode = ErrorCode.lookup('authentication_required')\n"
        "    http: HttpStatus = code.status\n"
        "    if isinstance(error, AuthenticationError) and http.is_client_error:\n"
        "        return error.to_json()\n"
        "    alias: ErrorCode = ErrorCode.AUTH_MISSING\n"
        "    response = ErrorResponse.from_exception(AuthenticationRequired(request_id='r'))\n"
        "    return str(response.error.code) + alias.summary + code.category.summary\n"
    )
    ruff = [sys.executable, "-m", "ruff"]
    config = f"--config={ROOT / 'pyproject.toml'}"
    checked = subprocess.run([*ruff, "check", config, "."], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = subprocess.run(
        [*ruff, "format", "--check", config, package, names], cwd=tmp_path, capture_output=True, text=True
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-version=3.11",
            "client.py",
            "names_client.py",
            package,
            names,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_contracts_are_valid(tmp_path: Path, hostile_catalog: Catalog) -> None:
    from openapi_spec_validator import validate

    for catalog in (build(shipped_data()), hostile_catalog):
        package, files = generate_package(catalog, tmp_path)
        schema = json.loads(files["schemas/error-response.schema.json"])
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        openapi = yaml.safe_load(files["schemas/openapi-errors.yaml"])
        validate(openapi)
        examples = {}
        for response in openapi["components"]["responses"].values():
            examples.update(response["content"]["application/json"]["examples"])
        for entry in catalog.errors:
            body = entry.example_body()
            validator.validate(body)
            assert examples[entry.code]["value"] == body  # the YAML reads back exactly
        validator.validate({"error": {"code": "from_the_future", "message": "m", "extra": 1}})
        models = importlib.import_module(f"{package}.models")
        model_schema = models.ErrorResponse.model_json_schema()
        # pydantic lists an alias's value once more (it reads __members__); the codes are the same
        assert set(model_schema["$defs"]["ErrorCode"]["enum"]) == set(schema["$defs"]["ErrorCode"]["enum"])


# --- hypothesis: catalogs built from data, with hostile names and phrases ---------------------


def hostile_names_data() -> dict[str, Any]:
    """A catalog whose every name is one the checker accepts but Python makes hard: keywords (mangled),
    soft keywords, the generated modules' own names, former names that cannot keep a class."""
    statuses = {400: "None", 401: "True", 403: "Type Checking", 404: "Not Found", 409: "Mro", 500: "Class"}
    codes = [
        *("none", "true", "false", "type_checking", "catalog", "lookup", "status", "name", "value", "mro"),
        *("self", "cls", "match", "case", "type", "class", "def", "import", "async", "await", "print"),
        *("all", "sys", "errcat", "annotations", "members", "missing", "exception"),
    ]
    categories = ["none", "true", "type_checking", "match", "timeout"]
    errors: list[dict[str, Any]] = []
    for index, code in enumerate(codes):
        status = (400, 404, 409, 500)[index % 4]
        errors.append(
            {
                "code": code,
                "status": status,
                "category": categories[index % len(categories)],
                "title": f"The {code} code",
                "message": f"{code} happened.",
                "cause": "A name that Python treats specially.",
                "solution": "Nothing: the generated code copes.",
                "retry": {"strategy": "backoff" if status == 500 else "do_not_retry"},
                "example": {"message": f"{code} happened.", "request_id": f"req_{index}"},
            }
        )
    by_code = {e["code"]: e for e in errors}
    by_code["exception"]["class_name"] = "ExceptionRaised"  # Exception would shadow the builtin
    by_code["none"]["aliases"] = ["nil", "null"]
    by_code["lookup"]["aliases"] = ["not_implemented", "api_error", "lookup_failed"]  # two keep no class
    return {
        "format_version": 1,
        "api": {"name": "Hostile names", "version": "1.0.0", "docs_url": "https://errors.example.com"},
        "statuses": [
            {"status": s, "phrase": p, "description": "A status.", "action": "Act."}
            for s, p in statuses.items()
        ],
        "categories": [
            {"id": c, "title": f"The {c} category", "description": "A category."}
            | ({"class_name": "ApiTimeoutError"} if c == "timeout" else {})
            for c in categories
        ],
        "errors": errors,
        "retry_policy": {
            "retry_statuses": [500],
            "transport_failures": [{"id": "timeout", "description": "Timed out."}],
            "backoff": {
                "base_delay_seconds": 1.0,
                "multiplier": 2.0,
                "max_delay_seconds": 30.0,
                "max_attempts": 3,
                "jitter": "full",
            },
            "honor_retry_after": True,
        },
    }


def test_a_catalog_of_hostile_names_generates_a_package_where_every_name_resolves(tmp_path: Path) -> None:
    catalog = build(hostile_names_data())
    assert catalog.error("none").class_name == "None_" and catalog.error("none").member_name == "NONE"
    assert catalog.error("lookup").alias_class_names == ("LookupFailed",)
    package, files = generate_package(catalog, tmp_path)
    tidy(catalog, package, files)
    _every_name_resolves(catalog, package)
    facade = importlib.import_module(package)
    assert facade.ErrorCode.NOT_IMPLEMENTED is facade.ErrorCode.LOOKUP is facade.Lookup.code
    assert not hasattr(facade, "NotImplemented") and not hasattr(facade, "TYPE_CHECKING")


def _name_paths(data: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """Where the catalog's names are: every code, alias, class name, category id and status phrase."""
    paths: list[tuple[str | int, ...]] = []
    paths += [("statuses", i, "phrase") for i in range(len(data["statuses"]))]
    for i, category in enumerate(data["categories"]):
        paths += [("categories", i, field) for field in ("id", "class_name") if field in category]
    for i, error in enumerate(data["errors"]):
        paths += [("errors", i, field) for field in ("code", "class_name") if field in error]
        paths += [("errors", i, "aliases", j) for j in range(len(error.get("aliases", ())))]
    return paths


@functools.cache
def _generated_names() -> frozenset[str]:
    """The names every generated package binds beside its classes, read from a generated package."""
    import partner_invoicing_errors as package
    import partner_invoicing_errors.codes as codes
    import partner_invoicing_errors.exceptions as exceptions

    catalog = build(shipped_data())
    classes = {c.class_name for c in catalog.categories} | {e.class_name for e in catalog.errors}
    bound = set(package.__all__) | set(vars(codes)) | set(vars(exceptions)) | set(vars(package))
    return frozenset(name for name in bound - classes if name[:1].isupper())


PHRASE_WORDS = re.compile(r"[A-Z][A-Za-z0-9']*(?:[ -][A-Za-z0-9']+)*")


def _name_problems(data: dict[str, Any]) -> list[str]:
    """What Python itself says is wrong with the catalog's derived names, independently of the checker.

    A class name may be no keyword, no builtin and nothing a generated package already binds (nor a
    name errcat's runtime reserves), and no two may be equal; a former name that cannot be a class
    only loses its class. Aliases are new wire names. No two phrases may give one HttpStatus member,
    and a phrase is words joined by one space or hyphen (so no two spellings of one phrase pass).
    """
    reserved = _generated_names() | RUNTIME_CLASS_NAMES

    def unusable(name: str) -> bool:
        return keyword.iskeyword(name) or name in vars(builtins) or name in reserved

    problems: list[str] = []
    classes: list[str] = []
    wire: set[str] = {e["code"] for e in data["errors"]}
    for error in data["errors"]:
        own = error.get("class_name") or class_name(error["code"])
        problems += [f"class {own}"] * unusable(own)
        classes.append(own)
        former = set()
        for alias in error.get("aliases", ()):
            if alias in wire:
                problems.append(f"alias {alias}")
                continue
            wire.add(alias)
            name = class_name(alias)
            if name != own and not unusable(name):
                former.add(name)
        classes += sorted(former)
    for category in data["categories"]:
        name = category.get("class_name") or category_class_name(category["id"])
        problems += [f"class {name}"] * unusable(name)
        classes.append(name)
    problems += [f"{name} twice" for name, n in Counter(classes).items() if n > 1]
    phrases = [s["phrase"] for s in data["statuses"]]
    members = [status_member_name(p) for p in dict.fromkeys(phrases)]
    problems += [f"phrase {p!r} is not words" for p in phrases if not PHRASE_WORDS.fullmatch(p)]
    problems += [f"phrase {p} twice" for p, n in Counter(phrases).items() if n > 1]
    problems += [f"member {m} twice" for m, n in Counter(members).items() if n > 1]
    return problems


def _every_name_resolves(catalog: Catalog, package: str) -> None:
    """Each derived name is where a user looks for it, and no generated name hides a builtin."""
    facade = importlib.import_module(package)
    exceptions = importlib.import_module(f"{package}.exceptions")
    for status in catalog.statuses:
        member = getattr(facade.HttpStatus, status.member_name)
        assert (member.value, member.phrase) == (status.status, status.phrase)
    for category in catalog.categories:
        assert getattr(facade.ErrorCategory, category.member_name).value == category.id
        assert getattr(facade, category.class_name) is getattr(exceptions, category.class_name)
    for entry in catalog.errors:
        klass = getattr(facade, entry.class_name)
        assert klass.code is getattr(facade.ErrorCode, entry.member_name) is facade.ErrorCode(entry.code)
        for alias, member in zip(entry.aliases, entry.alias_member_names, strict=True):
            assert getattr(facade.ErrorCode, member) is klass.code and facade.ErrorCode(alias) is klass.code
        assert all(getattr(facade, name) is klass for name in entry.alias_class_names)
    # The enums keep their own behaviour, and a star import binds no builtin's name.
    assert facade.ErrorCode.lookup.__func__ is CatalogCode.lookup.__func__
    assert facade.HttpStatus.of.__func__ is CatalogStatus.of.__func__
    namespace: dict[str, Any] = {}
    exec(f"from {package} import *", namespace)
    assert not (set(namespace) - {"__builtins__"}) & set(vars(builtins)), sorted(namespace)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=named_catalogs())
def test_property_check_refuses_a_catalog_at_a_name_or_its_package_imports(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    """Whatever check accepts, generate turns into a package that imports, where every name resolves;
    what it refuses, it refuses at a name, and only when Python could not take that name."""
    text = dump(data)
    result = load_bytes(text.encode(), "drawn.yaml")
    problems = _name_problems(data)
    if not result.ok:
        event("refused")
        errors = [d for d in result.diagnostics if d.is_error]
        at_names = set(positions_of(text, _name_paths(data)))
        assert errors and all((d.line, d.column) in at_names for d in errors), [str(d) for d in errors]
        assert problems, [str(d) for d in errors]
        return
    event("generated")
    assert not problems, problems
    catalog = result.catalog
    assert catalog is not None
    package, files = generate_package(catalog, tmp_path)
    tidy(catalog, package, files)
    _every_name_resolves(catalog, package)
    for module in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
        del sys.modules[module]


def test_the_runtime_and_a_package_work_without_any_optional_library() -> None:
    """With the toolchain, pydantic, httpx and FastAPI all missing, the runtime and a package still work."""
    blocked = [
        "yaml",
        "jinja2",
        "jsonschema_rs",
        "mkdocs",
        "pydantic",
        "httpx",
        "starlette",
        "fastapi",
        "orjson",
    ]
    script = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None  # as if it were not installed\n"
        "import errcat, errcat.runtime.errors, errcat.runtime.retry, errcat.runtime.logging\n"
        "import partner_invoicing_errors as p\n"
        'body = b\'{"error": {"code": "invoice_not_found", "message": "m"}}\'\n'
        "error = p.ApiError.from_response(404, body)\n"
        "print(type(error).__name__, p.CATALOG.retry_policy.should_retry(error), error.to_json())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    name, retried, body = done.stdout.split(" ", 2)
    assert (name, retried) == ("InvoiceNotFound", "False")
    assert json.loads(body)["error"]["code"] == "invoice_not_found"
