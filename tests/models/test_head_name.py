"""household.head_name: the head member's name, kept by the database's triggers on `member` whatever writes it
(the ORM, bulk Core statements), on SQLite and PostgreSQL; the migration fills it for households already there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from alembic.config import Config
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from alembic import command
from console.database import make_engine
from console.settings import Settings
from models import Household, Member
from models.member import FamilyRelation, Sex
from tests.factories import DEFAULT_VILLAGE, insert_region_path, make_household, make_member, next_nik

KECAMATAN = DEFAULT_VILLAGE.rsplit(".", 1)[0]


def _head_name(session: Session, household_id: int) -> str:
    return session.scalars(select(Household.head_name).where(Household.id == household_id)).one()


def test_the_head_name_follows_the_head_through_every_change(db_session: Session) -> None:
    household = make_household(db_session, members=2)
    head, spouse = household.members
    db_session.commit()
    assert _head_name(db_session, household.id) == head.name

    head.name = "Abdul Rahman Baru"
    db_session.commit()
    assert _head_name(db_session, household.id) == "Abdul Rahman Baru"

    # The headship passes to the spouse: first the old head steps down, then the spouse takes it.
    head.family_relation = FamilyRelation.OTHER
    db_session.flush()
    assert _head_name(db_session, household.id) == ""
    spouse.family_relation = FamilyRelation.HEAD
    db_session.commit()
    assert _head_name(db_session, household.id) == spouse.name

    db_session.delete(spouse)
    db_session.commit()
    assert _head_name(db_session, household.id) == ""


def test_a_head_moved_to_another_household_leaves_one_and_heads_the_other(db_session: Session) -> None:
    left, joined = make_household(db_session, members=1), make_household(db_session, members=1)
    moving = left.members[0]
    joined.members[0].family_relation = FamilyRelation.OTHER
    db_session.flush()
    moving.household_id = joined.id
    db_session.commit()

    assert (_head_name(db_session, left.id), _head_name(db_session, joined.id)) == ("", moving.name)


def test_a_bulk_core_insert_and_update_keep_it_too(db_session: Session) -> None:
    household = make_household(db_session, members=0)
    nik = next_nik(KECAMATAN, date(1980, 5, 1), False)
    db_session.execute(
        insert(Member).values(
            household_id=household.id,
            region_code=household.region_code,
            nik=nik,
            name="Kepala Dari SQL",
            sex=Sex.MALE,
            birth_date=date(1980, 5, 1),
            family_relation=FamilyRelation.HEAD,
            birth_place="Bima",
            mother_name="Ibu",
        )
    )
    assert _head_name(db_session, household.id) == "Kepala Dari SQL"
    db_session.execute(update(Member).where(Member.nik == nik).values(name="Kepala Diganti"))
    assert _head_name(db_session, household.id) == "Kepala Diganti"


def test_a_member_who_is_not_the_head_changes_nothing(db_session: Session) -> None:
    household = make_household(db_session, members=1)
    head_name = household.members[0].name
    child = make_member(db_session, household, name="Anak Pertama")
    child.name = "Anak Diganti"
    db_session.commit()
    assert _head_name(db_session, household.id) == head_name


def test_the_migration_fills_the_column_for_households_already_registered(
    empty_database_url: str, alembic_config_for: Callable[[str], Config], settings: Settings
) -> None:
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, "a7c3e5f1d2b4")
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    try:
        with engine.begin() as connection:
            insert_region_path(connection, DEFAULT_VILLAGE)
            connection.execute(
                text(
                    "INSERT INTO household (id, no_kk, region_code, address, rt, rw, dtks_status, notes, created_at,"
                    " updated_at) VALUES (1, '5272011501200001', :v, 'Jl. Uji', '', '', 'belum_terdaftar', '',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"v": DEFAULT_VILLAGE},
            )
            # The member as its table stood at that revision (no regency code yet).
            connection.execute(
                text(
                    "INSERT INTO member (household_id, region_code, nik, name, sex, birth_place, birth_date,"
                    " family_relation, marital_status, education, occupation, disability, mother_name, created_at,"
                    " updated_at) VALUES (1, :v, :nik, 'Kepala Lama', 'L', 'Bima', '1980-05-01',"
                    " 'kepala_keluarga', 'kawin', 'sd', '', 'tidak_ada', 'Ibu', CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"v": DEFAULT_VILLAGE, "nik": next_nik(KECAMATAN, date(1980, 5, 1), False)},
            )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT head_name FROM household WHERE id = 1")).scalar_one() == (
                "Kepala Lama"
            )
        command.downgrade(config, "a7c3e5f1d2b4")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM member")).scalar_one() == 1
    finally:
        engine.dispose()
