"""An operator, in a real browser: log in, record a household with its head, find it again by NIK."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import FamilyRelation, Household, Member, Role
from tests.browser.page_helpers import choose_in_select2, set_date
from tests.factories import DEFAULT_PASSWORD, make_user, next_nik, next_no_kk

pytestmark = pytest.mark.browser

VILLAGE = "52.72.01.1001"


def test_operator_records_a_household_with_its_head_and_finds_it_by_nik(
    live_server: str,
    browser_page,
    db_session: Session,  # noqa: ANN001
) -> None:
    make_user(db_session, Role.OPERATOR_DESA, VILLAGE, username="operator_uji")
    db_session.commit()
    page = browser_page
    birth_date = date(1984, 8, 17)
    nik = next_nik(VILLAGE[:8], birth_date, is_female=True)
    no_kk = next_no_kk(VILLAGE[:8])

    page.goto(f"{live_server}/admin/")
    assert "Masuk" in page.content()
    page.fill("input[name=username]", "operator_uji")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/")

    page.goto(f"{live_server}/admin/household/create")
    choose_in_select2(page, "region", "52.72.01.1001", "52.72.01.1001")
    page.fill("#no_kk", no_kk)
    page.fill("#address", "Jl. Gajah Mada No. 7")
    page.fill("#rt", "003")
    page.fill("#rw", "001")
    page.fill("#head_nik", nik)
    page.fill("#head_name", "Nurhayati binti Abdullah")
    page.select_option("#head_sex", "P")
    page.fill("#head_birth_place", "Bima")
    set_date(page, "head_birth_date", birth_date)
    page.fill("#head_mother_name", "Siti Maryam")
    page.click("input[type=submit][value=Simpan]")
    page.wait_for_url(f"{live_server}/admin/household/list*")

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
