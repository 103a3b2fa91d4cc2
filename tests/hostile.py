"""The hostile strings every renderer is tried with: text that tries to break out of every kind of output."""

from __future__ import annotations

#: Strings that try to break out of every kind of generated text.
HOSTILE = (
    'quote " and \' and """ and \'\'\' end"',
    "back\\slash \\n \\u2028 \\",
    "line\nbreak\r\nand\ttab",
    "{{ 7*7 }} {% raw %} {# comment #}",
    "</script><script>alert(1)</script>",
    "[x](javascript:alert(1)) | pipe | ` backtick",
    "line\u2028separator\u2029paragraph\x85next",
    "rtl \u202eevil\u202c and \u2066isolate\u2069",
    "# not a comment\n# -*- coding: latin-1 -*-",
    "null byte \x00 bell \x07 del \x7f",
    "emoji \U0001f600 and accents \u00e9\u00e8 and \u0430 cyrillic",
    "'; DROP TABLE errors; --",
    "${HOME} $(rm -rf /) %s %(x)s {0}",
    "*/ ends a comment, /** opens one, `${x}` a template, @deprecated a tag, </script> a script",
)


def one_line(text: str) -> str:
    """``text`` made valid for a one-line catalog field."""
    return text.replace("\r", " ").replace("\n", " ").replace("\x85", " ").replace("\u2028", " ")[:200]
