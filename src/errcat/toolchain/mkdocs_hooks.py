"""MkDocs hooks of the reference site: finished HTML blocks skip the Markdown passes they do not need.

Every page is Markdown headings around blocks of finished, escaped HTML: a code's entry
(``<div class="errcat-entry" ...>``, ``generators/site/category.md.j2``) or a section
(``<div class="errcat-section">``, ``<div class="errcat-intro">``). Python-Markdown passes such
a block through untouched, but only after two HTML parsers have walked every tag of it (its
raw-HTML preprocessor, which finds where the block ends, and MkDocs', which collects ``id``
attributes for its anchor check). Profiling the build of a 3,000-code catalog put about half
of ``mkdocs build`` there (``benchmarks/bench_site.py``).

So :func:`on_page_markdown` lifts each block out of the Markdown into a placeholder comment
and :func:`on_page_content` puts it back into the HTML, byte for byte, before any plugin sees
the page: Material's search still indexes all of it, the headings still go through Markdown
and the table of contents, and the built site is identical without the hooks (tested). A
placeholder that does not come back fails the build. The site's generated ``hooks.py``
imports these two functions.

A block ends at its first ``</div>`` line followed by a blank line or the end of the page
(an entry's admonition closes on a line followed by more of the entry); catalog text cannot
forge one, since every ``<`` in it is escaped.

:func:`on_config` marks ``site_name`` and ``site_description`` as the escaped HTML they are
(``errcat.toolchain.render.site.mkdocs_config`` escapes them, since the theme prints them
unescaped in most places): where the theme escapes them itself (the logo's ``title``), the
filter then leaves them as they are instead of escaping them twice.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

__all__ = ["on_config", "on_page_content", "on_page_markdown"]

_BLOCK = re.compile(
    r'^<div class="errcat-(?:entry|section|intro)"[^<>\n]*>\n.*?^</div>$(?=\n\n|\n*\Z)',
    re.MULTILINE | re.DOTALL,
)
_PLACEHOLDER = "<!-- errcat block {} -->"
_PLACEHOLDERS = re.compile(r"<!-- errcat block (\d+) -->")

#: The blocks lifted out of each page, by source path, until its HTML is ready.
_lifted: dict[str, list[str]] = {}


def on_config(config: Any, /, **_: Any) -> Any:
    """Tell the theme's templates that the site's name and description are escaped HTML already."""
    for key in ("site_name", "site_description"):
        if isinstance(config.get(key), str):
            config[key] = Markup(config[key])
    return config


def on_page_markdown(markdown: str, /, *, page: Any, **_: Any) -> str:
    """Replace each finished HTML block of the page with a placeholder comment; keep the blocks aside."""
    blocks: list[str] = []

    def lift(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return _PLACEHOLDER.format(len(blocks) - 1)

    lifted = _BLOCK.sub(lift, markdown)
    if blocks:
        _lifted[page.file.src_uri] = blocks
    return lifted


def on_page_content(html: str, /, *, page: Any, **_: Any) -> str:
    """Put the page's blocks back where their placeholders are; a missing one is an error."""
    blocks = _lifted.pop(page.file.src_uri, None)
    if not blocks:
        return html
    restored: list[int] = []

    def restore(match: re.Match[str]) -> str:
        restored.append(int(match.group(1)))
        return blocks[restored[-1]]

    html = _PLACEHOLDERS.sub(restore, html)
    if restored != list(range(len(blocks))):
        raise ValueError(f"{page.file.src_uri}: finished HTML blocks did not come through Markdown intact")
    return html
