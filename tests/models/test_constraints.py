"""The database itself refuses what the models forbid (named CHECK, UNIQUE and FOREIGN KEY constraints)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    FamilyRelation,
    Household,
    Member,
    Proposal,
    ProposalKind,
    Role,
    Sex,
    User,
    within_region,
)
from models.base import regency_of
from models.region_codes import RegionLevel
from tests.factories import DEFAULT_PASSWORD, DEFAULT_VILLAGE, make_household, make_member, make_user

# Each case gets a committed household with its head and adds one bad row through the session.
BadRow = Callable[[Session, Household], None]


def _member_with_nik(nik: str) -> BadRow:
    def add(session: Session, household: Household) -> None:
        make_member(session, household, nik=nik, sex=Sex.MALE, birth_date=date(2001, 1, 1))

    return add


def _member_copying_the_nik_of_another_household(session: Session, household: Household) -> None:
    other = make_household(session, region_code="52.72.05.1001", members=0)
    make_member(session, other, nik=household.head.nik)


def _second_head(session: Session, household: Household) -> None:
    make_member(session, household, family_relation=FamilyRelation.HEAD, sex=Sex.MALE)


def _household(**fields: object) -> BadRow:
    def add(session: Session, household: Household) -> None:
        make_household(session, **fields)

    return add


def _household_copying_the_no_kk(session: Session, household: Household) -> None:
    make_household(session, no_kk=household.no_kk, members=0)


def _household_with_unknown_status(session: Session, household: Household) -> None:
    # Raw SQL: the ORM's Enum type would refuse the value before the database sees it.
    session.execute(
        text(
            "INSERT INTO household (no_kk, region_code, regency_code, address, rt, rw, dtks_status, notes) "
            "VALUES ('5272011403190999', :region, :regency, 'Jl. Uji', '001', '001', 'hilang', '')"
        ),
        {"region": DEFAULT_VILLAGE, "regency": regency_of(DEFAULT_VILLAGE)},
    )


def _member_with_unknown_sex(session: Session, household: Household) -> None:
    session.execute(
        text(
            "INSERT INTO member (household_id, region_code, regency_code, nik, name, sex, birth_place, birth_date, "
            "family_relation, mother_name, marital_status, occupation, education, disability) "
            "VALUES (:household, :region, :regency, '5272010101010001', 'Uji', 'X', '', '2001-01-01', "
            "'anak', '', 'belum_kawin', '', 'tidak_sekolah', 'tidak_ada')"
        ),
        {"household": household.id, "region": household.region_code, "regency": household.regency_code},
    )


def _removal_without_reason(session: Session, household: Household) -> None:
    session.add(Proposal(kind=ProposalKind.REMOVE, household=household, region_code=household.region_code))
    session.flush()


def _user(role: Role, scope_region_code: str | None) -> BadRow:
    def add(session: Session, household: Household) -> None:
        session.add(
            User(
                username="salah-lingkup",
                full_name="Salah Lingkup",
                role=role,
                scope_region_code=scope_region_code,
                password_hash="tidak-dipakai",
            )
        )
        session.flush()

    return add


def _complaint_with_nik(nik: str | None) -> BadRow:
    def add(session: Session, household: Household) -> None:
        session.add(
            Complaint(
                region_code=household.region_code,
                channel=ComplaintChannel.WALK_IN,
                complainant_name="Pengadu Uji",
                nik=nik,
                category=ComplaintCategory.WRONGLY_EXCLUDED,
                description="Keluarga kami layak tetapi tidak terdaftar.",
            )
        )
        session.flush()

    return add


def _unique(name: str, sqlite_columns: str) -> str:
    # SQLite names the columns of a violated UNIQUE constraint or index, PostgreSQL names the constraint.
    return f"{name}|UNIQUE constraint failed: {re.escape(sqlite_columns)}$"


def _foreign_key(name: str) -> str:
    return f"{name}|FOREIGN KEY constraint failed"  # SQLite does not say which foreign key


ROLE_SCOPE = "ck_user_account_role_matches_scope_level"
# A valid No. KK for the cases whose region code is too short to derive one from.
SPARE_NO_KK = "5272011403190998"

# (table, how to add the bad row, the constraint that must refuse it: a regex on the driver's message)
REFUSED_ROWS = [
    pytest.param("member", _member_with_nik("527201010101001"), "ck_member_nik_digits", id="member-nik-of-15-digits"),
    pytest.param("member", _member_with_nik("52720101010100A1"), "ck_member_nik_digits", id="member-nik-with-a-letter"),
    pytest.param("member", _member_with_nik("5272010101 10001"), "ck_member_nik_digits", id="member-nik-with-a-space"),
    pytest.param(
        "member",
        _member_copying_the_nik_of_another_household,
        _unique("pk_member_nik", "member.nik"),
        id="same-nik-in-two-households",
    ),
    pytest.param(
        "member",
        _second_head,
        _unique("uq_member_one_head_per_household", "member.household_id"),
        id="second-head-in-one-household",
    ),
    pytest.param("member", _member_with_unknown_sex, "ck_member_sex", id="sex-outside-its-enum"),
    pytest.param(
        "household", _household(no_kk="527201140319001"), "ck_household_no_kk_digits", id="no-kk-of-15-digits"
    ),
    pytest.param(
        "household",
        _household(no_kk="52720114031900X1"),
        "ck_household_no_kk_digits",
        id="no-kk-with-a-letter",
    ),
    pytest.param(
        "household",
        _household_copying_the_no_kk,
        _unique("pk_household_kk", "household.no_kk"),
        id="same-no-kk-twice",
    ),
    pytest.param(
        "household",
        _household(region_code="52.72.01", no_kk=SPARE_NO_KK),
        "ck_household_village_level",
        id="household-in-a-kecamatan-not-a-village",
    ),
    pytest.param(
        "household",
        _household(region_code="52.72", no_kk=SPARE_NO_KK),
        "ck_household_village_level",
        id="household-in-a-regency-not-a-village",
    ),
    pytest.param(
        "household",
        _household(region_code="52.72.01.9999"),
        _foreign_key("fk_household_region_code_region"),
        id="household-in-an-unknown-village",
    ),
    pytest.param("household", _household(desil=11), "ck_household_desil_range", id="desil-11"),
    pytest.param("household", _household(desil=0), "ck_household_desil_range", id="desil-0"),
    pytest.param("household", _household(period="2026-1"), "ck_household_period_shape", id="period-not-yyyy-mm"),
    pytest.param(
        "household",
        _household_with_unknown_status,
        "ck_household_dtksstatus",
        id="dtks-status-outside-its-enum",
    ),
    pytest.param(
        "proposal",
        _removal_without_reason,
        "ck_proposal_removal_needs_reason",
        id="removal-proposal-without-a-reason",
    ),
    pytest.param(
        "user_account",
        _user(Role.OPERATOR_DESA, "52.72"),
        ROLE_SCOPE,
        id="village-operator-scoped-to-a-regency",
    ),
    pytest.param("user_account", _user(Role.TKSK, "52.72.01.1001"), ROLE_SCOPE, id="tksk-scoped-to-a-village"),
    pytest.param("user_account", _user(Role.ADMIN, "52"), ROLE_SCOPE, id="admin-with-a-province-scope"),
    pytest.param(
        "user_account",
        _user(Role.OPERATOR_DINSOS, None),
        ROLE_SCOPE,
        id="district-operator-without-a-scope",
    ),
    pytest.param(
        "user_account",
        _user(Role.OPERATOR_DESA, None),
        ROLE_SCOPE,
        id="village-operator-without-a-scope",
    ),
    pytest.param(
        "user_account",
        _user(Role.OPERATOR_PROVINSI, "99"),
        _foreign_key("fk_user_account_scope_region_code_region"),
        id="province-operator-of-an-unknown-province",
    ),
    pytest.param(
        "complaint",
        _complaint_with_nik("52720101010100"),
        "ck_complaint_nik_digits",
        id="complaint-nik-of-14-digits",
    ),
    pytest.param(
        "complaint",
        _complaint_with_nik("5272O10101010001"),
        "ck_complaint_nik_digits",
        id="complaint-nik-with-letter-o",
    ),
]


@pytest.mark.parametrize(("table", "add_bad_row", "constraint"), REFUSED_ROWS)
def test_database_refuses_a_row_that_breaks_a_constraint(
    db_session: Session, count_rows: Callable[[str], int], table: str, add_bad_row: BadRow, constraint: str
) -> None:
    household = make_household(db_session)
    db_session.commit()
    rows_before = count_rows(table)

    with pytest.raises(IntegrityError) as refused:
        add_bad_row(db_session, household)
        db_session.commit()

    assert re.search(constraint, str(refused.value.orig).splitlines()[0]), refused.value.orig
    db_session.rollback()
    assert count_rows(table) == rows_before
    assert db_session.get(Household, household.id) is not None


def test_database_refuses_a_member_nik_of_17_digits(db_session: Session, count_rows: Callable[[str], int]) -> None:
    household = make_household(db_session)
    db_session.commit()
    head_nik = household.head.nik

    # A Core UPDATE, past the ORM's text guard (models/text_guard.py, tested in tests/models/test_text.py), so the
    # database itself answers: PostgreSQL at VARCHAR(16) (DataError); SQLite ignores lengths, the CHECK does.
    with pytest.raises((DataError, IntegrityError)):
        db_session.execute(update(Member).where(Member.id == household.head.id).values(nik="52720101010100011"))
        db_session.commit()

    db_session.rollback()
    assert count_rows("member") == 1
    assert db_session.scalar(select(Member.nik)) == head_nik


def test_the_good_rows_of_those_cases_are_accepted(db_session: Session, count_rows: Callable[[str], int]) -> None:
    """The counterpart of the table above, so a constraint that refuses everything would be caught."""
    household = make_household(db_session, members=3, desil=10, period="2026-10")
    make_member(db_session, household, family_relation=FamilyRelation.GRANDCHILD)
    db_session.add(Proposal(kind=ProposalKind.KEEP, household=household, region_code=household.region_code))
    _complaint_with_nik(household.head.nik)(db_session, household)
    _complaint_with_nik(None)(db_session, household)  # the NIK is optional on a complaint
    db_session.commit()

    assert count_rows("member") == 4
    assert count_rows("proposal") == 1
    assert count_rows("complaint") == 2


SCOPE_OF_LEVEL = {
    RegionLevel.VILLAGE: DEFAULT_VILLAGE,
    RegionLevel.KECAMATAN: "52.72.01",
    RegionLevel.REGENCY: "52.72",
    RegionLevel.PROVINCE: "52",
    None: None,
}


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_role_is_accepted_with_a_scope_of_its_level(
    db_session: Session, count_rows: Callable[[str], int], role: Role
) -> None:
    make_user(db_session, role, SCOPE_OF_LEVEL[role.scope_level])
    db_session.commit()

    assert count_rows("user_account") == 1


def test_a_factory_user_logs_in_with_the_default_password(db_session: Session) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)

    assert user.check_password(DEFAULT_PASSWORD)
    assert not user.check_password("kata-sandi-salah")


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_a_household_deletes_its_members(
    db_session: Session, count_rows: Callable[[str], int], how: str
) -> None:
    doomed = make_household(db_session, members=4)
    kept = make_household(db_session, members=2)
    db_session.commit()

    if how == "orm":
        db_session.delete(doomed)
    else:  # the database's ON DELETE CASCADE, as a bulk delete would rely on
        db_session.execute(delete(Household).where(Household.id == doomed.id))
    db_session.commit()

    remaining = db_session.scalars(select(Member.household_id).order_by(Member.id)).all()
    assert remaining == [kept.id, kept.id]
    assert count_rows("household") == 1


WITHIN_REGION = [
    pytest.param("52.7", set(), id="52.7-is-not-a-prefix-of-52.72"),
    pytest.param("52.72", {"52.72.01.1001", "52.72.05.1001"}, id="52.72-kota-bima"),
    pytest.param("52", {"52.72.01.1001", "52.72.05.1001", "52.71.01.1004"}, id="52-ntb"),
    pytest.param("52.72.01", {"52.72.01.1001"}, id="52.72.01-rasanae-barat"),
    pytest.param("52.72.01.1001", {"52.72.01.1001"}, id="the-village-itself"),
    pytest.param("52.72.01.100", set(), id="52.72.01.100-is-not-a-prefix-of-52.72.01.1001"),
    pytest.param("7", set(), id="7-is-not-a-prefix-of-73"),
    pytest.param("73", {"73.02.01.1001"}, id="73-sulawesi-selatan"),
]


@pytest.mark.parametrize(("scope", "expected"), WITHIN_REGION)
def test_within_region_compares_whole_code_segments(db_session: Session, scope: str, expected: set[str]) -> None:
    for village in ("52.72.01.1001", "52.72.05.1001", "52.71.01.1004", "73.02.01.1001"):
        make_household(db_session, region_code=village, members=0)
    db_session.commit()

    found = db_session.scalars(select(Household.region_code).where(within_region(Household.region_code, scope)))

    assert set(found) == expected
