"""A period the ministry may still work on: a quarter (models/periods.py) without a signed SK Penetapan."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.finality import PERIOD_DETERMINED
from models.finality_rows import Facts
from models.periods import parse_period
from models.workflow import TransitionRefused


def open_period(session: Session, typed: str | None) -> str:
    """The period typed; Invalid when it is no quarter, a Conflict when its SK Penetapan is signed (final)."""
    period = parse_period(typed)
    if Facts(session).period_determined(period):
        raise TransitionRefused(PERIOD_DETERMINED.format(period=period))
    return period
