"""Text for a terminal: catalog text is shown, never obeyed.

:func:`printable` writes control and bidirectional characters as ``\\uXXXX`` before anything
reaches a terminal. It lives apart from the renderers because every command prints through
it, ``errcat check`` on a cache hit too, which must not import the templates or YAML.
"""

from __future__ import annotations

__all__ = ["printable"]

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: str) -> str:
    """Catalog text made safe for a terminal: control characters are shown, not obeyed."""
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    return "".join(
        ch if ch in "\n\t" or (ch.isprintable() and ch not in _BIDI) else f"\\u{ord(ch):04x}" for ch in text
    )
