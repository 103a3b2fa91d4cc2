"""errcat.runtime.logging: the catalog's log fields, its levels, and secrets that never reach a log.

The redaction corpus (tests/runtime/redaction_cases.py) goes through :class:`RedactingFilter`
on real records, a real handler and two formatters (the standard one and a JSON one that
prints every ``extra`` field), logged three ways: as a %-argument, inside an f-string
message, and as an ``extra`` field. (Through :func:`redact` alone, it is ``test_redaction.py``.)
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.runtime.redaction_cases import CASES, PROSE, SECRET, TEXT_PIECES, Case, Login, failing_connect

import errcat.runtime.redaction
import partner_invoicing_errors as codes
from errcat.runtime import logging as errcat_logging
from errcat.runtime.logging import (
    REDACTED,
    RedactingFilter,
    error_fields,
    level_for,
    log_error,
    log_exception,
)
from partner_invoicing_errors import InternalError, InvoiceNotFound, ValidationFailed


@pytest.mark.parametrize("name", errcat.runtime.redaction.__all__)
def test_the_redaction_api_is_still_importable_from_logging(name: str) -> None:
    """``from errcat.runtime.logging import redact`` (and the rest) keeps working since redaction moved."""
    if name in {"Redactor", "redactor_for"}:  # new with the redaction module: no one imported them here
        return
    assert getattr(errcat_logging, name) is getattr(errcat.runtime.redaction, name)
    assert name in errcat_logging.__all__


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

    def make(
        *, errors: Any = None, keys: tuple[str, ...] = (), keep_exc_info: bool = False
    ) -> tuple[logging.Logger, io.StringIO]:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonExtrasFormatter("%(levelname)s %(name)s %(message)s"))
        handler.addFilter(RedactingFilter(errors, keys=keys, keep_exc_info=keep_exc_info))
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


# --- tracebacks, malformed calls -----------------------------------------------------------------


def test_a_traceback_is_redacted_by_the_filter_in_its_message_cause_notes_and_source_lines(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    try:
        failing_connect()
    except RuntimeError:
        logger, stream = redacting_log()
        logger.exception("the login failed")
    output = stream.getvalue()
    assert "Tr4ceb4ck-pw" not in output and SECRET not in output
    assert "Traceback (most recent call last)" in output
    assert "ConnectionError: cannot reach postgres://[REDACTED]@db.internal/app" in output
    assert 'raise ConnectionError("cannot reach postgres://[REDACTED]@db.internal/app")' in output
    assert "RuntimeError: login failed with api_key=[REDACTED]" in output


@contextlib.contextmanager
def records_of(logger: logging.Logger) -> Iterator[list[logging.LogRecord]]:
    """The records ``logger`` hands its handlers while the block runs, after its filters."""
    seen: list[logging.LogRecord] = []
    capture = logging.Handler()
    capture.emit = seen.append  # type: ignore[method-assign]
    logger.addHandler(capture)
    try:
        yield seen
    finally:
        logger.removeHandler(capture)


def test_the_filter_leaves_no_unredacted_exception_for_a_later_formatter(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    logger, _ = redacting_log()
    with records_of(logger) as seen:
        try:
            failing_connect()
        except RuntimeError:
            logger.error("failed", exc_info=True, stack_info=True)
    [record] = seen
    assert record.exc_info is None and record.exc_text is not None and SECRET not in record.exc_text
    assert record.stack_info is not None and "Stack (most recent call last)" in record.stack_info
    assert SECRET not in logging.Formatter().format(record)


def test_keep_exc_info_leaves_the_exception_to_later_handlers_and_formatters_print_it_redacted(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    logger, stream = redacting_log(keep_exc_info=True)
    with records_of(logger) as seen:
        try:
            failing_connect()
        except RuntimeError as exc:
            error = exc
            logger.exception("the login failed")
    [record] = seen
    assert record.exc_info is not None and record.exc_info[1] is error  # a later handler gets the exception
    assert record.exc_text is not None and SECRET not in record.exc_text
    for text in (
        stream.getvalue(),
        logging.Formatter().format(record),
        logging.Formatter("%(message)s").format(record),
    ):
        assert "Traceback (most recent call last)" in text and "api_key=[REDACTED]" in text
        assert SECRET not in text and "Tr4ceb4ck-pw" not in text
    # the trade-off: what formats exc_info itself, not through the formatter, sees it unredacted
    assert SECRET in "".join(traceback.format_exception(*record.exc_info))


def test_the_filter_keeps_the_types_of_arguments_and_fields(
    redacting_log: Callable[..., tuple[logging.Logger, io.StringIO]],
) -> None:
    logger, _ = redacting_log()
    with records_of(logger) as seen:
        logger.warning(
            "sent %s and %r",
            ("a", "b"),
            f"token={SECRET}".encode(),
            extra={
                "headers": (("Accept", "json"), ("X-Api-Key", SECRET)),
                "raw": [(b"cookie", f"sid={SECRET}".encode())],
                "login": Login("bob", SECRET),
                "tags": frozenset({"x"}),
            },
        )
    [record] = seen
    assert record.getMessage() == "sent ('a', 'b') and b'token=[REDACTED]'"
    assert record.headers == (("Accept", "json"), ("X-Api-Key", REDACTED))  # type: ignore[attr-defined]
    assert type(record.headers) is tuple and {type(pair) for pair in record.headers} == {tuple}  # type: ignore[attr-defined]
    assert record.raw == [(b"cookie", b"[REDACTED]")]  # type: ignore[attr-defined]
    assert record.login == Login("bob", REDACTED) and type(record.login) is Login  # type: ignore[attr-defined]
    assert record.tags == frozenset({"x"})  # type: ignore[attr-defined]


def test_log_exception_logs_a_redacted_traceback_and_no_exc_info() -> None:
    logger = logging.getLogger("errcat.test.log_exception")
    logger.setLevel(logging.DEBUG)
    with records_of(logger) as seen:
        try:
            failing_connect()
        except RuntimeError as exc:
            log_exception(
                logger,
                exc,
                "failed for %s",
                f"token={SECRET}",
                extra={"errcat": {"note": f"password={SECRET}"}},
            )
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


@given(
    msg=st.one_of(
        st.lists(TEXT_PIECES, max_size=12).map("".join),
        st.integers(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=2),
    ),
    args=st.lists(
        st.one_of(
            st.lists(TEXT_PIECES, max_size=8).map("".join), st.integers(), st.floats(), st.binary(max_size=8)
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
