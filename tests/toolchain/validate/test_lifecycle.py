"""errcat check on lifecycle fields: retired codes, aliases of renamed codes, replacements."""

from __future__ import annotations

import pytest
from tests.builders import CATALOGS

from errcat.toolchain.load import load_bytes

BASE = (CATALOGS / "diff_base.yaml").read_text("utf-8")
ENTRY = "  - code: internal_error\n    status: 500\n"


def check(edited: str) -> list[str]:
    result = load_bytes(edited.encode(), "errors.yaml")
    return [f"{d.line}:{d.column}: {d.severity}: {d.message}" for d in result.diagnostics]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def with_fields(fields: str, entry: str = ENTRY) -> str:
    assert entry in BASE
    return BASE.replace(entry, entry + fields, 1)


def test_a_retired_code_with_a_replacement_is_valid() -> None:
    text = with_fields(
        "    retired:\n      since: 1.0.0\n      reason: Split in two.\n"
        "    replaced_by: service_unavailable\n"
    )
    assert check(text) == []


@pytest.mark.parametrize(
    ("fields", "needle", "message"),
    [
        (
            "    retired:\n      since: 2.0.0\n      reason: Gone.\n",
            "      since: 2.0.0",
            "errors[8] (internal_error) is retired in 2.0.0, after the catalog's version 1.0.0",
        ),
        (
            "    deprecated:\n      since: 1.0.0\n      reason: Going.\n    retired:\n"
            "      since: 0.9.0\n      reason: Gone.\n",
            "      since: 0.9.0",
            "errors[8] (internal_error) is retired in 0.9.0, before it was introduced in 1.0.0",
        ),
        (
            "    replaced_by: service_unavailable\n",
            "    replaced_by: service_unavailable",
            "errors[8] (internal_error) names a replacement but is neither deprecated nor retired",
        ),
        (
            "    aliases: [invoice_not_found]\n",
            "    aliases: [invoice_not_found]",
            "alias 'invoice_not_found' of code 'internal_error' is already the name at line "
            f"{line_of(BASE, '  - code: invoice_not_found')}",
        ),
        (
            "    aliases: [internal_error]\n",
            "    aliases: [internal_error]",
            "alias 'internal_error' of code 'internal_error' is already its own code",
        ),
        (
            "    aliases: [validation_failed]\n",
            "    aliases: [validation_failed]",
            "alias 'validation_failed' becomes the Python name 'ValidationFailed', like the class_name of "
            f"code 'validation_error' at line {line_of(BASE, '    class_name: ValidationFailed')}",
        ),
    ],
)
def test_lifecycle_mistakes_are_located(fields: str, needle: str, message: str) -> None:
    text = with_fields(fields)
    found = check(text)
    line = line_of(text, needle)
    assert any(f.startswith(f"{line}:") and f.endswith(message) for f in found), found


def test_replacement_must_still_be_sent() -> None:
    text = with_fields("    retired:\n      since: 1.0.0\n      reason: Gone.\n")
    text = text.replace(
        "  - code: service_unavailable\n    status: 503\n",
        "  - code: service_unavailable\n    status: 503\n    deprecated:\n      since: 1.0.0\n"
        "      reason: Going.\n    replaced_by: internal_error\n",
        1,
    )
    found = check(text)
    assert any(f.endswith("is replaced by 'internal_error', which is retired") for f in found), found
