"""A cache of clean verdicts, so that an unchanged catalog is checked in milliseconds.

It stores one fact only: "these exact catalog bytes, judged by this exact checker, gave no
diagnostic at all", with the counts the success line shows. A catalog with an error or a
warning is never cached and is checked again on every run, so no entry, whatever it holds,
can turn a failing check into a passing one or hide a warning: the worst an entry can do is
be ignored, which costs one full check.

The key is the SHA-256 of the catalog's bytes together with a fingerprint of the checker
(:func:`toolchain_fingerprint`): the Python implementation and version, errcat's version,
the source of every errcat module, the catalog schema, and the installed files of PyYAML
(with its C loader) and jsonschema-rs. Changing any of them misses every entry.

An entry is a short text file, ``<key>.clean``, under errcat's cache directory
(:func:`errcat.toolchain.resources.cache_dir`)::

    errcat-check-cache 3
    key 5e2b...            (the key it answers for)
    counts 13 7 12         (codes, categories, statuses)
    seal 9c41...           (the SHA-256 of the three lines above)

It is read without following a link and without blocking, only when it is a regular file
of at most a few hundred bytes, and it counts only when it is, byte for byte, the entry
errcat writes for that key and those counts. Anything else (no entry, another format or
key, a broken seal, a pipe, a directory, a huge or truncated file) is a miss: the catalog
is checked in full, and a clean result writes a good entry over the bad one. Entries are
written in place, without a temporary file: a torn write breaks the seal, and a failed
write removes what it wrote. Every failure to read or write the cache is ignored.

This module is on the fast path of ``errcat check``: it must not import YAML or the validator.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
import sys
from pathlib import Path

from errcat.toolchain.resources import cache_dir

__all__ = ["ENTRY_SUFFIX", "get", "key_for", "put", "toolchain_fingerprint"]

_FORMAT = 3  # bump when the entry layout or the key changes
_MAGIC = f"errcat-check-cache {_FORMAT}"
#: The name of an entry is its key and this suffix.
ENTRY_SUFFIX = ".clean"
_LIMIT = 512  # an entry is about 250 bytes; anything larger is not one
#: The libraries whose installed files take part in the verdict: the YAML parser and the validator.
_LIBRARIES = ("yaml", "jsonschema_rs")


@functools.cache
def toolchain_fingerprint() -> str:
    """A digest of everything that decides a verdict besides the catalog itself."""
    import errcat
    from errcat.toolchain.resources import catalog_schema_path

    digest = hashlib.sha256(
        "\0".join(
            (_MAGIC, sys.implementation.name, sys.version, hex(sys.hexversion), errcat.__version__)
        ).encode()
    )
    digest.update(catalog_schema_path().read_bytes())
    package = Path(errcat.__file__).parent
    for directory, subdirectories, names in os.walk(package):
        subdirectories[:] = sorted(d for d in subdirectories if d not in ("__pycache__", "_data"))
        for name in sorted(names):
            if name.endswith(".py"):
                path = Path(directory, name)
                digest.update(b"\0source\0" + path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    for library in _LIBRARIES:
        digest.update(b"\0library\0" + _installed(library).encode())
    return digest.hexdigest()


def _installed(name: str) -> str:
    """Which files the library ``name`` is installed as (names, sizes, times), found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return f"{name} absent"
    places = list(spec.submodule_search_locations or []) or [os.path.dirname(spec.origin or "")]
    shown = [name]
    for place in places:
        try:
            entries = sorted(os.scandir(place), key=lambda entry: entry.name)
        except OSError:
            shown.append(f"{place} unreadable")
            continue
        for entry in entries:
            if entry.is_file():
                status = entry.stat()
                shown.append(f"{place}/{entry.name} {status.st_size} {status.st_mtime_ns}")
    return "\n".join(shown)


def key_for(raw: bytes) -> str:
    """The cache key of a catalog's bytes, judged by this checker."""
    digest = hashlib.sha256(toolchain_fingerprint().encode())
    digest.update(b"\0catalog\0")
    digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _entry(key: str, counts: tuple[int, int, int]) -> bytes:
    body = f"{_MAGIC}\nkey {key}\ncounts {counts[0]} {counts[1]} {counts[2]}\n"
    return (body + f"seal {hashlib.sha256(body.encode()).hexdigest()}\n").encode()


def _path(key: str) -> Path:
    if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
        raise ValueError(f"not a cache key: {key!r}")
    return cache_dir() / f"{key}{ENTRY_SUFFIX}"


def get(key: str) -> dict[str, int] | None:
    """The counts of the catalog with ``key`` if the cache says it is clean; None on a miss."""
    raw = _read_small(_path(key))
    if raw is None:
        return None
    lines = raw.split(b"\n")
    if len(lines) != 5 or not lines[2].startswith(b"counts "):
        return None
    numbers = lines[2].split(b" ")[1:]
    if len(numbers) != 3 or not all(n.isdigit() and len(n) <= 9 for n in numbers):
        return None
    counts = (int(numbers[0]), int(numbers[1]), int(numbers[2]))
    if raw != _entry(key, counts):
        return None
    return {"errors": counts[0], "categories": counts[1], "statuses": counts[2]}


def _read_small(path: Path) -> bytes | None:
    """The bytes of the regular file ``path`` if it is small; None for anything else. Never blocks."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _LIMIT:
            return None
        return os.read(fd, _LIMIT + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def put(key: str, counts: dict[str, int]) -> None:
    """Record that the catalog with ``key`` is clean (no error, no warning), with its counts."""
    values = (counts.get("errors", 0), counts.get("categories", 0), counts.get("statuses", 0))
    if not all(isinstance(v, int) and 0 <= v < 10**9 for v in values):
        return
    data = _entry(key, values)
    path = _path(key)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.lstat(path).st_mode) and not stat.S_ISDIR(os.lstat(path).st_mode):
                os.unlink(path)  # a link, a pipe or a device where an entry belongs: replaced
        fd = os.open(path, flags, 0o600)
    except OSError:
        return
    try:
        if os.write(fd, data) != len(data):
            raise OSError("short write")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(path)
    finally:
        os.close(fd)
