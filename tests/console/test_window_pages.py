"""Jadwal Usulan and the regent's review over HTTP: the district fills and edits its year's windows (bad dates refused,
nothing kept), the proposal list's Tenggat follows them, other regencies' windows stay out of sight, and the SK page
records the regent's review that a DTSEN signature waits for."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import DecreeReview, ProposalStatus, ProposalWindow, Role
from models.dates import today_in_indonesia
from models.periods import period_of
from models.windows import default_window, month_of
from tests.console.form_posts import create, edit
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import DEFAULT_VILLAGE, make_decree, make_proposal

LIST = "/admin/proposal-window/list"


def _windows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ProposalWindow)) or 0


def _form(window: ProposalWindow, **changes: str) -> dict[str, str]:
    fields = {
        "regency_code": window.regency_code,
        "month": window.month,
        **{
            name: f"{getattr(window, name):%Y-%m-%d}"
            for name in ("musdes_opens", "musdes_closes", "input_opens", "input_closes", "result_date")
        },
    }
    return {**fields, **changes}


def test_the_district_fills_its_year_and_edits_a_month_and_bad_dates_change_nothing(
    client: ConsoleClient, db_session: Session
) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = client.get(LIST)
    assert page.status_code == 200 and "Isi jadwal setahun" in page.text and 'value="52.72"' in page.text

    filled = client.post("/admin/proposal-window/fill-year", data={"regency_code": "52.72", "year": "2027"})
    assert filled.status_code == 200 and "12 bulan jadwal usulan dibuat" in filled.text
    assert _windows(db_session) == 12
    again = client.post("/admin/proposal-window/fill-year", data={"regency_code": "52.72", "year": "2027"})
    assert "0 bulan jadwal usulan dibuat" in again.text
    elsewhere = client.post("/admin/proposal-window/fill-year", data={"regency_code": "52.71", "year": "2027"})
    assert elsewhere.status_code == 404 and _windows(db_session) == 12  # out of scope: as absent
    for year in ("27", "abcd", "1999"):
        client.post("/admin/proposal-window/fill-year", data={"regency_code": "52.72", "year": year})
    assert _windows(db_session) == 12

    march = db_session.get_one(ProposalWindow, ("52.72", "2027-03"))
    pk = "52.72;2027-03"
    refused = edit(client, "proposal-window", pk, _form(march, musdes_closes="2027-04-02"))
    assert refused.status_code == 400 and "harus di dalam bulan 2027-03" in refused.text
    refused = edit(client, "proposal-window", pk, _form(march, result_date="2027-03-05"))
    assert refused.status_code == 400 and "tidak boleh sebelum input ditutup" in refused.text
    db_session.expire_all()
    assert db_session.get_one(ProposalWindow, ("52.72", "2027-03")).musdes_closes == date(2027, 3, 14)

    assert edit(client, "proposal-window", pk, _form(march, input_closes="2027-03-09")).status_code == 302
    db_session.expire_all()
    assert db_session.get_one(ProposalWindow, ("52.72", "2027-03")).input_closes == date(2027, 3, 9)

    other = create(client, "proposal-window", _form(default_window("52.71", "2027-03")))
    assert other.status_code == 400 and "di luar wilayah tugas" in other.text
    assert _windows(db_session) == 12


def test_others_see_only_their_regencys_windows_and_readers_cannot_fill(
    client: ConsoleClient, db_session: Session
) -> None:
    db_session.add_all([default_window("52.72", "2027-01"), default_window("52.71", "2027-01")])
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.KABID, "52.71")
    page = client.get(LIST)
    assert page.status_code == 200 and "Isi jadwal setahun" not in page.text
    assert "52.71" in page.text and "52.72" not in page.text.split("<tbody>", 1)[-1]
    assert client.get("/admin/proposal-window/details/52.72;2027-01").status_code == 404
    refused = client.post("/admin/proposal-window/fill-year", data={"regency_code": "52.71", "year": "2028"})
    assert refused.status_code in (200, 403) and _windows(db_session) == 2


def test_the_village_sees_the_window_close_as_its_drafts_deadline(client: ConsoleClient, db_session: Session) -> None:
    today = today_in_indonesia()
    month = month_of(today + timedelta(days=40))
    window = default_window("52.72", month)
    db_session.add(window)
    draft = make_proposal(db_session, ProposalStatus.DRAFT, status_changed_at=datetime.now(UTC).replace(microsecond=0))
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    page = client.get("/admin/proposal/list").text
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    row = next(row for row in rows if f"/admin/proposal/details/{draft.id}" in row)
    # The only window kept closes after today: the draft is due at its input close, not after one working day.
    assert f"{window.input_closes:%d-%m-%Y}" in row and "Terlambat" not in row


def test_the_sk_page_records_the_regents_review_with_csrf_and_refuses_a_bad_one(
    client: ConsoleClient, db_session: Session
) -> None:
    decree = make_decree(db_session)
    accepted = make_proposal(db_session, ProposalStatus.ACCEPTED)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    assert client.post(f"/admin/decree/annex/{decree.id}/add", data={"proposal": str(accepted.id)}).status_code == 200
    page = client.get(f"/admin/decree/annex/{decree.id}").text
    assert 'id="review-form"' in page and "Belum ada tinjauan" in page

    today = f"{today_in_indonesia():%Y-%m-%d}"
    bad = {"reviewed_on": today, "reviewer_name": "H. Muhammad Lutfi", "reviewer_title": "Wali Kota Bima",
           "outcome": "perbaikan", "note": ""}  # fmt: skip
    refused = client.post(f"/admin/decree/annex/{decree.id}/review", data=bad)
    assert refused.status_code == 409 and "Sebutkan perbaikan" in refused.text
    assert db_session.scalar(select(func.count()).select_from(DecreeReview)) == 0

    with client.without_csrf() as bare:
        no_token = bare.post(f"/admin/decree/annex/{decree.id}/review", data={**bad, "outcome": "setuju"})
    assert no_token.status_code == 403
    assert db_session.scalar(select(func.count()).select_from(DecreeReview)) == 0

    done = client.post(f"/admin/decree/annex/{decree.id}/review", data={**bad, "outcome": "setuju"})
    assert done.status_code == 200 and "Tinjauan Bupati/Walikota tercatat" in done.text
    assert 'id="review-history"' in done.text and "Disetujui untuk ditandatangani" in done.text
    assert "Daftar yang sekarang telah disetujui" in done.text


def test_the_ranking_page_says_when_the_quarters_result_is_due_and_marks_it_late(
    client: ConsoleClient, db_session: Session
) -> None:
    period = period_of(today_in_indonesia())
    window = default_window("52.72", period)
    window.input_closes = window.musdes_opens
    window.result_date = window.musdes_opens  # the first of the quarter: past (or today) whenever the test runs
    db_session.add(window)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    shown = re.search(r'<p id="ranking-schedule">(.*?)</p>', client.get("/admin/ranking").text, re.S)
    assert shown is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", shown.group(1)).split())
    assert f"periode {period}: dijadwalkan {window.result_date:%d-%m-%Y}" in text
    late = today_in_indonesia() > window.result_date
    assert ("Terlambat" if late else "belum diimpor") in text
