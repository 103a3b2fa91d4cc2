"""Finding secrets in text: :class:`SecretFinder`, for one set of secret keys.

It replaces the value of ``key=value``, ``key: value``,
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

import re
from collections.abc import Callable, Iterable

from errcat.runtime.secret import BUILTIN_REDACT_PARTS, REDACTED
from errcat.runtime.secret_shapes import (
    _ARGV_FLAG,
    _ATTRIBUTE,
    _BARE_USERINFO,
    _CARD,
    _CLOSERS,
    _ENUM_AS_KEY,
    _FLAG,
    _INDENT,
    _JWT,
    _KNOWN_TOKENS,
    _LINE_KEYS,
    _NAMED_VALUE,
    _NAMING_ATTRIBUTES,
    _NETRC,
    _NOT_ALNUM,
    _ONE_WORD,
    _PATH_SEGMENT,
    _PEM_KEY,
    _PROSE_WORD,
    _QUOTED_NAME,
    _QUOTES,
    _SCHEME_CREDENTIAL,
    _SEPARATOR,
    _SHORT_PART,
    _TAB_SEPARATOR,
    _TAG,
    _TRUNCATED_TEXT,
    _TUPLE_AS_KEY,
    _TUPLE_KEY,
    _USER_OPTION,
    _USERINFO,
    _VALUE_ATTRIBUTES,
    _VALUE_ESCAPED,
    _VALUE_LINE,
    _VALUE_PLAIN,
    _VALUE_QUOTED,
    _VALUE_SCALAR,
    _VALUE_SCHEME,
    _WORDS,
    _balanced_end,
    _block_end,
    _card,
    _decoded,
    _key_before,
    _redact_group,
    _two_word_key,
)

__all__ = ["SecretFinder"]


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
        return _spliced(text, out, position)

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
        return _spliced(text, out, position)

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


def _spliced(text: str, pieces: list[str], position: int) -> str:
    """``text`` as ``pieces`` rewrote it up to ``position`` (the text before each value, its
    replacement), then the rest of it; ``text`` itself when nothing was replaced."""
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)
