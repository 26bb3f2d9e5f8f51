"""Migration c5e7a9b1d3f2 (tallies per region): it fills the tallies from the households and proposals already
there, the triggers keep them from then on, and the downgrade takes tables, triggers and functions away."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from alembic.config import Config
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from alembic import command
from console.database import make_engine
from console.settings import Settings
from tests.factories import kecamatan_of, next_no_kk
from tests.tally_recount import assert_tallies_match

BEFORE, REVISION = "b4d2e6f8a1c3", "c5e7a9b1d3f2"
AlembicConfigFor = Callable[[str], Config]
VILLAGES = ("52.72.01.1001", "52.72.01.1002", "52.72.02.1004", "73.02.01.1001")
REGIONS = [
    ("52", 1, None),
    ("52.72", 2, "52"),
    ("52.72.01", 3, "52.72"),
    ("52.72.02", 3, "52.72"),
    ("73", 1, None),
    ("73.02", 2, "73"),
    ("73.02.01", 3, "73.02"),
    *((village, 4, kecamatan_of(village)) for village in VILLAGES),
]
# (village, DTKS status, desil, period, proposal status or None)
HOUSEHOLDS = [
    ("52.72.01.1001", "terdaftar", 1, "2026-07", "determined"),
    ("52.72.01.1001", "terdaftar", 1, "2026-07", None),
    ("52.72.01.1001", "terdaftar", 3, "2026-10", "determined"),
    ("52.72.01.1002", "belum_terdaftar", None, None, "draft"),
    ("52.72.01.1002", "belum_terdaftar", None, None, "submitted"),
    ("52.72.02.1004", "dikeluarkan", None, "2026-10", "determined"),
    ("73.02.01.1001", "terdaftar", None, "2026-04", None),
    ("73.02.01.1001", "belum_terdaftar", None, None, "draft"),
]


@pytest.fixture
def before(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, settings: Settings
) -> Iterator[tuple[Engine, Config]]:
    """A database at the revision before holding households and proposals (written as the tables stand there)."""
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    with engine.begin() as connection:
        for code, level, parent in REGIONS:
            connection.execute(
                text("INSERT INTO region (code, name, level, parent_code) VALUES (:code, :code, :level, :parent)"),
                {"code": code, "level": level, "parent": parent},
            )
        for village, status, desil, period, proposal in HOUSEHOLDS:
            household_id = connection.execute(
                text(
                    "INSERT INTO household (no_kk, region_code, address, rt, rw, dtks_status, desil, period, notes,"
                    " created_at, updated_at) VALUES (:kk, :village, 'Jl. Uji', '', '', :status, :desil, :period, '',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
                ),
                {"kk": next_no_kk(kecamatan_of(village)), "village": village, "status": status, "desil": desil,
                 "period": period},
            ).scalar_one()  # fmt: skip
            if proposal:
                connection.execute(
                    text(
                        "INSERT INTO proposal (kind, household_id, region_code, reason, requested_changes, has_ktp,"
                        " has_kk, has_sktm, status, status_changed_at, return_reason, version, created_at,"
                        " updated_at) VALUES ('baru', :household, :village, '', '{}', true, true, true, :status,"
                        " CURRENT_TIMESTAMP, '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"household": household_id, "village": village, "status": proposal},
                )
    yield engine, config
    engine.dispose()


def _households(engine: Engine, where: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            text(f"SELECT COALESCE(sum(households), 0) FROM household_tally WHERE {where}")
        ).scalar_one()


def test_the_upgrade_fills_the_tallies_from_the_rows_already_there(before: tuple[Engine, Config]) -> None:
    engine, config = before

    command.upgrade(config, "head")  # the models' tallies: with the regency code of alembic e5a7c9d1f3b5

    with Session(engine) as session:
        assert_tallies_match(session)
    with engine.connect() as connection:
        regencies = connection.execute(text("SELECT DISTINCT level, regency_code FROM household_tally ORDER BY 1, 2"))
        assert [tuple(row) for row in regencies] == [
            (1, "52"), (1, "73"), (2, "52.72"), (2, "73.02"), (3, "52.72"), (3, "73.02"), (4, "52.72"), (4, "73.02")
        ]  # fmt: skip
    assert _households(engine, "level = 1 AND region_code = '52' AND dtks_status = 'terdaftar'") == 3
    assert _households(engine, "level = 4 AND region_code = '52.72.01.1001' AND desil = 1") == 2
    assert _households(engine, "level = 1 AND region_code = '73' AND desil = 0 AND period = '2026-04'") == 1
    with engine.begin() as connection:  # from now on the triggers count
        connection.execute(text("UPDATE household SET dtks_status = 'terdaftar', desil = 7, period = '2026-10'"))
    with Session(engine) as session:
        assert_tallies_match(session)
    assert _households(engine, "level = 2 AND region_code = '52.72' AND desil = 7") == 6  # the region's 6 households


def test_the_downgrade_takes_the_tallies_and_their_triggers_away(before: tuple[Engine, Config]) -> None:
    engine, config = before
    command.upgrade(config, REVISION)

    command.downgrade(config, BEFORE)

    assert not {"household_tally", "proposal_tally"} & set(inspect(engine).get_table_names())
    with engine.begin() as connection:  # no trigger left writing to a table that is gone
        connection.execute(text("UPDATE household SET dtks_status = 'dikeluarkan'"))
        connection.execute(text("DELETE FROM proposal WHERE status = 'draft'"))
        connection.execute(text("DELETE FROM household WHERE id NOT IN (SELECT household_id FROM proposal)"))


def test_a_truncate_by_the_owner_empties_the_tallies_with_the_register(before: tuple[Engine, Config]) -> None:
    engine, config = before
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite has none)")
    command.upgrade(config, "head")

    with engine.begin() as connection:
        connection.execute(text("TRUNCATE household CASCADE"))  # proposals go with their households

    with Session(engine) as session:
        assert_tallies_match(session)
    assert _households(engine, "true") == 0


def test_the_tallies_count_on_after_their_regency_code_is_taken_away_again(before: tuple[Engine, Config]) -> None:
    """alembic e5a7c9d1f3b5's downgrade puts back the triggers and functions that write no regency code."""
    engine, config = before
    command.upgrade(config, "head")

    command.downgrade(config, "d3f5a7b9c1e3")

    drafts = "SELECT proposals FROM proposal_tally WHERE level = 1 AND region_code = :p AND status = 'draft'"
    with engine.begin() as connection:
        assert connection.execute(text(drafts), {"p": "52"}).scalar_one() == 1
        connection.execute(text("UPDATE household SET dtks_status = 'terdaftar', desil = 7, period = '2026-10'"))
        connection.execute(text("DELETE FROM proposal WHERE status = 'draft'"))
    assert _households(engine, "level = 2 AND region_code = '52.72' AND desil = 7") == 6
    with engine.connect() as connection:
        assert connection.execute(text(drafts), {"p": "52"}).scalar_one() == 0
