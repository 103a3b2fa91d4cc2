"""The formatting post-step of generated Python: ``ruff format`` with fixed settings.

Templates do not juggle whitespace; ruff makes the output look hand-written
(double quotes, wrapped long tuples). It runs as the binary of the ``ruff``
wheel, on standard input, with ``--isolated`` so that no configuration file
found near the output can change the bytes, and with errcat's own line length
and target version, so the result also passes ``ruff format --check`` under
errcat's pyproject.toml.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping

__all__ = ["RUFF_FORMAT_ARGS", "FormattingError", "format_python", "ruff_binary"]

RUFF_FORMAT_ARGS = ("format", "--isolated", "--line-length=110", "--target-version=py311")


class FormattingError(RuntimeError):
    """ruff could not format a generated module (a bug in a template)."""


def ruff_binary() -> str:
    from importlib import import_module

    try:
        ruff_main = import_module("ruff.__main__")  # the wheel ships no type information
    except ImportError as exc:
        raise ImportError("ruff is needed to format generated code: pip install 'errcat[toolchain]'",
                          name="ruff") from exc
    return str(ruff_main.find_ruff_bin())


def format_python(sources: Mapping[str, str]) -> dict[str, str]:
    """Each module of ``sources`` (path -> text) formatted by ruff."""
    ruff = ruff_binary()
    formatted = {}
    for path, text in sources.items():
        done = subprocess.run(
            [ruff, *RUFF_FORMAT_ARGS, f"--stdin-filename={path}", "-"],
            input=text.encode(), capture_output=True, check=False,
        )
        if done.returncode != 0:
            raise FormattingError(f"ruff format failed on generated {path}: {done.stderr.decode().strip()}")
        formatted[path] = done.stdout.decode()
    return formatted
