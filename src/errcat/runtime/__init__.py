"""errcat's runtime: what a generated package builds on, the same for every API.

    enums     CatalogStatus, CatalogCategory, CatalogCode: the bases of the generated enums
    errors    ApiError: the base of every generated exception, and the wire format
    catalog   ErrorCatalog: what a generated package says of its catalog (``CATALOG``)
    retry     RetryPolicy: retrying as a catalog says
    logging   log_error, redact, RedactingFilter: logging errors with secrets kept out

Standard library only. It never imports the toolchain, and never any generated package:
the integrations and the generated code hand it the package to read.
"""
