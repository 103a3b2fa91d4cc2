"""The semantic checks: what a JSON Schema cannot express, one family of rules a module.

They run on a document that passed the schema, so every field has the right shape. Each
rule is a function of a :class:`~errcat.toolchain.validate.checker.Checker` that reports
located diagnostics through it; :data:`RULES` runs them in order. A new rule goes into the
module of its family (or a new module) and into :data:`RULES`.

::

    api          the documentation base URL
    uniqueness   each status, phrase, category and code once
    names        the Python names they become: valid and distinct
    references   statuses, categories and codes named anywhere exist (and unused categories)
    retry        the retry policy, and each code's strategy against its status
    metadata     metadata names, and the example's metadata
    lifecycle    since, deprecated, retired, replaced_by
    logging      log fields, redaction keys, level rules once each
    server       the codes of the framework's own errors
"""

from __future__ import annotations

from collections.abc import Callable

from errcat.toolchain.diagnostics import Diagnostic
from errcat.toolchain.source import Document
from errcat.toolchain.validate import (
    api,
    lifecycle,
    logging,
    metadata,
    names,
    references,
    retry,
    server,
    uniqueness,
)
from errcat.toolchain.validate.checker import Checker

__all__ = ["RULES", "Rule", "check"]

Rule = Callable[[Checker], None]

#: Every rule, in the order they run (diagnostics are sorted by position afterwards).
RULES: tuple[Rule, ...] = (
    api.docs_url,
    uniqueness.identities,
    names.class_names,
    names.status_members,
    retry.policy,
    references.statuses_and_categories,
    retry.strategies,
    retry.retry_after,
    metadata.names,
    metadata.example,
    references.see_also,
    lifecycle.versions,
    lifecycle.replacements,
    references.unused_categories,
    references.scenarios,
    logging.listed_once,
    server.roles,
    server.http_errors,
)


def check(doc: Document) -> list[Diagnostic]:
    """Every semantic problem of a document that passed the schema."""
    checker = Checker(doc)
    for rule in RULES:
        rule(checker)
    return checker.out
