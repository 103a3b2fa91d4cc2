"""Site build time: errcat's layout against the naive one-page-per-code layout, same content, same run.

``python benchmarks/bench_site.py [--quick]``. For the shipped catalog and synthetic catalogs of
300 and 3,000 codes (``benchmarks/synthetic.py``) it times, in the same run:

- errcat: render the pages, write them, run the real ``mkdocs build --strict`` (the whole
  ``errcat docs build``): each code's entry under an anchor of its category page, plus a small
  static page at ``codes/<code>/`` that forwards there; the site's hooks (``errcat.toolchain.mkdocs_hooks``)
  keep the finished entries out of Markdown's HTML parsers;
- errcat without hooks: the same, with the hooks left out of ``mkdocs.yml`` (what they save);
- naive: the same entries (and hooks) split into one Material page per code at ``codes/<code>/``, with a
  navigation listing every page (what makes MkDocs quadratic); at 3,000 codes that takes minutes,
  so there the naive figure is one page per code with navigation left out (still linear).

Medians of five runs (the naive layout: three, once at 3,000 codes); seconds per 1,000 codes beside
each. The figures are wall time: on a machine shared with other jobs, file-system contention moves
single runs by seconds, hence the medians and an ``os.sync()`` before each run.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import synthetic_catalog  # noqa: E402

from errcat.toolchain.load import load_bytes  # noqa: E402
from errcat.toolchain.mkdocs import build_site, write_site  # noqa: E402
from errcat.toolchain.model import Catalog  # noqa: E402
from errcat.toolchain.render.site import render_site  # noqa: E402


def errcat_build(catalog: Catalog, site: Path, *, hooks: bool = True) -> None:
    files = render_site(catalog)
    if not hooks:
        files = {p: t.replace("hooks:\n  - hooks.py\n", "") for p, t in files.items() if p != "hooks.py"}
    write_site(files, site)
    build_site(site)


def naive_build(catalog: Catalog, site: Path, *, full_nav: bool) -> None:
    files = render_site(catalog)
    pages: dict[str, str] = {}
    for path, text in files.items():
        if path.startswith("docs/categories/"):
            for code, body in re.findall(r"^## (\S+) \{#\S+\}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S):
                pages[f"docs/codes/{code}/index.md"] = f"# {code}\n\n{body}"
        elif not (path.startswith("docs/codes/") and path.endswith(".html")):
            pages[path] = text
    pages = {p: t for p, t in pages.items() if not p.startswith("docs/categories/")}
    config = files["mkdocs.yml"].split("\nnav:\n")[0] + "\nnav:\n  - Home: index.md\n"
    config = config.replace("    omitted_files: warn", "    omitted_files: ignore")
    config = re.sub(r"    anchors: warn|    unrecognized_links: warn", "    anchors: ignore", config)
    if full_nav:
        config += "  - Error codes:\n" + "".join(
            f"      - codes/{e.code}/index.md\n" for e in sorted(catalog.errors, key=lambda e: e.code)
        )
    pages["mkdocs.yml"] = config
    write_site(pages, site)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site / "mkdocs.yml")],
        check=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
    )


#: Built sites, removed only when every figure is taken: on this machine deleting a tree of a few
#: thousand files slows the disk for seconds afterwards, which would land in the next run's figure.
_BUILT: list[Path] = []


def timed(build: object, catalog: Catalog, repeats: int, **options: bool) -> float:
    runs = []
    for _ in range(repeats):
        site = Path(tempfile.mkdtemp(prefix="bench-site-"))
        _BUILT.append(site)
        os.sync()  # each run starts without the previous one's writes still queued for the disk
        start = time.perf_counter()
        build(catalog, site, **options)  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    shipped = (HERE.parent / "catalog" / "errors.yaml").read_bytes()
    cases = [("shipped", shipped, 5), ("300", synthetic_catalog(300).encode(), 5)]
    if not quick:
        cases.append(("3000", synthetic_catalog(3000).encode(), 5))
    print(
        f"{'catalog':>8} {'codes':>6} | {'errcat s':>9} {'s/1k':>7} | {'no hooks':>8} {'s/1k':>7} | "
        f"{'naive s':>8} {'s/1k':>7} {'naive layout':<22} | {'ratio':>6}"
    )
    for name, raw, repeats in cases:
        result = load_bytes(raw, f"{name}.yaml")
        assert result.catalog is not None, result.diagnostics
        catalog = result.catalog
        n = len(catalog.errors)
        ours = timed(errcat_build, catalog, repeats)
        unhooked = timed(errcat_build, catalog, repeats, hooks=False)
        full_nav = n <= 300
        naive = timed(naive_build, catalog, 3 if n <= 300 else 1, full_nav=full_nav)
        layout = "page/code, full nav" if full_nav else "page/code, no nav"
        print(
            f"{name:>8} {n:>6} | {ours:>9.2f} {ours * 1000 / n:>7.2f} | {unhooked:>8.2f} "
            f"{unhooked * 1000 / n:>7.2f} | {naive:>8.2f} "
            f"{naive * 1000 / n:>7.2f} {layout:<22} | {naive / ours:>5.1f}x",
            flush=True,
        )
    return 0


def _cleanup() -> None:
    for site in _BUILT:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    try:
        status = main(sys.argv[1:])
    finally:
        _cleanup()
    sys.exit(status)
