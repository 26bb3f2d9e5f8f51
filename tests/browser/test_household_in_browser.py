"""An operator, in a real browser: log in, record a household with its head, find it again by NIK."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import FamilyRelation, Household, Member, Role
from tests.browser.page_helpers import log_in_as_new_user, record_household
from tests.factories import next_nik, next_no_kk

pytestmark = pytest.mark.browser

VILLAGE = "52.72.01.1001"


def test_operator_records_a_household_with_its_head_and_finds_it_by_nik(
    live_server: str,
    browser_page,
    db_session: Session,  # noqa: ANN001
) -> None:
    page = browser_page
    birth_date = date(1984, 8, 17)
    nik = next_nik(VILLAGE[:8], birth_date, is_female=True)
    no_kk = next_no_kk(VILLAGE[:8])
    log_in_as_new_user(page, live_server, db_session, Role.OPERATOR_DESA, VILLAGE, "operator_uji")

    head = {"head_nik": nik, "head_name": "Nurhayati binti Abdullah", "head_sex": "P", "head_birth_place": "Bima"}
    household = {"no_kk": no_kk, "address": "Jl. Gajah Mada No. 7", "rt": "003", "rw": "001", **head}
    record_household(page, live_server, VILLAGE, {**household, "head_mother_name": "Siti Maryam"}, birth_date)

    page.fill("#search-input", nik)
    page.click("#dtks-search-button")  # a POST form: the NIK stays out of the URL (console/search.py)
    page.wait_for_url("**search=*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert no_kk in rows.first.inner_text()
    assert "Nurhayati binti Abdullah" in rows.first.inner_text()

    household = db_session.scalar(select(Household).where(Household.no_kk == no_kk))
    assert household is not None and household.region_code == VILLAGE
    head = db_session.scalar(select(Member).where(Member.nik == nik))
    assert head is not None
    assert head.household_id == household.id
    assert head.family_relation == FamilyRelation.HEAD
    assert head.birth_date == birth_date
