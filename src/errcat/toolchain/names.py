"""The Python names a catalog's codes, categories and statuses become, derived in one place.

Each name a generated package (or any other renderer) uses comes from one of these
functions, and the checker (:mod:`errcat.toolchain.validate.names`) calls the same ones,
so it refuses exactly what they cannot make:

- enum members (member_name, status_member_name) are upper case, so they are never a keyword,
  a soft keyword, a _sunder_ or __dunder__ name or one of the enums' own attributes (lookup,
  status, name, value, ...: all lower case); the checker refuses two phrases that give the
  same HttpStatus member. Codes and category ids are unique lower snake case, so their
  members are unique too;
- a derived class name that is a keyword (codes none, true, false) gets a trailing underscore,
  as PEP 8 advises: None_. Any other unusable class name (class_name_problem) is refused with
  a hint to set class_name, except a former name's (aliases cannot be renamed): that alias
  keeps its enum member and loses only its extra class (alias_class_names).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable

__all__ = [
    "BUILTIN_CLASS_NAMES",
    "PACKAGE_NAMES",
    "RUNTIME_CLASS_NAMES",
    "alias_class_names",
    "category_class_name",
    "class_name",
    "class_name_problem",
    "member_name",
    "status_member_name",
]

#: Names the runtime defines beside the generated classes.
RUNTIME_CLASS_NAMES = frozenset(
    {
        "ApiError",
        "ErrorCode",
        "ErrorCategory",
        "HttpStatus",
        "ErrorResponse",
        "ErrorBody",
        "ErrorDetail",
        "Problem",
    }
)
#: The names a generated package defines beside its classes; its facade re-exports them all.
PACKAGE_NAMES = RUNTIME_CLASS_NAMES | {"CATALOG"}


#: Python's builtins that a class name can spell (those that start with a capital letter), on every
#: Python errcat supports: 3.11's, and PythonFinalizationError of 3.13. A generated class of one of
#: these names would shadow the builtin in its own modules (the package's ``__getattr__`` raises
#: AttributeError) and in every ``from <package> import *``. The tests check the list against
#: the running Python's builtins.
BUILTIN_CLASS_NAMES = frozenset(
    """
    ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError
    BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError
    ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis
    EncodingWarning EnvironmentError Exception ExceptionGroup False FileExistsError
    FileNotFoundError FloatingPointError FutureWarning GeneratorExit IOError ImportError
    ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError
    KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError None NotADirectoryError
    NotImplemented NotImplementedError OSError OverflowError PendingDeprecationWarning
    PermissionError ProcessLookupError PythonFinalizationError RecursionError ReferenceError
    ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration SyntaxError
    SyntaxWarning SystemError SystemExit TabError TimeoutError True TypeError UnboundLocalError
    UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning
    UserWarning ValueError Warning ZeroDivisionError
    """.split()  # noqa: SIM905  # 75 names read better as words than as one literal a line
)


def member_name(identifier: str) -> str:
    """The enum member name for a code or category id: ``invoice_not_found`` -> ``INVOICE_NOT_FOUND``."""
    name = identifier.upper().replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def status_member_name(phrase: str) -> str:
    """The ``HttpStatus`` member of a reason phrase, as CPython spells it: ``Not Found`` -> ``NOT_FOUND``."""
    return member_name(phrase.replace("'", "").replace(" ", "_"))


def _camel_case(identifier: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in identifier.replace("-", "_").split("_"))


def class_name(identifier: str) -> str:
    """The class name for a code: ``invoice_not_found`` -> ``InvoiceNotFound``, ``none`` -> ``None_``."""
    name = _camel_case(identifier)
    return f"{name}_" if keyword.iskeyword(name) else name


def category_class_name(identifier: str) -> str:
    """The exception base class of a category: ``authentication`` -> ``AuthenticationError``."""
    return _camel_case(identifier) + "Error"


def class_name_problem(name: str) -> str | None:
    """Why no generated exception class can be called ``name`` (to end a sentence); None when one can."""
    if not name.isidentifier():
        return "is not a Python identifier"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name in BUILTIN_CLASS_NAMES:
        return "would shadow Python's builtin of that name"
    if name in RUNTIME_CLASS_NAMES:
        return "is already defined by errcat's runtime"
    if name in PACKAGE_NAMES:
        return "is already defined by every generated package"
    return None


def alias_class_names(aliases: Iterable[str], own: str) -> tuple[str, ...]:
    """The extra classes a renamed code keeps for its former names ``aliases`` (its class is ``own``).

    One per distinct derived name, except the code's own and those that cannot be a class
    (:func:`class_name_problem`): such a former name keeps its enum member and its wire name.
    """
    names = (class_name(alias) for alias in aliases)
    return tuple(dict.fromkeys(n for n in names if n != own and class_name_problem(n) is None))
