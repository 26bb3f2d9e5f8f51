"""Migration a7c3e5f1d2b4 (the period is a quarter in the database): it keeps every row (no table rebuilt, no
cascade), makes the CHECK say the code's rule, and stops, changing nothing, on a row outside the quarters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from alembic import command
from console.database import make_engine
from console.settings import Settings
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, next_nik, next_no_kk

BEFORE, REVISION = "8d2c6b1a9e47", "a7c3e5f1d2b4"
AlembicConfigFor = Callable[[str], Config]
REGIONS = [("52", 1, None), ("52.72", 2, "52"), ("52.72.01", 3, "52.72"), (DEFAULT_VILLAGE, 4, "52.72.01")]


@pytest.fixture
def before(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, settings: Settings
) -> Iterator[tuple[Engine, Config]]:
    """A database at the revision before, holding one region chain; the console's engine on it (SQLite: foreign
    keys on, so a rebuilt table would cascade) and its alembic config."""
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    with engine.begin() as connection:
        for code, level, parent in REGIONS:
            connection.execute(
                text("INSERT INTO region (code, name, level, parent_code) VALUES (:code, :code, :level, :parent)"),
                {"code": code, "level": level, "parent": parent},
            )
    yield engine, config
    engine.dispose()


def _household(engine: Engine, period: str) -> int:
    """A household of `period` with its head (a child row a rebuilt table would cascade away).

    Written as the tables stand at the revision before (the model has columns added since, e.g. `head_name`).
    """
    kecamatan = kecamatan_of(DEFAULT_VILLAGE)
    with engine.begin() as connection:
        household_id = connection.execute(
            text(
                "INSERT INTO household (no_kk, region_code, address, rt, rw, dtks_status, period, notes, created_at,"
                " updated_at) VALUES (:kk, :village, 'Jl. Uji', '', '', 'belum_terdaftar', :period, '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"kk": next_no_kk(kecamatan), "village": DEFAULT_VILLAGE, "period": period},
        ).scalar_one()
        born = date(1980, 5, 1)
        connection.execute(  # `member` as it stood at that revision (no regency code yet)
            text(
                "INSERT INTO member (household_id, region_code, nik, name, sex, birth_place, birth_date,"
                " family_relation, marital_status, education, occupation, disability, mother_name, created_at,"
                " updated_at) VALUES (:household, :village, :nik, 'Kepala Uji', 'L', 'Bima', :born,"
                " 'kepala_keluarga', 'kawin', 'sd', '', 'tidak_ada', 'Ibu Uji', CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            ),
            {
                "household": household_id,
                "village": DEFAULT_VILLAGE,
                "nik": next_nik(kecamatan, born, False),
                "born": born,
            },
        )
    return int(household_id)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_the_upgrade_keeps_every_row_and_the_database_then_refuses_a_month_outside_the_quarters(
    before: tuple[Engine, Config],
) -> None:
    engine, config = before
    household_id = _household(engine, "2026-10")

    command.upgrade(config, REVISION)

    assert (_count(engine, "household"), _count(engine, "member")) == (1, 1)
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE household SET period = '2026-11' WHERE id = :id"), {"id": household_id})


def test_the_upgrade_stops_on_a_row_outside_the_quarters_and_says_how_many(before: tuple[Engine, Config]) -> None:
    engine, config = before
    _household(engine, "2026-11")

    with pytest.raises(RuntimeError, match="1 baris household memakai periode di luar triwulan"):
        command.upgrade(config, REVISION)

    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == BEFORE
