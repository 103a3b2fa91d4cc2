"""The site's writer and build step: rendered files to disk, then the real ``mkdocs build --strict``.

:func:`write_site` writes what :func:`errcat.site.render.render_site` produced under the site
directory atomically (:mod:`errcat.codegen.writer`: every temporary file first, then
``os.replace``), removes generated files the catalog no longer produces, and copies the
published contracts (``schemas/error-response.schema.json``, ``schemas/openapi-errors.yaml``)
into ``docs/downloads/`` when they exist. :func:`check_site` writes nothing and reports drift.
:func:`build_site` runs MkDocs in a child process, so what it checks is exactly what
``mkdocs build --strict`` checks.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from errcat.codegen.writer import Drift, check, write

__all__ = ["BuildFailed", "SiteBuild", "build_site", "check_site", "contracts_in", "serve_site", "write_site"]

#: Generated files live under these parts of the site directory; anything else there is a stale output.
GENERATED_DIRS = ("docs",)
DOWNLOADS = "docs/downloads"


class BuildFailed(Exception):
    """``mkdocs build --strict`` failed; the message holds its output."""


@dataclass(frozen=True, slots=True)
class SiteBuild:
    """What a build wrote: the files that changed and where the HTML went."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]
    output: Path


def contracts_in(schemas_dir: Path, names: tuple[str, ...]) -> tuple[str, ...]:
    """The contract files among ``names`` that exist in ``schemas_dir``."""
    return tuple(name for name in names if (schemas_dir / name).is_file())


def write_site(files: Mapping[str, str], site_dir: Path, contracts: Mapping[str, Path]) -> SiteBuild:
    """Write ``files`` under ``site_dir``, copy the ``contracts`` into the downloads, prune stale files."""
    changed = write(files, site_dir)
    copies = {f"{DOWNLOADS}/{name}": source.read_text(encoding="utf-8") for name, source in contracts.items()}
    changed += write(copies, site_dir)
    keep = set(files) | set(copies)
    stale = sorted(path for path in _files_under(site_dir, GENERATED_DIRS) if path not in keep)
    emptied: set[str] = set()
    for relative in stale:
        (site_dir / relative).unlink()
        emptied.add(posixpath.dirname(relative))
    # Directories left empty go too, deepest first, up to (not including) the generated tops.
    while emptied:
        directory = max(emptied, key=lambda d: d.count("/"))
        emptied.discard(directory)
        if directory not in GENERATED_DIRS and not os.listdir(site_dir / directory):
            (site_dir / directory).rmdir()
            emptied.add(posixpath.dirname(directory))
    return SiteBuild(tuple(sorted(changed)), tuple(stale), site_dir / "build")


def _files_under(site_dir: Path, tops: tuple[str, ...]) -> list[str]:
    """Every file below ``tops`` of ``site_dir``, relative to it (one ``os.walk``, no stat per file)."""
    found = []
    for top in tops:
        for directory, _, names in os.walk(site_dir / top):
            relative = Path(directory).relative_to(site_dir).as_posix()
            found += [f"{relative}/{name}" for name in names]
    return found


def check_site(files: Mapping[str, str], site_dir: Path) -> list[Drift]:
    """The generated files that are missing, differ, or should no longer exist; writes nothing."""
    drifts = check(files, site_dir)
    for relative in sorted(_files_under(site_dir, GENERATED_DIRS)):
        if relative not in files and not relative.startswith(DOWNLOADS + "/"):
            drifts.append(Drift(relative, f"--- a/{relative}\n+++ /dev/null\n(no longer generated)\n"))
    return drifts


def _mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def _environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material's end-of-life banner


def build_site(site_dir: Path, output: Path | None = None) -> Path:
    """Run ``mkdocs build --strict`` on the project in ``site_dir``; the HTML goes to ``output``."""
    output = output or site_dir / "build"
    if output.exists():
        shutil.rmtree(output)
    done = subprocess.run(
        _mkdocs(
            "build", "--strict", "--quiet", "-f", str(site_dir / "mkdocs.yml"), "-d", str(output.resolve())
        ),
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
    )
    if done.returncode != 0:
        raise BuildFailed((done.stdout + done.stderr).strip() or f"mkdocs exited with {done.returncode}")
    return output


def serve_site(site_dir: Path, address: str) -> int:
    """Run ``mkdocs serve`` on ``site_dir`` (for authors); returns its exit status."""
    return subprocess.call(
        _mkdocs("serve", "--strict", "-f", str(site_dir / "mkdocs.yml"), "-a", address), env=_environment()
    )
