"""An operator types a NIK and a No. KK of an unknown kecamatan and sees the warning under the field before saving."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Household, Member, Role, Sex
from tests.browser.page_helpers import log_in_as_new_user
from tests.factories import make_household, make_member, next_nik, next_no_kk

pytestmark = pytest.mark.browser

VILLAGE = "52.72.01.1001"
UNKNOWN_KECAMATAN = "52.72.09"  # Kota Bima has five kecamatan
SIXTEEN_DIGITS = re.compile(r"\d{16}")
WARNING = "tidak ada dalam daftar wilayah saat ini"


def _feedback(page, field_id: str):  # noqa: ANN001, ANN202
    return page.locator(f"#{field_id} + .dtks-identity-feedback")


def test_the_household_form_warns_of_an_unknown_kecamatan_as_it_is_typed_before_saving(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
    tmp_path: Path,
) -> None:
    page = browser_page
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    no_kk = next_no_kk(UNKNOWN_KECAMATAN)
    nik = next_nik(UNKNOWN_KECAMATAN, date(1984, 8, 17), is_female=True)
    log_in_as_new_user(page, live_server, db_session, Role.OPERATOR_DESA, VILLAGE, "operator_peramban")

    page.goto(f"{live_server}/admin/household/create")
    page.type("#no_kk", no_kk)  # key by key, as an official types: the check runs once 16 digits are in
    page.type("#head_nik", nik)
    page.type("#head_name", "Nurhayati")
    page.wait_for_selector("#head_nik + .dtks-identity-feedback .text-warning")

    no_kk_warning = _feedback(page, "no_kk").inner_text()
    nik_warning = _feedback(page, "head_nik").inner_text()
    assert f"Kode kecamatan {UNKNOWN_KECAMATAN} di No. KK {WARNING}" in no_kk_warning
    assert f"Kode kecamatan {UNKNOWN_KECAMATAN} di NIK {WARNING}" in nik_warning
    page.screenshot(path=str(tmp_path / "live-identity-warning.png"), full_page=True)

    page.fill("#head_nik", "")
    page.type("#head_nik", "9972011708750001")  # a province that never existed: refused, shown in red
    page.wait_for_selector("#head_nik + .dtks-identity-feedback .text-danger")
    assert "bukan kode provinsi" in _feedback(page, "head_nik").inner_text()
    assert _feedback(page, "head_nik").locator(".text-warning").count() == 0

    assert page.url == f"{live_server}/admin/household/create"  # still on the form: nothing saved
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Household)) == 0
    assert [url for url in urls if SIXTEEN_DIGITS.search(url)] == []


def test_the_member_form_warns_of_an_unknown_kecamatan_when_the_nik_field_is_left(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
) -> None:
    make_household(db_session, region_code=VILLAGE)
    db_session.commit()
    page = browser_page
    nik = next_nik(UNKNOWN_KECAMATAN, date(2001, 2, 3), is_female=False)
    log_in_as_new_user(page, live_server, db_session, Role.OPERATOR_DESA, VILLAGE, "operator_anggota")

    page.goto(f"{live_server}/admin/member/create")
    page.fill("#nik", nik)  # pasted at once: the check runs when the field is left
    page.click("#name")
    page.wait_for_selector("#nik + .dtks-identity-feedback .text-warning")

    assert f"Kode kecamatan {UNKNOWN_KECAMATAN} di NIK {WARNING}" in _feedback(page, "nik").inner_text()
    db_session.expire_all()
    assert db_session.scalar(select(Member).where(Member.nik == nik)) is None


def test_an_edit_form_opens_with_the_warning_of_the_stored_nik(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
) -> None:
    household = make_household(db_session, region_code=VILLAGE)
    born = date(2003, 4, 5)
    nik = next_nik(UNKNOWN_KECAMATAN, born, is_female=True)
    member = make_member(db_session, household, nik=nik, sex=Sex.FEMALE, birth_date=born)
    db_session.commit()
    page = browser_page
    log_in_as_new_user(page, live_server, db_session, Role.OPERATOR_DESA, VILLAGE, "operator_ubah")

    page.goto(f"{live_server}/admin/member/edit/{member.id}")
    page.wait_for_selector("#nik + .dtks-identity-feedback .text-warning")

    assert f"Kode kecamatan {UNKNOWN_KECAMATAN} di NIK {WARNING}" in _feedback(page, "nik").inner_text()
