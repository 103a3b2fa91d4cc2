"""Catalog text is data: hostile strings render as visible text, never as markup or code.

The rendered pages go through Python-Markdown with the site's extensions (what MkDocs
runs), and the HTML that comes out is parsed: no element or attribute may come from
catalog text, and the text must read back exactly (bidirectional controls shown).
One catalog of hostile strings is also built with the real MkDocs and opened in Chromium.
"""

from __future__ import annotations

import html
import html.parser
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.hostile import MARKUP_FRAGMENTS
from tests.toolchain.conftest import StaticServer, build_catalog_site

from errcat.toolchain.model import Catalog
from errcat.toolchain.render.site import render_site, visible_text

hostile_text = st.lists(st.sampled_from(MARKUP_FRAGMENTS) | st.text(max_size=8), min_size=1, max_size=6).map(
    "".join
)
EXTENSIONS = ["admonition", "attr_list", "tables", "toc", "pymdownx.highlight", "pymdownx.superfences"]


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [f"{name}={value}" for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _hostile_catalog(catalog: Catalog, text: str) -> Catalog:
    entry = replace(catalog.errors[5], title=text, message=text, cause=text, solution=text, usage=text)
    errors = (*catalog.errors[:5], entry, *catalog.errors[6:])
    category = replace(catalog.category(entry.category), title=text, description=text)
    categories = tuple(category if c.id == category.id else c for c in catalog.categories)
    return replace(catalog, errors=errors, categories=categories)


def _body_and_title(page: str) -> tuple[str, str]:
    _, front, body = page.split("---\n", 2)
    title = json.loads(front.removeprefix("title: ").strip())
    return body, title


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_hostile_catalog_text_renders_as_text(shipped_catalog: Catalog, text: str) -> None:
    files = render_site(_hostile_catalog(shipped_catalog, text))
    entry = shipped_catalog.errors[5]
    body, title = _body_and_title(files[f"docs/categories/{entry.category}.md"])
    assert html.unescape(title) == visible_text(text)  # Material prints the title as HTML
    page = _Page()
    page.feed(markdown.markdown(body, extensions=EXTENSIONS))
    assert "script" not in page.tags and "img" not in page.tags
    assert not any("javascript:" in a or a.startswith("onerror") for a in page.attributes)
    # Whitespace is compared collapsed: Markdown expands tabs, and HTML shows any run as one space.
    shown = " ".join("".join(page.text).split())
    wanted = " ".join(visible_text(text).split())
    assert shown.count(wanted) >= 5  # title, message, cause, solution, usage, description
    stub = _Page()
    stub.feed(files[f"docs/codes/{entry.code}/index.html"])
    assert "script" not in stub.tags and wanted in " ".join("".join(stub.text).split())


@pytest.mark.slow
def test_a_hostile_catalog_builds_and_runs_no_script_in_chromium(
    shipped_catalog: Catalog, tmp_path: Path, page: Any
) -> None:
    text = 'Bad </title><script>alert(1)</script> [x](javascript:alert(2)) | {{ 7*7 }} """ \\ \u202eevil'
    built = build_catalog_site(_hostile_catalog(shipped_catalog, text), tmp_path / "site")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    entry = shipped_catalog.errors[5]
    with StaticServer(built) as server:
        page.goto(f"{server.url}codes/{entry.code}/")
        page.wait_for_url(f"**/#{entry.code}")
        shown = page.locator(f'.errcat-entry[data-code="{entry.code}"]').inner_text()
        page.goto(f"{server.url}codes/")
        page.wait_for_load_state("load")
    assert dialogs == []
    assert "<script>alert(1)</script>" in shown and "[x](javascript:alert(2))" in shown
    assert "{{ 7*7 }}" in shown and "<U+202E>evil" in shown
    assert page.errors == []


@pytest.mark.slow
def test_an_api_name_with_yaml_and_html_syntax_stays_whole_in_the_page_head(
    shipped_catalog: Catalog, tmp_path: Path, page: Any
) -> None:
    """mkdocs.yml is serialized: ``: `` and `` #`` in the name neither break the build nor cut the name."""
    name = "Acme: \"Errors\" #1 & </title><script>alert(3)</script> 'quoted'"
    catalog = replace(shipped_catalog, api=replace(shipped_catalog.api, name=name))
    built = build_catalog_site(catalog, tmp_path / "site")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with StaticServer(built) as server:
        page.goto(server.url)
        page.wait_for_load_state("load")
        description = page.locator('meta[name="description"]').get_attribute("content")
        title = page.title()
        logo = page.locator("a.md-logo").first
        logo_title, logo_label = logo.get_attribute("title"), logo.get_attribute("aria-label")
        header = page.locator(".md-header__topic").first.inner_text()
    assert description == f"Every error of {name}, what it means and what to do about it."
    assert name in title and dialogs == [] and page.errors == []
    # The theme escapes the logo's title itself and the rest not: each shows the name once escaped.
    assert logo_title == name and logo_label == name and header.strip() == name
