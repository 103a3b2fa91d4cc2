"""What a secret looks like: the keys that name one, and the shapes it takes in text.

A key names a secret when it is one of errcat's built-in keys (:data:`BUILTIN_REDACT_KEYS`)
or a catalog's ``logging.redact`` keys, or holds one of the built-in parts
(:data:`BUILTIN_REDACT_PARTS`: ``password``, ``token``, ``secret``, ``cookie``, ...). Keys
are compared by their letters and digits alone, after percent-decoding, so
``client_secret``, ``clientSecret``, ``Client-Secret`` and ``client%5Fsecret`` are one key.
The built-in lists follow Sentry's default denylist and server-side scrubber and OWASP's
logging cheat sheet (session ids, access tokens, passwords, connection strings, keys, card
numbers).

In text, :class:`SecretFinder` replaces the value of ``key=value``, ``key: value``,
``"key": "value"`` and ``('key', 'value')`` forms whose key is secret (URL query strings
and percent-encoded ones included), a whole ``Authorization``/``Cookie``/``Set-Cookie``
header line, credentials after an auth scheme (``Bearer``, ``Basic``, ...), URL userinfo
(``postgres://app:pw@db``), JSON Web Tokens, PEM private keys, well-known token formats
(GitHub, Slack, AWS, Stripe, Google) and payment card numbers (Luhn-checked). Prose stays
readable: "Bearer tokens" and "the access token is invalid" are left as written.

:mod:`errcat.runtime.redaction` builds on it to redact values of any shape. Standard
library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
#: must be a whole word of the key (``auth`` matches ``x-auth-user``, not ``author``).
BUILTIN_REDACT_PARTS = frozenset(
    {
        "accesskey",
        "apikey",
        "auth",
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
        "jwt",
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
        "sid",
        "sig",
        "signature",
        "signingkey",
        "token",
        "xsrf",
    }
)

# --- the shapes of secrets in text ------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_SHORT_PART = 4
# Delimiters (& # , / ; = ? and space) as they appear percent-encoded, once or twice, inside
# a URL that is itself a value: a key ends before one and may start right after one.
_ENCODED_DELIMITER = re.compile(r"%(?:25)?(?:26|2[3CcFf]|3[BbDdFf]|20)")
# What separates a key from its value; the key is read backwards from it (see _key_before).
_SEPARATOR = re.compile(r"[ \t]*(?P<sep>=>|=|:|%(?:25)?3[Dd])[ \t]*")
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
_TUPLE_PAIR = re.compile(
    r"""[(\[]\s*b?(?P<q>["'])(?P<key>[^"'\\\n]{1,128})(?P=q)\s*,\s*(?P<value>b?"(?:[^"\\]|\\.)*"|b?'(?:[^'\\]|\\.)*')"""
)
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
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.DOTALL
)
# Token formats with a fixed prefix, as their issuers document them for secret scanning.
_KNOWN_TOKENS = re.compile(
    r"\b(?:"
    r"gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{22,}"  # GitHub fine-grained tokens
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}"  # AWS access key ids
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"  # Stripe secret and restricted keys
    r"|AIza[A-Za-z0-9_-]{35}"  # Google API keys
    r")\b"
)
_CARD = re.compile(r"(?<![\w.-])[2-6][0-9](?:[ -]?[0-9]){11,17}(?![\w-])")


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group())
    return REDACTED if 13 <= len(digits) <= 19 and _luhn(digits) else match.group()


def _decoded(key: str) -> str:
    for _ in range(3):  # twice-encoded keys are common in nested redirect URLs
        if "%" not in key:
            break
        decoded = unquote(key)
        if decoded == key:
            break
        key = decoded
    return key


class _Key(NamedTuple):
    """A key found before a separator: where it starts, its text, and whether quotes enclose it."""

    start: int
    name: str
    quoted: bool


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
    return _Key(start, name, opened and close < end)


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
        value = self._pairs(value)
        if "(" in value or "[" in value:
            value = _TUPLE_PAIR.sub(self._tuple_pair, value)
        return _CARD.sub(_card, value)

    def _pairs(self, text: str) -> str:
        """``key=value``-like pairs whose key is secret, with the value replaced."""
        out: list[str] = []
        position = 0
        for separator in _SEPARATOR.finditer(text):
            key = _key_before(text, separator.start())
            if key is None or key.start < position or not self.secret(key.name):
                continue
            start = separator.end()
            end, replacement = self._value_span(text, start, key, separator.group("sep"))
            if end <= start:
                continue
            out += (text[position:start], replacement)
            position = end
        if not out:
            return text
        out.append(text[position:])
        return "".join(out)

    def _value_span(self, text: str, start: int, key: _Key, sep: str) -> tuple[int, str]:
        """Where the value after ``key`` ends, and what replaces it (quotes kept)."""
        if text.startswith(REDACTED, start):  # redacted already
            return start, ""
        for pattern in (_VALUE_QUOTED, _VALUE_ESCAPED):
            quoted = pattern.match(text, start)
            if quoted is not None and quoted.end() > start:
                raw, quote = quoted.group(), quoted.group("q")
                opening = quoted.group("b") + quote if pattern is _VALUE_QUOTED else quote
                closed = len(raw) > len(opening) and raw.endswith(quote)
                return quoted.end(), f"{opening}{REDACTED}{quote if closed else ''}"
        normal = _NOT_ALNUM.sub("", _decoded(key.name).lower())
        if sep == ":" and not key.quoted and normal in _LINE_KEYS:
            line = _VALUE_LINE.match(text, start)
            return (line.end() if line else start), REDACTED
        end = start
        scheme = _VALUE_SCHEME.match(text, start)
        if scheme is not None:
            end = scheme.end()
        pattern = _VALUE_SCALAR if key.quoted else _VALUE_PLAIN
        plain = pattern.match(text, end)
        if plain is None:
            return start, ""
        return plain.end(), REDACTED

    def _tuple_pair(self, match: re.Match[str]) -> str:
        if not self.secret(match.group("key")):
            return match.group()
        value = match.group("value")
        prefix = "b" if value.startswith("b") else ""
        quote = value[len(prefix)]
        return match.group()[: match.start("value") - match.start()] + f"{prefix}{quote}{REDACTED}{quote}"
