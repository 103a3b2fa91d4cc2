"""Property tests: valid catalogs always load; one mutation always fails at the mutated line."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.strategies import REQUIRED_ERROR_FIELDS, catalogs, dump, position_of, positions_of

from errcat.toolchain.load import load_bytes
from errcat.toolchain.model import doc_url

# No shrinking phase: a whole catalog shrinks slowly (minutes when several fields fail at once), so a
# failure shows the catalog as drawn; add Phase.shrink here locally to minimise one.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


@SETTINGS
@given(catalogs())
def test_valid_catalogs_load_and_round_trip_to_the_model(data: dict[str, Any]) -> None:
    text = dump(data)
    result = load_bytes(text.encode(), "generated.yaml")
    assert [d for d in result.diagnostics if d.is_error] == []
    catalog = result.catalog
    assert catalog is not None
    assert catalog.api.name == data["api"]["name"]
    assert [s.status for s in catalog.statuses] == sorted(s["status"] for s in data["statuses"])
    assert [(c.id, c.title, c.description) for c in catalog.categories] == [
        (c["id"], c["title"], c["description"]) for c in data["categories"]
    ]
    assert len(catalog.errors) == len(data["errors"])
    starts = positions_of(text, [("errors", i) for i in range(len(data["errors"]))])
    for entry, raw, (line, _) in zip(catalog.errors, data["errors"], starts, strict=True):
        assert (entry.code, entry.status, entry.category) == (raw["code"], raw["status"], raw["category"])
        assert (entry.title, entry.message, entry.cause, entry.solution) == (
            raw["title"],
            raw["message"],
            raw["cause"],
            raw["solution"],
        )
        assert entry.usage == raw.get("usage", "")
        assert entry.retry.strategy == raw["retry"]["strategy"]
        assert entry.retry.reason == raw["retry"].get("reason", "")
        assert entry.retry.retry_after_seconds == raw["retry"].get("retry_after_seconds")
        assert dict(entry.metadata) == raw.get("metadata", {})
        assert entry.see_also == tuple(raw.get("see_also", ()))
        assert entry.doc_url == doc_url(data["api"]["docs_url"], raw["code"])
        assert entry.line == line
        body = entry.example_body()["error"]
        assert body["code"] == raw["code"]
        assert body["message"] == raw["example"]["message"]
        assert body["request_id"] == raw["example"]["request_id"]
        for name, value in raw["example"].get("metadata", {}).items():
            assert body[name] == value and type(body[name]) is type(value)
    assert catalog.scenarios[0].codes == tuple(data["scenarios"][0]["codes"])


def _mutate(data: dict[str, Any], kind: str, draw: st.DrawFn) -> tuple[tuple[str | int, ...], bool, str]:
    """Apply one mistake; return the path it is reported at, whether at the key, and a message fragment."""
    errors = data["errors"]
    i = draw(st.integers(0, len(errors) - 1))
    entry = errors[i]
    if kind == "drop_required":
        name = draw(st.sampled_from(REQUIRED_ERROR_FIELDS))
        del entry[name]
        return ("errors", i), True, f"missing required field '{name}'"
    if kind == "duplicate_code":
        j = draw(st.integers(0, len(errors) - 1).filter(lambda j: j != i))
        first, second = sorted((i, j))
        errors[second]["code"] = errors[first]["code"]
        return ("errors", second, "code"), False, f"duplicate code {errors[first]['code']!r}"
    if kind == "unknown_category":
        entry["category"] = "gamma"
        return ("errors", i, "category"), False, "names unknown category 'gamma'"
    if kind == "unknown_status":
        entry["status"] = 418
        return ("errors", i, "status"), False, "names unknown status 418"
    if kind == "unknown_see_also":
        entry["see_also"] = ["no_such_code_here"]
        return ("errors", i, "see_also", 0), False, "names unknown code 'no_such_code_here'"
    if kind == "unknown_field":
        name = draw(st.sampled_from(["staus", "titel", "retries", "x", "deprecated_since"]))
        entry[name] = "oops"
        return ("errors", i, name), True, f"unknown field '{name}'"
    if kind == "wrong_type":
        field, value, expected = draw(
            st.sampled_from(
                [
                    ("status", "400", "must be an integer, not a string"),
                    ("title", 12, "must be a string, not an integer"),
                    ("retry", "backoff", "must be a mapping, not a string"),
                    ("cause", ["a"], "must be a string, not a list"),
                ]
            )
        )
        entry[field] = value
        return ("errors", i, field), False, expected
    raise AssertionError(kind)


MUTATIONS = (
    "drop_required",
    "duplicate_code",
    "unknown_category",
    "unknown_status",
    "unknown_see_also",
    "unknown_field",
    "wrong_type",
)


@SETTINGS
@given(catalogs(min_codes=2, max_codes=6), st.sampled_from(MUTATIONS), st.data())
def test_a_mutated_catalog_fails_at_the_mutated_line(
    data: dict[str, Any], kind: str, draw: st.DataObject
) -> None:
    mutated = copy.deepcopy(data)
    path, key, fragment = _mutate(mutated, kind, draw.draw)
    text = dump(mutated)
    result = load_bytes(text.encode(), "mutated.yaml")
    assert not result.ok and result.catalog is None
    line, column = position_of(text, path, key=key)
    located = [d for d in result.diagnostics if d.is_error and fragment in d.message]
    assert located, (fragment, [str(d) for d in result.diagnostics])
    assert any((d.line, d.column) == (line, column) for d in located), (
        (line, column),
        [str(d) for d in located],
    )
