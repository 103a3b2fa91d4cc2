"""Run every benchmark: ``python benchmarks/run.py`` (or name some: ``run.py check codegen``).

Each ``benchmarks/bench_<name>.py`` is a script that prints its own table of
figures, errcat's beside the peer tool's, measured in the same run. They run
one after another in fresh interpreters so that none warms another's caches.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {f"bench_{name}.py" for name in argv}
        scripts = [s for s in scripts if s.name in wanted]
    failed = 0
    for script in scripts:
        print(f"== {script.stem.removeprefix('bench_')} ==", flush=True)
        failed |= subprocess.call([sys.executable, str(script)]) != 0
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
