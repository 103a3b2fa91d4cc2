"""Read a catalog file into plain data that remembers where every node came from.

This is the only module that touches YAML. It drives libyaml's event stream
(through PyYAML's C binding) and builds dicts, lists and scalars itself, because
that is where the strictness lives:

- the file must be UTF-8 and hold exactly one YAML document whose root is a
  mapping;
- a key may appear once per mapping;
- tags (``!!python/object``, ``!custom``), anchors and aliases are refused, so
  no YAML constructs objects and no alias bomb can blow up the document;
- plain scalars resolve by the YAML 1.2 core schema (``no`` stays a string,
  ``1.0.0`` stays a string, ``0x1F`` is an int).

Building from events is also what keeps this fast: PyYAML's own constructor
spends most of its time in a Python resolver, while walking the C parser's
events costs a fraction of that (see ``benchmarks/``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from errcat.toolchain.diagnostics import Diagnostic

try:  # libyaml ships inside PyYAML's wheels; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]
Position = tuple[int, int]  # (line, column), both counted from 1


@dataclass(slots=True)
class Positions:
    """Where each node of a loaded document starts.

    Containers are keyed by ``id()``; the document keeps them alive, so the
    ids stay valid for as long as the :class:`Document` does. The parser's own
    mark objects are kept and turned into (line, column) only when asked.
    """

    # id(container) -> (its start mark, {key: (key mark, value mark)} or [item mark, ...])
    nodes: dict[int, tuple[Any, Any]] = field(default_factory=dict)

    def locate(self, root: Any, path: Path, *, key: bool = False) -> Position:
        """The position of the node at ``path`` (of its key, with ``key=True``).

        A path that leaves the document stops at the deepest node it reaches.
        """
        node = root
        entry = self.nodes.get(id(root))
        found = _pos(entry[0]) if entry else (1, 1)
        for step in path:
            entry = self.nodes.get(id(node))
            if entry is None:
                break
            children = entry[1]
            if isinstance(children, list):
                if not isinstance(step, int) or not 0 <= step < len(children):
                    break
                found = _pos(children[step])
            else:
                if step not in children:
                    break
                key_mark, value_mark = children[step]
                found = _pos(key_mark if key else value_mark)
            try:
                node = node[step]
            except (LookupError, TypeError):
                break
        return found


@dataclass(slots=True)
class Document:
    """A loaded catalog: plain data plus where each node was written."""

    file: str
    data: dict[str, Any]
    positions: Positions

    def at(self, path: Path, *, key: bool = False) -> Position:
        return self.positions.locate(self.data, path, key=key)


class SourceError(Exception):
    """The file could not be read as a catalog document at all."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


# YAML 1.2 core schema, for plain (unquoted) scalars only.
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = frozenset((".nan", ".NaN", ".NAN"))
_PLAIN_SPECIAL_FIRST = frozenset("-+.0123456789~nNtTfF")  # first characters that may resolve


def resolve_plain(value: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema."""
    if value in _NULLS:
        return None
    if value[0] not in _PLAIN_SPECIAL_FIRST:
        return value
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.match(value):
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if value in _NAN:
        return math.nan
    return value


def _pos(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1)


def _problem(file: str, mark: Any, message: str, hint: str = "") -> SourceError:
    line, column = _pos(mark) if mark is not None else (1, 1)
    return SourceError(Diagnostic(file, line, column, "error", message, hint))


def decode(raw: bytes, file: str) -> str:
    """Decode UTF-8 (a BOM is allowed), or say where the first bad byte is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        # Columns count characters, as everywhere else; the line up to the bad byte is valid UTF-8.
        column = len(raw[line_start:start].decode("utf-8-sig")) + 1
        raise SourceError(
            Diagnostic(
                file,
                line,
                column,
                "error",
                f"the catalog is not valid UTF-8 (byte 0x{raw[start]:02x})",
                "save the file as UTF-8",
            )
        ) from None


def load_document(raw: bytes, file: str) -> Document:
    """Parse ``raw`` into a :class:`Document`, or raise :class:`SourceError`."""
    text = decode(raw, file)
    positions = Positions()
    nodes = positions.nodes
    root: Any = _MISSING
    documents = 0

    ScalarEvent = events.ScalarEvent
    MappingStartEvent = events.MappingStartEvent
    SequenceStartEvent = events.SequenceStartEvent
    MappingEndEvent = events.MappingEndEvent
    SequenceEndEvent = events.SequenceEndEvent
    StreamEndEvent = events.StreamEndEvent
    MISSING = _MISSING
    special = _PLAIN_SPECIAL_FIRST

    # The innermost open container lives in locals; enclosing ones wait on `frames`.
    frames: list[tuple[Any, Any, bool, Any, Any]] = []
    container: Any = None  # dict or list being filled
    children: Any = None  # its marks: {key: (key mark, value mark)} or [value mark, ...]
    is_map = False
    key: Any = MISSING  # a mapping key waiting for its value
    key_mark: Any = None

    parser = _Loader(text)
    get_event: Any = parser.get_event  # straight from the C parser: no generator in between
    try:
        while True:
            event = get_event()
            kind = type(event)
            opened = False
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _refuse_decoration(file, event)
                node: Any = event.value
                if event.implicit[0] and (not node or node[0] in special):  # plain scalar
                    node = resolve_plain(node)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _refuse_decoration(file, event)
                opened = True
                node = {} if kind is MappingStartEvent else []
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                container, children, is_map, key, key_mark = frames.pop()
                continue
            elif kind is StreamEndEvent:
                break
            elif kind is events.AliasEvent:
                raise _problem(
                    file,
                    event.start_mark,
                    f"YAML alias '*{event.anchor}' is not allowed in a catalog",
                    "write the value out in full; anchors and aliases are refused so that "
                    "no document can expand beyond what is written",
                )
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _problem(
                        file,
                        event.start_mark,
                        "the catalog holds more than one YAML document",
                        "keep one document per catalog file; remove the extra '---'",
                    )
                continue
            else:
                continue

            mark = event.start_mark
            if container is None:
                root = node
            elif not is_map:
                container.append(node)
                children.append(mark)
            elif key is MISSING:
                if opened:
                    raise _problem(
                        file, mark, "a mapping key must be a plain value, not a mapping or a sequence"
                    )
                if not isinstance(node, str):
                    raise _problem(
                        file,
                        mark,
                        f"a mapping key must be a string, not {type_name(node)} ({event.value!r})",
                        "every key of a catalog is a field or metadata name; quote it if it is meant",
                    )
                if node in children:
                    first = children[node][0].line + 1
                    raise _problem(
                        file,
                        mark,
                        f"duplicate key '{node}' (first defined at line {first})",
                        "each key may appear once per mapping; merge or remove one of them",
                    )
                key = node
                key_mark = mark
                children[key] = (mark, mark)  # completed when the value arrives
            else:
                container[key] = node
                children[key] = (key_mark, mark)
                key = MISSING

            if opened:
                frames.append((container, children, is_map, key, key_mark))
                container = node
                is_map = kind is MappingStartEvent
                children = {} if is_map else []
                nodes[id(node)] = (mark, children)
                key = MISSING
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        started = exc.context_mark
        if context and started is not None and mark is not None and started.line != mark.line:
            context += f" that starts at line {started.line + 1}"
        raise _problem(file, mark, f"invalid YAML: {problem}{context}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without a mark
        raise _problem(file, None, f"invalid YAML: {exc}") from None
    finally:
        parser.dispose()

    if root is MISSING or root is None:
        raise _problem(file, None, "the catalog is empty", "start from the documented catalog/errors.yaml")
    if not isinstance(root, dict):
        raise _problem(
            file,
            None,
            f"the catalog must be a mapping at the top level, not {type_name(root)}",
            "start the file with 'format_version: 1' and the other top-level fields",
        )
    return Document(file=file, data=root, positions=positions)


def _refuse_decoration(file: str, event: Any) -> SourceError:
    if event.tag is not None:
        return _problem(
            file,
            event.start_mark,
            f"YAML tag '{_shorthand(event.tag)}' is not allowed in a catalog",
            "remove the tag; a catalog holds plain strings, numbers, booleans, lists and mappings",
        )
    return _problem(
        file,
        event.start_mark,
        f"YAML anchor '&{event.anchor}' is not allowed in a catalog",
        "write the value out in full; anchors and aliases are refused so that "
        "no document can expand beyond what is written",
    )


def _shorthand(tag: str) -> str:
    """A tag as it was written: libyaml expands ``!!str`` to ``tag:yaml.org,2002:str``."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def type_name(value: Any) -> str:
    """How a value's type reads in a diagnostic."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
