"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright.

The site is the shipped catalog's, built with the real ``mkdocs build --strict`` and
served on 127.0.0.1. A screenshot of one code's page is saved under the test's tmp_path.
"""

from __future__ import annotations

import html.parser
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from errcat.toolchain.model import Catalog

pytestmark = pytest.mark.slow  # a real browser


def test_every_code_url_loads_and_shows_its_code_status_and_title(
    shipped_catalog: Catalog, site_url: str, page: Any, tmp_path: Path
) -> None:
    for entry in shipped_catalog.errors:
        page.goto(f"{site_url}codes/{entry.code}/")
        page.wait_for_url(f"**/categories/{entry.category}/#{entry.code}")
        heading = page.locator(f"h2#{entry.code}")
        assert heading.is_visible() and entry.code in heading.inner_text()
        body = page.locator(f'.errcat-entry[data-code="{entry.code}"]')
        text = body.inner_text()
        assert entry.title in text
        status = shipped_catalog.status(entry.status)
        assert f"{status.status} {status.phrase}" in text
    page.goto(f"{site_url}codes/invoice_not_found/")
    page.wait_for_url("**/#invoice_not_found")
    page.screenshot(path=str(tmp_path / "invoice_not_found.png"), full_page=False)
    assert (tmp_path / "invoice_not_found.png").stat().st_size > 10_000
    assert page.errors == []


def test_search_finds_a_code(site_url: str, page: Any) -> None:
    page.goto(site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("invoice", delay=50)  # typed, as a person would
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert "invoice_not_found" in page.locator(".md-search-result").inner_text()
    assert page.errors == []


def test_no_page_logs_a_console_error(built_site: Path, site_url: str, page: Any) -> None:
    pages = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("index.html"))
    assert len(pages) > 10
    for path in pages:
        page.goto(site_url + path.removesuffix("index.html"))
        if path.startswith("codes/") and path != "codes/index.html":  # a code's URL forwards to its entry
            page.wait_for_url("**/categories/**")
        page.wait_for_load_state("load")
    assert page.errors == []


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for name in ("href", "src"):
            if found.get(name):
                self.hrefs.append(found[name] or "")
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.hrefs.append((found.get("content") or "").split("url=", 1)[1])


def _parse(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_every_internal_link_of_the_built_site_resolves(shipped_catalog: Catalog, built_site: Path) -> None:
    # 404.html links absolutely, below the path of the site's URL (/errors/ for the shipped catalog).
    prefix = urlsplit(shipped_catalog.api.docs_url).path.rstrip("/") + "/"
    parsed = {p: _parse(p) for p in built_site.rglob("*.html")}
    checked = 0
    broken = []
    for source, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
                continue
            base = source.parent.relative_to(built_site).as_posix()
            if parts.path.startswith("/"):
                assert parts.path.startswith(prefix), f"{source}: {href} is outside the site"
                base, parts = "", parts._replace(path=parts.path.removeprefix(prefix) or "./")
            target_path = (
                posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else None
            )
            target = built_site / target_path if target_path else source
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{source.relative_to(built_site)}: {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{source.relative_to(built_site)}: {href} (no such anchor)")
    assert checked > 100
    assert broken == []


def test_contracts_and_the_catalog_export_are_downloadable(
    built_site: Path, site_url: str, page: Any
) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for name in ("catalog.json", "error-response.schema.json", "openapi-errors.yaml"):
        assert f'href="downloads/{name}"' in home
        response = page.request.get(f"{site_url}downloads/{name}")
        assert response.ok and len(response.body()) > 100


def test_every_generated_table_gets_materials_table_style(built_site: Path, site_url: str, page: Any) -> None:
    """Material styles only tables without a class; every table of the site must look like one of its own."""
    styled = 0
    for path in ("", "statuses/", "codes/", "retry/", "logging/"):
        page.goto(site_url + path)
        tables = page.locator(".md-typeset table")
        assert tables.count() > 0, path
        for index in range(tables.count()):
            style = tables.nth(index).evaluate(
                "t => { const s = getComputedStyle(t); return [s.display, s.borderTopStyle, s.fontSize]; }"
            )
            assert style[0] == "inline-block" and style[1] == "solid", (path, index, style)
            styled += 1
    assert styled >= 9
    assert page.errors == []


def test_the_page_head_names_the_api_in_its_title_and_description(
    shipped_catalog: Catalog, site_url: str, page: Any
) -> None:
    page.goto(site_url)
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description == f"Every error of {shipped_catalog.api.name}, what it means and what to do about it."
    assert shipped_catalog.api.name in page.title()
