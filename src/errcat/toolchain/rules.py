"""The semantic checks: what a JSON Schema cannot express.

They run on a document that passed the schema, so every field has the right
shape. Each rule adds located diagnostics; :func:`build` turns a document that
has no errors into the typed :class:`~errcat.toolchain.model.Catalog`.
"""

from __future__ import annotations

import keyword
from collections.abc import Collection
from typing import Any

from errcat.runtime.errors import ENVELOPE_FIELDS, RESERVED_KEYWORDS  # names metadata may not reuse
from errcat.toolchain import model, names
from errcat.toolchain.diagnostics import Diagnostic, Severity, closest
from errcat.toolchain.schema import describe_path
from errcat.toolchain.source import Document, Path
from errcat.toolchain.versions import semver_tuple

#: 4xx statuses that are retryable by definition: a backoff on them needs no reason.
RETRYABLE_CLIENT_STATUSES = frozenset({408, 425, 429})


class _Checker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data = doc.data
        self.out: list[Diagnostic] = []

    def report(
        self,
        path: Path,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: Severity = "error",
    ) -> None:
        line, column = self.doc.at(path, key=key)
        self.out.append(Diagnostic(self.doc.file, line, column, severity, message, hint))

    def where(self, path: Path) -> str:
        return describe_path(self.data, path)

    def unique(self, section: str, field: str, what: str) -> dict[Any, int]:
        """Index ``data[section][i][field]`` -> i, reporting repeats."""
        seen: dict[Any, int] = {}
        for i, item in enumerate(self.data.get(section, [])):
            value = item[field]
            if value in seen:
                first_line = self.doc.at((section, seen[value], field))[0]
                self.report(
                    (section, i, field),
                    f"duplicate {what} {value!r} in {section}[{i}] (first defined at line {first_line})",
                    f"each {what} may appear once; remove or rename one of them",
                )
            else:
                seen[value] = i
        return seen

    def reference(self, path: Path, value: Any, known: Collection[Any], what: str, hint: str) -> bool:
        """Whether ``value`` is one of ``known`` (a dict or set); reports it when not."""
        if value in known:
            return True
        message = f"{self.where(path)} names unknown {what} {value!r}"
        if close := closest(str(value), map(str, known)):
            message += f" (did you mean {close!r}?)"
        self.report(path, message, hint)
        return False


def check(doc: Document) -> list[Diagnostic]:
    """Every semantic problem of a document that passed the schema."""
    c = _Checker(doc)
    data = doc.data
    api_version = data["api"]["version"]

    if data["api"]["docs_url"].endswith("/"):
        c.report(
            ("api", "docs_url"),
            "api.docs_url ends with '/'",
            "write the base URL without a trailing slash; code pages live at <docs_url>/codes/<code>/",
        )

    statuses = c.unique("statuses", "status", "status")
    _unique_in(c, ("statuses",), "phrase", "status phrase")
    categories = c.unique("categories", "id", "category")
    codes = c.unique("errors", "code", "code")

    _check_names(c)

    policy = data["retry_policy"]
    retry_statuses = set(policy["retry_statuses"])
    for i, status in enumerate(policy["retry_statuses"]):
        path = ("retry_policy", "retry_statuses", i)
        known = c.reference(path, status, statuses, "status", "add the status to the statuses table")
        if known and status < 400:
            c.report(
                path,
                f"retry_policy.retry_statuses lists {status}, which is not an error status",
                "only 4xx and 5xx statuses can be retried",
            )
    backoff = policy["backoff"]
    if backoff["max_delay_seconds"] < backoff["base_delay_seconds"]:
        c.report(
            ("retry_policy", "backoff", "max_delay_seconds"),
            "retry_policy.backoff.max_delay_seconds is smaller than base_delay_seconds",
            "the cap must be at least the first delay",
        )
    _unique_in(c, ("retry_policy", "transport_failures"), "id", "transport failure")
    max_retry_after = policy.get("max_retry_after_seconds")

    used_categories: set[str] = set()
    for i, entry in enumerate(data["errors"]):
        at = ("errors", i)
        code = entry["code"]
        where = f"errors[{i}] ({code})"  # what describe_path gives, without walking the path
        status = entry["status"]
        known = c.reference(
            at + ("status",),
            status,
            statuses,
            "status",
            "add the status to the statuses table, or use a status it lists",
        )
        if known and status < 400:
            c.report(
                at + ("status",),
                f"{where} has status {status}, but an error code needs a 4xx or 5xx status",
                "successful statuses (2xx) and redirects (3xx) carry no error code",
            )
        if c.reference(
            at + ("category",),
            entry["category"],
            categories,
            "category",
            "add the category to categories, or use one it lists",
        ):
            used_categories.add(entry["category"])

        _check_retry(c, at, where, entry, retry_statuses, max_retry_after)

        declared = list(entry.get("metadata", {}))
        for name in declared:
            if problem := _metadata_name_problem(name):
                clash, hint = problem
                c.report(
                    at + ("metadata", name), f"metadata field {name!r} of {where} {clash}", hint, key=True
                )
        example = entry["example"]
        for name in example.get("metadata", {}):
            if name not in declared:
                message = f"example of {where} sets metadata {name!r}, which the code does not declare"
                if close := closest(name, declared):
                    message += f" (did you mean {close!r}?)"
                c.report(
                    at + ("example", "metadata", name),
                    message,
                    "declare it under metadata, or remove it from the example",
                    key=True,
                )
        missing = [name for name in declared if name not in example.get("metadata", {})]
        if missing:
            c.report(
                at + ("example",),
                f"example of {where} leaves out metadata {', '.join(map(repr, missing))}",
                "show a realistic value for every metadata field",
                severity="warning",
            )

        for j, other in enumerate(entry.get("see_also", [])):
            see_path: Path = (*at, "see_also", j)
            if other == code:
                c.report(see_path, f"{where} lists itself in see_also")
            else:
                c.reference(see_path, other, codes, "code", "list existing codes only")

        _check_lifecycle(c, at, where, entry, codes, api_version)

    for category_id, i in categories.items():
        if category_id not in used_categories:
            c.report(
                ("categories", i, "id"),
                f"category {category_id!r} has no codes",
                "remove it, or give it a code",
                severity="warning",
            )

    _unique_in(c, ("scenarios",), "id", "scenario")
    for i, scenario in enumerate(data.get("scenarios", [])):
        for j, code in enumerate(scenario["codes"]):
            c.reference(("scenarios", i, "codes", j), code, codes, "code", "list existing codes only")

    logging = data.get("logging")
    if logging:
        _unique_in(c, ("logging", "include"), "field", "log field")
        seen: dict[str, int] = {}
        for i, item in enumerate(logging["redact"]):
            for j, key in enumerate(item["keys"]):
                if key in seen and seen[key] != i:
                    c.report(
                        ("logging", "redact", i, "keys", j),
                        f"redaction key {key!r} is listed twice",
                        f"it already appears in logging.redact[{seen[key]}]",
                    )
                seen.setdefault(key, i)
        _unique_in(c, ("logging", "levels"), "when", "log level rule")

    _check_server(c, codes)
    return c.out


#: Each server role and the status class its code must have.
_SERVER_ROLE_CLASSES = {"request_validation": (400, "a 4xx"), "unhandled_exception": (500, "a 5xx")}


def _check_server(c: _Checker, codes: dict[str, int]) -> None:
    server = c.data.get("server")
    if server is None:
        return
    for role, code in server.items():
        if role == "http_errors":
            continue
        path = ("server", role)
        if not c.reference(path, code, codes, "code", "name a code of errors[]"):
            continue
        entry = c.data["errors"][codes[code]]
        low, kind = _SERVER_ROLE_CLASSES[role]
        if not low <= entry["status"] < low + 100:
            c.report(
                path,
                f"server.{role} names {code!r}, whose status is {entry['status']}, not {kind} status",
                f"name a code with {kind} status",
            )
        if entry.get("retired"):
            c.report(
                path, f"server.{role} names {code!r}, which is retired", "name a code that is still sent"
            )


def _unique_in(c: _Checker, section: Path, field: str, what: str) -> dict[Any, int]:
    node: Any = c.data
    for step in section:
        node = node.get(step, []) if isinstance(node, dict) else []
    seen: dict[Any, int] = {}
    for i, item in enumerate(node):
        value = item[field]
        if value in seen:
            c.report(
                section + (i, field),
                f"duplicate {what} {value!r}",
                f"it is already defined at line {c.doc.at(section + (seen[value], field))[0]}",
            )
        else:
            seen[value] = i
    return seen


def _check_names(c: _Checker) -> None:
    """Codes, aliases, categories and status phrases become Python names: each must be one, and unique.

    The names come from the model's own functions (``class_name``, ``category_class_name``,
    ``alias_class_names``, ``status_member_name``), so what passes here is what the generated
    package defines.
    """
    taken: dict[str, tuple[Path, str]] = {}

    def claim(name: str, path: Path, what: str, hint: str = "") -> None:
        """Take the class name ``name`` for ``what`` (explicit when ``path`` ends with class_name);
        ``hint`` says how to fix a name that cannot be a class."""
        if problem := names.class_name_problem(name):
            if path[-1] == "class_name":
                c.report(path, f"{what} is {name!r}, which {problem}", hint)
            else:
                c.report(path, f"{what} becomes the Python name {name!r}, which {problem}", hint)
            return
        if name in taken:
            other_path, other_what = taken[name]
            line = c.doc.at(other_path)[0]
            c.report(
                path,
                f"{what} becomes the Python name {name!r}, like {other_what} at line {line}",
                "set class_name on one of them to a distinct Python class name",
            )
            return
        taken[name] = (path, what)

    wire_names: dict[str, Path] = {}  # every code and alias a client may receive
    for i, entry in enumerate(c.data["errors"]):
        wire_names.setdefault(entry["code"], ("errors", i, "code"))  # repeats: reported as duplicates
    for i, entry in enumerate(c.data["errors"]):
        for j, alias in enumerate(entry.get("aliases", ())):
            path = ("errors", i, "aliases", j)
            if alias in wire_names:
                other = wire_names[alias]
                what = (
                    "its own code" if other[:2] == ("errors", i) else f"the name at line {c.doc.at(other)[0]}"
                )
                c.report(
                    path,
                    f"alias {alias!r} of code {entry['code']!r} is already {what}",
                    "an alias is a former name; it can never be a code or another code's alias",
                )
            else:
                wire_names[alias] = path
    for i, entry in enumerate(c.data["errors"]):
        code = entry["code"]
        if wire_names[code] != ("errors", i, "code"):  # a duplicate code
            continue
        own = entry.get("class_name") or names.class_name(code)
        if "class_name" in entry:
            claim(
                own,
                ("errors", i, "class_name"),
                f"the class_name of code {code!r}",
                "pick another class name",
            )
        else:
            claim(
                own,
                ("errors", i, "code"),
                f"code {code!r}",
                "set class_name on the code to another class name",
            )
        former = [
            (j, alias)
            for j, alias in enumerate(entry.get("aliases", ()))
            if wire_names.get(alias) == ("errors", i, "aliases", j)
        ]
        kept = set(names.alias_class_names((alias for _, alias in former), own))
        for j, alias in former:  # the first alias of each kept class claims it
            if (name := names.class_name(alias)) in kept:
                kept.discard(name)
                claim(name, ("errors", i, "aliases", j), f"alias {alias!r}")
    first_category: dict[str, int] = {}
    for i, category in enumerate(c.data["categories"]):
        if first_category.setdefault(category["id"], i) != i:  # a duplicate: reported as such
            continue
        if "class_name" in category:
            claim(
                category["class_name"],
                ("categories", i, "class_name"),
                f"the class_name of category {category['id']!r}",
                "pick another class name",
            )
        else:
            claim(
                names.category_class_name(category["id"]),
                ("categories", i, "id"),
                f"category {category['id']!r}",
                "set class_name on the category to another class name",
            )
    _check_status_members(c)


def _check_status_members(c: _Checker) -> None:
    """Two phrases that differ only in case, spaces, hyphens or apostrophes name one HttpStatus member."""
    members: dict[str, int] = {}
    numbers: set[int] = set()
    phrases: set[str] = set()
    statuses = c.data["statuses"]
    for i, status in enumerate(statuses):
        number, phrase = status["status"], status["phrase"]
        if number in numbers or phrase in phrases:  # a duplicate: reported as such
            continue
        numbers.add(number)
        phrases.add(phrase)
        member = names.status_member_name(phrase)
        if member not in members:
            members[member] = i
            continue
        other = statuses[members[member]]
        line = c.doc.at(("statuses", members[member], "phrase"))[0]
        c.report(
            ("statuses", i, "phrase"),
            f"the phrase {phrase!r} of status {number} becomes the HttpStatus member {member}, like "
            f"the phrase {other['phrase']!r} of status {other['status']} at line {line}",
            "HttpStatus names each member after its phrase; make the phrases differ in more than "
            "case, spaces, hyphens and apostrophes",
        )


def _metadata_name_problem(name: str) -> tuple[str, str] | None:
    """Why no metadata field may be called ``name``: the end of the message and the hint; None if it may."""
    if name in ENVELOPE_FIELDS:
        fields = ", ".join(sorted(ENVELOPE_FIELDS))
        return "clashes with the error envelope", f"the error object already has {fields}; pick another name"
    if name in RESERVED_KEYWORDS:
        arguments = ", ".join(sorted(RESERVED_KEYWORDS))
        return (
            f"clashes with the {name} argument of ApiError",
            f"ApiError's own keyword arguments ({arguments}) are not metadata; pick another name",
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return (
            "is a Python keyword",
            "generated code exposes metadata by name; pick a name that is not a keyword",
        )
    return None


def _check_retry(
    c: _Checker,
    at: Path,
    where: str,
    entry: dict[str, Any],
    retry_statuses: set[int],
    max_retry_after: int | None,
) -> None:
    retry = entry["retry"]
    strategy = retry["strategy"]
    status = entry["status"]
    path = at + ("retry", "strategy")
    needs_reason = ""
    if status >= 500 and strategy != "backoff":
        needs_reason = f"{where} is a {status} but is not retried with backoff"
    elif 400 <= status < 500 and strategy == "backoff" and status not in RETRYABLE_CLIENT_STATUSES:
        needs_reason = (
            f"{where} is a {status} but is retried with backoff; the same request gets the same answer"
        )
    elif strategy == "refresh_credentials" and status != 401:
        needs_reason = f"{where} refreshes credentials but its status is {status}, not 401"
    elif strategy == "use_existing_resource" and status != 409:
        needs_reason = f"{where} points at an existing resource but its status is {status}, not 409"
    if needs_reason and not retry.get("reason"):
        c.report(path, needs_reason, "add retry.reason to say why, or change the strategy")
    if strategy == "backoff" and status not in retry_statuses:
        c.report(
            path,
            f"{where} is retried with backoff but retry_policy.retry_statuses leaves out {status}",
            f"add {status} to retry_policy.retry_statuses, or change the strategy",
        )
    after = retry.get("retry_after_seconds")
    if after is not None:
        if strategy != "backoff":
            c.report(
                at + ("retry", "retry_after_seconds"),
                f"{where} sets retry_after_seconds but its strategy is {strategy}",
                "Retry-After only makes sense for codes retried with backoff",
            )
        elif max_retry_after is not None and after > max_retry_after:
            c.report(
                at + ("retry", "retry_after_seconds"),
                f"{where} asks clients to wait {after} s, longer than "
                f"retry_policy.max_retry_after_seconds ({max_retry_after})",
                "clients would give up instead of waiting; lower one or raise the other",
            )


def _check_lifecycle(
    c: _Checker, at: Path, where: str, entry: dict[str, Any], codes: dict[str, int], api_version: str
) -> None:
    current = semver_tuple(api_version)
    since = entry.get("since")
    if since and semver_tuple(since) > current:
        c.report(
            at + ("since",),
            f"{where} is introduced in {since}, after the catalog's version {api_version}",
            "raise api.version, or correct since",
        )
    deprecated = entry.get("deprecated")
    if deprecated:
        dep_since = deprecated["since"]
        if since and semver_tuple(dep_since) < semver_tuple(since):
            c.report(
                at + ("deprecated", "since"),
                f"{where} is deprecated in {dep_since}, before it was introduced in {since}",
            )
        if semver_tuple(dep_since) > current:
            c.report(
                at + ("deprecated", "since"),
                f"{where} is deprecated in {dep_since}, after the catalog's version {api_version}",
                "raise api.version, or correct deprecated.since",
            )
    retired = entry.get("retired")
    if retired:
        ret_since = retired["since"]
        if semver_tuple(ret_since) > current:
            c.report(
                at + ("retired", "since"),
                f"{where} is retired in {ret_since}, after the catalog's version {api_version}",
                "raise api.version, or correct retired.since",
            )
        if since and semver_tuple(ret_since) < semver_tuple(since):
            c.report(
                at + ("retired", "since"),
                f"{where} is retired in {ret_since}, before it was introduced in {since}",
            )
        if deprecated and semver_tuple(ret_since) < semver_tuple(deprecated["since"]):
            c.report(
                at + ("retired", "since"),
                f"{where} is retired in {ret_since}, before it was deprecated in {deprecated['since']}",
            )
    replaced_by = entry.get("replaced_by")
    if replaced_by is None:
        return
    path = at + ("replaced_by",)
    if replaced_by == entry["code"]:
        c.report(path, f"{where} is replaced by itself", "name the code that replaces it")
        return
    if not deprecated and not retired:
        c.report(
            path,
            f"{where} names a replacement but is neither deprecated nor retired",
            "add deprecated (since, reason), or remove replaced_by",
        )
    if not c.reference(path, replaced_by, codes, "code", "name an existing code"):
        return
    target = c.data["errors"][codes[replaced_by]]
    if target.get("retired"):
        c.report(
            path,
            f"{where} is replaced by {replaced_by!r}, which is retired",
            "point at a code that is still sent",
        )
    elif target.get("deprecated"):
        c.report(
            path,
            f"{where} is replaced by {replaced_by!r}, which is deprecated too",
            f"point at the code that replaces {replaced_by!r} instead",
        )


def build(doc: Document, sha256: str) -> model.Catalog:
    """The typed catalog of a document that has no errors."""
    data = doc.data
    api = data["api"]
    docs_url = api["docs_url"]
    errors = []
    for i, e in enumerate(data["errors"]):
        retry = e["retry"]
        example = e["example"]
        deprecated = e.get("deprecated")
        errors.append(
            model.ErrorEntry(
                code=e["code"],
                status=e["status"],
                category=e["category"],
                title=e["title"],
                message=e["message"],
                cause=e["cause"],
                solution=e["solution"],
                retry=model.Retry(
                    strategy=retry["strategy"],
                    reason=retry.get("reason", ""),
                    retry_after_seconds=retry.get("retry_after_seconds"),
                ),
                example=model.Example(
                    message=example["message"],
                    request_id=example["request_id"],
                    details=tuple(model.Detail(**d) for d in example.get("details", ())),
                    metadata=tuple(example.get("metadata", {}).items()),
                ),
                doc_url=model.doc_url(docs_url, e["code"]),
                usage=e.get("usage", ""),
                metadata=tuple(e.get("metadata", {}).items()),
                see_also=tuple(e.get("see_also", ())),
                since=e.get("since", ""),
                deprecated=model.Deprecation(**deprecated) if deprecated else None,
                retired=model.Retirement(**e["retired"]) if "retired" in e else None,
                replaced_by=e.get("replaced_by"),
                aliases=tuple(e.get("aliases", ())),
                line=doc.at(("errors", i))[0],
                class_name=e.get("class_name", ""),
            )
        )
    policy = data["retry_policy"]
    logging = data.get("logging") or {}
    return model.Catalog(
        source=doc.file,
        sha256=sha256,
        api=model.Api(
            name=api["name"],
            version=api["version"],
            docs_url=docs_url,
            description=api.get("description", ""),
        ),
        statuses=tuple(sorted((model.Status(**s) for s in data["statuses"]), key=lambda s: s.status)),
        categories=tuple(model.Category(**c) for c in data["categories"]),
        errors=tuple(errors),
        retry_policy=model.RetryPolicy(
            retry_statuses=tuple(sorted(policy["retry_statuses"])),
            transport_failures=tuple(model.TransportFailure(**t) for t in policy["transport_failures"]),
            backoff=model.Backoff(**{k: v for k, v in policy["backoff"].items()}),
            honor_retry_after=policy["honor_retry_after"],
            max_retry_after_seconds=policy.get("max_retry_after_seconds"),
            notes=tuple(policy.get("notes", ())),
        ),
        logging=model.Logging(
            include=tuple(model.LogField(**f) for f in logging.get("include", ())),
            redact=tuple(
                model.Redaction(name=r["name"], description=r["description"], keys=tuple(r["keys"]))
                for r in logging.get("redact", ())
            ),
            levels=tuple(model.LogLevel(**lv) for lv in logging.get("levels", ())),
        ),
        server=model.Server(
            request_validation=data.get("server", {}).get("request_validation", ""),
            unhandled_exception=data.get("server", {}).get("unhandled_exception", ""),
            http_errors=tuple(data.get("server", {}).get("http_errors", ())),
        ),
        scenarios=tuple(
            model.Scenario(
                id=s["id"],
                title=s["title"],
                summary=s["summary"],
                codes=tuple(s["codes"]),
                steps=tuple(s["steps"]),
            )
            for s in data.get("scenarios", ())
        ),
        links=tuple(
            model.Link(title=link["title"], url=link["url"], description=link.get("description", ""))
            for link in data.get("links", ())
        ),
    )
