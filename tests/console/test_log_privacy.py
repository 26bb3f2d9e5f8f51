"""console/log_privacy.py: every log record is masked when it is made, whoever logs it and wherever it goes."""

from __future__ import annotations

import logging
import sys

import pytest
from starlette.exceptions import HTTPException
from uvicorn.logging import AccessFormatter, DefaultFormatter

from console.app import create_app
from console.errors import RefusedChange
from console.log_privacy import MaskingRecordFactory, install_log_masking, mask_identity_runs
from console.settings import Settings
from models.member import HouseholdRuleViolation
from tests.log_scan import SIXTEEN_DIGITS, LogLines

NIK = "5272011708750001"
MASKED = "5272**********01"
LOGGER = "dtks.uji.log_privacy"


@pytest.fixture(autouse=True)
def masking() -> None:
    install_log_masking()


def _one_line(log_lines: LogLines) -> str:
    assert len(log_lines.lines) == 1, log_lines.lines
    return log_lines.lines[0]


class Person:
    """An object whose str() shows a NIK, as a model's __str__ might."""

    def __str__(self) -> str:
        return f"Anggota {NIK}"


# --- the text of a record ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        pytest.param(NIK, MASKED, id="a-nik"),
        pytest.param(
            f"Key (nik)=({NIK}) already exists.", f"Key (nik)=({MASKED}) already exists.", id="postgres-detail"
        ),
        pytest.param(f"nik{NIK}x", f"nik{MASKED}x", id="glued-to-letters"),
        pytest.param(NIK + "7", "5272***********17", id="17-digits"),
        pytest.param("527201170875000", "527201170875000", id="15-digits-stay"),
        pytest.param(
            "request 0f8c2a9e-4b1d-4c3e-9a7f-123456789012", "request 0f8c2a9e-4b1d-4c3e-9a7f-123456789012", id="uuid"
        ),
    ],
)
def test_runs_of_sixteen_digits_or_more_are_masked_wherever_they_sit(text: str, masked: str) -> None:
    assert mask_identity_runs(text) == masked


@pytest.mark.parametrize(
    ("message", "arguments"),
    [
        pytest.param("NIK %s ditolak", (NIK,), id="a-string-argument"),
        pytest.param("NIK %d ditolak", (int(NIK),), id="an-integer-argument-formatted-with-d"),
        pytest.param("%(nik)s ditolak", ({"nik": NIK},), id="a-mapping-argument"),
        pytest.param("%s ditolak", (Person(),), id="an-object-whose-str-holds-it"),
        pytest.param(f"NIK {NIK} ditolak", (), id="in-the-message-itself"),
        pytest.param("NIK %s %s ditolak", (NIK,), id="a-malformed-format"),
    ],
)
def test_a_nik_in_the_message_or_its_arguments_is_masked(
    message: str, arguments: tuple[object, ...], log_lines: LogLines
) -> None:
    logging.getLogger(LOGGER).warning(message, *arguments)

    line = _one_line(log_lines)
    assert not SIXTEEN_DIGITS.search(line)
    assert "5272" in line and "ditolak" in line


def test_an_exception_logged_as_the_message_is_masked(log_lines: LogLines) -> None:
    logging.getLogger(LOGGER).error(ValueError(f"NIK {NIK} rusak"))

    assert _one_line(log_lines) == f"ERROR {LOGGER}: NIK {MASKED} rusak"


def test_a_traceback_is_masked_with_its_cause_and_the_record_keeps_no_exception_object(log_lines: LogLines) -> None:
    try:
        try:
            raise LookupError(f"DETAIL:  Key (nik)=({NIK}) already exists.")
        except LookupError as cause:
            raise RuntimeError(f"gagal menyimpan {NIK}") from cause
    except RuntimeError:
        logging.getLogger(LOGGER).exception("simpan gagal")

    line = _one_line(log_lines)
    assert "Traceback (most recent call last)" in line
    assert f"Key (nik)=({MASKED})" in line and f"gagal menyimpan {MASKED}" in line
    assert not SIXTEEN_DIGITS.search(line)
    record = log_lines.records[0]
    assert record.exc_info is None and record.exc_text is not None


def test_a_stack_is_masked(log_lines: LogLines) -> None:
    def nik_5272011708750001_frame() -> None:  # the function's name shows in the stack
        logging.getLogger(LOGGER).warning("di sini", stack_info=True)

    nik_5272011708750001_frame()

    line = _one_line(log_lines)
    assert "Stack (most recent call last)" in line and f"nik_{MASKED}_frame" in line


def test_uvicorns_access_log_keeps_its_five_arguments_and_masks_the_path() -> None:
    # Once uvicorn has configured logging (a browser test's live server), its access logger does not
    # propagate to the root: listen on the logger itself. The number sits in the path, not in a query
    # string: the app's access-log filter (console/access_log.py) drops query strings whenever an app was
    # built earlier in the process, and this test must hold either way.
    access = logging.getLogger("uvicorn.access")
    listener = LogLines()
    access.addHandler(listener)
    try:
        access.warning('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/admin/member/details/{NIK}", "1.1", 200)
    finally:
        access.removeHandler(listener)

    record = listener.records[0]
    assert len(record.args) == 5
    formatted = AccessFormatter("%(client_addr)s %(request_line)s %(status_code)s", use_colors=False).format(record)
    assert formatted == f"127.0.0.1:5000 GET /admin/member/details/{MASKED} HTTP/1.1 200 OK"


# --- wherever the record goes -----------------------------------------------------------------------


def test_a_handler_added_after_the_app_was_built_prints_only_masked_text(capsys: pytest.CaptureFixture[str]) -> None:
    # uvicorn and gunicorn configure their handlers around the app; here one with uvicorn's own formatter.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s", use_colors=False))
    logger = logging.getLogger("uvicorn.error.uji")
    logger.addHandler(handler)
    try:
        try:
            raise KeyError(NIK)
        except KeyError:
            logger.exception("Exception in ASGI application")
    finally:
        logger.removeHandler(handler)

    printed = capsys.readouterr().err
    assert "Exception in ASGI application" in printed and MASKED in printed
    assert not SIXTEEN_DIGITS.search(printed)


def test_logging_with_no_configuration_at_all_prints_only_masked_text(capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("dtks.uji.no_handlers")
    logger.propagate = False  # no handler anywhere: logging.lastResort writes to stderr, no filter reaches it
    try:
        logger.error("NIK %s", NIK)
    finally:
        logger.propagate = True

    assert capsys.readouterr().err == f"NIK {MASKED}\n"


def test_create_app_installs_the_masking_once_whichever_server_runs_it(settings: Settings) -> None:
    before = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)  # as in a fresh process
    try:
        create_app(settings)
        create_app(settings)
        installed = logging.getLogRecordFactory()
        assert isinstance(installed, MaskingRecordFactory)
        assert installed.previous is logging.LogRecord  # wrapped once, not twice
    finally:
        logging.setLogRecordFactory(before)


# --- handled refusals: one line; bugs: a traceback -------------------------------------------------


def _logged_by_sqladmin(error: Exception) -> None:
    try:
        raise error
    except Exception as caught:
        logging.getLogger("sqladmin.application").exception(caught)  # what sqladmin does on a refused save


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(RefusedChange("NIK ini sudah terdaftar pada anggota keluarga lain."), id="refused-change"),
        pytest.param(HouseholdRuleViolation("Kepala keluarga tidak dapat dihapus sendiri."), id="a-rule-value-error"),
        pytest.param(HTTPException(status_code=404, detail="Object not found"), id="a-row-already-gone"),
    ],
)
def test_a_refusal_sqladmin_handled_is_one_warning_line_without_traceback(
    error: Exception, log_lines: LogLines
) -> None:
    _logged_by_sqladmin(error)

    line = _one_line(log_lines)
    assert line.startswith("WARNING sqladmin.application: Refused and shown to the user: ")
    assert type(error).__name__ in line
    assert "\n" not in line and "Traceback" not in line


def test_a_bug_sqladmin_caught_keeps_its_traceback_masked(log_lines: LogLines) -> None:
    _logged_by_sqladmin(KeyError(NIK))

    line = _one_line(log_lines)
    assert line.startswith(f"ERROR sqladmin.application: '{MASKED}'")
    assert "Traceback (most recent call last)" in line and "KeyError" in line
    assert not SIXTEEN_DIGITS.search(line)
