"""The ``errcat`` command: thin argument parsing over the catalog pipeline.

Exit status: 0 when all is well, 1 when the catalog has errors (or a code is
unknown, or generated files drift), 2 on a usage error (a catalog path that cannot be
read is one) or a missing toolchain.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from errcat.catalog import LoadResult
    from errcat.catalog.model import Catalog, ErrorEntry

DEFAULT_CATALOG = "catalog/errors.yaml"
CATALOG_ENV = "ERRCAT_CATALOG"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class ToolchainMissing(Exception):
    """The command needs the ``errcat[toolchain]`` extra, which is not installed."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        result: int = args.handler(args)
        return result
    except ToolchainMissing as exc:
        print(f"errcat: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `errcat list | head`
        sys.stderr.close()
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errcat",
        description="Check an API error catalog and generate code, contracts and docs from it.",
    )
    from errcat import __version__

    parser.add_argument("--version", action="version", version=f"errcat {__version__}")
    catalog_option = argparse.ArgumentParser(add_help=False)
    catalog_option.add_argument(
        "--catalog",
        metavar="PATH",
        help=f"the catalog file (default: ${CATALOG_ENV}, else {DEFAULT_CATALOG})",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        parents=[catalog_option],
        help="validate a catalog and report every problem",
        description="Validate a catalog: JSON Schema, then the semantic rules. "
        "Exit 0 when clean, 1 with errors.",
    )
    check.add_argument("catalog_path", nargs="?", metavar="CATALOG", help="the catalog file")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for tools, github for CI annotations",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check from scratch, ignoring results cached for unchanged catalogs",
    )
    check.add_argument(
        "--against",
        metavar="REF",
        help="also refuse codes deleted or retired names reused since this git ref",
    )
    check.set_defaults(handler=cmd_check)

    explain = sub.add_parser(
        "explain", parents=[catalog_option], help="describe one error code, for a person"
    )
    explain.add_argument("code", help="an error code (any case) or its class name")
    explain.set_defaults(handler=cmd_explain)

    listing = sub.add_parser("list", parents=[catalog_option], help="list every error code")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=cmd_list)

    generate = sub.add_parser(
        "generate",
        parents=[catalog_option],
        help="generate the Python package and the response contracts",
        description="Write every file generated from the catalog (enums, exceptions, pydantic models, "
        "JSON Schema, OpenAPI components). With --check, write nothing and exit 1 with a diff when the "
        "files on disk differ from what the catalog produces.",
    )
    generate.add_argument(
        "--check", action="store_true", help="report drift as a unified diff instead of writing (for CI)"
    )
    generate.add_argument(
        "--out",
        metavar="DIR",
        help="generate a standalone package into DIR (default: errcat's own source tree)",
    )
    generate.add_argument(
        "--package", metavar="NAME", help="the package to generate under --out (default: catalog_errors)"
    )
    generate.set_defaults(handler=cmd_generate)

    diff = sub.add_parser(
        "diff",
        parents=[catalog_option],
        help="classify the changes between two catalog versions",
        description="Classify every change from OLD to NEW as breaking, additive or cosmetic, and say "
        "which version bump it needs. Exit 1 when a breaking change comes without a major version bump.",
    )
    diff.add_argument("old", nargs="?", metavar="OLD", help="the old catalog file")
    diff.add_argument("new", nargs="?", metavar="NEW", help="the new catalog file (default: the catalog)")
    diff.add_argument(
        "--against", metavar="REF", help="take the old catalog from this git ref (the same file at REF)"
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "github", "markdown"),
        default="text",
        help="markdown suits a pull-request comment",
    )
    diff.set_defaults(handler=cmd_diff)

    docs = sub.add_parser("docs", help="build or serve the reference site")
    docs_sub = docs.add_subparsers(title="docs commands", metavar="COMMAND")
    docs_build = docs_sub.add_parser(
        "build",
        parents=[catalog_option],
        help="render the site's pages and run mkdocs build --strict",
        description="Render the reference site's pages from the catalog into SITE/docs, then run the real "
        "'mkdocs build --strict' into SITE/build. With --check, write nothing and exit 1 when the "
        "committed pages differ from what the catalog produces.",
    )
    docs_build.add_argument(
        "--site", metavar="DIR", default="site", help="the MkDocs project (default: site)"
    )
    docs_build.add_argument(
        "--check", action="store_true", help="report drift of the pages instead of writing"
    )
    docs_build.set_defaults(handler=cmd_docs_build)
    docs_serve = docs_sub.add_parser(
        "serve",
        parents=[catalog_option],
        help="render the pages and serve the site with live reload, for authors",
    )
    docs_serve.add_argument(
        "--site", metavar="DIR", default="site", help="the MkDocs project (default: site)"
    )
    docs_serve.add_argument("--dev-addr", metavar="HOST:PORT", default="127.0.0.1:8000")
    docs_serve.set_defaults(handler=cmd_docs_serve)

    return parser


# --- shared helpers -------------------------------------------------------------------------


def catalog_path(args: argparse.Namespace) -> str:
    explicit = getattr(args, "catalog_path", None) or getattr(args, "catalog", None)
    return explicit or os.environ.get(CATALOG_ENV) or DEFAULT_CATALOG


def _toolchain(module: str) -> Any:
    """Import a toolchain module, or explain how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ToolchainMissing(
            f"this command needs the errcat toolchain ({exc.name} is missing); "
            "install it with: pip install 'errcat[toolchain]'"
        ) from None


def load_or_report(path: str, out: TextIO | None = None) -> Catalog | None:
    """Load the catalog at ``path``; on errors print them and return None."""
    catalog_pkg = _toolchain("errcat.catalog")
    _toolchain("errcat.catalog.source")
    _toolchain("errcat.catalog.schema")
    result: LoadResult = catalog_pkg.load(path)
    from errcat.catalog.diagnostics import format_text

    if not result.ok:  # to the stderr of the moment (a default argument would pin the one at import)
        print(printable(format_text(result.diagnostics)), file=out or sys.stderr)
        return None
    return result.catalog


def printable(text: str) -> str:
    """Catalog text made safe for a terminal: control characters are shown, not obeyed."""
    return "".join(
        ch if ch in "\n\t" or (ch.isprintable() and ch not in _BIDI) else f"\\u{ord(ch):04x}" for ch in text
    )


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


# --- check ----------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from errcat.catalog import cache
    from errcat.catalog import diagnostics as diag

    path = catalog_path(args)
    unreadable = False
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        unreadable = True  # a wrong path is a usage error (exit 2), not a catalog with errors
        found = [
            diag.Diagnostic(
                path,
                1,
                1,
                "error",
                f"cannot read the catalog: {exc.strerror or exc}",
                "pass the path of a catalog file (errcat check PATH)",
            )
        ]
    else:
        key = None if args.no_cache or args.against else cache.key_for(raw)
        cached = cache.get(key, path) if key else None
        if cached is not None:
            found = cached
        else:
            catalog_pkg = _toolchain("errcat.catalog")
            _toolchain("errcat.catalog.source")
            _toolchain("errcat.catalog.schema")
            result = catalog_pkg.load_bytes(raw, path, build=args.against is not None)
            found = list(result.diagnostics)
            if key:
                cache.put(key, found)
            if args.against and result.catalog is not None:
                found += _lifecycle_against(args.against, path, result.catalog)

    formatter = {"text": diag.format_text, "json": diag.format_json, "github": diag.format_github}
    output = formatter[args.format](found)
    if output:
        stream = sys.stdout if args.format != "text" else sys.stderr
        print(printable(output) if args.format == "text" else output, file=stream)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if diag.has_errors(found) else EXIT_OK


# --- explain --------------------------------------------------------------------------------


def find_entry(catalog: Catalog, name: str) -> ErrorEntry | None:
    wanted = name.strip()
    normalised = wanted.lower().replace("-", "_")
    for entry in catalog.errors:
        if normalised == entry.code or wanted == entry.class_name:
            return entry
    return None


def _load_failed(path: str) -> int:
    """The exit status when the catalog at ``path`` did not load: 2 if it cannot be read at all."""
    return EXIT_FAILED if Path(path).is_file() else EXIT_USAGE


def cmd_explain(args: argparse.Namespace) -> int:
    catalog = load_or_report(catalog_path(args))
    if catalog is None:
        return _load_failed(catalog_path(args))
    entry = find_entry(catalog, args.code)
    if entry is None:
        import difflib

        known = [e.code for e in catalog.errors]
        close = difflib.get_close_matches(args.code.lower().replace("-", "_"), known, n=3, cutoff=0.5)
        message = f"errcat: unknown error code {args.code!r}"
        if close:
            message += "; did you mean " + " or ".join(close) + "?"
        else:
            message += "; run 'errcat list' to see every code"
        print(printable(message), file=sys.stderr)
        return EXIT_FAILED
    print(printable(explain_text(catalog, entry)))
    return EXIT_OK


def explain_text(catalog: Catalog, entry: ErrorEntry) -> str:
    import textwrap

    from errcat.catalog.model import RETRY_ADVICE

    status = catalog.status(entry.status)
    category = catalog.category(entry.category)
    retry = RETRY_ADVICE[entry.retry.strategy]
    if entry.retry.retry_after_seconds:
        retry += f" Servers send Retry-After: {entry.retry.retry_after_seconds}."
    facts = [
        ("Status", f"{status.status} {status.phrase}"),
        ("Category", f"{category.title} ({category.id})"),
        ("Message", entry.message),
        ("Retry", retry),
    ]
    if entry.metadata:
        facts.append(("Metadata", ", ".join(entry.metadata_keys)))
    if entry.since:
        facts.append(("Since", entry.since))
    if entry.deprecated:
        replacement = f"; use {entry.replaced_by} instead" if entry.replaced_by else ""
        facts.append(("Deprecated", f"since {entry.deprecated.since}{replacement}"))
    facts.append(("Docs", entry.doc_url))

    def wrap(text: str) -> str:
        return textwrap.fill(" ".join(text.split()), width=76, initial_indent="  ", subsequent_indent="  ")

    lines = [f"{entry.code}: {entry.title}", ""]
    lines += [f"  {label:<10} {value}" for label, value in facts]
    sections = [("Cause", entry.cause), ("Solution", entry.solution)]
    if entry.usage:
        sections.append(("When it is sent", entry.usage))
    if entry.retry.reason:
        sections.append(("Why this retry behaviour", entry.retry.reason))
    if entry.deprecated:
        sections.append(("Why it is deprecated", entry.deprecated.reason))
    for title, text in sections:
        lines += ["", title, wrap(text)]
    if entry.metadata:
        lines += ["", "Metadata"]
        lines += [f"  {name}: {description}" for name, description in entry.metadata]
    body = json.dumps(entry.example_body(), indent=2, ensure_ascii=False)
    response = f"HTTP/1.1 {status.status} {status.phrase}\n{body}"
    lines += ["", "Example response", textwrap.indent(response, "  ")]
    return "\n".join(lines)


# --- generate -------------------------------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> int:
    path = catalog_path(args)
    codegen = _toolchain("errcat.codegen")
    _toolchain("jinja2")
    standalone = args.out is not None or args.package is not None
    command = "errcat generate"
    if path != DEFAULT_CATALOG:
        command += f" --catalog {path}"
    if standalone:
        package = args.package or "catalog_errors"
        out = args.out or "."
        command += f" --out {out} --package {package}"
        try:
            layout = codegen.Layout.for_package(package, command)
        except ValueError as exc:
            print(printable(f"errcat: {exc}"), file=sys.stderr)
            return EXIT_USAGE
    else:
        out = "."
        layout = codegen.Layout(command=command)
    catalog = load_or_report(path)
    if catalog is None:
        return EXIT_FAILED
    try:
        files = codegen.render_all(catalog, layout)
    except ImportError as exc:
        raise ToolchainMissing(f"{exc}") from None
    if args.check:
        drifts = codegen.check(files, Path(out))
        for drift in drifts:
            sys.stdout.write(drift.diff)
        if drifts:
            print(
                f"errcat: {len(drifts)} generated file(s) differ from {path}: "
                + ", ".join(d.path for d in drifts)
                + "; run 'errcat generate' and commit the result",
                file=sys.stderr,
            )
            return EXIT_FAILED
        return EXIT_OK
    changed = codegen.write(files, Path(out))
    print(
        f"errcat: {len(changed)} of {len(files)} generated file(s) updated"
        + (": " + ", ".join(changed) if changed else ""),
        file=sys.stderr,
    )
    return EXIT_OK


# --- list -----------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    catalog = load_or_report(catalog_path(args))
    if catalog is None:
        return _load_failed(catalog_path(args))
    if args.format == "json":
        rows = [
            {
                "code": e.code,
                "status": e.status,
                "category": e.category,
                "title": e.title,
                "retry": e.retry.strategy,
                "deprecated": e.is_deprecated,
                "doc_url": e.doc_url,
            }
            for e in catalog.errors
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    headers = ("CODE", "STATUS", "CATEGORY", "RETRY", "TITLE")
    rows_text = [
        (
            e.code + (" (deprecated)" if e.is_deprecated else ""),
            str(e.status),
            e.category,
            e.retry.strategy,
            e.title,
        )
        for e in catalog.errors
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows_text)) for i, h in enumerate(headers[:-1])]
    for row in (headers, *rows_text):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print(printable("  ".join([*cells, row[-1]])))
    return EXIT_OK


# --- docs -----------------------------------------------------------------------------------


def _render_docs(args: argparse.Namespace) -> tuple[Any, dict[str, str], dict[str, Path]] | None:
    path = catalog_path(args)
    site = _toolchain("errcat.site")
    _toolchain("mkdocs")
    catalog = load_or_report(path)
    if catalog is None:
        return None
    from errcat._resources import data_dir

    schemas = data_dir("schemas")
    contracts = site.contracts_in(schemas, tuple(site.CONTRACT_FILES))
    command = "errcat docs build" + (f" --catalog {path}" if path != DEFAULT_CATALOG else "")
    files = site.render_site(catalog, site.SiteOptions(command=command, contracts=contracts))
    return site, files, {name: schemas / name for name in contracts}


def cmd_docs_build(args: argparse.Namespace) -> int:
    rendered = _render_docs(args)
    if rendered is None:
        return _load_failed(catalog_path(args))
    site, files, contracts = rendered
    site_dir = Path(args.site)
    if args.check:
        drifts = site.check_site(files, site_dir)
        for drift in drifts:
            sys.stdout.write(drift.diff)
        if drifts:
            print(
                f"errcat: {len(drifts)} site file(s) differ from {catalog_path(args)}: "
                + ", ".join(d.path for d in drifts[:10])
                + (" ..." if len(drifts) > 10 else "")
                + "; run 'errcat docs build' and commit the result",
                file=sys.stderr,
            )
            return EXIT_FAILED
        return EXIT_OK
    written = site.write_site(files, site_dir, contracts)
    try:
        output = site.build_site(site_dir)
    except site.BuildFailed as exc:
        print(printable(f"errcat: mkdocs build --strict failed:\n{exc}"), file=sys.stderr)
        return EXIT_FAILED
    print(
        f"errcat: {len(written.changed)} of {len(files)} page file(s) updated, "
        f"{len(written.removed)} removed; site built in {output}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_docs_serve(args: argparse.Namespace) -> int:
    rendered = _render_docs(args)
    if rendered is None:
        return _load_failed(catalog_path(args))
    site, files, contracts = rendered
    site.write_site(files, Path(args.site), contracts)
    result: int = site.serve_site(Path(args.site), args.dev_addr)
    return result


# --- diff -----------------------------------------------------------------------------------


class _DiffInputError(Exception):
    """A catalog to compare could not be had: exit 1 when it has errors, 2 when it cannot be read."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def cmd_diff(args: argparse.Namespace) -> int:
    _toolchain("errcat.catalog.source")
    from errcat.catalog import diff

    if args.against and args.new:
        print("errcat diff: give either OLD NEW or --against REF [NEW], not both", file=sys.stderr)
        return EXIT_USAGE
    if args.against:
        new_path = args.old or catalog_path(args)  # with --against, the one positional is NEW
    elif args.old:
        new_path = args.new or catalog_path(args)
    else:
        print("errcat diff: give the old catalog (OLD [NEW]) or --against REF", file=sys.stderr)
        return EXIT_USAGE
    try:
        old = _catalog_at(args.against, new_path) if args.against else _load_strict(args.old)
        new = _load_strict(new_path)
    except _DiffInputError as exc:
        print(printable(str(exc)), file=sys.stderr)
        return exc.status
    report = diff.diff(old, new)
    if args.format == "json":
        print(diff.format_json(report))
    elif args.format == "github":
        print(diff.format_github(report, new_path))
    elif args.format == "markdown":
        print(diff.format_markdown(report), end="")
    else:
        print(printable(diff.format_text(report, new_path)))
    return EXIT_FAILED if report.breaking_unversioned else EXIT_OK


def _load_strict(path: str, raw: bytes | None = None, name: str | None = None) -> Catalog:
    from errcat.catalog import load, load_bytes
    from errcat.catalog.diagnostics import format_text

    result = load(path) if raw is None else load_bytes(raw, name or path)
    if result.catalog is None:
        readable = raw is not None or Path(path).is_file()
        raise _DiffInputError(
            f"errcat: {name or path} has errors; fix them first:\n" + format_text(result.diagnostics),
            EXIT_FAILED if readable else EXIT_USAGE,
        )
    return result.catalog


def _catalog_at(ref: str, path: str) -> Catalog:
    """The catalog file ``path`` as it was at the git revision ``ref``."""
    import subprocess

    file = Path(path).resolve()
    try:
        shown = subprocess.run(
            ["git", "-C", str(file.parent), "show", f"{ref}:./{file.name}"],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise _DiffInputError(f"errcat: cannot run git: {exc}") from None
    if shown.returncode != 0:
        reason = shown.stderr.decode(errors="replace").strip()
        raise _DiffInputError(f"errcat: cannot read {path} at {ref}: {reason}")
    return _load_strict(path, shown.stdout, f"{ref}:{path}")


def _lifecycle_against(ref: str, path: str, new: Catalog) -> list[Any]:
    from errcat.catalog import diff

    try:
        old = _catalog_at(ref, path)
    except _DiffInputError as exc:
        from errcat.catalog.diagnostics import Diagnostic

        return [
            Diagnostic(
                path,
                1,
                1,
                "error",
                str(exc).removeprefix("errcat: "),
                "pass a git ref where the catalog exists and is valid",
            )
        ]
    errors_line = min((e.line for e in new.errors), default=1)
    return diff.lifecycle_diagnostics(diff.diff(old, new), path, errors_line)
