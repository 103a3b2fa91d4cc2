"""The generated package against its catalog, both ways (tidy-style), for the shipped, a hostile and
hypothesis-built catalogs; plus the static checks (ruff, mypy --strict) and the contracts' validity."""

from __future__ import annotations

import importlib
import json
import keyword
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import ROOT, build, generate_package, shipped_data
from tests.hostile import HOSTILE, one_line

from errcat.runtime.errors import ENVELOPE_FIELDS, RESERVED_KEYWORDS
from errcat.toolchain.model import Catalog, category_class_name

ALL_STATUSES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
STRATEGY = {
    401: "refresh_credentials",
    409: "use_existing_resource",
    429: "backoff",
    500: "backoff",
    503: "backoff",
}


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
        [*ruff, "format", "--check", config, package], cwd=tmp_path, capture_output=True, text=True
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
            package,
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


# --- hypothesis: catalogs built from data -----------------------------------------------------

texts = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
).filter(lambda t: t.strip() != "")
identifiers = st.from_regex(r"[a-z][a-z0-9]{1,6}(_[a-z0-9]{1,4}){0,2}", fullmatch=True)


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    statuses = sorted(draw(st.sets(st.sampled_from(sorted(ALL_STATUSES)), min_size=1, max_size=4)))
    # Ids whose classes would collide ("a00" and "a0_0" are both A00Error) make an invalid catalog.
    category_ids = sorted(draw(st.lists(identifiers, min_size=1, max_size=3, unique_by=category_class_name)))
    codes = sorted(draw(st.sets(identifiers, min_size=1, max_size=6)))
    category_classes = {category_class_name(c) for c in category_ids}
    errors = []
    for index, code in enumerate(codes):
        status = draw(st.sampled_from(statuses))
        title, message = one_line(draw(texts)), draw(texts)
        error: dict[str, Any] = {
            "code": code,
            "status": status,
            "category": draw(st.sampled_from(category_ids)),
            "title": title,
            "message": message,
            "cause": draw(texts),
            "solution": draw(texts),
            "retry": {"strategy": STRATEGY.get(status, "do_not_retry")},
            "example": {"message": draw(texts), "request_id": one_line(draw(texts))},
            "class_name": f"Code{index}Failure",
        }
        if draw(st.booleans()):
            key = draw(
                identifiers.filter(
                    lambda k: (
                        k not in ENVELOPE_FIELDS | RESERVED_KEYWORDS
                        and not (keyword.iskeyword(k) or keyword.issoftkeyword(k))
                    )
                )
            )
            error["metadata"] = {key: draw(texts)}
            error["example"]["metadata"] = {key: draw(st.one_of(texts, st.integers(), st.booleans()))}
        errors.append(error)
    assert not category_classes & {e["class_name"] for e in errors}
    return {
        "format_version": 1,
        "api": {
            "name": one_line(draw(texts)),
            "version": "1.0.0",
            "docs_url": "https://errors.example.com",
            "description": draw(texts),
        },
        "statuses": [
            {"status": s, "phrase": ALL_STATUSES[s], "description": draw(texts), "action": draw(texts)}
            for s in statuses
        ],
        "categories": [
            {"id": c, "title": one_line(draw(texts)), "description": draw(texts)} for c in category_ids
        ],
        "errors": errors,
        "retry_policy": {
            "retry_statuses": [s for s in statuses if STRATEGY.get(s) == "backoff"],
            "transport_failures": [{"id": "timeout", "description": draw(texts)}],
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


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=catalogs())
def test_property_generated_package_matches_its_catalog(tmp_path: Path, data: dict[str, Any]) -> None:
    catalog = build(data)
    package, files = generate_package(catalog, tmp_path)
    tidy(catalog, package, files)
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
