"""errcat docs build and serve: pages and HTML all old or all new, one line per I/O fault, no child left.

The pages and the built HTML are one transaction (:mod:`errcat.toolchain.write`): the kill
tests stop it at every step in a forked child (SIGKILL) and recover as the next run would;
a real ``errcat docs build`` is killed during the real ``mkdocs build``; two real builds run
at once. ``errcat docs serve`` runs with its real ``mkdocs serve`` child on 127.0.0.1.
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
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.builders import CATALOGS, build
from tests.toolchain.write._harness import each_kind, killed_at, recover_now, restore, state, unprivileged

from errcat.cli import main
from errcat.toolchain import mkdocs
from errcat.toolchain.mkdocs import BuildFailed, SiteBuild, check_site, write_site
from errcat.toolchain.render.site import SiteOptions, render_site
from errcat.toolchain.write import STAGE, Step

MINIMAL = CATALOGS / "good" / "minimal.yaml"
CONFIG = '[tool.errcat]\npackage = "mini_errors"\n'


def _catalog_data(extra_code: str) -> dict[str, Any]:
    """The minimal catalog with one more 404 code: ``extra_code``."""
    data: dict[str, Any] = yaml.safe_load(MINIMAL.read_text("utf-8"))
    data["errors"].append(
        {
            "code": extra_code,
            "status": 404,
            "category": "validation",
            "title": f"No such {extra_code.split('_')[0]}",
            "message": "Nothing has that ID.",
            "cause": "The ID is unknown.",
            "solution": "Check the ID.",
            "retry": {"strategy": "do_not_retry"},
            "example": {"message": "Nothing has that ID.", "request_id": "req_3"},
        }
    )
    return data


@pytest.fixture(scope="module")
def site_versions() -> tuple[dict[str, str], dict[str, str]]:
    """The site of two catalog versions: the new one drops a code (a page goes) and adds one."""
    options = SiteOptions(package="mini_errors")
    old = render_site(build(_catalog_data("order_not_found")), options)
    new = render_site(build(_catalog_data("basket_not_found")), options)
    assert any(p.startswith("docs/codes/order_not_found/") for p in old)
    assert not any(p.startswith("docs/codes/order_not_found/") for p in new)
    return old, new


@pytest.fixture(scope="module")
def old_site(
    site_versions: tuple[dict[str, str], dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The old version's site, pages and HTML, built once by the real mkdocs."""
    site = tmp_path_factory.mktemp("old-site") / "site"
    written = write_site(site_versions[0], site, build=True)
    assert written.output == site / "build" and (site / "build" / "index.html").is_file()
    return site


@pytest.fixture
def site(old_site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    restore(old_site, copy)
    return copy


# --- pages and HTML, one transaction --------------------------------------------------------------


def test_a_failed_build_changes_neither_pages_nor_html(
    site: Path, site_versions: tuple[dict[str, str], dict[str, str]]
) -> None:
    before = state(site)
    broken = {**site_versions[1], "docs/index.md": "[a link to nowhere](nowhere.md)\n"}
    with pytest.raises(BuildFailed, match=r"nowhere\.md"):
        write_site(broken, site, build=True)
    assert state(site) == before  # no page, no HTML, no temporary file changed


class _RecordedBuild:
    """The real mkdocs build, run once per distinct staged project; later runs copy its output."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.built = 0
        self._build = mkdocs._run_build  # the real one, before it is replaced by this

    def __call__(
        self, project: Path, output: Path, keep_fds: tuple[int, ...], shown: Path | None = None
    ) -> None:
        digest = hashlib.sha256()
        for path in sorted(project.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes())
        recorded = self.store / digest.hexdigest()
        if not recorded.exists():
            self._build(project, recorded, keep_fds, shown)
            self.built += 1
        shutil.copytree(recorded, output, copy_function=os.link)  # the writer moves files, never edits them


@pytest.mark.parametrize(
    "every", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["each kind of step", "every step"]
)
def test_a_kill_at_any_step_of_docs_build_leaves_pages_and_html_all_old_or_all_new(
    every: bool,
    old_site: Path,
    site_versions: tuple[dict[str, str], dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded = _RecordedBuild(tmp_path / "recorded")
    monkeypatch.setattr(mkdocs, "_run_build", recorded)
    site = tmp_path / "site"
    restore(old_site, site)
    before = state(site)

    def action(step: Step) -> SiteBuild:
        return write_site(site_versions[1], site, build=True, step=step)

    names: list[str] = []
    written = action(names.append)
    after = state(site)
    assert after != before and recorded.built == 1
    # The new pages and their HTML, the stale page and its HTML gone, nothing else left.
    assert "docs/codes/order_not_found/index.html" in written.removed
    assert "docs/codes/basket_not_found/index.html" in written.changed
    assert check_site(site_versions[1], site) == []
    html = after["build/categories/validation/index.html"]
    assert html is not None and b"basket_not_found" in html[0] and b"order_not_found" not in html[0]
    assert not any(path.startswith(("build/codes/order_not_found", STAGE)) for path in after)
    assert {"build", "journal", "commit", "set aside build", "swap in build", "clean"} <= set(names)
    assert any(n.startswith("remove ") for n in names) and any(n.startswith("prune ") for n in names)
    ended = {"old": 0, "new": 0}
    restore(old_site, site)
    for index in range(len(names) + 1) if every else each_kind(names):
        assert killed_at(index, action) == (index < len(names))
        recover_now(site)
        now = state(site)
        assert now in (before, after), f"a kill before step {index} ({names[index : index + 1]}) left a mix"
        ended["old" if now == before else "new"] += 1
        if now == after:  # an old one needs no restoring
            restore(old_site, site)
    assert ended["old"] > 0 and ended["new"] > 0
    assert recorded.built == 1  # every killed run built the same pages


def _project(tmp_path: Path, catalog: dict[str, Any]) -> Path:
    project = tmp_path / "project"
    (project / "catalog").mkdir(parents=True)
    from errcat.toolchain.render.escape import yaml_value

    (project / "catalog" / "errors.yaml").write_text(yaml_value(catalog), "utf-8")
    (project / "pyproject.toml").write_text(CONFIG)
    return project


def _docs(project: Path, *args: str, prefix: tuple[str, ...] = (), **run: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "errcat", "docs", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **run,
    )


@pytest.mark.slow
def test_a_kill_during_the_mkdocs_build_waits_for_the_orphan_then_leaves_the_old_site(tmp_path: Path) -> None:
    project = _project(tmp_path, _catalog_data("order_not_found"))
    first = _docs(project, "build")
    assert first.wait(timeout=120) == 0, first.communicate()
    before = state(project / "site")
    catalog = project / "catalog" / "errors.yaml"
    catalog.write_text(catalog.read_text("utf-8").replace("No such order", "No order"), "utf-8")
    run = _docs(project, "build")
    deadline = time.monotonic() + 60
    while not (builders := [c for c in _children(run.pid) if b"mkdocs\0build" in _command_line(c)]):
        assert time.monotonic() < deadline and run.poll() is None, run.communicate()
        time.sleep(0.002)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate()
    (orphan,) = builders
    assert _alive(orphan)  # still building into the staging directory
    # It holds the lock it inherited: the next run waits for it to finish, then rolls back.
    recover_now(project / "site")
    assert not _alive(orphan)
    assert state(project / "site") == before
    time.sleep(0.3)
    assert not (project / "site" / STAGE).exists()  # nothing writes there any more


@pytest.mark.slow
def test_two_docs_builds_at_once_serialize_and_leave_one_consistent_site(tmp_path: Path) -> None:
    project = _project(tmp_path, _catalog_data("order_not_found"))
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    env["HOME"] = str(home)  # ERRCAT_CACHE_DIR is set for every test: nothing may land in the home
    runs = [_docs(project, "build", env=env) for _ in range(2)]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    updated = sorted(err.split(" of ")[0] for _, err in results)
    assert updated[0] == "errcat: 0" and updated[1] != "errcat: 0"  # the second found the first's pages
    assert all("Traceback" not in err for _, err in results)
    site = project / "site"
    files = render_site(
        build(_catalog_data("order_not_found"), "catalog/errors.yaml"),
        SiteOptions(command="errcat docs build", package="mini_errors"),
    )
    assert check_site(files, site) == []
    assert (site / "build" / "codes" / "order_not_found" / "index.html").is_file()
    assert not (site / STAGE).exists()
    assert list(home.iterdir()) == []


# --- I/O faults: one located line, exit 1, nothing changed ------------------------------------------


@pytest.mark.parametrize(
    ("fault", "named", "message"),
    [
        (
            "directory for a page",
            "site/docs/index.md",
            "is a directory, where errcat writes a generated file",
        ),
        ("file for the HTML", "site/build", "is a file, where errcat needs a directory"),
        ("file for a page directory", "site/docs/categories", "is a file, where errcat needs a directory"),
        ("read-only page", "site/docs/index.md", "is read-only, so errcat leaves it as it is"),
        ("read-only stale page", "site/docs/codes/order_not_found/index.html", "is read-only"),
        (
            "link to nothing for the pages",
            "site/docs",
            "is a symbolic link to {nowhere}, which does not exist, where errcat needs the directory docs/",
        ),
        (
            "link to nothing for a page directory",
            "site/docs/categories",
            "is a symbolic link to {nowhere}, which does not exist, where errcat needs a directory",
        ),
        ("loop for the pages", "site/docs", "is a symbolic link to docs, a loop of links that leads nowhere"),
        (
            "link to nothing for the HTML",
            "site/build",
            "is a symbolic link to {nowhere}, which does not exist, where errcat puts the built directory "
            "as a whole; remove the link",
        ),
        (
            "link to a directory for the HTML",
            "site/build",
            "is a symbolic link to the directory {nowhere}, where errcat puts the built directory as a whole "
            "(it would replace the link, not what the link points to); remove the link",
        ),
    ],
)
def test_docs_build_faults_are_one_located_line(
    fault: str,
    named: str,
    message: str,
    old_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _project(tmp_path, _catalog_data("basket_not_found"))
    site = project / "site"
    shutil.copytree(old_site, site)
    nowhere = tmp_path / "nowhere"
    message = message.replace("{nowhere}", str(nowhere))
    if fault.startswith("link to nothing for"):
        shutil.rmtree(site / named.removeprefix("site/"))
        (site / named.removeprefix("site/")).symlink_to(nowhere)
    elif fault == "link to a directory for the HTML":
        (site / "build").rename(nowhere)
        (site / "build").symlink_to(nowhere)
    elif fault == "loop for the pages":
        shutil.rmtree(site / "docs")
        (site / "docs").symlink_to("docs")
    elif fault == "directory for a page":
        (site / "docs/index.md").unlink()
        (site / "docs/index.md").mkdir()
    elif fault == "file for the HTML":
        shutil.rmtree(site / "build")
        (site / "build").write_text("in the way")
    elif fault == "file for a page directory":
        shutil.rmtree(site / "docs/categories")
        (site / "docs/categories").write_text("in the way")
    elif fault == "read-only page":
        (site / "docs/index.md").chmod(0o444)
    else:
        (site / named.removeprefix("site/")).chmod(0o444)
    before = state(site)
    monkeypatch.chdir(project)
    assert main(["docs", "build"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{named}: error: {message}"), line
    assert state(site) == before  # no page, no HTML, no link changed; no journal, no stage
    if "link" in fault or "loop" in fault:
        assert line.endswith(("and run the command again", "(the built directory goes in its place)")), line
        (site / named.removeprefix("site/")).unlink()
        assert main(["docs", "build"]) == 0  # the link gone, the next run goes through
        assert (site / "build" / "codes" / "basket_not_found" / "index.html").is_file()
        assert main(["docs", "build", "--check"]) == 0
        assert not os.path.lexists(site / STAGE)
        if nowhere.is_dir():  # what the link pointed to is left as it was
            assert (nowhere / "codes" / "order_not_found" / "index.html").is_file()


def test_docs_build_follows_a_link_to_the_pages_and_replaces_the_html_read_only_files_and_all(
    old_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, _catalog_data("basket_not_found"))
    site = project / "site"
    shutil.copytree(old_site, site)
    (site / "docs").rename(project / "pages")
    (site / "docs").symlink_to("../pages")
    # The HTML is a build, swapped in as a whole: a file in it someone made read-only is replaced
    # too (a generated page made read-only is left alone, and the write refused).
    (site / "build" / "index.html").chmod(0o444)
    monkeypatch.chdir(project)
    assert main(["docs", "build"]) == 0
    capsys.readouterr()
    assert os.readlink(site / "docs") == "../pages"
    assert (project / "pages" / "codes" / "basket_not_found" / "index.html").is_file()
    assert not (project / "pages" / "codes" / "order_not_found").exists()
    assert (site / "build" / "codes" / "basket_not_found" / "index.html").is_file()
    assert os.access(site / "build" / "index.html", os.W_OK)
    assert main(["docs", "build", "--check"]) == 0
    assert not os.path.lexists(site / STAGE)


def test_docs_build_on_a_full_disk_or_a_read_only_directory_is_one_located_line(
    old_site: Path, site_versions: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    project = _project(tmp_path, _catalog_data("basket_not_found"))
    site = project / "site"
    shutil.copytree(old_site, site)
    before = state(site)
    old, new = site_versions
    largest = max((len(text.encode()) for path, text in new.items() if old.get(path) != text))

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest // 2, largest // 2))

    full = _docs(project, "build", preexec_fn=small_files)
    _, err = full.communicate(timeout=120)
    assert full.returncode == 1
    (line,) = err.splitlines()
    assert line.startswith("site/docs/"), line
    assert ": error: cannot write it: the file is larger than the file size limit of this process; " in line
    assert state(site) == before

    def no_room_for_the_theme() -> None:  # every page fits; MkDocs' copy of Material's script does not
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    assert largest < 64 * 1024
    full = _docs(project, "build", preexec_fn=no_room_for_the_theme)
    _, err = full.communicate(timeout=120)
    assert full.returncode == 1
    (line,) = err.splitlines()  # not MkDocs' traceback
    assert line.startswith("site/build/assets/"), line
    assert ": error: cannot write it: the file is larger than the file size limit of this process; " in line
    assert state(site) == before
    (site / "docs" / "categories").chmod(0o555)  # validation.md, in there, changes
    try:
        locked_out = _docs(project, "build", prefix=tuple(unprivileged()))
        _, err = locked_out.communicate(timeout=120)
    finally:
        (site / "docs" / "categories").chmod(0o755)
    assert locked_out.returncode == 1
    assert err == (
        "site/docs/categories: error: cannot write in it: permission denied; "
        "make it writable (chmod u+w) or write the outputs somewhere else\n"
    )
    assert state(site) == before


# --- errcat docs serve, with its real mkdocs serve child -----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(url: str, text: str, server: subprocess.Popen[str], seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        assert server.poll() is None, server.communicate()
        try:
            page = _get(url)
            if text in page:
                return page
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{text!r} never appeared at {url}"
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    """``errcat docs serve`` on a free port of 127.0.0.1, in a session of its own (as from a terminal)."""
    project = _project(tmp_path, _catalog_data("order_not_found"))
    port = _free_port()
    server = _docs(project, "serve", "--dev-addr", f"127.0.0.1:{port}", start_new_session=True)
    url = f"http://127.0.0.1:{port}/errors"  # mkdocs serve mounts the site at the path of its site_url
    try:
        _wait_for(f"{url}/categories/validation/", "No such order", server)
        yield server, url, project
    finally:  # after a failure too, neither errcat nor its mkdocs (a session of its own) outlives the test
        children = _children(server.pid)
        if server.poll() is None:
            server.terminate()
            try:
                server.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.communicate()
        for child in children:
            if _alive(child):
                os.kill(child, signal.SIGKILL)


@pytest.mark.slow
def test_docs_serve_renders_again_when_the_catalog_changes_and_sigterm_leaves_no_child(
    served: tuple[subprocess.Popen[str], str, Path],
) -> None:
    server, url, project = served
    catalog = project / "catalog" / "errors.yaml"
    catalog.write_text(catalog.read_text("utf-8").replace("No such order", "Order unknown"), "utf-8")
    page = _wait_for(f"{url}/categories/validation/", "Order unknown", server)
    assert "No such order" not in page
    (child,) = _children(server.pid)
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=30)
    assert server.returncode == 143
    assert "Traceback" not in err and "changed; " in out
    assert not _alive(child)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sent", "status"),
    [(signal.SIGINT, 0), (signal.SIGHUP, 128 + signal.SIGHUP)],
    ids=["Ctrl-C", "the terminal closed"],
)
def test_docs_serve_stops_on_ctrl_c_or_hangup_with_no_traceback_and_no_child(
    sent: signal.Signals, status: int, served: tuple[subprocess.Popen[str], str, Path]
) -> None:
    server, _, _ = served
    (child,) = _children(server.pid)
    os.killpg(server.pid, sent)  # what the terminal sends: to the whole foreground process group
    _, err = server.communicate(timeout=30)
    assert server.returncode == status
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert not _alive(child)
