"""Every class of bad catalog, as a file in ``bad/`` with its diagnostics pinned beside it.

Each ``bad/<name>.yaml`` is ``good/minimal.yaml`` with one kind of mistake (its
first line says which); ``bad/<name>.expected`` holds the exact diagnostics,
``file:line:col: severity: message`` plus the ``help:`` line, as ``errcat check``
prints them. After a deliberate change of wording, rewrite the snapshots with
``ERRCAT_UPDATE_SNAPSHOTS=1 python -m pytest tests/catalog`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.builders import CATALOGS

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
