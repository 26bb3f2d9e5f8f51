"""Programme pages over HTTP: the admin's band form refuses a period already begun and takes the next one (which
changes nothing for the period under way); the district records a member and decides the suspension review with
CSRF; roles without the permission are refused; the page's counts read the same tables."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import (
    DtksStatus,
    MembershipStatus,
    Programme,
    ProgrammeBand,
    ProgrammeMembership,
    ProgrammeReview,
    Role,
)
from models.dates import today_in_indonesia
from models.periods import next_period, period_of
from tests.console.form_posts import create, delete_refusal, edit
from tests.console.form_posts import delete as delete_row
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import DEFAULT_VILLAGE, make_household

PAGE = "/admin/programme-review"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def seeded_bands_only(db_session: Session) -> Iterator[None]:
    """The bands the migration seeded stay as they were after the test (the table is kept between tests)."""
    seeded = set(db_session.scalars(select(ProgrammeBand.id)))
    db_session.rollback()
    yield
    db_session.rollback()
    db_session.execute(delete(ProgrammeBand).where(ProgrammeBand.id.not_in(seeded)))
    db_session.commit()


def _pkh(session: Session) -> Programme:
    return session.scalars(select(Programme).where(Programme.code == "PKH")).one()


def test_the_admin_sets_a_band_for_the_next_period_only(
    client: ConsoleClient, db_session: Session, seeded_bands_only: None
) -> None:
    current = period_of(today_in_indonesia())
    pkh = _pkh(db_session)
    log_in_as_new_user(client, db_session, Role.ADMIN, None)
    form = {"programme": str(pkh.id), "min_desil": "1", "max_desil": "3", "basis": "Kepmensos (uji)"}

    refused = create(client, "programme-band", {**form, "effective_period": current})
    assert refused.status_code == 400 and "sudah berjalan atau lewat" in refused.text
    done = create(client, "programme-band", {**form, "effective_period": next_period(current)})
    assert done.status_code == 302

    db_session.expire_all()
    bands = {(band.effective_period, band.max_desil) for band in db_session.scalars(select(ProgrammeBand))
             if band.programme_id == pkh.id}  # fmt: skip
    assert bands == {("2025-04", 4), (next_period(current), 3)}


def test_the_district_records_a_member_and_decides_its_review(client: ConsoleClient, db_session: Session) -> None:
    period = period_of(today_in_indonesia())
    ranked_5 = make_household(db_session, members=1, dtks_status=DtksStatus.REGISTERED, desil=5, period="2025-04")
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    member = {"programme": str(_pkh(db_session).id), "household": str(ranked_5.id), "period": period,
              "status": "aktif"}  # fmt: skip
    assert create(client, "programme-membership", member).status_code == 302
    membership = db_session.scalars(select(ProgrammeMembership)).one()
    assert membership.region_code == DEFAULT_VILLAGE  # copied from the household

    page = client.get(PAGE, params={"period": period})
    assert page.status_code == 200
    assert f'data-membership="{membership.id}"' in page.text
    assert 'data-programme="PKH"' in page.text
    token = _FORM_TOKEN.search(page.text)
    assert token is not None
    decided = client.post(
        f"{PAGE}/{membership.id}",
        data={"csrf_token": token.group(1), "period": period, "decision": "tangguhkan", "note": "Cek lapangan"},
    )
    assert decided.status_code == 200 and "Keputusan tinjauan dicatat" in decided.text
    db_session.expire_all()
    assert db_session.get_one(ProgrammeMembership, membership.id).status == MembershipStatus.SUSPENDED
    again = client.post(
        f"{PAGE}/{membership.id}", data={"csrf_token": token.group(1), "period": period, "decision": "hentikan"}
    )
    assert again.status_code == 409 and "sudah diputuskan" in again.text
    assert db_session.scalar(select(func.count()).select_from(ProgrammeReview)) == 1


def test_readers_see_the_review_but_may_not_decide(client: ConsoleClient, db_session: Session) -> None:
    log_in_as_new_user(client, db_session, Role.KABID, "52.72")
    page = client.get(PAGE)
    assert page.status_code == 200 and 'id="review-list"' in page.text
    refused = client.post(f"{PAGE}/1", data={"decision": "hentikan"}, headers={"Origin": "http://testserver"})
    assert refused.status_code in (400, 403)
    assert client.get(PAGE, params={"period": "2026-11"}).status_code == 400


def test_a_village_operator_has_no_programme_pages(client: ConsoleClient, db_session: Session) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    assert client.get(PAGE).status_code == 403
    assert client.get("/admin/programme-band/list").status_code == 403


def test_a_band_in_force_cannot_be_deleted_or_edited(
    client: ConsoleClient, db_session: Session, seeded_bands_only: None
) -> None:
    seeded = db_session.scalars(select(ProgrammeBand).where(ProgrammeBand.effective_period == "2025-04")).first()
    assert seeded is not None
    log_in_as_new_user(client, db_session, Role.ADMIN, None)
    refusal = delete_refusal(delete_row(client, "programme-band", seeded.id))
    assert refusal is not None and "sudah berjalan atau lewat" in refusal
    form = {"programme": str(seeded.programme_id), "effective_period": "2025-04", "min_desil": "1", "max_desil": "9",
            "basis": "diubah"}  # fmt: skip
    edited = edit(client, "programme-band", seeded.id, form)
    assert edited.status_code == 400 and "sudah berjalan atau lewat" in edited.text
    db_session.expire_all()
    assert db_session.get_one(ProgrammeBand, seeded.id).max_desil == seeded.max_desil
