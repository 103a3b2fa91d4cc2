"""The site renderer: the catalog model in, the MkDocs project's files out.

:func:`render_site` is pure: ``Catalog -> {path relative to the site directory: text}``.
It gives ``mkdocs.yml`` and every page under ``docs/``; it reads no YAML and no file
but its own Jinja2 templates (``generators/site/``) and the Python examples shipped
beside them.

Layout (chosen by measuring, see ``benchmarks/bench_site.py``): every code's full
entry lives under a stable anchor on its category's page (``categories/<id>/#<code>``),
and the URL the catalog promises, ``codes/<code>/``, is a small static page that
names the code, its status and title and forwards to that anchor. MkDocs renders a
handful of pages whatever the catalog's size, so a 3,000-code catalog builds in a few
seconds instead of one Material page per code. What remains is HTML parsing, paid per
element, so an entry is one definition list with no element that only styles (the styles
are in ``errcat.css``), and :mod:`errcat.toolchain.mkdocs_hooks` keeps finished HTML out of
Python-Markdown's two parsers; the codes index stays out of search (its codes are in their
entries).

Catalog text is data. The templates run with autoescape, so every value is
HTML-escaped; control and bidirectional characters are shown as ``<U+202E>`` rather than obeyed
(:func:`visible_text`). Catalog text only ever lands in raw HTML blocks, which
Python-Markdown passes through untouched, never in Markdown syntax; page titles reach
MkDocs through front matter as escaped HTML inside a JSON string (:func:`front_matter`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from errcat.toolchain.changelog import changelog
from errcat.toolchain.model import RETRY_ADVICE, Catalog, ErrorEntry
from errcat.toolchain.render.contracts import CONTRACT_FILES, render_contracts
from errcat.toolchain.render.escape import comment_text
from errcat.toolchain.render.templates import code_environment, make_environment

__all__ = [
    "CONTRACT_FILES",
    "DEFAULT_COMMAND",
    "RETRY_ADVICE",
    "SiteOptions",
    "catalog_export",
    "category_page",
    "element_text",
    "front_matter",
    "render_site",
    "visible_text",
]

DEFAULT_COMMAND = "errcat docs build"


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """What the pages say about their surroundings."""

    command: str = DEFAULT_COMMAND
    #: The generated Python package of the catalog: the pages' Python examples import it
    #: (no examples without one).
    package: str | None = None


def render_site(catalog: Catalog, options: SiteOptions | None = None) -> dict[str, str]:
    """Every file of the MkDocs project for ``catalog``, by path relative to the site directory."""
    options = options or SiteOptions()
    env = _environment()
    context = _context(catalog, options)
    pages = {
        "hooks.py": "hooks.py.j2",
        "docs/index.md": "index.md.j2",
        "docs/statuses.md": "statuses.md.j2",
        "docs/codes/index.md": "codes.md.j2",
        "docs/retry.md": "retry.md.j2",
        "docs/logging.md": "logging.md.j2",
        "docs/scenarios.md": "scenarios.md.j2",
        "docs/changelog.md": "changelog.md.j2",
        "docs/stylesheets/errcat.css": "errcat.css.j2",
    }
    files = {path: env.get_template(f"site/{name}").render(context) for path, name in pages.items()}
    files["mkdocs.yml"] = mkdocs_config(catalog, context)
    category_template = env.get_template("site/category.md.j2")
    for group in context["groups"]:
        files[category_page(group["category"].id)] = category_template.render(context, group=group)
    redirect = env.get_template("site/code.html.j2")
    for entry in catalog.errors:
        files[f"docs/codes/{entry.code}/index.html"] = redirect.render(context, entry=entry)
    files["docs/downloads/catalog.json"] = catalog_export(catalog)
    for name, text in render_contracts(catalog, options.command).items():
        files[f"docs/downloads/{name}"] = text
    return dict(sorted(files.items()))


def mkdocs_config(catalog: Catalog, context: Mapping[str, Any]) -> str:
    """``mkdocs.yml``: the site's configuration as data, written by a YAML serializer.

    MkDocs' theme puts ``site_name`` and ``site_description`` into the HTML unescaped, so
    they are HTML-escaped text (quotes included: the description is an attribute value);
    YAML quoting is the serializer's job, so no catalog text can change the document.
    """
    import yaml

    api = catalog.api
    nav: list[Any] = [{"Home": "index.md"}, {"HTTP status codes": "statuses.md"}]
    nav.append(
        {"Error codes": ["codes/index.md", *(f"categories/{g['category'].id}.md" for g in context["groups"])]}
    )
    nav += [
        {"Retry strategy": "retry.md"},
        {"Error logging": "logging.md"},
        {"Common scenarios": "scenarios.md"},
        {"Changelog": "changelog.md"},
    ]
    config = {
        "site_name": str(escape(visible_text(api.name))),
        "site_url": api.docs_url,
        "site_description": str(
            escape(visible_text(f"Every error of {api.name}, what it means and what to do about it."))
        ),
        "docs_dir": "docs",
        "site_dir": "build",
        "use_directory_urls": True,
        "strict": True,
        "theme": {
            "name": "material",
            "font": False,  # no Google Fonts: the site works offline
            "features": ["navigation.sections", "navigation.top", "search.highlight", "content.code.copy"],
        },
        "plugins": ["search"],
        # errcat.toolchain.mkdocs_hooks: code entries are finished HTML, kept out of Markdown's HTML parsers.
        "hooks": ["hooks.py"],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "tables",
            {"toc": {"permalink": True}},
            "pymdownx.highlight",
            "pymdownx.superfences",
        ],
        "extra_css": ["stylesheets/errcat.css"],
        "validation": {
            "nav": {"omitted_files": "warn", "not_found": "warn"},
            "links": {"absolute_links": "warn", "unrecognized_links": "warn", "anchors": "warn"},
        },
        "nav": nav,
    }
    banner = context["banner"]
    head = (
        f"# Generated by errcat from {comment_text(banner['source'])} (sha256 {banner['sha256']}).\n"
        f"# Command: {comment_text(banner['command'])}\n"
        "# Do not edit: change the catalog and run the command again.\n"
    )
    return head + yaml.safe_dump(config, sort_keys=False, allow_unicode=False, width=100)


def category_page(category_id: str) -> str:
    """The Markdown page (relative to the site directory) that holds a category's codes."""
    return f"docs/categories/{category_id}.md"


# --- filters: catalog text made safe ------------------------------------------------------------


def visible_text(value: str) -> str:
    """``value`` with control and format characters written out as ``<U+XXXX>`` instead of obeyed.

    That covers bidirectional overrides (U+202E), line separators (U+2028) and the
    control characters Python-Markdown uses internally; newlines and tabs stay.
    """
    if value.isprintable() or value.replace("\n", "").replace("\t", "").isprintable():
        return value  # the common case, without a Python loop over every character
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"<U+{ord(ch):04X}>" for ch in value)


def front_matter(title: str) -> Markup:
    """A page title for YAML front matter: HTML-escaped (Material prints it as HTML), JSON-quoted."""
    return Markup(json.dumps(str(escape(visible_text(title)))))


def _finalize(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible_text(value)
    return value


def element_text(value: str) -> Markup:
    """``value`` escaped for the content of an element (not an attribute): only ``&``, ``<`` and ``>``.

    Quotes are harmless between tags, and leaving them as they are keeps the HTML
    parsers of the build (Python-Markdown's, MkDocs', Material's search) from handling
    one character reference per quote of every example response.
    """
    text = visible_text(value)
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _json_block(value: object) -> Markup:
    return element_text(json.dumps(value, indent=2, ensure_ascii=False))


# --- the context: everything sorted and prepared, so the templates stay dumb ------------------


def _context(catalog: Catalog, options: SiteOptions) -> dict[str, Any]:
    statuses = {s.status: s for s in catalog.statuses}
    groups = []
    category_of: dict[str, str] = {}
    for category in catalog.categories:
        entries = sorted(catalog.errors_in(category.id), key=lambda e: e.code)
        groups.append({"category": category, "entries": entries})
        category_of.update((e.code, category.id) for e in entries)
    showcase = next((e for e in catalog.errors if e.example.details and not e.is_retired), None)
    showcase = showcase or next((e for e in catalog.errors if not e.is_retired), catalog.errors[0])
    backoff = catalog.retry_policy.backoff
    retries = max(backoff.max_attempts - 1, 0)
    delays = [backoff.delay(n) for n in range(1, retries + 1)]
    worked = [
        {"retry": n, "attempt": n + 1, "delay": delay, "total": sum(delays[:n])}
        for n, delay in enumerate(delays, start=1)
    ]
    by_strategy = {
        strategy: sorted((e for e in catalog.errors if e.retry.strategy == strategy), key=lambda e: e.code)
        for strategy in RETRY_ADVICE
    }
    return {
        "catalog": catalog,
        "api": catalog.api,
        "banner": {"source": catalog.source, "sha256": catalog.sha256, "command": options.command},
        "statuses": sorted(catalog.statuses, key=lambda s: s.status),
        "status_of": statuses,
        "groups": groups,
        "category_of": category_of,
        "showcase": showcase,
        "showcase_status": statuses[showcase.status],
        "contracts": sorted(CONTRACT_FILES.items()),
        "retry_advice": RETRY_ADVICE,
        "by_strategy": by_strategy,
        "retry_statuses": [
            {"status": statuses[s], "codes": sorted(e.code for e in catalog.errors if e.status == s)}
            for s in sorted(catalog.retry_policy.retry_statuses)
        ],
        "retry_after_codes": sorted(
            (e for e in catalog.errors if e.retry.retry_after_seconds is not None), key=lambda e: e.code
        ),
        "worked": worked,
        "releases": changelog(catalog),
        "examples": _examples(catalog, options.package, delays),
    }


def _examples(catalog: Catalog, package: str | None, delays: list[float]) -> dict[str, Markup]:
    """The Python examples of the pages, rendered for this catalog's codes and generated package.

    ``retry-policy`` (the retry page), ``logging`` (the logging page), and one per scenario
    that concerns a code refreshing credentials or one reporting field details. Each is a
    template (``generators/site/examples/``) fed with codes of the catalog; catalog text
    reaches it only as Python literals. They are formatted with ruff and shown in fenced
    blocks, and the tests run them against the generated package.
    """
    if package is None:
        return {}
    codes = sorted((e for e in catalog.errors if not e.is_retired), key=lambda e: e.code)
    retried = next((e for e in codes if e.retry.strategy == "backoff"), None)
    stopped = next((e for e in codes if e.retry.strategy == "do_not_retry" and e.status < 500), None)
    client = next((e for e in codes if 400 <= e.status < 500), None)
    sources: dict[str, tuple[str, dict[str, Any]]] = {}
    if retried and stopped:
        sources["retry-policy"] = (
            "retry-policy",
            {"retried": retried, "stopped": stopped, "delays": tuple(delays)},
        )
    if client:
        sources["logging"] = ("logging", {"code": client})
    for scenario in catalog.scenarios:
        entries = [catalog.error(code) for code in scenario.codes]
        refresh = next(
            (e for e in entries if e.retry.strategy == "refresh_credentials" and not e.is_retired), None
        )
        details = next((e for e in entries if _reports_field_details(catalog, e)), None)
        if refresh:
            sources[scenario.id] = ("refresh-credentials", {"code": refresh})
        elif details:
            category = catalog.category(details.category)
            sources[scenario.id] = ("field-details", {"code": details, "category_class": category.class_name})
    env = code_environment()
    rendered = {
        key: env.get_template(f"site/examples/{template}.py.j2").render(package=package, **values)
        for key, (template, values) in sources.items()
    }
    if not rendered:
        return {}
    from errcat.toolchain.format import format_python

    formatted = format_python({f"{key}.py": text for key, text in rendered.items()})
    return {key: Markup(formatted[f"{key}.py"].strip("\n")) for key in rendered}


def _reports_field_details(catalog: Catalog, entry: ErrorEntry) -> bool:
    """Whether a code reports field details: the server's validation code, or one whose example has some."""
    return not entry.is_retired and (
        entry.code == catalog.server.request_validation or bool(entry.example.details)
    )


def catalog_export(catalog: Catalog) -> str:
    """The whole catalog as one JSON document, for tools (the site's ``downloads/catalog.json``)."""
    errors = []
    for entry in catalog.errors:
        data = asdict(entry)
        del data["line"]  # a position in the source file, not part of the catalog
        data["metadata"] = [{"name": n, "description": d} for n, d in entry.metadata]
        data["example"] = entry.example_body()
        data["lifecycle"] = entry.lifecycle
        errors.append(data)
    document = {
        "api": asdict(catalog.api),
        "source_sha256": catalog.sha256,
        "statuses": [asdict(s) for s in sorted(catalog.statuses, key=lambda s: s.status)],
        "categories": [asdict(c) for c in catalog.categories],
        "errors": sorted(errors, key=lambda e: e["code"]),
        "retry_policy": asdict(catalog.retry_policy),
        "logging": asdict(catalog.logging),
        "server": asdict(catalog.server),
        "scenarios": [asdict(s) for s in catalog.scenarios],
        "links": [asdict(link) for link in catalog.links],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _code_href(code: str, category_of: Mapping[str, str], root: str, here: str | None = None) -> str:
    """The link to a code's entry from a page ``root`` below the site root (on category ``here``)."""
    category = category_of[code]
    if here == category:
        return f"#{code}"
    return f"{root}categories/{category}/#{code}"


def _seconds(value: float) -> str:
    return f"{value:g} s"


@cache
def _environment() -> jinja2.Environment:
    env = make_environment(autoescape=True, finalize=_finalize)
    env.filters.update(
        front_matter=front_matter,
        json_block=_json_block,
        seconds=_seconds,
        py_comment=lambda text: Markup(comment_text(text)),  # a Python comment, not HTML
    )
    env.globals.update(code_href=_code_href, join_codes=_join_codes)
    return env


def _join_codes(codes: Iterable[str]) -> str:
    return ", ".join(codes)
