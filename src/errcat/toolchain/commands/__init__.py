"""What each ``errcat`` command does, as one function per command: a project in, an :class:`Outcome` out.

The CLI parses arguments into a :class:`~errcat.toolchain.project.Project`, calls one of
these, prints the outcome and exits with its status. Nothing here parses arguments or
prints; every problem a user can cause is a located diagnostic in the outcome, never an
exception.

Exit statuses: 0 all is well, 1 the catalog has errors (or a code is unknown, or generated
files drift), 2 a usage error (an unreadable catalog, a wrong setting, a missing toolchain).
A command that cannot go on raises :class:`Stop` with the outcome that says why.

The parts, by what the commands do::

    check     errcat check, and check --against a git ref
    show      errcat explain and errcat list
    generate  errcat generate [--check], and the render layout of a project
    docs      errcat docs build [--check] and errcat docs serve
    diff      errcat diff
    catalogs  the catalogs a command reads: the project's, or one to compare
    outcome   Outcome, Stop, the exit statuses, and the outcomes several commands give

Every module imports only light modules at its top, and the rest where a command needs
it: ``errcat check`` on a catalog the cache knows imports no renderer, YAML or validator.
The package's ``__all__`` is the API; the modules' other public names are for each other.
"""

from errcat.toolchain.commands.catalogs import load_catalog
from errcat.toolchain.commands.check import check, check_against
from errcat.toolchain.commands.diff import diff
from errcat.toolchain.commands.docs import docs_build, docs_serve
from errcat.toolchain.commands.generate import generate, layout_of
from errcat.toolchain.commands.outcome import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Outcome, Stop, problems
from errcat.toolchain.commands.show import explain, list_codes

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
    "layout_of",
    "list_codes",
    "load_catalog",
    "problems",
]
