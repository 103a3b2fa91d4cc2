"""``errcat generate [--check]``: the generated package and contracts, written or compared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from errcat.toolchain.commands.catalogs import load_catalog
from errcat.toolchain.commands.outcome import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Outcome,
    Stop,
    drift_outcome,
    io_problem,
    problems,
)
from errcat.toolchain.diagnostics import Diagnostic
from errcat.toolchain.project import Project
from errcat.toolchain.terminal import printable

if TYPE_CHECKING:
    from errcat.toolchain.render.python import Layout


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


def _located(project: Project, setting: str, message: str, hint: str) -> Stop:
    """A problem with a setting: at its line of the configuration, or the flag's when a flag gave it."""
    if setting in project.from_flags:
        return Stop(
            Outcome(EXIT_USAGE, stderr=printable(f"errcat: --{setting.removesuffix('-dir')}: {message}"))
        )
    file, line, column = project.locate(setting)
    return Stop(problems([Diagnostic(file, line, column, "error", message, hint)], EXIT_USAGE))


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
            return drift_outcome(drift_of(files, project.out), project, "errcat generate")
        changed = write(files, project.out)
    except OSError as exc:
        return io_problem(exc)
    except FormattingError as exc:  # ruff could not write its copies (a full disk), or a template bug
        return Outcome(EXIT_FAILED, stderr=printable(f"errcat: error: {exc}".replace("\n", " ")))
    summary = f"errcat: {len(changed)} of {len(files)} generated file(s) updated"
    if changed:
        summary += ": " + ", ".join(changed)
    return Outcome(EXIT_OK, stderr=summary)
