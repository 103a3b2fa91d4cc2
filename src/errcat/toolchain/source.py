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
  ``1.0.0`` stays a string, ``0x1F`` is an int), and an integer must fit in 64 bits
  (:mod:`errcat.toolchain.scalars`);
- nothing nests deeper than :data:`MAX_DEPTH` levels, so no recursive step after
  this one (the schema validator, a JSON encoder) can run out of stack;
- every position counts lines as an editor does (LF, CRLF or CR ends a line), also
  where libyaml, a YAML 1.1 parser, would count NEL, LS and PS as line breaks too.

Building from events is also what keeps this fast: PyYAML's own constructor
spends most of its time in a Python resolver, while walking the C parser's
events costs a fraction of that (see ``benchmarks/``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from errcat.toolchain.diagnostics import Diagnostic, shorten, type_name
from errcat.toolchain.scalars import INT_MAX, INT_MIN, PLAIN_SPECIAL_FIRST, resolve_plain

try:  # libyaml ships inside PyYAML's wheels; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as _Loader

    _C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _C_PARSER = False

Path = tuple[str | int, ...]
Position = tuple[int, int]  # (line, column), both counted from 1

#: The deepest a catalog may nest: the root mapping is level 1, and no field of the schema
#: holds a list or mapping deeper than level 6. A deeper document is refused while it is read.
MAX_DEPTH = 32
#: Characters libyaml counts as line breaks that editors (and YAML 1.2) do not.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class Positions:
    """Where each node of a loaded document starts.

    Containers are keyed by ``id()``; the document keeps them alive, so the
    ids stay valid for as long as the :class:`Document` does. The parser's own
    mark objects are kept and turned into (line, column) only when asked.
    """

    # id(container) -> (its start mark, {key: (key mark, value mark)} or [item mark, ...])
    nodes: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    #: Where each line of the text starts, when its marks' own lines cannot be trusted (the text
    #: holds NEL, LS or PS, which libyaml counts as line breaks); None when they can.
    line_starts: list[int] | None = None

    def position(self, mark: Any) -> Position:
        """(line, column) of a parser mark, counting lines as an editor does."""
        if self.line_starts is None:
            return (mark.line + 1, mark.column + 1)
        return _at_index(self.line_starts, mark.index)

    def locate(self, root: Any, path: Path, *, key: bool = False) -> Position:
        """The position of the node at ``path`` (of its key, with ``key=True``).

        A path that leaves the document stops at the deepest node it reaches.
        """
        node = root
        entry = self.nodes.get(id(root))
        found = self.position(entry[0]) if entry else (1, 1)
        for step in path:
            entry = self.nodes.get(id(node))
            if entry is None:
                break
            children = entry[1]
            if isinstance(children, list):
                if not isinstance(step, int) or not 0 <= step < len(children):
                    break
                found = self.position(children[step])
            else:
                if step not in children:
                    break
                key_mark, value_mark = children[step]
                found = self.position(key_mark if key else value_mark)
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


def line_starts(text: str) -> list[int]:
    """The index where each line of ``text`` starts; LF, CRLF and CR end a line, as in an editor."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _at_index(starts: list[int], index: int) -> Position:
    line = bisect.bisect_right(starts, index)
    return (line, index - starts[line - 1] + 1)


def _end_of(text: str) -> Position:
    """The (line, column) just after ``text``: where the character that follows it is."""
    return _at_index(line_starts(text), len(text))


def _problem(file: str, where: Position | None, message: str, hint: str = "") -> SourceError:
    line, column = where or (1, 1)
    return SourceError(Diagnostic(file, line, column, "error", message, hint))


def decode(raw: bytes, file: str) -> str:
    """Decode UTF-8 (a BOM is allowed), or say where the first bad byte is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        # Columns count characters, as everywhere else; the text up to the bad byte is valid UTF-8.
        line, column = _end_of(raw[:start].decode("utf-8-sig"))
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
    positions = Positions(line_starts=line_starts(text) if _ODD_BREAKS.search(text) else None)
    at = positions.position
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
    special = PLAIN_SPECIAL_FIRST

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
                    raise _refuse_decoration(file, event, at(event.start_mark))
                node: Any = event.value
                if event.implicit[0] and (not node or node[0] in special):  # plain scalar
                    try:
                        node = resolve_plain(node)
                    except OverflowError:
                        raise _out_of_range(file, event, at(event.start_mark)) from None
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _refuse_decoration(file, event, at(event.start_mark))
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
                    at(event.start_mark),
                    f"YAML alias '*{event.anchor}' is not allowed in a catalog",
                    "write the value out in full; anchors and aliases are refused so that "
                    "no document can expand beyond what is written",
                )
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _problem(
                        file,
                        at(event.start_mark),
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
                        file, at(mark), "a mapping key must be a plain value, not a mapping or a sequence"
                    )
                if not isinstance(node, str):
                    raise _problem(
                        file,
                        at(mark),
                        f"a mapping key must be a string, not {type_name(node)} ({shorten(event.value)!r})",
                        "every key of a catalog is a field or metadata name; quote it if it is meant",
                    )
                if node in children:
                    first = at(children[node][0])[0]
                    raise _problem(
                        file,
                        at(mark),
                        f"duplicate key '{shorten(node)}' (first defined at line {first})",
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
                if len(frames) >= MAX_DEPTH:
                    raise _problem(
                        file,
                        at(mark),
                        f"the catalog nests deeper than {MAX_DEPTH} levels here",
                        "no field of a catalog holds lists or mappings nested this deep; "
                        "write the value the field expects",
                    )
                frames.append((container, children, is_map, key, key_mark))
                container = node
                is_map = kind is MappingStartEvent
                children = {} if is_map else []
                nodes[id(node)] = (mark, children)
                key = MISSING
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = at(mark) if mark is not None else None
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        started = at(exc.context_mark) if exc.context_mark is not None else None
        if context and started is not None and where is not None and started[0] != where[0]:
            context += f" that starts at line {started[0]}"
        odd = _ODD_BREAKS.search(text, 0, mark.index + 1 if mark is not None else len(text))
        hint = _odd_break_hint(text, odd.start()) if odd else ""
        raise _problem(file, where, f"invalid YAML: {problem}{context}", hint) from None
    except yaml.reader.ReaderError as exc:
        raise _unacceptable_character(file, text, exc.position) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every error of the parser has a mark or a position
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


def _refuse_decoration(file: str, event: Any, where: Position) -> SourceError:
    if event.tag is not None:
        return _problem(
            file,
            where,
            f"YAML tag '{shorten(_shorthand(event.tag))}' is not allowed in a catalog",
            "remove the tag; a catalog holds plain strings, numbers, booleans, lists and mappings",
        )
    return _problem(
        file,
        where,
        f"YAML anchor '&{shorten(event.anchor)}' is not allowed in a catalog",
        "write the value out in full; anchors and aliases are refused so that "
        "no document can expand beyond what is written",
    )


def _out_of_range(file: str, event: Any, where: Position) -> SourceError:
    written = event.value
    shown = written if len(written) <= 40 else f"{written[:20]}... ({len(written)} characters)"
    return _problem(
        file,
        where,
        f"the integer {shown} is out of range: a catalog's integers fit in 64 bits ({INT_MIN} to {INT_MAX})",
        "no field of a catalog takes a number this large; quote it if it is meant as text",
    )


def _unacceptable_character(file: str, text: str, position: int) -> SourceError:
    """The error for a character YAML allows nowhere in a file (most C0 and C1 controls, U+FFFE, U+FFFF)."""
    # libyaml reads the text as UTF-8, so its position counts bytes; the pure-Python reader counts characters.
    index = len(text.encode("utf-8")[:position].decode("utf-8", "ignore")) if _C_PARSER else position
    character = text[index] if index < len(text) else ""
    code = ord(character) if character else 0
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return _problem(
        file,
        _end_of(text[:index]),
        f"the catalog holds the character U+{code:04X}, which YAML does not allow in a file",
        f"remove it; inside a double-quoted string it can be written as the escape {escape}",
    )


#: The YAML escape of each character libyaml reads as a line break where an editor does not.
_ODD_BREAK_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _odd_break_hint(text: str, index: int) -> str:
    """Why a line that looks whole to an editor may not parse: it holds NEL, LS or PS."""
    character = text[index]
    line = _end_of(text[:index])[0]
    return (
        f"line {line} holds U+{ord(character):04X}, which libyaml (a YAML 1.1 parser) reads as a line "
        f"break; remove it, or write it as the escape {_ODD_BREAK_ESCAPES[character]} "
        "inside a double-quoted string"
    )


def _shorthand(tag: str) -> str:
    """A tag as it was written: libyaml expands ``!!str`` to ``tag:yaml.org,2002:str``."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
