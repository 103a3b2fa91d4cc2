"""Symbolic links where the outputs go: one to a directory is followed, any other is refused before a write.

A link to nothing, to a file or round in a loop where an output directory (or one of its
parents) belongs would make creating that directory fail after the commit point; the plan
names it instead, and nothing is written. The next run, once it is removed, goes through. A
committed write that something blocks later (put there after a kill) names the path at fault.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.builders import ROOT
from tests.toolchain.write._harness import State, killed_at, recover_now, state

from errcat.cli import main
from errcat.toolchain.write import STAGE, Step, WriteError, commit

NEEDS = "where errcat needs "
#: Each link: how to put it in the project -> (the path the message names, what the message says).
LINKS: dict[str, Callable[[Path], tuple[str, str]]] = {}


def link(name: str) -> Callable[[Callable[[Path], tuple[str, str]]], object]:
    def register(make: Callable[[Path], tuple[str, str]]) -> object:
        LINKS[name] = make
        return make

    return register


def _dangling(project: Path, where: str) -> str:
    shutil.rmtree(project / where)
    nowhere = project.parent / "nowhere" / "dir"
    (project / where).symlink_to(nowhere)
    return str(nowhere)


@link("a link to nothing as the package directory")
def _dangling_package(project: Path) -> tuple[str, str]:
    nowhere = _dangling(project, "src/acme_errors")
    return "src/acme_errors", f"is a symbolic link to {nowhere}, which does not exist, {NEEDS}a directory"


@link("a link to nothing as a parent of the package directory")
def _dangling_parent(project: Path) -> tuple[str, str]:
    nowhere = _dangling(project, "src")
    return (
        "src",
        f"is a symbolic link to {nowhere}, which does not exist, {NEEDS}the directory src/acme_errors",
    )


@link("a link to nothing as the contracts' directory")
def _dangling_schemas(project: Path) -> tuple[str, str]:
    nowhere = _dangling(project, "schemas")
    return "schemas", f"is a symbolic link to {nowhere}, which does not exist, {NEEDS}a directory"


@link("a loop of links as the package directory")
def _loop(project: Path) -> tuple[str, str]:
    shutil.rmtree(project / "src/acme_errors")
    (project / "src/acme_errors").symlink_to("acme_errors")
    return "src/acme_errors", "is a symbolic link to acme_errors, a loop of links that leads nowhere"


@link("a loop of two links as a parent of the package directory")
def _two_links_loop(project: Path) -> tuple[str, str]:
    shutil.rmtree(project / "src")
    (project / "src").symlink_to("other")
    (project / "other").symlink_to("src")
    return "src", "is a symbolic link to other, a loop of links that leads nowhere"


@link("a link to a file as the package directory")
def _link_to_file(project: Path) -> tuple[str, str]:
    shutil.rmtree(project / "src/acme_errors")
    (project / "src/acme_errors").symlink_to("../pyproject.toml")
    return "src/acme_errors", "is a symbolic link to ../pyproject.toml, which is not a directory"


def _tree(project: Path) -> State:
    """Everything in the project, the catalog aside (links as where they point)."""
    return {p: s for p, s in state(project).items() if not p.startswith("catalog")}


@pytest.mark.parametrize("name", LINKS)
def test_a_link_to_no_directory_where_outputs_go_is_named_and_nothing_is_written(
    name: str, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    named, message = LINKS[name](project)
    before = _tree(project)
    monkeypatch.chdir(project)
    assert main(["generate"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{named}: error: {message}"), line
    assert line.endswith("; remove the link (or point it to a directory) and run the command again"), line
    assert _tree(project) == before  # every output old, every link where it was, no journal, no stage
    assert not os.path.lexists(project / STAGE)
    assert main(["generate"]) == 1  # refused again, not half done
    capsys.readouterr()
    (project / named).unlink()
    if os.path.islink(project / "other"):
        (project / "other").unlink()
    assert main(["generate"]) == 0
    capsys.readouterr()
    assert main(["generate", "--check"]) == 0
    assert not os.path.lexists(project / STAGE)


def test_a_link_to_a_directory_where_outputs_go_is_followed(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "elsewhere").mkdir()
    (project / "src/acme_errors").rename(project / "elsewhere/acme_errors")
    (project / "src/acme_errors").symlink_to("../elsewhere/acme_errors")
    codes = (project / "elsewhere/acme_errors/codes.py").read_bytes()
    monkeypatch.chdir(project)
    assert main(["generate"]) == 0
    assert "src/acme_errors/codes.py" in capsys.readouterr().err
    assert os.readlink(project / "src/acme_errors") == "../elsewhere/acme_errors"  # the link stays
    assert (project / "elsewhere/acme_errors/codes.py").read_bytes() != codes  # what it points to is new
    assert main(["generate", "--check"]) == 0
    assert not os.path.lexists(project / STAGE)


def test_an_output_root_that_is_a_link_to_nothing_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    shipped = str(ROOT / "catalog" / "errors.yaml")
    arguments = ["generate", "--catalog", shipped, "--package", "acme_errors", "--out", "out/sub"]
    assert main(arguments) == 1
    assert capsys.readouterr().err == (
        f"out: error: is a symbolic link to {tmp_path / 'nowhere'}, which does not exist, "
        "where errcat needs the directory out/sub; remove the link (or point it to a directory) "
        "and run the command again\n"
    )
    assert os.readlink(tmp_path / "out") == str(tmp_path / "nowhere") and not (tmp_path / "nowhere").exists()
    (tmp_path / "nowhere").mkdir()  # a link to a directory: followed
    assert main(arguments) == 0
    assert (tmp_path / "nowhere/sub/src/acme_errors/codes.py").is_file()


# --- the writer itself -----------------------------------------------------------------------------


OLD = {"gen/a.txt": "a\n", "gen/deep/b.txt": "b\n", "top.txt": "t\n"}
NEW = {"gen/a.txt": "a2\n", "gen/deep/er/c.txt": "c\n", "gen/new/d.txt": "d\n", "top.txt": "t2\n"}


@pytest.mark.parametrize("where", ["gen/deep/er", "gen/deep", "gen/new"])
def test_commit_refuses_a_link_to_nothing_at_any_depth_before_writing(where: str, tmp_path: Path) -> None:
    root = tmp_path / "root"
    commit(OLD, root, own=("gen",))
    if (root / where).is_dir():
        shutil.rmtree(root / where)
    (root / where).symlink_to(tmp_path / "nowhere")
    before = state(root)
    with pytest.raises(WriteError) as raised:
        commit(NEW, root, own=("gen",))
    assert raised.value.path == root / where
    assert str(raised.value).startswith(f"{root / where}: is a symbolic link to {tmp_path / 'nowhere'}, ")
    assert state(root) == before
    (root / where).unlink()
    commit(NEW, root, own=("gen",))
    assert {p: s[0].decode() for p, s in state(root).items() if s is not None} == NEW


def _killed_before_the_first_replace(root: Path) -> None:
    """A committed write of ``NEW`` over ``OLD``, killed before it moved any file into place."""
    commit(OLD, root, own=("gen",))

    def action(step: Step) -> object:
        return commit(NEW, root, own=("gen",), step=step)

    names: list[str] = []
    reference = root.parent / "reference"
    shutil.copytree(root, reference)
    action(names.append)
    shutil.rmtree(root)
    reference.rename(root)
    assert killed_at(names.index("replace gen/a.txt"), action)
    assert (root / STAGE / "journal.json").is_file()


@pytest.mark.parametrize(
    ("blocked", "message"),
    [
        ("gen/new", "is a symbolic link to {nowhere}, which does not exist, where errcat needs a directory"),
        (
            "gen/deep",
            "is a symbolic link to {nowhere}, which does not exist, where errcat needs the directory ",
        ),
        ("top.txt", "is a directory, where errcat writes a generated file"),
    ],
)
def test_a_committed_write_that_cannot_be_finished_names_the_path_and_is_finished_once_it_is_fixed(
    blocked: str, message: str, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    _killed_before_the_first_replace(root)
    nowhere = tmp_path / "nowhere"
    if blocked == "top.txt":  # put in the way after the kill, before the next run
        (root / blocked).unlink()
        (root / blocked).mkdir()
    else:
        shutil.rmtree(root / blocked, ignore_errors=True)
        (root / blocked).symlink_to(nowhere)
    with pytest.raises(WriteError) as raised:
        recover_now(root)
    assert raised.value.path == root / blocked
    problem = message.format(nowhere=nowhere)
    assert raised.value.problem.startswith(problem), raised.value.problem
    assert raised.value.problem.endswith(", so the committed write cannot be finished")
    assert raised.value.fix.endswith("and run the command again: it finishes the write before anything else")
    assert (root / STAGE / "journal.json").is_file()  # still committed: the next run finishes it
    with pytest.raises(WriteError):
        commit(NEW, root, own=("gen",))  # every run finishes it first, so every run says so
    if blocked == "top.txt":
        (root / blocked).rmdir()
    else:
        (root / blocked).unlink()
    recover_now(root)
    assert not os.path.lexists(root / STAGE)
    files = {p: s[0].decode() for p, s in state(root).items() if s is not None}
    assert files.items() >= {p: t for p, t in NEW.items() if not p.startswith(blocked + "/")}.items()
    commit(NEW, root, own=("gen",))
    assert {p: s[0].decode() for p, s in state(root).items() if s is not None} == NEW
