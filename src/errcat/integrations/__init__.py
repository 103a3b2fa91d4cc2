"""errcat's integrations with HTTP frameworks; each takes the generated package it serves.

    httpx     error responses as typed exceptions, retries as the catalog says (errcat[httpx])
    fastapi   every error a FastAPI or Starlette service sends in the catalog's shape (errcat[fastapi])

They read every fact of a catalog (doc URLs, retry policy, redaction keys, the codes for
framework errors) from the package they are given, never from a default.
"""
