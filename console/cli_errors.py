"""How the command line answers a user's mistake: a message and exit 2, never a traceback (console/cli.py)."""

from __future__ import annotations

import json
import sys

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError


class CommandRefused(Exception):
    """A user's mistake (a missing folder, an unknown region, nothing to export): its message, exit 2."""


def refused(refusal: Exception, *, as_json: bool = False) -> int:
    """The one answer to a refusal (CommandRefused, or the core's NotAllowed / Conflict / Invalid): exit 2.

    Its Indonesian message on stderr, or with `--json` one object `{"error": message}` on stdout.
    """
    if as_json:
        print(json.dumps({"error": str(refusal)}, ensure_ascii=False))
    else:
        print(refusal, file=sys.stderr)
    return 2


def settings_problem(error: ValidationError) -> str:
    """Which settings are wrong and why, in Indonesian; never their values (SECRET_KEY is one of them)."""
    lines = ["Pengaturan tidak valid (.env atau variabel lingkungan; lihat .env.example):"]
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"]).upper()
        reason = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"  {key}: {reason}" if key else f"  {reason}")
    return "\n".join(lines)


def database_problem(error: OperationalError, database_url: str) -> str:
    """One line: which database (password hidden) and the first line of the driver's reason."""
    url = make_url(database_url).render_as_string(hide_password=True)
    reasons = [line.strip() for line in str(error.orig or error).splitlines() if line.strip()]
    return f"Basis data {url} tidak dapat dipakai: {reasons[0] if reasons else type(error).__name__}"
