"""errcat.runtime.logging: the catalog's log fields, its levels, and secrets that never reach a log.

The redaction corpus (tests/runtime/redaction_cases.py) goes through :func:`redact` and
through :class:`RedactingFilter` on real records, a real handler and two formatters (the
standard one and a JSON one that prints every ``extra`` field), logged three ways: as a
%-argument, inside an f-string message, and as an ``extra`` field.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.runtime.redaction_cases import CASES, PROSE, SENTRY_DENYLIST, Case

import partner_invoicing_errors as codes
from errcat.runtime.logging import (
    BUILTIN_REDACT_KEYS,
    REDACTED,
    RedactingFilter,
    error_fields,
    format_exception,
    is_secret_key,
    level_for,
    log_error,
    log_exception,
    redact,
)
from partner_invoicing_errors import InternalError, InvoiceNotFound, ValidationFailed

SECRET = "s3cr3t-T0KEN-value"


@pytest.mark.parametrize(
    "value",
    [
        {"Authorization": f"Bearer {SECRET}"},
        {"headers": {"authorization": f"Basic {SECRET}", "Proxy-Authorization": SECRET}},
        {"url": f"https://api.example.com/invoices?access_token={SECRET}&page=2"},
        {"url": f"https://api.example.com/invoices?page=2&API_KEY={SECRET}"},
        {
            "details": [
                {"field": "refresh_token", "code": "invalid", "message": f"refresh_token={SECRET} is bad"}
            ]
        },
        {"nested": {"deeper": [{"client_secret": SECRET}]}},
        f"calling with Authorization: Bearer {SECRET} failed",
        f'body was {{"password": "{SECRET}"}}',
        f"https://user:{SECRET}@api.example.com/x",
        [("token", SECRET)],
        "Authorization: Basic dXNlcjpwYXNz",  # the scheme word goes with its credential
        "Authorization: Token abcdefghijklmnop",
        f"authorization=Bearer {SECRET}",
    ],
)
def test_secrets_are_redacted_wherever_they_hide(value: object) -> None:
    out = redact(value)
    for secret in (SECRET, "dXNlcjpwYXNz", "abcdefghijklmnop"):
        assert secret not in json.dumps(out)
    assert REDACTED in json.dumps(out)


@pytest.mark.parametrize(
    "prose",
    [
        "The access token is invalid or has expired.",
        "Never log Bearer tokens or Basic credentials.",
        "Include a valid Bearer token in the Authorization header.",
    ],
)
def test_prose_about_tokens_is_left_alone(prose: str) -> None:
    assert redact(prose) == prose
    for member in codes.ErrorCode:  # the catalog's own messages survive logging
        assert redact(member.message) == member.message


def test_redaction_keeps_everything_else_and_never_mutates() -> None:
    original = {
        "headers": {"Authorization": f"Bearer {SECRET}", "Accept": "application/json"},
        "url": "https://x.example/invoices?page=2&token=abc",
        "invoice_id": "inv_1",
    }
    snapshot = json.dumps(original)
    out = redact(original)
    assert json.dumps(original) == snapshot
    assert out == {
        "headers": {"Authorization": REDACTED, "Accept": "application/json"},
        "url": f"https://x.example/invoices?page=2&token={REDACTED}",
        "invoice_id": "inv_1",
    }


def test_the_redaction_keys_are_the_catalogs() -> None:
    assert "authorization" in codes.CATALOG.redact_keys and "access_token" in codes.CATALOG.redact_keys
    assert redact({"x_custom": "v"}, keys=["x_custom"]) == {"x_custom": REDACTED}
    assert redact({"x_custom": "v"}) == {"x_custom": "v"}


@given(
    header=st.text(min_size=1, max_size=30),
    query=st.from_regex(r"[A-Za-z0-9._~%+/=-]{1,40}", fullmatch=True),
    key=st.sampled_from(sorted(codes.CATALOG.redact_keys)),
)
def test_any_secret_value_is_redacted_from_headers_and_queries(header: str, query: str, key: str) -> None:
    out = redact({key.upper(): header, "url": f"https://h.example/p?page=1&{key}={query}&next=2"})
    assert out[key.upper()] == REDACTED
    assert out["url"] == f"https://h.example/p?page=1&{key}={REDACTED}&next=2"


def test_error_fields_follow_the_catalog() -> None:
    error = InvoiceNotFound(request_id="req_1", business_id="biz_1", invoice_id="inv_1")
    fields = error_fields(
        error,
        method="get",
        url=f"https://api.example.com/invoices/inv_1?access_token={SECRET}",
        attempt=2,
        retry_delay=1.23456,
    )
    assert fields == {
        "code": "invoice_not_found",
        "status": 404,
        "request_id": "req_1",
        "method": "GET",
        "path": "/invoices/inv_1",
        "attempt": 2,
        "retry_delay_seconds": 1.235,
        "metadata": {"business_id": "biz_1", "invoice_id": "inv_1"},
    }
    assert {f["field"] for f in []} <= set(fields)


def test_log_error_uses_the_catalogs_levels_and_a_json_friendly_extra(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("errcat.test")
    with caplog.at_level(logging.DEBUG, logger="errcat.test"):
        log_error(logger, InvoiceNotFound(request_id="req_1"))
        log_error(logger, InternalError(request_id="req_2"), attempt=5)
        log_error(logger, TimeoutError("read timed out"), attempt=1, retry_delay=2.0)
        log_error(
            logger, ValidationFailed(details=[{"field": "token", "code": "x", "message": f"token={SECRET}"}])
        )
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.WARNING, logging.ERROR, logging.WARNING, logging.WARNING]
    assert caplog.records[2].errcat["code"] == "timeout"  # type: ignore[attr-defined]
    for record in caplog.records:
        json.dumps(record.errcat)  # type: ignore[attr-defined]
        assert SECRET not in record.getMessage() and SECRET not in json.dumps(record.errcat)  # type: ignore[attr-defined]
    assert level_for(InvoiceNotFound()) == logging.WARNING


def test_redacting_filter_cleans_records_it_did_not_write(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("errcat.test.filter")
    handler = caplog.handler
    handler.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="errcat.test.filter"):
            logger.info("request headers %s", {"Authorization": f"Bearer {SECRET}"})
            logger.info("GET https://api.example.com/x?token=%s", SECRET)
    finally:
        handler.removeFilter(handler.filters[-1])
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in text
    assert text.count(REDACTED) == 2


# --- the corpus ---------------------------------------------------------------------------------


def test_the_corpus_is_large_and_every_case_has_a_name_of_its_own() -> None:
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES)
    assert all(case.secrets and all(len(secret) >= 4 for secret in case.secrets) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_corpus_leaks_nothing_through_redact(case: Case) -> None:
    out = redact(case.value, case.keys)
    text = json.dumps(out)  # what redact returns is JSON-friendly, whatever went in
    for secret in case.secrets:
        assert secret not in text and secret not in repr(out), (case.id, out)
    assert REDACTED in text
    assert redact(out, case.keys) == out  # redacting twice changes nothing more


@pytest.mark.parametrize("prose", PROSE)
def test_prose_comes_out_as_it_went_in(prose: str) -> None:
    assert redact(prose) == prose


class JsonExtrasFormatter(logging.Formatter):
    """The standard line, then every ``extra`` field as JSON: what structured-logging formatters print."""

    _standard = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in record.__dict__.items() if k not in self._standard}
        return f"{super().format(record)} {json.dumps(extras, default=str, sort_keys=True)}"


_logger_names = itertools.count()


@pytest.fixture
def redacting_log() -> Iterator[Callable[..., tuple[logging.Logger, io.StringIO]]]:
    """A real logger with a stream handler, a formatter and a RedactingFilter; yields a factory."""
    made: list[tuple[logging.Logger, logging.Handler]] = []

    def make(*, errors: Any = None, keys: tuple[str, ...] = ()) -> tuple[logging.Logger, io.StringIO]:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonExtrasFormatter("%(levelname)s %(name)s %(message)s"))
        handler.addFilter(RedactingFilter(errors, keys=keys))
        logger = logging.getLogger(f"errcat.test.redacting.{next(_logger_names)}")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        made.append((logger, handler))
        return logger, stream

    yield make
    for logger, handler in made:
        logger.removeHandler(handler)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_corpus_leaks_nothing_through_the_filter(
    case: Case, redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]]
) -> None:
    logger, stream = redacting_log(keys=case.keys)
    logger.warning("value: %s", case.value)
    logger.warning(f"value: {case.value}")
    logger.warning("with an extra field", extra={"payload": case.value})
    text = stream.getvalue()
    assert text.count("\n") >= 3
    for secret in case.secrets:
        assert secret not in text, (case.id, text)


def test_prose_comes_out_of_the_filter_as_it_went_in(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    logger, stream = redacting_log(errors=codes)
    for prose in PROSE:
        logger.info("%s", prose)
    assert [line.split(" ", 2)[2].rsplit(" {", 1)[0] for line in stream.getvalue().splitlines()] == list(
        PROSE
    )


# --- which keys are secret -------------------------------------------------------------------------


@pytest.mark.parametrize("key", SENTRY_DENYLIST)
def test_every_key_of_sentrys_default_denylist_is_secret(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "client_secret",
        "clientSecret",
        "Client-Secret",
        "CLIENT_SECRET",
        "client%5Fsecret",
        "client%255Fsecret",
    ],
)
def test_one_key_in_every_spelling(key: str) -> None:
    assert is_secret_key(key) and is_secret_key(key.encode())


@pytest.mark.parametrize("key", ["author", "oauth_state", "passenger", "spinner", "business_id", "keyboard"])
def test_short_parts_match_whole_words_only(key: str) -> None:
    assert not is_secret_key(key)


def test_the_catalogs_own_log_fields_and_metadata_are_never_redacted() -> None:
    fields = set(codes.CATALOG.log_fields) | {"details", "field", "message"}
    metadata = {key for member in codes.ErrorCode for key in member.metadata_keys}
    assert metadata, "the shipped catalog declares metadata fields"
    for name in sorted(fields | metadata):
        assert not is_secret_key(name, codes.CATALOG.redact_keys), name


def test_the_catalogs_keys_add_to_the_built_in_ones() -> None:
    assert is_secret_key("X-Shipper-Key", keys=["x-shipper-key"]) and is_secret_key(
        "xShipperKey", ["x-shipper-key"]
    )
    assert not is_secret_key("X-Shipper-Key")
    assert is_secret_key("password", keys=["x-shipper-key"])  # the built-in list stays
    assert {"cookie", "set-cookie", "x-api-key", "client_secret"} <= BUILTIN_REDACT_KEYS


@given(
    value=st.from_regex(r"[A-Za-z0-9._~+/=-]{6,40}", fullmatch=True),
    key=st.sampled_from(
        ["access_token", "api_key", "client_secret", "password", "refresh_token", "x-api-key"]
    ),
    spelling=st.sampled_from(["lower", "upper", "camel", "kebab", "percent"]),
    form=st.sampled_from(["query", "json", "header", "repr", "mapping", "pair"]),
)
def test_any_value_under_any_spelling_of_a_secret_key_is_redacted(
    value: str, key: str, spelling: str, form: str
) -> None:
    words = key.replace("-", "_").split("_")
    name = {
        "lower": key,
        "upper": key.upper(),
        "camel": words[0] + "".join(w.title() for w in words[1:]),
        "kebab": "-".join(words),
        "percent": quote(key, safe="").replace("_", "%5F"),
    }[spelling]
    logged: object = {
        "query": f"https://h.example/p?page=1&{name}={value}&next=2",
        "json": json.dumps({"page": 1, name: value}),
        "header": f"{name}: {value}",
        "repr": repr({"page": 1, name: value}),
        "mapping": {"page": 1, name: value},
        "pair": [(name.encode(), value.encode())],
    }[form]
    assert value not in json.dumps(redact(logged))


# --- tracebacks, malformed calls -----------------------------------------------------------------


def _failing_connect() -> None:
    try:
        raise ConnectionError("cannot reach postgres://app:Tr4ceb4ck-pw@db.internal/app")
    except ConnectionError as exc:
        error = RuntimeError(f"login failed with api_key={SECRET}")
        error.add_note(f"Authorization: Bearer {SECRET}")
        raise error from exc


def test_a_traceback_is_redacted_in_its_message_cause_notes_and_source_lines(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    try:
        _failing_connect()
    except RuntimeError as exc:
        text = format_exception(exc)
        logger, stream = redacting_log()
        logger.exception("the login failed")
    for output in (text, stream.getvalue()):
        assert "Tr4ceb4ck-pw" not in output and SECRET not in output
        assert "Traceback (most recent call last)" in output
        assert "ConnectionError: cannot reach postgres://[REDACTED]@db.internal/app" in output
        assert 'raise ConnectionError("cannot reach postgres://[REDACTED]@db.internal/app")' in output
        assert "RuntimeError: login failed with api_key=[REDACTED]" in output


def test_the_filter_leaves_no_unredacted_exception_for_a_later_formatter(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    seen: list[logging.LogRecord] = []
    logger, _ = redacting_log()
    capture = logging.Handler()
    capture.emit = seen.append  # type: ignore[method-assign]
    logger.addHandler(capture)
    try:
        _failing_connect()
    except RuntimeError:
        logger.error("failed", exc_info=True, stack_info=True)
    finally:
        logger.removeHandler(capture)
    [record] = seen
    assert record.exc_info is None and record.exc_text is not None and SECRET not in record.exc_text
    assert record.stack_info is not None and "Stack (most recent call last)" in record.stack_info
    assert SECRET not in logging.Formatter().format(record)


def test_log_exception_logs_a_redacted_traceback_and_no_exc_info() -> None:
    seen: list[logging.LogRecord] = []
    logger = logging.getLogger("errcat.test.log_exception")
    capture = logging.Handler()
    capture.emit = seen.append  # type: ignore[method-assign]
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    try:
        try:
            _failing_connect()
        except RuntimeError as exc:
            log_exception(
                logger,
                exc,
                "failed for %s",
                f"token={SECRET}",
                extra={"errcat": {"note": f"password={SECRET}"}},
            )
    finally:
        logger.removeHandler(capture)
    [record] = seen
    assert record.getMessage() == "failed for token=[REDACTED]"
    assert record.exc_info is None and record.exc_text is not None
    assert SECRET not in record.exc_text and "Tr4ceb4ck-pw" not in record.exc_text
    assert record.errcat == {"note": "password=[REDACTED]"}  # type: ignore[attr-defined]
    assert (
        record.pathname == __file__
        and record.funcName == "test_log_exception_logs_a_redacted_traceback_and_no_exc_info"
    )
    assert SECRET not in logging.Formatter().format(record)


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str")

    __repr__ = __str__


class BrokenHeaders:
    """A header-like object whose items() raises."""

    def items(self) -> list[tuple[str, str]]:
        raise RuntimeError("broken")

    def __str__(self) -> str:
        return f"BrokenHeaders(token={SECRET})"


MALFORMED_CALLS: list[tuple[str, Callable[[logging.Logger], None]]] = [
    ("too-few-arguments", lambda log: log.warning("two %s %s", f"token={SECRET}")),
    ("too-many-arguments", lambda log: log.warning("none", f"password={SECRET}")),
    ("wrong-type", lambda log: log.warning("%d items", f"api_key={SECRET}")),
    ("mapping-template-tuple-args", lambda log: log.warning("%(name)s and %s", f"secret={SECRET}", 2)),
    ("unprintable-argument", lambda log: log.warning("value %s", Unprintable())),
    ("unprintable-repr-argument", lambda log: log.warning("value %r", Unprintable())),
    ("unprintable-message", lambda log: log.warning(Unprintable())),
    ("mapping-message", lambda log: log.warning({"password": SECRET, "user": "bob"})),
    ("number-message", lambda log: log.warning(12345)),
    ("list-message-with-args", lambda log: log.warning([("token", SECRET)], 1)),
    ("broken-header-object", lambda log: log.warning("headers %s", BrokenHeaders())),
    ("exc-info-without-exception", lambda log: log.exception(f"no exception, token={SECRET}")),
]


@pytest.mark.parametrize(("name", "call"), MALFORMED_CALLS, ids=[name for name, _ in MALFORMED_CALLS])
def test_a_malformed_log_call_never_raises_and_leaks_nothing(
    name: str,
    call: Callable[[logging.Logger], None],
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger, stream = redacting_log(errors=codes)
    call(logger)  # must not raise into the application
    text = stream.getvalue()
    assert text.startswith("WARNING ") or text.startswith("ERROR ")
    assert SECRET not in text
    assert "Logging error" not in capsys.readouterr().err  # nor make the handler fail afterwards


def test_a_malformed_call_keeps_its_template_and_shows_its_arguments(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    logger, stream = redacting_log()
    logger.warning("moved %s to %s", "inv_1")
    assert "moved %s to %s [log arguments that do not fit the message: 'inv_1']" in stream.getvalue()


def test_the_stdlib_reports_a_bad_call_on_stderr_and_the_filter_formats_it_instead() -> None:
    """Without a filter, logging reports a bad call on stderr; with it, nothing raises nor stays broken."""
    logger = logging.getLogger(f"errcat.test.plain.{next(_logger_names)}")  # no test framework handler on it
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    logger.propagate = False
    stderr, sys.stderr = sys.stderr, io.StringIO()
    try:
        logger.warning("two %s %s", "one")
        assert "Logging error" in sys.stderr.getvalue()
        handler.addFilter(RedactingFilter())
        logger.warning("two %s %s", "one")  # now formatted by the filter, with nothing to report
        assert sys.stderr.getvalue().count("Logging error") == 1
    finally:
        sys.stderr = stderr
        logger.removeHandler(handler)


_PIECES = st.sampled_from(
    [*"aZ09_-.:=&%'\"\\ ()[]{},;@/?#\n", "token", "password", "Cookie", "://", "%3D", "%26", "eyJ", "Bearer "]
)


@given(text=st.lists(_PIECES, max_size=60).map("".join))
def test_redacting_any_text_twice_changes_nothing_more(text: str) -> None:
    out = redact(text)
    assert isinstance(out, str) and redact(out) == out


@given(
    msg=st.one_of(
        st.lists(_PIECES, max_size=12).map("".join),
        st.integers(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=2),
    ),
    args=st.lists(
        st.one_of(
            st.lists(_PIECES, max_size=8).map("".join), st.integers(), st.floats(), st.binary(max_size=8)
        ),
        max_size=3,
    ),
)
def test_the_filter_takes_any_log_call(msg: object, args: list[object]) -> None:
    record = logging.LogRecord("errcat.test.any", logging.INFO, __file__, 1, msg, tuple(args), None)
    assert RedactingFilter().filter(record) is True
    assert isinstance(record.getMessage(), str) and record.args is None


def test_a_second_template_for_the_same_arguments_is_formatted_before_they_are_cleared() -> None:
    """uvicorn logs ``color_message``, a coloured copy of the template that it formats with the args."""
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, "%s %s", ("GET", f"/x?token={SECRET}"), None
    )
    record.color_message = "\x1b[1m%s\x1b[0m %s"
    RedactingFilter().filter(record)
    assert record.color_message == "\x1b[1mGET\x1b[0m /x?token=[REDACTED]"
    assert record.getMessage() == "GET /x?token=[REDACTED]"
