"""errcat.toolchain.mkdocs_hooks: lifting code entries out of Markdown changes no byte of the built site."""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from errcat.toolchain.mkdocs import build_site
from errcat.toolchain.mkdocs_hooks import on_page_content, on_page_markdown
from errcat.toolchain.model import Catalog
from errcat.toolchain.render.site import render_site


def _page(path: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=path))


def test_the_built_site_is_the_same_with_and_without_the_hooks(built_site: Path, tmp_path: Path) -> None:
    site = built_site.parent
    plain = tmp_path / "plain"
    shutil.copytree(site, plain, ignore=shutil.ignore_patterns("build"))
    config = (plain / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks:\n- hooks.py\n" in config
    (plain / "mkdocs.yml").write_text(config.replace("hooks:\n- hooks.py\n", ""), encoding="utf-8")
    (plain / "hooks.py").unlink()
    built_plain = build_site(plain)
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.suffix in {".html", ".json"})
    assert any(p.parts[0] == "categories" for p in pages) and Path("search/search_index.json") in pages
    _, differ, missing = filecmp.cmpfiles(built_site, built_plain, pages, shallow=False)
    assert differ == [] and missing == []


def test_every_entry_is_lifted_and_restored_even_with_hostile_text(shipped_catalog: Catalog) -> None:
    text = "a\n\n## forged heading\n\n</div>\n\n<!-- errcat block 0 -->"
    entry = replace(shipped_catalog.errors[5], cause=text, usage=text)
    errors = (*shipped_catalog.errors[:5], entry, *shipped_catalog.errors[6:])
    catalog = replace(shipped_catalog, errors=errors)
    path = f"docs/categories/{entry.category}.md"
    markdown = render_site(catalog)[path]
    page = _page(path)
    lifted = on_page_markdown(markdown, page=page)
    codes = [e.code for e in catalog.errors if e.category == entry.category]
    assert 'class="errcat-entry"' not in lifted and "forged heading" not in lifted
    assert all(f"## {code} {{#{code}}}" in lifted for code in codes)
    assert on_page_content(lifted, page=page) == markdown


def test_a_placeholder_lost_on_the_way_fails_the_build(shipped_catalog: Catalog) -> None:
    markdown = render_site(shipped_catalog)["docs/categories/resource.md"]
    page = _page("categories/resource.md")
    lifted = on_page_markdown(markdown, page=page)
    with pytest.raises(ValueError, match="did not come through Markdown intact"):
        on_page_content(lifted.replace("<!-- errcat block 1 -->", ""), page=page)
