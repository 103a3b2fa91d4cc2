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

#: Short pieces of Markdown, HTML and template syntax, which the site's property tests join into
#: longer texts: each is inert alone and must stay inert next to any other.
MARKUP_FRAGMENTS = (
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "| a | b |",
    "{{ 7*7 }}",
    "{% raw %}",
    "'",
    '"',
    '"""',
    "\\",
    "\n",
    "\u2028",
    "\u202e",
    "</div>",
    "<!--",
    "-->",
    "&amp;",
    "*x*",
    "`code`",
    "<img src=x onerror=alert(1)>",
    "---",
    "# heading",
)


def one_line(text: str) -> str:
    """``text`` made valid for a one-line catalog field."""
    return text.replace("\r", " ").replace("\n", " ").replace("\x85", " ").replace("\u2028", " ")[:200]


#: Codes (lower snake case, as the schema allows) whose derived Python names try to break a generated
#: package: keywords and soft keywords, builtins, errcat's own names, names of the generated modules,
#: the enums' own attributes, and names whose classes collide once derived (a1_b, a_1_b).
HOSTILE_CODES = (
    *("none", "true", "false", "exception", "warning", "not_implemented", "ellipsis", "timeout_error"),
    *("key_error", "base_exception_group", "lookup", "permission", "timeout", "value", "type"),
    *("type_checking", "catalog", "api_error", "error_code", "error_category", "http_status", "problem"),
    *("match", "case", "class", "def", "import", "async", "await", "self", "cls", "print", "all", "sys"),
    *("errcat", "annotations", "status", "name", "mro", "members", "aliases", "missing", "ignore"),
    *("order", "generate_next_value", "version", "homes", "getattr", "dir", "a1_b", "a_1_b", "v2", "v_2"),
)

#: Explicit class names (``^[A-Z][A-Za-z0-9]*$``) that try the same: keywords, builtins, errcat's names,
#: the names the generated modules import, and one-letter names.
HOSTILE_CLASS_NAMES = (
    *("None", "True", "False", "Exception", "NotImplemented", "Warning", "Ellipsis", "TimeoutError"),
    *("LookupError", "CATALOG", "ApiError", "ErrorCode", "ErrorCategory", "HttpStatus", "ErrorResponse"),
    *("ErrorBody", "ErrorDetail", "Problem", "TYPECHECKING", "Any", "BaseModel", "Field", "ConfigDict"),
    *("Self", "ClassVar", "Errcat", "Sys", "All", "A", "Z9", "NoneError", "TrueError"),
)

#: Status reason phrases (``^[A-Z][A-Za-z0-9' -]*$``) whose HttpStatus members collide or look like
#: other Python names: Not Found, Not-Found, NOT FOUND, Not found and Not Found' are all NOT_FOUND.
HOSTILE_PHRASES = (
    *("Not Found", "Not-Found", "NOT FOUND", "Not found", "Not Found'", "Not  Found", "None", "True"),
    *("False", "Type Checking", "Mro", "Name", "Value", "A", "A ", "A-", "A'B", "AB", "I'm a Teapot"),
    *("Im A Teapot", "Class", "Def", "OK", "Ok"),
)

#: Strings only a wire body can carry, never a catalog (UTF-8 has no lone surrogates, and the
#: loader refuses control characters): the runtime's parsers and writers are tried with these too.
WIRE_HOSTILE = (
    "lone \ud800 high surrogate",
    "lone \udfff low surrogate, and a reversed pair \udc00\ud800",
    "\ufeffbyte order mark first",
    "escape \x1b[31m red \x1b[0m",
)
