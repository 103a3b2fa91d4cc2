"""The TypeScript output: the time it adds to ``errcat generate``, and its speed in Node against the peers.

``python benchmarks/bench_typescript.py``; every figure is a median of runs that take turns, measured
in one run of this script:

1. ``errcat generate`` (a whole process) for 1,000 and 10,000 codes, the Python output alone and
   with the TypeScript output: the extra time against the issue's budget (0.3 s and 1 s).
2. Loading the generated ``codes.js`` (ErrorCode: the union's record with every code's facts) in a
   fresh Node process for 10,000 codes, against a naive TypeScript ``enum`` of the same codes
   compiled by tsc; and, for scale, the whole package (``index.js``: one class per code too).
3. ``fromResponse(status, body)`` per call against ``JSON.parse`` alone of the same body text.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _codegen_common import ROOT, synthetic_catalog

NODE_BIN = ROOT / "node_modules" / ".bin"
GENERATE_BUDGET = {1_000: 0.3, 10_000: 1.0}


def ratio_row(label: str, ours: float, peer: float, unit: str, note: str = "") -> str:
    return f"{label:<58} {ours:>10.3f} {unit:<3} {peer:>10.3f} {unit:<3} {ours / peer:>6.2f}x  {note}"


def generate_times(n: int, work: Path, runs: int) -> tuple[float, float]:
    """Median seconds of ``errcat generate`` with outputs ["python"] and ["python", "typescript"]."""
    catalog = work / f"catalog{n}.yaml"
    catalog.write_text(synthetic_catalog(n))
    configs = {}
    for label, outputs in (("python", ["python"]), ("both", ["python", "typescript"])):
        config = work / f"{label}{n}.toml"
        config.write_text(
            "[tool.errcat]\n"
            f'catalog = "{catalog.name}"\npackage = "synth"\noutputs = {json.dumps(outputs)}\n'
            'typescript-dir = "web"\n'
        )
        configs[label] = config
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ERRCAT_CACHE_DIR": str(work / "cache")}
    times: dict[str, list[float]] = {"python": [], "both": []}
    for run in range(runs + 1):  # the first round fills the template cache and is not counted
        for label, config in configs.items():
            out = work / f"out-{label}-{n}-{run}"
            command = [sys.executable, "-m", "errcat", "generate", "--config", str(config), "--out", str(out)]
            start = time.perf_counter()
            subprocess.run(command, cwd=work, env=env, check=True, capture_output=True)
            if run:
                times[label].append(time.perf_counter() - start)
            shutil.rmtree(out)
    return statistics.median(times["python"]), statistics.median(times["both"])


LOAD = """
const start = performance.now();
await import(process.argv[1]);
console.log(performance.now() - start);
"""


def load_times(modules: dict[str, Path], runs: int) -> dict[str, float]:
    """Median milliseconds to import each module in a fresh Node process, the modules taking turns."""
    times: dict[str, list[float]] = {label: [] for label in modules}
    for _ in range(runs):
        for label, module in modules.items():
            done = subprocess.run(
                ["node", "--input-type=module", "-e", LOAD, "--", module.as_uri()],
                check=True,
                capture_output=True,
                text=True,
            )
            times[label].append(float(done.stdout))
    return {label: statistics.median(values) for label, values in times.items()}


NAMES = "const p = await import(process.argv[1]); console.log(JSON.stringify(Object.keys(p.ErrorCode)));"

PER_CALL = """
const pkg = await import(process.argv[1]);
const body = process.argv[2];
let sink = 0;
const parse = () => { sink += JSON.parse(body).error.message.length; };
const convert = () => { sink += pkg.fromResponse(404, body).message.length; };
function batch(f, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t) * 1e6 / n;
}
for (let i = 0; i < 5; i++) { batch(parse, 50000); batch(convert, 50000); }  // warm up: both compiled
const runs = { parse: [], convert: [] };
for (let i = 0; i < 15; i++) {
  runs.parse.push(batch(parse, 100000));
  runs.convert.push(batch(convert, 100000));
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
console.log(JSON.stringify({ parse: median(runs.parse), convert: median(runs.convert), sink }));
"""


def main() -> int:
    if shutil.which("node") is None or not (NODE_BIN / "tsc").exists():
        print("needs node and the npm tools (.ci/install-tools)", file=sys.stderr)
        return 2
    print(f"{'':<58} {'errcat':>14} {'peer':>14} {'ratio':>7}")
    failed = False
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for n, budget in GENERATE_BUDGET.items():
            python, both = generate_times(n, work, runs=7 if n == 1_000 else 5)
            extra = both - python
            verdict = "ok" if extra <= budget else "OVER"
            failed |= extra > budget
            print(ratio_row(f"generate {n:,} codes: python + typescript vs python", both, python, "s"))
            print(
                f"{'':<4}extra time for the TypeScript output: {extra:.3f} s (budget {budget} s): {verdict}"
            )

        # the package for 10,000 codes, and the naive enum of the same codes compiled by tsc
        n = 10_000
        catalog = work / "catalog10000.yaml"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ERRCAT_CACHE_DIR": str(work / "cache")}
        config = work / "ts.toml"
        config.write_text(
            f'[tool.errcat]\ncatalog = "{catalog.name}"\npackage = "synth"\noutputs = ["typescript"]\n'
            'typescript-dir = "pkg"\n'
        )
        subprocess.run(
            [sys.executable, "-m", "errcat", "generate", "--config", str(config), "--out", str(work / "ts")],
            cwd=work,
            env=env,
            check=True,
            capture_output=True,
        )
        package = work / "ts" / "pkg"
        names = json.loads(
            subprocess.run(
                ["node", "--input-type=module", "-e", NAMES, "--", (package / "codes.js").as_uri()],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        enum = work / "enum"
        enum.mkdir()
        members = "\n".join(f"  {code.upper()} = {json.dumps(code)}," for code in names)
        (enum / "codes.ts").write_text(f"export enum ErrorCode {{\n{members}\n}}\n")
        (enum / "package.json").write_text('{"type": "module"}')
        subprocess.run(
            [str(NODE_BIN / "tsc"), "--target", "es2022", "--module", "es2022", "codes.ts"],
            cwd=enum,
            check=True,
            capture_output=True,
        )
        loads = load_times(
            {"codes": package / "codes.js", "enum": enum / "codes.js", "index": package / "index.js"}, runs=21
        )
        verdict = "ok" if loads["codes"] <= loads["enum"] else "SLOWER"
        failed |= loads["codes"] > loads["enum"]
        print(
            ratio_row(
                f"import codes.js, {n:,} codes (Node) vs tsc enum",
                loads["codes"],
                loads["enum"],
                "ms",
                verdict,
            )
        )
        print(
            ratio_row(
                f"import index.js (every class too), {n:,} codes vs enum", loads["index"], loads["enum"], "ms"
            )
        )

        body = json.dumps(
            {
                "error": {
                    "code": "resource_problem_3",
                    "message": "The request hit resource problem number 3.",
                    "request_id": "req_01HV3KD6K0W2BC",
                    "doc_url": "https://errors.example.com/codes/resource_problem_3/",
                    "business_id": "biz_7Hq2mX",
                    "resource_id": "res_4Rt6Yp",
                }
            }
        )
        done = subprocess.run(
            ["node", "--input-type=module", "-e", PER_CALL, "--", (package / "index.js").as_uri(), body],
            check=True,
            capture_output=True,
            text=True,
        )
        per_call = json.loads(done.stdout)
        ratio = per_call["convert"] / per_call["parse"]
        verdict = "ok" if ratio <= 2 else "OVER"
        failed |= ratio > 2
        print(
            ratio_row(
                "fromResponse per call vs JSON.parse alone (budget 2x)",
                per_call["convert"],
                per_call["parse"],
                "ns",
                verdict,
            )
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
