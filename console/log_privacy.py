"""No identity number in any log: every log record of the process is masked when it is made.

What each record gets (`install_log_masking`, called by `create_app` and the CLI):

1. **Masked.** Every run of 16 or more digits (a NIK or No. KK, also inside longer text: PostgreSQL's
   `DETAIL: Key (nik)=(...)`, a 17-digit input, `nik5272...`) becomes `5272**********01`
   (`mask_identity_number`) in the message, its arguments, the stack and the traceback. The traceback is
   formatted and masked here and the exception object is dropped from the record (`exc_info = None`,
   `exc_text` = the masked text): a handler or formatter can only print the masked text, never the raw one.
2. **One line for a handled refusal.** sqladmin logs `logger.exception(e)` for every create, edit or delete
   it refuses and shows on the form (sqladmin/application.py). When that exception is a `RefusedChange`
   (a database refusal our views turned into a message, console/errors.py), a `ValueError` (what
   `on_model_change` / `on_model_delete` raise for a rule) or an `HTTPException` below 500 (a row already
   gone), the record becomes one WARNING line: request, user, the message shown, no traceback. Any other
   exception is a bug and keeps its traceback (masked) at ERROR.

Why a LogRecord factory (`logging.setLogRecordFactory`) and not a filter:
- every record passes through it, whatever logger made it (sqladmin, uvicorn, Starlette, SQLAlchemy, ours)
  and wherever it goes: handlers that uvicorn's or gunicorn's logging configuration creates around the app,
  handlers added later, pytest's capture, and `logging.lastResort` (nobody configured logging), which no
  filter reaches. Handler filters hold only for the handlers that exist when they are installed; a logger
  filter does not see records propagated from other loggers.
- it is installed once per process (installing again is a no-op) and wraps the factory before it.
Limits: fields passed with `extra=` are set after the factory runs (none of our calls pass personal data
there, and the JSON log format masks every field it writes, console/log_format.py; uvicorn's `color_message`
is a template whose arguments are masked); text written to stderr without logging (print,
traceback.print_exc) is not a log record. The engine hides SQL parameters as well
(console/database.py), so an error's text carries no values in the first place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException

from chain.acting import current_context
from console.errors import RefusedChange
from console.request_context import current_request
from console.sqladmin_door import APPLICATION_LOGGER
from models.identity import mask_identity_number

# 16 digits or more, wherever they sit (\d also matches other scripts' digits: masked as well).
IDENTITY_RUN = re.compile(r"\d{16,}")
SMALLEST_IDENTITY_INTEGER = 10**15  # an int with 16 digits or more
REFUSAL_LOGGERS = frozenset({APPLICATION_LOGGER})
_HANDLED_ERRORS = (RefusedChange, ValueError)


def mask_identity_runs(text: str) -> str:
    """`text` with every run of 16 or more digits masked as the console masks a NIK."""
    return IDENTITY_RUN.sub(lambda match: mask_identity_number(match.group()), text)


def masked_value(value: Any) -> Any:
    """A log argument or field masked: a string's runs of 16 digits, an integer of 16 digits or more."""
    if isinstance(value, str):
        return mask_identity_runs(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= SMALLEST_IDENTITY_INTEGER:
        return mask_identity_runs(str(value))
    return value


def _mask_message(record: logging.LogRecord) -> None:
    """Mask the arguments one by one (formatters such as uvicorn's access log unpack them), then the text."""
    if not isinstance(record.msg, str):
        record.msg = str(record.msg)  # `logger.exception(error)` logs the exception object itself
    record.msg = mask_identity_runs(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {key: masked_value(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(masked_value(value) for value in record.args)
    try:
        message = record.getMessage()
    except Exception:  # a malformed format: logging's handleError would print msg and args raw
        record.msg, record.args = mask_identity_runs(f"{record.msg} {record.args!r}"), ()
        return
    if IDENTITY_RUN.search(message):  # an argument object whose str() or repr() holds a number
        record.msg, record.args = mask_identity_runs(message), ()


def _mask_exception(record: logging.LogRecord) -> None:
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = mask_identity_runs(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = mask_identity_runs(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_identity_runs(record.stack_info)


def is_handled_refusal(record: logging.LogRecord) -> bool:
    """A refusal sqladmin caught and showed on the form: not a bug, so no traceback."""
    if record.name not in REFUSAL_LOGGERS or not record.exc_info:
        return False
    error = record.exc_info[1]
    if isinstance(error, HTTPException):
        return error.status_code < 500
    return isinstance(error, _HANDLED_ERRORS)


def _one_line(record: logging.LogRecord) -> None:
    error = record.exc_info[1] if record.exc_info else None
    connection = current_request()
    context = current_context()
    where = f"{connection.scope.get('method', '')} {connection.scope.get('path', '')}" if connection else "-"
    who = (context.actor_name or "-") if context else "-"
    request_id = context.request_id if context else "-"
    record.msg = "Refused and shown to the user: %s by %s (request %s): %s: %s"
    record.args = (where, who, request_id, type(error).__name__, str(error))
    record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
    record.exc_info, record.exc_text = None, None


class MaskingRecordFactory:
    """Builds records with the factory it replaced, then masks them (see the module docstring)."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        if is_handled_refusal(record):
            _one_line(record)
        _mask_message(record)
        _mask_exception(record)
        return record


def install_log_masking() -> None:
    """Mask every log record of this process from now on (idempotent)."""
    if not isinstance(logging.getLogRecordFactory(), MaskingRecordFactory):
        logging.setLogRecordFactory(MaskingRecordFactory(logging.getLogRecordFactory()))
