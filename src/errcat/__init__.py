"""errcat: an API's error catalog as one YAML file, and everything generated from it.

``import errcat`` stays light: it needs nothing beyond the standard library
and never imports the toolchain (PyYAML, jsonschema-rs, Jinja2, MkDocs) that
checks catalogs and generates code. The public names load on first use
(PEP 562), so ``from errcat import ErrorCode, HttpStatus`` imports only the
generated enums (``errcat.codes``); the exceptions (``errcat.exceptions``) and
the pydantic models (``errcat.models``, which need ``errcat[pydantic]``) load
when they are first asked for. Every generated exception class is reachable
here too: ``from errcat import InvoiceNotFound``.
"""

import sys as _sys

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from errcat.codes import ErrorCategory, ErrorCode, HttpStatus
    from errcat.exceptions import ApiError
    from errcat.models import ErrorBody, ErrorDetail, ErrorResponse

__all__ = [
    "ApiError",
    "ErrorBody",
    "ErrorCategory",
    "ErrorCode",
    "ErrorDetail",
    "ErrorResponse",
    "HttpStatus",
    "__version__",
]

_HOMES = {
    "ApiError": "errcat.exceptions",
    "ErrorBody": "errcat.models",
    "ErrorCategory": "errcat.codes",
    "ErrorCode": "errcat.codes",
    "ErrorDetail": "errcat.models",
    "ErrorResponse": "errcat.models",
    "HttpStatus": "errcat.codes",
}


def __getattr__(name: str) -> object:
    """Load a public name on first use; a capitalised unknown name is looked up among the exceptions."""
    home = _HOMES.get(name)
    if home is None:
        if not name[:1].isupper():
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        home = "errcat.exceptions"
    __import__(home)  # importlib would cost more than the enums themselves
    try:
        value = getattr(_sys.modules[home], name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
