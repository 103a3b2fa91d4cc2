"""The errcat check, explain and list commands, in process and as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import CATALOGS, ROOT

from errcat.cli import main

HERE = CATALOGS
MINIMAL = HERE / "good" / "minimal.yaml"
SHIPPED = ROOT / "catalog" / "errors.yaml"


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m errcat ARGS`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "errcat", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )


def edited(tmp_path: Path, old: str, new: str, name: str = "catalog.yaml") -> Path:
    text = MINIMAL.read_text("utf-8")
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new), "utf-8")
    return path


# --- exit status --------------------------------------------------------------------------


def test_check_of_the_shipped_catalog_exits_0_and_says_one_line() -> None:
    done = run("check", "--no-cache")
    summary = "catalog/errors.yaml: ok, 13 codes in 7 categories, 12 statuses\n"
    assert (done.returncode, done.stdout, done.stderr) == (0, summary, "")
    quiet = run("check", "--no-cache", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_check_with_errors_exits_1_and_prints_every_problem_then_a_summary() -> None:
    done = run("check", "--no-cache", str(HERE / "bad" / "many_schema_mistakes.yaml"))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[-1] == "5 errors, 0 warnings"
    assert sum(": error: " in line for line in lines) == 5
    assert lines[0].startswith(f"{HERE / 'bad' / 'many_schema_mistakes.yaml'}:6:13: error: api.docs_url")


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = edited(tmp_path, "        form_id: f_1\n", "        {}\n")
    assert main(["check", "--no-cache", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning: example of errors[0] (validation_error) leaves out metadata 'form_id'" in err
    assert err.splitlines()[-1] == "0 errors, 1 warning"


@pytest.mark.parametrize(
    "argv",
    [[], ["check", "--format", "xml"], ["frobnicate"], ["check", "a.yaml", "b.yaml"], ["explain"]],
    ids=["no-command", "bad-format", "unknown-command", "two-catalogs", "explain-without-code"],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    done = run(*argv)
    assert done.returncode == 2
    assert "usage: errcat" in done.stderr


@pytest.mark.parametrize("command", [["check"], ["list"], ["explain", "internal_error"]])
def test_a_catalog_that_cannot_be_read_exits_2_with_a_located_message(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    done = run(*command, "--catalog", str(missing))
    assert done.returncode == 2
    assert f"{missing}:1:1: error: cannot read the catalog: No such file or directory" in done.stderr


def test_a_directory_is_not_a_catalog(tmp_path: Path) -> None:
    done = run("check", str(tmp_path))
    assert done.returncode == 2
    assert "cannot read the catalog: it is a directory" in done.stderr


# --- choosing the catalog -------------------------------------------------------------------


def test_catalog_option_env_var_and_default_in_that_order(tmp_path: Path) -> None:
    bad = edited(tmp_path, "    status: 400\n    category", "    status: 422\n    category", "bad.yaml")
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "errors.yaml").write_text(bad.read_text("utf-8"), "utf-8")
    # The default, relative to the working directory.
    assert run("check", "--no-cache", cwd=tmp_path).returncode == 1
    # ERRCAT_CATALOG overrides the default...
    assert run("check", "--no-cache", env={"ERRCAT_CATALOG": str(good)}, cwd=tmp_path).returncode == 0
    # ...--catalog overrides the environment, and so does the positional path.
    env = {"ERRCAT_CATALOG": str(good)}
    assert run("check", "--no-cache", "--catalog", str(bad), env=env, cwd=tmp_path).returncode == 1
    assert run("check", "--no-cache", str(bad), env=env, cwd=tmp_path).returncode == 1
    done = run("list", "--format", "json", env={"ERRCAT_CATALOG": str(good)}, cwd=tmp_path)
    assert [row["code"] for row in json.loads(done.stdout)] == ["validation_error", "internal_error"]


# --- output formats ---------------------------------------------------------------------------


def test_format_json_is_parseable_with_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    path = HERE / "bad" / "unknown_field_typo.yaml"
    assert main(["check", "--no-cache", "--format", "json", str(path)]) == 1
    out = capsys.readouterr().out
    records = json.loads(out)
    assert records == [
        {
            "file": str(path),
            "line": 50,
            "column": 5,
            "severity": "error",
            "message": "missing required field 'status' in errors[1] (internal_error)",
            "hint": "The HTTP status sent with this code: a 4xx or 5xx listed in statuses.",
        },
        {
            "file": str(path),
            "line": 51,
            "column": 5,
            "severity": "error",
            "message": "unknown field 'staus' in errors[1] (internal_error) (did you mean 'status'?)",
            "hint": "",
        },
    ]


def test_format_json_of_a_clean_catalog_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--format", "json", str(MINIMAL)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_format_github_annotations_escape_data_and_properties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(
        tmp_path,
        "    title: Internal error\n",
        '    title: Internal error\n    "50%\\nnew,line": x\n',
        "a,b:c.yaml",
    )
    assert main(["check", "--no-cache", "--format", "github", str(path)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    file_property = str(path).replace(":", "%3A").replace(",", "%2C")
    assert line == (
        f"::error file={file_property},line=54,col=5,title=errcat::"
        "unknown field '50%25%0Anew,line' in errors[1] (internal_error) "
        "(allowed fields: aliases, category, cause, class_name, code, deprecated, example, message, "
        "metadata, replaced_by, retired, retry, see_also, since, solution, status, title, usage)"
    )


def test_text_output_shows_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(
        tmp_path, "    title: Internal error\n", '    title: Internal error\n    "\\e[2J\\u202Ex": 1\n'
    )
    assert main(["check", "--no-cache", str(path)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert "unknown field '\\u001b[2J\\u202ex'" in err


# --- explain ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["invoice_not_found", "INVOICE_NOT_FOUND", "Invoice-Not-Found", " invoice_not_found ", "InvoiceNotFound"],
)
def test_explain_finds_a_code_in_any_case_or_by_class_name(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "--catalog", str(SHIPPED), name]) == 0
    out = capsys.readouterr().out
    assert out.startswith("invoice_not_found: Invoice not found\n")
    assert "  Status     404 Not Found\n" in out
    assert "  Category   Resource errors (resource)\n" in out
    assert "  Retry      Do not retry: the same request gets the same answer until it is fixed.\n" in out
    assert "  Docs       https://docs.invoicing.example.com/errors/codes/invoice_not_found/\n" in out
    assert "Cause\n  Invoice ID doesn't exist for this business.\n" in out
    assert "Solution\n  Verify that invoice_id is correct.\n" in out
    assert "HTTP/1.1 404 Not Found" in out
    assert '"doc_url": "https://docs.invoicing.example.com/errors/codes/invoice_not_found/"' in out


def test_explain_by_an_explicit_class_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--catalog", str(SHIPPED), "ValidationFailed"]) == 0
    assert capsys.readouterr().out.startswith("validation_error: Validation error\n")


@pytest.mark.parametrize("name", ["card_invalid", "Stale-Card", "CardInvalid"])
def test_explain_a_former_name_shows_the_code_it_became(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    golden = ROOT / "tests" / "golden" / "catalog.yaml"
    assert main(["explain", "--catalog", str(golden), name]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{name} is a former name of card_expired.\n\ncard_expired: ")


def test_explain_keeps_a_fact_on_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = "    title: Internal error\n    message: Something failed.\n"
    path = edited(tmp_path, old, '    title: Internal error\n    message: "First line.\\nSecond line."\n')
    assert main(["explain", "--catalog", str(path), "internal_error"]) == 0
    assert "  Message    First line. Second line.\n" in capsys.readouterr().out


def test_explain_gives_the_retry_after_and_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--catalog", str(SHIPPED), "rate_limit_exceeded"]) == 0
    out = capsys.readouterr().out
    assert "Retry with exponential backoff, honouring Retry-After. Servers send Retry-After: 30.\n" in out
    assert "Why this retry behaviour\n  The request was valid; it only arrived too early.\n" in out


def test_explain_an_unknown_code_suggests_the_nearest_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--catalog", str(SHIPPED), "invoice_not_fond"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    suggestion = "did you mean invoice_not_found or route_not_found or business_not_found?"
    assert captured.err == f"errcat: unknown error code 'invoice_not_fond'; {suggestion}\n"


def test_explain_an_unknown_code_without_neighbours_points_at_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "--catalog", str(SHIPPED), "zzzz"]) == 1
    assert "run 'errcat list' to see every code" in capsys.readouterr().err


def test_explain_on_a_broken_catalog_reports_the_catalog_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "--catalog", str(HERE / "bad" / "duplicate_code.yaml"), "internal_error"]) == 1
    assert "duplicate code 'validation_error'" in capsys.readouterr().err


def test_explain_shows_terminal_controls_in_catalog_text_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(
        tmp_path,
        "    cause: The API failed.\n",
        '    cause: "\\e]8;;https://evil.example\\e\\\\click\\e[2J \\u202Eevil\\u2066 \\x07"\n',
    )
    assert main(["explain", "--catalog", str(path), "internal_error"]) == 0
    out = capsys.readouterr().out
    for control in ("\x1b", "\u202e", "\u2066", "\x07"):
        assert control not in out
    assert "\\u001b]8;;https://evil.example\\u001b\\click\\u001b[2J \\u202eevil\\u2066 \\u0007" in out


# --- list -------------------------------------------------------------------------------------


def test_list_prints_an_aligned_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--catalog", str(SHIPPED)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CODE", "STATUS", "CATEGORY", "RETRY", "TITLE"]
    assert len(lines) == 1 + 13
    status_column = lines[0].index("STATUS")
    assert all(line[status_column : status_column + 3].isdigit() for line in lines[1:])
    assert lines[6].split()[:4] == ["invoice_not_found", "404", "resource", "do_not_retry"]


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--catalog", str(SHIPPED), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 13
    assert rows[0] == {
        "code": "authentication_required",
        "status": 401,
        "category": "authentication",
        "title": "Authentication required",
        "retry": "refresh_credentials",
        "deprecated": False,
        "doc_url": "https://docs.invoicing.example.com/errors/codes/authentication_required/",
    }


def test_list_marks_deprecated_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = edited(
        tmp_path,
        "    see_also: [validation_error]\n",
        "    see_also: [validation_error]\n    deprecated:\n      since: 1.1.0\n      reason: Too broad.\n",
    )
    assert main(["list", "--catalog", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("internal_error (deprecated)  500")


def test_list_on_a_broken_catalog_shows_its_diagnostics_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(tmp_path, "    title: Internal error\n", '    title: Internal error\n    "\\e[2J": 1\n')
    assert main(["list", "--catalog", str(path)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "unknown field '\\u001b[2J'" in err


# --- output that cannot be written -----------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [["check", "--no-cache", str(MINIMAL)], ["list", "--catalog", str(SHIPPED)]],
    ids=["check", "list"],
)
def test_output_lost_to_a_full_disk_is_said_on_stderr_and_exits_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "errcat", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == "errcat: cannot write the output: No space left on device\n"


@pytest.mark.parametrize(("catalog", "status"), [(MINIMAL, 0), (HERE / "bad" / "duplicate_code.yaml", 1)])
def test_a_stdout_closed_before_errcat_starts_leaves_the_verdict(catalog: Path, status: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "errcat", "check", "--no-cache", "--format", "json", str(catalog)],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),  # as `>&-` does
    )
    assert done.returncode == status and done.stderr == ""
