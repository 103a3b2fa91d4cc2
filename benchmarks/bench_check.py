"""``errcat check`` against the loaders and validators it could have been built on, in one run.

``python benchmarks/bench_check.py [--full] [--runs N]``

Every figure is a whole fresh process (interpreter start, imports, reading the
file, the work), measured the same way for errcat and for each peer: median
wall time of N runs, and the largest peak resident memory over those runs
(``os.wait4``'s ``ru_maxrss``). Bytecode is compiled first, as an installed
wheel has it. For synthetic catalogs of 100, 1,000 and 10,000 codes
(``benchmarks/synthetic.py``, every field filled):

- ``errcat check --no-cache``: YAML with line numbers, JSON Schema, semantic rules;
- ``errcat check`` again on the unchanged file: served from the content-hash cache;
- PyYAML ``CSafeLoader`` merely loading the file (no positions, no checks);
- ruamel.yaml round-trip load (what keeps positions in pure Python); 10,000 codes
  take about 18 s a run, so only with ``--full``;
- jsonschema's Python validator on the data (loaded from JSON, so that only the
  validation is PyYAML-free);
- ``json.loads`` + jsonschema-rs on the same data as JSON: the floor, with neither
  YAML nor line numbers.

Targets (issue 2): cold check of 10,000 codes <= 1 s and faster than PyYAML's bare
load; <= 0.1 s warm; time grows linearly with the number of codes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic import synthetic_catalog  # noqa: E402

SIZES = (100, 1_000, 10_000)
SCHEMA = ROOT / "schemas" / "catalog.schema.json"

# Each peer is a script run as `python -c SCRIPT FILE`; it does its work once and exits.
PEERS = {
    "PyYAML CSafeLoader load": (
        "yaml",
        "import sys, yaml\nwith open(sys.argv[1], 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)",
    ),
    "ruamel.yaml round-trip load": (
        "yaml",
        "import sys\nfrom ruamel.yaml import YAML\nwith open(sys.argv[1], 'rb') as f: YAML(typ='rt').load(f)",
    ),
    "json + jsonschema (Python)": (
        "json",
        "import json, sys\nfrom jsonschema import Draft202012Validator\n"
        f"schema = json.load(open({str(SCHEMA)!r}))\n"
        "with open(sys.argv[1], 'rb') as f: data = json.load(f)\n"
        "errors = list(Draft202012Validator(schema).iter_errors(data))\nassert not errors, errors[:3]",
    ),
    "json + jsonschema-rs (floor)": (
        "json",
        "import json, sys\nimport jsonschema_rs\n"
        f"schema = json.load(open({str(SCHEMA)!r}))\n"
        "with open(sys.argv[1], 'rb') as f: data = json.load(f)\n"
        "errors = list(jsonschema_rs.validator_for(schema).iter_errors(data))\nassert not errors, errors[:3]",
    ),
}


def write_json_twin(yaml_path: Path, json_path: Path) -> None:
    """The same data as JSON, written by a child: this process stays small, so that its
    children's peak RSS (which starts from the parent's at fork) is theirs."""
    script = (
        "import json, sys, yaml\n"
        "data = yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)\n"
        "open(sys.argv[2], 'w').write(json.dumps(data))"
    )
    subprocess.run([sys.executable, "-c", script, str(yaml_path), str(json_path)], check=True)


def measure(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MiB) of ``argv`` run ``runs`` times in fresh processes."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        proc.returncode = os.waitstatus_to_exitcode(status)
        error = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"{argv[:3]} failed ({proc.returncode}):\n{error}")
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
    return statistics.median(times), max(peaks)


def main() -> int:
    full = "--full" in sys.argv
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "ERRCAT_CATALOG")}
    python = sys.executable
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env["ERRCAT_CACHE_DIR"] = str(Path(tmp) / "cache")
        bare = measure([python, "-c", "pass"], env, runs)
        print(
            f"python -c pass (interpreter start, in every figure below): {bare[0]:.3f} s, {bare[1]:.0f} MiB"
        )
        print(f"median of {runs} fresh processes each; peak = max RSS over those runs\n")
        for n in SIZES:
            yaml_path = Path(tmp) / f"catalog{n}.yaml"
            yaml_path.write_text(synthetic_catalog(n), "utf-8")
            json_path = yaml_path.with_suffix(".json")
            write_json_twin(yaml_path, json_path)
            files = {"yaml": yaml_path, "json": json_path}
            size_runs = max(3, runs // 2) if n >= 10_000 else runs
            row: dict[str, tuple[float, float]] = {}
            check = [python, "-m", "errcat", "check"]
            row["errcat check (cold, --no-cache)"] = measure(
                [*check, "--no-cache", str(yaml_path)], env, size_runs
            )
            measure([*check, str(yaml_path)], env, 1)  # fills the cache
            row["errcat check (warm, unchanged)"] = measure([*check, str(yaml_path)], env, size_runs)
            for name, (kind, script) in PEERS.items():
                if name.startswith("ruamel") and n >= 10_000 and not full:
                    continue
                peer_runs = 1 if name.startswith("ruamel") and n >= 10_000 else size_runs
                row[name] = measure([python, "-c", script, str(files[kind])], env, peer_runs)
            results[n] = row
            print_table(n, yaml_path.stat().st_size, row)
    return report_targets(results, full)


def print_table(n: int, size: int, row: dict[str, tuple[float, float]]) -> None:
    cold = row["errcat check (cold, --no-cache)"][0]
    print(f"{n:,} codes ({size / 1e6:.1f} MB of YAML)")
    print(f"  {'':34} {'wall':>9} {'peak':>9} {'vs errcat cold':>15}")
    for name, (wall, peak) in row.items():
        print(f"  {name:34} {wall:8.3f}s {peak:7.0f}MiB {wall / cold:14.2f}x")
    print()


def report_targets(results: dict[int, dict[str, tuple[float, float]]], full: bool) -> int:
    cold = {n: r["errcat check (cold, --no-cache)"][0] for n, r in results.items()}
    warm = results[10_000]["errcat check (warm, unchanged)"][0]
    pyyaml = results[10_000]["PyYAML CSafeLoader load"][0]
    # Linear growth: the marginal cost of a code, between 100 and 1,000 codes and between 1,000 and
    # 10,000 (fixed costs such as imports and compiling the schema cancel out).
    small = (cold[1_000] - cold[100]) / 900 * 1e6
    large = (cold[10_000] - cold[1_000]) / 9_000 * 1e6
    checks = [
        (f"cold check of 10,000 codes {cold[10_000]:.3f} s <= 1 s", cold[10_000] <= 1.0),
        (
            f"faster than PyYAML's bare load ({pyyaml:.3f} s): {pyyaml / cold[10_000]:.1f}x",
            cold[10_000] < pyyaml,
        ),
        (f"warm check of 10,000 codes {warm:.3f} s <= 0.1 s", warm <= 0.1),
        (
            f"linear growth: {small:.0f} us per extra code from 100 to 1,000 codes, "
            f"{large:.0f} us from 1,000 to 10,000",
            large <= small * 1.5,
        ),
    ]
    if not full:
        print("ruamel.yaml on 10,000 codes skipped (about 18 s a run); --full includes it")
    for text, ok in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
