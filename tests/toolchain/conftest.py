"""Fixtures of the site tests: a built site, served on 127.0.0.1, and a headless Chromium.

The site is built once per session into a temporary directory with the real
``mkdocs build --strict``; a ``http.server`` thread serves it on an ephemeral port of
127.0.0.1. The browser is Debian's Chromium (``/usr/bin/chromium``) driven by Playwright,
which never downloads one of its own.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.builders import ROOT

from errcat.toolchain.load import load_bytes
from errcat.toolchain.mkdocs import build_site, write_site
from errcat.toolchain.model import Catalog
from errcat.toolchain.render.site import SiteOptions, render_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_catalog_site(catalog: Catalog, site_dir: Path) -> Path:
    """Render, write and build the site of ``catalog`` in ``site_dir``; the built HTML's directory."""
    files = render_site(catalog, SiteOptions(package="partner_invoicing_errors"))
    write_site(files, site_dir)
    return build_site(site_dir)


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    raw = (ROOT / "catalog" / "errors.yaml").read_bytes()
    result = load_bytes(raw, "catalog/errors.yaml")  # named as the CLI names it, as in the banners
    assert result.catalog is not None, result.diagnostics
    return result.catalog


@pytest.fixture(scope="session")
def built_site(shipped_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalog_site(shipped_catalog, tmp_path_factory.mktemp("site"))


class StaticServer:
    """A directory served by ``http.server`` on 127.0.0.1, in a thread."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with StaticServer(built_site) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for the tests of one module: Playwright's sync API keeps an event loop running in
    this thread while it is open, which a later test's ``asyncio.run`` would trip over."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors and uncaught exceptions in ``page.errors``."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()
