"""Text for a terminal: catalog text is shown, never obeyed.

:func:`printable` writes control and bidirectional characters as ``\\uXXXX`` before anything
reaches a terminal. It lives apart from the renderers because every command prints through
it, ``errcat check`` on a cache hit too, which must not import the templates or YAML.
:func:`write_outcome` prints a command's outcome, whatever has become of the streams.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

__all__ = ["printable", "silence", "write_outcome"]

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: str) -> str:
    """Catalog text made safe for a terminal: control characters are shown, not obeyed."""
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    return "".join(
        ch if ch in "\n\t" or (ch.isprintable() and ch not in _BIDI) else f"\\u{ord(ch):04x}" for ch in text
    )


def write_outcome(stdout: str, stderr: str, status: int) -> int:
    """Print a command's output and return its exit status, also when a reader has gone (``| head``).

    A closed pipe ends that stream's output silently; the other stream is still written,
    and the exit status stays the verdict's. Any other failure to write the output (a full
    disk) is said on stderr and makes a clean verdict exit 1: the output is lost. A stream
    closed before errcat started (``>&-``) is skipped.
    """
    for stream, text in ((sys.stdout, stdout), (sys.stderr, stderr)):
        if not text or stream is None:
            continue
        try:
            stream.write(text + "\n")
            stream.flush()
        except BrokenPipeError:
            silence(stream)
        except OSError as exc:
            silence(stream)
            if stream is sys.stdout and sys.stderr is not None:
                print(f"errcat: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
            status = status or 1
    return status


def silence(stream: TextIO) -> None:
    """Point ``stream`` at /dev/null, so that the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):  # no file descriptor behind it
        pass
    finally:
        os.close(devnull)
