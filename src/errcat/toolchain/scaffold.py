"""``errcat init [DIR]``: a new catalog project, for ``errcat check && errcat generate && errcat docs build``.

It writes a commented starter catalog with the codes most APIs need (validation,
authentication, permission, not found, conflict, rate limit, internal error), the
``[tool.errcat]`` table, a ``.pre-commit-config.yaml`` with errcat's hooks, a CI workflow
and a ``.gitignore``. It never overwrites: when any of those files exists it writes
nothing and says which (exit 2). The templates are ``generators/init/``.
"""

from __future__ import annotations

import re
from pathlib import Path

from errcat.toolchain.commands import EXIT_OK, EXIT_USAGE, Outcome
from errcat.toolchain.outputs import package_name_problem
from errcat.toolchain.terminal import printable

__all__ = ["FILES", "init", "names_for"]

#: What ``errcat init`` writes: path in the new project -> template under ``generators/init/``.
FILES = {
    "pyproject.toml": "pyproject.toml.j2",
    "catalog/errors.yaml": "errors.yaml.j2",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.j2",
    ".github/workflows/errors.yml": "ci.yml.j2",
    ".gitignore": "gitignore.j2",
}


def names_for(directory: Path) -> tuple[str, str]:
    """The API name and the package name ``errcat init`` derives from a directory's name.

    ``acme-billing`` gives ``Acme Billing API`` and ``acme_billing_errors``.
    """
    words = [w for w in re.split(r"[^A-Za-z0-9]+", directory.resolve().name) if w] or ["my"]
    if words[-1].lower() == "errors":
        words = words[:-1] or ["my"]
    name = " ".join("API" if w.lower() == "api" else w[:1].upper() + w[1:] for w in words)
    if words[-1].lower() != "api":
        name += " API"
    package = "_".join(w.lower() for w in words) + "_errors"
    if package[0].isdigit():
        package = "api_" + package
    return name, package


def init(
    directory: Path, *, name: str | None = None, package: str | None = None, docs_url: str | None = None
) -> Outcome:
    """Write a new catalog project into ``directory`` (created if missing)."""
    from errcat import __version__
    from errcat.toolchain.render.templates import code_environment

    derived_name, derived_package = names_for(directory)
    name = name or derived_name
    package = package or derived_package
    if problem := package_name_problem(package):
        return Outcome(EXIT_USAGE, stderr=printable(f"errcat init: {problem}; pass --package NAME"))
    if not name.strip() or not name.isprintable():
        return Outcome(EXIT_USAGE, stderr="errcat init: the API name must be one printable line (--name)")
    slug = package.removesuffix("_errors").replace("_", "-") or "api"
    docs_url = (docs_url or f"https://docs.example.com/{slug}/errors").rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", docs_url):
        return Outcome(
            EXIT_USAGE, stderr=printable(f"errcat init: {docs_url!r} is not an http(s) URL (--docs-url)")
        )
    existing = sorted(path for path in FILES if (directory / path).exists())
    if existing:
        return Outcome(
            EXIT_USAGE,
            stderr=printable(
                f"errcat init: {directory} already has {', '.join(existing)}; "
                "errcat init never overwrites a file: move them away or choose another directory"
            ),
        )
    env = code_environment()
    context = {
        "name": name,
        "name_comment": " ".join(name.split()),
        "package": package,
        "docs_url": docs_url,
        "description": f"The errors of {name}: every HTTP status and error code it answers with.",
        "schema_url": "https://errcat.dev/schemas/catalog.schema.json",
        "errcat_version": __version__,
    }
    texts = {path: env.get_template(f"init/{template}").render(context) for path, template in FILES.items()}
    try:
        for path, text in texts.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open(
                "x", encoding="utf-8"
            ) as out:  # "x": never replace a file that appeared meanwhile
                out.write(text)
    except OSError as exc:
        return Outcome(
            EXIT_USAGE, stderr=printable(f"errcat init: cannot write {exc.filename}: {exc.strerror or exc}")
        )
    where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    return Outcome(
        EXIT_OK,
        stdout=printable(
            f"errcat: created {', '.join(FILES)} in {directory}\n"
            f"next: {where}errcat check && errcat generate && errcat docs build\n"
            f"then set api.docs_url in catalog/errors.yaml to where the site will live (now {docs_url})"
        ),
    )
