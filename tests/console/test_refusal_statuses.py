"""console/refusals.py: every refusal of the core, and the write guards' refusals, answer one HTTP status."""

from __future__ import annotations

import pytest

from console.refusals import status_of
from models.finality import RecordFixed
from models.refusals import Conflict, Invalid, NotAllowed, NotFound, Refusal
from models.workflow import TransitionRefused
from policies.scope import OutOfScope


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (NotFound(), 404),
        (NotAllowed(), 403),
        (Conflict(), 409),
        (Invalid(fields={"nik": "NIK harus 16 digit angka."}), 400),
        (Refusal(), 400),
        (TransitionRefused("Status usulan tidak sesuai."), 409),
        (RecordFixed("Usulan ini sudah masuk SK."), 409),
        # The flush guard's "row outside your region" is a refused change like any conflict, not a crash.
        (OutOfScope("Wilayah 35 berada di luar wilayah tugas Anda (52.72)."), 409),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_refusal_has_one_status(refusal: Refusal, status: int) -> None:
    assert status_of(refusal) == status
    assert str(refusal)  # every refusal carries a message for the official
