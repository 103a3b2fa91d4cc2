"""The ``errcat`` command: parse the arguments, call one toolchain function, print, set the exit status.

Every command reads ``[tool.errcat]`` of the nearest ``pyproject.toml``
(:mod:`errcat.toolchain.project`); its flags override the settings. What each command does
is :mod:`errcat.toolchain.commands`. Exit status: 0 when all is well, 1 when the catalog has
errors (or a code is unknown, or generated files drift), 2 on a usage error (an unreadable
catalog, a wrong setting) or a missing toolchain.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from errcat.toolchain.terminal import silence, write_outcome

if TYPE_CHECKING:
    from errcat.toolchain.commands import Outcome
    from errcat.toolchain.project import Project

EXIT_USAGE = 2

#: The third-party modules of each extra, for the message that says which one to install.
_EXTRAS = {
    **dict.fromkeys(("yaml", "jsonschema_rs", "jinja2", "markupsafe", "ruff", "tomli_w"), "toolchain"),
    **dict.fromkeys(("mkdocs", "material"), "docs"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        from errcat.toolchain.commands import Stop, problems
        from errcat.toolchain.project import ConfigError

        try:
            outcome: Outcome = args.run(args)
        except Stop as stop:
            outcome = stop.outcome
        except ConfigError as exc:
            outcome = problems(exc.diagnostics, EXIT_USAGE)
        return write_outcome(outcome.stdout, outcome.stderr, outcome.status)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in _EXTRAS:
            raise
        extra = _EXTRAS[top]
        print(
            f"errcat: this command needs errcat[{extra}] ({top} is missing); "
            f"install it with: pip install 'errcat[{extra}]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away before a command had an outcome to print
        silence(sys.stdout)
        return 0
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    from errcat import __version__

    parser = argparse.ArgumentParser(
        prog="errcat",
        description="Check an API error catalog and generate code, contracts and docs from it. "
        "Settings come from [tool.errcat] in pyproject.toml; flags override them.",
    )
    parser.add_argument("--version", action="version", version=f"errcat {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--catalog", metavar="PATH", help="the catalog file (default: [tool.errcat] catalog)")
    common.add_argument("--config", metavar="FILE", help="the pyproject.toml to read (default: the nearest)")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(
        name: str, run: Callable[[argparse.Namespace], Outcome], help: str
    ) -> argparse.ArgumentParser:
        child = sub.add_parser(name, parents=[common], help=help)
        child.set_defaults(run=run)
        return child

    check = command("check", _check, help="validate a catalog and report every problem")
    check.add_argument("catalog_path", nargs="?", metavar="CATALOG", help="the catalog file")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument(
        "--no-cache", action="store_true", help="ignore verdicts cached for unchanged catalogs"
    )
    check.add_argument(
        "--against", metavar="REF", help="also refuse codes deleted or retired names reused since REF"
    )
    check.add_argument("-q", "--quiet", action="store_true", help="say nothing when the catalog is clean")

    explain = command("explain", _explain, help="describe one error code, for a person")
    explain.add_argument("code", help="an error code (any case), a former name or a class name")

    listing = command("list", _list, help="list every error code")
    listing.add_argument("--format", choices=("text", "json"), default="text")

    generate = command("generate", _generate, help="write the generated package and the response contracts")
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff on drift")
    generate.add_argument(
        "--out", metavar="DIR", help="the root of the generated paths (default: the project)"
    )
    generate.add_argument("--package", metavar="NAME", help="the generated Python package")

    docs = sub.add_parser("docs", help="build or serve the reference site")
    docs_sub = docs.add_subparsers(title="docs commands", metavar="COMMAND")
    site = argparse.ArgumentParser(add_help=False, parents=[common])
    site.add_argument("--site", metavar="DIR", help="the MkDocs project (default: [tool.errcat] site-dir)")
    build = docs_sub.add_parser(
        "build", parents=[site], help="render the site's pages and run mkdocs build --strict"
    )
    build.set_defaults(run=_docs, serve=False)
    build.add_argument("--check", action="store_true", help="report drift of the pages; write nothing")
    serve_help = "serve the site with live reload, rendered again when the catalog changes"
    serve = docs_sub.add_parser("serve", parents=[site], help=serve_help)
    serve.set_defaults(run=_docs, serve=True)
    serve.add_argument("--dev-addr", metavar="HOST:PORT", default="127.0.0.1:8000")

    diff = command("diff", _diff, help="classify the changes between two catalog versions")
    diff.add_argument("old", nargs="?", metavar="OLD", help="the old catalog file")
    diff.add_argument("new", nargs="?", metavar="NEW", help="the new catalog file (default: the catalog)")
    diff.add_argument("--against", metavar="REF", help="take the old catalog from this git ref")
    diff.add_argument("--format", choices=("text", "json", "github", "markdown"), default="text")

    init = sub.add_parser("init", help="start a new catalog project in DIR")
    init.set_defaults(run=_init)
    init.add_argument("directory", nargs="?", default=".", metavar="DIR", help="where (default: here)")
    init.add_argument("--name", help="the API's name (default: from DIR)")
    init.add_argument("--package", help="the generated Python package (default: from the name)")
    init.add_argument("--docs-url", metavar="URL", help="the base URL of the reference site")
    return parser


def _project(args: argparse.Namespace, **extra: str | None) -> Project:
    from errcat.toolchain.project import Overrides, load_project

    catalog = getattr(args, "catalog_path", None) or args.catalog
    return load_project(Overrides(catalog=catalog, config=args.config, **extra))


def _command(name: str, args: argparse.Namespace, *flags: str) -> str:
    """The command as the banners of generated files name it: the flags that shape the output."""
    shown = [name]
    for flag in flags:
        value = getattr(args, flag.replace("-", "_"), None)
        if value:
            shown.append(f"--{flag} {value}")
    return " ".join(shown)


def _check(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import commands

    project = _project(args)
    if args.against:
        return commands.check_against(project, args.against)
    return commands.check(project, fmt=args.format, use_cache=not args.no_cache, quiet=args.quiet)


def _explain(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import commands

    return commands.explain(_project(args), args.code)


def _list(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import commands

    return commands.list_codes(_project(args), args.format)


def _generate(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import commands

    project = _project(args, package=args.package, out=args.out)
    command = _command("errcat generate", args, "catalog", "package")
    return commands.generate(project, check_only=args.check, command=command)


def _docs(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import commands

    project = _project(args, site_dir=args.site)
    command = _command("errcat docs build", args, "catalog")  # serve renders the pages build writes
    if args.serve:
        return commands.docs_serve(project, args.dev_addr, command=command)
    return commands.docs_build(project, check_only=args.check, command=command)


def _diff(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import commands

    if args.against and args.new:
        return commands.Outcome(
            EXIT_USAGE, stderr="errcat diff: give either OLD NEW or --against REF [NEW], not both"
        )
    # with --against, the one positional is NEW
    old, new = (None, args.old) if args.against else (args.old, args.new)
    return commands.diff(
        _project(args),
        Path(old) if old else None,
        Path(new) if new else None,
        against=args.against,
        fmt=args.format,
    )


def _init(args: argparse.Namespace) -> Outcome:
    from errcat.toolchain import scaffold

    return scaffold.init(Path(args.directory), name=args.name, package=args.package, docs_url=args.docs_url)
