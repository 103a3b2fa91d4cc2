"""What a secret looks like: the keys that name one, and the shapes it takes in text.

A key names a secret when it is one of errcat's built-in keys (:data:`BUILTIN_REDACT_KEYS`)
or a catalog's ``logging.redact`` keys, or holds one of the built-in parts
(:data:`BUILTIN_REDACT_PARTS`: ``password``, ``token``, ``secret``, ``cookie``, ...). Keys
are compared by their letters and digits alone, after percent-decoding, so
``client_secret``, ``clientSecret``, ``Client-Secret`` and ``client%5Fsecret`` are one key.
The built-in lists follow Sentry's default denylist and server-side scrubber and OWASP's
logging cheat sheet (session ids, access tokens, passwords, connection strings, keys, card
numbers).

A name ending in ``key`` is secret when the word before it says which credential it is
(``api``, ``access``, ``private``, ``subscription``, ``account``, ``app``, ``license``, ...:
``Ocp-Apim-Subscription-Key``, ``x-functions-key``, ``AccountKey``, ``DD_APP_KEY``);
``sort_key``, ``primary_key``, ``public_key`` and ``idempotency_key`` name no secret.

The shapes a secret takes in text, and :class:`~errcat.runtime.secret_text.SecretFinder` that
finds them, are :mod:`errcat.runtime.secret_shapes` and :mod:`errcat.runtime.secret_text`.
Standard library only.
"""

from __future__ import annotations

__all__ = ["BUILTIN_REDACT_KEYS", "BUILTIN_REDACT_PARTS", "REDACTED"]

#: What every secret is replaced by.
REDACTED = "[REDACTED]"

#: Keys whose values are secrets in any API, whatever the catalog says (its keys add to these).
#: Sentry's default denylist (the session cookies of common frameworks among them) and the
#: OAuth, OpenID Connect and cloud-signing names; a key is compared by its letters and digits.
#: Client IP addresses (``x_forwarded_for`` in Sentry's list) are personal data, not
#: credentials, and OWASP counts them among what a security log records: a catalog that
#: must not log them lists them in its ``logging.redact``.
BUILTIN_REDACT_KEYS = frozenset(
    {
        "access_token",
        "aiohttp_session",
        "api_key",
        "apikey",
        "assertion",
        "auth",
        "authorization",
        "client_assertion",
        "client_secret",
        "code_verifier",
        "connect.sid",
        "cookie",
        "credentials",
        "csrf",
        "csrf_token",
        "csrftoken",
        "database_url",
        "dsn",
        "id_token",
        "jsessionid",
        "mysql_pwd",
        "passwd",
        "password",
        "phpsessid",
        "private_key",
        "privatekey",
        "proxy-authorization",
        "refresh_token",
        "samlresponse",
        "secret",
        "session",
        "sessionid",
        "set-cookie",
        "symfony",
        "token",
        "user_session",
        "x-api-key",
        "x-csrftoken",
        "x-xsrf-token",
        "xsrf-token",
    }
)

#: Parts of a key that make it secret wherever they appear (``db_password``, ``x-auth-token``,
#: ``stripeSecretKey``), as in Sentry's server-side scrubber. A part of four letters or fewer
#: must be a whole word of the key (``auth`` matches ``x-auth-user``, not ``author``). The
#: ``...key`` parts name the credential (API, access, subscription, account, license, ...
#: keys); keys that name no secret (``sort_key``, ``primary_key``, ``public_key``) hold none.
BUILTIN_REDACT_PARTS = frozenset(
    {
        "accesskey",
        "accountkey",
        "adminkey",
        "apikey",
        "appkey",
        "applicationkey",
        "auth",
        "authkey",
        "authorization",
        "bearer",
        "connectionstring",
        "cookie",
        "credential",
        "csrf",
        "cvc",
        "cvv",
        "dsn",
        "encryptionkey",
        "functionskey",
        "jwt",
        "keypass",
        "licensekey",
        "otp",
        "pass",
        "passphrase",
        "masterkey",
        "passwd",
        "password",
        "pin",
        "privatekey",
        "pwd",
        "secret",
        "session",
        "sessid",
        "sharedkey",
        "sid",
        "sig",
        "signature",
        "signingkey",
        "storagekey",
        "storepass",
        "subscriptionkey",
        "token",
        "writekey",
        "xsrf",
    }
)
