"""errcat.runtime.secret: which keys name a secret, in every spelling, and which text is left alone.

The keys are asked through :func:`errcat.runtime.redaction.is_secret_key` and the texts
through :func:`~errcat.runtime.redaction.redact`, the public faces of
:class:`~errcat.runtime.secret.SecretFinder`.
"""

from __future__ import annotations

import ast
import json
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tests.runtime.redaction_cases import PROSE, SENTRY_DENYLIST, TEXT_PIECES, S

import partner_invoicing_errors as codes
from errcat.runtime.redaction import REDACTED, is_secret_key, redact
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


@pytest.mark.parametrize(
    "key",
    [
        "Ocp-Apim-Subscription-Key",
        "x-functions-key",
        "AccountKey",
        "DD_APP_KEY",
        "NEW_RELIC_LICENSE_KEY",
        "x-goog-api-key",
        "SharedAccessKey",
        "signing_key",
        "storepass",
    ],
)
def test_a_key_named_for_its_credential_is_secret(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "sort_key",
        "primary_key",
        "partition_key",
        "idempotency_key",
        "cache_key",
        "public_key",
        "foreign_key",
        "object_key",
        "key",
        "monkey",
    ],
)
def test_a_key_that_names_no_credential_is_not(key: str) -> None:
    assert not is_secret_key(key)
    assert redact(f"{key}=v2:inv_4Rt6Yp") == f"{key}=v2:inv_4Rt6Yp"


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


# --- a whole value under a secret key, and the text around it well-formed -----------------------


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ('{"session": {"id": "S3CR3T"}}', '{"session": "[REDACTED]"}'),
        (
            '{"credentials": {"type": "x", "value": "S3CR3T"}, "n": 1}',
            '{"credentials": "[REDACTED]", "n": 1}',
        ),
        ("{'auth': {'token': 'S3CR3T'}}", "{'auth': '[REDACTED]'}"),
        ('{"auth": [1, [2, {"a": "]"}]], "n": 1}', '{"auth": "[REDACTED]", "n": 1}'),
        ('{"secret": {"note": "a } b", "v": "S3CR3T"}}', '{"secret": "[REDACTED]"}'),
        ('{"pin":48213990,"ok":true}', '{"pin":"[REDACTED]","ok":true}'),
        ('{"number": 4111111111111111, "exp": "12/30"}', '{"number": "[REDACTED]", "exp": "12/30"}'),
        ('{"password": null}', '{"password": "[REDACTED]"}'),
        ("Config(passwords=['S3CR3T', 'x'], retries=3)", "Config(passwords=[REDACTED], retries=3)"),
        ("session: {id: S3CR3T, ttl: 3600}", "session: [REDACTED]"),
        ("[('session', {'id': 'S3CR3T'})]", "[('session', '[REDACTED]')]"),
        ("{('password',): 'S3CR3T'}", "{('password',): '[REDACTED]'}"),
        # an object that never closes: redacted to the end
        ('{"session": {"id": "S3CR3T", "user": "bo', '{"session": "[REDACTED]"'),
        ('{"auth": ["S3CR3T", {"x": 1]', '{"auth": "[REDACTED]"'),
        ("token=[S3CR3T", "token=[REDACTED]"),
    ],
)
def test_a_secret_keys_object_or_array_is_replaced_whole(text: str, redacted: str) -> None:
    assert redact(text) == redacted


def test_json_and_reprs_stay_well_formed() -> None:
    pretty = json.dumps({"auth": [S, {"k": S}], "scope": "read"}, indent=2)
    assert json.loads(redact(pretty)) == {"auth": REDACTED, "scope": "read"}
    inner = json.dumps({"session": {"id": S}, "n": 1})
    outer = json.loads(redact(json.dumps({"body": inner})))
    assert json.loads(outer["body"]) == {"session": REDACTED, "n": 1}
    assert ast.literal_eval(redact(repr({"auth": {"token": S}, "n": (1, 2)}))) == {
        "auth": REDACTED,
        "n": (1, 2),
    }
    block = f"credentials:\n  username: bob\n  value: {S}\nauth:\n- {S}\n- other\nregion: eu\n"
    # a bare key's value comes out bare, as "password: S" always did: YAML reads a flow list
    assert yaml.safe_load(redact(block)) == {
        "credentials": ["REDACTED"],
        "auth": ["REDACTED"],
        "region": "eu",
    }
    allman = f'{{\n  "session":\n  {{\n    "id": "{S}"\n  }},\n  "n": 1\n}}'
    assert json.loads(redact(allman)) == {"session": REDACTED, "n": 1}


SAFE_TEXT = st.text(alphabet="abcdefgh0123456789 .,!?", max_size=12)  # no secret word spelled by chance
JSON_VALUES = st.recursive(
    # integers shorter than a card number: text redacts those (Luhn-checked), structures do not
    st.none() | st.booleans() | st.integers(-(10**11), 10**11) | SAFE_TEXT | st.just(S) | st.just('a "}] b'),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(SAFE_TEXT, children, max_size=3),
    max_leaves=8,
)


@given(
    key=st.sampled_from(["session", "auth", "credentials", "client_secret", "api_key", "passwords"]),
    value=JSON_VALUES,
    others=st.dictionaries(st.sampled_from(["user", "scope", "n", "page"]), JSON_VALUES, max_size=3),
    indent=st.sampled_from([None, 2]),
)
def test_any_json_or_repr_under_a_secret_key_comes_out_well_formed(
    key: str, value: Any, others: dict[str, Any], indent: int | None
) -> None:
    """The value under the secret key goes whole; the others stay, unless they hold a secret themselves."""
    document = {key: value, **others}
    expected = redact(document)  # the structural redaction: the same keys, the same verdicts
    assert json.loads(redact(json.dumps(document, indent=indent))) == expected
    as_repr = redact(repr(document))
    assert ast.literal_eval(as_repr) == ast.literal_eval(repr(expected))


# --- shapes of secrets in text, and the prose beside them ----------------------------------------


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("<password>S3CR3T</password>", "<password>[REDACTED]</password>"),
        ('<input name="password" value="S3CR3T">', '<input name="password" value="[REDACTED]">'),
        ("<password>S3cr3tValue", "<password>[REDACTED]"),  # cut off
        ("--password S3CR3T --user bob", "--password [REDACTED] --user bob"),
        ("--password=S3CR3T", "--password=[REDACTED]"),
        ("--password is required", "--password is required"),  # a short lowercase word is prose
        ("password\tS3CR3T", "password\t[REDACTED]"),
        ("Ocp-Apim-Subscription-Key: S3CR3T", "Ocp-Apim-Subscription-Key: [REDACTED]"),
        ("API Key: S3CR3T", "API Key: [REDACTED]"),
        ("/reset-password/S3CR3T42xyz?x=1", "/reset-password/[REDACTED]?x=1"),
        ("/reset-password/confirm", "/reset-password/confirm"),  # letters, short: a page, not a token
        ("/api-key/ak_0123456789abcdefghij", "/api-key/[REDACTED]"),
        ('{"name": "X-Api-Key", "value": "S3CR3T"}', '{"name": "X-Api-Key", "value": "[REDACTED]"}'),
        ("sk-abc123 is too short for a key", "sk-abc123 is too short for a key"),
    ],
)
def test_each_shape_is_replaced_and_nothing_around_it(text: str, redacted: str) -> None:
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Session:\nnext line",  # no block under the key
        "status:\n  ok",  # a block under a key that names no secret
        "error in Optional<Token>.get() at line 3",
        "Map<String, Token> tokens",
    ],
)
def test_more_prose_is_left_alone(text: str) -> None:
    assert redact(text) == text
