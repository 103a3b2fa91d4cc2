"""kill -9 at random moments of the real ``errcat generate`` and ``errcat docs build``: nothing mixed or left.

``python benchmarks/bench_kill.py [--runs N] [--codes N] [--seed N]``

For each writer, a project in a temporary directory switches between two versions of a
synthetic catalog (``benchmarks/synthetic.py``, ``--codes`` codes; the second version edits
every code's name and title, so files change, appear and go). Each run starts the
real command and sends it SIGKILL at a random moment: a third of the kills at a uniform
time over a whole run, a third over its write (from the moment its staging directory
appears: staging, the MkDocs build), a third over its apply (from the moment its journal
appears: the renames). Then the next run's first step, recovery, is taken (as
``errcat`` takes it, under the lock: after a kill during ``mkdocs build``, it waits for the
orphaned MkDocs, which holds the lock), and every output is compared with the two
versions' outputs, byte for byte: the generated package and contracts; the site's pages and
its whole built HTML.

Reported per writer: runs, kills (how many landed in the write, and after its commit),
outcomes all old and all new, mixed outcomes (must be 0) and leftover temporary files
(must be 0). Exits 1 if either figure is not 0.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import synthetic_catalog  # noqa: E402

from errcat.toolchain.write import STAGE, locked, recover  # noqa: E402

CONFIG = '[tool.errcat]\npackage = "synthetic_errors"\n'
State = dict[str, bytes]


def versions(codes: int) -> tuple[str, str]:
    """Two versions of a synthetic catalog: the second renames and retitles every code.

    So every code's page goes and another comes, and every generated module changes.
    """
    old = synthetic_catalog(codes)
    new = re.sub(
        r"^(    title: .*)$", r"\1 (second version)", old.replace("_problem_", "_issue_"), flags=re.M
    )
    return old, new


def outputs(project: Path, writer: str) -> State:
    """Every file a writer owns, plus anything errcat left behind, by path."""
    tops = ("src", "schemas") if writer == "generate" else ("site",)
    found: State = {}
    for top in tops:
        for path in sorted((project / top).rglob("*")):
            if path.is_file() or path.is_symlink():
                found[path.relative_to(project).as_posix()] = path.read_bytes()
    for leftover in project.rglob(f"*{STAGE}*"):
        found[leftover.relative_to(project).as_posix()] = b"(leftover)"
    return found


def command(writer: str) -> list[str]:
    return [sys.executable, "-m", "errcat", *(["generate"] if writer == "generate" else ["docs", "build"])]


def full_run(project: Path, writer: str) -> dict[str, float]:
    """One complete run: how long it took, its write (staging directory) and its apply (journal) lasted."""
    root = project if writer == "generate" else project / "site"
    seen: dict[str, float] = {}
    start = time.perf_counter()
    run = subprocess.Popen(command(writer), cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while run.poll() is None:
        now = time.perf_counter()
        for name, path in (("write", root / STAGE), ("apply", root / STAGE / "journal.json")):
            if path.exists():
                seen.setdefault(name, now)
            elif name in seen:
                seen.setdefault(f"{name} end", now)
        time.sleep(0.0002)
    end = time.perf_counter()
    if run.returncode != 0:
        raise SystemExit(f"{writer} failed: {run.stderr.read().decode() if run.stderr else ''}")
    lasted = {"run": end - start}
    for name in ("write", "apply"):
        lasted[name] = seen.get(f"{name} end", end) - seen[name] if name in seen else 0.001
    return lasted


def use(project: Path, text: str) -> None:
    (project / "catalog" / "errors.yaml").write_text(text, "utf-8")


def loop(writer: str, runs: int, codes: int, rng: random.Random) -> dict[str, int]:
    old_text, new_text = versions(codes)
    with tempfile.TemporaryDirectory(prefix=f"bench-kill-{writer}-") as tmp:
        project = Path(tmp)
        (project / "catalog").mkdir()
        (project / "pyproject.toml").write_text(CONFIG)
        root = project if writer == "generate" else project / "site"
        states: dict[str, State] = {}
        timings = []
        for name, text in (("old", old_text), ("new", new_text)):
            use(project, text)
            timings.append(full_run(project, writer))
            states[name] = outputs(project, writer)
        assert states["old"] != states["new"]
        current = "new"
        figures = dict.fromkeys(
            ("runs", "kills", "in the write", "after the commit", "all old", "all new", "mixed", "leftovers"),
            0,
        )
        lasted = {name: max(t[name] for t in timings) for name in timings[0]}
        for number in range(runs):
            target = "old" if current == "new" else "new"
            use(project, old_text if target == "old" else new_text)
            figures["runs"] += 1
            run = subprocess.Popen(
                command(writer), cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            # A third of the kills at a uniform time over a whole run, a third over its write
            # (from the first staged file), a third over its apply (from the journal on).
            mode = ("run", "write", "apply")[number % 3]
            marker = {"run": None, "write": root / STAGE, "apply": root / STAGE / "journal.json"}[mode]
            while marker is not None and not marker.exists() and run.poll() is None:
                time.sleep(0.0002)
            time.sleep(rng.uniform(0, lasted[mode]))
            in_write = (root / STAGE).exists()
            committed = (root / STAGE / "journal.json").exists()
            if run.poll() is None:
                os.kill(run.pid, signal.SIGKILL)
                figures["kills"] += 1
                figures["in the write"] += in_write
                figures["after the commit"] += committed
            run.wait()
            if run.returncode not in (0, -signal.SIGKILL):
                raise SystemExit(f"{writer} failed: {run.stderr.read().decode() if run.stderr else ''}")
            if root.exists():
                with locked(root):  # what the next run does first
                    recover(root)
            now = outputs(project, writer)
            leftovers = [p for p in now if STAGE in p or (p not in states["old"] and p not in states["new"])]
            figures["leftovers"] += len(leftovers)
            if now == states[target]:
                figures["all new"] += 1
                current = target
            elif now == states[current]:
                figures["all old"] += 1
            else:
                figures["mixed"] += 1
                mixed_old = sum(
                    now.get(p) == b for p, b in states[current].items() if states[target].get(p) != b
                )
                mixed_new = sum(
                    now.get(p) == b for p, b in states[target].items() if states[current].get(p) != b
                )
                print(f"  run {number}: a mix of {mixed_old} old and {mixed_new} new files", flush=True)
                use(project, old_text if target == "old" else new_text)
                full_run(project, writer)
                current = target
        return figures


def main(argv: list[str]) -> int:
    def option(name: str, default: int) -> int:
        return int(argv[argv.index(name) + 1]) if name in argv else default

    runs, codes, seed = option("--runs", 20), option("--codes", 200), option("--seed", 11)
    rng = random.Random(seed)
    print(f"{runs} runs of each writer, killed with SIGKILL at random; catalog of {codes} codes, seed {seed}")
    print(
        f"  {'writer':<18} {'runs':>5} {'kills':>6} {'in write':>9} {'committed':>10} {'all old':>8} "
        f"{'all new':>8} {'mixed':>6} {'leftovers':>10}"
    )
    failed = False
    for writer in ("generate", "docs build"):
        f = loop(writer, runs, codes, rng)
        print(
            f"  errcat {writer:<11} {f['runs']:>5} {f['kills']:>6} {f['in the write']:>9} "
            f"{f['after the commit']:>10} {f['all old']:>8} "
            f"{f['all new']:>8} {f['mixed']:>6} {f['leftovers']:>10}",
            flush=True,
        )
        failed |= f["mixed"] > 0 or f["leftovers"] > 0 or f["kills"] == 0
    print(
        f"  [{'MISSED' if failed else 'met'}] no mixed outcome and no leftover temporary file after any kill"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
