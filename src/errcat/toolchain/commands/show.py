"""``errcat explain`` and ``errcat list``: the catalog's codes, for a person or as JSON."""

from __future__ import annotations

from errcat.toolchain.commands.catalogs import load_catalog
from errcat.toolchain.commands.outcome import EXIT_FAILED, EXIT_OK, Outcome
from errcat.toolchain.project import Project
from errcat.toolchain.terminal import printable


def explain(project: Project, code: str) -> Outcome:
    """``errcat explain CODE``: one code's entry, for a person."""
    from errcat.toolchain.render.text import explain_text, find_entry

    catalog = load_catalog(project)
    entry, former = find_entry(catalog, code)
    if entry is None:
        message = f"errcat: unknown error code {code!r}"
        import difflib

        known = [e.code for e in catalog.errors]
        if close := difflib.get_close_matches(code.lower().replace("-", "_"), known, n=3, cutoff=0.5):
            message += "; did you mean " + " or ".join(close) + "?"
        else:
            message += "; run 'errcat list' to see every code"
        return Outcome(EXIT_FAILED, stderr=printable(message))
    text = explain_text(catalog, entry)
    if former:
        text = printable(f"{code.strip()} is a former name of {entry.code}.") + "\n\n" + text
    return Outcome(EXIT_OK, stdout=text)


def list_codes(project: Project, fmt: str = "text") -> Outcome:
    """``errcat list``: every code, as a table or as JSON."""
    from errcat.toolchain.render.text import list_json, list_text

    catalog = load_catalog(project)
    return Outcome(EXIT_OK, stdout=list_json(catalog) if fmt == "json" else list_text(catalog))
