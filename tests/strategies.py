"""Hypothesis strategies for catalogs built as Python data, and where a dumped node sits.

The catalogs are dumped to YAML with PyYAML (``safe_dump``) and read back by
errcat's own loader; node positions for the assertions come from PyYAML's
composer, an independent reading of the same text.
"""

from __future__ import annotations

import copy
import functools
import keyword
from collections.abc import Iterable
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from tests import hostile
from tests.hostile import HOSTILE_CLASS_NAMES, HOSTILE_CODES, HOSTILE_PHRASES, one_line

from errcat.runtime.envelope import PROBLEM_FIELDS
from errcat.runtime.errors import ENVELOPE_FIELDS, RESERVED_KEYWORDS
from errcat.toolchain.names import category_class_name, class_name, class_name_problem
from errcat.toolchain.scalars import INT_MAX, INT_MIN, resolve_plain

__all__ = [
    "HOSTILE",
    "REQUIRED_ERROR_FIELDS",
    "catalogs",
    "dump",
    "named_catalogs",
    "position_of",
    "positions_of",
    "prose",
]

#: Strings that try to break out of YAML, Python, Markdown, HTML and terminals: the one hostile corpus,
#: and the strings that YAML in particular would read as something else.
#: How a property that talks to a live server runs: its examples are fixed (derandomized, no
#: database), since a server's time per request makes any deadline or health check meaningless.
AGAINST_A_SERVER = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

HOSTILE = (
    *hostile.HOSTILE,
    "\x1b[31mred\x1b[0m \x07bell",
    "- not a list\n# not a comment\nkey: not a mapping",
    "&anchor *alias !!python/object:os.system",
    "yes",
    "0o17",
    "1.0.0",
    "null",
    "~",
    "9223372036854775808",  # one past the largest integer a catalog may hold
    "",  # replaced by a non-empty string where the schema needs one
)

REQUIRED_ERROR_FIELDS = (
    "code",
    "status",
    "category",
    "title",
    "message",
    "cause",
    "solution",
    "retry",
    "example",
)

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)


@functools.cache  # one strategy object each: hypothesis validates every new one, which is slow
def prose(*, one_line: bool = False) -> st.SearchStrategy[str]:
    """Any unicode text, hostile strings often; one line (no CR or LF) for titles."""
    text = st.one_of(_TEXT, st.sampled_from(HOSTILE), st.tuples(st.sampled_from(HOSTILE), _TEXT).map("".join))
    if one_line:
        text = text.map(lambda s: s.replace("\n", " ").replace("\r", " "))
    return text.filter(lambda s: s != "")


CATEGORIES = ("alpha", "beta")
#: status -> the strategies that need no reason for it
STRATEGIES = {
    400: ("do_not_retry",),
    401: ("refresh_credentials", "do_not_retry"),
    404: ("do_not_retry",),
    409: ("use_existing_resource", "do_not_retry"),
    429: ("backoff",),
    500: ("backoff",),
    503: ("backoff",),
}
PHRASES = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_CODE = st.from_regex(r"\A[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,5}){0,3}\Z").filter(lambda s: 2 <= len(s) <= 64)
_METADATA_NAME = st.from_regex(r"\A[a-z][a-z0-9]{0,6}(_[a-z]{1,4}){0,2}\Z")


@st.composite
def _entry(draw: st.DrawFn, code: str, codes: list[str]) -> dict[str, Any]:
    status = draw(st.sampled_from(sorted(STRATEGIES)))
    entry: dict[str, Any] = {
        "code": code,
        "status": status,
        "category": draw(st.sampled_from(CATEGORIES)),
        "title": draw(prose(one_line=True)),
        "message": draw(prose()),
        "cause": draw(prose()),
        "solution": draw(prose()),
    }
    if draw(st.booleans()):
        entry["usage"] = draw(prose())
    retry: dict[str, Any] = {"strategy": draw(st.sampled_from(STRATEGIES[status]))}
    if draw(st.booleans()):
        retry["reason"] = draw(prose())
    if retry["strategy"] == "backoff" and draw(st.booleans()):
        retry["retry_after_seconds"] = draw(st.integers(1, 120))
    entry["retry"] = retry
    reserved = ENVELOPE_FIELDS | PROBLEM_FIELDS | RESERVED_KEYWORDS
    names = draw(st.lists(_METADATA_NAME, max_size=3, unique=True))
    names = [n for n in names if n not in reserved and not _is_keyword(n)]
    if names:
        entry["metadata"] = {n: draw(prose()) for n in names}
    example: dict[str, Any] = {"message": draw(prose()), "request_id": draw(prose(one_line=True))}
    if names:
        values = st.one_of(prose(), st.integers(-(2**53), 2**53), st.booleans())
        example["metadata"] = {n: draw(values) for n in names}
    if draw(st.booleans()):
        example["details"] = [
            {
                "field": draw(prose(one_line=True)),
                "code": draw(_METADATA_NAME),
                "message": draw(prose()),
            }
        ]
    entry["example"] = example
    others = [c for c in codes if c != code]
    if others and draw(st.booleans()):
        entry["see_also"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        entry["since"] = draw(st.sampled_from(["1.0.0", "1.1.0", "2.0.0"]))
    return entry


def _is_keyword(name: str) -> bool:
    import keyword

    return keyword.iskeyword(name) or keyword.issoftkeyword(name)


@st.composite
def catalogs(draw: st.DrawFn, *, min_codes: int = 1, max_codes: int = 12) -> dict[str, Any]:
    """A valid catalog, as the data a YAML file would hold."""
    codes = draw(st.lists(_CODE, min_size=min_codes, max_size=max_codes, unique=True))
    python_names = [class_name(c) for c in codes]
    taken = {category_class_name(c) for c in CATEGORIES}
    assume(len(set(python_names)) == len(python_names) and not taken & set(python_names))
    assume(not any(class_name_problem(name) for name in python_names))  # warning -> Warning, a builtin
    statuses = [
        {"status": s, "phrase": p, "description": draw(prose()), "action": draw(prose())}
        for s, p in PHRASES.items()
    ]
    data: dict[str, Any] = {
        "format_version": 1,
        "api": {
            "name": draw(prose(one_line=True)),
            "version": "2.0.0",
            "docs_url": "https://docs.example.com/errors",
            "description": draw(prose()),
        },
        "statuses": statuses,
        "categories": [
            {"id": c, "title": draw(prose(one_line=True)), "description": draw(prose())} for c in CATEGORIES
        ],
        "errors": [draw(_entry(code, codes)) for code in codes],
        "retry_policy": {
            "retry_statuses": [429, 500, 503],
            "transport_failures": [{"id": "timeout", "description": draw(prose())}],
            "backoff": {
                "base_delay_seconds": 0.5,
                "multiplier": 2.0,
                "max_delay_seconds": 30.0,
                "max_attempts": 4,
                "jitter": "full",
            },
            "honor_retry_after": True,
            "max_retry_after_seconds": 120,
        },
        "scenarios": [
            {
                "id": "first",
                "title": draw(prose(one_line=True)),
                "summary": draw(prose()),
                "codes": codes[:2],
                "steps": [draw(prose())],
            }
        ],
    }
    return copy.deepcopy(data)


#: PyYAML's emitter writes these raw inside single quotes, where a reader folds them into a space.
_YAML_LINE_BREAKS = frozenset("\r\x85\u2028\u2029")


class _Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1; a plain ``0o17`` or ``+.5`` would read back as a number under 1.2."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if value and (_resolves_to_other_than(value) or not _YAML_LINE_BREAKS.isdisjoint(value)):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


def _resolves_to_other_than(value: str) -> bool:
    """Whether errcat's loader would read ``value``, written plain, as something else (a number too large
    for a catalog included)."""
    try:
        return resolve_plain(value) is not value
    except OverflowError:
        return True


_Dumper.add_representer(str, _represent_str)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def position_of(text: str, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
    """(line, column) of the node at ``path`` in ``text`` (of its key, with ``key=True``), by PyYAML."""
    (found,) = positions_of(text, [path], key=key)
    return found


def positions_of(
    text: str, paths: Iterable[tuple[str | int, ...]], *, key: bool = False
) -> list[tuple[int, int]]:
    """:func:`position_of` for each of ``paths``, reading ``text`` once."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found = []
    for path in paths:
        node, mark = root, root.start_mark
        for step in path:
            if isinstance(node, yaml.SequenceNode):
                assert isinstance(step, int)
                node = node.value[step]
                mark = node.start_mark
            else:
                assert isinstance(node, yaml.MappingNode)
                for key_node, value_node in node.value:
                    if key_node.value == step:
                        node = value_node
                        mark = key_node.start_mark if key else value_node.start_mark
                        break
                else:
                    raise KeyError(step)
        found.append((mark.line + 1, mark.column + 1))
    return found


# --- catalogs whose names and phrases try to break the generated package ---------------------------

ERROR_STATUSES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
STATUS_STRATEGY = {
    401: "refresh_credentials",
    409: "use_existing_resource",
    429: "backoff",
    500: "backoff",
    503: "backoff",
}


_texts_or_hostile = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
).filter(lambda t: t.strip() != "")
_identifiers = st.from_regex(r"[a-z][a-z0-9]{1,6}(_[a-z0-9]{1,4}){0,2}", fullmatch=True)
#: Codes, category ids and aliases: any the schema allows, a hostile one every fourth draw or so.
hostile_names = st.one_of(_identifiers, _identifiers, _identifiers, st.sampled_from(HOSTILE_CODES))
hostile_class_names = st.one_of(
    st.from_regex(r"[A-Z][A-Za-z0-9]{0,10}", fullmatch=True), st.sampled_from(HOSTILE_CLASS_NAMES)
)
hostile_phrases = st.one_of(
    st.from_regex(r"[A-Z][A-Za-z0-9' -]{0,20}", fullmatch=True), st.sampled_from(HOSTILE_PHRASES)
)
_metadata_values = st.one_of(_texts_or_hostile, st.integers(INT_MIN, INT_MAX), st.booleans())


#: Ways to write a phrase that another phrase's HttpStatus member already has (the first: the same phrase).
_SAME_MEMBER = (
    lambda p: p,
    str.upper,
    str.capitalize,
    lambda p: p.replace(" ", "-"),
    lambda p: p + "'",
)


@st.composite
def _drawn_phrases(draw: st.DrawFn, statuses: list[int]) -> list[str]:
    """The phrase of each status: its own mostly, else any or a hostile one, or another's in disguise."""
    drawn: list[str] = []
    for status in statuses:
        choice = draw(st.integers(0, 5))
        if choice == 5 and drawn:
            drawn.append(draw(st.sampled_from(_SAME_MEMBER))(draw(st.sampled_from(drawn))))
        elif choice == 4:
            drawn.append(draw(hostile_phrases))
        else:
            drawn.append(ERROR_STATUSES[status])
    return drawn


@st.composite
def named_catalogs(draw: st.DrawFn) -> dict[str, Any]:
    """A catalog that passes the schema, with names and phrases often chosen to break Python.

    The generated-package tests draw these: whatever the checker accepts, generate must make a
    package that imports. Everything but the names is valid, so whatever the checker refuses in
    it is a name: a code, alias, class name, category id or status phrase.
    """
    statuses = sorted(draw(st.sets(st.sampled_from(sorted(ERROR_STATUSES)), min_size=1, max_size=4)))
    category_ids = sorted(draw(st.lists(hostile_names, min_size=1, max_size=3, unique=True)))
    codes = sorted(draw(st.lists(hostile_names, min_size=1, max_size=6, unique=True)))
    unused = iter(draw(st.lists(hostile_names.filter(lambda n: n not in codes), max_size=4, unique=True)))
    errors = []
    for index, code in enumerate(codes):
        status = draw(st.sampled_from(statuses))
        title, message = one_line(draw(_texts_or_hostile)), draw(_texts_or_hostile)
        error: dict[str, Any] = {
            "code": code,
            "status": status,
            "category": draw(st.sampled_from(category_ids)),
            "title": title,
            "message": message,
            "cause": draw(_texts_or_hostile),
            "solution": draw(_texts_or_hostile),
            "retry": {"strategy": STATUS_STRATEGY.get(status, "do_not_retry")},
            "example": {"message": draw(_texts_or_hostile), "request_id": one_line(draw(_texts_or_hostile))},
        }
        # An explicit class name (hostile or not), or the one derived from the code.
        chosen = draw(st.sampled_from(["derived", "explicit", "hostile"]))
        if chosen == "explicit":
            error["class_name"] = f"Code{index}Failure"
        elif chosen == "hostile":
            error["class_name"] = draw(hostile_class_names)
        # Now and then a renamed code: its former hostile_names, and once in a while a code's name (refused).
        # (Rare branches test the largest value: hypothesis draws the smallest one most often.)
        if draw(st.integers(0, 3)) == 3:
            aliases = [alias for _, alias in zip(range(draw(st.integers(1, 2))), unused, strict=False)]
            if draw(st.integers(0, 4)) == 4:
                aliases.append(draw(st.sampled_from(codes)))
            if aliases:
                error["aliases"] = list(dict.fromkeys(aliases))
        if draw(st.booleans()):
            key = draw(
                _identifiers.filter(
                    lambda k: (
                        k not in ENVELOPE_FIELDS | PROBLEM_FIELDS | RESERVED_KEYWORDS
                        and not (keyword.iskeyword(k) or keyword.issoftkeyword(k))
                    )
                )
            )
            error["metadata"] = {key: draw(_texts_or_hostile)}
            error["example"]["metadata"] = {key: draw(_metadata_values)}
        errors.append(error)
    categories = []
    for category_id in category_ids:
        category = {
            "id": category_id,
            "title": one_line(draw(_texts_or_hostile)),
            "description": draw(_texts_or_hostile),
        }
        if draw(st.integers(0, 3)) == 3:
            category["class_name"] = draw(hostile_class_names)
        categories.append(category)
    return {
        "format_version": 1,
        "api": {
            "name": one_line(draw(_texts_or_hostile)),
            "version": "1.0.0",
            "docs_url": "https://errors.example.com",
            "description": draw(_texts_or_hostile),
        },
        "statuses": [
            {
                "status": s,
                "phrase": phrase,
                "description": draw(_texts_or_hostile),
                "action": draw(_texts_or_hostile),
            }
            for s, phrase in zip(statuses, draw(_drawn_phrases(statuses)), strict=True)
        ],
        "categories": categories,
        "errors": errors,
        "retry_policy": {
            "retry_statuses": [s for s in statuses if STATUS_STRATEGY.get(s) == "backoff"],
            "transport_failures": [{"id": "timeout", "description": draw(_texts_or_hostile)}],
            "backoff": {
                "base_delay_seconds": 1.0,
                "multiplier": 2.0,
                "max_delay_seconds": 30.0,
                "max_attempts": 3,
                "jitter": "full",
            },
            "honor_retry_after": True,
        },
    }
