"""A decree typed on its form: an SK Penetapan names its period, a region code names a region (trimmed)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from chain.decrees import fit_decree_fields
from models import DecreeKind
from models.refusals import Invalid


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ({"kind": DecreeKind.MINISTRY_DETERMINATION, "period": "", "region_code": ""}, "wajib memiliki periode"),
        ({"kind": DecreeKind.DISTRICT_RATIFICATION, "region_code": "52.99"}, "52.99 tidak ditemukan"),
    ],
    ids=["a-determination-without-a-period", "a-region-that-does-not-exist"],
)
def test_a_decree_form_that_breaks_a_rule_is_refused(
    entered: dict[str, Any], message: str, db_session: Session
) -> None:
    with pytest.raises(Invalid, match=message):
        fit_decree_fields(db_session, entered)


def test_a_decree_forms_region_code_is_kept_trimmed(db_session: Session) -> None:
    entered: dict[str, Any] = {"kind": DecreeKind.DISTRICT_RATIFICATION, "region_code": " 52.72 "}
    fit_decree_fields(db_session, entered)
    assert entered["region_code"] == "52.72"
