"""The journal and recovery: after a kill at any step, the next run leaves all old or all new, nothing else.

Each write runs in a forked child that SIGKILLs itself at step N, for every N (the writer
calls its ``step`` hook before each step); then recovery, the next run's first act, runs,
and is itself killed at each of its steps. The slow test kills the real commands at
random moments (the loop of benchmarks/bench_kill.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.builders import ROOT
from tests.toolchain.write._harness import (
    State,
    each_kind,
    killed_at,
    recover_now,
    restore,
    state,
    steps_of,
    written,
)

from errcat.toolchain.write import Step, commit

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
