"""``errcat generate`` (a whole process, catalog to files) against datamodel-code-generator, in one run.

``python benchmarks/bench_generate.py [--full]``: 10, 1,000 and 10,000 codes. The peer turns the
equivalent JSON Schema (one object per code with its constant code and metadata fields, in a
discriminated union, as a user would write it for per-code models) into pydantic models, measured
twice: formatted by ruff, as errcat's output is (the like-for-like comparison), and with its default
formatting (black + isort, slower). For 10,000 codes the peer runs only with --full.

errcat's bytecode is compiled first (as an installed wheel has it, and as the peer's is). Its first
figure is the cold run: each run gets an empty cache directory (XDG_CACHE_HOME), as the very first run
on a machine does, so the templates are compiled every time. The "templates cached" rows are the
usual later run, with the compiled templates in Jinja2's bytecode cache (a private cache directory,
filled by one run first). Each run writes into an empty directory.

The last line is the floor of any generator built on errcat's three libraries: a Python process
that only imports Jinja2, PyYAML and jsonschema-rs (no ruff process, nothing read or written), next
to the time the issue's target (7x faster than the peer, formatted by ruff) allows for 10 codes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _codegen_common import ROOT, row, synthetic_catalog

CATEGORIES = ("authentication", "authorization", "validation", "resource", "server")


def equivalent_schema(n: int) -> dict[str, object]:
    defs: dict[str, object] = {}
    refs = []
    for i in range(n):
        code = f"{CATEGORIES[i % 5]}_problem_{i}"
        name = "".join(p.capitalize() for p in code.split("_"))
        defs[name] = {
            "type": "object",
            "title": name,
            "description": f"{CATEGORIES[i % 5]} problem number {i}.",
            "required": ["code", "message"],
            "properties": {
                "code": {"const": code},
                "message": {"type": "string"},
                "request_id": {"type": "string"},
                "doc_url": {"type": "string"},
                "resource_id": {"type": "string"},
                "business_id": {"type": "string"},
            },
        }
        refs.append({"$ref": f"#/$defs/{name}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ErrorResponse",
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"oneOf": refs, "discriminator": {"propertyName": "code"}}},
        "$defs": defs,
    }


#: The issue's target: errcat generate at least this many times faster than the peer.
TARGET_RATIO = 7


def timed(command: list[str], cwd: Path, runs: int, cache: Path | None = None) -> float:
    """Median wall time of ``command``; every run writes into a new, empty output directory.

    With ``cache`` every run uses that cache directory; without, each run gets a new, empty one.
    """
    times = []
    for run in range(runs):
        env = dict(os.environ)
        env["ERRCAT_CACHE_DIR"] = str(cache or cwd / f"cold-cache-{run}-{time.monotonic_ns()}")
        fresh = [arg.replace("{run}", f"{run}-{time.monotonic_ns()}") for arg in command]
        start = time.perf_counter()
        subprocess.run(fresh, cwd=cwd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peer_command(n: int, formatters: list[str]) -> list[str]:
    return [
        str(Path(sys.executable).parent / "datamodel-codegen"),
        "--input",
        f"s{n}.json",
        "--input-file-type",
        "jsonschema",
        "--output-model-type",
        "pydantic_v2.BaseModel",
        *formatters,
        "--output",
        f"p{n}-{{run}}.py",
    ]


def main() -> None:
    full = "--full" in sys.argv
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        peer_on_10 = 0.0
        for n in (10, 1_000, 10_000):
            (work / f"c{n}.yaml").write_text(synthetic_catalog(n))
            (work / f"s{n}.json").write_text(json.dumps(equivalent_schema(n)))
            command = [
                sys.executable,
                "-m",
                "errcat",
                "generate",
                "--catalog",
                f"c{n}.yaml",
                "--out",
                f"o{n}-{{run}}",
                "--package",
                "synth",
            ]
            runs = 5 if n < 10_000 else 3
            cold = timed(command, work, runs)
            cache = work / f"cache-{n}"
            timed(command, work, 1, cache)  # fills the template cache of the runs below
            ours = timed(command, work, runs, cache)
            if n < 10_000 or full:
                peer_runs = 3 if n < 10_000 else 1
                ruff = timed(peer_command(n, ["--formatters", "ruff-format"]), work, peer_runs)
                default = timed(peer_command(n, []), work, peer_runs)
                heading = f"errcat generate, {n:,} codes (cold)"
                for label, figure in ((heading, cold), ("  templates cached", ours)):
                    print(row(label, figure, ruff, "datamodel-codegen (ruff)   ", "s", 1))
                    print(row("", figure, default, "datamodel-codegen (default)", "s", 1))
                if n == 10:
                    peer_on_10 = ruff
            else:
                label = f"errcat generate, {n:,} codes (cold)"
                print(f"{label:<44} errcat {cold:9.2f} s    datamodel-codegen: --full")
                print(f"{'  templates cached':<44} errcat {ours:9.2f} s")
        floor = timed([sys.executable, "-c", "import jinja2, yaml, jsonschema_rs"], work, 15)
        print(
            f"floor: a process importing only Jinja2, PyYAML and jsonschema-rs takes {floor:.3f} s; "
            f"{TARGET_RATIO}x faster than the peer (ruff) on 10 codes is {peer_on_10 / TARGET_RATIO:.3f} s"
        )


if __name__ == "__main__":
    main()
