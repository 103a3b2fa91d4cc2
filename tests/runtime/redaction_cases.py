"""The redaction corpus: values that hide a secret, each with what must never come out of a log.

Each :class:`Case` is a value as an application might log it (a mapping, a header object,
an httpx request, raw ASGI header tuples, free text, JSON, a Python repr, a URL) and the
secrets in it. The families follow what leaked in a probe of errcat's logging (cookies,
``x-api-key`` spellings, ``client_secret`` spellings, bare JWTs, URL userinfo,
percent-encoded keys, httpx objects, raw header tuples), what a second probe found (whole
objects and arrays under a secret key, XML and HTML, command lines, tab-separated values,
API key headers, vendor token prefixes, secrets in URL paths, name/value pairs) and the
anchors of the built-in lists: Sentry's default denylist and scrubber, OWASP's logging cheat
sheet, GitHub secret scanning's and gitleaks' token formats. ``keys`` are a catalog's own
``logging.redact`` keys, for the cases that only a catalog names.

:data:`PROSE` is text that must come out exactly as it went in: redaction that eats
prose about tokens is a bug too.
"""

from __future__ import annotations

import enum
from collections import namedtuple
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from hypothesis import strategies as st
from starlette.datastructures import Headers as StarletteHeaders


@dataclass(frozen=True)
class Case:
    """A value to redact and the secrets that must not survive it."""

    id: str
    value: object
    secrets: tuple[str, ...]
    keys: tuple[str, ...] = field(default=())


S = "S3cr3t-9f2Kq"  # the secret most cases hide; each family varies it so a leak names its case
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJ1c2VyXzQyIiwiZXhwIjoxNzAwMDAwMDAwfQ"
    ".Qx7y2mN8pL0vR4tW6zB1cD3eF5gH7iJ9kK0lM2nO4pQ"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)


def _header_cases() -> list[Case]:
    cases = [
        Case("authorization-bearer", {"Authorization": f"Bearer {S}-a"}, (f"{S}-a",)),
        Case("authorization-basic", {"authorization": "Basic dXNlcjpodW50ZXIy"}, ("dXNlcjpodW50ZXIy",)),
        Case("proxy-authorization", {"Proxy-Authorization": f"Basic {S}-pa"}, (f"{S}-pa",)),
        Case("cookie-header", {"Cookie": f"sessionid={S}-c1; theme=dark"}, (f"{S}-c1",)),
        Case("set-cookie-header", {"Set-Cookie": f"sid={S}-c2; Path=/; HttpOnly"}, (f"{S}-c2",)),
        Case("x-auth-token", {"X-Auth-Token": f"{S}-xat"}, (f"{S}-xat",)),
        Case("x-csrf-token", {"X-CSRF-Token": f"{S}-csrf"}, (f"{S}-csrf",)),
        Case("x-xsrf-token", {"X-XSRF-TOKEN": f"{S}-xsrf"}, (f"{S}-xsrf",)),
        Case("x-amz-security-token", {"X-Amz-Security-Token": f"{S}-amz"}, (f"{S}-amz",)),
        Case(
            "nested-request-headers",
            {"request": {"method": "GET", "headers": {"Authorization": f"Bearer {S}-n"}}},
            (f"{S}-n",),
        ),
        Case("list-of-header-dicts", [{"name": "x"}, {"Cookie": f"a={S}-l"}], (f"{S}-l",)),
        Case("bytes-keys-and-values", {b"authorization": b"Bearer " + f"{S}-b".encode()}, (f"{S}-b",)),
    ]
    for spelling in (
        "X-API-Key",
        "x-api-key",
        "X_API_KEY",
        "xApiKey",
        "apikey",
        "apiKey",
        "api-key",
        "API_KEY",
    ):
        cases.append(Case(f"api-key-{spelling}", {spelling: f"{S}-{spelling}"}, (f"{S}-{spelling}",)))
    for spelling in ("client_secret", "clientSecret", "Client-Secret", "CLIENT_SECRET", "client.secret"):
        cases.append(Case(f"client-secret-{spelling}", {spelling: f"{S}-{spelling}"}, (f"{S}-{spelling}",)))
    return cases


def _object_cases() -> list[Case]:
    request = httpx.Request(
        "POST",
        f"https://svc:{S}-ru@api.example.com/v1/x?access_token={S}-rq&page=2",
        headers={"X-Api-Key": f"{S}-rh", "Cookie": f"sid={S}-rc"},
    )
    duplicated = httpx.Headers([("set-cookie", f"a={S}-d1"), ("set-cookie", f"b={S}-d2"), ("accept", "*/*")])
    return [
        Case(
            "httpx-headers",
            httpx.Headers({"Authorization": f"Bearer {S}-hh", "Cookie": f"s={S}-hc"}),
            (f"{S}-hh", f"{S}-hc"),
        ),
        Case("httpx-headers-repeated-set-cookie", duplicated, (f"{S}-d1", f"{S}-d2")),
        Case("httpx-request", request, (f"{S}-ru", f"{S}-rq", f"{S}-rh", f"{S}-rc")),
        Case("httpx-url-query", httpx.URL(f"https://api.example.com/x?token={S}-u1"), (f"{S}-u1",)),
        Case("httpx-url-userinfo", httpx.URL(f"https://bob:{S}-u2@api.example.com/x"), (f"{S}-u2",)),
        Case(
            "httpx-query-params", httpx.QueryParams({"client_secret": f"{S}-qp", "page": "1"}), (f"{S}-qp",)
        ),
        Case(
            "starlette-headers-raw",
            StarletteHeaders(raw=[(b"authorization", f"Bearer {S}-sh".encode()), (b"accept", b"*/*")]),
            (f"{S}-sh",),
        ),
        Case(
            "asgi-raw-header-tuples",
            [
                (b"host", b"api"),
                (b"authorization", f"Bearer {S}-t1".encode()),
                (b"cookie", f"s={S}-t2".encode()),
            ],
            (f"{S}-t1", f"{S}-t2"),
        ),
        Case("str-header-tuples", [("X-Api-Key", f"{S}-t3"), ("Accept", "json")], (f"{S}-t3",)),
        Case("header-lists-of-lists", [["set-cookie", f"id={S}-t4"]], (f"{S}-t4",)),
        Case(
            "urllib-split-result",
            urlsplit(f"https://u:{S}-sr@h.example/p?token={S}-sq"),
            (f"{S}-sr", f"{S}-sq"),
        ),
        Case("exception-object", RuntimeError(f"login with password={S}-ex failed"), (f"{S}-ex",)),
        Case("bytes-text", f"Authorization: Bearer {S}-bt".encode(), (f"{S}-bt",)),
        Case("set-of-pairs", {("token", f"{S}-set")}, (f"{S}-set",)),
        Case("deep-nesting", _nested(40, {"password": f"{S}-deep"}), (f"{S}-deep",)),
        Case(
            "errcat-fields",
            {"code": "x", "metadata": {"refresh_token": f"{S}-m1", "note": f"api_key={S}-m2"}},
            (f"{S}-m1", f"{S}-m2"),
        ),
    ]


def _nested(depth: int, leaf: object) -> object:
    for _ in range(depth):
        leaf = {"level": leaf}
    return leaf


def _text_cases() -> list[Case]:
    t = [
        ("sentence-bearer", f"calling upstream with Bearer {S}-1 failed", f"{S}-1"),
        (
            "bearer-long-letters",
            "Authorization header was Bearer abcdefghijklmnopqrstuvwxyzABCD",
            "abcdefghijklmnopqrstuvwxyzABCD",
        ),
        ("authorization-basic-letters", "Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        (
            "authorization-digest",
            'Authorization: Digest username="bob", realm="api", response="6629fae49393a05397450978507c4ef1"',
            "6629fae49393a05397450978507c4ef1",
        ),
        ("authorization-token-scheme", "Authorization: Token abcdefghijklmnop", "abcdefghijklmnop"),
        ("authorization-equals", f"authorization=Bearer {S}-2", f"{S}-2"),
        ("cookie-line", f"Cookie: theme=dark; sessionid={S}-3; lang=en", f"{S}-3"),
        ("set-cookie-line", f"Set-Cookie: session={S}-4; Secure; SameSite=Lax", f"{S}-4"),
        (
            "raw-http-request",
            f"POST /login HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {S}-5\r\nCookie: s={S}-5c\r\n\r\n",
            f"{S}-5",
        ),
        ("query-access-token", f"GET https://api.example.com/x?access_token={S}-6&page=2", f"{S}-6"),
        ("query-upper-api-key", f"https://api.example.com/x?page=2&API_KEY={S}-7", f"{S}-7"),
        ("query-apikey-camel", f"/v1/search?q=shoes&apiKey={S}-8", f"{S}-8"),
        ("query-client-secret", f"/oauth/token?grant_type=client_credentials&client_secret={S}-9", f"{S}-9"),
        (
            "query-code-verifier",
            f"/oauth/token?code_verifier={S}-10&grant_type=authorization_code",
            f"{S}-10",
        ),
        (
            "query-amz-signature",
            f"https://b.s3.amazonaws.com/k?X-Amz-Credential=AK%2F1&X-Amz-Signature={S}-11",
            f"{S}-11",
        ),
        ("query-azure-sas-sig", f"https://acct.blob.core.windows.net/c/b?sv=2022&sig={S}-12", f"{S}-12"),
        ("fragment-implicit-grant", f"https://app.example/cb#access_token={S}-13&state=xyz", f"{S}-13"),
        ("query-id-token", f"https://app.example/cb?id_token={S}-14", f"{S}-14"),
        ("percent-encoded-underscore", f"/x?access%5Ftoken={S}-15&page=2", f"{S}-15"),
        ("percent-encoded-lowercase", f"/x?client%5fsecret={S}-16", f"{S}-16"),
        ("percent-encoded-letter", f"/x?%61pi_key={S}-17", f"{S}-17"),
        ("percent-double-encoded", f"/x?access%255Ftoken={S}-18", f"{S}-18"),
        ("percent-nested-redirect", f"/login?next=%2Fcb%3Fpage%3D1%26token%3D{S}-19%26x%3D1", f"{S}-19"),
        ("percent-nested-url", f"redirect_uri=https%3A%2F%2Fh.example%2Fcb%3Fpassword%3D{S}-20", f"{S}-20"),
        ("form-body", f"username=bob&password={S}-21&remember=1", f"{S}-21"),
        ("json-spaced", f'{{"user": "bob", "password": "{S}-22"}}', f"{S}-22"),
        ("json-compact", f'{{"user":"bob","refresh_token":"{S}-23"}}', f"{S}-23"),
        ("json-escaped-quote", f'{{"password": "a\\"{S}-24 b"}}', f"{S}-24"),
        ("json-in-json", f'{{"body": "{{\\"password\\": \\"my {S}-25 pass\\"}}"}}', f"{S}-25"),
        ("json-pretty", f'{{\n  "client_secret": "{S}-26",\n  "scope": "read"\n}}', f"{S}-26"),
        ("json-number", '{"pin":48213990,"ok":true}', "48213990"),
        ("json-unterminated", f'{{"token": "{S}-27', f"{S}-27"),
        ("python-dict-repr", f"{{'password': '{S}-28', 'user': 'bob'}}", f"{S}-28"),
        ("python-dict-repr-bytes", f"{{b'authorization': b'Bearer {S}-29'}}", f"{S}-29"),
        ("python-kwargs-repr", f"Login(user='bob', password='{S}-30')", f"{S}-30"),
        ("python-tuple-pairs", f"[('x-api-key', '{S}-31'), ('accept', 'json')]", f"{S}-31"),
        ("python-bytes-tuple-pairs", f"[(b'cookie', b'sid={S}-32')]", f"{S}-32"),
        ("headers-repr", f"Headers({{'authorization': 'Bearer {S}-33'}})", f"{S}-33"),
        ("log-key-value", f"login failed for user=bob password={S}-34 ip=10.0.0.1", f"{S}-34"),
        ("spaced-equals", f"password = {S}-35", f"{S}-35"),
        ("upper-colon", f"PASSWORD: {S}-36", f"{S}-36"),
        ("db-password", f"DB_PASSWORD={S}-37", f"{S}-37"),
        ("db-pass", f"DB_PASS={S}-38", f"{S}-38"),
        ("mysql-pwd", f"MYSQL_PWD={S}-39", f"{S}-39"),
        ("secret-key", f"SECRET_KEY={S}-40", f"{S}-40"),
        ("aws-secret-access-key", f"AWS_SECRET_ACCESS_KEY={S}-41", f"{S}-41"),
        ("private-key-var", f"private_key={S}-42", f"{S}-42"),
        ("passphrase", f"gpg passphrase: {S}-43", f"{S}-43"),
        ("cli-flag", f"run --user bob --password={S}-44 --verbose", f"{S}-44"),
        ("yaml-line", f"database:\n  password: {S}-45\n  host: db", f"{S}-45"),
        ("php-print-r", f"Array ( [user] => bob [password] => {S}-46 )", f"{S}-46"),
        ("encryption-key", f"encryption_key={S}-47", f"{S}-47"),
        ("dsn-env", f"SENTRY_DSN=https://{S}-48@o1.ingest.sentry.io/1", f"{S}-48"),
        (
            "ado-connection-string",
            f"Server=db;Database=app;User Id=sa;Password={S}-49;",
            f"{S}-49",
        ),
        ("jsessionid-path", f"GET /app;jsessionid={S}-50?x=1", f"{S}-50"),
        (
            "userinfo-postgres",
            f"could not connect to postgres://app:{S}-51@db.internal:5432/app (timeout)",
            f"{S}-51",
        ),
        ("userinfo-mysql", f"mysql://root:{S}-52@localhost/db", f"{S}-52"),
        ("userinfo-redis-no-user", f"redis://:{S}-53@cache:6379/0", f"{S}-53"),
        ("userinfo-amqp", f"amqp://guest:{S}-54@rabbit//", f"{S}-54"),
        ("userinfo-mongodb-srv", f"mongodb+srv://u:{S}-55@cluster0.x.mongodb.net/db", f"{S}-55"),
        ("userinfo-https", f"https://user:{S}-56@example.com/x", f"{S}-56"),
        ("userinfo-at-in-password", f"https://u:p@{S}-57@h.example/x", f"p@{S}-57"),
        ("userinfo-slash-in-password", f"ftp://u:{S}/58@h.example/", f"{S}/58"),
        ("userinfo-token-only", f"https://{S}-59@github.com/org/repo.git", f"{S}-59"),
        ("jwt-bare", f"token was {JWT} and expired", JWT.split(".")[2]),
        ("jwt-in-non-secret-field", f'{{"data": "{JWT}"}}', JWT.split(".")[1]),
        ("jwt-alg-none", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", "eyJzdWIiOiJhZG1pbiJ9"),
        (
            "jwe-five-parts",
            "eyJhbGciOiJSU0EtT0FFUCJ9.OKOawDo13gRp2oj.48V1_ALb6US04U3b.5eym8TW_c8SuK0lt.XFBoMYUZodetZdvT",
            "5eym8TW_c8SuK0lt",
        ),
        (
            "github-token",
            "pushed with ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        ),
        (
            "github-fine-grained",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        ),
        (
            "slack-token",
            "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
        ),
        ("aws-access-key-id", "using AKIAIOSFODNN7EXAMPLE for s3", "AKIAIOSFODNN7EXAMPLE"),
        ("stripe-secret-key", "charge with sk_live_51H8abcdefGHIJKLmnop", "sk_live_51H8abcdefGHIJKLmnop"),
        (
            "google-api-key",
            "maps key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        ),
        (
            "pem-private-key",
            f"loaded key:\n{PEM}\ndone",
            "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
        ),
        ("card-visa-spaced", "charged card 4111 1111 1111 1111 for 12.50", "4111 1111 1111 1111"),
        ("card-mastercard-dashed", "card=5500-0000-0000-0004", "5500-0000-0000-0004"),
        ("card-amex-bare", "amex 378282246310005 declined", "378282246310005"),
        ("card-in-json", '{"number": "4242424242424242", "exp": "12/30"}', "4242424242424242"),
        (
            "traceback-text",
            "Traceback (most recent call last):\n"
            f'  File "app.py", line 3\n    connect(password="{S}-60")\nRuntimeError: x',
            f"{S}-60",
        ),
        ("escaped-newline-log", f"headers: {{'X-Api-Key': '{S}-61'}}\\nnext line", f"{S}-61"),
        ("ruby-hash", f'{{:password => "{S}-62"}}', f"{S}-62"),
        ("xml-ish-attribute", f'<credentials password="{S}-63"/>', f"{S}-63"),
    ]
    return [Case(f"text-{name}", text, (secret,)) for name, text, secret in t]


def _nested_value_cases() -> list[Case]:
    """A secret key whose value is an object or an array, in text: the whole value is the secret."""
    t = [
        ("json-object", f'{{"session": {{"id": "{S}-o1"}}}}', f"{S}-o1"),
        (
            "json-credentials-object",
            f'{{"credentials": {{"type": "api_key", "value": "{S}-o2"}}}}',
            f"{S}-o2",
        ),
        ("repr-nested-dict", f"{{'auth': {{'token': '{S}-o3', 'user': 'bob'}}}}", f"{S}-o3"),
        ("json-pretty-array", f'{{\n  "auth": [\n    "{S}-o4"\n  ],\n  "scope": "read"\n}}', f"{S}-o4"),
        (
            "json-array-of-objects",
            f'{{"api_keys": [{{"id": "k1", "value": "{S}-o5"}}, {{"id": "k2"}}]}}',
            f"{S}-o5",
        ),
        ("json-brace-in-string", f'{{"secret": {{"note": "a }} b", "value": "{S}-o6"}}}}', f"{S}-o6"),
        ("json-in-json-object", f'{{"body": "{{\\"session\\": {{\\"id\\": \\"{S}-o7\\"}}}}"}}', f"{S}-o7"),
        ("json-truncated-object", f'{{"session": {{"id": "{S}-o8", "user": "bo', f"{S}-o8"),
        ("kwargs-dict", f"Client(credentials={{'user': 'bob', 'value': '{S}-o9'}}, retries=3)", f"{S}-o9"),
        ("kwargs-list", f"Config(passwords=['{S}-o10', 'x'])", f"{S}-o10"),
        ("yaml-flow-mapping", f"session: {{id: {S}-o11, ttl: 3600}}", f"{S}-o11"),
        ("js-object-literal", f"{{ session: {{ id: '{S}-o12' }} }}", f"{S}-o12"),
        ("yaml-block-mapping", f"credentials:\n  username: bob\n  value: {S}-o13\nregion: eu", f"{S}-o13"),
        ("yaml-block-list", f"auth:\n  - {S}-o14\n  - other\nnext: 1", f"{S}-o14"),
        ("json-allman", f'{{\n  "session":\n  {{\n    "id": "{S}-o15"\n  }}\n}}', f"{S}-o15"),
        ("tuple-pair-dict-value", f"[('session', {{'id': '{S}-o16'}})]", f"{S}-o16"),
    ]
    return [Case(f"nested-{name}", text, (secret,)) for name, text, secret in t]


# Token formats as GitHub secret scanning and gitleaks document them (made up, of the right shape).
VENDOR_TOKENS: tuple[tuple[str, str], ...] = (
    ("openai-project", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0h"),
    ("anthropic", "sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
    ("openai-legacy", "sk-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0h"),
    ("gitlab-pat", "glpat-Ab3dEf6hIj9kLm2nOp5q"),
    ("gitlab-deploy", "gldt-Ab3dEf6hIj9kLm2nOp5q"),
    ("pypi", "pypi-AgEIcHlwaS5vcmcCJDk3ZGQ0YjVkLTAwMmYtNGE5Zi1hNWYzLTg4YjU4NGI2ZTk0ZAACKlszLCJm"),
    ("github-oauth", "gho_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7d"),
    ("github-app", "ghs_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7d"),
    ("github-fine-grained-pat", "github_pat_11AB3DEF60abcdefghij_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
    ("slack-user", "xoxp-123456789012-123456789012-123456789012-Ab3dEf6hIj9kLm2n"),
    ("slack-app", "xapp-1-A0123456789-1234567890123-Ab3dEf6hIj9kLm2n"),
    ("aws-access-key-id", "AKIAZ3DEF6HIJ9KLM2NO"),
    ("google-api-key", "AIzaSyAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zA"),
    ("google-oauth-client-secret", "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"),
    ("google-oauth-access-token", "ya29.a0Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
    ("stripe-webhook-secret", "whsec_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
    ("npm", "npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7d"),
    ("hugging-face", "hf_AbcdEfghIjklMnopQrstUvwxYzabCdefGh"),
    ("sendgrid", "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"),
    ("shopify", "shpat_0123456789abcdef0123456789abcdef"),
    ("docker-hub", "dckr_pat_Ab3dEf6hIj9kLm2nOp5qRs8tUv1"),
    ("vault", "hvs.CAESIAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy"),
)


class Field(enum.Enum):
    """A mapping key that is not a string."""

    PASSWORD = "password"


Login = namedtuple("Login", "user password")


def _probe_cases() -> list[Case]:
    """What a second probe found: shapes of secrets the first corpus did not know."""
    t = [
        ("xml-element", f"<login><user>bob</user><password>{S}-p1</password></login>", f"{S}-p1"),
        ("xml-client-secret", f"<client_secret>{S}-p2</client_secret>", f"{S}-p2"),
        ("xml-namespaced", f'<wsse:Password Type="#PasswordText">{S}-p3</wsse:Password>', f"{S}-p3"),
        ("xml-cdata", f"<password><![CDATA[{S}-p4]]></password>", f"{S}-p4"),
        ("xml-secret-parent", f"<credentials><user>bob</user><value>{S}-p5</value></credentials>", f"{S}-p5"),
        ("xml-entry-key", f'<entry key="password">{S}-p6</entry>', f"{S}-p6"),
        ("html-input", f'<input type="hidden" name="password" value="{S}-p7">', f"{S}-p7"),
        ("html-value-first", f"<input value='{S}-p8' name='csrf_token'/>", f"{S}-p8"),
        ("html-type-password", f'<input type="password" id="pw" value="{S}-p9">', f"{S}-p9"),
        ("html-meta-csrf", f'<meta name="csrf-token" content="{S}-p10">', f"{S}-p10"),
        ("dotnet-app-setting", f'<add key="ApiKey" value="{S}-p11" />', f"{S}-p11"),
        ("cli-space", f"mysql --user bob --password {S}-p12 --host db", f"{S}-p12"),
        ("cli-equals", f"deploy --api-key={S}-p13", f"{S}-p13"),
        ("cli-quoted", f"login --client-secret '{S} p14'", f"{S} p14"),
        ("cli-single-dash", f"keytool -importcert -storepass {S}-p15 -noprompt", f"{S}-p15"),
        ("argv-list", f"Command ['mysql', '--user', 'bob', '--password', '{S}-p16'] failed", f"{S}-p16"),
        ("curl-user", f"curl -u bob:{S}-p17 https://api.example.com/x", f"{S}-p17"),
        ("netrc", f"machine api.example.com login bob password {S}-p18", f"{S}-p18"),
        ("tab-separated", f"password\t{S}-p19", f"{S}-p19"),
        ("tsv-row", f"user\tbob\tpin\t{S}-p20\tactive", f"{S}-p20"),
        ("header-subscription-key", f"Ocp-Apim-Subscription-Key: {S}-p21", f"{S}-p21"),
        ("header-functions-key", f"x-functions-key: {S}-p22", f"{S}-p22"),
        (
            "azure-storage-connection",
            f"AccountName=acct;AccountKey={S}-p23;EndpointSuffix=core.windows.net",
            f"{S}-p23",
        ),
        ("datadog-app-key", f"DD_APP_KEY={S}-p24", f"{S}-p24"),
        ("license-key", f"NEW_RELIC_LICENSE_KEY={S}-p25", f"{S}-p25"),
        ("two-word-api-key", f"API Key: {S}-p26", f"{S}-p26"),
        ("two-word-subscription-key", f'{{"Subscription Key": "{S}-p27"}}', f"{S}-p27"),
        ("path-reset-password", f"GET /reset-password/{S}-p28?lang=en", f"{S}-p28"),
        ("path-token", f"https://app.example/v1/token/{S}-p29/confirm", f"{S}-p29"),
        ("path-api-key", f"DELETE /api-key/{S}-p30", f"{S}-p30"),
        ("har-header", f'{{"name": "X-Api-Key", "value": "{S}-p31"}}', f"{S}-p31"),
        ("har-cookie", f'[{{"name": "sessionid", "value": "{S}-p32", "domain": "x"}}]', f"{S}-p32"),
        ("aws-tags", f'[{{"Key": "db_password", "Value": "{S}-p33"}}]', f"{S}-p33"),
        ("aws-cli-tags", f"--tags Key=db_password,Value={S}-p34", f"{S}-p34"),
        ("k8s-env-yaml", f"env:\n- name: DB_PASSWORD\n  value: {S}-p35\n", f"{S}-p35"),
        (
            "pgp-private-key",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF9pGp2k3LmN\n-----END PGP PRIVATE KEY BLOCK-----",
            "lQOYBF9pGp2k3LmN",
        ),
        (
            "slack-webhook",
            "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Ab3dEf6hIj9kLm2nOp5qRs8t",
            "Ab3dEf6hIj9kLm2nOp5qRs8t",
        ),
        ("percent-encoded-json", f"/cb?state=%7B%22token%22%3A%22{S}-p36%22%7D", f"{S}-p36"),
    ]
    cases = [Case(f"probe-{name}", text, (secret,)) for name, text, secret in t]
    cases += [Case(f"token-{name}", f"sent with {token} today", (token,)) for name, token in VENDOR_TOKENS]
    cases += [
        Case("probe-tuple-key", {("password",): f"{S}-p37"}, (f"{S}-p37",)),
        Case("probe-enum-key", {Field.PASSWORD: f"{S}-p38"}, (f"{S}-p38",)),
        Case("probe-namedtuple", Login("bob", f"{S}-p39"), (f"{S}-p39",)),
        Case("probe-name-value-mapping", {"name": "X-Api-Key", "value": f"{S}-p40"}, (f"{S}-p40",)),
        Case("probe-subscription-key-mapping", {"Ocp-Apim-Subscription-Key": f"{S}-p41"}, (f"{S}-p41",)),
    ]
    return cases


# Sentry's default denylist (the SDK's DEFAULT_DENYLIST), each as a key: every one is redacted.
SENTRY_DENYLIST = (
    "password",
    "passwd",
    "secret",
    "api_key",
    "apikey",
    "auth",
    "credentials",
    "mysql_pwd",
    "privatekey",
    "private_key",
    "token",
    "session",
    "csrftoken",
    "sessionid",
    "x_csrftoken",
    "set_cookie",
    "cookie",
    "authorization",
    "x_api_key",
    "aiohttp_session",
    "connect.sid",
    "csrf_token",
    "csrf",
    "_csrf",
    "_csrf_token",
    "PHPSESSID",
    "_session",
    "symfony",
    "user_session",
    "_xsrf",
    "XSRF-TOKEN",
)
# Sentry's server-side scrubber: any key that *contains* one of these.
SENTRY_SERVER_SIDE = (
    "password",
    "secret",
    "passwd",
    "api_key",
    "apikey",
    "auth",
    "credentials",
    "mysql_pwd",
    "privatekey",
    "private_key",
    "token",
    "bearer",
)


def _denylist_cases() -> list[Case]:
    cases = [Case(f"sentry-key-{key}", {key: f"{S}-{key}"}, (f"{S}-{key}",)) for key in SENTRY_DENYLIST]
    cases += [
        Case(f"sentry-contains-{part}", {f"my_{part}_field": f"{S}-c-{part}"}, (f"{S}-c-{part}",))
        for part in SENTRY_SERVER_SIDE
    ]
    return cases


def _catalog_cases() -> list[Case]:
    keys = ("x-shipper-key", "collection_pin")
    return [
        Case("catalog-header", {"X-Shipper-Key": f"{S}-k1"}, (f"{S}-k1",), keys),
        Case("catalog-header-line", f"retrying with x-shipper-key: {S}-k2", (f"{S}-k2",), keys),
        Case("catalog-camel-case", f"xShipperKey={S}-k3", (f"{S}-k3",), keys),
        Case("catalog-metadata", {"metadata": {"collection_pin": "4711"}}, ("4711",), keys),
        Case("catalog-query", "/parcels?collection_pin=4711&x=1", ("4711",), keys),
    ]


CASES: tuple[Case, ...] = (
    *_header_cases(),
    *_object_cases(),
    *_text_cases(),
    *_nested_value_cases(),
    *_probe_cases(),
    *_denylist_cases(),
    *_catalog_cases(),
)

#: Text that carries no secret and must come out exactly as it went in.
PROSE: tuple[str, ...] = (
    "The access token is invalid or has expired.",
    "Never log Bearer tokens or Basic credentials.",
    "Include a valid Bearer token in the Authorization header.",
    "Refresh the token once, then repeat the request.",
    "3 tokens remaining in this window",
    "password reset email sent to the account owner",
    "Session expired; sign in again.",
    "author=Jane Doe title=Errors",
    "oauth_state=xyz123 step=callback",
    "GET /invoices/inv_1?page=2&limit=20",
    "request_id=req_4f1c2a9be07d4c3a8d5e6f7a8b9c0d1e business_id=biz_acme invoice_id=inv_123",
    "https://docs.invoicing.example.com/errors/codes/invalid_token/",
    "ts=1733091234567 amount=100000000000",
    "order 4111 1111 1111 1112 was not a card (Luhn fails)",
    "mail bob@example.com about https://example.com/a@b",
    "took 12:30:45 on http://localhost:8000/health",
    "Bearer",
    "the Authorization header is missing",
    "code=invalid_token status=401 method=GET path=/businesses",
    "the token endpoint returned 401",
    "password reset page",
    "GET /invoices/inv_4Rt6Yp?page=2",
    "sort_key=created_at primary_key=id partition_key=biz_1 idempotency_key=idem_7Hq2",
    "Sort Key: created_at, Primary Key: id",
    "public_key=pk_live_51H8abcdefGHIJ cache_key=v2:inv_4Rt6Yp",
    "run with --token to authenticate, or --password is required",
    "flags: --verbose --dry-run --no-color",
    "replace <token> with your token",
    "Optional<Token> was empty",
    '<title>Password reset</title><label for="password">Password</label>',
    '<input name="username" value="bob">',
    '{"name": "page", "value": "2"}',
    "GET /auth/callback?state=xyz then /oauth/authorize and /password/reset",
    '  File "/srv/app/auth/backend2.py", line 10, in login',
    "sk-learn and a risk-assessment-and-mitigation-plan",
    "hf_ and ghp_ and glpat- alone are prefixes, not tokens",
)

#: A secret the hand-written tests of logging and redaction hide in their own values.
SECRET = "s3cr3t-T0KEN-value"

#: Pieces of text that look like secrets, separators and quotes, which property tests join at random.
TEXT_PIECES = st.sampled_from(
    [
        *"aZ09_-.:=&%'\"\\ ()[]{},;@/?#\n\t<>",
        "token",
        "password",
        "Cookie",
        "://",
        "%3D",
        "%26",
        "eyJ",
        "Bearer ",
        "--",
        "value",
        "name",
        " Key",
        "api",
        "/reset-password/",
        "\n  ",
        "- ",
        "</",
        "[REDACTED]",
        "S3cr3t9f2Kq",
    ]
)


def failing_connect() -> None:
    """Raise a RuntimeError whose message, note and chained cause (and this source line) hold secrets."""
    try:
        raise ConnectionError("cannot reach postgres://app:Tr4ceb4ck-pw@db.internal/app")
    except ConnectionError as exc:
        error = RuntimeError(f"login failed with api_key={SECRET}")
        error.add_note(f"Authorization: Bearer {SECRET}")
        raise error from exc
