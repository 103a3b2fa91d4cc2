"""The site renderer: pages in step with the catalog, tidy both ways, the data it shows, examples that run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from tests.builders import ROOT

from errcat.toolchain.mkdocs import check_site, write_site
from errcat.toolchain.model import Catalog
from errcat.toolchain.render.site import SiteOptions, render_site


def _shipped_files(catalog: Catalog) -> dict[str, str]:
    return render_site(catalog, SiteOptions(package="partner_invoicing_errors"))


def test_committed_pages_match_the_catalog(shipped_catalog: Catalog) -> None:
    drifts = check_site(_shipped_files(shipped_catalog), ROOT / "site")
    assert not drifts, "site/ is stale; run 'errcat docs build' and commit:\n" + "".join(
        d.diff for d in drifts
    )


def test_cli_check_reports_no_drift_in_the_repository() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "errcat", "docs", "build", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_rendering_is_deterministic(shipped_catalog: Catalog) -> None:
    assert _shipped_files(shipped_catalog) == _shipped_files(shipped_catalog)


def test_every_code_has_a_page_and_an_anchor_and_every_page_belongs_to_a_code(
    shipped_catalog: Catalog,
) -> None:
    files = _shipped_files(shipped_catalog)
    codes = {e.code for e in shipped_catalog.errors}
    stubs = {m.group(1) for path in files if (m := re.fullmatch(r"docs/codes/([^/]+)/index\.html", path))}
    assert stubs == codes
    anchors: dict[str, str] = {}
    for path, text in files.items():
        if path.startswith("docs/categories/"):
            for code in re.findall(r"^## (\S+) \{#\1\}$", text, flags=re.M):
                assert code not in anchors, f"{code} has two entries"
                anchors[code] = path
    assert set(anchors) == codes
    for entry in shipped_catalog.errors:
        assert anchors[entry.code] == f"docs/categories/{entry.category}.md"
        stub = files[f"docs/codes/{entry.code}/index.html"]
        assert f"url=../../categories/{entry.category}/#{entry.code}" in stub
        assert f"{entry.status} " in stub and entry.code in stub
    categories = {c.id for c in shipped_catalog.categories}
    pages = {m.group(1) for path in files if (m := re.fullmatch(r"docs/categories/(.+)\.md", path))}
    assert pages == categories


def test_every_page_carries_the_banner(shipped_catalog: Catalog) -> None:
    for path, text in _shipped_files(shipped_catalog).items():
        if path.endswith((".md", ".html", ".yml")):
            assert shipped_catalog.sha256 in text and "Do not edit" in text, path


def test_the_json_export_is_the_whole_catalog(shipped_catalog: Catalog) -> None:
    exported = json.loads(_shipped_files(shipped_catalog)["docs/downloads/catalog.json"])
    assert [e["code"] for e in exported["errors"]] == sorted(e.code for e in shipped_catalog.errors)
    for data in exported["errors"]:
        entry = shipped_catalog.error(data["code"])
        assert data["example"] == entry.example_body()
        assert data["doc_url"] == entry.doc_url and data["status"] == entry.status
        assert [m["name"] for m in data["metadata"]] == list(entry.metadata_keys)
    assert (
        exported["retry_policy"]["backoff"]["max_attempts"]
        == shipped_catalog.retry_policy.backoff.max_attempts
    )
    assert [s["status"] for s in exported["statuses"]] == sorted(s.status for s in shipped_catalog.statuses)


def test_retry_page_shows_the_delays_the_model_computes(shipped_catalog: Catalog) -> None:
    page = _shipped_files(shipped_catalog)["docs/retry.md"]
    backoff = shipped_catalog.retry_policy.backoff
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\d+)</td><td>([\d.]+) s</td>", page)
    assert [int(r[0]) for r in rows] == list(range(1, backoff.max_attempts))
    assert [float(r[2]) for r in rows] == [backoff.delay(n) for n in range(1, backoff.max_attempts)]
    for status in shipped_catalog.retry_policy.retry_statuses:
        assert f"<td><code>{status}</code></td>" in page
    assert f"{shipped_catalog.retry_policy.max_retry_after_seconds} s" in page


def test_deprecated_and_retired_codes_show_badges_replacements_and_aliases(shipped_catalog: Catalog) -> None:
    errors = list(shipped_catalog.errors)
    errors[0] = replace(errors[0], aliases=("authentication_missing",))
    from errcat.toolchain.model import Deprecation, Retirement

    old, new = errors[5], errors[4]  # invoice_not_found and business_not_found, both resource errors
    errors[5] = replace(old, deprecated=Deprecation("1.0.0", "Merged."), replaced_by=new.code)
    errors[6] = replace(errors[6], retired=Retirement("1.0.0", "Nobody sent it."), replaced_by=new.code)
    files = render_site(replace(shipped_catalog, errors=tuple(errors)))
    auth = files[f"docs/categories/{errors[0].category}.md"]
    assert "<code>authentication_missing</code>" in auth and "Former names" in auth
    resource = files["docs/categories/resource.md"]
    assert 'admonition warning"><p class="admonition-title">Deprecated since 1.0.0' in resource
    assert 'admonition danger"><p class="admonition-title">Retired in 1.0.0' in resource
    assert resource.count(f'href="#{new.code}"><code>{new.code}</code></a> instead') == 2
    index = files["docs/codes/index.md"]
    assert "errcat-badge--deprecated" in index and "errcat-badge--retired" in index


def test_python_examples_in_the_pages_run(shipped_catalog: Catalog, tmp_path: Path) -> None:
    blocks = [
        (path, block)
        for path, text in _shipped_files(shipped_catalog).items()
        for block in re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S)
    ]
    assert {path for path, _ in blocks} == {"docs/retry.md", "docs/logging.md", "docs/scenarios.md"}
    assert len(blocks) == 4
    for index, (path, block) in enumerate(blocks):
        script = tmp_path / f"example_{index}.py"
        script.write_text(block, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"the example in {path} fails:\n{block}\n{done.stderr}"


def test_python_examples_run_for_another_catalog_and_its_own_package(tmp_path: Path) -> None:
    """The examples are rendered from the catalog's own codes and import its own package."""
    from tests.builders import CATALOGS, generate_package

    from errcat.toolchain.load import load

    catalog = load(CATALOGS / "good" / "shipping.yaml").catalog
    assert catalog is not None
    package, _ = generate_package(catalog, tmp_path / "pkg", "shipping_site_errors")
    files = render_site(catalog, SiteOptions(package=package))
    blocks = [
        (path, block)
        for path, text in files.items()
        for block in re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S)
    ]
    assert sorted(path for path, _ in blocks) == [
        "docs/logging.md",
        "docs/retry.md",
        "docs/scenarios.md",
        "docs/scenarios.md",
    ]
    for index, (path, block) in enumerate(blocks):
        assert "partner_invoicing" not in block and "invoice" not in block
        script = tmp_path / f"example_{index}.py"
        script.write_text(block, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(tmp_path / "pkg")},
            check=False,
        )
        assert done.returncode == 0, f"the example in {path} fails:\n{block}\n{done.stderr}"
    assert not [t for t in render_site(catalog).values() if "```python" in t]  # no package: no examples


def test_write_site_removes_pages_the_catalog_no_longer_produces(
    shipped_catalog: Catalog, tmp_path: Path
) -> None:
    files = render_site(shipped_catalog)
    write_site(files, tmp_path)
    stale = tmp_path / "docs/codes/gone_code/index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    assert [d.path for d in check_site(files, tmp_path)] == ["docs/codes/gone_code/index.html"]
    built = write_site(files, tmp_path)
    assert built.removed == ("docs/codes/gone_code/index.html",) and built.changed == ()
    assert not stale.parent.exists()
    assert check_site(files, tmp_path) == []


def test_a_failed_write_leaves_the_previous_pages(shipped_catalog: Catalog, tmp_path: Path) -> None:
    files = render_site(shipped_catalog)
    write_site(files, tmp_path)
    before = {p: (tmp_path / p).read_bytes() for p in files}
    changed = {**files, "docs/index.md": "new home\n", "docs/statuses.md/impossible": "x"}
    try:
        write_site(changed, tmp_path)
    except OSError:
        pass
    else:
        raise AssertionError("writing under a file should fail")
    assert {p: (tmp_path / p).read_bytes() for p in files} == before
