"""Shared helpers of the code generation benchmarks (bench_import, bench_hotpath, bench_generate)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic import synthetic_catalog  # noqa: E402

__all__ = ["ROOT", "generate_synthetic", "interleaved_medians", "median_run", "row", "synthetic_catalog"]


def generate_synthetic(n: int, out: Path, package: str = "synth") -> Path:
    """The package of a synthetic catalog of ``n`` codes, compiled; the directory that holds it."""
    out.mkdir(parents=True, exist_ok=True)
    catalog = out / f"catalog{n}.yaml"
    catalog.write_text(synthetic_catalog(n))
    subprocess.run(
        [sys.executable, "-m", "errcat", "generate", "--catalog", str(catalog), "--package", package],
        cwd=out,  # no [tool.errcat] here: the package goes to src/<package>, the contracts to schemas/
        check=True,
        capture_output=True,
    )
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(out / "src")], check=True)
    return out / "src"


def median_run(code: str, path: Path | None = None, runs: int = 15, *, source_tree: bool = True) -> float:
    """Median wall time (seconds) of a fresh interpreter running ``code``.

    ``path`` goes on ``PYTHONPATH``, after the source tree unless ``source_tree`` is false.
    """
    pythonpath = ([ROOT / "src"] if source_tree else []) + ([path] if path else [])
    return interleaved_medians({"": code}, pythonpath, runs)[""]


def interleaved_medians(codes: dict[str, str], pythonpath: list[Path], runs: int) -> dict[str, float]:
    """Median wall time (seconds) of a fresh interpreter running each of ``codes`` (label -> code).

    The codes take turns, one run each per round, so that a drift of the machine's speed
    during the measurement weighs on all of them alike: ratios of figures measured
    one after the other in blocks were seen to swing by 10 %.
    """
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(map(str, pythonpath))
    times: dict[str, list[float]] = {label: [] for label in codes}
    for _ in range(runs):
        for label, code in codes.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            times[label].append(time.perf_counter() - start)
    return {label: statistics.median(figures) for label, figures in times.items()}


def row(label: str, ours: float, peer: float, peer_label: str, unit: str = "ms", scale: float = 1e3) -> str:
    ratio = peer / ours if ours else float("inf")
    return (
        f"{label:<44} errcat {ours * scale:9.2f} {unit}   {peer_label} {peer * scale:9.2f} {unit}"
        f"   peer/errcat {ratio:6.1f}x"
    )
