"""Every class of bad catalog, as a file in ``bad/`` with its diagnostics pinned beside it.

Each ``bad/<name>.yaml`` is ``good/minimal.yaml`` with one kind of mistake (its
first line says which); ``bad/<name>.expected`` holds the exact diagnostics,
``file:line:col: severity: message`` plus the ``help:`` line, as ``errcat check``
prints them. After a deliberate change of wording, rewrite the snapshots with
``ERRCAT_UPDATE_SNAPSHOTS=1 python -m pytest tests/catalog`` and review the diff.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from tests.builders import CATALOGS, generate_package

from errcat.cli import main
from errcat.toolchain.diagnostics import Diagnostic
from errcat.toolchain.load import load, load_bytes

HERE = CATALOGS
BAD = sorted((HERE / "bad").glob("*.yaml"))
GOOD = sorted((HERE / "good").glob("*.yaml"))
UPDATE = os.environ.get("ERRCAT_UPDATE_SNAPSHOTS") == "1"


def diagnostics_text(path: Path) -> str:
    result = load_bytes(path.read_bytes(), path.name)
    return "".join(f"{d}\n" for d in result.diagnostics)


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good_catalogs_have_no_diagnostics(path: Path) -> None:
    result = load(path)
    assert result.diagnostics == ()
    assert result.catalog is not None


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_catalog_diagnostics_match_snapshot(path: Path) -> None:
    expected_file = path.with_suffix(".expected")
    actual = diagnostics_text(path)
    if UPDATE:
        expected_file.write_text(actual, "utf-8")
    assert expected_file.exists(), f"no snapshot for {path.name}; run with ERRCAT_UPDATE_SNAPSHOTS=1"
    assert actual == expected_file.read_text("utf-8")


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_catalog_fails_at_a_line_of_the_file(path: Path) -> None:
    raw = path.read_bytes()
    assert raw.startswith(b"# "), "the first line of a bad catalog says what is wrong with it"
    result = load_bytes(raw, path.name)
    assert not result.ok and result.catalog is None
    lines = raw.split(b"\n")
    for d in result.diagnostics:
        assert d.file == path.name
        assert 1 <= d.line <= len(lines)
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1
    # Checking only (what errcat check does) finds the same problems as building the model.
    assert load_bytes(raw, path.name, build=False).diagnostics == result.diagnostics


def test_every_bad_catalog_has_a_snapshot_and_every_snapshot_a_catalog() -> None:
    catalogs = {p.stem for p in BAD}
    snapshots = {p.stem for p in (HERE / "bad").glob("*.expected")}
    assert catalogs == snapshots
    assert len(catalogs) >= 60


def test_bad_catalogs_differ_from_the_good_one_in_a_few_lines_only() -> None:
    """Each bad file is the minimal catalog with one mistake, so its diagnostics mean that mistake."""
    import difflib

    base = (HERE / "good" / "minimal.yaml").read_bytes().decode().splitlines()[1:]
    exempt = {"empty_file", "null_document", "top_level_list", "top_level_scalar", "yaml_alias_bomb"}
    for path in BAD:
        if path.stem in exempt:
            continue
        text = path.read_bytes().decode("utf-8", "replace").splitlines()[1:]
        changed = [
            line
            for line in difflib.unified_diff(base, text, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        assert 0 < len(changed) <= 30, (path.name, changed)


def test_several_independent_schema_mistakes_are_reported_together() -> None:
    result = load(HERE / "bad" / "many_schema_mistakes.yaml")
    messages = [m.message for m in result.diagnostics]
    assert len(messages) == 5
    assert any("unknown field 'staus'" in m for m in messages)
    assert any("title must be a string" in m for m in messages)
    assert any('strategy is "backof"' in m for m in messages)
    assert any("docs_url" in m for m in messages)
    assert [d.line for d in result.diagnostics] == sorted(d.line for d in result.diagnostics)


def test_several_independent_semantic_mistakes_are_reported_together() -> None:
    result = load(HERE / "bad" / "many_semantic_mistakes.yaml")
    errors = [d for d in result.diagnostics if d.is_error]
    assert len(errors) == 5
    assert {d.line for d in errors} == {34, 58, 62, 64, 80}


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    """A billion-laughs document is refused at its first anchor, whatever its size."""
    layers = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for depth in range(1, 30):
        prev, name = chr(ord("a") + depth - 1), chr(ord("a") + depth)
        layers.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    result = load_bytes("\n".join(layers).encode(), "bomb.yaml")
    (d,) = result.diagnostics
    assert (d.line, d.column) == (1, 4)
    assert d.message == "YAML anchor '&a' is not allowed in a catalog"


def test_an_alias_without_an_anchor_is_refused_as_an_alias() -> None:
    (d,) = load_bytes(b"format_version: 1\napi: *x\n", "alias.yaml").diagnostics
    assert (d.line, d.column) == (2, 6)
    assert d.message == "YAML alias '*x' is not allowed in a catalog"


def test_unreadable_file_is_a_located_error(tmp_path: Path) -> None:
    (d,) = load(tmp_path / "missing.yaml").diagnostics
    assert (d.line, d.column, d.severity) == (1, 1, "error")
    assert d.message.startswith("cannot read the catalog:")


# --- the hostile-input corpus -------------------------------------------------------------------
#
# Each case is the minimal catalog made hostile in one way: huge or out-of-range numbers in every
# kind of field, deep nesting, huge strings, every control character, BOMs, odd line breaks and
# the YAML oddities a loader meets. Each must end in located diagnostics or a clean load, never
# an exception, through the loader and through ``errcat check`` (cached and not).

MINIMAL = (HERE / "good" / "minimal.yaml").read_text("utf-8")


def _edit(old: str, new: str) -> bytes:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1).encode("utf-8")


#: Where a scalar can go, each with a field that takes a number (or, for the key, a name).
_NUMBER_PLACES = {
    "status": ("status: 500\n    category", "status: {}\n    category"),
    "attempts": ("max_attempts: 5", "max_attempts: {}"),
    "example": ("form_id: f_1", "form_id: {}"),
    "list": ("retry_statuses: [500]", "retry_statuses: [500, {}]"),
    "key": ("      form_id: The form", "      {}: The form"),
}
_NUMBERS = {
    "int64_max": str(2**63 - 1),
    "int64_min": str(-(2**63)),
    "int64_max_plus_1": str(2**63),
    "int64_min_minus_1": str(-(2**63) - 1),
    "int_30_digits": "9" * 30,
    "int_4300_digits": "9" * 4300,
    "int_4301_digits": "9" * 4301,
    "int_100000_digits": "9" * 100_000,
    "leading_zeros_5000": "0" * 5000 + "7",
    "hex_64_bits": "0x7fffffffffffffff",
    "hex_past_64_bits": "0x8000000000000000",
    "hex_5000_digits": "0x" + "f" * 5000,
    "octal_5000_digits": "0o" + "7" * 5000,
    "signed_zero": "-0",
    "underscored": "1_000",
    "float_overflow": "1e99999",
    "float_negative_overflow": "-1e99999",
    "float_underflow": "1e-99999",
    "float_5000_digits": "1" * 5000 + ".5",
    "nan": ".NaN",
}


def _hostile_cases() -> dict[str, bytes]:
    cases: dict[str, bytes] = {}
    for place, (old, template) in _NUMBER_PLACES.items():
        for name, number in _NUMBERS.items():
            cases[f"number-{name}-in-{place}"] = _edit(old, template.format(number))
    # deep nesting, below and past the loader's limit and libyaml's own
    for depth in (30, 31, 40, 999, 100_000):
        cases[f"nesting-flow-list-{depth}"] = _edit("form_id: f_1", "form_id: " + "[" * depth + "]" * depth)
        cases[f"nesting-flow-map-{depth}"] = _edit(
            "form_id: f_1", "form_id: " + "{a: " * depth + "1" + "}" * depth
        )
    for depth in (33, 990):  # at the top level, where libyaml's own limit (1,000) is furthest away
        cases[f"nesting-top-level-{depth}"] = MINIMAL.encode() + b"extra: " + b"[" * depth + b"]" * depth
    for depth in (40, 2000):
        block = "".join(f"\n{'  ' * (level + 4)}k{level}:" for level in range(depth))
        cases[f"nesting-block-{depth}"] = _edit("      form_id: f_1", "      form_id:" + block + " 1")
    # huge strings, names and numbers of diagnostics
    cases["huge-message"] = _edit("message: Something failed.", "message: " + "x" * 1_000_000)
    cases["huge-code"] = _edit("code: internal_error", "code: " + "x" * 1_000_000)
    cases["huge-quoted-key"] = MINIMAL.encode() + b'? "' + b"k" * 1_000_000 + b'"\n: 1\n'
    cases["huge-simple-key"] = MINIMAL.encode() + b"k" * 5000 + b": 1\n"
    cases["huge-anchor-name"] = _edit("message: Something failed.", "message: &" + "a" * 100_000 + " x")
    cases["huge-tag"] = _edit("message: Something failed.", "message: !" + "t" * 100_000 + " x")
    cases["huge-line-of-flow-items"] = _edit(
        "see_also: [validation_error]", "see_also: [" + "a, " * 5000 + "b]"
    )
    cases["two-thousand-unknown-fields"] = (
        MINIMAL.encode() + "".join(f"x{i}: 1\n" for i in range(2000)).encode()
    )
    # every character YAML refuses, raw in a title, and the same characters escaped (which YAML allows)
    refused = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x80, 0x9B, 0x9F, 0xFFFE, 0xFFFF]
    for code in refused:
        cases[f"raw-U+{code:04X}"] = _edit("title: Internal error", f"title: Internal{chr(code)}error")
    for escape in (
        "\\0",
        "\\a",
        "\\e",
        "\\x9b",
        "\\uFFFE",
        "\\U0010FFFF",
        "\\U0001F600",
        "\\N",
        "\\L",
        "\\_",
    ):
        cases[f"escaped-{escape[1:]}"] = _edit("title: Internal error", f'title: "Internal{escape}error"')
    for escape in ("\\ud800", "\\udfff", "\\U00110000", "\\q", "\\x", "\\u12"):
        cases[f"bad-escape-{escape[1:]}"] = _edit("title: Internal error", f'title: "Internal{escape}error"')
    cases["raw-bidi-override"] = _edit("title: Internal error", "title: Internal\u202eerror")
    cases["raw-private-use"] = _edit("title: Internal error", "title: Internal\ue000error")
    cases["raw-noncharacter-astral"] = _edit("title: Internal error", "title: Internal\U0010ffffierror")
    cases["invalid-utf8-byte"] = _edit("title: Internal error", "title: Internal@error").replace(
        b"@", b"\xff"
    )
    cases["invalid-utf8-surrogate-bytes"] = _edit("title: Internal error", "title: Internal@").replace(
        b"@", b"\xed\xa0\x80"
    )
    cases["invalid-utf8-overlong"] = _edit("title: Internal error", "title: @").replace(b"@", b"\xc0\xaf")
    cases["invalid-utf8-truncated-at-end"] = MINIMAL.encode() + b"# \xe2\x82"
    # byte order marks and encodings
    cases["bom-utf8"] = b"\xef\xbb\xbf" + MINIMAL.encode()
    cases["bom-utf8-twice"] = b"\xef\xbb\xbf\xef\xbb\xbf" + MINIMAL.encode()
    cases["bom-mid-line"] = _edit("name: Mini API", "name: Mini\ufeffAPI")
    cases["bom-line-start"] = _edit("categories:", "\ufeffcategories:")
    cases["bom-only"] = b"\xef\xbb\xbf"
    cases["utf16-le"] = MINIMAL.encode("utf-16")
    cases["utf16-be"] = b"\xfe\xff" + MINIMAL.encode("utf-16-be")
    cases["utf32"] = MINIMAL.encode("utf-32")
    cases["latin1"] = _edit("name: Mini API", "name: Mini caf\u00e9 API").replace(b"\xc3\xa9", b"\xe9")
    # line breaks
    cases["crlf"] = MINIMAL.replace("\n", "\r\n").encode()
    cases["cr-only"] = MINIMAL.replace("\n", "\r").encode()
    cases["mixed-breaks"] = MINIMAL.replace("\n", "\r\n", 20).replace("\n", "\r", 20).encode()
    cases["no-final-newline"] = MINIMAL.rstrip("\n").encode()
    for name, char in (("nel", "\x85"), ("ls", "\u2028"), ("ps", "\u2029")):
        cases[f"{name}-in-plain-scalar"] = _edit("name: Mini API", f"name: Mini{char}API: x")
        cases[f"{name}-in-quoted-scalar"] = _edit("name: Mini API", f"name: 'Mini{char}API'")
        cases[f"{name}-in-comment-then-error"] = _edit("format_version: 1", f"# a{char}b\nformat_version: 2")
    cases["form-feed-line"] = _edit("categories:", "\x0c\ncategories:")
    # YAML directives, documents and markers
    cases["directive-yaml-1.1"] = b"%YAML 1.1\n---\n" + MINIMAL.encode()
    cases["directive-yaml-1.2"] = b"%YAML 1.2\n---\n" + MINIMAL.encode()
    cases["directive-yaml-2.0"] = b"%YAML 2.0\n---\n" + MINIMAL.encode()
    cases["directive-yaml-twice"] = b"%YAML 1.2\n%YAML 1.2\n---\n" + MINIMAL.encode()
    cases["directive-tag"] = b"%TAG !e! tag:example.com,2000:\n---\n" + MINIMAL.encode()
    cases["directive-unknown"] = b"%FOO bar\n---\n" + MINIMAL.encode()
    cases["document-start-marker"] = b"---\n" + MINIMAL.encode()
    cases["document-end-marker"] = MINIMAL.encode() + b"...\n"
    cases["document-then-another"] = MINIMAL.encode() + b"---\nformat_version: 1\n"
    cases["document-then-garbage"] = MINIMAL.encode() + b"...\n]]]\n"
    cases["empty"] = b""
    cases["whitespace-only"] = b"  \n\t\n   \n"
    cases["comments-only"] = b"# one\n# two\n"
    cases["markers-only"] = b"---\n...\n"
    cases["null-document"] = b"~\n"
    cases["scalar-document"] = b"hello\n"
    cases["list-document"] = b"- a\n- b\n"
    cases["json-document"] = json.dumps(yaml.safe_load(MINIMAL)).encode()
    cases["flow-root-unclosed"] = b"{format_version: 1, api: {name: x\n"
    # keys, anchors, tags, merge keys
    cases["key-null"] = MINIMAL.encode() + b"~: 1\n"
    cases["key-empty-string"] = MINIMAL.encode() + b'"": 1\n'
    cases["key-boolean"] = MINIMAL.encode() + b"true: 1\n"
    cases["key-float"] = MINIMAL.encode() + b"1.5: 1\n"
    cases["key-sequence"] = MINIMAL.encode() + b"? [a, b]\n: 1\n"
    cases["key-mapping"] = MINIMAL.encode() + b"? {a: 1}\n: 1\n"
    cases["key-explicit-without-value"] = MINIMAL.encode() + b"? lonely\n"
    cases["value-without-key"] = MINIMAL.encode() + b": orphan\n"
    cases["key-duplicate-quoted"] = _edit("format_version: 1", "format_version: 1\n'format_version': 1")
    cases["key-duplicate-in-flow"] = _edit(
        "retry_statuses: [500]", "retry_statuses: [500]\n  x: {a: 1, a: 2}"
    )
    cases["merge-key"] = _edit("  backoff:\n", "  <<: {honor_retry_after: true}\n  backoff:\n")
    cases["anchor-and-alias"] = _edit(
        "message: Something failed.", "message: &m Something failed.\n    cause: *m"
    )
    cases["alias-undefined"] = _edit("message: Something failed.", "message: *nowhere")
    for tag in ("!!str", "!!binary", "!!python/object:os.system", "!custom", "!", "!<tag:yaml.org,2002:str>"):
        cases[f"tag-{tag}"] = _edit("message: Something failed.", f"message: {tag} Something failed.")
    # scalars and layout
    cases["block-literal-keep"] = _edit(
        "message: Something failed.", "message: |+\n      Something\n\n      failed.\n"
    )
    cases["block-folded-indent-indicator"] = _edit(
        "message: Something failed.", "message: >2\n       Something failed."
    )
    cases["block-scalar-bad-indent"] = _edit("message: Something failed.", "message: |\n  Something failed.")
    cases["plain-multiline"] = _edit("message: Something failed.", "message: Something\n      failed.")
    cases["tab-indentation"] = _edit("  name: Mini API", "\tname: Mini API")
    cases["tab-after-colon"] = _edit("name: Mini API", "name:\tMini API")
    cases["unclosed-quote"] = _edit("name: Mini API", 'name: "Mini API')
    cases["unclosed-flow"] = _edit("retry_statuses: [500]", "retry_statuses: [500")
    cases["yaml11-booleans-and-octal"] = _edit(
        "form_id: f_1", "form_id: [yes, no, on, off, 0777, 0o17, 0x1F]"
    )
    cases["colon-without-space"] = _edit("name: Mini API", "name: Mini:API")
    cases["hash-without-space"] = _edit("name: Mini API", "name: Mini#API")
    return cases


HOSTILE = _hostile_cases()


def _assert_located(raw: bytes, diagnostics: tuple[Diagnostic, ...], name: str) -> None:
    """Every diagnostic names the file and a line and column that exist in it, counted as an editor does."""
    lines = re.split(rb"\r\n|\r|\n", raw.removeprefix(b"\xef\xbb\xbf"))
    for d in diagnostics:
        assert d.file == name and d.severity in ("error", "warning") and d.message, d
        assert 1 <= d.line <= len(lines), (d, len(lines))
        width = len(lines[d.line - 1].decode("utf-8", "replace"))
        assert 1 <= d.column <= width + 1, (d, width)


def test_the_hostile_corpus_has_over_a_hundred_cases() -> None:
    assert len(HOSTILE) >= 200, len(HOSTILE)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_ends_in_located_diagnostics_or_a_clean_load(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = HOSTILE[case]
    result = load_bytes(raw, "hostile.yaml")
    _assert_located(raw, result.diagnostics, "hostile.yaml")
    assert load_bytes(raw, "hostile.yaml", build=False).diagnostics == result.diagnostics
    if result.ok:
        assert result.catalog is not None
    else:
        assert result.catalog is None and any(d.is_error for d in result.diagnostics)
    # The same through errcat check.
    path = tmp_path / "hostile.yaml"
    path.write_bytes(raw)
    assert main(["check", "--no-cache", str(path)]) == (0 if result.ok else 1)
    err = capsys.readouterr().err
    if not result.ok:
        first = result.diagnostics[0]
        assert err.startswith(f"{path}:{first.line}:{first.column}: {first.severity}: "), err[:300]


def test_every_hostile_input_check_accepts_generates_a_package_that_imports(tmp_path: Path) -> None:
    """Whatever check accepts, generate makes: the package of each clean hostile catalog imports."""
    accepted = {case: load_bytes(raw, "hostile.yaml").catalog for case, raw in HOSTILE.items()}
    packages = 0
    for case, catalog in accepted.items():
        if catalog is None:
            continue
        package, _ = generate_package(catalog, tmp_path)
        codes = importlib.import_module(f"{package}.codes")
        exceptions = importlib.import_module(f"{package}.exceptions")
        for entry in catalog.errors:
            assert getattr(codes.ErrorCode, entry.member_name).summary == entry.title, case
            assert getattr(exceptions, entry.class_name).code is codes.ErrorCode(entry.code), case
        packages += 1
    assert packages >= 40, packages


def test_positions_count_lines_as_an_editor_does() -> None:
    """LS, PS and NEL end a line for libyaml, not for an editor: the lines after them stay right."""
    for odd in ("\u2028", "\u2029", "\x85"):
        raw = _edit("name: Mini API", f"name: 'Mini{odd}API'") + b"colour: blue\n"
        (d,) = load_bytes(raw, "odd.yaml").diagnostics
        assert (d.line, d.column) == (MINIMAL.count("\n") + 1, 1), (repr(odd), str(d))
    raw = MINIMAL.replace("\n", "\r").encode() + b"colour: blue\r"
    (d,) = load_bytes(raw, "cr.yaml").diagnostics
    assert (d.line, d.column) == (MINIMAL.count("\n") + 1, 1)


def test_a_character_yaml_refuses_is_located_by_characters_not_bytes() -> None:
    raw = _edit("name: Mini API", "name: Mini \u00e9\u00e9\U0001f600\x07 API")
    (d,) = load_bytes(raw, "bell.yaml").diagnostics
    assert (d.line, d.column) == (4, 17)  # "  name: Mini " is 13 characters, then 3 more
    assert d.message == "the catalog holds the character U+0007, which YAML does not allow in a file"
