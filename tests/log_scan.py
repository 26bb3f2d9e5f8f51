"""The log of the whole test run, scanned for identity numbers (docs/SECURITY.md: no NIK or No. KK in any log).

`LogScan` is a handler on the root logger at DEBUG for the whole session (tests/conftest.py installs it
before the first test): it formats every record as a server's handler would, traceback and stack included,
and keeps the ones that still hold a run of 16 digits, with the test that was running. At the end of the
session any such record fails the run (exit status 1) and the first ones are printed.

It scans each record when it is emitted instead of keeping the whole run's text: the same check, and the
memory stays flat over 5,000+ tests. pytest's caplog sees only what reaches it during one test phase; this
handler sees the session, the browser tests' uvicorn thread included (it also sits on uvicorn's own
loggers, which no longer propagate to the root once a live server has configured logging; that
configuration removes their handlers, so the scan attaches again before each test's call and teardown).

The root logger is set to DEBUG so that INFO and DEBUG records are made and scanned too, except SQLAlchemy's
statement log (its INFO is one record per statement and row: the run would take minutes longer);
tests/console/test_refusal_log_lines.py turns it on for the statements of a refused save instead.
Numbers the tests control that could look like one: request ids are uuid4 (at most 12 digits in a row), file
digests are hex (masked by the console like any other run of 16 digits, so never left unmasked).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

SIXTEEN_DIGITS = re.compile(r"\d{16}")
KEPT_LEAKS = 20
QUIET_LOGGERS = {"sqlalchemy": logging.WARNING}
# Loggers that stop propagating to the root once uvicorn has configured logging (a browser test's server).
NON_PROPAGATING = ("uvicorn", "uvicorn.access")
FORMAT = "%(levelname)s %(name)s: %(message)s"


@dataclass
class Leak:
    test: str
    text: str


class LogScan(logging.Handler):
    """Counts the records of the run and keeps the first ones that hold a 16-digit number."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter(FORMAT))
        self.scanned = 0
        self.leaked = 0
        self.leaks: list[Leak] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "dtks_scanned", False):
            return  # seen already on the way up (uvicorn's loggers before uvicorn configures them)
        record.dtks_scanned = True
        text = self.format(record)
        self.scanned += 1
        if SIXTEEN_DIGITS.search(text):
            self.leaked += 1
            if len(self.leaks) < KEPT_LEAKS:
                self.leaks.append(Leak(os.environ.get("PYTEST_CURRENT_TEST", "(between tests)"), text))

    def install(self) -> None:
        root = logging.getLogger()
        root.setLevel(logging.DEBUG)
        for name, level in QUIET_LOGGERS.items():
            logging.getLogger(name).setLevel(level)
        root.addHandler(self)
        self.reattach()

    def reattach(self) -> None:
        """Sit on uvicorn's loggers again: its logging configuration removes their handlers (call per test)."""
        for name in NON_PROPAGATING:
            logger = logging.getLogger(name)
            if self not in logger.handlers:
                logger.addHandler(self)

    def report(self) -> list[str]:
        lines = [f"log scan: {self.scanned} records, {self.leaked} with a 16-digit number"]
        for leak in self.leaks:
            lines += [f"--- in {leak.test}:", leak.text[:2000]]
        return lines


class LogLines(logging.Handler):
    """The formatted records of one test (the `log_lines` fixture), tracebacks included."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter(FORMAT))
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))

    def clear(self) -> None:
        self.lines.clear()
        self.records.clear()
