"""``errcat docs build [--check]`` and ``errcat docs serve``: the reference site, built or served.

MkDocs runs in a child process (:mod:`errcat.toolchain.mkdocs`); a missing MkDocs is named
before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable

from errcat.toolchain.commands.catalogs import load_catalog
from errcat.toolchain.commands.outcome import (
    EXIT_FAILED,
    EXIT_OK,
    Outcome,
    Stop,
    drift_outcome,
    io_problem,
    shown_path,
)
from errcat.toolchain.project import Project
from errcat.toolchain.terminal import printable


def docs_build(project: Project, *, check_only: bool = False, command: str = "errcat docs build") -> Outcome:
    """``errcat docs build [--check]``: render the site's pages, then run ``mkdocs build --strict``."""
    _require_mkdocs()
    from errcat.toolchain.mkdocs import BuildFailed, check_site, write_site

    files = _site_files(project, command)
    try:
        if check_only:
            return drift_outcome(check_site(files, project.site_dir), project, "errcat docs build")
        # The pages and the HTML are one transaction: a failed build leaves both as they were.
        written = write_site(files, project.site_dir, build=True)
    except BuildFailed as exc:
        return Outcome(EXIT_FAILED, stderr=printable(f"errcat: mkdocs build --strict failed:\n{exc}"))
    except OSError as exc:
        return io_problem(exc)
    return Outcome(
        EXIT_OK,
        stderr=f"errcat: {len(written.changed)} of {len(files)} page file(s) updated, "
        f"{len(written.removed)} removed; site built in {shown_path(project.site_dir / 'build')}",
    )


def docs_serve(
    project: Project, address: str, *, command: str = "errcat docs serve", say: Callable[[str], None] = print
) -> Outcome:
    """``errcat docs serve``: the site with live reload, its pages rendered again when the catalog changes."""
    _require_mkdocs()
    from errcat.toolchain.mkdocs import serve_site, write_site

    try:
        write_site(_site_files(project, command), project.site_dir)
    except OSError as exc:
        return io_problem(exc)

    def rerender() -> None:
        try:
            again = _site_files(project, command)
            written = write_site(again, project.site_dir)
        except Stop as stop:  # a catalog with errors while the author types: say so, keep serving
            say(stop.outcome.stderr or stop.outcome.stdout)
            return
        except OSError as exc:  # the same for a page that cannot be written
            say(io_problem(exc).stderr)
            return
        say(f"errcat: {project.catalog_name} changed; {len(written.changed)} page file(s) rendered again")

    status = serve_site(project.site_dir, address, watch=project.catalog, on_change=rerender)
    return Outcome(status)


def _site_files(project: Project, command: str) -> dict[str, str]:
    from errcat.toolchain.render.site import SiteOptions, render_site

    catalog = load_catalog(project)
    return render_site(catalog, SiteOptions(command=command, package=project.package))


def _require_mkdocs() -> None:
    """MkDocs runs in a child process; a missing one is named before anything is written."""
    import importlib.util

    for module in ("mkdocs", "material"):
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
