"""The fields typed for a letter or SK the chain writes itself: the decree columns' text and date rules."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import Table

from models import Decree
from models.dates import checked_date
from models.text import checked_text
from models.workflow import TransitionRefused

DECREE = cast(Table, Decree.__table__).c


def check_letter(number: str, letter_date: date | None, signer_name: str, signer_title: str) -> None:
    """Refuse (TransitionRefused, a Conflict) a number, signer or date the decree's columns would not hold."""
    checked_text(DECREE.number, number, "Nomor", TransitionRefused)
    checked_text(DECREE.signer_name, signer_name, "Penandatangan", TransitionRefused)
    checked_text(DECREE.signer_title, signer_title, "Jabatan penandatangan", TransitionRefused)
    if letter_date is not None:
        checked_date(DECREE.decree_date, letter_date, "Tanggal", TransitionRefused)
