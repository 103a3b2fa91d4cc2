"""errcat.runtime.secret: which keys name a secret, in every spelling, and which text is left alone.

The keys are asked through :func:`errcat.runtime.redaction.is_secret_key` and the texts
through :func:`~errcat.runtime.redaction.redact`, the public faces of
:class:`~errcat.runtime.secret.SecretFinder`.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.runtime.redaction_cases import PROSE, SENTRY_DENYLIST, TEXT_PIECES

import partner_invoicing_errors as codes
from errcat.runtime.redaction import is_secret_key, redact
from errcat.runtime.secret import BUILTIN_REDACT_KEYS

# --- which keys are secret -------------------------------------------------------------------------


@pytest.mark.parametrize("key", SENTRY_DENYLIST)
def test_every_key_of_sentrys_default_denylist_is_secret(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "client_secret",
        "clientSecret",
        "Client-Secret",
        "CLIENT_SECRET",
        "client%5Fsecret",
        "client%255Fsecret",
    ],
)
def test_one_key_in_every_spelling(key: str) -> None:
    assert is_secret_key(key) and is_secret_key(key.encode())


@pytest.mark.parametrize("key", ["author", "oauth_state", "passenger", "spinner", "business_id", "keyboard"])
def test_short_parts_match_whole_words_only(key: str) -> None:
    assert not is_secret_key(key)


def test_the_catalogs_own_log_fields_and_metadata_are_never_redacted() -> None:
    fields = set(codes.CATALOG.log_fields) | {"details", "field", "message"}
    metadata = {key for member in codes.ErrorCode for key in member.metadata_keys}
    assert metadata, "the shipped catalog declares metadata fields"
    for name in sorted(fields | metadata):
        assert not is_secret_key(name, codes.CATALOG.redact_keys), name


def test_the_catalogs_keys_add_to_the_built_in_ones() -> None:
    assert is_secret_key("X-Shipper-Key", keys=["x-shipper-key"]) and is_secret_key(
        "xShipperKey", ["x-shipper-key"]
    )
    assert not is_secret_key("X-Shipper-Key")
    assert is_secret_key("password", keys=["x-shipper-key"])  # the built-in list stays
    assert {"cookie", "set-cookie", "x-api-key", "client_secret"} <= BUILTIN_REDACT_KEYS


@given(
    value=st.from_regex(r"[A-Za-z0-9._~+/=-]{6,40}", fullmatch=True),
    key=st.sampled_from(
        ["access_token", "api_key", "client_secret", "password", "refresh_token", "x-api-key"]
    ),
    spelling=st.sampled_from(["lower", "upper", "camel", "kebab", "percent"]),
    form=st.sampled_from(["query", "json", "header", "repr", "mapping", "pair"]),
)
def test_any_value_under_any_spelling_of_a_secret_key_is_redacted(
    value: str, key: str, spelling: str, form: str
) -> None:
    words = key.replace("-", "_").split("_")
    name = {
        "lower": key,
        "upper": key.upper(),
        "camel": words[0] + "".join(w.title() for w in words[1:]),
        "kebab": "-".join(words),
        "percent": quote(key, safe="").replace("_", "%5F"),
    }[spelling]
    logged: object = {
        "query": f"https://h.example/p?page=1&{name}={value}&next=2",
        "json": json.dumps({"page": 1, name: value}),
        "header": f"{name}: {value}",
        "repr": repr({"page": 1, name: value}),
        "mapping": {"page": 1, name: value},
        "pair": [(name.encode(), value.encode())],
    }[form]
    assert value not in json.dumps(redact(logged))


# --- text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prose",
    [
        "The access token is invalid or has expired.",
        "Never log Bearer tokens or Basic credentials.",
        "Include a valid Bearer token in the Authorization header.",
    ],
)
def test_prose_about_tokens_is_left_alone(prose: str) -> None:
    assert redact(prose) == prose
    for member in codes.ErrorCode:  # the catalog's own messages survive logging
        assert redact(member.message) == member.message


@pytest.mark.parametrize("prose", PROSE)
def test_prose_comes_out_as_it_went_in(prose: str) -> None:
    assert redact(prose) == prose


@given(text=st.lists(TEXT_PIECES, max_size=60).map("".join))
def test_redacting_any_text_twice_changes_nothing_more(text: str) -> None:
    out = redact(text)
    assert isinstance(out, str) and redact(out) == out
