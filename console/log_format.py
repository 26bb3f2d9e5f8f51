"""How the console's log lines are written: plain text (the default) or JSON, one object per line (LOG_FORMAT).

`install_log_format(settings)` runs in `create_app` and again at start-up (lifespan), as console/access_log.py
does, so it holds whichever server loads the app (`uvicorn --factory`, `--workers N`, gunicorn's uvicorn worker)
and after that server has set its own logging up:

- the `dtks` loggers (dtks.request and dtks.slow, console/request_log.py) log from INFO;
- the root logger gets a handler of ours on stderr when nobody gave it one (uvicorn configures only its own
  loggers): without it the app's INFO lines would go nowhere and its warnings to logging's last resort, the
  message alone with no time or logger;
- with `LOG_FORMAT=json` that handler and every handler of uvicorn's and gunicorn's loggers (the plain
  `StreamHandler`s their configurations make) write one JSON object per line: `timestamp` (UTC, ISO 8601),
  `level`, `logger`, `message`, the record's structured fields (`extra={"fields": {...}}`, e.g. the request
  line's route, status and duration) and `exception` (its traceback) when there is one. Handlers someone else
  made (pytest's, an operator's `--log-config`) keep their format.

Masking: every record is masked when it is made (console/log_privacy.py). Fields passed with `extra=` arrive
after that, so the JSON formatter masks the message and each field again as it writes them (cheap: one regex).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from console.log_privacy import mask_identity_runs, masked_value
from console.settings import Settings

FIELDS = "fields"  # the record attribute holding a line's structured fields: `extra={"fields": {...}}`
APP_LOGGER = "dtks"
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "gunicorn.error", "gunicorn.access")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_JSON_NATIVE = (str, int, float, bool, type(None))


def _field(value: Any) -> Any:
    value = masked_value(value)
    return value if isinstance(value, _JSON_NATIVE) else mask_identity_runs(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per record, every text in it masked (the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_identity_runs(record.getMessage()),
        }
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, Mapping):
            for key, value in fields.items():
                entry.setdefault(str(key), _field(value))
        if record.exc_info and not record.exc_text:  # masking not installed: format the traceback here
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = mask_identity_runs(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask_identity_runs(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our stderr handler on the root logger (a class of its own, so installing twice adds it once)."""


def _root_handler(json_lines: bool) -> None:
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if isinstance(handler, ConsoleHandler)]
    if not root.handlers:
        handler = ConsoleHandler(sys.stderr)
        root.addHandler(handler)
        ours = [handler]
    for handler in ours:
        handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))


def install_log_format(settings: Settings) -> None:
    """Set the app's loggers up and, for LOG_FORMAT=json, the servers' handlers too (idempotent)."""
    app_logger = logging.getLogger(APP_LOGGER)
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    json_lines = settings.log_format == "json"
    _root_handler(json_lines)
    if not json_lines:
        return  # the servers' own text formats stay as they are
    for name in SERVER_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if type(handler) is logging.StreamHandler and not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(JsonFormatter())
