"""Every console form, through the real app: create, edit and delete, asserting what the database stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import (
    AuditAction,
    AuditEntry,
    Certificate,
    CertificateResult,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Decree,
    DecreeKind,
    Disability,
    DtksStatus,
    Education,
    FamilyRelation,
    Household,
    MaritalStatus,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Member,
    ParticipantPosition,
    PmtModel,
    PmtWeight,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    Region,
    RemovalReason,
    Role,
    Sex,
    User,
    Visit,
    VisitResult,
)
from models.complaint import Complaint
from models.identity import make_nik
from models.instrument import (
    Condition,
    CookingFuel,
    DrinkingWater,
    FloorMaterial,
    Lighting,
    PowerRating,
    RoofMaterial,
    Tenure,
    ToiletFacility,
    WallMaterial,
)
from models.user import verify_password
from tests.console.form_posts import (
    DECREE_FORM,
    NEIGHBOUR_VILLAGE,
    OTHER_VILLAGE,
    Seed,
    create,
    delete,
    delete_refusal,
    edit,
    member_form,
    newest,
    refusal_text,
    row_counts,
    saved_row,
    seed_register,
)
from tests.factories import DEFAULT_VILLAGE, make_household, make_member, next_nik, next_no_kk

COMPLAINANT_NIK = make_nik("52.72.01", date(1990, 7, 1), is_female=True, serial=9001)
OTHER_KECAMATAN_VILLAGE = "52.72.02.1004"  # Kota Bima, another kecamatan: the same regency
CUTOFFS = "[10, 20, 30, 40, 50, 60, 70, 80, 90]"


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def assert_stored(row: Any, expected: dict[str, Any]) -> None:
    """`row` holds `expected`, with the same types (enum columns come back as members, not bare strings)."""
    actual = {name: getattr(row, name) for name in expected}
    assert actual == expected
    assert {name: type(value) for name, value in actual.items()} == {
        name: type(value) for name, value in expected.items()
    }


# --- the simple views: one table --------------------------------------------------------------------


@dataclass(frozen=True)
class Crud:
    """A view's create and edit posts and what each must store (all functions of the seeded register)."""

    identity: str
    model: type[Any]
    create: Callable[[Seed], dict[str, str]]
    created: Callable[[Seed], dict[str, Any]]
    edit: Callable[[Seed], dict[str, str]]
    edited: Callable[[Seed], dict[str, Any]]


VISIT_POST = {
    "proposal": "",
    "enumerator_name": "Rahmat Hidayat",
    "visited_on": "2026-03-05",
    "tenure": "milik_sendiri",
    "floor_area_m2": "36",
    "room_count": "2",
    "floor_material": "tanah",
    "wall_material": "bambu",
    "wall_condition": "jelek",
    "roof_material": "seng",
    "roof_condition": "jelek",
    "drinking_water": "sumur_terlindung",
    "lighting": "listrik_pln",
    "power_rating": "450",
    "cooking_fuel": "kayu_bakar",
    "toilet_facility": "umum",
    "toilet_type": "",
    "sewage": "",
    "notes": "Rumah panggung",
}
VISIT_STORED = {
    "proposal_id": None,
    "enumerator_name": "Rahmat Hidayat",
    "visited_on": date(2026, 3, 5),
    "tenure": Tenure.OWNED,
    "floor_area_m2": 36,
    "room_count": 2,
    "floor_material": FloorMaterial.EARTH,
    "wall_material": WallMaterial.BAMBOO,
    "wall_condition": Condition.POOR,
    "roof_material": RoofMaterial.ZINC,
    "roof_condition": Condition.POOR,
    "drinking_water": DrinkingWater.PROTECTED_WELL,
    "lighting": Lighting.PLN,
    "power_rating": PowerRating.W450,
    "cooking_fuel": CookingFuel.FIREWOOD,
    "toilet_facility": ToiletFacility.PUBLIC,
    "toilet_type": None,
    "sewage": None,
    "notes": "Rumah panggung",
    "result": VisitResult.PENDING,
}
DECREE_STORED = {
    "kind": DecreeKind.DISTRICT_RATIFICATION,
    "number": "400.9/12/Dinsos/2026",
    "decree_date": date(2026, 4, 1),
    "region_code": "52.72",
    "signer_name": "H. Muhammad Lutfi",
    "signer_title": "Wali Kota Bima",
    "period": None,
    "signed_at": None,
}
PMT_POST = {
    "version": "2026.1",
    "name": "Model ilustratif NTB",
    "region_code": "52.72",
    "intercept": "1.5",
    "desil_cutoffs": CUTOFFS,
    "effective_period": "2026-04",
    "is_active": "y",
}
PMT_STORED = {
    "version": "2026.1",
    "name": "Model ilustratif NTB",
    "region_code": "52.72",
    "intercept": 1.5,
    "desil_cutoffs": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0],
    "effective_period": "2026-04",
    "is_active": True,
    "is_illustrative": True,
}

CRUD_CASES = [
    Crud(
        "proposal",
        Proposal,
        create=lambda seed: {
            "kind": "baru",
            "household": str(seed.household_id),
            "reason": "Kepala keluarga kehilangan pekerjaan",
            "removal_reason": "",
            "has_ktp": "y",
            "has_sktm": "y",
        },
        created=lambda seed: {
            "kind": ProposalKind.NEW,
            "household_id": seed.household_id,
            "region_code": seed.household_region,
            "reason": "Kepala keluarga kehilangan pekerjaan",
            "removal_reason": None,
            "has_ktp": True,
            "has_kk": False,
            "has_sktm": True,
            "status": ProposalStatus.DRAFT,
            "version": 1,
        },
        edit=lambda seed: {
            "kind": "dikeluarkan",
            "household": str(seed.household_id),
            "reason": "Pindah ke Makassar",
            "removal_reason": "pindah",
            "has_kk": "y",
        },
        edited=lambda seed: {
            "kind": ProposalKind.REMOVE,
            "household_id": seed.household_id,
            "region_code": seed.household_region,
            "reason": "Pindah ke Makassar",
            "removal_reason": RemovalReason.MOVED,
            "has_ktp": False,
            "has_kk": True,
            "has_sktm": False,
            "status": ProposalStatus.DRAFT,
            "version": 2,
        },
    ),
    Crud(
        "meeting",
        Meeting,
        create=lambda seed: {
            "kind": "musdes",
            "region": DEFAULT_VILLAGE,
            "held_on": "2026-02-03",
            "place": "Aula Kelurahan Paruga",
            "ba_number": "BA/01/II/2026",
            "notes": "Agenda usulan baru",
        },
        created=lambda seed: {
            "kind": MeetingKind.MUSDES,
            "region_code": DEFAULT_VILLAGE,
            "held_on": date(2026, 2, 3),
            "place": "Aula Kelurahan Paruga",
            "ba_number": "BA/01/II/2026",
            "notes": "Agenda usulan baru",
            "finalised_at": None,
        },
        edit=lambda seed: {
            "kind": "muskel",
            "region": NEIGHBOUR_VILLAGE,
            "held_on": "2026-02-10",
            "place": "Kantor Lurah Nae",
            "ba_number": "BA/02/II/2026",
            "notes": "",
        },
        edited=lambda seed: {
            "kind": MeetingKind.MUSKEL,
            "region_code": NEIGHBOUR_VILLAGE,
            "held_on": date(2026, 2, 10),
            "place": "Kantor Lurah Nae",
            "ba_number": "BA/02/II/2026",
            "notes": "",
            "finalised_at": None,
        },
    ),
    Crud(
        "meeting-participant",
        MeetingParticipant,
        create=lambda seed: {"meeting": str(seed.meeting_id), "name": "Hj. Aminah", "position": "tokoh_agama"},
        created=lambda seed: {
            "meeting_id": seed.meeting_id,
            "name": "Hj. Aminah",
            "position": ParticipantPosition.RELIGIOUS_LEADER,
            "region_code": seed.household_region,
        },
        edit=lambda seed: {"meeting": str(seed.meeting_id), "name": "Hj. Aminah Said", "position": "bpd"},
        edited=lambda seed: {
            "meeting_id": seed.meeting_id,
            "name": "Hj. Aminah Said",
            "position": ParticipantPosition.BPD,
            "region_code": seed.household_region,
        },
    ),
    Crud(
        "visit",
        Visit,
        create=lambda seed: {"household": str(seed.household_id), **VISIT_POST},
        created=lambda seed: {
            "household_id": seed.household_id,
            "region_code": seed.household_region,
            **VISIT_STORED,
        },
        edit=lambda seed: {
            "household": str(seed.household_id),
            **VISIT_POST,
            "floor_area_m2": "42",
            "room_count": "3",
            "cooking_fuel": "gas_3kg",
            "power_rating": "900",
            "notes": "",
        },
        edited=lambda seed: {
            "household_id": seed.household_id,
            "region_code": seed.household_region,
            **VISIT_STORED,
            "floor_area_m2": 42,
            "room_count": 3,
            "cooking_fuel": CookingFuel.GAS_3KG,
            "power_rating": PowerRating.W900,
            "notes": "",
        },
    ),
    Crud(
        "decree",
        Decree,
        create=lambda seed: DECREE_FORM,
        created=lambda seed: DECREE_STORED,
        edit=lambda seed: {**DECREE_FORM, "number": "400.9/13/Dinsos/2026", "period": "2026-04"},
        edited=lambda seed: {**DECREE_STORED, "number": "400.9/13/Dinsos/2026", "period": "2026-04"},
    ),
    Crud(
        "complaint",
        Complaint,
        create=lambda seed: {
            "channel": "datang_langsung",
            "complainant_name": "Wa Ode Nurhayati",
            "complainant_contact": "0812-3456-7890",
            "nik": COMPLAINANT_NIK,
            "category": "exclusion_error",
            "region": "52.72",
            "description": "Keluarga miskin di RT 004 belum terdaftar.",
            "assigned_to": str(seed.admin_id),
            "response": "",
        },
        created=lambda seed: {
            "channel": ComplaintChannel.WALK_IN,
            "complainant_name": "Wa Ode Nurhayati",
            "complainant_contact": "0812-3456-7890",
            "nik": COMPLAINANT_NIK,
            "category": ComplaintCategory.WRONGLY_EXCLUDED,
            "region_code": "52.72",
            "description": "Keluarga miskin di RT 004 belum terdaftar.",
            "assigned_to_id": seed.admin_id,
            "response": "",
            "status": ComplaintStatus.NEW,
        },
        edit=lambda seed: {
            "channel": "telepon",
            "complainant_name": "Wa Ode Nurhayati",
            "complainant_contact": "",
            "nik": "",
            "category": "data_salah",
            "region": "52.72",
            "description": "Data keluarga tidak sesuai.",
            "assigned_to": "",
            "response": "Sudah diverifikasi ulang oleh TKSK.",
        },
        edited=lambda seed: {
            "channel": ComplaintChannel.PHONE,
            "complainant_name": "Wa Ode Nurhayati",
            "complainant_contact": "",
            "nik": None,
            "category": ComplaintCategory.WRONG_DATA,
            "region_code": "52.72",
            "description": "Data keluarga tidak sesuai.",
            "assigned_to_id": None,
            "response": "Sudah diverifikasi ulang oleh TKSK.",
            "status": ComplaintStatus.NEW,
        },
    ),
    Crud(
        "pmt-model",
        PmtModel,
        create=lambda seed: PMT_POST,
        created=lambda seed: PMT_STORED,
        # Unchecked "Aktif" is simply absent from the post, as a browser sends it.
        edit=lambda seed: {
            **{name: value for name, value in PMT_POST.items() if name != "is_active"},
            "region_code": "",
            "intercept": "-0.5",
            "desil_cutoffs": "[5, 15, 25, 35, 45, 55, 65, 75, 85.5]",
        },
        edited=lambda seed: {
            **PMT_STORED,
            "region_code": "",
            "intercept": -0.5,
            "desil_cutoffs": [5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0, 85.5],
            "is_active": False,
        },
    ),
    Crud(
        "pmt-weight",
        PmtWeight,
        create=lambda seed: {
            "model": str(seed.pmt_model_id),
            "variable": "lighting",
            "choice": "listrik_pln",
            "weight": "-0.25",
        },
        created=lambda seed: {
            "model_id": seed.pmt_model_id,
            "variable": "lighting",
            "choice": "listrik_pln",
            "weight": -0.25,
        },
        edit=lambda seed: {"model": str(seed.pmt_model_id), "variable": "room_count", "choice": "", "weight": "0.75"},
        edited=lambda seed: {
            "model_id": seed.pmt_model_id,
            "variable": "room_count",
            "choice": "",
            "weight": 0.75,
        },
    ),
]


@pytest.mark.parametrize("case", CRUD_CASES, ids=lambda case: case.identity)
def test_form_creates_edits_and_deletes_exactly_what_was_posted(
    case: Crud, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    response = create(admin_client, case.identity, case.create(seed))
    row = saved_row(response, db_session, case.model)
    assert_stored(row, case.created(seed))
    pk = row.id

    response = edit(admin_client, case.identity, pk, case.edit(seed))
    assert_stored(saved_row(response, db_session, case.model), case.edited(seed))

    assert delete_refusal(delete(admin_client, case.identity, pk)) is None
    db_session.expire_all()
    assert db_session.get(case.model, pk) is None


# --- households and members ------------------------------------------------------------------------


def test_household_form_stores_the_household_with_its_head_then_edits_and_deletes_both(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    no_kk = next_no_kk("52.72.01")
    head_nik = next_nik("52.72.01", date(1979, 8, 21), is_female=True)
    response = create(
        admin_client,
        "household",
        {
            "region": DEFAULT_VILLAGE,
            "no_kk": no_kk,
            "address": "Jl. Gajah Mada No. 7",
            "rt": "004",
            "rw": "011",
            "head_nik": head_nik,
            "head_name": "Siti Aisyah",
            "head_sex": "P",
            "head_birth_place": "Dompu",
            "head_birth_date": "1979-08-21",
            "head_mother_name": "Halimah",
            "head_marital_status": "cerai_mati",
            "head_occupation": "Pedagang",
            "head_education": "smp",
            "notes": "Janda dengan tiga anak",
        },
    )
    household = saved_row(response, db_session, Household)
    assert_stored(
        household,
        {
            "no_kk": no_kk,
            "region_code": DEFAULT_VILLAGE,
            "address": "Jl. Gajah Mada No. 7",
            "rt": "004",
            "rw": "011",
            "notes": "Janda dengan tiga anak",
            "dtks_status": DtksStatus.NOT_REGISTERED,
            "desil": None,
        },
    )
    [head] = household.members
    assert_stored(
        head,
        {
            "family_relation": FamilyRelation.HEAD,
            "nik": head_nik,
            "name": "Siti Aisyah",
            "sex": Sex.FEMALE,
            "birth_place": "Dompu",
            "birth_date": date(1979, 8, 21),
            "mother_name": "Halimah",
            "marital_status": MaritalStatus.WIDOWED,
            "occupation": "Pedagang",
            "education": Education.JUNIOR,
            "disability": Disability.NONE,
            "region_code": DEFAULT_VILLAGE,
        },
    )
    make_member(db_session, household)
    db_session.commit()
    household_id = household.id

    response = edit(
        admin_client,
        "household",
        household_id,
        {
            "region": OTHER_KECAMATAN_VILLAGE,
            "no_kk": no_kk,
            "address": "Jl. Sultan Hasanuddin",
            "rt": "001",
            "rw": "",
            "notes": "",
        },
    )
    household = saved_row(response, db_session, Household)
    assert_stored(
        household,
        {
            "no_kk": no_kk,
            "region_code": OTHER_KECAMATAN_VILLAGE,
            "address": "Jl. Sultan Hasanuddin",
            "rt": "001",
            "rw": "",
            "notes": "",
        },
    )
    # Members carry their household's village code for the scope filter: it follows the household.
    assert [member.region_code for member in household.members] == [OTHER_KECAMATAN_VILLAGE] * 2

    assert delete_refusal(delete(admin_client, "household", household_id)) is None
    db_session.expire_all()
    assert db_session.get(Household, household_id) is None
    assert db_session.scalars(select(Member).where(Member.household_id == household_id)).all() == []
    assert len(db_session.get(Household, seed.household_id).members) == 2


def test_member_form_stores_a_member_in_the_household_village_then_edits_and_deletes_it(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    nik = next_nik("52.72.01", date(2010, 6, 15), is_female=False)
    posted = member_form(seed.household_id, nik, date(2010, 6, 15))
    stored = {
        "household_id": seed.household_id,
        "region_code": seed.household_region,
        "nik": nik,
        "name": "Muhammad Rizki",
        "sex": Sex.MALE,
        "birth_place": "Bima",
        "birth_date": date(2010, 6, 15),
        "family_relation": FamilyRelation.CHILD,
        "mother_name": "Nurhasanah",
        "marital_status": MaritalStatus.SINGLE,
        "occupation": "Pelajar",
        "education": Education.PRIMARY,
        "disability": Disability.NONE,
    }
    response = create(admin_client, "member", posted)
    member = saved_row(response, db_session, Member)
    assert_stored(member, stored)
    pk = member.id

    changes = {
        "name": "M. Rizki",
        "family_relation": "cucu",
        "occupation": "",
        "education": "smp",
        "disability": "fisik",
    }
    response = edit(admin_client, "member", pk, {**posted, **changes})
    assert_stored(
        saved_row(response, db_session, Member),
        {
            **stored,
            "name": "M. Rizki",
            "family_relation": FamilyRelation.GRANDCHILD,
            "occupation": "",
            "education": Education.JUNIOR,
            "disability": Disability.PHYSICAL,
        },
    )

    assert delete_refusal(delete(admin_client, "member", pk)) is None
    db_session.expire_all()
    assert db_session.get(Member, pk) is None
    assert db_session.get(Household, seed.household_id).head.id == seed.head_id


def _member_move(session: Session, seed: Seed) -> tuple[Any, dict[str, str]]:
    member = make_member(session, session.get(Household, seed.household_id), sex=Sex.MALE)
    posted = {
        "nik": member.nik,
        "name": member.name,
        "sex": "L",
        "birth_place": member.birth_place,
        "birth_date": member.birth_date.isoformat(),
        "family_relation": "anak",
        "mother_name": member.mother_name,
        "marital_status": "belum_kawin",
        "occupation": "",
        "education": "sd",
        "disability": "tidak_ada",
    }
    return member, posted


def _proposal_move(session: Session, seed: Seed) -> tuple[Any, dict[str, str]]:
    proposal = Proposal(kind=ProposalKind.NEW, household_id=seed.household_id, reason="Belum terdaftar")
    session.add(proposal)
    return proposal, {"kind": "baru", "reason": "Belum terdaftar", "removal_reason": ""}


def _visit_move(session: Session, seed: Seed) -> tuple[Any, dict[str, str]]:
    visit = Visit(household_id=seed.household_id, enumerator_name="Rahmat", visited_on=date(2026, 3, 1))
    session.add(visit)
    return visit, {"proposal": "", "enumerator_name": "Rahmat", "visited_on": "2026-03-01"}


@pytest.mark.parametrize(
    ("identity", "make_row"),
    [("member", _member_move), ("visit", _visit_move)],
    ids=["member", "visit"],
)
def test_a_row_moved_to_another_household_takes_that_household_village_code(
    identity: str,
    make_row: Callable[[Session, Seed], tuple[Any, dict[str, str]]],
    seed: Seed,
    admin_client: TestClient,
    db_session: Session,
) -> None:
    row, posted = make_row(db_session, seed)
    db_session.commit()
    assert row.region_code == seed.household_region

    response = edit(admin_client, identity, row.id, {**posted, "household": str(seed.other_household_id)})

    assert response.status_code == 302, refusal_text(response)
    db_session.expire_all()
    moved = db_session.get(type(row), row.id)
    assert (moved.household_id, moved.region_code) == (seed.other_household_id, seed.other_household_region)


def test_a_proposal_moves_to_a_family_of_its_regency_and_is_refused_one_of_another(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    """Other rows point to a proposal by (id, regency code) on PostgreSQL (models/scope_sync.py)."""
    proposal, posted = _proposal_move(db_session, seed)
    neighbour = make_household(db_session, region_code=OTHER_KECAMATAN_VILLAGE, members=1)
    db_session.commit()

    refused = edit(admin_client, "proposal", proposal.id, {**posted, "household": str(seed.other_household_id)})
    assert "Usulan tidak dapat dipindahkan ke kabupaten/kota lain" in refusal_text(refused)
    db_session.expire_all()
    assert db_session.get_one(Proposal, proposal.id).household_id == seed.household_id

    moved = edit(admin_client, "proposal", proposal.id, {**posted, "household": str(neighbour.id)})
    assert moved.status_code == 302, refusal_text(moved)
    db_session.expire_all()
    assert (db_session.get_one(Proposal, proposal.id).region_code) == OTHER_KECAMATAN_VILLAGE


def test_a_family_is_not_moved_to_another_regency_through_its_form(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    household = db_session.get_one(Household, seed.household_id)
    before = (household.region_code, household.address)
    form = {"region": OTHER_VILLAGE, "no_kk": household.no_kk, "address": "Jl. Baru", "rt": "", "rw": "", "notes": ""}

    response = edit(admin_client, "household", seed.household_id, form)

    assert "Keluarga tidak dapat dipindahkan ke kabupaten/kota lain (52.72 ke 73.02)" in refusal_text(response)
    db_session.expire_all()
    household = db_session.get_one(Household, seed.household_id)
    assert (household.region_code, household.address) == before
    assert {member.region_code for member in household.members} == {seed.household_region}


def test_a_meeting_moved_to_another_village_takes_its_participants_along(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    participant = MeetingParticipant(
        meeting_id=seed.meeting_id,
        region_code=seed.household_region,
        name="Pak RT Usman",
        position=ParticipantPosition.RT_RW,
    )
    db_session.add(participant)
    db_session.commit()

    response = edit(
        admin_client,
        "meeting",
        seed.meeting_id,
        {
            "kind": "musdes",
            "region": OTHER_KECAMATAN_VILLAGE,
            "held_on": "2026-01-12",
            "place": "Balai Desa",
            "ba_number": "",
            "notes": "",
        },
    )

    assert response.status_code == 302, refusal_text(response)
    db_session.expire_all()
    meeting = db_session.get_one(Meeting, seed.meeting_id)
    assert meeting.region_code == OTHER_KECAMATAN_VILLAGE
    # Participants carry the meeting's village code for the scope filter, like members carry the household's.
    assert [p.region_code for p in meeting.participants] == [meeting.region_code]


# --- users ---------------------------------------------------------------------------------------------


def test_user_form_stores_an_argon2id_hash_and_an_edit_without_password_keeps_it(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    posted = {
        "username": "operator_paruga",
        "full_name": "Nurul Hidayah",
        "role": "operator_desa",
        "scope_region": DEFAULT_VILLAGE,
        "is_active": "y",
        "password": "Paruga-Bima-2026!",
    }
    response = create(admin_client, "user", posted)
    user = saved_row(response, db_session, User)
    assert_stored(
        user,
        {
            "username": "operator_paruga",
            "full_name": "Nurul Hidayah",
            "role": Role.OPERATOR_DESA,
            "scope_region_code": DEFAULT_VILLAGE,
            "is_active": True,
            "last_login_at": None,
        },
    )
    first_hash = user.password_hash
    assert first_hash.startswith("$argon2id$")
    assert verify_password(first_hash, "Paruga-Bima-2026!")
    pk = user.id

    # An empty password on the edit form means "unchanged"; an unchecked "Aktif" is absent from the post.
    without_password = {name: value for name, value in posted.items() if name != "is_active"}
    response = edit(
        admin_client,
        "user",
        pk,
        {**without_password, "full_name": "Nurul Hidayah, S.Sos.", "role": "kepala_desa", "password": ""},
    )
    user = saved_row(response, db_session, User)
    assert_stored(
        user,
        {
            "full_name": "Nurul Hidayah, S.Sos.",
            "role": Role.KEPALA_DESA,
            "scope_region_code": DEFAULT_VILLAGE,
            "is_active": False,
            "password_hash": first_hash,
        },
    )

    response = edit(admin_client, "user", pk, {**posted, "password": "Sape-Wera-Donggo-7"})
    assert response.status_code == 302, refusal_text(response)
    new_hash = newest(db_session, User).password_hash
    assert new_hash.startswith("$argon2id$")
    assert verify_password(new_hash, "Sape-Wera-Donggo-7")
    assert not verify_password(new_hash, "Paruga-Bima-2026!")

    assert delete_refusal(delete(admin_client, "user", pk)) is None
    db_session.expire_all()
    assert db_session.get(User, pk) is None


# --- read-only views ----------------------------------------------------------------------------------


def _certificate(session: Session, seed: Seed) -> str:
    session.add(
        Certificate(
            region_code="52.72",
            requested_nik=seed.head_nik,
            applicant_name="Pemohon Surat Uji",
            result=CertificateResult.REGISTERED,
            household_id=seed.household_id,
        )
    )
    return "Pemohon Surat Uji"


def _region(session: Session, seed: Seed) -> str:
    # Loaded by the session fixture; the list is sorted by code, so the first region is on page one.
    return session.scalars(select(Region.name).order_by(Region.code).limit(1)).one()


def _audit_entry(session: Session, seed: Seed) -> str:
    session.add(
        AuditEntry(
            at=datetime(2026, 5, 4, 3, 2, tzinfo=UTC),
            actor_name="Auditor Uji",
            action=AuditAction.LOGIN,
            object_type="user",
            object_id=str(seed.admin_id),
        )
    )
    return "Auditor Uji"


def _proposal_history(session: Session, seed: Seed) -> str:
    proposal = Proposal(kind=ProposalKind.NEW, household_id=seed.household_id)
    proposal.history.append(
        ProposalHistory(to_status=ProposalStatus.DRAFT, actor_name="Operator Riwayat Uji", note="dibuat")
    )
    session.add(proposal)
    return "Operator Riwayat Uji"


@pytest.mark.parametrize(
    ("identity", "model", "make_row"),
    [
        ("certificate", Certificate, _certificate),
        ("region", Region, _region),
        ("audit-entry", AuditEntry, _audit_entry),
        ("proposal-history", ProposalHistory, _proposal_history),
    ],
    ids=["certificate", "region", "audit-entry", "proposal-history"],
)
def test_read_only_view_lists_its_rows_but_refuses_create_and_delete(
    identity: str,
    model: type[Any],
    make_row: Callable[[Session, Seed], str],
    seed: Seed,
    admin_client: TestClient,
    db_session: Session,
) -> None:
    visible = make_row(db_session, seed)
    db_session.commit()
    counts = row_counts(db_session)
    row = db_session.scalars(select(model).limit(1)).one()
    pk = getattr(row, "code", None) or row.id

    listing = admin_client.get(f"/admin/{identity}/list")
    assert listing.status_code == 200
    assert str(escape(visible)) in listing.text

    assert admin_client.get(f"/admin/{identity}/create").status_code == 403
    assert create(admin_client, identity, {"name": "Baru", "code": "99", "note": "baru"}).status_code == 403
    assert edit(admin_client, identity, pk, {"name": "Diubah"}).status_code == 403
    assert delete(admin_client, identity, pk).status_code == 403
    after = row_counts(db_session)
    # Nothing changed; each of the four refusals is itself recorded in the audit trail (console/audit_events.py).
    assert after.pop("audit_entry") == counts.pop("audit_entry") + 4
    assert after == counts
    assert db_session.get(model, pk) is not None
