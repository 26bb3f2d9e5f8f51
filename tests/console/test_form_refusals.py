"""What the console forms refuse, what they say in Bahasa Indonesia, and that a refusal stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import (
    Decree,
    DecreeKind,
    FamilyRelation,
    Household,
    Meeting,
    MeetingParticipant,
    Member,
    PmtModel,
    PmtWeight,
    Proposal,
    ProposalKind,
    Role,
    Sex,
    User,
    Visit,
)
from models.complaint import Complaint
from models.visit import CODED_ANSWERS
from tests.console.form_posts import (
    DECREE_FORM,
    SCRIPT,
    SQL_OR_DRIVER_TEXT,
    Seed,
    create,
    delete,
    delete_refusal,
    edit,
    fixed_refusal,
    newest,
    refusal_messages,
    refusal_text,
    row_counts,
    saved_row,
    seed_register,
    user_form,
)
from tests.factories import DEFAULT_VILLAGE, make_user, next_nik, next_no_kk

KECAMATAN = "52.72.01"
MAN_BORN = date(1980, 5, 17)
WOMAN_BORN = date(1985, 3, 9)
GOOD_PASSWORD = "Paruga-Bima-2026!"


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def assert_refused(response: Any, *words: str) -> str:
    """A 400 whose messages contain every word, with no SQL or driver text anywhere in the page."""
    assert response.status_code == 400, f"expected a refusal, got {response.status_code}"
    messages = refusal_text(response)
    for word in words:
        assert word in messages
    assert [text for text in SQL_OR_DRIVER_TEXT if text in response.text] == []
    return messages


# --- NIK: the acceptance check of the issue, on the member form and on the household form's head ------


def person_form(form: str, seed: Seed, nik: str, sex: str, birth_date: date) -> tuple[str, dict[str, str]]:
    """The member form, or the new-household form with the person as head; (identity, fields)."""
    if form == "member":
        return "member", {
            "household": str(seed.household_id),
            "nik": nik,
            "name": "Fatimah Zahra",
            "sex": sex,
            "birth_place": "Bima",
            "birth_date": birth_date.isoformat(),
            "family_relation": "anak",
            "mother_name": "Rukayah",
            "marital_status": "belum_kawin",
            "occupation": "",
            "education": "sma",
            "disability": "tidak_ada",
        }
    return "household", {
        "region": DEFAULT_VILLAGE,
        "no_kk": next_no_kk(KECAMATAN),
        "address": "Jl. Sumbawa No. 3",
        "rt": "002",
        "rw": "001",
        "head_nik": nik,
        "head_name": "Fatimah Zahra",
        "head_sex": sex,
        "head_birth_place": "Bima",
        "head_birth_date": birth_date.isoformat(),
        "head_mother_name": "Rukayah",
        "head_marital_status": "kawin",
        "head_occupation": "Guru",
        "head_education": "s1",
        "notes": "",
    }


FORMS = ["member", "household"]
IMPOSSIBLE_NIKS = [
    pytest.param(lambda nik: nik[:15], "16 digit", id="15-digits"),
    pytest.param(lambda nik: nik[:12] + "ABCD", "angka", id="letters"),
    pytest.param(lambda nik: nik[:6] + "32" + nik[8:], "tanggal", id="day-32"),
    pytest.param(lambda nik: nik[:8] + "13" + nik[10:], "bulan", id="month-13"),
    pytest.param(lambda nik: nik[:12] + "0000", "0000", id="serial-0000"),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("spoil", "word"), IMPOSSIBLE_NIKS)
def test_an_impossible_nik_is_refused_in_indonesian_and_nothing_is_stored(
    form: str, spoil: Callable[[str], str], word: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    nik = spoil(next_nik(KECAMATAN, MAN_BORN, is_female=False))
    identity, fields = person_form(form, seed, nik, "L", MAN_BORN)
    counts = row_counts(db_session)

    response = create(admin_client, identity, fields)

    assert_refused(response, "NIK", word)
    assert row_counts(db_session) == counts


@pytest.mark.parametrize("form", FORMS)
def test_a_womans_nik_with_forty_added_to_the_birth_day_is_accepted_and_stored(
    form: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    nik = next_nik(KECAMATAN, WOMAN_BORN, is_female=True)
    assert nik[6:12] == "490385"
    identity, fields = person_form(form, seed, nik, "P", WOMAN_BORN)

    response = create(admin_client, identity, fields)

    member = saved_row(response, db_session, Member)
    assert (member.nik, member.sex, member.birth_date) == (nik, Sex.FEMALE, WOMAN_BORN)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("sex", "birth_date", "words"),
    [("L", WOMAN_BORN, ("jenis kelamin",)), ("P", date(1985, 3, 10), ("tanggal lahir", "09-03-85"))],
    ids=["sex-disagrees", "birth-date-disagrees"],
)
def test_a_nik_that_disagrees_with_the_sex_or_birth_date_on_the_form_is_refused(
    form: str,
    sex: str,
    birth_date: date,
    words: tuple[str, ...],
    seed: Seed,
    admin_client: TestClient,
    db_session: Session,
) -> None:
    nik = next_nik(KECAMATAN, WOMAN_BORN, is_female=True)
    identity, fields = person_form(form, seed, nik, sex, birth_date)
    counts = row_counts(db_session)

    assert_refused(create(admin_client, identity, fields), "NIK tidak cocok", *words)
    assert row_counts(db_session) == counts


# --- duplicates: the database refuses, the official reads Indonesian, never SQL -------------------------

DUPLICATE_NIK = "NIK ini sudah terdaftar pada anggota keluarga lain. Satu NIK hanya boleh tercatat sekali."
DUPLICATE_KK = "No. KK ini sudah terdaftar pada keluarga lain."
SECOND_HEAD = "Keluarga ini sudah memiliki kepala keluarga. Satu KK hanya boleh memiliki satu kepala keluarga."
STILL_USED = "Data ini masih dipakai oleh data lain"


@pytest.mark.parametrize("form", FORMS)
def test_a_nik_registered_in_another_household_is_refused_in_indonesian_without_sql(
    form: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    head = db_session.get(Member, seed.head_id)
    identity, fields = person_form(form, seed, head.nik, head.sex.value, head.birth_date)
    fields = {**fields, "household": str(seed.other_household_id)} if form == "member" else fields
    counts = row_counts(db_session)

    assert_refused(create(admin_client, identity, fields), DUPLICATE_NIK)
    assert row_counts(db_session) == counts


def test_a_new_household_with_a_registered_no_kk_is_refused_in_indonesian_without_sql(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    _, fields = person_form("household", seed, next_nik(KECAMATAN, MAN_BORN, is_female=False), "L", MAN_BORN)
    counts = row_counts(db_session)

    assert_refused(create(admin_client, "household", {**fields, "no_kk": seed.household_no_kk}), DUPLICATE_KK)
    assert row_counts(db_session) == counts


def test_an_edit_giving_a_household_a_registered_no_kk_is_refused_and_keeps_its_own(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    other = db_session.get(Household, seed.other_household_id)
    own_no_kk = other.no_kk
    fields = {"region": other.region_code, "no_kk": seed.household_no_kk, "address": other.address, "rt": "", "rw": ""}

    assert_refused(edit(admin_client, "household", other.id, fields), DUPLICATE_KK)
    db_session.expire_all()
    assert db_session.get(Household, other.id).no_kk == own_no_kk


PMT_MODEL = {
    "version": "uji-1",
    "name": "Model uji",
    "region_code": "",
    "intercept": "0",
    "desil_cutoffs": "[10, 20, 30, 40, 50, 60, 70, 80, 90]",
    "effective_period": "2026-01",
    "is_active": "y",
}


@pytest.mark.parametrize(
    ("identity", "fields", "message"),
    [
        (
            "user",
            lambda seed: {
                "username": "admin_uji",
                "full_name": "Admin Kedua",
                "role": "admin",
                "password": GOOD_PASSWORD,
            },
            "Nama pengguna ini sudah dipakai.",
        ),
        ("decree", lambda seed: DECREE_FORM, "Nomor SK ini sudah dipakai untuk jenis dan wilayah yang sama."),
        ("pmt-model", lambda seed: PMT_MODEL, "Versi model PMT ini sudah ada untuk wilayah tersebut."),
        (
            "pmt-weight",
            lambda seed: {
                "model": str(seed.pmt_model_id),
                "variable": "lighting",
                "choice": "listrik_pln",
                "weight": "1",
            },
            "Bobot untuk variabel dan pilihan ini sudah ada.",
        ),
    ],
    ids=["username", "decree-number", "pmt-version", "pmt-weight"],
)
def test_a_second_row_with_the_same_unique_key_is_refused_with_its_indonesian_message(
    identity: str,
    fields: Callable[[Seed], dict[str, str]],
    message: str,
    seed: Seed,
    admin_client: TestClient,
    db_session: Session,
) -> None:
    # The seeded register already holds the admin and PMT model "uji-1"; the others are posted once first.
    if identity in ("decree", "pmt-weight"):
        first = create(admin_client, identity, fields(seed))
        assert first.status_code == 302, refusal_text(first)
    counts = row_counts(db_session)

    assert_refused(create(admin_client, identity, fields(seed)), message)
    assert row_counts(db_session) == counts


# --- the household's one head ------------------------------------------------------------------------


def member_fields(member: Member, **changes: str) -> dict[str, str]:
    """The member edit form as the page would post it back, with `changes`."""
    fields = {
        "household": str(member.household_id),
        "nik": member.nik,
        "name": member.name,
        "sex": member.sex.value,
        "birth_place": member.birth_place,
        "birth_date": member.birth_date.isoformat(),
        "family_relation": member.family_relation.value,
        "mother_name": member.mother_name,
        "marital_status": member.marital_status.value,
        "occupation": member.occupation,
        "education": member.education.value,
        "disability": member.disability.value,
    }
    return {**fields, **changes}


def test_a_second_head_in_a_household_is_refused_in_indonesian_without_sql(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    identity, fields = person_form("member", seed, next_nik(KECAMATAN, MAN_BORN, is_female=False), "L", MAN_BORN)
    counts = row_counts(db_session)

    assert_refused(create(admin_client, identity, {**fields, "family_relation": "kepala_keluarga"}), SECOND_HEAD)
    assert row_counts(db_session) == counts


def test_an_edit_making_the_spouse_a_second_head_is_refused(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    spouse = db_session.get(Member, seed.spouse_id)

    assert_refused(
        edit(admin_client, "member", spouse.id, member_fields(spouse, family_relation="kepala_keluarga")), SECOND_HEAD
    )
    db_session.expire_all()
    assert db_session.get(Member, seed.spouse_id).family_relation == FamilyRelation.SPOUSE


def test_the_heads_relationship_cannot_be_changed_on_the_member_form(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    head = db_session.get(Member, seed.head_id)
    seed_head_name = head.name

    response = edit(admin_client, "member", head.id, member_fields(head, family_relation="istri_suami", name="Diubah"))

    assert_refused(response, "Kepala keluarga tidak dapat diubah hubungannya")
    db_session.expire_all()
    head = db_session.get(Member, seed.head_id)
    assert (head.family_relation, head.name) == (FamilyRelation.HEAD, seed_head_name)


def test_the_head_cannot_be_deleted_alone(seed: Seed, admin_client: TestClient, db_session: Session) -> None:
    refusal = delete_refusal(delete(admin_client, "member", seed.head_id))

    assert refusal is not None
    assert "Kepala keluarga tidak dapat dihapus sendiri" in refusal
    db_session.expire_all()
    assert db_session.get(Household, seed.household_id).head.id == seed.head_id


def test_a_household_with_a_proposal_cannot_be_deleted_and_the_refusal_says_it_is_still_used(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    db_session.add(Proposal(kind=ProposalKind.NEW, household_id=seed.household_id))
    db_session.commit()
    counts = row_counts(db_session)

    refusal = delete_refusal(delete(admin_client, "household", seed.household_id))

    assert row_counts(db_session) == counts
    assert refusal is not None
    assert STILL_USED in refusal


# --- proposals, users, PMT, decrees, meetings ----------------------------------------------------------


def test_a_removal_proposal_without_a_removal_reason_is_refused_on_create_and_on_edit(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    fields = {"kind": "dikeluarkan", "household": str(seed.household_id), "reason": "Pindah", "removal_reason": ""}
    counts = row_counts(db_session)
    assert_refused(create(admin_client, "proposal", fields), "alasan dikeluarkan")
    assert row_counts(db_session) == counts

    proposal = Proposal(kind=ProposalKind.NEW, household_id=seed.household_id)
    db_session.add(proposal)
    db_session.commit()
    assert_refused(edit(admin_client, "proposal", proposal.id, fields), "alasan dikeluarkan")
    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).kind == ProposalKind.NEW


@pytest.mark.parametrize(
    ("role", "scope", "words"),
    [
        (Role.OPERATOR_DESA, "52.72", "tingkat Desa/Kelurahan"),
        (Role.TKSK, DEFAULT_VILLAGE, "tingkat Kecamatan"),
        (Role.OPERATOR_DINSOS, "", "tingkat Kabupaten/Kota"),
        (Role.ADMIN, "52.72", "berlaku nasional"),
    ],
    ids=["village-role-with-regency", "tksk-with-village", "dinsos-without-scope", "admin-with-regency"],
)
def test_a_user_whose_role_and_scope_level_disagree_is_refused_in_indonesian(
    role: Role, scope: str, words: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    fields = {"username": "petugas_baru", "full_name": "Petugas Baru", "role": role.value, "scope_region": scope}
    counts = row_counts(db_session)

    assert_refused(create(admin_client, "user", {**fields, "password": GOOD_PASSWORD}), f"Peran {role.label}", words)
    assert row_counts(db_session) == counts


@pytest.mark.parametrize(
    ("role", "scope", "changes", "words"),
    [
        pytest.param(
            Role.OPERATOR_DESA, DEFAULT_VILLAGE, {"role": "kepala_dinas"}, "tingkat Kabupaten/Kota", id="tier"
        ),
        pytest.param(Role.PUSDATIN, None, {"password": "pendek"}, "minimal 10 karakter", id="weak-password"),
    ],
)
def test_a_refused_user_edit_keeps_the_stored_role_and_password(
    role: Role,
    scope: str | None,
    changes: dict[str, str],
    words: str,
    seed: Seed,
    admin_client: TestClient,
    db_session: Session,
) -> None:
    user = make_user(db_session, role, scope, username="petugas_lama")
    db_session.commit()
    stored = (user.role, user.scope_region_code, user.password_hash)

    assert_refused(edit(admin_client, "user", user.id, user_form(user, **changes)), words)
    db_session.expire_all()
    after = db_session.get(User, user.id)
    assert (after.role, after.scope_region_code, after.password_hash) == stored


WEAK_PASSWORDS = [
    pytest.param("Bima-2026", "minimal 10 karakter", id="short"),
    pytest.param("password123", "mudah ditebak", id="common"),
    pytest.param("petugas_baru-2026", "mudah ditebak", id="contains-username"),
    pytest.param("abababababab", "mudah ditebak", id="repeated-pattern"),
    pytest.param("qwertyuiop12", "mudah ditebak", id="keyboard-pattern"),
    pytest.param("kemensos-dtks", "mudah ditebak", id="product-words"),
    pytest.param("Bima-" * 26, "maksimal 128", id="130-characters"),
]


@pytest.mark.parametrize(("password", "words"), WEAK_PASSWORDS)
def test_a_weak_password_is_refused_in_indonesian_and_no_user_is_stored(
    password: str, words: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    fields = {"username": "petugas_baru", "full_name": "Petugas Baru", "role": "admin", "scope_region": ""}
    counts = row_counts(db_session)

    assert_refused(create(admin_client, "user", {**fields, "password": password}), "Kata sandi", words)
    assert row_counts(db_session) == counts


@pytest.mark.parametrize(
    "cutoffs",
    [
        pytest.param("[10, 20, 30, 40, 50, 60, 70, 80]", id="eight"),
        pytest.param("[10, 20, 30, 40, 50, 60, 70, 80, 90, 95]", id="ten"),
        pytest.param("[90, 80, 70, 60, 50, 40, 30, 20, 10]", id="descending"),
        pytest.param("[10, 20, 30, 30, 50, 60, 70, 80, 90]", id="repeated"),
        pytest.param('["a", "b", "c", "d", "e", "f", "g", "h", "i"]', id="letters"),
        pytest.param('{"desil": 10}', id="object"),
        pytest.param("", id="empty"),
        pytest.param("[NaN, 20, 30, 40, 50, 60, 70, 80, 90]", id="not-a-number"),
    ],
)
def test_pmt_cutoffs_that_are_not_nine_ascending_numbers_are_refused_in_indonesian(
    cutoffs: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    counts = row_counts(db_session)

    response = create(admin_client, "pmt-model", {**PMT_MODEL, "version": "uji-2", "desil_cutoffs": cutoffs})

    assert_refused(response, "Batas desil")
    assert row_counts(db_session) == counts


@pytest.mark.parametrize(
    "typed",
    ["10, 20, 30, 40, 50, 60, 70, 80, 90", "[10, 20, 30, 40, 50, 60, 70, 80, 90]", "10;20;30;40;50;60;70;80;90"],
)
def test_pmt_cutoffs_typed_as_a_comma_list_are_stored_as_numbers(
    typed: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    response = create(admin_client, "pmt-model", {**PMT_MODEL, "version": "uji-koma", "desil_cutoffs": typed})

    assert response.status_code == 302
    stored = db_session.scalar(select(PmtModel).where(PmtModel.version == "uji-koma"))
    assert stored is not None
    assert stored.desil_cutoffs == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]


def test_a_signed_decree_can_be_neither_edited_nor_deleted(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    decree = Decree(
        kind=DecreeKind.DISTRICT_RATIFICATION,
        number="400.9/12/Dinsos/2026",
        decree_date=date(2026, 4, 1),
        region_code="52.72",
        signer_name="H. Muhammad Lutfi",
        signer_title="Wali Kota Bima",
    )
    db_session.add(decree)
    db_session.commit()
    decree.signed_at = datetime(2026, 4, 2, 1, 30, tzinfo=UTC)
    db_session.commit()

    edited = fixed_refusal(edit(admin_client, "decree", decree.id, {**DECREE_FORM, "number": "400.9/99/Dinsos/2026"}))
    refusal = fixed_refusal(delete(admin_client, "decree", decree.id))

    assert "sudah ditandatangani" in edited
    assert "SK yang sudah ditandatangani tidak dapat dihapus" in refusal
    db_session.expire_all()
    assert db_session.get(Decree, decree.id).number == "400.9/12/Dinsos/2026"


def test_a_finalised_meeting_takes_no_new_participants(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    db_session.get(Meeting, seed.meeting_id).finalised_at = datetime(2026, 1, 12, 9, tzinfo=UTC)
    db_session.commit()
    counts = row_counts(db_session)

    response = create(
        admin_client, "meeting-participant", {"meeting": str(seed.meeting_id), "name": "Terlambat", "position": "bpd"}
    )

    assert_refused(response, "sudah difinalkan")
    assert row_counts(db_session) == counts


@pytest.mark.parametrize(
    ("identity", "fields"),
    [
        (
            "household",
            lambda seed: person_form("household", seed, next_nik(KECAMATAN, MAN_BORN, False), "L", MAN_BORN)[1],
        ),
        ("member", lambda seed: person_form("member", seed, next_nik(KECAMATAN, MAN_BORN, False), "L", MAN_BORN)[1]),
    ],
    ids=["household-without-village", "member-without-household"],
)
def test_a_form_posted_without_its_required_picker_is_refused_in_indonesian(
    identity: str, fields: Callable[[Seed], dict[str, str]], seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    counts = row_counts(db_session)
    picker = "region" if identity == "household" else "household"

    response = create(admin_client, identity, {**fields(seed), picker: ""})

    assert_refused(response)
    assert row_counts(db_session) == counts
    assert [message for message in refusal_messages(response) if "Not a valid choice" in message] == []


# --- "never an HTTP 500": junk on every create form --------------------------------------------------

RELATION_ATTRIBUTES = {
    "household": "household_id",
    "region": "region_code",
    "meeting": "meeting_id",
    "model": "model_id",
    "proposal": "proposal_id",
    "assigned_to": "assigned_to_id",
    "scope_region": "scope_region_code",
}


@dataclass(frozen=True)
class FormSpec:
    """A create form: a valid post, and which of its fields are free text, numbers/dates, choices, pickers."""

    identity: str
    model: type[Any]
    valid: Callable[[Seed], dict[str, str]]
    text: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    unknown_related: dict[str, str] = field(default_factory=dict)


VISIT_CHOICES = CODED_ANSWERS

FORM_SPECS = [
    FormSpec(
        "household",
        Household,
        lambda seed: person_form("household", seed, next_nik(KECAMATAN, MAN_BORN, False), "L", MAN_BORN)[1],
        text=("address", "head_name", "head_birth_place", "head_mother_name", "head_occupation", "notes"),
        numeric=("no_kk", "rt", "rw", "head_nik", "head_birth_date"),
        choices=("head_sex", "head_marital_status", "head_education"),
        unknown_related={"region": "99.99"},
    ),
    FormSpec(
        "member",
        Member,
        lambda seed: person_form("member", seed, next_nik(KECAMATAN, MAN_BORN, False), "L", MAN_BORN)[1],
        text=("name", "birth_place", "mother_name", "occupation"),
        numeric=("household", "nik", "birth_date"),
        choices=("sex", "family_relation", "marital_status", "education", "disability"),
        unknown_related={"household": "999999"},
    ),
    FormSpec(
        "proposal",
        Proposal,
        lambda seed: {"kind": "baru", "household": str(seed.household_id), "reason": "Tidak mampu", "has_kk": "y"},
        text=("reason",),
        numeric=("household",),
        choices=("kind", "removal_reason"),
        unknown_related={"household": "999999"},
    ),
    FormSpec(
        "meeting",
        Meeting,
        lambda seed: {
            "kind": "musdes",
            "region": DEFAULT_VILLAGE,
            "held_on": "2026-02-03",
            "place": "Aula",
            "ba_number": "BA/1",
            "notes": "",
        },
        text=("place", "ba_number", "notes"),
        numeric=("held_on",),
        choices=("kind",),
        unknown_related={"region": "99.99.99.9999"},
    ),
    FormSpec(
        "meeting-participant",
        MeetingParticipant,
        lambda seed: {"meeting": str(seed.meeting_id), "name": "Hj. Aminah", "position": "tokoh_agama"},
        text=("name",),
        numeric=("meeting",),
        choices=("position",),
        unknown_related={"meeting": "999999"},
    ),
    FormSpec(
        "visit",
        Visit,
        lambda seed: {
            "household": str(seed.household_id),
            "proposal": "",
            "enumerator_name": "Rahmat",
            "visited_on": "2026-03-05",
            "floor_area_m2": "36",
            "room_count": "2",
            "notes": "",
            **dict.fromkeys(VISIT_CHOICES, ""),
            "tenure": "milik_sendiri",
        },
        text=("enumerator_name", "notes"),
        numeric=("household", "proposal", "visited_on", "floor_area_m2", "room_count"),
        choices=VISIT_CHOICES,
        unknown_related={"household": "999999", "proposal": "999999"},
    ),
    FormSpec(
        "decree",
        Decree,
        lambda seed: DECREE_FORM,
        text=("number", "signer_name", "signer_title"),
        numeric=("decree_date", "region_code", "period"),
        choices=("kind",),
    ),
    FormSpec(
        "complaint",
        Complaint,
        lambda seed: {
            "channel": "telepon",
            "complainant_name": "Wa Ode",
            "complainant_contact": "0812",
            "nik": "",
            "category": "layanan",
            "region": "52.72",
            "description": "Antrean lama",
            "assigned_to": str(seed.admin_id),
            "response": "",
        },
        text=("complainant_name", "complainant_contact", "description", "response"),
        numeric=("nik", "assigned_to"),
        choices=("channel", "category"),
        unknown_related={"region": "99.99", "assigned_to": "999999"},
    ),
    FormSpec(
        "pmt-model",
        PmtModel,
        lambda seed: {**PMT_MODEL, "version": "uji-2"},
        text=("version", "name"),
        numeric=("region_code", "intercept", "desil_cutoffs", "effective_period"),
    ),
    FormSpec(
        "pmt-weight",
        PmtWeight,
        lambda seed: {"model": str(seed.pmt_model_id), "variable": "lighting", "choice": "listrik_pln", "weight": "1"},
        text=("variable", "choice"),
        numeric=("model", "weight"),
        unknown_related={"model": "999999"},
    ),
    FormSpec(
        "user",
        User,
        lambda seed: {
            "username": "petugas_baru",
            "full_name": "Petugas Baru",
            "role": "operator_desa",
            "scope_region": DEFAULT_VILLAGE,
            "is_active": "y",
            "password": GOOD_PASSWORD,
        },
        text=("username", "full_name"),
        choices=("role",),
        unknown_related={"scope_region": "99.99.99.9999"},
    ),
]


def _junk(spec: FormSpec, valid: dict[str, str], kind: str) -> dict[str, str] | None:
    """The junk of `kind` for a form (None when the form has no field it applies to)."""
    if kind == "all-empty":
        return dict.fromkeys(valid, "")
    if kind == "5000-characters":
        return dict.fromkeys(valid, "x" * 5000)
    changes = {
        "letters-in-numbers": dict.fromkeys(spec.numeric, "abc"),
        "unknown-choice": dict.fromkeys(spec.choices, "bukan_pilihan"),
        "unknown-related-row": spec.unknown_related,
        "script": dict.fromkeys(spec.text, SCRIPT),
        "formula": dict.fromkeys(spec.text, "=1+1"),
    }[kind]
    return {**valid, **changes} if changes else None


JUNK_KINDS = [
    "all-empty",
    "5000-characters",
    "letters-in-numbers",
    "unknown-choice",
    "unknown-related-row",
    "script",
    "formula",
]
JUNK_CASES = [
    pytest.param(spec, kind, id=f"{spec.identity}-{kind}")
    for spec in FORM_SPECS
    for kind in JUNK_KINDS
    if _junk(spec, {"field": ""}, kind) is not None
]


def _as_posted(row: Any, name: str) -> str:
    """What the row holds for form field `name`, written as the form would post it."""
    if name.startswith("head_"):
        row, name = row.head, name.removeprefix("head_")
    value = getattr(row, RELATION_ATTRIBUTES.get(name, name))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else ""
    return value.value if isinstance(value, Enum) else str(value)


@pytest.mark.parametrize(("spec", "kind"), JUNK_CASES)
def test_junk_on_a_create_form_never_causes_a_server_error(
    spec: FormSpec, kind: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    valid = spec.valid(seed)
    posted = _junk(spec, valid, kind)
    assert posted is not None
    counts = row_counts(db_session)

    response = create(admin_client, spec.identity, posted)  # TestClient raises any unhandled exception

    assert response.status_code in (200, 302, 400)
    assert SCRIPT not in response.text
    assert [text for text in SQL_OR_DRIVER_TEXT if text in response.text] == []
    if response.status_code != 302:
        assert row_counts(db_session) == counts
        return
    row = newest(db_session, spec.model)
    # The password is stored as a hash, never as posted (test_views checks it).
    junk_fields = [name for name, value in posted.items() if value != valid.get(name) and name != "password"]
    assert {name: _as_posted(row, name) for name in junk_fields} == {name: posted[name] for name in junk_fields}
    for page in (f"/admin/{spec.identity}/list", f"/admin/{spec.identity}/details/{row.id}"):
        shown = admin_client.get(page)
        assert shown.status_code == 200
        assert SCRIPT not in shown.text
