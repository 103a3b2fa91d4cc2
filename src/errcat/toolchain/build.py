"""The document -> model step: the typed :class:`~errcat.toolchain.model.Catalog` of a checked document.

It runs only on a document without errors, so every field has its shape and every reference
resolves. Each property of a catalog object is the field of the same name of its model class,
taken as written (lists become tuples): a new plain field of a code needs its property in the
schema and its declaration in the model, and nothing here. Records nested in a field, and what
the model derives (documentation URLs, line numbers), are built explicitly below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from errcat.toolchain.model import (
    Api,
    Backoff,
    Catalog,
    Category,
    Deprecation,
    Detail,
    ErrorEntry,
    Example,
    Link,
    LogField,
    Logging,
    LogLevel,
    Redaction,
    Retirement,
    Retry,
    RetryPolicy,
    Scenario,
    Server,
    Status,
    TransportFailure,
    doc_url,
)
from errcat.toolchain.source import Document

__all__ = ["build"]

T = TypeVar("T")


def build(doc: Document, sha256: str) -> Catalog:
    """The typed catalog of a document that has no errors; ``sha256`` is of the file's bytes."""
    data = doc.data
    api = _record(Api, data["api"])
    policy = data["retry_policy"]
    logging = data.get("logging") or {}
    return Catalog(
        source=doc.file,
        sha256=sha256,
        api=api,
        statuses=tuple(sorted(_records(Status, data["statuses"]), key=lambda s: s.status)),
        categories=_records(Category, data["categories"]),
        errors=tuple(
            _error(entry, api.docs_url, doc.at(("errors", i))[0]) for i, entry in enumerate(data["errors"])
        ),
        retry_policy=_record(
            RetryPolicy,
            policy,
            retry_statuses=tuple(sorted(policy["retry_statuses"])),
            transport_failures=_records(TransportFailure, policy["transport_failures"]),
            backoff=_record(Backoff, policy["backoff"]),
        ),
        logging=Logging(
            include=_records(LogField, logging.get("include", ())),
            redact=_records(Redaction, logging.get("redact", ())),
            levels=_records(LogLevel, logging.get("levels", ())),
        ),
        server=_record(Server, data.get("server", {})),
        scenarios=_records(Scenario, data.get("scenarios", ())),
        links=_records(Link, data.get("links", ())),
    )


def _error(entry: Mapping[str, Any], docs_url: str, line: int) -> ErrorEntry:
    example = entry["example"]
    return _record(
        ErrorEntry,
        entry,
        retry=_record(Retry, entry["retry"]),
        example=_record(
            Example,
            example,
            details=_records(Detail, example.get("details", ())),
            metadata=tuple(example.get("metadata", {}).items()),
        ),
        doc_url=doc_url(docs_url, entry["code"]),
        metadata=tuple(entry.get("metadata", {}).items()),
        deprecated=_record(Deprecation, entry["deprecated"]) if entry.get("deprecated") else None,
        retired=_record(Retirement, entry["retired"]) if "retired" in entry else None,
        line=line,
    )


def _record(cls: type[T], data: Mapping[str, Any], **given: Any) -> T:
    """An instance of the model class ``cls``: each field ``data`` has (lists as tuples), then ``given``.

    The schema allows no property that is not a field of its model class (the build tests
    compare the two), and a field in neither keeps its default.
    """
    values = {name: tuple(value) if isinstance(value, list) else value for name, value in data.items()}
    values.update(given)
    return cls(**values)


def _records(cls: type[T], items: Iterable[Mapping[str, Any]]) -> tuple[T, ...]:
    return tuple(_record(cls, item) for item in items)
