"""Writing generated files: all old or all new, even when errcat is killed halfway; or not at all.

A write is one transaction on an output root (the project for ``errcat generate``, the
site directory for ``errcat docs build``)::

    lock ──▶ recover ──▶ plan ──▶ stage ──▶ (build) ──▶ commit ──▶ apply ──▶ clean
                                                        │
                       before this point: the old outputs; after it: the new ones

1. **Lock**: an exclusive ``flock`` on the root directory itself, so a second errcat
   writing the same root waits for the first instead of racing it (no lock file is left).
2. **Recover** what an interrupted run left (below).
3. **Plan**: compare every file with the disk, and refuse, before anything is written,
   what cannot work: a directory where a file goes or a file where a directory goes, a
   symbolic link to nothing (or to a file, or in a loop) where a directory goes, a
   directory errcat may not write in, another file system, a generated file made read-only.
   A link to a directory is followed, except as the built directory, which is swapped in
   whole and would replace the link.
4. **Stage** every changed file under ``<root>/.errcat-write/files/``, with its final mode.
5. **Build** (the site only): the builder reads a complete staged copy of the project and
   writes ``<root>/.errcat-write/build/``; if it fails, nothing has changed.
6. **Commit**: the journal ``<root>/.errcat-write/journal.json`` is written beside it and
   renamed into place, so it exists whole or not at all. It lists the files to replace and
   to remove and the built directory to swap in.
7. **Apply**: move each staged file over its target (``os.replace``), remove stale files
   and the directories they leave empty, swap the built directory in.
8. **Clean**: remove the journal, then the staging directory.

Recovery, the first thing every write does: with no journal, the interrupted run never
committed, so its staging directory is removed and every old output is as it was; with a
journal, it committed, so the apply step is run again (each of its moves is skipped once
done) and every output is new. Either way no temporary file is left. Between a kill and
the next run the files may be a mix; the next write, of any catalog, first finishes the
interrupted one. The protection is against the process being stopped at any point (kill
-9, Ctrl-C, a crash), not against the machine losing power: nothing is fsynced, which keeps
a site of thousands of pages quick to write; the outputs are committed to version control.

A generated file that is read-only (no write permission bit) is never replaced or removed:
errcat reports it and writes nothing, since someone protected it on purpose. The built
directory is a build: it is replaced as a whole, read-only files in it too.

If the apply step cannot finish (something was put in the way after a kill), the error
names the path at fault; the journal stays, and the next run finishes the write once that
is fixed.

:func:`check` writes nothing; it reports every file that is missing, differs or (below the
directories a commit owns) should no longer exist, with a unified diff.

The parts, by step::

    lock         the flock on the root: locked
    plan         what changes, and what stands in the way, before anything is written
    journal      stage, the journal and its commit point, apply, recover, prune
    transaction  commit and write: the steps above, in order
    drift        check: what --check reports, with a unified diff
    faults       WriteError and the one-line message of every I/O fault
    paths        the staging directory and the paths errcat writes
"""

from errcat.toolchain.write.drift import Drift, check
from errcat.toolchain.write.faults import WriteError, io_fault
from errcat.toolchain.write.journal import Step, recover
from errcat.toolchain.write.lock import locked
from errcat.toolchain.write.paths import STAGE
from errcat.toolchain.write.transaction import Build, Written, commit, write

__all__ = [
    "STAGE",
    "Build",
    "Drift",
    "Step",
    "WriteError",
    "Written",
    "check",
    "commit",
    "io_fault",
    "locked",
    "recover",
    "write",
]
