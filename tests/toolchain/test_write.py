"""The writer of generated files: all old or all new after a kill at any step, one line for any I/O fault.

The kill tests run the writer in a forked child that SIGKILLs itself at step N (the writer
calls its ``step`` hook before each step), for every N; then the next run's first act,
recovery, must leave every output old or every output new, and no temporary file. The
fault tests make real faults (a file size limit, permissions enforced for root too,
files and directories in each other's way) and run the real ``errcat generate``.
"""

from __future__ import annotations

import fcntl  # noqa: F401 (imported before any fork: the writer's lock uses it)
import itertools
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.builders import ROOT, build, shipped_data

from errcat.cli import main
from errcat.toolchain.render import render_all
from errcat.toolchain.render.python import Layout
from errcat.toolchain.write import STAGE, Step, WriteError, check, commit, locked, recover, write

State = dict[str, tuple[bytes, int] | None]  # path -> (bytes, mode), or None for a directory


def state(root: Path) -> State:
    """Every file (bytes and mode) and directory below ``root``: temporaries and leftovers show up too."""
    found: State = {}
    if not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        status = path.lstat()
        found[relative] = (
            None if stat.S_ISDIR(status.st_mode) else (path.read_bytes(), stat.S_IMODE(status.st_mode))
        )
    return found


def killed_at(index: int, action: Callable[[Step], object]) -> bool:
    """Run ``action`` in a forked child that is SIGKILLed at its step ``index``; whether it was killed.

    False means the action finished before reaching that step.
    """
    pid = os.fork()
    if pid == 0:  # the child: no pytest teardown, no cleanup of any kind when it dies
        try:
            counter = itertools.count()

            def step(name: str) -> None:
                if next(counter) == index:
                    os.kill(os.getpid(), signal.SIGKILL)

            action(step)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the writer failed in the child"
    return False


def steps_of(action: Callable[[Step], object]) -> list[str]:
    names: list[str] = []
    action(names.append)
    return names


def each_kind(names: list[str]) -> list[int]:
    """The first and the last step of each kind (``stage``, ``replace``...), and the end: a kill at each.

    Removing directories costs milliseconds apiece on some disks (a built site has many);
    the slow variants kill at every step.
    """
    kinds: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        kinds.setdefault(name.split(" ")[0], []).append(index)
    return sorted({i for found in kinds.values() for i in (found[0], found[-1])} | {len(names)})


def recover_now(root: Path, step: Step | None = None) -> None:
    """What the next run does first: take the lock and finish or undo an interrupted write."""
    with locked(root):
        recover(root, step=step)


@pytest.fixture(scope="module")
def outputs() -> tuple[dict[str, str], dict[str, str]]:
    """The generated package and contracts of two versions of the shipped catalog (old, new)."""
    old = shipped_data()
    new = shipped_data()
    new["errors"][3]["title"] = "A title edited in the new version"
    new["api"]["version"] = "9.9.9"
    layout = Layout(package="acme_errors")
    return render_all(build(old), layout), render_all(build(new), layout)


def written(files: Mapping[str, str], root: Path) -> State:
    root.mkdir(parents=True, exist_ok=True)
    write(files, root)
    return state(root)


# --- the basics -----------------------------------------------------------------------------------


def test_write_changes_only_what_differs_keeps_modes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    files = {"a.txt": "a\n", "sub/deeper/b.txt": "b\n", "c.sh": "#!/bin/sh\n"}
    assert write(files, tmp_path) == ["a.txt", "c.sh", "sub/deeper/b.txt"]
    (tmp_path / "c.sh").chmod(0o755)
    before = (tmp_path / "a.txt").stat().st_mtime_ns
    time.sleep(0.01)
    assert write({**files, "c.sh": "#!/bin/sh\nexit 0\n"}, tmp_path) == ["c.sh"]
    assert (tmp_path / "a.txt").stat().st_mtime_ns == before  # unchanged files are left alone
    assert stat.S_IMODE((tmp_path / "c.sh").stat().st_mode) == 0o755  # a replaced file keeps its mode
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o666 & ~_umask()
    assert write({**files, "c.sh": "#!/bin/sh\nexit 0\n"}, tmp_path) == []
    assert sorted(state(tmp_path)) == ["a.txt", "c.sh", "sub", "sub/deeper", "sub/deeper/b.txt"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_commit_removes_stale_files_below_owned_directories_only(tmp_path: Path) -> None:
    commit({"docs/a.md": "a", "docs/x/y/b.md": "b", "keep.txt": "k"}, tmp_path, own=("docs",))
    (tmp_path / "mine.txt").write_text("not generated")
    done = commit({"docs/a.md": "a2", "keep.txt": "k"}, tmp_path, own=("docs",))
    assert (done.changed, done.removed) == (("docs/a.md",), ("docs/x/y/b.md",))
    assert sorted(state(tmp_path)) == ["docs", "docs/a.md", "keep.txt", "mine.txt"]
    done = commit({"keep.txt": "k"}, tmp_path, own=("docs",))
    assert sorted(state(tmp_path)) == ["docs", "keep.txt", "mine.txt"]  # the owned directory stays


def test_paths_outside_the_root_are_refused(tmp_path: Path) -> None:
    for path in ("../x", "/etc/x", f"{STAGE}/files/x", ""):
        with pytest.raises(ValueError, match="not a path errcat writes"):
            write({path: "x"}, tmp_path)


# --- a kill at every step --------------------------------------------------------------------------


SCENARIOS = {
    "generate over an older generation": "outputs",
    "generate into a directory that does not exist yet": "fresh",
    "new directories, a removal, a mode kept": "nested",
}


def _scenario(
    name: str, outputs: tuple[dict[str, str], dict[str, str]], root: Path
) -> tuple[Callable[[Step], object], State, State]:
    """(the write, the state before it, the state after it) for a scenario, with the old state on disk."""
    kind = SCENARIOS[name]
    if kind == "outputs":
        old_files, new_files = outputs
        before = written(old_files, root)
        own: tuple[str, ...] = ()
    elif kind == "fresh":
        old_files, new_files = {}, outputs[1]
        root = root / "new" / "out"
        before = {}
        own = ()
    else:
        old_files = {"gen/a.txt": "a\n", "gen/old/x.txt": "x\n", "gen/old/deep/y.txt": "y\n", "top.sh": "1\n"}
        new_files = {"gen/a.txt": "a2\n", "gen/n1/n2/n3.txt": "n\n", "top.sh": "2\n", "z.txt": "z\n"}
        commit(old_files, root, own=("gen",))
        (root / "top.sh").chmod(0o751)
        before = state(root)
        own = ("gen",)

    def action(step: Step) -> object:
        return commit(new_files, root, own=own, step=step)

    reference = root.parent / (root.name + "-reference")
    restore(root, reference)
    action(_no_step)
    after = state(root)
    restore(reference, root)  # back to the old state, for the runs that will be killed
    assert state(root) == before
    return action, before, after


def restore(source: Path, target: Path) -> None:
    """Make ``target`` what ``source`` is (absent if it is), from hard links.

    The writer never changes a file in place (it writes new files and moves them), so
    linked copies of a state stay that state whatever a run does to the other copy.
    """
    shutil.rmtree(target, ignore_errors=True)
    if source.exists():
        shutil.copytree(source, target, copy_function=os.link)


def _no_step(name: str) -> None:
    pass


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_kill_at_any_step_leaves_all_old_or_all_new(
    scenario: str, outputs: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    root = tmp_path / "root"
    action, before, after = _scenario(scenario, outputs, root)
    if SCENARIOS[scenario] == "fresh":
        root = root / "new" / "out"
    pristine = tmp_path / "pristine"
    restore(root, pristine)
    total = len(steps_of(action))
    assert total >= 5
    outcomes = {"old": 0, "new": 0}
    for index in range(total + 1):
        restore(pristine, root)
        assert killed_at(index, action) == (index < total)
        if root.exists():
            recover_now(root)
        now = state(root)
        assert now in (before, after), f"a kill at step {index} left a mix"
        outcomes["old" if now == before else "new"] += 1
        action(_no_step)  # and the next write gets the new state, whatever the kill left
        assert state(root) == after
    assert outcomes["old"] > 0 and outcomes["new"] > 0


@pytest.mark.parametrize(
    "every", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["each kind of step", "every step"]
)
def test_a_kill_while_recovering_from_a_kill_still_ends_all_old_or_all_new(
    every: bool, outputs: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    root = tmp_path / "root"
    action, before, after = _scenario("generate over an older generation", outputs, root)
    pristine, interrupted = tmp_path / "pristine", tmp_path / "interrupted"
    restore(root, pristine)
    tried = 0
    names = steps_of(action)
    for index in range(len(names)) if every else each_kind(names)[:-1]:
        restore(pristine, root)
        assert killed_at(index, action)
        restore(root, interrupted)
        for inner in range(len(steps_of(lambda step: recover_now(root, step)))):
            restore(interrupted, root)
            assert killed_at(inner, lambda step: recover_now(root, step))
            recover_now(root)
            assert state(root) in (before, after), f"kills at step {index}, then {inner} of recovery"
            tried += 1
    assert tried >= 5


def test_a_reader_under_the_lock_never_sees_a_mix_of_concurrent_writers(
    outputs: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    old_files, new_files = outputs
    root = tmp_path / "root"
    states = [written(old_files, root)]
    write(new_files, root)
    states.append(state(root))
    running = set()
    for files in (old_files, new_files, old_files):
        pid = os.fork()
        if pid == 0:
            try:
                for _ in range(15):
                    write(files, root)
            except BaseException:
                os._exit(3)
            os._exit(0)
        running.add(pid)
    statuses, seen = [], []
    while running:
        with locked(root, shared=True):  # what errcat generate --check does
            seen.append(states.index(state(root)) if state(root) in states else -1)
        for pid in list(running):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                running.discard(pid)
                statuses.append(os.waitstatus_to_exitcode(status))
    assert statuses == [0, 0, 0]
    assert -1 not in seen and len(seen) > 1
    assert state(root) in states and not (root / STAGE).exists()


# --- faults: errcat generate says one located line and exits 1, and nothing changes ----------------------


@pytest.fixture(scope="module")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose outputs are generated from an older catalog than the one it now has."""
    project = tmp_path_factory.mktemp("generated") / "project"
    (project / "catalog").mkdir(parents=True)
    shutil.copy(ROOT / "catalog" / "errors.yaml", project / "catalog" / "errors.yaml")
    (project / "pyproject.toml").write_text('[tool.errcat]\npackage = "acme_errors"\n')
    assert _generate(project)[0] == 0
    catalog = project / "catalog" / "errors.yaml"
    text = catalog.read_text("utf-8")
    assert "title: Invoice not found\n" in text
    catalog.write_text(text.replace("title: Invoice not found\n", "title: Invoice not found (edited)\n", 1))
    return project


@pytest.fixture
def project(generated_project: Path, tmp_path: Path) -> Path:
    """A copy of the generated project, for one test to break."""
    copy = tmp_path / "project"
    shutil.copytree(generated_project, copy, symlinks=True)
    return copy


def _generate(project: Path, *prefix: str, preexec_fn: Callable[[], None] | None = None) -> tuple[int, str]:
    """The real ``errcat generate`` in ``project``: its status and its stderr (never a traceback)."""
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "errcat", "generate"],
        cwd=project,
        capture_output=True,
        text=True,
        preexec_fn=preexec_fn,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr


def _outputs_of(project: Path) -> State:
    return {p: s for p, s in state(project).items() if p.startswith(("src", "schemas"))}


def unprivileged() -> list[str]:
    """A command prefix under which permissions hold, also for root (which bypasses them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs util-linux's setpriv to test permission faults")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


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
            status, stderr = _generate(project, *unprivileged())
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

    status, stderr = _generate(project, preexec_fn=small_files)
    assert status == 1
    (line,) = stderr.splitlines()
    assert line.startswith(f"{largest}: error: cannot write it: the file is larger than the file size limit")
    assert _outputs_of(project) == before and not (project / STAGE).exists()
    assert _generate(project)[0] == 0  # room again: the write goes through


def test_a_read_only_generated_file_is_named_and_kept_until_it_is_made_writable(project: Path) -> None:
    codes = project / "src/acme_errors/codes.py"
    codes.chmod(0o444)
    kept = codes.read_bytes()
    status, stderr = _generate(project)
    assert status == 1 and stderr.startswith("src/acme_errors/codes.py: error: is read-only")
    assert codes.read_bytes() == kept
    codes.chmod(0o644)
    assert _generate(project)[0] == 0
    assert codes.read_bytes() != kept


def test_generate_check_reports_a_directory_in_the_way_as_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "src/acme_errors/models.py").unlink()
    (project / "src/acme_errors/models.py").mkdir()
    monkeypatch.chdir(project)
    assert main(["generate", "--check"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "src/acme_errors/models.py: error: is a directory, where errcat writes a generated file; "
        "move it away and run the command again\n"
    )


def test_check_reads_nothing_it_should_not(tmp_path: Path) -> None:
    assert check({"a.txt": "a"}, tmp_path / "missing") != []  # a missing root: every file is missing
    (tmp_path / "file").write_text("x")
    assert [d.path for d in check({"file/a.txt": "a"}, tmp_path)] == ["file/a.txt"]
    with pytest.raises(WriteError, match="is a directory"):
        (tmp_path / "d.txt").mkdir()
        check({"d.txt": "x"}, tmp_path)


@pytest.mark.slow
def test_kill_9_at_random_moments_of_the_real_writers_leaves_nothing_mixed_or_left_behind() -> None:
    """The kill -9 loop of benchmarks/bench_kill.py, small: real commands, real SIGKILL, random times."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_kill.py"), "--runs", "9", "--codes", "30"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("  errcat ")]
    assert len(rows) == 2
    for row in rows:
        runs, kills, mixed, leftovers = int(row[-8]), int(row[-7]), int(row[-2]), int(row[-1])
        assert (runs, mixed, leftovers) == (9, 0, 0) and kills > 0, row


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
