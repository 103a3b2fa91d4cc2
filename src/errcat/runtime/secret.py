"""What a secret looks like: the keys that name one, and the shapes it takes in text.

A key names a secret when it is one of errcat's built-in keys (:data:`BUILTIN_REDACT_KEYS`)
or a catalog's ``logging.redact`` keys, or holds one of the built-in parts
(:data:`BUILTIN_REDACT_PARTS`: ``password``, ``token``, ``secret``, ``cookie``, ...). Keys
are compared by their letters and digits alone, after percent-decoding, so
``client_secret``, ``clientSecret``, ``Client-Secret`` and ``client%5Fsecret`` are one key.
The built-in lists follow Sentry's default denylist and server-side scrubber and OWASP's
logging cheat sheet (session ids, access tokens, passwords, connection strings, keys, card
numbers).

A name ending in ``key`` is secret when the word before it says which credential it is
(``api``, ``access``, ``private``, ``subscription``, ``account``, ``app``, ``license``, ...:
``Ocp-Apim-Subscription-Key``, ``x-functions-key``, ``AccountKey``, ``DD_APP_KEY``);
``sort_key``, ``primary_key``, ``public_key`` and ``idempotency_key`` name no secret.

In text, :class:`SecretFinder` replaces the value of ``key=value``, ``key: value``,
``key<TAB>value``, ``"key": "value"`` and ``('key', 'value')`` forms whose key is secret
(URL query strings and percent-encoded ones included), a whole
``Authorization``/``Cookie``/``Set-Cookie`` header line, credentials after an auth scheme
(``Bearer``, ``Basic``, ...), URL userinfo (``postgres://app:pw@db``), JSON Web Tokens,
PEM and PGP private keys, token formats with a vendor's prefix (as GitHub secret scanning
and gitleaks document them: GitHub, GitLab, Slack, AWS, Stripe, Google, OpenAI, PyPI, npm,
...) and payment card numbers (Luhn-checked). It also knows:

- a whole object or array under a secret key (``{"session": {"id": ...}}``, a pretty-printed
  array, a YAML block), whose brackets it matches through quoted strings and escapes; the
  value of a quoted key comes out quoted (``{"session": "[REDACTED]"}``), so that JSON and
  Python reprs stay well-formed, and an object that never closes is redacted to the end;
- XML and HTML: the text of an element named like a secret (``<password>``,
  ``<wsse:Password>``, ``<entry key="password">``) and the ``value`` of a form field whose
  ``name`` is one (or whose ``type`` is ``password``);
- ``name``/``value`` pairs (HAR headers, cookies, AWS tags, Kubernetes env lists) whose
  name is secret;
- command lines: ``--password S``, ``-storepass S``, ``['--token', 'S']`` (a word of up to
  three lowercase letters after a flag is prose: "--token is required"), ``curl -u user:pw``
  and ``.netrc`` lines;
- a URL path segment after a segment named like a secret (``/reset-password/<token>``,
  ``/api-key/<key>``) when it looks like one: a digit in eight characters or more, or
  twenty of them.

Prose stays readable: "Bearer tokens", "the access token is invalid", "the token endpoint
returned 401" and "/auth/callback" are left as written.

:mod:`errcat.runtime.redaction` builds on it to redact values of any shape. Standard
library only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple
from urllib.parse import unquote

__all__ = ["BUILTIN_REDACT_KEYS", "BUILTIN_REDACT_PARTS", "REDACTED", "SecretFinder"]

#: What every secret is replaced by.
REDACTED = "[REDACTED]"

#: Keys whose values are secrets in any API, whatever the catalog says (its keys add to these).
#: Sentry's default denylist (the session cookies of common frameworks among them) and the
#: OAuth, OpenID Connect and cloud-signing names; a key is compared by its letters and digits.
#: Client IP addresses (``x_forwarded_for`` in Sentry's list) are personal data, not
#: credentials, and OWASP counts them among what a security log records: a catalog that
#: must not log them lists them in its ``logging.redact``.
BUILTIN_REDACT_KEYS = frozenset(
    {
        "access_token",
        "aiohttp_session",
        "api_key",
        "apikey",
        "assertion",
        "auth",
        "authorization",
        "client_assertion",
        "client_secret",
        "code_verifier",
        "connect.sid",
        "cookie",
        "credentials",
        "csrf",
        "csrf_token",
        "csrftoken",
        "database_url",
        "dsn",
        "id_token",
        "jsessionid",
        "mysql_pwd",
        "passwd",
        "password",
        "phpsessid",
        "private_key",
        "privatekey",
        "proxy-authorization",
        "refresh_token",
        "samlresponse",
        "secret",
        "session",
        "sessionid",
        "set-cookie",
        "symfony",
        "token",
        "user_session",
        "x-api-key",
        "x-csrftoken",
        "x-xsrf-token",
        "xsrf-token",
    }
)

#: Parts of a key that make it secret wherever they appear (``db_password``, ``x-auth-token``,
#: ``stripeSecretKey``), as in Sentry's server-side scrubber. A part of four letters or fewer
#: must be a whole word of the key (``auth`` matches ``x-auth-user``, not ``author``). The
#: ``...key`` parts name the credential (API, access, subscription, account, license, ...
#: keys); keys that name no secret (``sort_key``, ``primary_key``, ``public_key``) hold none.
BUILTIN_REDACT_PARTS = frozenset(
    {
        "accesskey",
        "accountkey",
        "adminkey",
        "apikey",
        "appkey",
        "applicationkey",
        "auth",
        "authkey",
        "authorization",
        "bearer",
        "connectionstring",
        "cookie",
        "credential",
        "csrf",
        "cvc",
        "cvv",
        "dsn",
        "encryptionkey",
        "functionskey",
        "jwt",
        "keypass",
        "licensekey",
        "otp",
        "pass",
        "passphrase",
        "masterkey",
        "passwd",
        "password",
        "pin",
        "privatekey",
        "pwd",
        "secret",
        "session",
        "sessid",
        "sharedkey",
        "sid",
        "sig",
        "signature",
        "signingkey",
        "storagekey",
        "storepass",
        "subscriptionkey",
        "token",
        "writekey",
        "xsrf",
    }
)

# --- the shapes of secrets in text ------------------------------------------------------------------


def _lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A regular expression compiled on its first use, so that importing the runtime stays light."""
    return functools.cache(lambda: re.compile(pattern, flags))


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_SHORT_PART = 4
# Delimiters (& # , / ; = ? and space) as they appear percent-encoded, once or twice, inside
# a URL that is itself a value: a key ends before one and may start right after one.
_ENCODED_DELIMITER = re.compile(r"%(?:25)?(?:26|2[3CcFf]|3[BbDdFf]|20)")
# What separates a key from its value; the key is read backwards from it (see _key_before).
# ":" may be percent-encoded, as in a JSON object inside a query string; a tab alone
# separates them too (tab-separated values), looked for only in text that has a tab.
_SEPARATOR = re.compile(r"[ \t]*(?P<sep>=>|=|:|%(?:25)?3[AaDd])[ \t]*")
_TAB_SEPARATOR = _lazy(r"(?P<sep>\t)[ \t]*")
_KEY_PUNCTUATION = frozenset("_.[]-%")
_QUOTES = frozenset("\"'")
_MAX_KEY = 128
_SCHEME_WORD = r"(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256)"
_VALUE_QUOTED = re.compile(r"""(?P<b>b?)(?P<q>["'])(?:(?!(?P=q))[^\\]|\\.)*(?P=q)?""", re.DOTALL)
_VALUE_ESCAPED = re.compile(r"""(?P<q>\\+["'])(?:(?!(?P=q)).)*(?:(?P=q))?""", re.DOTALL)
_VALUE_SCHEME = re.compile(rf"(?i){_SCHEME_WORD}[ \t]+")
# up to a space, an & (plain or encoded) or a closing quote (one followed by a space, , ; ) } ] or the end)
_VALUE_PLAIN = re.compile(r"""(?:(?!%(?:25)?26|["'](?:[\s,;)}\]]|$))[^\s&])+""")
_VALUE_SCALAR = re.compile(r"[^\s,;&}\])]+")  # after a quoted key: a JSON or repr scalar
_VALUE_LINE = re.compile(r"[^\r\n]*")
# A header whose whole line is the secret: its value holds spaces, commas and ; separators.
_LINE_KEYS = frozenset({"authorization", "proxyauthorization", "cookie", "setcookie"})
# ('key', value) in a repr or a JSON array, up to where the value starts (a string or a bracket)
_TUPLE_KEY = re.compile(r"""[(\[]\s*b?(?P<q>["'])(?P<key>[^"'\\\n]{1,128})(?P=q)\s*,\s*(?=b?["']|[{\[(])""")
# {('password',): value}: a tuple of strings as a key in a repr, up to where the value starts
_TUPLE_AS_KEY = _lazy(r"""\((?P<keys>(?:\s*+b?(?P<q>["'])[^"'\\\n]{1,128}+(?P=q)\s*+,?+)++)\)\s*:\s*""")
# {<Field.PASSWORD: 'password'>: value}: an enum member as a key in a repr
_ENUM_AS_KEY = _lazy(r"""<(?P<name>[A-Za-z_][\w.]{0,127}): [^<>\n]{0,128}>\s*:\s*""")
_QUOTED_NAME = _lazy(r"""b?(?P<q>["'])(?P<name>[^"'\\\n]{1,128})(?P=q)""")
# A credential after an auth scheme: it must hold a digit or a symbol, or be long, so that
# prose such as "Bearer tokens" or "the access token is invalid" stays as written.
_SCHEME_CREDENTIAL = re.compile(
    r"(?i)\b(?P<scheme>Bearer|Basic|Token|Negotiate|NTLM)[ \t]+"
    r"(?=[A-Za-z._~+/=-]*(?:[0-9_~+/=-]|\.[A-Za-z0-9])|[A-Za-z0-9._~+/=-]{20})[A-Za-z0-9._~+/=-]{4,}"
)
_USERINFO = re.compile(r"(?i)\b(?P<scheme>[a-z][a-z0-9+.-]*://)(?:[^/?#\s]*@|[^/?#\s@:]*:[^\s@]*@)")
# user:password@host without a scheme ("app:pw@db:5432", a netloc): the part before @ holds a colon
_BARE_USERINFO = re.compile(r"""(?i)(?<![\w.%+:/@-])(?!mailto:)[\w.%+-]+:[^\s@/'"]+@(?=[a-z0-9[])""")
_JWT = re.compile(
    r"\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?"
)
_PEM_KEY = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
# Token formats with a fixed prefix, as their issuers document them for secret scanning
# (GitHub's supported secret patterns, gitleaks' rules): each needs the length its issuer
# gives after the prefix, so that a prefix alone ("sk-", "hf_") is prose.
_KNOWN_TOKENS = re.compile(
    r"\b(?=[AGSTdghnprswxy])(?:"  # the prefixes' first letters: most words fail at once
    r"gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{22,}"  # GitHub fine-grained tokens
    r"|gl(?:pat|dt|ptt|rt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}"  # GitLab tokens
    r"|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|(?<=hooks\.slack\.com/services/)T[A-Za-z0-9_]{8,}/B[A-Za-z0-9_]{8,}/[A-Za-z0-9_]{20,}"  # Slack hooks
    r"|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"  # AWS access key ids
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{24,}"  # Stripe keys and webhook secrets
    r"|AIza[A-Za-z0-9_-]{35}|GOCSPX-[A-Za-z0-9_-]{24,}|ya29\.[A-Za-z0-9_-]{20,}"  # Google
    r"|sk-(?=[A-Za-z0-9_-]{0,80}[0-9])[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic (sk-ant-) and their likes
    r"|pypi-Ag[A-Za-z0-9_-]{50,}"  # PyPI API tokens
    r"|npm_[A-Za-z0-9]{36}"  # npm tokens
    r"|hf_[A-Za-z]{30,}"  # Hugging Face tokens
    r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"  # SendGrid API keys
    r"|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"  # Shopify tokens
    r"|dckr_pat_[A-Za-z0-9_-]{27,}"  # Docker Hub tokens
    r"|hvs\.[A-Za-z0-9_-]{24,}"  # HashiCorp Vault tokens
    r")\b"
)
_CARD = re.compile(r"(?<![\w.-])[2-6][0-9](?:[ -]?[0-9]){11,17}(?![\w-])")
_ONE_WORD = re.compile(r"\w*")

# Brackets: a value that opens with one ends where it closes (see _balanced_end).
_CLOSERS = {"{": "}", "[": "]", "(": ")"}
_BRACKET_STOP = _lazy(r"""[{}\[\]()"'\\]""")
_STRING_REST = {quote: _lazy(rf"(?:[^{quote}\\]|\\.)*{quote}", re.DOTALL) for quote in _QUOTES}
_BACKSLASHES = _lazy(r"\\+")
# The lines after "key:" that belong to it (a YAML block): see _block_end. A list item's
# "- " counts as indentation.
_NEXT_LINE = _lazy(r"\r?\n(?P<indent>[ \t]*)(?P<body>[^\r\n]*)")
_INDENT = _lazy(r"[ \t]*(?:-[ \t]+)*")

# XML and HTML: an opening tag, its attributes, and what names a field in them.
_TAG = _lazy(r"<(?P<name>[A-Za-z_][\w.:-]{0,127})(?P<attrs>\s[^<>]*)?>")
_ATTRIBUTE = _lazy(r"""(?P<name>[\w.:-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'<>/]+))""")
_NAMING_ATTRIBUTES = frozenset({"name", "key", "id"})  # id names a form field, not an element's text
_VALUE_ATTRIBUTES = frozenset({"value", "content"})
_TRUNCATED_TEXT = _lazy(r"[A-Za-z0-9+/=_~-]{4,}")  # "<password>S3cr3t", cut off: a token-like rest

# {"name": "X-Api-Key", "value": ...}, Key=db_password,Value=..., "- name: X\n  value: ..."
_NAMED_VALUE = _lazy(
    r"""(?i)(?<![\w-])(?P<nq>\\*["']?)(?:name|key)(?P=nq)[ \t]*[:=][ \t]*"""
    r"""(?:(?P<q>\\*["'])(?P<quoted>[\w.:-]{1,128})(?P=q)|(?P<bare>[\w.:-]{1,128}))"""
    r"""(?:[ \t]*[,&][ \t]*|[ \t]*\r?\n[ \t]*)(?P<vq>\\*["']?)value(?P=vq)[ \t]*[:=][ \t]*"""
)
# Command lines: --password S and -storepass S (shell), '--password', 'S' (an argv list)
_FLAG = _lazy(r"-(?<![\w-]-)-?(?P<key>[A-Za-z][\w.-]{0,127}+)[ \t]+(?=[^\s-])")
_ARGV_FLAG = _lazy(r"""(?P<q>["'])--?(?P<key>[A-Za-z][\w.-]{0,127})(?P=q)[ \t]*,[ \t]*(?=b?["'])""")
_PROSE_WORD = _lazy(r"[a-z]{1,3}")  # after a flag: "is", "to", "or" (a three-letter password leaks)
_USER_OPTION = _lazy(
    r"""(?<![\w-])(?:-u|-U|--user|--proxy-user)(?:[ \t]+|=)["']?[^\s:'"]+:(?P<value>[^\s'"]+)"""
)
_NETRC = _lazy(r"\b(?:machine|login|account)[ \t]+\S+[ \t]+password[ \t]+(?P<value>\S+)")
# /reset-password/<token>: a segment named like a secret, then one that looks like a credential
_PATH_SEGMENT = _lazy(
    r"/(?P<name>[A-Za-z][A-Za-z0-9_~%-]{0,63}+)"
    r"(?=/(?P<value>(?=[A-Za-z0-9_~+=%-]{0,63}[0-9])[A-Za-z0-9_~+=%-]{8,}+|[A-Za-z0-9_~+=%-]{20,}+)"
    r"(?![A-Za-z0-9._~+=%-]))"
)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    number = match.group()
    digits = re.sub(r"[ -]", "", number)
    if not (13 <= len(digits) <= 19 and _luhn(digits)):
        return number
    text, before, after = match.string, match.start(), match.end()
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    while after < len(text) and text[after] in " \t\r\n":
        after += 1
    if (
        digits == number
        and before > 0
        and text[before - 1] in ":,["
        and (after == len(text) or text[after] in ",]}")
    ):
        return f'"{REDACTED}"'  # a number in JSON or a repr: a string in its place keeps it well-formed
    return REDACTED


def _decoded(key: str) -> str:
    for _ in range(3):  # twice-encoded keys are common in nested redirect URLs
        if "%" not in key:
            break
        decoded = unquote(key)
        if decoded == key:
            break
        key = decoded
    return key


def _balanced_end(text: str, start: int) -> int:
    """Where the bracketed value that opens at ``start`` closes; the end of ``text`` if it never does.

    Brackets inside quoted strings (``"..."`` and ``'...'``, backslash escapes in them) do
    not count, nor those inside escaped strings (``\\"...\\"``, JSON inside a JSON string);
    a closing bracket that does not match is taken for the end of the text too.
    """
    expected: list[str] = []
    position = start
    while True:
        stop = _BRACKET_STOP().search(text, position)
        if stop is None:
            return len(text)
        char, position = stop.group(), stop.end()
        if char in _CLOSERS:
            expected.append(_CLOSERS[char])
        elif char in "}])":
            if not expected or expected.pop() != char:
                return len(text)
            if not expected:
                return position
        elif char == "\\":
            run = _BACKSLASHES().match(text, stop.start())
            assert run is not None
            after = run.end()
            if after < len(text) and text[after] in _QUOTES:  # an escaped string: to the same escape
                close = re.compile(rf"(?<!\\)\\{{{after - run.start()}}}{text[after]}").search(
                    text, after + 1
                )
                if close is None:
                    return len(text)
                position = close.end()
            else:
                position = after + 1
        else:
            rest = _STRING_REST[char]().match(text, position)
            if rest is None:
                return len(text)
            position = rest.end()


def _block_end(text: str, start: int, column: int) -> int:
    """The end of the lines after ``start`` under a key on a line indented ``column``; ``start`` if none.

    They are the lines indented deeper than the key's line (or list items, "- ", as deep):
    a YAML block. A first line that opens a bracket ends where the bracket closes (an
    object on the line after its key).
    """
    end = position = start
    first = True
    while True:
        line = _NEXT_LINE().match(text, position)
        if line is None:
            return end
        body, indent = line.group("body"), len(line.group("indent"))
        if not body.strip():
            position = line.end()
            continue
        if first and body[0] in _CLOSERS and indent >= column:
            return _balanced_end(text, line.start("body"))
        if not (indent > column or (indent == column and (body == "-" or body.startswith("- ")))):
            return end
        end = position = line.end()
        first = False


class _Key(NamedTuple):
    """A key found before a separator: where it starts, its text, and the quote closing it ("" if none)."""

    start: int
    name: str
    quote: str


def _key_before(text: str, end: int) -> _Key | None:
    """The key that ends at ``end`` (where a separator starts), read backwards; ``None`` if none.

    A key is up to 128 word characters, dots, dashes, brackets and percent-escapes, with
    nothing of those before it; it starts after the last percent-encoded delimiter in it,
    so ``%3Fpage%3D1%26token`` is the key ``token``. Quotes (and the backslashes that
    escape them) may enclose it.
    """
    close = end
    if close > 0 and text[close - 1] in _QUOTES:
        close -= 1
        while close > 0 and text[close - 1] == "\\":
            close -= 1
    start = close
    while start > 0 and close - start <= _MAX_KEY:
        char = text[start - 1]
        if not (char.isalnum() or char in _KEY_PUNCTUATION):
            break
        start -= 1
    if start == close or close - start > _MAX_KEY:
        return None
    name = text[start:close]
    if "%" in name:
        delimiters = list(_ENCODED_DELIMITER.finditer(name))
        if delimiters:
            last = delimiters[-1]
            start, name = start + last.end(), name[last.end() :]
            if not name:
                return None
    opened = start > 0 and text[start - 1] in _QUOTES
    return _Key(start, name, text[close:end] if opened else "")


def _two_word_key(text: str, key: _Key, end: int) -> _Key | None:
    """``API Key``, ``Subscription Key``: the word before a key named ``key``, with it; ``None`` if none."""
    if key.quote or key.start < 2 or text[key.start - 1] != " ":
        return None
    close = key.start - 1
    start = close
    while start > 0 and close - start < 32 and text[start - 1].isalnum():
        start -= 1
    if start == close:
        return None
    opened = start > 0 and text[start - 1] in _QUOTES
    after = key.start + len(key.name)
    return _Key(start, f"{text[start:close]} {key.name}", text[after:end] if opened else "")


class SecretFinder:
    """The secrets of one set of keys: which keys name one, and each one in a text, replaced.

    ``keys`` are the secret keys beyond the built-in parts (the built-in keys and a
    catalog's own); verdicts on key names are cached.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(_NOT_ALNUM.sub("", k.lower()) for k in keys) - {""}
        self.long_parts = tuple(p for p in BUILTIN_REDACT_PARTS if len(p) > _SHORT_PART)
        self.short_parts = frozenset(p for p in BUILTIN_REDACT_PARTS if len(p) <= _SHORT_PART)
        self._verdicts: dict[str, bool] = {}

    # --- keys

    def secret(self, key: object) -> bool:
        """Whether ``key`` (a str, or bytes) names a secret."""
        if isinstance(key, (bytes, bytearray)):
            key = bytes(key).decode("latin-1")
        if not isinstance(key, str):
            return False
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._secret(key)
            if len(self._verdicts) < 4096:
                self._verdicts[key] = verdict
        return verdict

    def _secret(self, key: str) -> bool:
        decoded = _decoded(key)
        # "/cb?page=1&token" (a key cut out of a nested URL) is judged by its last name
        for name in {decoded, re.split(r"[?&=#;,/ ]", decoded)[-1]}:
            normal = _NOT_ALNUM.sub("", name.lower())
            if not normal:
                continue
            if normal in self.keys or any(part in normal for part in self.long_parts):
                return True
            if any(word.lower() in self.short_parts for word in _WORDS.findall(name)):
                return True
        return False

    # --- text

    def text(self, value: str) -> str:
        """``value`` with every secret in it replaced by :data:`REDACTED`."""
        if _ONE_WORD.fullmatch(value):  # no separator, quote or space: a token format or a card alone
            return _CARD.sub(_card, _KNOWN_TOKENS.sub(REDACTED, value))
        if "PRIVATE KEY" in value:
            value = _PEM_KEY.sub(REDACTED, value)
        if "eyJ" in value:
            value = _JWT.sub(REDACTED, value)
        value = _KNOWN_TOKENS.sub(REDACTED, value)
        if "@" in value:
            if "://" in value:
                value = _USERINFO.sub(lambda m: f"{m.group('scheme')}{REDACTED}@", value)
            value = _BARE_USERINFO.sub(f"{REDACTED}@", value)
        value = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group('scheme')} {REDACTED}", value)
        if "<" in value:
            value = self._markup(value)
        value = self._pairs(value, _SEPARATOR)
        if "\t" in value:
            value = self._pairs(value, _TAB_SEPARATOR())
        if "(" in value or "[" in value or "<" in value:
            value = self._repr_keys(value)
        if "alue" in value or "ALUE" in value:
            value = self._named_values(value)
        if "-" in value:
            value = self._command_lines(value)
        if "password" in value:  # .netrc's words are lowercase
            value = _NETRC().sub(_redact_group, value)
        if "/" in value:
            value = self._path_segments(value)
        return _CARD.sub(_card, value)

    def _pairs(self, text: str, separators: re.Pattern[str]) -> str:
        """``key=value``-like pairs whose key is secret, with the value replaced."""
        out: list[str] = []
        position = 0
        for separator in separators.finditer(text):
            key = _key_before(text, separator.start())
            if key is None or key.start < position:
                continue
            if not self.secret(key.name):
                if key.name not in ("key", "Key", "KEY"):
                    continue
                key = _two_word_key(text, key, separator.start())
                if key is None or key.start < position or not self.secret(key.name):
                    continue
            start = separator.end()
            sep = separator.group("sep")
            line = (
                sep == ":" and not key.quote and _NOT_ALNUM.sub("", _decoded(key.name).lower()) in _LINE_KEYS
            )
            column = None
            if sep == ":" and text.startswith(("\n", "\r\n"), start):  # a block under the key, maybe
                indent = _INDENT().match(text, text.rfind("\n", 0, key.start) + 1)
                assert indent is not None
                column = indent.end() - indent.start()
            end, replacement = self._value_span(text, start, key.quote, line=line, column=column)
            if end <= start:
                continue
            out += (text[position:start], replacement)
            position = end
        if not out:
            return text
        out.append(text[position:])
        return "".join(out)

    def _value_span(
        self, text: str, start: int, quote: str, *, line: bool = False, column: int | None = None
    ) -> tuple[int, str]:
        """Where the value at ``start`` ends, and what replaces it.

        A quoted value keeps its quotes; any other value of a quoted key (an object, an
        array, a number) comes out in the key's ``quote``, so JSON and reprs stay well-formed.
        ``line``: the rest of the line is the value (a header such as ``Cookie``);
        ``column``: the indentation of the key's line, when the value may be the block below it.
        """
        if text.startswith(REDACTED, start):  # redacted already
            return start, ""
        in_quotes = f"{quote}{REDACTED}{quote}"
        if text[start : start + 1] in _CLOSERS:
            return _balanced_end(text, start), in_quotes
        for pattern in (_VALUE_QUOTED, _VALUE_ESCAPED):
            quoted = pattern.match(text, start)
            if quoted is not None and quoted.end() > start:
                raw, mark = quoted.group(), quoted.group("q")
                opening = quoted.group("b") + mark if pattern is _VALUE_QUOTED else mark
                closed = len(raw) > len(opening) and raw.endswith(mark)
                return quoted.end(), f"{opening}{REDACTED}{mark if closed else ''}"
        if column is not None:
            end = _block_end(text, start, column)
            return (end, f" {in_quotes}") if end > start else (start, "")
        if line:
            rest = _VALUE_LINE.match(text, start)
            return (rest.end() if rest else start), REDACTED
        end = start
        scheme = _VALUE_SCHEME.match(text, start)
        if scheme is not None:
            end = scheme.end()
        plain = (_VALUE_SCALAR if quote else _VALUE_PLAIN).match(text, end)
        if plain is None:
            return start, ""
        return plain.end(), in_quotes

    def _repr_keys(self, text: str) -> str:
        """The keys of reprs and JSON arrays that ``key=value`` forms miss, with their values replaced.

        ``('key', value)`` pairs, ``{('password',): value}`` (a tuple key: secret when any of
        its strings is) and ``{<Field.PASSWORD: 'password'>: value}`` (an enum member).
        """
        if "(" in text or "[" in text:
            text = self._replace_values(text, _TUPLE_KEY, lambda m: self.secret(m.group("key")), "q")
        if "):" in text or ") :" in text:
            text = self._replace_values(
                text,
                _TUPLE_AS_KEY(),
                lambda m: any(self.secret(n.group("name")) for n in _QUOTED_NAME().finditer(m.group("keys"))),
                "q",
            )
        if ">:" in text or "> :" in text:
            text = self._replace_values(text, _ENUM_AS_KEY(), lambda m: self.secret(m.group("name")), None)
        return text

    def _replace_values(
        self, text: str, pattern: re.Pattern[str], secret: Callable[[re.Match[str]], bool], quote: str | None
    ) -> str:
        """The value after each match of ``pattern`` that is ``secret``, replaced (see :meth:`_value_span`).

        ``quote`` names the group that holds the key's quote (``None``: the key has none).
        """
        first = pattern.search(text)
        if first is None:  # the usual case: no need for the loop
            return text
        out: list[str] = []
        position = 0
        for match in pattern.finditer(text, first.start()):
            if match.start() < position or not secret(match):
                continue
            start = match.end()
            end, replacement = self._value_span(text, start, match.group(quote) if quote else "")
            if end <= start:
                continue
            out += (text[position:start], replacement)
            position = end
        if not out:
            return text
        out.append(text[position:])
        return "".join(out)

    def _named_values(self, text: str) -> str:
        """The value of a ``name``/``value`` pair whose name is secret (HAR headers, tags, env lists)."""
        return self._replace_values(
            text, _NAMED_VALUE(), lambda m: self.secret(m.group("quoted") or m.group("bare")), "vq"
        )

    def _markup(self, text: str) -> str:
        """XML and HTML: the text of an element named like a secret, the value of a secret form field."""
        out: list[str] = []
        position = 0
        closes: dict[str, re.Match[str] | None] = {}
        for tag in _TAG().finditer(text):
            if tag.start() < position:
                continue
            attrs = tag.group("attrs") or ""
            field = element = False  # whether its value attribute is secret, whether its text is
            values: list[tuple[int, int]] = []
            if "=" in attrs:
                for attribute in _ATTRIBUTE().finditer(attrs):
                    kind = attribute.group("name").lower()
                    group = next(g for g in ("dq", "sq", "bare") if attribute.group(g) is not None)
                    if kind in _VALUE_ATTRIBUTES:
                        values.append(attribute.span(group))
                    elif kind == "type":
                        field = field or attribute.group(group).lower() == "password"
                    elif kind in _NAMING_ATTRIBUTES and self.secret(attribute.group(group)):
                        field = True
                        element = element or kind != "id"
            opening = tag.group()
            if field:  # <input name="password" value="...">: its value, in the tag
                offset = tag.start("attrs") - tag.start()
                for value_start, value_end in reversed(values):
                    if opening[offset + value_start : offset + value_end] != REDACTED:
                        opening = (
                            f"{opening[: offset + value_start]}{REDACTED}{opening[offset + value_end :]}"
                        )
            content = None
            if not attrs.rstrip().endswith("/") and (element or self.secret(tag.group("name"))):
                content = self._element_text(text, tag, closes)
            if opening == tag.group() and content is None:
                continue
            out += (text[position : tag.start()], opening)
            position = tag.end()
            if content is not None:
                out.append(REDACTED)
                position = content
        if not out:
            return text
        out.append(text[position:])
        return "".join(out)

    @staticmethod
    def _element_text(text: str, tag: re.Match[str], closes: dict[str, re.Match[str] | None]) -> int | None:
        """Where the text of the element that ``tag`` opens ends, if it is to be redacted; ``None`` if not.

        ``closes`` keeps the closing tag found last for each name (``None``: there is none
        after it), so that many opening tags without one do not search the text again each.
        """
        name = tag.group("name")
        close = closes.get(name)
        if name not in closes or (close is not None and close.start() < tag.end()):
            close = closes[name] = re.compile(rf"</{re.escape(name)}\s*>").search(text, tag.end())
        if close is None:  # cut off: only a token-like rest to the end ("<password>S3cr3t")
            return len(text) if _TRUNCATED_TEXT().fullmatch(text, tag.end()) else None
        inner = text[tag.end() : close.start()]
        return close.start() if inner.strip() and inner != REDACTED else None

    def _command_lines(self, text: str) -> str:
        """``--password S``, ``['--token', 'S']`` and ``curl -u user:pw``, with the value replaced."""
        text = self._replace_values(text, _FLAG(), self._secret_flag, None)
        if "'-" in text or '"-' in text:
            text = self._replace_values(text, _ARGV_FLAG(), lambda m: self.secret(m.group("key")), "q")
        if "-u" in text or "-U" in text or "--user" in text or "--proxy-user" in text:
            text = _USER_OPTION().sub(_redact_group, text)
        return text

    def _secret_flag(self, flag: re.Match[str]) -> bool:
        """Whether the word after ``flag`` is its secret value, not prose ("--token is required")."""
        if not self.secret(flag.group("key")):
            return False
        word = _VALUE_PLAIN.match(flag.string, flag.end())
        return flag.string[flag.end()] in _QUOTES or word is None or not _PROSE_WORD().fullmatch(word.group())

    def _path_segments(self, text: str) -> str:
        """``/reset-password/<token>``: a path segment after one named like a secret, if it looks like one."""
        first = _PATH_SEGMENT().search(text)
        if first is None:
            return text
        out: list[str] = []
        position = 0
        for segment in _PATH_SEGMENT().finditer(text, first.start()):
            start = segment.start("value")
            if start < position or not self.secret(segment.group("name")):
                continue
            out += (text[position:start], REDACTED)
            position = segment.end("value")
        if not out:
            return text
        out.append(text[position:])
        return "".join(out)


def _redact_group(match: re.Match[str]) -> str:
    """The match with its ``value`` group replaced (unless it is redacted already)."""
    if match.group("value").startswith(REDACTED):
        return match.group()
    start, end = match.span("value")
    whole = match.group()
    return f"{whole[: start - match.start()]}{REDACTED}{whole[end - match.start() :]}"
