"""Logging errors the way the catalog's logging guidance says, with secrets kept out.

Every error is logged with the fields a catalog's logging guidance lists (code,
status, request_id, method, path, attempt, retry_delay_seconds, metadata), under one
JSON-friendly ``extra`` key, ``errcat``, so a JSON formatter emits them as they are::

    import logging
    import acme_errors
    from errcat.runtime.logging import log_error

    log = logging.getLogger("acme.client")
    try:
        client.get_order(...)
    except acme_errors.ApiError as exc:
        log_error(log, exc, errors=acme_errors, method="GET", url=str(request.url), attempt=1)

The level follows the catalog's ``logging.levels`` (without a catalog: a 4xx at
warning, a 5xx at error, a retried transport failure at warning).

Whatever is logged goes through :func:`redact`. A key names a secret when it is one of
errcat's built-in keys (:data:`BUILTIN_REDACT_KEYS`) or the catalog's ``logging.redact``
keys, or holds one of the built-in parts (:data:`BUILTIN_REDACT_PARTS`: ``password``,
``token``, ``secret``, ``cookie``, ...). Keys are compared by their letters and digits
alone, after percent-decoding, so ``client_secret``, ``clientSecret``, ``Client-Secret``
and ``client%5Fsecret`` are one key. The built-in lists follow Sentry's default
denylist and server-side scrubber and OWASP's logging cheat sheet (session ids, access
tokens, passwords, connection strings, keys, card numbers). Secret values are replaced:

- in mappings at any depth, header objects and ``(name, value)`` pairs (str or bytes);
- in text: ``key=value``, ``key: value``, ``"key": "value"`` and ``('key', 'value')``
  forms (URL query strings and percent-encoded ones included), a whole
  ``Authorization``/``Cookie``/``Set-Cookie`` header line, credentials after an auth
  scheme (``Bearer``, ``Basic``, ...), URL userinfo (``postgres://app:pw@db``), JSON Web
  Tokens, PEM private keys, well-known token formats (GitHub, Slack, AWS, Stripe,
  Google) and payment card numbers (Luhn-checked);
- in tracebacks: :func:`format_exception` gives a redacted one.

:class:`RedactingFilter` applies the same to every record that passes through a
handler, for logs errcat did not write: the message and its arguments, the traceback,
the stack and every ``extra`` field. It never raises into the application: a log call
whose arguments do not fit its message is logged with the arguments shown after it.

Prose stays readable: "Bearer tokens", "the access token is invalid" and a catalog's
messages are left as written.

Standard library only.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from errcat.runtime.catalog import ErrorCatalog, ErrorPackage

__all__ = [
    "BUILTIN_REDACT_KEYS",
    "BUILTIN_REDACT_PARTS",
    "DEFAULT_LOG_LEVELS",
    "REDACTED",
    "RedactingFilter",
    "error_fields",
    "format_exception",
    "is_secret_key",
    "level_for",
    "log_error",
    "log_exception",
    "redact",
]

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

#: The level of each kind of failure when no catalog says otherwise.
DEFAULT_LOG_LEVELS = {"client_error": "warning", "server_error": "error", "transport_failure": "warning"}

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}

# --- what a secret looks like ------------------------------------------------------------------

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


def _safe_str(value: object) -> str:
    """``str(value)``, or a placeholder naming its type when its ``__str__`` raises."""
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


class _Redactor:
    """Redaction for one set of secret keys; verdicts on key names are cached."""

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

    # --- structures

    def value(self, value: Any, depth: int = 0, *, strict: bool = True) -> Any:
        """``value`` redacted; ``strict`` turns objects it does not know into redacted text."""
        if depth > 32:  # a structure this deep is not a log field; don't recurse forever
            return REDACTED
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return self.text(bytes(value).decode("utf-8", "backslashreplace"))
        if isinstance(value, Mapping):
            return self._mapping(value.items(), depth, strict)
        if _is_pair(value):
            name = value[0]
            shown = name.decode("latin-1") if isinstance(name, (bytes, bytearray)) else name
            return [shown, REDACTED if self.secret(name) else self.value(value[1], depth + 1, strict=strict)]
        geturl = getattr(value, "geturl", None)
        if callable(geturl):  # urllib's SplitResult and ParseResult (tuples that print as parts)
            return self.text(_safe_str(geturl()))
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.value(item, depth + 1, strict=strict) for item in value]
        multi_items = getattr(value, "multi_items", None)
        items = multi_items if callable(multi_items) else getattr(value, "items", None)
        if callable(items):  # header objects (httpx.Headers, starlette's Headers, ...)
            return self._mapping(items(), depth, strict)
        if _is_request(value):  # an HTTP request object: what it is sent to and with
            return {
                "method": _safe_str(value.method),
                "url": self.text(_safe_str(value.url)),
                "headers": self.value(value.headers, depth + 1, strict=strict),
            }
        if not strict:
            return value
        return self.text(_safe_str(value))  # URL objects and the like: their text, redacted

    def _mapping(self, items: Iterable[tuple[Any, Any]], depth: int, strict: bool) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, item in items:
            shown = key.decode("latin-1") if isinstance(key, (bytes, bytearray)) else key
            if shown in out and isinstance(out[shown], str) and isinstance(item, (str, bytes)):
                # a header sent twice (multi_items): keep both values, as the header would
                item = f"{out[shown]}, {self.value(item, depth + 1, strict=strict)}"
                out[shown] = REDACTED if self.secret(key) else item
                continue
            out[shown] = REDACTED if self.secret(key) else self.value(item, depth + 1, strict=strict)
        return out


def _is_pair(value: object) -> bool:
    """A ``(name, value)`` pair, as in httpx's params, header lists and ASGI's raw headers."""
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and isinstance(value[0], (str, bytes, bytearray))
        and not hasattr(value, "geturl")
    )


def _is_request(value: object) -> bool:
    return all(hasattr(value, name) for name in ("method", "url", "headers"))


_REDACTORS: dict[frozenset[str], _Redactor] = {}


def _redactor(keys: Iterable[str] | None) -> _Redactor:
    wanted = BUILTIN_REDACT_KEYS.union(k.lower() for k in keys or ())
    redactor = _REDACTORS.get(wanted)
    if redactor is None:
        if len(_REDACTORS) > 64:  # many key sets (one per catalog, usually): keep the cache small
            _REDACTORS.clear()
        redactor = _REDACTORS[wanted] = _Redactor(wanted)
    return redactor


def redact(value: Any, keys: Iterable[str] | None = None) -> Any:
    """``value`` with every secret replaced by ``[REDACTED]``: the built-in keys and ``keys``.

    Mappings (and header objects) come back as new dicts, sequences and pairs as lists,
    bytes as text; request objects (anything with ``method``, ``url`` and ``headers``) as
    a dict of the three; strings with their secrets replaced (see the module's docstring);
    numbers, booleans and ``None`` as they are; any other object as its redacted text.
    The input is never modified.
    """
    return _redactor(keys).value(value)


def is_secret_key(key: str | bytes, keys: Iterable[str] | None = None) -> bool:
    """Whether the value of ``key`` is redacted: a built-in key or part, or one of ``keys``."""
    return _redactor(keys).secret(key)


def format_exception(error: BaseException | tuple[Any, Any, Any], keys: Iterable[str] | None = None) -> str:
    """The traceback of ``error`` (an exception or an ``exc_info`` tuple) as text, secrets redacted.

    The same text :class:`logging.Formatter` prints, with the exception's message, its
    chained causes, its notes and every source line that appears redacted.
    """
    try:
        if isinstance(error, BaseException):
            lines = traceback.format_exception(type(error), error, error.__traceback__)
        else:
            lines = traceback.format_exception(*error)
        text = "".join(lines)
    except Exception:  # a traceback the traceback module cannot print
        text = f"<unprintable traceback of {type(error).__name__}>"
    return _redactor(keys).text(text.rstrip("\n"))


def level_for(error: object, levels: Mapping[str, str] | None = None) -> int:
    """The logging level of this failure: by status class, or transport failure.

    ``levels`` maps ``client_error``, ``server_error`` and ``transport_failure`` to level
    names (a catalog's ``log_levels``); :data:`DEFAULT_LOG_LEVELS` fills what it leaves out.
    """
    from errcat.runtime.retry import status_of, transport_failure

    if transport_failure(error) is not None:
        kind = "transport_failure"
    else:
        status = status_of(error) or 500
        kind = "server_error" if status >= 500 else "client_error"
    return _LEVELS[(levels or {}).get(kind) or DEFAULT_LOG_LEVELS[kind]]


def _catalog(errors: ErrorPackage | ErrorCatalog | None) -> ErrorCatalog | None:
    if errors is None:
        return None
    from errcat.runtime.catalog import catalog_of

    return catalog_of(errors)


def error_fields(
    error: object,
    *,
    method: str | None = None,
    url: str | None = None,
    attempt: int | None = None,
    retry_delay: float | None = None,
    keys: Iterable[str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The log fields of ``error``, redacted (the built-in keys and ``keys``), as a JSON-friendly dict.

    ``context`` adds fields of the caller's own (after the catalog's ones).
    """
    from errcat.runtime.retry import status_of, transport_failure

    failure = transport_failure(error)
    fields: dict[str, Any] = {
        "code": failure or str(getattr(error, "code", "") or "") or None,
        "status": status_of(error) if failure is None else None,
        "request_id": getattr(error, "request_id", None),
    }
    if method is not None:
        fields["method"] = method.upper()
    if url is not None:
        fields["path"] = urlsplit(url).path or "/"  # never the query string: tokens live there
    if attempt is not None:
        fields["attempt"] = attempt
    if retry_delay is not None:
        fields["retry_delay_seconds"] = round(retry_delay, 3)
    metadata = getattr(error, "metadata", None)
    if isinstance(metadata, Mapping) and metadata:
        fields["metadata"] = dict(metadata)
    details = getattr(error, "details", None)
    if details:
        fields["details"] = list(details)
    for name, value in (context or {}).items():
        fields.setdefault(name, value)
    return redact(fields, keys)  # type: ignore[no-any-return]


def log_error(
    logger: logging.Logger | logging.LoggerAdapter[Any],
    error: object,
    *,
    errors: ErrorPackage | ErrorCatalog | None = None,
    method: str | None = None,
    url: str | None = None,
    attempt: int | None = None,
    retry_delay: float | None = None,
    level: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Log ``error`` with its fields under ``extra={"errcat": ...}``; returns them.

    ``errors`` (a generated package) gives the level of each kind of failure and the keys
    to redact beyond the built-in ones; ``level`` overrides the level; ``context`` adds
    fields of the caller's own.
    """
    catalog = _catalog(errors)
    keys = catalog.redact_keys if catalog is not None else None
    fields = error_fields(
        error, method=method, url=url, attempt=attempt, retry_delay=retry_delay, keys=keys, context=context
    )
    summary = " ".join(
        f"{name}={fields[name]}"
        for name in ("code", "status", "request_id", "method", "path", "attempt", "retry_delay_seconds")
        if fields.get(name) is not None
    )
    message = redact(_safe_str(error), keys) if isinstance(error, BaseException) else ""
    logger.log(
        level if level is not None else level_for(error, catalog.log_levels if catalog is not None else None),
        "%s%s%s",
        summary,
        ": " if message else "",
        message,
        extra={"errcat": fields},
        stacklevel=2,  # the record names the caller of log_error, not this module
    )
    return fields


def log_exception(
    logger: logging.Logger,
    error: BaseException,
    message: str,
    *args: object,
    errors: ErrorPackage | ErrorCatalog | None = None,
    level: int = logging.ERROR,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Log ``message % args`` with the traceback of ``error``, both redacted, at ``level``.

    The record carries the redacted traceback as its ``exc_text`` (which every formatter
    prints) and no ``exc_info``, so that no formatter can print the exception unredacted.
    ``errors`` adds the catalog's keys to the built-in ones; ``extra`` is redacted too.
    """
    if not logger.isEnabledFor(level):
        return
    catalog = _catalog(errors)
    keys = catalog.redact_keys if catalog is not None else None
    redactor = _redactor(keys)
    try:
        text = message % args if args else message
    except Exception:
        text = f"{message} {' '.join(_safe_repr(arg) for arg in args)}"
    try:
        filename, line, function, _ = logger.findCaller(False, 2)
    except ValueError:  # no caller frame to name
        filename, line, function = "(unknown file)", 0, "(unknown function)"
    fields = {name: redactor.value(value) for name, value in (extra or {}).items()}
    record = logger.makeRecord(
        logger.name, level, filename, line, redactor.text(text), (), None, function, fields
    )
    record.exc_text = format_exception(error, keys)
    logger.handle(record)


# --- the handler filter ------------------------------------------------------------------------

_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}


def _message_of(record: logging.LogRecord) -> str:
    """The record's message, or its template with the arguments after it when they do not fit."""
    try:
        return record.getMessage()
    except Exception:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        shown = ", ".join(_safe_repr(arg) for arg in args)
        return f"{_safe_str(record.msg)} [log arguments that do not fit the message: {shown}]"


class RedactingFilter(logging.Filter):
    """A handler filter that redacts everything a record carries; it never raises into the application.

    It redacts the built-in keys, the keys of ``errors`` (a generated package) and
    ``keys``: in the message (its template and every argument), the traceback and stack
    (formatted now, into ``exc_text`` and ``stack_info``; ``exc_info`` is cleared so that
    no formatter prints it unredacted) and every ``extra`` field (the ``errcat`` fields
    among them). A message whose arguments do not fit it is kept, with the arguments
    shown after it.
    """

    def __init__(
        self,
        errors: ErrorPackage | ErrorCatalog | None = None,
        *,
        keys: Iterable[str] = (),
        name: str = "",
    ) -> None:
        super().__init__(name)
        catalog = _catalog(errors)
        self._keys = frozenset(keys) | (catalog.redact_keys if catalog is not None else frozenset())

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        try:
            self._redact(record, _redactor(self._keys))
        except Exception:  # the last resort: a record that cannot be redacted says only that
            level = logging.getLevelName(record.levelno)
            record.msg = f"[a {level} record of {record.name} that could not be redacted]"
            record.args = None
            record.exc_info = record.exc_text = record.stack_info = None
        return True

    def _redact(self, record: logging.LogRecord, redactor: _Redactor) -> None:
        # Arguments first, by structure (mapping keys count), then the whole formatted message.
        if record.args:
            record.args = (
                tuple(redactor.value(arg, strict=False) for arg in record.args)
                if isinstance(record.args, tuple)
                else redactor.value(record.args, strict=False)
            )
        if not isinstance(record.msg, str):
            record.msg = redactor.value(record.msg, strict=False)
        colored = record.__dict__.get("color_message")
        if isinstance(colored, str) and record.args:  # uvicorn's second template, for the same arguments
            try:
                record.__dict__["color_message"] = colored % record.args
            except Exception:
                record.__dict__["color_message"] = record.msg
        record.msg = redactor.text(_message_of(record))
        record.args = None
        if "message" in record.__dict__:  # formatted by an earlier handler
            record.message = record.msg
        if record.exc_info:
            record.exc_text = format_exception(record.exc_info, self._keys)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redactor.text(_safe_str(record.exc_text))
        if record.stack_info:
            record.stack_info = redactor.text(_safe_str(record.stack_info))
        for name in record.__dict__.keys() - _RECORD_ATTRIBUTES:
            value = record.__dict__[name]
            record.__dict__[name] = REDACTED if redactor.secret(name) else redactor.value(value)
