"""The shapes a secret takes in text: the patterns and scanners :class:`SecretFinder` is made of.

The regular expressions (each compiled on its first use, so that importing the runtime
stays light) and the scanners that find where a value ends: matched brackets through
quoted strings, a YAML block, the key before a separator. What each finds is said in
:mod:`errcat.runtime.secret_text`, which puts them together.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import unquote

from errcat.runtime.secret import REDACTED


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


def _redact_group(match: re.Match[str]) -> str:
    """The match with its ``value`` group replaced (unless it is redacted already)."""
    if match.group("value").startswith(REDACTED):
        return match.group()
    start, end = match.span("value")
    whole = match.group()
    return f"{whole[: start - match.start()]}{REDACTED}{whole[end - match.start() :]}"
