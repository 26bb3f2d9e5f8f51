"""The whole chain through HTTP, one official of each tier clicking in turn (DESIGN section 4).

(a) a new family goes from draft to determined in the DTKS, then gets a certificate of registration;
(b) a proposal returned by the district goes round the loop; (c) a removal for a death; (d) a rejection at
the ministry's NIK matching. Every step is what the official's page offers, posted with its CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import (
    Certificate,
    CertificateStep,
    Decree,
    DtksStatus,
    Household,
    HouseholdPeriod,
    Meeting,
    MeetingDecision,
    PmtModel,
    PmtResult,
    Proposal,
    Role,
    VisitResult,
)
from tests.console.chain_cast import (
    KECAMATAN,
    VILLAGE,
    Cast,
    act,
    audited_transitions,
    full_name,
    history,
    proposal_state,
    status_shown,
    stored,
    workflow_page,
)
from tests.console.form_posts import create, newest
from tests.factories import make_household, make_member, next_nik, next_no_kk

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PERIOD = "2026-10"
OPERATOR_DESA, KEPALA_DESA, PENDATA, TKSK = Role.OPERATOR_DESA, Role.KEPALA_DESA, Role.PENDATA, Role.TKSK
DINSOS, PROVINSI, PUSDATIN = Role.OPERATOR_DINSOS, Role.OPERATOR_PROVINSI, Role.PUSDATIN
# Illustrative PMT: 25, minus 4 for an earth floor, minus 1 per member; cut-offs every 10 points. A family
# of three on an earth floor scores 18: desil 2, under DETERMINATION_MAX_DESIL (4), so it is determined.
CUTOFFS = "10, 20, 30, 40, 50, 60, 70, 80, 90"
POOR_HOUSE = {"tenure": "milik_sendiri", "floor_area_m2": "24", "room_count": "1", "floor_material": "tanah",
              "wall_material": "anyaman_bambu", "roof_material": "seng", "drinking_water": "sumur_tak_terlindung",
              "lighting": "listrik_pln", "power_rating": "450", "cooking_fuel": "kayu_bakar",
              "toilet_facility": "tidak_ada"}  # fmt: skip
# The village's path, then the district's, province's and ministry's: (from, to, who) of each history row.
VILLAGE_PATH = [
    ("draft", "in_musdes", OPERATOR_DESA),
    ("in_musdes", "agreed", KEPALA_DESA),
    ("agreed", "visited", PENDATA),
    ("visited", "verified", TKSK),
    ("verified", "submitted", OPERATOR_DESA),
]
UPWARDS_PATH = [("submitted", "accepted", DINSOS), ("accepted", "in_decree", DINSOS),
                ("in_decree", "ratified", DINSOS), ("ratified", "forwarded", PROVINSI),
                ("forwarded", "received", PUSDATIN)]  # fmt: skip


@pytest.fixture
def cast(app: Starlette, db_session: Session) -> Iterator[Cast]:
    officials = Cast(app, db_session)
    yield officials
    officials.close()


def expected_history(*paths: list[tuple[str, str, Role]]) -> list[tuple[str, str, str]]:
    return [(source, target, full_name(role)) for path in paths for source, target, role in path]


# --- the village ------------------------------------------------------------------------------------------


def operator_registers_a_family(cast: Cast, session: Session, head: str, children: int = 1) -> Household:
    """operator_desa: "+ Tambah Keluarga" with the head, then "+ Tambah Anggota" for the wife and children."""
    head_born, wife_born = date(1981, 4, 12), date(1984, 9, 3)
    family = {"region": VILLAGE, "no_kk": next_no_kk(KECAMATAN), "address": "Jl. Gajah Mada No. 7", "rt": "003",
              "rw": "001", "head_nik": next_nik(KECAMATAN, head_born, False), "head_name": head, "head_sex": "L",
              "head_birth_place": "Bima", "head_birth_date": head_born.isoformat(), "head_mother_name": "Siti",
              "head_marital_status": "kawin", "head_occupation": "Buruh harian", "head_education": "sd",
              "notes": ""}  # fmt: skip
    assert create(cast[OPERATOR_DESA], "household", family).status_code == 302
    household = session.scalars(select(Household).where(Household.no_kk == family["no_kk"])).one()
    people = [("Nurhayati", "P", wife_born, "istri_suami", "kawin")] + [
        (f"Anak {n + 1} {head}", "L", date(2010 + n, 2, 1), "anak", "belum_kawin") for n in range(children)
    ]
    for name, sex, born, relation, marital in people:
        member = {"household": str(household.id), "nik": next_nik(KECAMATAN, born, sex == "P"), "name": name,
                  "sex": sex, "birth_place": "Bima", "birth_date": born.isoformat(), "family_relation": relation,
                  "mother_name": "Aminah", "marital_status": marital, "occupation": "", "education": "sd",
                  "disability": "tidak_ada"}  # fmt: skip
        assert create(cast[OPERATOR_DESA], "member", member).status_code == 302
    return stored(session, Household, household.id)


def operator_proposes(cast: Cast, session: Session, household: Household, kind: str = "baru", **fields: str) -> int:
    """operator_desa: "Buat usulan" with the KTP/KK/SKTM checklist ticked; the proposal starts as a draft."""
    form = {"kind": kind, "household": str(household.id), "reason": "Keluarga tidak mampu", "removal_reason": "",
            "has_ktp": "y", "has_kk": "y", "has_sktm": "y", **fields}  # fmt: skip
    assert create(cast[OPERATOR_DESA], "proposal", form).status_code == 302
    proposal = newest(session, Proposal)
    assert status_shown(cast[OPERATOR_DESA], proposal.id) == "Draf"
    return proposal.id


def operator_holds_the_musdes(cast: Cast, session: Session, proposal_ids: list[int]) -> int:
    """operator_desa: a Muskel with its participants, the proposals on its agenda, the decisions, the signed BA."""
    operator = cast[OPERATOR_DESA]
    meeting = {"kind": "muskel", "region": VILLAGE, "held_on": "2026-08-03", "place": "Aula Kelurahan Paruga",
               "ba_number": "", "notes": ""}  # fmt: skip
    assert create(operator, "meeting", meeting).status_code == 302
    meeting_id = newest(session, Meeting).id
    for name, position in (("H. Abdul Lurah", "kades_lurah"), ("Ketua RT 03", "rt_rw"), ("Ust. Hamzah", "tokoh_agama")):
        participant = {"meeting": str(meeting_id), "name": name, "position": position}
        assert create(operator, "meeting-participant", participant).status_code == 302
    agenda = {"proposal": [str(pid) for pid in proposal_ids]}
    assert operator.post(f"/admin/meeting/musdes/{meeting_id}/agenda", data=agenda).status_code == 200
    items = session.scalars(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting_id)).all()
    decisions = {f"decision-{item.id}": "setuju" for item in items}
    assert operator.post(f"/admin/meeting/musdes/{meeting_id}/decisions", data=decisions).status_code == 200
    ba = {"ba_file": ("ba-muskel.pdf", PDF, "application/pdf")}
    response = operator.post(f"/admin/meeting/musdes/{meeting_id}/ba", data={"ba_number": "BA/08/2026"}, files=ba)
    assert response.status_code == 200
    return meeting_id


def kepala_desa_finalises_the_musdes(cast: Cast, meeting_id: int) -> None:
    page = cast[KEPALA_DESA].get(f"/admin/meeting/musdes/{meeting_id}")
    assert "H. Abdul Lurah" in page.text and "Finalkan musyawarah" in page.text
    assert cast[KEPALA_DESA].post(f"/admin/meeting/musdes/{meeting_id}/finalise").status_code == 200


def pendata_records_the_visit(cast: Cast, household: Household, proposal_id: int) -> None:
    """pendata: "+ Tambah" Kunjungan Verval with the instrument answers, then "Kunjungan verval selesai"."""
    visit = {"household": str(household.id), "proposal": str(proposal_id), "enumerator_name": "Rahmat Pendata",
             "visited_on": "2026-08-10", "notes": "Rumah panggung, lantai tanah.", **POOR_HOUSE}  # fmt: skip
    assert create(cast[PENDATA], "visit", visit).status_code == 302
    act(cast[PENDATA], proposal_id, "record_visit")


# The DTSEN ground check's own answers (models/ground_check.py), beside the verval instrument's.
GROUND_CHECK = {"kind": "groundcheck", "family_presence": "ditemukan", "livelihood": "buruh_harian",
                "income_band": "lt_500rb", "children_out_of_school": "1", "members_with_disability": "0",
                "members_chronically_ill": "1", "health_cover": "tidak_ada"}  # fmt: skip


def pendamping_ground_checks(cast: Cast, household: Household, proposal_id: int) -> None:
    """pendamping_pkh (DTSEN): a groundcheck visit in an assigned village, then "Kunjungan verval selesai"."""
    visit = {"household": str(household.id), "proposal": str(proposal_id), "enumerator_name": "Sri Pendamping",
             "visited_on": "2026-08-10", "notes": "Bersama Dinsos.", **POOR_HOUSE, **GROUND_CHECK}  # fmt: skip
    assert create(cast[Role.PENDAMPING_PKH], "visit", visit).status_code == 302
    act(cast[Role.PENDAMPING_PKH], proposal_id, "record_visit")


def tksk_confirms_eligible(cast: Cast, session: Session, proposal_id: int) -> None:
    """tksk: "Konfirmasi: layak"; the visit then carries the confirmed verval result."""
    act(cast[TKSK], proposal_id, "confirm_eligible", note="Sesuai kondisi lapangan.")
    visit = max(stored(session, Proposal, proposal_id).visits, key=lambda v: v.id)
    assert (visit.result, visit.confirmed_by.full_name) == (VisitResult.ELIGIBLE, full_name(TKSK))


def operator_sends_to_dinsos(cast: Cast, proposal_id: int) -> None:
    act(cast[OPERATOR_DESA], proposal_id, "send_to_district")


def through_the_village(
    cast: Cast, session: Session, households: dict[int, Household], *, ground_check: bool = False
) -> None:
    """Every step of the village tier for these proposals (id -> household): Musdes, verval (DTSEN: the pendamping
    PKH's groundcheck), sending."""
    meeting_id = operator_holds_the_musdes(cast, session, list(households))
    kepala_desa_finalises_the_musdes(cast, meeting_id)
    for proposal_id, household in households.items():
        assert status_shown(cast[PENDATA], proposal_id) == "Disetujui Musdes"
        if ground_check:
            pendamping_ground_checks(cast, household, proposal_id)
        else:
            pendata_records_the_visit(cast, household, proposal_id)
        assert status_shown(cast[TKSK], proposal_id) == "Sudah dikunjungi"
        tksk_confirms_eligible(cast, session, proposal_id)
        assert status_shown(cast[OPERATOR_DESA], proposal_id) == "Terverifikasi"
        operator_sends_to_dinsos(cast, proposal_id)
        assert status_shown(cast[DINSOS], proposal_id) == "Dikirim ke Dinsos"


# --- the district, the province, the ministry --------------------------------------------------------------


def dinsos_accepts(cast: Cast, proposal_id: int) -> None:
    act(cast[DINSOS], proposal_id, "accept", note="Berkas lengkap.")


def dinsos_ratifies_in_an_sk(
    cast: Cast, session: Session, proposal_ids: list[int], number: str, *, regent_reviews: bool = False
) -> int:
    """operator_dinsos: a draft SK, the accepted proposals into its annex, the signature with the signed scan
    (after the regent's agreeing review, recorded, when `regent_reviews`)."""
    draft = {"kind": "pengesahan_kabupaten", "number": "", "decree_date": "2026-09-01", "region_code": "52.72",
             "signer_name": "H. Muhammad Lutfi", "signer_title": "Wali Kota Bima", "period": ""}  # fmt: skip
    assert create(cast[DINSOS], "decree", draft).status_code == 302
    decree_id = newest(session, Decree).id
    annex = {"proposal": [str(pid) for pid in proposal_ids]}
    assert cast[DINSOS].post(f"/admin/decree/annex/{decree_id}/add", data=annex).status_code == 200
    signature = {"number": number, "signed_on": "2026-09-02"}
    scan = {"scan": ("sk-walikota.pdf", PDF, "application/pdf")}
    if regent_reviews:  # the regent's review of the list (required in DTSEN mode, chain/decree_review.py)
        review = {"reviewed_on": "2026-09-02", "reviewer_name": "H. Muhammad Lutfi", "reviewer_title": "Wali Kota Bima",
                  "outcome": "setuju"}  # fmt: skip
        assert cast[DINSOS].post(f"/admin/decree/annex/{decree_id}/review", data=review).status_code == 200
    assert cast[DINSOS].post(f"/admin/decree/annex/{decree_id}/sign", data=signature, files=scan).status_code == 200
    return decree_id


def province_forwards(cast: Cast, decree_id: int, sk_number: str) -> None:
    assert sk_number in cast[PROVINSI].get("/admin/decree/forwarding").text
    letter = {"number": f"400/{decree_id}/Dinsos-NTB/2026", "letter_date": "2026-09-05",
              "signer_name": "Kadis Sosial NTB", "signer_title": "Kepala Dinas"}  # fmt: skip
    assert cast[PROVINSI].post(f"/admin/decree/forwarding/{decree_id}", data=letter).status_code == 200


def up_to_the_ministry(
    cast: Cast, session: Session, proposal_ids: list[int], sk_number: str, *, regent_reviews: bool = False
) -> None:
    """The district accepts and ratifies, the province forwards: the ministry's desk lists the proposals."""
    for proposal_id in proposal_ids:
        dinsos_accepts(cast, proposal_id)
    decree_id = dinsos_ratifies_in_an_sk(cast, session, proposal_ids, sk_number, regent_reviews=regent_reviews)
    assert {status_shown(cast[PROVINSI], pid) for pid in proposal_ids} == {"Disahkan SK Bupati/Walikota"}
    province_forwards(cast, decree_id, sk_number)
    desk = cast[PUSDATIN].get("/admin/pmt-model/desk").text
    assert all(f"#{pid}" in desk for pid in proposal_ids)


def pusdatin_matches_the_niks(cast: Cast) -> None:
    assert cast[PUSDATIN].post("/admin/pmt-model/desk/match", data={"all": "1"}).status_code == 200


def pusdatin_enters_the_pmt_model(cast: Cast, session: Session) -> None:
    """pusdatin: "+ Tambah" Model PMT (illustrative), then its weights."""
    model = {"version": "skenario-1", "name": "Model skenario", "region_code": "", "intercept": "25",
             "desil_cutoffs": CUTOFFS, "effective_period": "2026-01", "is_active": "y"}  # fmt: skip
    assert create(cast[PUSDATIN], "pmt-model", model).status_code == 302
    model_id = str(newest(session, PmtModel).id)
    for variable, choice, weight in (("floor_material", "tanah", "-4"), ("household_size", "", "-1")):
        fields = {"model": model_id, "variable": variable, "choice": choice, "weight": weight}
        assert create(cast[PUSDATIN], "pmt-weight", fields).status_code == 302


def pusdatin_runs_the_pmt(cast: Cast) -> None:
    response = cast[PUSDATIN].post("/admin/pmt-model/desk/run", data={"period": PERIOD})
    assert response.status_code == 200 and f"PMT {PERIOD}: 1 rumah tangga dinilai." in response.text


def pusdatin_issues_the_sk_penetapan(cast: Cast, number: str) -> None:
    sk = {"period": PERIOD, "number": number, "decree_date": "2026-10-15", "signer_name": "Menteri Sosial",
          "signer_title": "Menteri Sosial RI"}  # fmt: skip
    assert cast[PUSDATIN].post("/admin/pmt-model/desk/determine", data=sk).status_code == 200


# --- the certificate desk ----------------------------------------------------------------------------------


def petugas_layanan_looks_up_the_nik(cast: Cast, session: Session, nik: str) -> int:
    ask = {"nik": nik, "applicant_name": "Pemohon Skenario", "purpose": "Beasiswa KIP Kuliah"}
    response = cast[Role.PETUGAS_LAYANAN].post("/admin/certificate/desk", data=ask, follow_redirects=False)
    assert response.status_code == 303
    assert "Terdaftar di DTKS" in cast[Role.PETUGAS_LAYANAN].get(response.headers["location"]).text
    return newest(session, Certificate).id


def the_paraf_chain_approves(cast: Cast, certificate_id: int) -> None:
    """penyuluh, kabid, sekretaris initial it, kepala_dinas signs: in that order, each on the request's page."""
    chain = ((Role.PENYULUH, "paraf_penyuluh"), (Role.KABID, "paraf_kabid"), (Role.SEKRETARIS, "paraf_sekretaris"),
             (Role.KEPALA_DINAS, "sign"))  # fmt: skip
    for role, step in chain:
        response = cast[role].post(f"/admin/certificate/process/{certificate_id}/{step}", follow_redirects=False)
        assert response.status_code == 303, (role, response.status_code)


def out_of_order_and_out_of_scope_attempts_change_nothing(cast: Cast, session: Session, proposal_id: int) -> None:
    """The district cannot accept a draft (told why, in Indonesian); another village gets 404 everywhere."""
    before = proposal_state(session, proposal_id)
    refused = cast[DINSOS].post(f"/admin/proposal/workflow/{proposal_id}/accept", data={"version": "1"})
    assert refused.status_code == 409
    assert "berstatus &#39;Draf&#39;; tindakan &#39;Terima&#39; hanya untuk status" in refused.text
    assert cast.neighbour.get(f"/admin/proposal/details/{proposal_id}").status_code == 404
    assert workflow_page(cast.neighbour, proposal_id).status_code == 404
    refused = cast.neighbour.post(f"/admin/proposal/workflow/{proposal_id}/put_on_agenda", data={"version": "1"})
    assert refused.status_code == 404
    assert proposal_state(session, proposal_id) == before == ("draft", 1, 0, 0)


# --- the scenarios -----------------------------------------------------------------------------------------


def test_a_new_family_goes_from_draft_to_determined_and_then_gets_its_certificate(
    cast: Cast, db_session: Session
) -> None:
    family = operator_registers_a_family(cast, db_session, "Muhammad Saleh")
    assert len(family.members) == 3 and family.dtks_status == DtksStatus.NOT_REGISTERED
    proposal_id = operator_proposes(cast, db_session, family)
    out_of_order_and_out_of_scope_attempts_change_nothing(cast, db_session, proposal_id)

    through_the_village(cast, db_session, {proposal_id: family})
    up_to_the_ministry(cast, db_session, [proposal_id], "188.45/301/2026")
    pusdatin_matches_the_niks(cast)
    assert status_shown(cast[PUSDATIN], proposal_id) == "Diterima Pusdatin"
    pusdatin_enters_the_pmt_model(cast, db_session)
    pusdatin_runs_the_pmt(cast)
    result = db_session.scalars(select(PmtResult).where(PmtResult.household_id == family.id)).one()
    assert (result.score, result.desil) == (18.0, 2)
    pusdatin_issues_the_sk_penetapan(cast, "146/HUK/2026")

    assert status_shown(cast[OPERATOR_DESA], proposal_id) == "Ditetapkan"
    household = stored(db_session, Household, family.id)
    assert (household.dtks_status, household.desil, household.period) == (DtksStatus.REGISTERED, 2, PERIOD)
    [standing] = db_session.scalars(select(HouseholdPeriod).where(HouseholdPeriod.household_id == family.id))
    assert (standing.period, standing.dtks_status, standing.desil) == (PERIOD, DtksStatus.REGISTERED, 2)
    page = cast[OPERATOR_DESA].get(f"/admin/household/details/{family.id}").text
    assert "Terdaftar" in page and "Mengapa desil ini" in page and "Jenis lantai: Tanah" in page
    steps = history(db_session, proposal_id)
    assert steps == expected_history(VILLAGE_PATH, UPWARDS_PATH, [("received", "determined", PUSDATIN)])
    assert audited_transitions(db_session, proposal_id) == [(source, target) for source, target, _ in steps]

    head_nik = next(member.nik for member in household.members if member.family_relation.value == "kepala_keluarga")
    certificate_id = petugas_layanan_looks_up_the_nik(cast, db_session, head_nik)
    the_paraf_chain_approves(cast, certificate_id)
    certificate = stored(db_session, Certificate, certificate_id)
    assert certificate.step == CertificateStep.SIGNED and certificate.household_id == family.id
    letter = cast[Role.PETUGAS_LAYANAN].get(f"/admin/certificate/letter/{certificate_id}")
    assert letter.status_code == 200
    for shown in (certificate.letter_number, head_nik, family.no_kk, family.address, PERIOD, "Muhammad Saleh",
                  full_name(Role.KEPALA_DINAS)):  # fmt: skip
        assert shown in letter.text


def test_a_returned_proposal_goes_round_the_loop_and_is_accepted_again(cast: Cast, db_session: Session) -> None:
    family = operator_registers_a_family(cast, db_session, "Ahmad Yani", children=0)
    proposal_id = operator_proposes(cast, db_session, family)
    through_the_village(cast, db_session, {proposal_id: family})

    reason = "Foto KK tidak terbaca; mohon verval ulang."
    act(cast[DINSOS], proposal_id, "return_to_village", note=reason)
    page = workflow_page(cast[OPERATOR_DESA], proposal_id).text
    assert "Dikembalikan ke desa" in page and f"Dikembalikan oleh Dinas Sosial: {reason}" in page
    act(cast[OPERATOR_DESA], proposal_id, "reopen")
    assert status_shown(cast[OPERATOR_DESA], proposal_id) == "Draf"
    assert reason in workflow_page(cast[OPERATOR_DESA], proposal_id).text  # the reason stays visible

    through_the_village(cast, db_session, {proposal_id: family})  # a new Musdes, a new visit
    dinsos_accepts(cast, proposal_id)
    assert status_shown(cast[OPERATOR_DESA], proposal_id) == "Diterima Dinsos"
    loop = [("submitted", "returned", DINSOS), ("returned", "draft", OPERATOR_DESA)]
    accepted = [("submitted", "accepted", DINSOS)]
    assert history(db_session, proposal_id) == expected_history(VILLAGE_PATH, loop, VILLAGE_PATH, accepted)
    assert len(audited_transitions(db_session, proposal_id)) == 13
    assert stored(db_session, Proposal, proposal_id).version == 14


def test_a_removal_for_a_death_takes_the_household_out_of_the_dtks_from_that_period(
    cast: Cast, db_session: Session
) -> None:
    family = make_household(db_session, region_code=VILLAGE, members=1, dtks_status=DtksStatus.REGISTERED,
                            desil=1, period="2026-07")  # fmt: skip
    db_session.commit()
    refused = create(cast[OPERATOR_DESA], "proposal", {"kind": "dikeluarkan", "household": str(family.id)})
    assert refused.status_code == 400 and "wajib memilih alasan dikeluarkan" in refused.text
    proposal_id = operator_proposes(
        cast, db_session, family, kind="dikeluarkan", removal_reason="meninggal", reason="Meninggal 2026-07-20"
    )
    through_the_village(cast, db_session, {proposal_id: family})
    up_to_the_ministry(cast, db_session, [proposal_id], "188.45/302/2026")
    pusdatin_matches_the_niks(cast)
    pusdatin_issues_the_sk_penetapan(cast, "147/HUK/2026")

    assert status_shown(cast[OPERATOR_DESA], proposal_id) == "Ditetapkan"
    household = stored(db_session, Household, family.id)
    assert (household.dtks_status, household.desil, household.period) == (DtksStatus.REMOVED, None, PERIOD)
    standing = db_session.scalars(select(HouseholdPeriod).where(HouseholdPeriod.household_id == family.id)).one()
    assert (standing.period, standing.dtks_status) == (PERIOD, DtksStatus.REMOVED)
    assert stored(db_session, Proposal, proposal_id).removal_reason.value == "meninggal"
    assert len(history(db_session, proposal_id)) == len(audited_transitions(db_session, proposal_id)) == 11


def test_a_person_already_registered_elsewhere_is_rejected_at_the_ministry_with_the_reason(
    cast: Cast, db_session: Session
) -> None:
    family = operator_registers_a_family(cast, db_session, "La Ode Rahman", children=0)
    head = next(member for member in family.members if member.family_relation.value == "kepala_keluarga")
    # The same man (name and birth date) is already in a registered household of Bulukumba, under another NIK.
    elsewhere = make_household(db_session, region_code="73.02.01.1001", members=0, dtks_status=DtksStatus.REGISTERED)
    make_member(db_session, elsewhere, family_relation=head.family_relation, name=head.name,
                birth_date=head.birth_date, sex=head.sex)  # fmt: skip
    db_session.commit()
    proposal_id = operator_proposes(cast, db_session, family)
    through_the_village(cast, db_session, {proposal_id: family})
    up_to_the_ministry(cast, db_session, [proposal_id], "188.45/303/2026")
    pusdatin_matches_the_niks(cast)

    reason = "Anggota sudah terdaftar di rumah tangga lain"
    assert status_shown(cast[OPERATOR_DESA], proposal_id) == "Ditolak Pusdatin"
    assert reason in workflow_page(cast[OPERATOR_DESA], proposal_id).text
    assert history(db_session, proposal_id)[-1] == ("forwarded", "rejected_ministry", full_name(PUSDATIN))
    assert audited_transitions(db_session, proposal_id)[-1] == ("forwarded", "rejected_ministry")
    assert "Tidak ada tindakan alur" in workflow_page(cast[PUSDATIN], proposal_id).text  # final
    assert stored(db_session, Household, family.id).dtks_status == DtksStatus.NOT_REGISTERED


def test_a_keep_proposal_skips_the_visit_when_the_tksk_confirmed_one_within_a_year(
    cast: Cast, db_session: Session
) -> None:
    family = operator_registers_a_family(cast, db_session, "Umar Said", children=0)
    first = operator_proposes(cast, db_session, family)
    kepala_desa_finalises_the_musdes(cast, operator_holds_the_musdes(cast, db_session, [first]))
    visited_on = date.today() - timedelta(days=30)
    visit = {"household": str(family.id), "proposal": str(first), "enumerator_name": "Rahmat Pendata",
             "visited_on": visited_on.isoformat(), "notes": "", **POOR_HOUSE}  # fmt: skip
    assert create(cast[PENDATA], "visit", visit).status_code == 302
    act(cast[PENDATA], first, "record_visit")
    tksk_confirms_eligible(cast, db_session, first)  # the visit now carries the result "layak"

    keep = operator_proposes(cast, db_session, family, kind="tetap", reason="Kondisi keluarga tidak berubah")
    kepala_desa_finalises_the_musdes(cast, operator_holds_the_musdes(cast, db_session, [keep]))
    assert status_shown(cast[TKSK], keep) == "Disetujui Musdes"
    act(cast[TKSK], keep, "confirm_recent_visit")

    assert status_shown(cast[OPERATOR_DESA], keep) == "Terverifikasi"
    assert history(db_session, keep)[-1] == ("agreed", "verified", full_name(TKSK))
