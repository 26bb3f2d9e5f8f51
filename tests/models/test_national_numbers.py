"""NIK and No. KK unique nationally through member_nik and household_kk (models/national_numbers.py), on SQLite and
PostgreSQL: the database writes the lookup rows with every insert, change and delete of the register, whoever
writes it (the ORM, bulk Core statements), and refuses a number already held with the console's message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from alembic.config import Config
from sqlalchemy import delete, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alembic import command
from console.database import make_engine
from console.errors import database_error_message
from console.settings import Settings
from models import Household, Member, NikHolder, NoKkHolder
from models.member import FamilyRelation, Sex
from tests.factories import (
    DEFAULT_VILLAGE,
    insert_region_path,
    kecamatan_of,
    make_household,
    make_member,
    next_nik,
    next_no_kk,
)

KECAMATAN = kecamatan_of(DEFAULT_VILLAGE)
OTHER_REGENCY_VILLAGE = "52.71.01.1004"  # Kota Mataram


def _nik_holders(session: Session) -> dict[str, tuple[int, str]]:
    rows = session.execute(select(NikHolder.nik, NikHolder.member_id, NikHolder.regency_code))
    return {nik: (member_id, regency) for nik, member_id, regency in rows}


def _kk_holders(session: Session) -> dict[str, tuple[int, str]]:
    rows = session.execute(select(NoKkHolder.no_kk, NoKkHolder.household_id, NoKkHolder.regency_code))
    return {no_kk: (household_id, regency) for no_kk, household_id, regency in rows}


def _register_niks(session: Session) -> dict[str, tuple[int, str]]:
    rows = session.execute(select(Member.nik, Member.id, Member.region_code))
    return {nik: (member_id, region[:5]) for nik, member_id, region in rows}


def _register_kks(session: Session) -> dict[str, tuple[int, str]]:
    rows = session.execute(select(Household.no_kk, Household.id, Household.region_code))
    return {no_kk: (household_id, region[:5]) for no_kk, household_id, region in rows}


def _member_values(household: Household, nik: str, name: str) -> dict[str, object]:
    return {
        "household_id": household.id,
        "region_code": household.region_code,
        "nik": nik,
        "name": name,
        "sex": Sex.MALE,
        "birth_date": date(1990, 1, 2),
        "family_relation": FamilyRelation.CHILD,
        "birth_place": "Bima",
        "mother_name": "Ibu",
    }


def test_the_lookup_follows_every_change_of_the_register(db_session: Session) -> None:
    household = make_household(db_session, members=3)
    db_session.commit()
    assert _nik_holders(db_session) == _register_niks(db_session)
    assert _kk_holders(db_session) == _register_kks(db_session)

    child = household.members[2]
    child.nik = next_nik(KECAMATAN, child.birth_date, child.sex == Sex.FEMALE)
    household.no_kk = next_no_kk(KECAMATAN)
    db_session.commit()
    assert _nik_holders(db_session) == _register_niks(db_session)
    assert _kk_holders(db_session) == _register_kks(db_session)

    db_session.delete(household.members[1])
    db_session.commit()
    assert _nik_holders(db_session) == _register_niks(db_session)
    assert len(_nik_holders(db_session)) == 2


def test_a_member_moved_to_a_family_in_another_regency_takes_its_nik_there(db_session: Session) -> None:
    household = make_household(db_session, members=2)
    elsewhere = make_household(db_session, region_code=OTHER_REGENCY_VILLAGE, members=1)
    db_session.commit()
    moving = household.members[1]
    moving.household_id = elsewhere.id
    db_session.commit()  # scope_sync gives the member its new family's region code

    assert _nik_holders(db_session)[moving.nik] == (moving.id, "52.71")
    assert _nik_holders(db_session) == _register_niks(db_session)


def test_bulk_core_statements_are_held_to_the_rule_too(db_session: Session) -> None:
    household = make_household(db_session, members=1)
    niks = [next_nik(KECAMATAN, date(1990, 1, 2), False) for _ in range(3)]
    db_session.execute(
        insert(Member), [_member_values(household, nik, f"Anak {n}") for n, nik in enumerate(niks, start=1)]
    )
    assert set(niks) <= set(_nik_holders(db_session))

    renumbered = next_nik(KECAMATAN, date(1990, 1, 2), False)
    db_session.execute(update(Member).where(Member.nik == niks[0]).values(nik=renumbered))
    db_session.execute(delete(Member).where(Member.nik == niks[1]))
    assert _nik_holders(db_session) == _register_niks(db_session)

    db_session.execute(delete(Member).where(Member.household_id == household.id))
    db_session.execute(delete(Household).where(Household.id == household.id))
    assert _nik_holders(db_session) == {}
    assert _kk_holders(db_session) == {}


def test_deleting_a_household_releases_its_numbers_through_the_cascade(db_session: Session) -> None:
    household = make_household(db_session, members=2)
    db_session.commit()
    db_session.execute(text("DELETE FROM household WHERE id = :id"), {"id": household.id})
    db_session.commit()
    assert (_nik_holders(db_session), _kk_holders(db_session)) == ({}, {})


def test_a_nik_held_in_another_regency_is_refused_with_the_consoles_message(db_session: Session) -> None:
    held = make_household(db_session, region_code=OTHER_REGENCY_VILLAGE, members=1)
    db_session.commit()
    elsewhere = make_household(db_session, members=1)
    db_session.commit()

    with pytest.raises(IntegrityError) as refusal:
        make_member(db_session, elsewhere, nik=held.members[0].nik)
    assert database_error_message(refusal.value) == (
        "NIK ini sudah terdaftar pada anggota keluarga lain. Satu NIK hanya boleh tercatat sekali."
    )
    db_session.rollback()
    assert _nik_holders(db_session) == _register_niks(db_session)


def test_a_no_kk_held_elsewhere_is_refused_with_the_consoles_message(db_session: Session) -> None:
    held = make_household(db_session, region_code=OTHER_REGENCY_VILLAGE, members=0)
    db_session.commit()
    with pytest.raises(IntegrityError) as refusal:
        make_household(db_session, no_kk=held.no_kk, members=0)
    assert database_error_message(refusal.value) == "No. KK ini sudah terdaftar pada keluarga lain."
    db_session.rollback()
    assert _kk_holders(db_session) == _register_kks(db_session)


def test_on_postgresql_no_unique_index_on_the_register_holds_the_numbers(db_session: Session) -> None:
    """The rule a distributed engine needs (docs/SCALING.md): national uniqueness only through the lookup
    tables, whose primary key is the number; the register keeps plain indexes for its lookups."""
    connection = db_session.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("SQLite keeps its first schema's unique constraints beside the lookup tables")
    inspector = inspect(connection)
    for table, column in (("member", "nik"), ("household", "no_kk")):
        assert [c["column_names"] for c in inspector.get_unique_constraints(table)] == []
        indexes = {index["name"]: index for index in inspector.get_indexes(table)}
        assert indexes[f"ix_{table}_{column}"]["column_names"] == [column]
        assert not any(index["unique"] and index["column_names"] == [column] for index in indexes.values())
    assert inspector.get_pk_constraint("member_nik")["constrained_columns"] == ["nik"]
    assert inspector.get_pk_constraint("household_kk")["constrained_columns"] == ["no_kk"]


def test_the_migration_fills_the_lookup_for_a_register_already_there(
    empty_database_url: str, alembic_config_for: Callable[[str], Config], settings: Settings
) -> None:
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, "e8a0c2d4f6b8")
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    nik, no_kk = next_nik(KECAMATAN, date(1980, 5, 1), False), next_no_kk(KECAMATAN)
    try:
        with engine.begin() as connection:
            insert_region_path(connection, DEFAULT_VILLAGE)
            connection.execute(
                text(
                    "INSERT INTO household (id, no_kk, region_code, address, rt, rw, dtks_status, notes, head_name,"
                    " created_at, updated_at) VALUES (1, :kk, :v, 'Jl. Uji', '', '', 'belum_terdaftar', '', '',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"kk": no_kk, "v": DEFAULT_VILLAGE},
            )
            connection.execute(
                text(
                    "INSERT INTO member (id, household_id, region_code, nik, name, sex, birth_place, birth_date,"
                    " family_relation, marital_status, education, occupation, disability, mother_name, created_at,"
                    " updated_at) VALUES (7, 1, :v, :nik, 'Kepala Lama', 'L', 'Bima', '1980-05-01',"
                    " 'kepala_keluarga', 'kawin', 'sd', '', 'tidak_ada', 'Ibu', CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"v": DEFAULT_VILLAGE, "nik": nik},
            )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT nik, member_id, regency_code FROM member_nik")).all() == [
                (nik, 7, "52.72")
            ]
            assert connection.execute(text("SELECT no_kk, household_id, regency_code FROM household_kk")).all() == [
                (no_kk, 1, "52.72")
            ]
        command.downgrade(config, "e8a0c2d4f6b8")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM member")).scalar_one() == 1
            # The unique constraint is back: a second member with the same NIK is refused by it.
            with pytest.raises(IntegrityError, match="uq_member_nik|UNIQUE constraint failed: member.nik"):
                connection.execute(
                    text(
                        "INSERT INTO member (household_id, region_code, nik, name, sex, birth_place, birth_date,"
                        " family_relation, marital_status, education, occupation, disability, mother_name,"
                        " created_at, updated_at) SELECT household_id, region_code, nik, 'Kembar', sex,"
                        " birth_place, birth_date, 'anak', marital_status, education, occupation, disability,"
                        " mother_name, created_at, updated_at FROM member"
                    )
                )
    finally:
        engine.dispose()


def test_on_postgresql_truncating_the_register_empties_the_lookup_too(db_session: Session) -> None:
    """The owner's maintenance: a TRUNCATE fires no row trigger, so its own trigger empties the lookup."""
    if db_session.connection().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    make_household(db_session, members=2)
    db_session.flush()
    db_session.execute(text("TRUNCATE household CASCADE"))
    assert (_nik_holders(db_session), _kk_holders(db_session)) == ({}, {})
