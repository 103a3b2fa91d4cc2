"""Every I/O fault of a write: ``errcat generate`` says one located line, exits 1, and nothing changes.

The faults are real: a file size limit, permissions enforced for root too, files and
directories in each other's way; the command is the real ``errcat generate``.
"""

from __future__ import annotations

import resource
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.builders import ROOT
from tests.toolchain.write._harness import State, generate, state, unprivileged

from errcat.cli import main
from errcat.toolchain.write import STAGE


def _outputs_of(project: Path) -> State:
    return {p: s for p, s in state(project).items() if p.startswith(("src", "schemas"))}


#: Each fault: how to make it in the project -> (the path the message names, what it says, paths it alters).
FAULTS: dict[str, Callable[[Path], tuple[str, str, tuple[str, ...]]]] = {}


def fault(name: str) -> Callable[[Callable[[Path], tuple[str, str, tuple[str, ...]]]], object]:
    def register(make: Callable[[Path], tuple[str, str, tuple[str, ...]]]) -> object:
        FAULTS[name] = make
        return make

    return register


@fault("a directory where a generated file goes")
def _directory_for_file(project: Path) -> tuple[str, str, tuple[str, ...]]:
    target = project / "src/acme_errors/codes.py"
    target.unlink()
    target.mkdir()
    return "src/acme_errors/codes.py", "is a directory, where errcat writes a generated file", (target.name,)


@fault("a file where a generated directory goes")
def _file_for_directory(project: Path) -> tuple[str, str, tuple[str, ...]]:
    shutil.rmtree(project / "schemas")
    (project / "schemas").write_text("in the way")
    return "schemas", "is a file, where errcat needs a directory", ("schemas",)


@fault("a generated file made read-only")
def _read_only_file(project: Path) -> tuple[str, str, tuple[str, ...]]:
    (project / "src/acme_errors/codes.py").chmod(0o444)
    return (
        "src/acme_errors/codes.py",
        "is read-only, so errcat leaves it as it is and writes nothing",
        ("codes.py",),
    )


@fault("a read-only output directory")
def _read_only_directory(project: Path) -> tuple[str, str, tuple[str, ...]]:
    (project / "src/acme_errors").chmod(0o555)
    return "src/acme_errors", "cannot write in it: permission denied", ()


@fault("a generated file that cannot be read")
def _unreadable_file(project: Path) -> tuple[str, str, tuple[str, ...]]:
    (project / "src/acme_errors/codes.py").chmod(0o200)
    return "src/acme_errors/codes.py", "cannot read it: permission denied", ("codes.py",)


@fault("a project directory errcat may not write in")
def _read_only_project(project: Path) -> tuple[str, str, tuple[str, ...]]:
    project.chmod(0o555)
    return str(project), "cannot write in it: permission denied", ()


#: The faults that are permissions: root is exempt from them, so those runs drop its exemption.
PERMISSIONS = {
    "a read-only output directory",
    "a generated file that cannot be read",
    "a project directory errcat may not write in",
}


@pytest.mark.parametrize("name", FAULTS)
def test_every_io_fault_is_one_located_line_exit_1_and_changes_nothing(
    name: str, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _outputs_of(project)
    named, message, altered = FAULTS[name](project)
    try:
        if name in PERMISSIONS:
            status, stderr = generate(project, *unprivileged())
        else:  # in this process: an exception would fail the test as a traceback fails the user
            monkeypatch.chdir(project)
            status, stderr = main(["generate"]), capsys.readouterr().err
    finally:
        for path in (project, *project.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert status == 1
    (line,) = stderr.splitlines()
    assert line.startswith(f"{named}: error: {message}; "), line
    assert not (project / STAGE).exists()

    def unaltered(found: State) -> dict[str, bytes]:
        return {
            p: s[0]
            for p, s in found.items()
            if s is not None
            and not any(p == a or p.endswith("/" + a) or p.startswith(a + "/") for a in altered)
        }

    assert unaltered(_outputs_of(project)) == unaltered(before)  # every other output is still the old one


def test_a_full_disk_is_one_located_line_and_leaves_no_temporary_file(
    outputs: tuple[dict[str, str], dict[str, str]], project: Path
) -> None:
    before = _outputs_of(project)
    sizes = {path: len(text.encode()) for path, text in outputs[1].items()}
    python = max(size for path, size in sizes.items() if path.endswith(".py"))
    largest = max(sizes, key=lambda path: sizes[path])
    assert not largest.endswith(".py") and sizes[largest] > python  # ruff's copies fit, this one does not
    limit = (python + sizes[largest]) // 2

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    status, stderr = generate(project, preexec_fn=small_files)
    assert status == 1
    (line,) = stderr.splitlines()
    assert line.startswith(f"{largest}: error: cannot write it: the file is larger than the file size limit")
    assert _outputs_of(project) == before and not (project / STAGE).exists()
    assert generate(project)[0] == 0  # room again: the write goes through


def test_a_read_only_generated_file_is_named_and_kept_until_it_is_made_writable(project: Path) -> None:
    codes = project / "src/acme_errors/codes.py"
    codes.chmod(0o444)
    kept = codes.read_bytes()
    status, stderr = generate(project)
    assert status == 1 and stderr.startswith("src/acme_errors/codes.py: error: is read-only")
    assert codes.read_bytes() == kept
    codes.chmod(0o644)
    assert generate(project)[0] == 0
    assert codes.read_bytes() != kept


def test_an_output_root_below_a_file_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").write_text("a file")
    shipped = str(ROOT / "catalog" / "errors.yaml")
    for extra in ([], ["--check"]):
        assert (
            main(["generate", "--catalog", shipped, "--package", "acme_errors", "--out", "out/sub", *extra])
            == 1
        )
        assert capsys.readouterr().err == (
            "out: error: is a file, where errcat needs the directory out/sub; "
            "move it away and run the command again\n"
        )
    assert (tmp_path / "out").read_text() == "a file"
