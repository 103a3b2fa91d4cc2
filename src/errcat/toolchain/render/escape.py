"""Catalog text made safe for each destination language: the filters every template uses.

Text from a catalog is data, never code or markup. Each generated language gets one
function that turns a value into something that can only ever mean that value there:
a Python literal, a docstring, a ``#`` comment, a JSON value, a YAML scalar. Templates
never place catalog text anywhere without one of these filters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from json.encoder import encode_basestring, encode_basestring_ascii

__all__ = [
    "comment_text",
    "js_string",
    "jsdoc_text",
    "json_value",
    "markdown_text",
    "py_docstring",
    "py_docstring_block",
    "py_docstring_inline",
    "py_literal",
    "yaml_string",
    "yaml_value",
]


def py_literal(value: object) -> str:
    """A Python literal equal to ``value``; strings are ASCII-only (escapes for everything else)."""
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} has no Python literal")
        return repr(value)
    if isinstance(value, str):
        return ascii(value)
    if isinstance(value, tuple | list):
        items = ", ".join(py_literal(item) for item in value)
        if isinstance(value, list):
            return f"[{items}]"
        return f"({items},)" if len(value) == 1 else f"({items})"
    raise TypeError(f"no Python literal for {type(value).__name__}")


_PLAIN = re.compile(r"^[ !#-\[\]-~]*[!#-\[\]-~]$")  # printable ASCII without " or \, not ending in space


def py_docstring(text: str) -> str:
    """A docstring statement: ``\"\"\"text\"\"\"`` when that is safe, else an escaped literal."""
    if _PLAIN.match(text) and not text.startswith(" "):
        return f'"""{text}"""'
    return ascii(text)


def py_docstring_inline(text: str) -> str:
    """Text to place inside a triple-quoted docstring: escaped so it can never close it."""
    if _PLAIN.match(text):
        return text
    return ascii(text)[1:-1].replace('"', '\\"')


def py_docstring_block(paragraphs: list[str], indent: str, width: int = 96) -> str:
    """A triple-quoted docstring of ``paragraphs``: the first on the opening line, the rest wrapped below it.

    Each line is wrapped before it is escaped (:func:`py_docstring_inline`), so no escape
    sequence is ever cut, and no line can close the docstring early.
    """
    import textwrap

    first, *rest = (" ".join(p.split()) for p in paragraphs)
    if not rest:
        return f'"""{py_docstring_inline(first)}"""'
    lines = [f'"""{py_docstring_inline(first)}', ""]
    for index, paragraph in enumerate(rest):
        if index:
            lines.append("")
        lines += [indent + py_docstring_inline(line) for line in textwrap.wrap(paragraph, width) or [""]]
    lines.append(f'{indent}"""')
    return "\n".join(line if line.strip() else "" for line in lines)


def comment_text(text: str) -> str:
    """Text for a ``#`` comment: one line of printable ASCII."""
    return ascii(text)[1:-1]


def json_value(value: object) -> str:
    """A JSON value, ASCII-only (so also a valid YAML flow scalar)."""
    return json.dumps(value, ensure_ascii=True)


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar of printable ASCII.

    JSON's escapes, except that characters beyond U+FFFF are written ``\\UXXXXXXXX``:
    YAML reads a JSON surrogate pair as two lone surrogates.
    """
    if text.isascii():  # the common case, in C: JSON's escapes are YAML's; DEL is the one left to escape
        return encode_basestring_ascii(text).replace("\x7f", "\\u007f")
    escaped = encode_basestring(text)
    return "".join(
        ch if " " <= ch <= "~" else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
        for ch in escaped
    )


def yaml_value(value: object) -> str:
    """A YAML 1.1 flow value that any YAML parser reads back as ``value``.

    JSON syntax, except that floats always carry a decimal point (``1e+100`` is a
    string to YAML 1.1 parsers such as PyYAML, ``1.0e+100`` a float) and strings
    are written by :func:`yaml_string`.
    """
    if isinstance(value, str):
        return yaml_string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{yaml_string(str(k))}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, float) and not isinstance(value, bool):
        text = repr(value)
        if "e" in text and "." not in text:
            text = text.replace("e", ".0e", 1)
        return text
    return json_value(value)


_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_text(text: str) -> str:
    """Text for one line of Markdown: every ASCII punctuation character backslash-escaped, line breaks spaces.

    CommonMark gives a backslash before any ASCII punctuation its literal meaning, so no
    emphasis, link, HTML tag or heading can start from the text; control characters are
    written as ``U+XXXX``.
    """
    flat = " ".join(text.split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    if escaped.isprintable():
        return escaped
    return "".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in escaped)


def js_string(value: str) -> str:
    """A JavaScript (and TypeScript) string literal equal to ``value``, in printable ASCII.

    JSON's escapes, so quotes, backslashes and line terminators (U+2028 and U+2029 too) are
    escaped; ``<`` is written ``\\u003c`` so that the literal stays inert inlined into HTML
    (``</script>``). The quotes are double quotes: ``${`` and backticks mean nothing there.
    """
    if not isinstance(value, str):
        raise TypeError(f"js_string takes text, not {type(value).__name__}")
    return encode_basestring_ascii(value).replace("<", "\\u003c").replace("\x7f", "\\u007f")


def jsdoc_text(text: str) -> str:
    """Text for one line of a ``/** ... */`` comment: printable ASCII that cannot end it or start a tag.

    ``*/`` becomes ``*\\/``, ``@`` (a JSDoc tag, an inline ``{@link}``) ``\\@`` and ``<`` ``\\u003c``
    (a ``</script>`` in a file inlined into HTML); everything beyond printable ASCII, line breaks
    included, is a ``\\uXXXX``-style escape, as in a ``#`` comment.
    """
    flat = ascii(text)[1:-1]
    return flat.replace("*/", "*\\/").replace("@", "\\@").replace("<", "\\u003c")
