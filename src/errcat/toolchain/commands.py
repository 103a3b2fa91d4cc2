"""What each ``errcat`` command does, as one function per command: a project in, an :class:`Outcome` out.

The CLI parses arguments into a :class:`~errcat.toolchain.project.Project`, calls one of
these, prints the outcome and exits with its status. Nothing here parses arguments or
prints; every problem a user can cause is a located diagnostic in the outcome, never an
exception.

Exit statuses: 0 all is well, 1 the catalog has errors (or a code is unknown, or generated
files drift), 2 a usage error (an unreadable catalog, a wrong setting, a missing toolchain).
A command that cannot go on raises :class:`Stop` with the outcome that says why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from errcat.toolchain.diagnostics import Diagnostic, format_github, format_json, format_text, has_errors
from errcat.toolchain.project import Project
from errcat.toolchain.terminal import printable

if TYPE_CHECKING:
    from errcat.toolchain.model import Catalog
    from errcat.toolchain.render.python import Layout
    from errcat.toolchain.write import Drift

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Outcome",
    "Stop",
    "check",
    "check_against",
    "diff",
    "docs_build",
    "docs_serve",
    "explain",
    "generate",
    "list_codes",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command says (to stdout and stderr) and its exit status."""

    status: int
    stdout: str = ""
    stderr: str = ""
    #: Diagnostics behind the outcome, for callers that want them as data.
    diagnostics: tuple[Diagnostic, ...] = field(default=())


class Stop(Exception):
    """A command cannot go on; ``outcome`` says why."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.stderr or outcome.stdout)
        self.outcome = outcome


def problems(diagnostics: list[Diagnostic], status: int) -> Outcome:
    """An outcome that reports ``diagnostics`` (as text, on stderr)."""
    return Outcome(status, stderr=printable(format_text(diagnostics)), diagnostics=tuple(diagnostics))


def _located(project: Project, setting: str, message: str, hint: str) -> Stop:
    """A problem with a setting: at its line of the configuration, or the flag's when a flag gave it."""
    if setting in project.from_flags:
        return Stop(
            Outcome(EXIT_USAGE, stderr=printable(f"errcat: --{setting.removesuffix('-dir')}: {message}"))
        )
    file, line, column = project.locate(setting)
    return Stop(problems([Diagnostic(file, line, column, "error", message, hint)], EXIT_USAGE))


# --- check --------------------------------------------------------------------------------------


def check(project: Project, *, fmt: str = "text", use_cache: bool = True, quiet: bool = False) -> Outcome:
    """``errcat check``: every problem of the catalog, or one line that says it is clean."""
    from errcat.toolchain import cache
    from errcat.toolchain.load import Unreadable, load_bytes, read_catalog

    name = project.catalog_name
    try:
        raw = read_catalog(project.catalog, name)
    except Unreadable as exc:
        return _check_outcome([exc.diagnostic], {}, fmt, name, quiet, EXIT_USAGE)
    # The cache knows clean catalogs only: a hit means no diagnostic at all, a miss a full check.
    key = cache.key_for(raw) if use_cache else None
    cached = cache.get(key) if key else None
    if cached is not None:
        found: list[Diagnostic] = []
        counts = cached
    else:
        result = load_bytes(raw, name, build=False)
        found, counts = list(result.diagnostics), result.counts
        if key and not found:
            cache.put(key, counts)
    return _check_outcome(found, counts, fmt, name, quiet)


def _check_outcome(
    found: list[Diagnostic],
    counts: dict[str, int],
    fmt: str,
    name: str,
    quiet: bool,
    status: int | None = None,
) -> Outcome:
    failed = has_errors(found)
    if status is None:
        status = EXIT_FAILED if failed else EXIT_OK
    if fmt == "json":
        return Outcome(status, stdout=format_json(found), diagnostics=tuple(found))
    if fmt == "github":
        return Outcome(status, stdout=format_github(found), diagnostics=tuple(found))
    text = printable(format_text(found)) if found else ""
    if not failed and not quiet:
        warnings = f", {len(found)} warning{'s' if len(found) != 1 else ''}" if found else ""
        summary = (
            f"{printable(name)}: ok, {_count(counts, 'errors', 'code')} in "
            f"{_count(counts, 'categories', 'category', 'categories')}, "
            f"{_count(counts, 'statuses', 'status', 'statuses')}{warnings}"
        )
        return Outcome(status, stdout=summary, stderr=text, diagnostics=tuple(found))
    return Outcome(status, stderr=text, diagnostics=tuple(found))


def _count(counts: dict[str, int], key: str, one: str, many: str | None = None) -> str:
    number = counts.get(key, 0)
    return f"{number} {one if number == 1 else many or one + 's'}"


def check_against(project: Project, ref: str) -> Outcome:
    """``errcat check --against REF``: also refuse codes deleted and retired names reused since ``ref``."""
    from errcat.toolchain import diff
    from errcat.toolchain.load import load

    result = load(project.catalog, project.catalog_name)
    found = list(result.diagnostics)
    if result.catalog is not None:
        try:
            old = _catalog_at(ref, project)
        except _InputError as exc:
            found.append(
                Diagnostic(
                    project.catalog_name,
                    1,
                    1,
                    "error",
                    exc.message,
                    "pass a git ref where the catalog exists and is valid",
                )
            )
        else:
            errors_line = min((e.line for e in result.catalog.errors), default=1)
            found += diff.lifecycle_diagnostics(
                diff.diff(old, result.catalog), project.catalog_name, errors_line
            )
    return _check_outcome(found, result.counts, "text", project.catalog_name, quiet=False)


# --- explain and list ---------------------------------------------------------------------------


def load_catalog(project: Project) -> Catalog:
    """The project's checked catalog; :class:`Stop` with its diagnostics when it cannot be had."""
    from errcat.toolchain.load import Unreadable, load_bytes, read_catalog

    try:
        raw = read_catalog(project.catalog, project.catalog_name)
    except Unreadable as exc:
        raise Stop(problems([exc.diagnostic], EXIT_USAGE)) from None
    result = load_bytes(raw, project.catalog_name)
    if result.catalog is None:
        raise Stop(problems(list(result.diagnostics), EXIT_FAILED))
    return result.catalog


def explain(project: Project, code: str) -> Outcome:
    """``errcat explain CODE``: one code's entry, for a person."""
    from errcat.toolchain.render.text import explain_text, find_entry

    catalog = load_catalog(project)
    entry = find_entry(catalog, code)
    if entry is None:
        message = f"errcat: unknown error code {code!r}"
        import difflib

        known = [e.code for e in catalog.errors]
        if close := difflib.get_close_matches(code.lower().replace("-", "_"), known, n=3, cutoff=0.5):
            message += "; did you mean " + " or ".join(close) + "?"
        else:
            message += "; run 'errcat list' to see every code"
        return Outcome(EXIT_FAILED, stderr=printable(message))
    return Outcome(EXIT_OK, stdout=explain_text(catalog, entry))


def list_codes(project: Project, fmt: str = "text") -> Outcome:
    """``errcat list``: every code, as a table or as JSON."""
    from errcat.toolchain.render.text import list_json, list_text

    catalog = load_catalog(project)
    return Outcome(EXIT_OK, stdout=list_json(catalog) if fmt == "json" else list_text(catalog))


# --- generate -----------------------------------------------------------------------------------


def layout_of(project: Project, command: str) -> Layout:
    """The render layout of the project; :class:`Stop` naming the setting that is missing or wrong."""
    from errcat.toolchain.render.python import Layout, package_name_problem

    if project.package and (problem := package_name_problem(project.package)):
        raise _located(
            project, "package", problem, "package: the generated Python package, such as acme_errors"
        )
    if "typescript" in project.outputs and not (project.package or project.typescript_package):
        raise _located(
            project,
            "",
            "no name for the generated npm package",
            "set typescript-package (or package) in [tool.errcat] of pyproject.toml",
        )
    if "python" in project.outputs and not project.package:
        raise _located(
            project,
            "",
            "no package name for the generated Python package",
            "set package in [tool.errcat] of pyproject.toml (or pass --package NAME)",
        )
    layout = Layout(
        package=project.package or "unused",
        python_dir=project.python_dir,
        schemas_dir=project.schemas_dir,
        distribution=project.distribution,
        outputs=project.outputs,
        command=command,
        typescript_dir=project.typescript_dir,
        typescript_package=project.typescript_package or "",
    )
    if layout.distribution and "python" in layout.outputs and project.config is not None:
        target = (project.out / layout.project_dir / "pyproject.toml").resolve()
        if target == project.config.resolve():
            raise _located(
                project,
                "distribution",
                f"distribution = true would overwrite {project.config.name}, the project's own configuration",
                "give the package a project directory of its own: "
                'python-dir = "python/src" writes python/pyproject.toml',
            )
    return layout


def generate(project: Project, *, check_only: bool = False, command: str = "errcat generate") -> Outcome:
    """``errcat generate [--check]``: write every output of the catalog, or report how the files drift."""
    from errcat.toolchain.format import FormattingError
    from errcat.toolchain.render import render_all
    from errcat.toolchain.write import check as drift_of
    from errcat.toolchain.write import write

    layout = layout_of(project, command)
    catalog = load_catalog(project)
    try:
        files = render_all(catalog, layout)
        if check_only:
            return _drift_outcome(drift_of(files, project.out), project, "errcat generate")
        changed = write(files, project.out)
    except OSError as exc:
        return _io_problem(exc)
    except FormattingError as exc:  # ruff could not write its copies (a full disk), or a template bug
        return Outcome(EXIT_FAILED, stderr=printable(f"errcat: error: {exc}".replace("\n", " ")))
    summary = f"errcat: {len(changed)} of {len(files)} generated file(s) updated"
    if changed:
        summary += ": " + ", ".join(changed)
    return Outcome(EXIT_OK, stderr=summary)


def _io_problem(exc: OSError) -> Outcome:
    """An I/O fault as one located line: ``path: error: what went wrong; what to do``, exit 1."""
    from errcat.toolchain.write import WriteError

    if isinstance(exc, WriteError):
        line = f"{_shown_path(exc.path)}: error: {exc.problem}; {exc.fix}"
    else:
        where = _shown_path(Path(os.fsdecode(exc.filename))) if exc.filename is not None else "errcat"
        line = f"{where}: error: {exc.strerror or exc}; fix that and run the command again"
    return Outcome(EXIT_FAILED, stderr=printable(line.replace("\n", " ")))


def _shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else as it is."""
    try:
        relative = os.path.relpath(path)
    except (OSError, ValueError):  # no working directory, or another drive
        return str(path)
    return str(path) if relative == "." or relative.startswith("..") else relative


def _drift_outcome(drifts: Sequence[Drift], project: Project, command: str, shown: int = 10) -> Outcome:
    if not drifts:
        return Outcome(EXIT_OK)
    paths = [d.path for d in drifts]
    listed = ", ".join(paths[:shown]) + (" ..." if len(paths) > shown else "")
    return Outcome(
        EXIT_FAILED,
        stdout="".join(d.diff for d in drifts),
        stderr=printable(
            f"errcat: {len(drifts)} file(s) differ from {project.catalog_name}: {listed}; "
            f"run '{command}' and commit the result"
        ),
    )


# --- docs ---------------------------------------------------------------------------------------


def _site_files(project: Project, command: str) -> dict[str, str]:
    from errcat.toolchain.render.site import SiteOptions, render_site

    catalog = load_catalog(project)
    return render_site(catalog, SiteOptions(command=command, package=project.package))


def docs_build(project: Project, *, check_only: bool = False, command: str = "errcat docs build") -> Outcome:
    """``errcat docs build [--check]``: render the site's pages, then run ``mkdocs build --strict``."""
    _require_mkdocs()
    from errcat.toolchain.mkdocs import BuildFailed, check_site, write_site

    files = _site_files(project, command)
    try:
        if check_only:
            return _drift_outcome(check_site(files, project.site_dir), project, "errcat docs build")
        # The pages and the HTML are one transaction: a failed build leaves both as they were.
        written = write_site(files, project.site_dir, build=True)
    except BuildFailed as exc:
        return Outcome(EXIT_FAILED, stderr=printable(f"errcat: mkdocs build --strict failed:\n{exc}"))
    except OSError as exc:
        return _io_problem(exc)
    return Outcome(
        EXIT_OK,
        stderr=f"errcat: {len(written.changed)} of {len(files)} page file(s) updated, "
        f"{len(written.removed)} removed; site built in {_shown_path(project.site_dir / 'build')}",
    )


def _require_mkdocs() -> None:
    """MkDocs runs in a child process; a missing one is named before anything is written."""
    import importlib.util

    for module in ("mkdocs", "material"):
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)


def docs_serve(
    project: Project, address: str, *, command: str = "errcat docs serve", say: Callable[[str], None] = print
) -> Outcome:
    """``errcat docs serve``: the site with live reload, its pages rendered again when the catalog changes."""
    _require_mkdocs()
    from errcat.toolchain.mkdocs import serve_site, write_site

    try:
        write_site(_site_files(project, command), project.site_dir)
    except OSError as exc:
        return _io_problem(exc)

    def rerender() -> None:
        try:
            again = _site_files(project, command)
            written = write_site(again, project.site_dir)
        except Stop as stop:  # a catalog with errors while the author types: say so, keep serving
            say(stop.outcome.stderr or stop.outcome.stdout)
            return
        except OSError as exc:  # the same for a page that cannot be written
            say(_io_problem(exc).stderr)
            return
        say(f"errcat: {project.catalog_name} changed; {len(written.changed)} page file(s) rendered again")

    status = serve_site(project.site_dir, address, watch=project.catalog, on_change=rerender)
    return Outcome(status)


# --- diff ---------------------------------------------------------------------------------------


class _InputError(Exception):
    """A catalog to compare could not be had: exit 1 when it has errors, 2 when it cannot be read."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _load_strict(path: Path, name: str, raw: bytes | None = None) -> Catalog:
    from errcat.toolchain.load import Unreadable, load_bytes, read_catalog

    if raw is None:
        try:
            raw = read_catalog(path, name)
        except Unreadable as exc:
            raise _InputError(f"{name}: {exc.diagnostic.message}") from None
    result = load_bytes(raw, name)
    if result.catalog is None:
        raise _InputError(
            f"{name} has errors; fix them first:\n" + format_text(result.diagnostics), EXIT_FAILED
        )
    return result.catalog


def _catalog_at(ref: str, project: Project, path: Path | None = None) -> Catalog:
    from errcat.toolchain.history import HistoryError, file_at

    path = path or project.catalog
    try:
        raw = file_at(ref, path)
    except HistoryError as exc:
        raise _InputError(str(exc)) from None
    return _load_strict(path, f"{ref}:{project.catalog_name}", raw)


def diff(project: Project, old: Path | None, new: Path | None, *, against: str | None, fmt: str) -> Outcome:
    """``errcat diff``: classify every change between two catalogs and say which version bump it needs."""
    from errcat.toolchain import diff as differ
    from errcat.toolchain import diff_output

    new_path = new or project.catalog
    new_name = project.catalog_name if new is None else str(new)
    try:
        before = (
            _catalog_at(against, project, new_path)
            if against
            else _load_strict(old, str(old))
            if old
            else None
        )
        after = _load_strict(new_path, new_name)
    except _InputError as exc:
        return Outcome(exc.status, stderr=printable(f"errcat: {exc.message}"))
    if before is None:
        return Outcome(EXIT_USAGE, stderr="errcat diff: give the old catalog (OLD [NEW]) or --against REF")
    report = differ.diff(before, after)
    if fmt == "json":
        text = diff_output.format_json(report)
    elif fmt == "github":
        text = diff_output.format_github(report, new_name)
    elif fmt == "markdown":
        text = diff_output.format_markdown(report).rstrip("\n")
    else:
        text = printable(diff_output.format_text(report, new_name))
    return Outcome(EXIT_FAILED if report.breaking_unversioned else EXIT_OK, stdout=text)
