"""errcat: an API's error catalog as one YAML file, and everything generated from it.

errcat is the same for every API. Its parts::

    errcat.runtime        the base classes a generated package builds on (ApiError, the enum
                          bases, ErrorCatalog), retries and logging: standard library only
    errcat.integrations   httpx and FastAPI/Starlette; each takes the generated package it serves
    errcat.toolchain      errcat check / generate / docs: needs errcat[toolchain] or errcat[docs]

The error definitions of one API are a package that ``errcat generate`` writes from its
catalog (``acme_errors``: ``ErrorCode``, ``HttpStatus``, ``ApiError`` and one exception
per code, ``CATALOG``); errcat itself holds no codes.

``import errcat`` stays light: the names below load on first use (PEP 562).
"""

import sys as _sys

__version__ = "0.2.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from errcat.runtime import CatalogCategory, CatalogCode, CatalogStatus
    from errcat.runtime.catalog import ErrorCatalog, catalog_of
    from errcat.runtime.errors import ApiError

__all__ = [
    "ApiError",
    "CatalogCategory",
    "CatalogCode",
    "CatalogStatus",
    "ErrorCatalog",
    "__version__",
    "catalog_of",
]

_HOMES = {
    "ApiError": "errcat.runtime.errors",
    "CatalogCategory": "errcat.runtime",
    "CatalogCode": "errcat.runtime",
    "CatalogStatus": "errcat.runtime",
    "ErrorCatalog": "errcat.runtime.catalog",
    "catalog_of": "errcat.runtime.catalog",
}


def __getattr__(name: str) -> object:
    """Load a public name on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    __import__(home)  # importlib would cost more than the enums themselves
    value = getattr(_sys.modules[home], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__} - {"_sys"})
