"""The few named refusals of the chain: every rule that says no raises one of these four.

Each carries a message in Bahasa Indonesia that the official can act on; `Invalid` also names the fields.
Callers map them in one place: the console to 404 / 403 / 409 / 400 (console/refusals.py), the CLI to an
exit status. They are `ValueError`s, so code that only needs "the input was refused" may catch that.
"""

from __future__ import annotations

from collections.abc import Mapping


class Refusal(ValueError):
    """Something the chain will not do; nothing was changed. `str(refusal)` is the official's message."""

    default_message = "Permintaan ini tidak dapat diproses."

    def __init__(self, message: str = "", *, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.fields: dict[str, str] = dict(fields or {})

    @property
    def message(self) -> str:
        return str(self)


class NotFound(Refusal):
    """The record does not exist or lies outside the actor's region: both look the same from outside."""

    default_message = "Data tidak ditemukan atau berada di luar wilayah tugas Anda."


class NotAllowed(Refusal):
    """The actor's role may not take this action (the casbin rules, policies/)."""

    default_message = "Peran Anda tidak berwenang melakukan tindakan ini."


class Conflict(Refusal):
    """The record's state does not allow the action now: out of order, decided, or changed by someone else."""

    default_message = "Tindakan ini tidak dapat dilakukan pada keadaan data saat ini."


class Invalid(Refusal):
    """The input is wrong; `fields` maps each wrong field to its message (may be empty for the whole form)."""

    default_message = "Isian tidak valid. Periksa kembali isian Anda."
