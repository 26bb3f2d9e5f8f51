"""A letter or SK the chain writes itself (the SK Penetapan, the province's cover letter) and its fields' rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table

from models import Decree
from models.dates import checked_date
from models.text import checked_text
from models.workflow import TransitionRefused

DECREE = cast(Table, Decree.__table__).c


@dataclass(frozen=True)
class Letter:
    """A letter as typed: its number, date and signer."""

    number: str
    dated: date | None
    signer_name: str
    signer_title: str = ""

    def trimmed(self) -> Letter:
        return Letter(self.number.strip(), self.dated, self.signer_name.strip(), self.signer_title.strip())

    def missing(self) -> list[str]:
        """The labels of what a letter needs and this one lacks (nomor, tanggal, penandatangan)."""
        present = (("nomor", self.number), ("tanggal", self.dated), ("penandatangan", self.signer_name))
        return [label for label, value in present if not value]


def check_letter(letter: Letter) -> None:
    """Refuse (TransitionRefused, a Conflict) a number, signer or date the decree's columns would not hold."""
    checked_text(DECREE.number, letter.number, "Nomor", TransitionRefused)
    checked_text(DECREE.signer_name, letter.signer_name, "Penandatangan", TransitionRefused)
    checked_text(DECREE.signer_title, letter.signer_title, "Jabatan penandatangan", TransitionRefused)
    if letter.dated is not None:
        checked_date(DECREE.decree_date, letter.dated, "Tanggal", TransitionRefused)
