"""The whole chain through HTTP in the DTSEN mode, one official of each tier clicking in turn (issue 12).

Two families are proposed in the village's Musdes, verified (groundcheck), ratified by the Wali Kota's SK and
forwarded; the ministry imports the BPS ranking file: one family is ranked desil 6 and received, the other's head
is no longer active at Dukcapil and its proposal returns to the village with that reason. The SK Penetapan
registers the ranked family with its desil (6, above the DTKS cut-off: no cut-off in the DTSEN mode). The village
proposes the rejected family again; the new draft goes through the next Musdes, verval, a second SK and the next
quarter's ranking file, and is determined. Every step is what the official's page offers, with its CSRF token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from console.app import create_app
from models import (
    DtksStatus,
    Household,
    HouseholdPeriod,
    Proposal,
    ProposalResubmission,
    RankingResult,
    RankingStatus,
    RequestStatus,
    ResidentRequest,
    Role,
)
from tests.conftest import settings_for
from tests.console.chain_cast import VILLAGE, Cast, full_name, history, status_shown, stored, workflow_page
from tests.console.form_posts import create, edit
from tests.console.test_chain_scenario import (
    DINSOS,
    GROUND_CHECK,
    OPERATOR_DESA,
    PENDATA,
    POOR_HOUSE,
    PUSDATIN,
    UPWARDS_PATH,
    VILLAGE_PATH,
    expected_history,
    operator_proposes,
    operator_registers_a_family,
    through_the_village,
    up_to_the_ministry,
)
from tests.factories import make_household
from tests.ranking_files import ranking_bytes, row_of

FIRST, NEXT = "2026-10", "2027-01"
# The village's path with the pendamping PKH's groundcheck in place of the verval enumerator's visit.
GROUND_CHECK_PATH = [
    (start, end, Role.PENDAMPING_PKH if role is PENDATA else role) for start, end, role in VILLAGE_PATH
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def cast(
    database_url: str, engine: Engine, regions: frozenset[str], tmp_path: Path, db_session: Session
) -> Iterator[Cast]:
    app = create_app(settings_for(database_url, tmp_path, register_mode="DTSEN"))
    officials = Cast(app, db_session)
    yield officials
    officials.close()


def pusdatin_imports_the_ranking(cast: Cast, period: str, data: bytes) -> str:
    """pusdatin: Kementerian > Hasil Pemeringkatan, the period and the BPS file."""
    client = cast[PUSDATIN]
    page = client.get("/admin/ranking")
    assert page.status_code == 200 and 'id="mode-note"' not in page.text  # the DTSEN mode: no DTKS note
    token = _FORM_TOKEN.search(page.text)
    assert token is not None
    done = client.post(
        "/admin/ranking/impor",
        data={"csrf_token": token.group(1), "period": period},
        files={"sheet": ("hasil-bps.xlsx", data, XLSX)},
    )
    assert done.status_code == 200, done.text
    return done.text


def pusdatin_issues_the_sk_penetapan(cast: Cast, period: str, number: str) -> str:
    desk = cast[PUSDATIN].get("/admin/pmt-model/desk").text
    assert 'id="dtsen-ranking"' in desk and "Jalankan PMT" not in desk
    sk = {"period": period, "number": number, "decree_date": "2026-10-20", "signer_name": "Menteri Sosial",
          "signer_title": "Menteri Sosial RI"}  # fmt: skip
    response = cast[PUSDATIN].post("/admin/pmt-model/desk/determine", data=sk)
    assert response.status_code == 200
    return response.text


def test_dtsen_a_ranked_family_is_determined_and_a_rejected_one_comes_back_through_the_next_musdes(
    cast: Cast, db_session: Session
) -> None:
    ranked_family = operator_registers_a_family(cast, db_session, "Syamsuddin")
    inactive_family = operator_registers_a_family(cast, db_session, "Abdul Gani", children=0)
    ranked = operator_proposes(cast, db_session, ranked_family)
    inactive = operator_proposes(cast, db_session, inactive_family)
    through_the_village(cast, db_session, {ranked: ranked_family, inactive: inactive_family}, ground_check=True)
    up_to_the_ministry(cast, db_session, [ranked, inactive], "188.45/401/2026", regent_reviews=True)

    data = ranking_bytes([row_of(ranked_family, 6, "Padan"), row_of(inactive_family, status="NIK tidak aktif")])
    outcome = pusdatin_imports_the_ranking(cast, FIRST, data)

    assert "Usulan diteruskan: 1 diterima, 1 ditolak" in outcome
    assert status_shown(cast[OPERATOR_DESA], ranked) == "Diterima Pusdatin"
    assert status_shown(cast[OPERATOR_DESA], inactive) == "Ditolak Pusdatin"
    rejected_page = workflow_page(cast[OPERATOR_DESA], inactive).text
    assert "NIK tidak aktif di Dukcapil (hasil pemeringkatan BPS periode 2026-10)" in rejected_page
    assert "146/HUK/2026: 1 ditetapkan" in pusdatin_issues_the_sk_penetapan(cast, FIRST, "146/HUK/2026")
    household = stored(db_session, Household, ranked_family.id)
    assert (household.dtks_status, household.desil, household.period) == (DtksStatus.REGISTERED, 6, FIRST)
    assert status_shown(cast[OPERATOR_DESA], ranked) == "Ditetapkan"
    assert history(db_session, ranked)[-2:] == [
        ("forwarded", "received", full_name(PUSDATIN)),
        ("received", "determined", full_name(PUSDATIN)),
    ]

    # The loop: the village proposes the family again, from the rejected proposal's page.
    token = _FORM_TOKEN.search(rejected_page)
    assert token is not None and 'id="resubmit-form"' in rejected_page
    opened = cast[OPERATOR_DESA].post(f"/admin/proposal/resubmit/{inactive}", data={"csrf_token": token.group(1)})
    assert opened.status_code == 200 and 'id="resubmission-of"' in opened.text
    again = db_session.scalars(select(ProposalResubmission)).one().proposal_id
    assert status_shown(cast[OPERATOR_DESA], again) == "Draf"
    through_the_village(cast, db_session, {again: inactive_family}, ground_check=True)  # the next Musdes, groundcheck
    up_to_the_ministry(cast, db_session, [again], "188.45/455/2026", regent_reviews=True)
    pusdatin_imports_the_ranking(cast, NEXT, ranking_bytes([row_of(inactive_family, 2, "Valid")]))
    assert "1 ditetapkan" in pusdatin_issues_the_sk_penetapan(cast, NEXT, "12/HUK/2027")

    assert status_shown(cast[OPERATOR_DESA], again) == "Ditetapkan"
    readmitted = stored(db_session, Household, inactive_family.id)
    assert (readmitted.dtks_status, readmitted.desil, readmitted.period) == (DtksStatus.REGISTERED, 2, NEXT)
    results = db_session.execute(
        select(RankingResult.period, RankingResult.status, RankingResult.desil)
        .where(RankingResult.household_id == inactive_family.id)
        .order_by(RankingResult.period)
    ).all()
    assert results == [(FIRST, RankingStatus.NIK_INACTIVE, None), (NEXT, RankingStatus.RANKED, 2)]
    standings = db_session.execute(
        select(HouseholdPeriod.period, HouseholdPeriod.desil).where(HouseholdPeriod.household_id == ranked_family.id)
    ).all()
    assert standings == [(FIRST, 6)]
    rejected_path = [("forwarded", "rejected_ministry", PUSDATIN)]
    assert history(db_session, inactive) == expected_history(GROUND_CHECK_PATH, UPWARDS_PATH[:-1], rejected_path)
    reopened = [("", "draft", OPERATOR_DESA)]
    determined = [("received", "determined", PUSDATIN)]
    assert history(db_session, again) == expected_history(reopened, GROUND_CHECK_PATH, UPWARDS_PATH, determined)


def test_dtsen_a_residents_sanggah_takes_a_wrongly_included_family_out_of_the_register(
    cast: Cast, db_session: Session
) -> None:
    family = make_household(db_session, region_code=VILLAGE, members=2, dtks_status=DtksStatus.REGISTERED, desil=3,
                            period="2026-07")  # fmt: skip
    db_session.commit()
    form = {"kind": "sanggah", "channel": "cek_bansos", "household": str(family.id), "dispute": "salah_masuk",
            "resident_name": "Warga Paruga", "resident_contact": "", "statement": "Punya toko dan mobil."}  # fmt: skip
    assert create(cast[OPERATOR_DESA], "resident-request", form).status_code == 302
    sanggah = db_session.scalars(select(ResidentRequest)).one()

    def step(role: Role, action: str, text: str = "") -> str:
        page = cast[role].get(f"/admin/resident-request/process/{sanggah.id}").text
        token = _FORM_TOKEN.search(page)
        assert token is not None
        done = cast[role].post(
            f"/admin/resident-request/process/{sanggah.id}/{action}", data={"csrf_token": token.group(1), "text": text}
        )
        assert done.status_code == 200, (role, action, done.status_code)
        return done.text

    step(DINSOS, "send_to_field")
    visit = {"household": str(family.id), "proposal": "", "enumerator_name": "Sri Pendamping",
             "visited_on": date.today().isoformat(), "notes": "Toko dan mobil pribadi.", **POOR_HOUSE,
             **GROUND_CHECK, "income_band": "gt_3jt", "livelihood": "perdagangan"}  # fmt: skip
    assert create(cast[Role.PENDAMPING_PKH], "visit", visit).status_code == 302
    step(Role.PENDAMPING_PKH, "record_check", "Benar: toko dan mobil pribadi.")
    granted = step(DINSOS, "grant", "Tidak layak menurut cek lapangan.")
    assert 'id="request-proposal"' in granted
    step(Role.PETUGAS_LAYANAN, "answer", "Usulan penghapusan diteruskan ke Musdes.")
    removal = stored(db_session, ResidentRequest, sanggah.id).proposal_id
    assert removal is not None and status_shown(cast[OPERATOR_DESA], removal) == "Draf"
    draft = stored(db_session, Proposal, removal)
    checklist = {"kind": "dikeluarkan", "household": str(family.id), "reason": draft.reason,
                 "removal_reason": "tidak_layak", "has_ktp": "y", "has_kk": "y"}  # fmt: skip
    assert edit(cast[OPERATOR_DESA], "proposal", removal, checklist).status_code == 302  # the village's documents

    through_the_village(cast, db_session, {removal: family}, ground_check=True)
    up_to_the_ministry(cast, db_session, [removal], "188.45/470/2026", regent_reviews=True)
    pusdatin_imports_the_ranking(cast, FIRST, ranking_bytes([row_of(family, 8, "Padan")]))
    assert "1 ditetapkan" in pusdatin_issues_the_sk_penetapan(cast, FIRST, "150/HUK/2026")

    household = stored(db_session, Household, family.id)
    assert (household.dtks_status, household.period) == (DtksStatus.REMOVED, FIRST)
    assert stored(db_session, ResidentRequest, sanggah.id).status == RequestStatus.ANSWERED
