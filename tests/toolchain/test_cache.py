"""The check cache: it may make ``errcat check`` faster, never change what it says.

A hit must need neither YAML nor the validator; only catalogs with no diagnostic are
cached; every entry that is not exactly what errcat writes (the tampering corpus below)
is a miss that checks the catalog in full; the key follows the checker; a cache that
cannot be written costs nothing and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.builders import CATALOGS, ROOT

from errcat.cli import main
from errcat.toolchain import cache
from errcat.toolchain.resources import CACHE_ENV, cache_dir

MINIMAL = CATALOGS / "good" / "minimal.yaml"
BAD = CATALOGS / "bad" / "duplicate_code.yaml"

PROBE = """
import sys
from errcat.cli import main
status = main(["check", "-q", sys.argv[1]])
heavy = ("yaml", "jsonschema_rs", "jinja2", "errcat.toolchain.source", "errcat.toolchain.validate")
loaded = sorted(m for m in (*heavy, "errcat.toolchain.render") if m in sys.modules)
print(status, ",".join(loaded))
"""
#: What a full check imports (the loader, the checks and their libraries, no renderer); a hit imports none.
FULL = "errcat.toolchain.source,errcat.toolchain.validate,jsonschema_rs,yaml"


def probe(path: Path, cache_root: Path) -> tuple[str, str]:
    """``errcat check -q PATH`` in a fresh interpreter: its status, and which heavy modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, CACHE_ENV: str(cache_root)},
        check=False,
        timeout=60,
    )
    status, *loaded = done.stdout.split()
    return status, (loaded[0] if loaded else "")


def entries(cache_root: Path) -> list[str]:
    return sorted(p.name for p in cache_root.iterdir()) if cache_root.exists() else []


def with_warning(tmp_path: Path) -> Path:
    """The minimal catalog with one warning and no error (an example that leaves out metadata)."""
    text = MINIMAL.read_text("utf-8")
    assert text.count("        form_id: f_1\n") == 1
    path = tmp_path / "warning.yaml"
    path.write_text(text.replace("        form_id: f_1\n", "        {}\n"), "utf-8")
    return path


# --- hits and misses ------------------------------------------------------------------------------


def test_second_check_of_an_unchanged_clean_catalog_is_served_from_the_cache(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    catalog = tmp_path / "errors.yaml"
    catalog.write_bytes(MINIMAL.read_bytes())
    assert probe(catalog, cache_root) == ("0", FULL)
    assert entries(cache_root) == [cache.key_for(catalog.read_bytes()) + cache.ENTRY_SUFFIX]
    assert probe(catalog, cache_root) == ("0", "")  # a hit needs neither YAML nor the validator
    # Any edit is a miss: the catalog is checked again; a failure is never cached.
    catalog.write_text(
        MINIMAL.read_text("utf-8").replace("status: 400\n    category", "status: 422\n    category")
    )
    assert probe(catalog, cache_root) == ("1", FULL)
    assert probe(catalog, cache_root) == ("1", FULL)
    assert len(entries(cache_root)) == 1


def test_a_catalog_with_a_warning_is_checked_in_full_every_time(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    catalog = with_warning(tmp_path)
    assert probe(catalog, cache_root) == ("0", FULL)
    assert probe(catalog, cache_root) == ("0", FULL)
    assert entries(cache_root) == []


def test_a_hit_says_the_same_success_line_as_a_full_check_under_the_name_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    first.write_bytes((ROOT / "catalog" / "errors.yaml").read_bytes())
    second.write_bytes(first.read_bytes())
    assert main(["check", "--no-cache", str(first)]) == 0
    fresh = capsys.readouterr()
    assert main(["check", str(first)]) == 0  # fills the cache
    assert capsys.readouterr() == fresh
    assert main(["check", str(second)]) == 0  # same bytes: a hit, named after the file asked for
    hit = capsys.readouterr()
    assert (hit.out, hit.err) == (fresh.out.replace(str(first), str(second)), "")
    assert hit.out.endswith(": ok, 13 codes in 7 categories, 12 statuses\n")


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert main(["check", "--no-cache", str(MINIMAL)]) == 0
    assert not (tmp_path / "cache").exists()
    assert main(["check", str(MINIMAL)]) == 0
    entry = tmp_path / "cache" / (cache.key_for(MINIMAL.read_bytes()) + cache.ENTRY_SUFFIX)
    entry.write_bytes(entry.read_bytes().replace(b"counts 2 2 4", b"counts 9 9 9"))
    assert main(["check", "--no-cache", str(MINIMAL)]) == 0  # the (broken) entry is not even read


# --- tampering: whatever sits where an entry belongs, the verdict is the catalog's -------------------


def _forged(key: str, body: str) -> bytes:
    """An entry of errcat's layout for ``key`` with another body, sealed correctly."""
    text = f"errcat-check-cache 3\nkey {key}\n{body}\n"
    return (text + f"seal {hashlib.sha256(text.encode()).hexdigest()}\n").encode()


def _sealed_for_bad(key: str, good: bytes) -> bytes:
    """``good`` with its key line swapped for ``key`` (so its seal no longer matches)."""
    return good.replace(good.split(b"\n")[1], f"key {key}".encode())  # key swapped, seal left stale


#: What is planted where the bad catalog's entry belongs: name -> how to plant it (entry path, good entry).
PLANTS: dict[str, Callable[[Path, bytes, Path], None]] = {
    "empty list": lambda p, g, t: p.write_text("[]"),
    "empty object": lambda p, g, t: p.write_text("{}"),
    "an entry of the old format, clean": lambda p, g, t: p.write_text('{"diagnostics": [], "counts": {}}'),
    "an entry of the old format, one warning": lambda p, g, t: p.write_text(
        '{"diagnostics": [{"line": 1, "column": 1, "severity": "warning", "message": "m", "hint": ""}],'
        ' "counts": {"errors": 2, "categories": 2, "statuses": 2}}'
    ),
    "100k [": lambda p, g, t: p.write_text("[" * 100_000),
    "100k {": lambda p, g, t: p.write_text('{"a":' * 100_000),
    "empty file": lambda p, g, t: p.write_bytes(b""),
    "a newline": lambda p, g, t: p.write_bytes(b"\n"),
    "NUL bytes": lambda p, g, t: p.write_bytes(b"\0" * 300),
    "not UTF-8": lambda p, g, t: p.write_bytes(b"\xff\xfe" * 100),
    "10 MB": lambda p, g, t: p.write_bytes(b"x" * 10_000_000),
    "another catalog's good entry": lambda p, g, t: p.write_bytes(g),
    "another catalog's entry with this key, stale seal": lambda p, g, t: p.write_bytes(
        _sealed_for_bad(p.name.removesuffix(cache.ENTRY_SUFFIX), g)
    ),
    "the good entry truncated": lambda p, g, t: p.write_bytes(g[: len(g) // 2]),
    "the good entry without its last newline": lambda p, g, t: p.write_bytes(g[:-1]),
    "the good entry twice": lambda p, g, t: p.write_bytes(g + g),
    "the good entry with CRLF": lambda p, g, t: p.write_bytes(g.replace(b"\n", b"\r\n")),
    "the good entry with a trailing line": lambda p, g, t: p.write_bytes(g + b"verdict clean\n"),
    "counts edited, seal kept": lambda p, g, t: p.write_bytes(g.replace(b"counts 2 2 4", b"counts 2 2 3")),
    "counts negative": lambda p, g, t: p.write_bytes(
        _forged(p.name.removesuffix(cache.ENTRY_SUFFIX), "counts -1 2 2")
    ),
    "counts of a billion digits' worth": lambda p, g, t: p.write_bytes(
        _forged(p.name.removesuffix(cache.ENTRY_SUFFIX), "counts " + "9" * 200 + " 2 2")
    ),
    "counts missing": lambda p, g, t: p.write_bytes(
        _forged(p.name.removesuffix(cache.ENTRY_SUFFIX), "counts 2 2")
    ),
    "a format from the future": lambda p, g, t: p.write_bytes(g.replace(b"cache 3", b"cache 4")),
    "a directory": lambda p, g, t: p.mkdir(),
    "a directory with an entry inside": lambda p, g, t: (p.mkdir(), (p / "x").write_bytes(g)),
    "a FIFO": lambda p, g, t: os.mkfifo(p),
    "a UNIX socket": lambda p, g, t: _bind_socket(p),
    "a link to /dev/zero": lambda p, g, t: p.symlink_to("/dev/zero"),
    "a link to /dev/null": lambda p, g, t: p.symlink_to("/dev/null"),
    "a link to a good-looking entry": lambda p, g, t: (
        (t / "elsewhere").write_bytes(_sealed_for_bad(p.name.removesuffix(cache.ENTRY_SUFFIX), g)),
        p.symlink_to(t / "elsewhere"),
    ),
    "a dangling link": lambda p, g, t: p.symlink_to(t / "nowhere"),
    "a link to itself": lambda p, g, t: p.symlink_to(p),
    "unreadable": lambda p, g, t: (p.write_bytes(g), p.chmod(0)),
}


def _bind_socket(path: Path) -> None:
    """Make ``path`` a UNIX socket; it stays one after the socket is closed, until it is removed."""
    here = os.getcwd()
    os.chdir(path.parent)  # a socket's path may not be longer than about 100 bytes
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def good_entry(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The entry errcat writes for the minimal catalog (clean: 2 codes, 2 categories, 4 statuses)."""
    root = tmp_path_factory.mktemp("donor")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(root))
        assert main(["check", "-q", str(MINIMAL)]) == 0
    (entry,) = root.iterdir()
    return entry.read_bytes()


@pytest.fixture(scope="module")
def bad_verdict() -> tuple[int, str, str]:
    """What a full check of the bad catalog says: status, stdout, stderr."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", "--no-cache", str(BAD)])
    return status, out.getvalue(), err.getvalue()


class _Hung(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hung("errcat check hung on the planted cache entry")


@pytest.mark.parametrize("plant", PLANTS, ids=list(PLANTS))
def test_nothing_planted_in_the_cache_changes_the_verdict(
    plant: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    good_entry: bytes,
    bad_verdict: tuple[int, str, str],
) -> None:
    cache_root = tmp_path / "cache"
    cache_root.mkdir()
    monkeypatch.setenv(CACHE_ENV, str(cache_root))
    key = cache.key_for(BAD.read_bytes())
    entry = cache_root / (key + cache.ENTRY_SUFFIX)
    PLANTS[plant](entry, good_entry, tmp_path)
    capsys.readouterr()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    try:
        status = main(["check", str(BAD)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == bad_verdict
    assert bad_verdict[0] == 1
    assert cache.get(key) is None  # and the bad catalog is still not cached
    assert not [p for p in cache_root.iterdir() if p.name != entry.name]  # nothing else left behind


def test_tampering_with_a_clean_entry_costs_a_full_check_and_the_entry_is_rewritten(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    catalog = tmp_path / "errors.yaml"
    catalog.write_bytes(MINIMAL.read_bytes())
    assert probe(catalog, cache_root) == ("0", FULL)
    entry = cache_root / (cache.key_for(catalog.read_bytes()) + cache.ENTRY_SUFFIX)
    good = entry.read_bytes()
    for damaged in (b"", good[:-3], good.replace(b"counts 2 2 4", b"counts 3 2 4"), b"[" * 100_000):
        entry.write_bytes(damaged)
        assert probe(catalog, cache_root) == ("0", FULL)
        assert entry.read_bytes() == good
    entry.unlink()
    os.mkfifo(entry)  # a pipe in its place is replaced by a good entry
    assert probe(catalog, cache_root) == ("0", FULL)
    assert entry.read_bytes() == good
    assert probe(catalog, cache_root) == ("0", "")


# --- the verdict is the exit status, also when the reader has gone ----------------------------------


def _closed_reader(
    catalog: Path, *args: str, stream: str = "stdout", cache_root: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``errcat check`` writing into a pipe whose reader has already gone (``| head -c 10``, early)."""
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, **({CACHE_ENV: str(cache_root)} if cache_root else {})}
    try:
        return subprocess.run(
            [sys.executable, "-m", "errcat", "check", *args, str(catalog)],
            stdout=write if stream == "stdout" else subprocess.PIPE,
            stderr=write if stream == "stderr" else subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(
    ("args", "stream"),
    [(("--format", "json"), "stdout"), (("--format", "github"), "stdout"), ((), "stderr")],
    ids=["json on stdout", "github on stdout", "text on stderr"],
)
def test_a_reader_that_went_away_changes_neither_the_status_nor_stderr(
    args: tuple[str, ...], stream: str
) -> None:
    done = _closed_reader(BAD, "--no-cache", *args, stream=stream)
    assert done.returncode == 1
    other = done.stderr if stream == "stdout" else done.stdout
    assert "Broken pipe" not in (other or "") and "Traceback" not in (other or "")
    if stream == "stdout":
        assert done.stderr == ""  # nothing about the pipe


def test_a_clean_check_into_a_closed_pipe_still_exits_0_from_the_cache_too(tmp_path: Path) -> None:
    for _ in range(2):  # a full check, then a hit
        done = _closed_reader(MINIMAL, cache_root=tmp_path / "cache")
        assert (done.returncode, done.stderr) == (0, "")
    assert len(entries(tmp_path / "cache")) == 1


# --- the key follows the checker --------------------------------------------------------------------


KEY = """
import sys
from errcat.toolchain import cache
print(cache.key_for(open(sys.argv[1], "rb").read()))
"""


def _key(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", KEY, str(MINIMAL)], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def test_the_key_changes_with_any_errcat_module_the_schema_and_the_catalog(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "errcat", copy / "errcat", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(ROOT / "generators", tmp_path / "generators")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    base = _key(env)
    assert base == _key(env)  # stable
    # The runtime's list of envelope fields decides which metadata names the rules refuse.
    for edited in (
        copy / "errcat" / "runtime" / "errors.py",
        copy / "errcat" / "toolchain" / "render" / "python.py",
        tmp_path / "schemas" / "catalog.schema.json",
    ):
        original = edited.read_bytes()
        edited.write_bytes(original + b"\n")
        assert _key(env) != base, edited
        edited.write_bytes(original)
        assert _key(env) == base
    assert cache.key_for(MINIMAL.read_bytes() + b"\n") != cache.key_for(MINIMAL.read_bytes())


def test_the_key_changes_with_the_python_version(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = MINIMAL.read_bytes()
    base = cache.key_for(raw)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    cache.toolchain_fingerprint.cache_clear()
    try:
        assert cache.key_for(raw) != base
    finally:
        monkeypatch.undo()
        cache.toolchain_fingerprint.cache_clear()
    assert cache.key_for(raw) == base


def test_the_key_changes_with_the_installed_yaml_parser_and_validator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = cache._installed("yaml")
    assert any(line.rsplit(" ", 2)[0].endswith(".so") and "_yaml" in line for line in shown.splitlines())
    assert ".so " in cache._installed("jsonschema_rs")
    assert set(cache._LIBRARIES) == {"yaml", "jsonschema_rs"}
    # A library is known by its files: another build of it (other sizes or times) is another checker.
    library = tmp_path / "lib" / "errcat_probe_library"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text("")
    (library / "_speedups.so").write_bytes(b"\x7fELF")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    before = cache._installed("errcat_probe_library")
    assert "_speedups.so 4 " in before
    (library / "_speedups.so").write_bytes(b"\x7fELF2")
    assert cache._installed("errcat_probe_library") != before
    assert cache._installed("no_such_library_here") == "no_such_library_here absent"


# --- a cache that cannot be written -------------------------------------------------------------------


def _limit_file_size(size: int) -> Callable[[], None]:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_disk_leaves_no_entry_and_no_temporary_file(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    env = {**os.environ, CACHE_ENV: str(cache_root)}
    done = subprocess.run(
        [sys.executable, "-m", "errcat", "check", str(MINIMAL)],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_limit_file_size(100),  # an entry is about 250 bytes
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert entries(cache_root) == []


@pytest.mark.parametrize("where", ["a file", "a read-only directory", "below a file"])
def test_a_cache_directory_that_cannot_be_used_changes_nothing(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cache"
    if where == "a file":
        target.write_text("not a directory")
    elif where == "a read-only directory":
        target.mkdir()
        target.chmod(0o500)
    else:
        target.write_text("not a directory")
        target = target / "below"
    monkeypatch.setenv(CACHE_ENV, str(target))
    for _ in range(2):
        assert main(["check", str(MINIMAL)]) == 0
        assert main(["check", str(BAD)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    target.parent.chmod(0o700)


def test_concurrent_checks_agree_and_leave_one_good_entry(tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    env = {**os.environ, CACHE_ENV: str(cache_root)}
    argv = [sys.executable, "-m", "errcat", "check", "-q"]
    runs = [
        subprocess.Popen([*argv, str(p)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for p in (MINIMAL, BAD) * 3
    ]
    assert [run.wait(timeout=60) for run in runs] == [0, 1] * 3
    assert entries(cache_root) == [cache.key_for(MINIMAL.read_bytes()) + cache.ENTRY_SUFFIX]
    assert probe(MINIMAL, cache_root) == ("0", "")


# --- where the caches live ------------------------------------------------------------------------


def test_every_cache_lives_in_errcat_cache_dir_and_nothing_is_written_under_home(tmp_path: Path) -> None:
    home, cache_root = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    project = tmp_path / "project"
    (project / "catalog").mkdir(parents=True)
    shutil.copy(ROOT / "catalog" / "errors.yaml", project / "catalog" / "errors.yaml")
    (project / "pyproject.toml").write_text('[tool.errcat]\npackage = "acme_errors"\n')
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", CACHE_ENV)}
    env.update(HOME=str(home), **{CACHE_ENV: str(cache_root)})
    for command in (["check"], ["generate"], ["generate", "--check"], ["list"]):
        done = subprocess.run(
            [sys.executable, "-m", "errcat", *command], cwd=project, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert list(home.iterdir()) == []
    names = entries(cache_root)
    assert any(name.endswith(cache.ENTRY_SUFFIX) for name in names)
    assert any(name.startswith("jinja2-") for name in names)  # the compiled templates


def test_cache_dir_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))
    monkeypatch.setenv("HOME", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "a"
    monkeypatch.delenv(CACHE_ENV)
    assert cache_dir() == tmp_path / "b" / "errcat"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == tmp_path / "c" / ".cache" / "errcat"
