"""errcat's runtime: what a generated package builds on, the same for every API.

    enums       CatalogStatus, CatalogCategory, CatalogCode: the bases of the generated enums
    catalog     ErrorCatalog: what a generated package says of its catalog (``CATALOG``)
    errors      ApiError: the base of every generated exception
    registry    each package's exception classes, by code and by status
    envelope    the fields of an error response's body, as data every output reads
    wire        an ApiError to a response body and back (JSON, problem+json)
    failures    what kind of failure, which status, the Retry-After it asks for
    retry       RetryPolicy: retrying as a catalog says
    secret      which keys name a secret, and the shapes secrets take in text
    redaction   redact(): every secret out of a value of any shape
    logging     log_error, RedactingFilter: logging errors with secrets kept out

Standard library only. It never imports the toolchain, and never any generated package:
the integrations and the generated code hand it the package to read.
"""
